import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cell, lambda, TAGS } from "../fixtures/policies/builders";
import { line, MODES, policyPack, run } from "../fixtures/policies/harness";
import { shippedStack } from "../fixtures/stack";

const NAME = "lambda-gradual-deployment";

/** A cell with a published function behind `live`, and optionally a deployment group with these alarms. */
function cellWith(id: string, group?: { alarms?: pulumi.Input<pulumi.Input<string>[]>; enabled?: boolean }): void {
    const cell = new Cell(id, id);
    const fn = lambda(`${id}-api`, { opts: { parent: cell }, args: { publish: true } });
    new aws.lambda.Alias(`${id}-live`, { name: "live", functionName: fn.fn.name, functionVersion: fn.fn.version }, { parent: cell });
    if (!group) return;
    const app = new aws.codedeploy.Application(`${id}-app`, { name: id, computePlatform: "Lambda", tags: TAGS });
    const role = new aws.iam.Role(`${id}-codedeploy`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: TAGS });
    new aws.codedeploy.DeploymentGroup(`${id}-group`, {
        appName: app.name, deploymentGroupName: id, serviceRoleArn: role.arn,
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
        ...(group.alarms !== undefined || group.enabled !== undefined ? { alarmConfiguration: { enabled: group.enabled ?? true, alarms: group.alarms ?? [] } } : {}),
        tags: TAGS,
    }, { parent: cell });
}

describe(NAME, () => {
    for (const mode of MODES) {
        it(`reports a cell's alias without a deployment group, or with one no alarm rolls back (${mode})`, async () => {
            const outcome = await run(() => {
                cellWith("cell-a");
                cellWith("cell-b", {});
                cellWith("cell-c", { alarms: ["cell-c-errors"], enabled: false });
                cellWith("cell-d", { alarms: ["cell-d-errors"] });
            }, { mode });
            assert.deepEqual(outcome.of(NAME), [
                `advisory ${NAME} cell-a-live: aws.lambda.Alias "cell-a-live" (live) of cell cell-a moves to each new version at once: no CodeDeploy deployment group ` +
                "of the cell shifts it; create an aws.codedeploy.DeploymentGroup (computePlatform Lambda) in the cell with a canary or linear deployment config and " +
                "the cell's alarms in alarmConfiguration",
                `advisory ${NAME} cell-b-live: aws.lambda.Alias "cell-b-live" (live) of cell cell-b is shifted by aws.codedeploy.DeploymentGroup "cell-b-group", ` +
                "which no alarm rolls back; set alarmConfiguration { enabled: true, alarms: [the cell's error and throttle alarms] } and autoRollbackConfiguration on DEPLOYMENT_STOP_ON_ALARM",
                `advisory ${NAME} cell-c-live: aws.lambda.Alias "cell-c-live" (live) of cell cell-c is shifted by aws.codedeploy.DeploymentGroup "cell-c-group", ` +
                "which no alarm rolls back; set alarmConfiguration { enabled: true, alarms: [the cell's error and throttle alarms] } and autoRollbackConfiguration on DEPLOYMENT_STOP_ON_ALARM",
            ]);
        });
    }

    it("counts an alarm whose name preview does not know yet (an ARN of an alarm being created)", async () => {
        const program = () => {
            const alarm = new aws.cloudwatch.MetricAlarm("cell-e-errors", { comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1,
                threshold: 1, metricName: "Errors", namespace: "AWS/Lambda", period: 60, statistic: "Sum", tags: TAGS });
            cellWith("cell-e", { alarms: [alarm.arn] });
        };
        for (const mode of MODES) assert.deepEqual((await run(program, { mode })).of(NAME), [], mode);
    });

    it("says it cannot decide in preview when the whole list of alarms is not known yet, and decides in an update", async () => {
        const program = () => {
            const alarm = new aws.cloudwatch.MetricAlarm("cell-f-errors", { comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1,
                threshold: 1, metricName: "Errors", namespace: "AWS/Lambda", period: 60, statistic: "Sum", tags: TAGS });
            cellWith("cell-f", { alarms: alarm.arn.apply(a => [a]) });
        };
        assert.deepEqual((await run(program, { mode: "preview" })).of(NAME), [
            `advisory ${NAME} cell-f-live: can't run policy '${NAME}' on aws.lambda.Alias "cell-f-live" (live) during preview: the alarms of its cell's deployment group can't be known during preview`,
        ]);
        assert.deepEqual((await run(program, { mode: "update" })).of(NAME), []);
    });

    it("does not judge an alias outside every cell (the router's)", async () => {
        const outcome = await run(() => {
            const fn = lambda("router", { args: { publish: true } });
            new aws.lambda.Alias("router-live", { name: "live", functionName: fn.fn.name, functionVersion: fn.fn.version });
        });
        assert.deepEqual(outcome.of(NAME), []);
    });

    it("finds nothing to report in the shipped stacks", async () => {
        const pack = await policyPack();
        for (const stack of ["dev", "prod"]) {
            const result = await pack.analyze((await shippedStack(stack)).capture, pack.reconcile({}));
            assert.deepEqual(result.diagnostics.map(line).filter(l => l.includes(NAME)), [], stack);
        }
    });
});
