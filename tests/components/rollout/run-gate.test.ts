import { strict as assert } from "assert";
import { DeploymentSpec, runDeployment } from "../../../components/rollout/run-deployment";
import { GateSpec, runGate } from "../../../components/rollout/run-gate";
import { FakeRolloutAws, rolloutFailure, VirtualClock } from "../../fixtures/fake-rollout-aws";

const CELLS = ["cell-02", "cell-03"];
const fn = (cell: string) => `cellular-prod-${cell}-api`;
const cellAlarms = (cell: string) => ["errors", "throttles", "failed-events"].map(w => `cellular-prod-${cell}-${w}`);
const breaker = (cell: string) => `cellular-prod-${cell}-breaker-open`;

function gate(over: Partial<GateSpec> = {}): GateSpec {
    return {
        wave: 2, bakeMinutes: 10, minRequests: 100, pollSeconds: 60,
        alarmNames: CELLS.flatMap(cellAlarms), routerAlarmNames: CELLS.map(breaker),
        cells: CELLS.map(c => ({ cellId: c, functionName: fn(c) })), ...over,
    };
}

function world(): { aws: FakeRolloutAws; clock: VirtualClock } {
    const clock = new VirtualClock();
    const aws = new FakeRolloutAws(clock);
    for (const c of CELLS) {
        for (const a of [...cellAlarms(c), breaker(c)]) aws.alarm(a);
        aws.traffic.set(fn(c), 50);
    }
    return { aws, clock };
}

const failure = (run: Promise<unknown>): Promise<string> => rolloutFailure(run, "the gate let the wave through");

const NEXT = "; wave 2 and later were not touched. Fix the cause (or roll the wave back), then run pulumi up again: the gate bakes and checks again";

describe("the gate between waves (components/rollout/run-gate.ts)", () => {
    it("lets a healthy wave through after its bake, with the requests each cell served", async () => {
        const { aws, clock } = world();
        const start = clock.now();
        const outcome = await runGate(aws.clients, clock, gate());
        assert.equal(clock.now() - start, 10 * 60_000);
        assert.deepEqual(outcome, { from: new Date(start).toISOString(), to: new Date(start + 600_000).toISOString(), requests: { "cell-02": 500, "cell-03": 500 } });
        // Polled once a minute while baking: 11 looks at the alarms (at 0, 1, ..., 10 minutes).
        assert.equal(aws.calls.filter(c => c.command === "DescribeAlarms").length, 11);
    });

    it("fails on an alarm in ALARM during the bake, naming it, without waiting out the bake", async () => {
        const { aws, clock } = world();
        aws.fireIn("cellular-prod-cell-03-throttles", 4);
        const start = clock.now();
        const message = await failure(runGate(aws.clients, clock, gate()));
        assert.equal(message, "the gate of wave 2: wave 1 (cell-02, cell-03) is in alarm after 4 min of its 10 min bake: " +
            "cellular-prod-cell-03-throttles (Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).)" + NEXT);
        assert.equal(clock.now() - start, 4 * 60_000);
    });

    it("fails on an alarm that fired and cleared between two polls (its history)", async () => {
        const { aws, clock } = world();
        // In ALARM from 2m10s to 2m40s: no poll sees it.
        aws.alarm(breaker("cell-02"), [clock.now() + 130_000, clock.now() + 160_000]);
        const message = await failure(runGate(aws.clients, clock, gate()));
        assert.equal(message, "the gate of wave 2: an alarm of wave 1 (cell-02, cell-03) fired during its 10 min bake: " +
            `cellular-prod-cell-02-breaker-open (went into ALARM at ${new Date(clock.now() - 600_000 + 130_000).toISOString()}: ` +
            "Threshold Crossed: 1 datapoint [2.0] was greater than or equal to the threshold (1.0).)" + NEXT);
    });

    it("fails when a cell served too few requests, naming the cell and its count", async () => {
        const { aws, clock } = world();
        aws.traffic.set(fn("cell-03"), 3);
        const message = await failure(runGate(aws.clients, clock, gate()));
        assert.equal(message, "the gate of wave 2: cell cell-03 served 30 requests during the 10 min bake (AWS/Lambda Invocations of its API function); " +
            "each cell needs at least 100 (cellular:rollout.minRequests) for the next wave to start" + NEXT);
    });

    it("counts a cell without a single datapoint as 0 requests", async () => {
        const { aws, clock } = world();
        aws.traffic.delete(fn("cell-02"));
        assert.match(await failure(runGate(aws.clients, clock, gate())), /cell cell-02 served 0 requests/);
    });

    it("fails on a cell alarm CloudWatch does not know, but not on a breaker alarm the router has yet to create", async () => {
        const { aws, clock } = world();
        aws.alarms.delete(breaker("cell-03"));
        assert.deepEqual((await runGate(aws.clients, clock, gate({ bakeMinutes: 0, minRequests: 0 }))).requests, {});
        aws.alarms.delete("cellular-prod-cell-02-errors");
        assert.match(await failure(runGate(aws.clients, clock, gate({ bakeMinutes: 0, minRequests: 0 }))),
            /cellular-prod-cell-02-errors \(CloudWatch has no alarm of this name, so it cannot watch the wave\)/);
    });

    it("with no bake (dev) looks at the alarms once and reads no metrics", async () => {
        const { aws, clock } = world();
        await runGate(aws.clients, clock, gate({ bakeMinutes: 0, minRequests: 0 }));
        assert.deepEqual(aws.calls.map(c => c.command), ["DescribeAlarms"]);
    });
});

/**
 * A `pulumi up` of three waves as the engine runs it: each wave's deployments, then the gate of the next wave, which
 * every resource of that wave depends on (tests/components/rollout/plan.test.ts checks those edges in the plan);
 * the first failed step ends the update.
 */
async function pulumiUp(aws: FakeRolloutAws, clock: VirtualClock, waves: string[][], version: string): Promise<{ deployed: string[]; error?: string }> {
    const deployed: string[] = [];
    try {
        for (const [k, cells] of waves.entries()) {
            if (k > 0) {
                const previous = waves[k - 1]!;
                await runGate(aws.clients, clock, { wave: k, bakeMinutes: 10, minRequests: 100, pollSeconds: 60,
                    alarmNames: previous.flatMap(cellAlarms), routerAlarmNames: previous.map(breaker),
                    cells: previous.map(c => ({ cellId: c, functionName: fn(c) })) });
            }
            for (const cell of cells) {
                const spec: DeploymentSpec = { cellId: cell, applicationName: "cellular-prod", deploymentGroupName: `cellular-prod-${cell}`,
                    functionName: fn(cell), alias: "live", targetVersion: version, alarmNames: [cellAlarms(cell)[0]!, cellAlarms(cell)[1]!, breaker(cell)],
                    timeoutMinutes: 60, pollSeconds: 15 };
                await runDeployment(aws.clients, clock, spec);
                deployed.push(cell);
            }
        }
    } catch (err) {
        return { deployed, error: (err as Error).message };
    }
    return { deployed };
}

describe("a prod rollout of three waves, end to end against the fake AWS", () => {
    const WAVES = [["cell-01"], ["cell-02", "cell-03", "cell-04"], ["cell-05", "cell-06"]];
    const all = WAVES.flat();

    function prod(): { aws: FakeRolloutAws; clock: VirtualClock } {
        const clock = new VirtualClock();
        const aws = new FakeRolloutAws(clock);
        for (const c of all) {
            aws.alias(fn(c), "3").traffic.set(fn(c), 20);
            for (const a of [...cellAlarms(c), breaker(c)]) aws.alarm(a);
            aws.groupAlarms.set(`cellular-prod-${c}`, [cellAlarms(c)[0]!, cellAlarms(c)[1]!, breaker(c)]);
        }
        return { aws, clock };
    }

    it("moves every cell, the canary first, each wave after the previous one baked", async () => {
        const { aws, clock } = prod();
        const start = clock.now();
        assert.deepEqual(await pulumiUp(aws, clock, WAVES, "4"), { deployed: all });
        for (const c of all) assert.equal(aws.aliases.get(`${fn(c)}:live`)!.version, "4");
        // In this model the cells of a wave deploy one after another (Pulumi runs them at once): 6 canaries of 5 min and 2 bakes of 10 min.
        assert.equal(clock.now() - start, (6 * 5 + 2 * 10) * 60_000);
    });

    it("stops at wave 0 when the canary's alarm fires: later waves keep the old version and no gate ran", async () => {
        const { aws, clock } = prod();
        aws.fireIn(cellAlarms("cell-01")[0]!, 3, 5);
        const result = await pulumiUp(aws, clock, WAVES, "4");
        assert.deepEqual(result.deployed, []);
        assert.match(result.error!, /^cell cell-01: cellular-prod-cell-01-api:live 3 → 4: deployment d-000000001 was stopped \(ALARM_ACTIVE/);
        for (const c of all) assert.deepEqual(aws.aliases.get(`${fn(c)}:live`), { version: "3", weights: {} }, c);
        assert.equal(aws.calls.filter(c => c.command === "GetMetricData").length, 0);
        assert.equal(aws.deployments.length, 1);

        // The fix: version 5, once the alarm cleared; the same pulumi up goes all the way.
        clock.t += 10 * 60_000;
        assert.deepEqual(await pulumiUp(aws, clock, WAVES, "5"), { deployed: all });
        for (const c of all) assert.equal(aws.aliases.get(`${fn(c)}:live`)!.version, "5");
    });

    it("stops at the gate of wave 2 when wave 1 served too little: wave 2 keeps the old version", async () => {
        const { aws, clock } = prod();
        aws.traffic.set(fn("cell-04"), 1);
        const result = await pulumiUp(aws, clock, WAVES, "4");
        assert.deepEqual(result.deployed, ["cell-01", "cell-02", "cell-03", "cell-04"]);
        assert.match(result.error!, /^the gate of wave 2: cell cell-04 served 10 requests during the 10 min bake/);
        for (const c of WAVES[2]!) assert.equal(aws.aliases.get(`${fn(c)}:live`)!.version, "3", c);
    });
});
