import { strict as assert } from "assert";
import { appSpec, DeploymentSpec, runDeployment } from "../../../components/rollout/run-deployment";
import { FakeRolloutAws, rolloutFailure, VirtualClock } from "../../fixtures/fake-rollout-aws";

const FN = "cellular-prod-cell-01-api";
const GROUP = "cellular-prod-cell-01";
const ALARMS = ["cellular-prod-cell-01-errors", "cellular-prod-cell-01-throttles", "cellular-prod-cell-01-breaker-open"];

function spec(over: Partial<DeploymentSpec> = {}): DeploymentSpec {
    return {
        cellId: "cell-01", applicationName: "cellular-prod", deploymentGroupName: GROUP, functionName: FN, alias: "live",
        targetVersion: "4", alarmNames: ALARMS, timeoutMinutes: 60, pollSeconds: 15, ...over,
    };
}

function world(current = "3"): { aws: FakeRolloutAws; clock: VirtualClock } {
    const clock = new VirtualClock();
    const aws = new FakeRolloutAws(clock).alias(FN, current);
    for (const a of ALARMS) aws.alarm(a);
    aws.groupAlarms.set(GROUP, ALARMS);
    return { aws, clock };
}

const failure = (run: Promise<unknown>): Promise<string> => rolloutFailure(run, "the deployment did not fail");

describe("one cell's deployment in pulumi up (components/rollout/run-deployment.ts)", () => {
    it("shifts a healthy version canary then all: 10 % for 5 minutes, then 100 %, and reports the deployment", async () => {
        const { aws, clock } = world();
        const started = clock.now();
        const seen: Array<{ minute: number; version: string; weights: Record<string, number> }> = [];
        const clients = aws.clients;
        const watching = { ...clients, codedeploy: { send: async (c: object) => {
            const out = await clients.codedeploy.send(c);
            const a = aws.aliases.get(`${FN}:live`)!;
            seen.push({ minute: (clock.now() - started) / 60_000, version: a.version, weights: { ...a.weights } });
            return out;
        } } };

        const outcome = await runDeployment(watching, clock, spec());

        assert.deepEqual(outcome, { version: "4", deploymentId: "d-000000001", previousVersion: "3" });
        assert.deepEqual(aws.aliases.get(`${FN}:live`), { version: "4", weights: {} });
        // During the canary the alias still serves 3, and 10 % of the traffic goes to 4.
        assert.deepEqual(seen.find(s => s.minute === 1), { minute: 1, version: "3", weights: { 4: 0.1 } });
        assert.deepEqual(seen.at(-1), { minute: 5, version: "4", weights: {} });
        const create = aws.calls.find(c => c.command === "CreateDeployment")!;
        assert.deepEqual(create.input, {
            applicationName: "cellular-prod", deploymentGroupName: GROUP,
            description: "cell cell-01: cellular-prod-cell-01-api:live 3 -> 4 (pulumi up)",
            revision: { revisionType: "AppSpecContent", appSpecContent: { content:
                '{"version":0.0,"Resources":[{"cellularprodcell01api":{"Type":"AWS::Lambda::Function","Properties":{"Name":"cellular-prod-cell-01-api","Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}]}' } },
        });
    });

    it("starts nothing when the alias already serves the version (a first deployment: the alias was created on it)", async () => {
        const { aws, clock } = world("4");
        assert.deepEqual(await runDeployment(aws.clients, clock, spec()), { version: "4", deploymentId: "", previousVersion: "" });
        assert.deepEqual(aws.calls.map(c => c.command), ["ListDeployments", "GetAlias"]);
    });

    it("fails when an alarm fires during the canary, naming the deployment and the alarm; the alias is back on the old version", async () => {
        const { aws, clock } = world();
        aws.fireIn("cellular-prod-cell-01-errors", 2);
        const message = await failure(runDeployment(aws.clients, clock, spec()));
        assert.equal(message, "cell cell-01: cellular-prod-cell-01-api:live 3 → 4: deployment d-000000001 was stopped (ALARM_ACTIVE: One or more alarms have been activated " +
            "according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <cellular-prod-cell-01-errors>); " +
            "in alarm: cellular-prod-cell-01-errors (Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).); " +
            "rolled back by deployment d-000000001-rollback; the alias serves version 3 and later waves were not touched. Fix the cause, then run pulumi up again");
        assert.deepEqual(aws.aliases.get(`${FN}:live`), { version: "3", weights: {} });
    });

    it("times out a deployment that never finishes (a hook that never reports), stops it with rollback and says so", async () => {
        const { aws, clock } = world();
        aws.hangNext = true;
        const started = clock.now();
        const message = await failure(runDeployment(aws.clients, clock, spec({ timeoutMinutes: 20 })));
        assert.equal(message, "cell cell-01: cellular-prod-cell-01-api:live 3 → 4: deployment d-000000001 did not finish within 20 min " +
            "(cellular:rollout.deploymentTimeoutMinutes); it was stopped and rolled back, the alias serves version 3; later waves were not touched. " +
            "Find why it hung (a pre-traffic hook that never reported?), then run pulumi up again");
        assert.equal(clock.now() - started, 20 * 60_000);
        assert.deepEqual(aws.calls.filter(c => c.command === "StopDeployment").map(c => c.input), [{ deploymentId: "d-000000001", autoRollbackEnabled: true }]);
    });

    it("resumes after a fix: the failed version stays off, the next run deploys the fixed one from the version the alias is on", async () => {
        const { aws, clock } = world();
        aws.fireIn("cellular-prod-cell-01-errors", 1, 3);
        await failure(runDeployment(aws.clients, clock, spec({ targetVersion: "4" })));
        clock.t += 10 * 60_000;
        const outcome = await runDeployment(aws.clients, clock, spec({ targetVersion: "5" }));
        assert.deepEqual(outcome, { version: "5", deploymentId: "d-000000002", previousVersion: "3" });
        assert.equal(aws.aliases.get(`${FN}:live`)!.version, "5");
    });

    it("waits for a deployment an interrupted pulumi up left running before starting its own", async () => {
        const { aws, clock } = world();
        await runDeploymentInterrupted(aws, clock);
        const outcome = await runDeployment(aws.clients, clock, spec({ targetVersion: "5" }));
        // The leftover one (3 → 4) finished first; this one moved 4 → 5.
        assert.deepEqual(outcome, { version: "5", deploymentId: "d-000000002", previousVersion: "4" });
        assert.deepEqual(aws.deployments.map(d => [d.from, d.to, d.status]), [["3", "4", "Succeeded"], ["4", "5", "Succeeded"]]);
    });

    it("names the pre-traffic hook in the AppSpec when the cell has one", () => {
        assert.equal(appSpec(spec({ beforeAllowTraffic: "cellular-prod-cell-01-pre-traffic" }), "3"),
            '{"version":0.0,"Resources":[{"cellularprodcell01api":{"Type":"AWS::Lambda::Function","Properties":{"Name":"cellular-prod-cell-01-api",' +
            '"Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}],"Hooks":[{"BeforeAllowTraffic":"cellular-prod-cell-01-pre-traffic"}]}');
    });
});

/** A deployment started by a run that was then killed: CodeDeploy carries on without it. */
async function runDeploymentInterrupted(aws: FakeRolloutAws, clock: VirtualClock): Promise<void> {
    const { CreateDeploymentCommand } = await import("@aws-sdk/client-codedeploy");
    await aws.clients.codedeploy.send(new CreateDeploymentCommand({ applicationName: "cellular-prod", deploymentGroupName: GROUP,
        revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec(spec(), "3") } } }));
    clock.t += 60_000;
}
