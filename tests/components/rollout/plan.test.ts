/**
 * The rollout as the prod plan holds it: per cell the deployment group with its alarms, its role, and the deployment
 * resource; the wave gates in order; and the provider code Pulumi would store, loaded as the engine's provider host
 * loads it and run against the fake AWS.
 */
import { strict as assert } from "assert";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { codedeployStatements } from "../../../components/rollout/cell-rollout";
import { Arns } from "../../../components/arns";
import { FakeRolloutAws, VirtualClock } from "../../fixtures/fake-rollout-aws";
import { line, policyPack } from "../../fixtures/policies/harness";
import { Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../../fixtures/stack";
import type { CapturedResource } from "../../../tools/lib/captured";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const CELLS = Array.from({ length: 12 }, (_, i) => `cell-${String(i + 1).padStart(2, "0")}`);
const WAVE = (cell: string) => (cell === "cell-01" ? 0 : Number(cell.slice(5)) <= 4 ? 1 : 2);

function providerCode(r: CapturedResource): string {
    const p = r.inputs.__provider as unknown;
    const text = typeof p === "string" ? p : (p as { value?: string }).value;
    assert.equal(typeof text, "string", `${r.name} has no serialized provider`);
    return text!;
}

/** Loads provider code as @pulumi/pulumi's cmd/dynamic-provider does. */
function loadProvider(code: string): { create(inputs: Json): Promise<{ id: string; outs: Json }>; diff(id: string, olds: Json, news: Json): Promise<Json> } {
    const requireFromString = require("require-from-string") as (code: string) => { handler(): never };
    return requireFromString(code).handler();
}

describe("the rollout in the prod plan", () => {
    let prod: Stack;
    before(async () => {
        prod = await shippedStack("prod");
    });

    it("has per cell a deployment group of the stack's application, with its strategy, its rollback alarms and rollback on alarm and failure", () => {
        const app = prod.get("aws:codedeploy/application:Application", "codedeploy");
        assert.deepEqual([app.inputs.name, app.inputs.computePlatform], ["cellular-prod", "Lambda"]);
        assert.deepEqual(prod.ofType(GROUP).map(g => prod.cellOf(g)), CELLS);
        for (const cell of CELLS) {
            const group = prod.get(GROUP, `${cell}-deployment-group`);
            const role = prod.get("aws:iam/role:Role", `${cell}-codedeploy-role`);
            assert.deepEqual({ ...group.inputs, tags: undefined, serviceRoleArn: undefined }, {
                appName: "cellular-prod",
                deploymentGroupName: `cellular-prod-${cell}`,
                deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
                deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
                alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false,
                    alarms: [`cellular-prod-${cell}-errors`, `cellular-prod-${cell}-throttles`, `cellular-prod-${cell}-breaker-open`] },
                autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
                tags: undefined, serviceRoleArn: undefined,
            });
            assert.deepEqual(group.propertyDependencies.serviceRoleArn, [role.urn]);
            // The cell's own alarms exist before the group names them.
            for (const what of ["errors", "throttles"]) assert.ok(group.dependencies.includes(prod.get("aws:cloudwatch/metricAlarm:MetricAlarm", `${cell}-${what}-alarm`).urn), `${cell} ${what}`);
        }
    });

    it("has per cell the deployment pulumi up runs: the alias it moves, to the version Pulumi publishes, after the group exists", () => {
        for (const cell of CELLS) {
            const deployment = prod.get(DYNAMIC, `${cell}-deployment`);
            const { __provider, ...inputs } = deployment.inputs;
            assert.deepEqual(inputs, {
                cellId: cell, region: "us-east-1", applicationName: "cellular-prod", deploymentGroupName: `cellular-prod-${cell}`,
                functionName: `cellular-prod-${cell}-api`, alias: "live", targetVersion: UNKNOWN,
                alarmNames: [`cellular-prod-${cell}-errors`, `cellular-prod-${cell}-throttles`, `cellular-prod-${cell}-breaker-open`],
                timeoutMinutes: 30, pollSeconds: 15,
            });
            assert.ok(__provider);
            assert.deepEqual(deployment.propertyDependencies.targetVersion, [prod.get("aws:lambda/function:Function", `${cell}-api-function`).urn]);
            assert.deepEqual(deployment.propertyDependencies.deploymentGroupName, [prod.get(GROUP, `${cell}-deployment-group`).urn]);
            assert.ok(deployment.dependencies.includes(prod.get("aws:lambda/alias:Alias", `${cell}-api-live`).urn));
        }
    });

    it("leaves the alias's version to CodeDeploy after it is created", () => {
        for (const cell of CELLS) {
            const alias = prod.get("aws:lambda/alias:Alias", `${cell}-api-live`);
            assert.deepEqual(alias.options.ignoreChanges, ["functionVersion", "routingConfig"]);
        }
    });

    it("has the wave gates in order, each watching the wave before it and letting the next through", () => {
        const gates = prod.ofType(DYNAMIC).filter(r => r.name.endsWith("-gate"));
        assert.deepEqual(gates.map(g => g.name), ["wave-1-gate", "wave-2-gate"]);
        for (const [i, gate] of gates.entries()) {
            const watched = CELLS.filter(c => WAVE(c) === i);
            const { __provider, deployments, ...inputs } = gate.inputs;
            void __provider;
            assert.deepEqual(inputs, {
                wave: i + 1, region: "us-east-1", bakeMinutes: 10, minRequests: 100, pollSeconds: 60,
                alarmNames: watched.flatMap(c => ["errors", "throttles", "failed-events"].map(w => `cellular-prod-${c}-${w}`)),
                routerAlarmNames: watched.map(c => `cellular-prod-${c}-breaker-open`),
                cells: watched.map(c => ({ cellId: c, functionName: `cellular-prod-${c}-api` })),
            });
            assert.deepEqual(deployments, watched.map(() => UNKNOWN));
            for (const next of CELLS.filter(c => WAVE(c) === i + 1)) {
                for (const r of prod.inCell(next).filter(x => x.custom)) assert.ok(r.dependencies.includes(gate.urn), `${r.name} waits for ${gate.name}`);
            }
        }
        // Wave 2's gate comes after wave 1's: it depends on wave 1's cells, which depend on wave 1's gate.
        const gate1 = gates[0]!.urn;
        assert.ok(gates[1]!.dependencies.every(u => prod.byUrn.get(u)!.dependencies.includes(gate1)));
    });

    it("grants CodeDeploy exactly what shifting the cell's alias needs, on the cell's ARNs", () => {
        const policy = prod.get("aws:iam/rolePolicy:RolePolicy", "cell-05-codedeploy-policy");
        const arns = new Arns({ accountId: "123456789012", region: "us-east-1", partition: "aws" });
        assert.deepEqual(prod.json(policy, "policy").Statement, [
            { Sid: "ShiftTheAlias", Effect: "Allow", Action: ["lambda:GetAlias", "lambda:GetProvisionedConcurrencyConfig", "lambda:UpdateAlias"],
                Resource: ["arn:aws:lambda:us-east-1:123456789012:function:cellular-prod-cell-05-api", "arn:aws:lambda:us-east-1:123456789012:function:cellular-prod-cell-05-api:live"] },
            { Sid: "WatchRollbackAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"],
                Resource: ["errors", "throttles", "breaker-open"].map(w => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:cellular-prod-cell-05-${w}`) },
        ]);
        // AWS's AWSCodeDeployRoleForLambdaLimited grants the same Lambda and CloudWatch actions on "*", plus S3 reads of
        // AppSpec files and invoking CodeDeployHook_* functions: this stack gives the AppSpec inline and names its hook.
        assert.deepEqual(codedeployStatements(arns, "f", "live", ["a"], "f-hook").at(-1),
            { Sid: "RunPreTrafficHook", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ["arn:aws:lambda:us-east-1:123456789012:function:f-hook"] });
        const role = prod.get("aws:iam/role:Role", "cell-05-codedeploy-role");
        assert.deepEqual(prod.json(role, "assumeRolePolicy"), { Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    });

    describe("the provider code Pulumi stores, loaded as the engine's provider host loads it", () => {
        const patched: Array<[{ prototype: { send: unknown } }, unknown]> = [];
        let aws: FakeRolloutAws;
        beforeEach(() => {
            aws = new FakeRolloutAws(new VirtualClock());
            aws.shift = { percentage: 100, intervalMinutes: 0 };
            const clients = aws.clients;
            for (const [Client, fake] of [[CodeDeployClient, clients.codedeploy], [LambdaClient, clients.lambda], [CloudWatchClient, clients.cloudwatch]] as const) {
                patched.push([Client as never, Object.getOwnPropertyDescriptor(Client.prototype, "send")?.value]);
                Object.defineProperty(Client.prototype, "send", { value: (command: object) => fake.send(command), configurable: true, writable: true });
            }
        });
        afterEach(() => {
            for (const [Client, send] of patched.splice(0)) {
                if (send === undefined) delete (Client.prototype as { send?: unknown }).send;
                else Object.defineProperty(Client.prototype, "send", { value: send, configurable: true, writable: true });
            }
        });

        it("deploys a cell's new version through the real SDK clients it creates, and diffs without calling AWS", async () => {
            const deployment = prod.get(DYNAMIC, "cell-07-deployment");
            const provider = loadProvider(providerCode(deployment));
            const inputs: Json = { ...deployment.inputs, __provider: undefined, applicationName: "cellular-prod", deploymentGroupName: "cellular-prod-cell-07", targetVersion: "8" };
            aws.alias("cellular-prod-cell-07-api", "7");
            for (const a of inputs.alarmNames as string[]) aws.alarm(a);

            assert.deepEqual(await provider.diff("cellular-prod-cell-07-api:live", { ...inputs, targetVersion: "7" }, inputs), { changes: true, replaces: [], deleteBeforeReplace: false });
            // Its own outputs of the last run are not inputs: the same version again is no change.
            assert.deepEqual(await provider.diff("cellular-prod-cell-07-api:live", { ...inputs, version: "8", deploymentId: "d-1", previousVersion: "7" }, inputs),
                { changes: false, replaces: [], deleteBeforeReplace: false });
            assert.deepEqual(await provider.diff("cellular-prod-cell-07-api:live", { ...inputs, functionName: "other" }, inputs),
                { changes: true, replaces: ["functionName"], deleteBeforeReplace: false });
            assert.equal(aws.calls.length, 0);
            const { id, outs } = await provider.create(inputs);
            assert.equal(id, "cellular-prod-cell-07-api:live");
            assert.deepEqual([outs.version, outs.previousVersion, outs.deploymentId], ["8", "7", "d-000000001"]);
            assert.deepEqual(aws.calls.map(c => `${c.service}:${c.command}`), [
                "codedeploy:ListDeployments", "lambda:GetAlias", "codedeploy:CreateDeployment", "codedeploy:GetDeployment"]);
        });

        it("lets a wave through at once when none of its deployments moved an alias", async () => {
            const gate = prod.get(DYNAMIC, "wave-1-gate");
            const provider = loadProvider(providerCode(gate));
            const { outs } = await provider.create({ ...gate.inputs, __provider: undefined, deployments: [""] });
            assert.deepEqual([outs.baked, outs.requests], [false, {}]);
            assert.equal(aws.calls.length, 0);
        });
    });
});

describe("the rollout with a pre-traffic hook (dev with cellular:rollout.preTrafficHook)", function () {
    // The policy pack's analysis of a whole stack: seconds alone, minutes on a busy machine.
    this.timeout(240_000);
    let dev: Stack;
    before(async () => {
        const raw = stackConfig("dev");
        raw["cellular:rollout"] = JSON.stringify({ ...JSON.parse(raw["cellular:rollout"]!), preTrafficHook: true });
        dev = await runStack("dev", { config: raw });
    });

    it("gives each cell a hook that probes the version Pulumi publishes, named in the deployment's AppSpec", () => {
        for (const cell of ["cell-a", "cell-b", "cell-c"]) {
            const hook = dev.get("aws:lambda/function:Function", `${cell}-pre-traffic-function`);
            assert.equal(hook.inputs.name, `cellular-dev-${cell}-pre-traffic`);
            assert.equal(hook.inputs.reservedConcurrentExecutions, 1);
            const env = (hook.inputs.environment as Json).variables as Json;
            assert.equal(env.TARGET_FUNCTION, `cellular-dev-${cell}-api`);
            assert.deepEqual(hook.propertyDependencies.environment, [dev.get("aws:lambda/function:Function", `${cell}-api-function`).urn]);
            const deployment = dev.get(DYNAMIC, `${cell}-deployment`);
            assert.equal(deployment.inputs.beforeAllowTraffic, `cellular-dev-${cell}-pre-traffic`);
            assert.ok(deployment.dependencies.includes(hook.urn), "the hook exists, on the new version, before the deployment starts");
        }
    });

    it("lets the hook invoke only the cell's API and report only to the cell's group; CodeDeploy invoke only the hook", () => {
        const hookPolicy = dev.get("aws:iam/rolePolicy:RolePolicy", "cell-b-pre-traffic-policy");
        assert.deepEqual(dev.json(hookPolicy, "policy").Statement.slice(0, 2), [
            { Sid: "ProbeTheNewVersion", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ["arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-b-api:*"] },
            { Sid: "ReportToCodeDeploy", Effect: "Allow", Action: ["codedeploy:PutLifecycleEventHookExecutionStatus"],
                Resource: ["arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:cellular-dev/cellular-dev-cell-b"] },
        ]);
        const codedeploy = dev.get("aws:iam/rolePolicy:RolePolicy", "cell-b-codedeploy-policy");
        assert.deepEqual(dev.json(codedeploy, "policy").Statement.at(-1),
            { Sid: "RunPreTrafficHook", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ["arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-b-pre-traffic"] });
    });

    it("passes every mandatory policy and decides every one at preview", async () => {
        const pack = await policyPack();
        const lines = (await pack.analyze(dev.capture, pack.reconcile({}))).diagnostics.map(line);
        assert.deepEqual(lines.filter(l => l.startsWith("mandatory ") || l.includes("during preview")), []);
    });
});
