/**
 * A cell's pre-traffic hook (`cellular:rollout.preTrafficHook`): the function CodeDeploy runs before it shifts any of
 * the cell's traffic to a new version of its API (handlers/pre-traffic-hook.ts). Its role may invoke exactly the
 * cell's API function (its versions and alias) and report to exactly the cell's deployment group. It reserves 1 (one
 * deployment of a group runs at a time), counted in the stack's concurrency budget.
 */
import * as pulumi from "@pulumi/pulumi";
import { HOOK_ENV } from "../../handlers/lib/rollout-probe";
import { ENV } from "../../handlers/lib/table";
import { Arns, AwsContext } from "../arns";
import { codeArchive } from "../bundle";
import { createLambda, LambdaResources } from "../function";
import { allow, Statement } from "../iam";
import { Names } from "../names";
import { Tags } from "../tags";
import { PRE_TRAFFIC_HOOK } from "./hook-function";

/** What the hook may do: invoke the cell's API (any version or alias of that one function), report to its group. */
export function hookStatements(arns: Arns, apiFunction: string, applicationName: string, deploymentGroupName: string): Statement[] {
    return [
        allow("ProbeTheNewVersion", ["lambda:InvokeFunction"], [`${arns.function(apiFunction)}:*`]),
        allow("ReportToCodeDeploy", ["codedeploy:PutLifecycleEventHookExecutionStatus"], [arns.deploymentGroup(applicationName, deploymentGroupName)]),
    ];
}

export interface PreTrafficHookArgs {
    cellId: string;
    names: Names;
    context: pulumi.Output<AwsContext>;
    tags: Tags;
    apiFunction: string;
    /** The version it probes: the one Pulumi just published. */
    version: pulumi.Input<string>;
    applicationName: string;
    deploymentGroupName: string;
    logRetentionDays: number;
    parent: pulumi.Resource;
    dependsOn: pulumi.Resource[];
}

export function createPreTrafficHook(args: PreTrafficHookArgs): LambdaResources {
    return createLambda({
        logicalName: `${args.cellId}-${PRE_TRAFFIC_HOOK.kind}`,
        functionName: args.names.cellFunction(args.cellId, PRE_TRAFFIC_HOOK.kind),
        names: args.names,
        handler: PRE_TRAFFIC_HOOK.handler,
        code: codeArchive(PRE_TRAFFIC_HOOK.handler),
        settings: PRE_TRAFFIC_HOOK.settings,
        environment: { [ENV.cellId]: args.cellId, [HOOK_ENV.targetFunction]: args.apiFunction, [HOOK_ENV.targetVersion]: args.version },
        statements: arns => hookStatements(arns, args.apiFunction, args.applicationName, args.deploymentGroupName),
        ctx: args.context,
        tags: args.tags,
        logRetentionDays: args.logRetentionDays,
        parent: args.parent,
        dependsOn: args.dependsOn,
    });
}
