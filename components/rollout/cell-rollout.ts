/**
 * How a cell takes new code: a CodeDeploy deployment group (in the stack's application) that shifts the `live` alias
 * of the cell's API function with the stack's strategy, rolls back on any of the cell's rollback alarms and on
 * failure, through a role of exact actions on exact ARNs; and the deployment resource that runs it in `pulumi up`
 * (components/rollout/deployment-resource.ts). Not a component: the cell is the parent of all of it.
 *
 * The alias is CodeDeploy's to move: the cell creates it on the first version and ignores later changes to its
 * version (components/cell.ts), so Pulumi never shifts traffic behind CodeDeploy's back.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Arns, AwsContext } from "../arns";
import type { RolloutSettings } from "../config/rollout-settings";
import { allow, document, Statement } from "../iam";
import { Names } from "../names";
import { Tags } from "../tags";
import { CellDeployment } from "./deployment-resource";

/** How often `pulumi up` asks CodeDeploy how a deployment is going. */
export const DEPLOYMENT_POLL_SECONDS = 15;

/** CodeDeploy takes at most 10 alarms per deployment group. */
export const MAX_ROLLBACK_ALARMS = 10;

/** Who may assume a CodeDeploy service role: CodeDeploy (as AWS's CodeDeploy user guide writes it). */
export const CODEDEPLOY_TRUST_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * What CodeDeploy needs to shift one function's alias (AWS's AWSCodeDeployRoleForLambdaLimited, on `*`, narrowed):
 * read and move that alias, read its provisioned concurrency, read the group's alarms, and invoke the cell's
 * pre-traffic hook if it has one. No S3 (the AppSpec is given inline) and no SNS (the group has no triggers).
 */
export function codedeployStatements(arns: Arns, functionName: string, alias: string, alarmNames: readonly string[], hookFunction?: string): Statement[] {
    return [
        allow("ShiftTheAlias", ["lambda:GetAlias", "lambda:GetProvisionedConcurrencyConfig", "lambda:UpdateAlias"],
            [arns.function(functionName), arns.functionAlias(functionName, alias)]),
        allow("WatchRollbackAlarms", ["cloudwatch:DescribeAlarms"], alarmNames.map(a => arns.alarm(a))),
        ...(hookFunction ? [allow("RunPreTrafficHook", ["lambda:InvokeFunction"], [arns.function(hookFunction)])] : []),
    ];
}

export interface CellRolloutArgs {
    cellId: string;
    names: Names;
    context: pulumi.Output<AwsContext>;
    tags: Tags;
    region: string;
    rollout: RolloutSettings;
    application: aws.codedeploy.Application;
    deploymentConfigName: pulumi.Input<string>;
    /** The cell's API function: its name and the version Pulumi published. */
    functionName: string;
    version: pulumi.Input<string>;
    alias: aws.lambda.Alias;
    aliasName: string;
    /** The alarms that roll a deployment back (the cell's errors and throttles, the router's breaker alarm). */
    rollbackAlarms: string[];
    /** The resources those alarms are (so the group is created after them). */
    alarmResources: pulumi.Resource[];
    /** The pre-traffic hook's function name, if the cell has one. */
    hookFunction?: string;
    hookResources?: pulumi.Resource[];
    opts: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions;
}

export interface CellRollout {
    role: aws.iam.Role;
    group: aws.codedeploy.DeploymentGroup;
    deployment: CellDeployment;
}

export function createCellRollout(args: CellRolloutArgs): CellRollout {
    const { cellId, names, opts } = args;
    const roleName = names.codedeployRole(cellId);
    const role = new aws.iam.Role(`${cellId}-codedeploy-role`, {
        name: roleName,
        description: `CodeDeploy shifts the ${args.aliasName} alias of ${args.functionName}`,
        assumeRolePolicy: CODEDEPLOY_TRUST_POLICY,
        tags: args.tags,
    }, opts());
    const policy = new aws.iam.RolePolicy(`${cellId}-codedeploy-policy`, {
        role: role.name,
        name: "shift-alias",
        policy: args.context.apply(ctx => JSON.stringify(document(
            codedeployStatements(new Arns(ctx), args.functionName, args.aliasName, args.rollbackAlarms, args.hookFunction)))),
    }, opts());

    const group = new aws.codedeploy.DeploymentGroup(`${cellId}-deployment-group`, {
        appName: args.application.name,
        deploymentGroupName: names.deploymentGroup(cellId),
        serviceRoleArn: role.arn,
        deploymentConfigName: args.deploymentConfigName,
        deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
        alarmConfiguration: { enabled: true, alarms: args.rollbackAlarms, ignorePollAlarmFailure: false },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
        tags: args.tags,
    }, opts({ dependsOn: [policy, ...args.alarmResources] }));

    const deployment = new CellDeployment(`${cellId}-deployment`, {
        cellId,
        region: args.region,
        applicationName: args.application.name,
        deploymentGroupName: group.deploymentGroupName,
        functionName: args.functionName,
        alias: args.aliasName,
        targetVersion: args.version,
        alarmNames: args.rollbackAlarms,
        timeoutMinutes: args.rollout.deploymentTimeoutMinutes,
        pollSeconds: DEPLOYMENT_POLL_SECONDS,
        ...(args.hookFunction ? { beforeAllowTraffic: args.hookFunction } : {}),
    }, opts({ dependsOn: [group, args.alias, ...(args.hookResources ?? [])] }));
    return { role, group, deployment };
}
