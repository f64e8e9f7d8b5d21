/**
 * One Lambda function with everything it owns: its execution role (trusting only Lambda), one inline policy of
 * exact actions on exact ARNs (its own log group and X-Ray always; whatever the caller grants on top), its log
 * group with retention, and the function itself (nodejs22.x on arm64, bundled code, JSON logs, active tracing,
 * reserved concurrency). Not a component: the caller's component is the parent of all four.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Arns, AwsContext } from "./arns";
import { codeArchive } from "./bundle";
import type { FunctionSettings } from "./config/function-settings";
import { allow, document, LAMBDA_TRUST_POLICY, Statement, VPC_ENI_ACTIONS, XRAY_ACTIONS } from "./iam";
import { FUNCTION_POLICY_NAME, Names } from "./names";
import { Tags, withJustification } from "./tags";

export const RUNTIME = "nodejs22.x";
export const ARCHITECTURE = "arm64";

export interface VpcPlacement {
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface LambdaArgs {
    /** Logical name prefix of the four resources (`<prefix>-function`, `-role`, `-policy`, `-logs`). */
    logicalName: string;
    /** Physical name of the function (its role's is made from it, see Names.functionRole). */
    functionName: string;
    /** Where every other physical name comes from (the log group's). */
    names: Names;
    /** `handlers/<handler>.ts` is bundled into the code (once per handler, shared by every cell). */
    handler: string;
    /** Overrides the bundled code (the router adds its routing table to the bundle). */
    code?: pulumi.Input<pulumi.asset.Archive>;
    settings: FunctionSettings;
    environment: Record<string, pulumi.Input<string>>;
    /** The function's own grants, besides its log group, X-Ray and (in a VPC) its network interfaces. */
    statements: (arns: Arns) => Statement[];
    ctx: pulumi.Output<AwsContext>;
    tags: Tags;
    /** Tags of the role only, on top of `tags` (e.g. `data-access: system` for workers of many tenants). */
    roleTags?: Tags;
    /**
     * `false` leaves the function unreserved: for a shared function outside every cell that a service calls on
     * every sign-in, where a reservation would throttle every tenant at once. @default true
     */
    reserved?: boolean;
    logRetentionDays: number;
    /** Publish a version on every change (needed for an alias and provisioned concurrency). */
    publish?: boolean;
    vpc?: VpcPlacement;
    parent: pulumi.Resource;
    /** Resources every one of the four must wait for (a deployment wave's gate). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface LambdaResources {
    functionName: string;
    roleName: string;
    logGroupName: string;
    fn: aws.lambda.Function;
    role: aws.iam.Role;
    policy: aws.iam.RolePolicy;
    logGroup: aws.cloudwatch.LogGroup;
}

/** The statements of a function's inline policy, in order: its own grants, then logs, X-Ray and ENIs. */
export function functionStatements(arns: Arns, logGroupName: string, own: Statement[], inVpc: boolean): Statement[] {
    const statements = [
        ...own,
        allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [arns.logStreams(logGroupName)]),
        allow("Tracing", XRAY_ACTIONS, ["*"]),
    ];
    if (inVpc) statements.push(allow("NetworkInterfaces", VPC_ENI_ACTIONS, ["*"]));
    return statements;
}

export function createLambda(args: LambdaArgs): LambdaResources {
    const { parent, functionName, tags } = args;
    const opts = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
        parent,
        ...extra,
        dependsOn: [...(args.dependsOn ?? []), ...((extra.dependsOn as pulumi.Resource[] | undefined) ?? [])],
    });
    const logGroupName = args.names.logGroup(functionName);

    const roleName = args.names.functionRole(functionName);
    const role = new aws.iam.Role(`${args.logicalName}-role`, {
        name: roleName,
        description: `Execution role of ${functionName}`,
        assumeRolePolicy: LAMBDA_TRUST_POLICY,
        tags: { ...tags, ...args.roleTags },
    }, opts());

    const policy = new aws.iam.RolePolicy(`${args.logicalName}-policy`, {
        role: role.name,
        name: FUNCTION_POLICY_NAME,
        policy: args.ctx.apply(ctx => {
            const arns = new Arns(ctx);
            return JSON.stringify(document(functionStatements(arns, logGroupName, args.statements(arns), args.vpc !== undefined)));
        }),
    }, opts());

    const logGroup = new aws.cloudwatch.LogGroup(`${args.logicalName}-logs`, {
        name: logGroupName,
        retentionInDays: args.logRetentionDays,
        tags,
    }, opts());

    const fn = new aws.lambda.Function(`${args.logicalName}-function`, {
        name: functionName,
        role: role.arn,
        runtime: RUNTIME,
        architectures: [ARCHITECTURE],
        handler: "index.handler",
        code: args.code ?? codeArchive(args.handler),
        memorySize: args.settings.memoryMb,
        timeout: args.settings.timeoutSeconds,
        ...(args.reserved === false ? {} : { reservedConcurrentExecutions: args.settings.reservedConcurrency }),
        publish: args.publish ?? false,
        environment: { variables: args.environment },
        tracingConfig: { mode: "Active" },
        loggingConfig: {
            logFormat: "JSON",
            logGroup: logGroupName,
            applicationLogLevel: "INFO",
            systemLogLevel: "WARN",
        },
        ...(args.vpc ? { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } } : {}),
        tags: withJustification(tags, args.settings.memoryJustification),
    }, opts({ dependsOn: [logGroup, policy] }));

    return { functionName, roleName, logGroupName, fn, role, policy, logGroup };
}
