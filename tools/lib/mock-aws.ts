/**
 * A stand-in for the AWS provider under Pulumi's mock runtime, faithful where the program and the policies look:
 *
 * - preview (`pulumi preview`): a new resource's outputs are its inputs; everything the provider computes (ids,
 *   ARNs, URLs) is unknown, as the engine reports it for resources not yet created;
 * - update (`pulumi up`): the outputs AWS would return: ids, ARNs and URLs built from the physical name, the
 *   account and the region, and `tagsAll`. For a type it has no rule for, the schema of the installed @pulumi/aws
 *   (tools/lib/aws-types.ts) says which outputs the provider always sets: `arn` and `name` are built the same way,
 *   `region` is the provider's, and any other is unknown (as a value the plan cannot compute), never missing.
 *
 * Invokes are answered by tools/lib/invokes.ts (those that follow from the configuration or the arguments) in both
 * modes, as the engine does during preview; any other invoke throws, so a program that starts depending on one is
 * noticed.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ACCOUNT, MockAccount } from "./account";
import { UNKNOWN } from "./captured";
import type { ResourceSchema } from "./aws-types";
import { answerBuiltInInvoke } from "./invokes";

export { DEFAULT_ACCOUNT };
export type { MockAccount };

type Props = Record<string, unknown>;

/** A short, stable suffix in the style of Pulumi's auto-naming (the same logical name always gets the same one). */
function suffix(seed: string, length = 7): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** The physical name the provider would use: the given one, else an auto-name from the logical name. */
function physicalName(inputs: Props, logicalName: string, key = "name"): string {
    const given = inputs[key];
    if (typeof given === "string" && given.length > 0) return given;
    const prefix = inputs[`${key}Prefix`];
    if (typeof prefix === "string") return `${prefix}${suffix(logicalName, 26)}`;
    return `${logicalName}-${suffix(logicalName)}`;
}

/** Outputs the provider computes for each type, in update mode. */
function computedOutputs(type: string, name: string, inputs: Props, a: MockAccount): { id: string; outputs: Props } {
    const arnOf = (service: string, resource: string, region = a.region, account = a.accountId) =>
        `arn:${a.partition}:${service}:${region}:${account}:${resource}`;
    const tags = typeof inputs.tags === "object" && inputs.tags !== null ? inputs.tags : {};
    const base: Props = { tagsAll: tags };
    switch (type) {
        case "aws:lambda/function:Function": {
            const fn = physicalName(inputs, name);
            const arn = arnOf("lambda", `function:${fn}`);
            return { id: fn, outputs: { ...base, name: fn, arn, qualifiedArn: `${arn}:1`, version: "1",
                invokeArn: `arn:${a.partition}:apigateway:${a.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                qualifiedInvokeArn: `arn:${a.partition}:apigateway:${a.region}:lambda:path/2015-03-31/functions/${arn}:1/invocations` } };
        }
        case "aws:lambda/alias:Alias": {
            const fn = String(inputs.functionName ?? "fn");
            const fnArn = fn.startsWith("arn:") ? fn : arnOf("lambda", `function:${fn}`);
            const arn = `${fnArn}:${String(inputs.name)}`;
            return { id: arn, outputs: { arn,
                invokeArn: `arn:${a.partition}:apigateway:${a.region}:lambda:path/2015-03-31/functions/${arn}/invocations` } };
        }
        case "aws:iam/role:Role": {
            const role = physicalName(inputs, name);
            return { id: role, outputs: { ...base, name: role, arn: `arn:${a.partition}:iam::${a.accountId}:role${inputs.path ?? "/"}${role}`, uniqueId: `AROA${suffix(role, 16).toUpperCase()}` } };
        }
        case "aws:iam/policy:Policy": {
            const policy = physicalName(inputs, name);
            const arn = `arn:${a.partition}:iam::${a.accountId}:policy${inputs.path ?? "/"}${policy}`;
            return { id: arn, outputs: { ...base, name: policy, arn, policyId: `ANPA${suffix(policy, 16).toUpperCase()}` } };
        }
        case "aws:dynamodb/table:Table": {
            const table = physicalName(inputs, name);
            const arn = arnOf("dynamodb", `table/${table}`);
            const streamArn = inputs.streamEnabled ? `${arn}/stream/2026-01-01T00:00:00.000` : "";
            return { id: table, outputs: { ...base, name: table, arn, streamArn, streamLabel: streamArn ? "2026-01-01T00:00:00.000" : "" } };
        }
        case "aws:sqs/queue:Queue": {
            const queue = physicalName(inputs, name);
            const url = `https://sqs.${a.region}.amazonaws.com/${a.accountId}/${queue}`;
            return { id: url, outputs: { ...base, name: queue, arn: arnOf("sqs", queue), url } };
        }
        case "aws:sns/topic:Topic": {
            const topic = physicalName(inputs, name);
            const arn = arnOf("sns", topic);
            return { id: arn, outputs: { ...base, name: topic, arn } };
        }
        case "aws:sns/topicSubscription:TopicSubscription":
            return { id: `${String(inputs.topic)}:${suffix(name, 8)}`, outputs: { arn: `${String(inputs.topic)}:${suffix(name, 8)}` } };
        case "aws:s3/bucket:Bucket": case "aws:s3/bucketV2:BucketV2": {
            const bucket = physicalName(inputs, name, "bucket");
            return { id: bucket, outputs: { ...base, bucket, arn: `arn:${a.partition}:s3:::${bucket}`,
                bucketDomainName: `${bucket}.s3.amazonaws.com`, region: a.region } };
        }
        case "aws:kinesis/stream:Stream": {
            const stream = physicalName(inputs, name);
            const arn = arnOf("kinesis", `stream/${stream}`);
            return { id: arn, outputs: { ...base, name: stream, arn } };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const group = physicalName(inputs, name);
            return { id: group, outputs: { ...base, name: group, arn: arnOf("logs", `log-group:${group}`) } };
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const rule = physicalName(inputs, name);
            return { id: rule, outputs: { ...base, name: rule, arn: arnOf("events", `rule/${rule}`) } };
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const alarm = physicalName(inputs, name);
            return { id: alarm, outputs: { ...base, name: alarm, arn: arnOf("cloudwatch", `alarm:${alarm}`) } };
        }
        case "aws:cloudwatch/dashboard:Dashboard": {
            const dashboard = String(inputs.dashboardName ?? name);
            return { id: dashboard, outputs: { dashboardArn: `arn:${a.partition}:cloudwatch::${a.accountId}:dashboard/${dashboard}` } };
        }
        case "aws:ssm/parameter:Parameter": {
            const param = physicalName(inputs, name);
            return { id: param, outputs: { ...base, name: param, arn: arnOf("ssm", `parameter${param.startsWith("/") ? "" : "/"}${param}`), version: 1 } };
        }
        case "aws:iam/accessKey:AccessKey": {
            // Credentials: what a program must never put in plain text (the policy pack's secrets tests use it).
            const id = `AKIA${suffix(name, 16).toUpperCase()}`;
            return { id, outputs: { secret: createHash("sha256").update(`${name}/secret`).digest("base64").slice(0, 40), status: "Active" } };
        }
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            const uuid = suffix(name, 32);
            return { id: uuid, outputs: { ...base, uuid, arn: arnOf("lambda", `event-source-mapping:${uuid}`), functionArn: String(inputs.functionName) } };
        }
        case "aws:apigatewayv2/api:Api": {
            const id = suffix(name, 10);
            return { id, outputs: { ...base, apiEndpoint: `https://${id}.execute-api.${a.region}.amazonaws.com`,
                arn: `arn:${a.partition}:apigateway:${a.region}::/apis/${id}`,
                executionArn: arnOf("execute-api", id) } };
        }
        case "aws:apigatewayv2/stage:Stage": {
            const id = String(inputs.name ?? name);
            return { id, outputs: { ...base, invokeUrl: `wss://${String(inputs.apiId)}.execute-api.${a.region}.amazonaws.com/${id}`,
                arn: `arn:${a.partition}:apigateway:${a.region}::/apis/${String(inputs.apiId)}/stages/${id}`,
                executionArn: arnOf("execute-api", `${String(inputs.apiId)}/${id}`) } };
        }
        case "aws:apigateway/restApi:RestApi": {
            const id = suffix(name, 10);
            return { id, outputs: { ...base, rootResourceId: suffix(`${name}/`, 10),
                arn: `arn:${a.partition}:apigateway:${a.region}::/restapis/${id}`,
                executionArn: arnOf("execute-api", id) } };
        }
        case "aws:secretsmanager/secret:Secret": {
            // AWS ends a secret's ARN with a hyphen and six random characters; its id is the ARN.
            const secretName = physicalName(inputs, name);
            const arn = arnOf("secretsmanager", `secret:${secretName}-${suffix(secretName, 6)}`);
            return { id: arn, outputs: { ...base, name: secretName, arn } };
        }
        case "aws:sfn/stateMachine:StateMachine": {
            const machine = physicalName(inputs, name);
            const arn = arnOf("states", `stateMachine:${machine}`);
            return { id: arn, outputs: { ...base, name: machine, arn } };
        }
        case "aws:lambda/functionUrl:FunctionUrl": {
            const urlId = suffix(name, 32);
            const fnName = String(inputs.functionName ?? "fn");
            const fnArn = fnName.startsWith("arn:") ? fnName : arnOf("lambda", `function:${fnName}`);
            return { id: fnName, outputs: { urlId, functionArn: fnArn, functionUrl: `https://${urlId}.lambda-url.${a.region}.on.aws/` } };
        }
        case "aws:apigateway/stage:Stage": {
            const stage = String(inputs.stageName ?? name);
            return { id: `ags-${String(inputs.restApi)}-${stage}`, outputs: { ...base,
                invokeUrl: `https://${String(inputs.restApi)}.execute-api.${a.region}.amazonaws.com/${stage}`,
                executionArn: arnOf("execute-api", `${String(inputs.restApi)}/${stage}`) } };
        }
        case "aws:ec2/vpcEndpoint:VpcEndpoint": {
            const id = `vpce-${suffix(name, 17)}`;
            return { id, outputs: { ...base, arn: arnOf("ec2", `vpc-endpoint/${id}`), ...(inputs.vpcEndpointType === "Gateway" ? { prefixListId: `pl-${suffix(name, 8)}` } : {}) } };
        }
        case "aws:cognito/userPool:UserPool": {
            const id = `${a.region}_${suffix(name, 9)}`;
            return { id, outputs: { ...base, arn: arnOf("cognito-idp", `userpool/${id}`), endpoint: `cognito-idp.${a.region}.amazonaws.com/${id}` } };
        }
        case "aws:cognito/userPoolClient:UserPoolClient":
            return { id: suffix(name, 26), outputs: {} };
        case "aws:apigatewayv2/authorizer:Authorizer":
        case "aws:apigateway/authorizer:Authorizer":
            return { id: suffix(name, 6), outputs: {} };
        default:
            return { id: `${name}-${suffix(name, 8)}`, outputs: base };
    }
}

/** What the ARN of a type names, where the module is not the ARN's service. */
const ARN_SERVICE: Record<string, string> = {
    apigatewayv2: "apigateway", sfn: "states", cognito: "cognito-idp", lb: "elasticloadbalancing", alb: "elasticloadbalancing",
};

/**
 * Update-mode outputs the schema says the provider always sets and the rules above did not give. An output that is
 * also an input is the provider's default when not given (AWS's defaults, which the policies know) and stays
 * unset, but for `region` (the provider's). An output that is not an input is computed: `arn`, `region` and `tagsAll` are built, any
 * other is unknown, never missing (a program that builds on it must not see undefined).
 */
function schemaOutputs(schema: ResourceSchema, name: string, inputs: Props, state: Props, a: MockAccount): Props {
    const out: Props = {};
    const module = /^aws:([^/]+)\//.exec(schema.token)?.[1] ?? "aws";
    const resource = /:(\w+)$/.exec(schema.token)?.[1] ?? "resource";
    for (const [key, prop] of schema.outputs) {
        if (prop.optional || key in state) continue;
        // Every resource of provider v7 takes a region, and has the provider's when it gives none.
        if (key === "region") {
            out.region = a.region;
            continue;
        }
        if (schema.inputs.has(key)) continue;
        if (key === "tagsAll") out.tagsAll = typeof inputs.tags === "object" && inputs.tags !== null ? inputs.tags : {};
        else if (key === "arn" && prop.kind === "string") {
            const kind = resource.replace(/[A-Z]/g, (c, i: number) => `${i ? "-" : ""}${c.toLowerCase()}`);
            out.arn = `arn:${a.partition}:${ARN_SERVICE[module] ?? module}:${a.region}:${a.accountId}:${kind}/${physicalName(inputs, name)}`;
        } else out[key] = UNKNOWN;
    }
    return out;
}

/** Outputs a multi-language component returns (under mocks the component's own children are not built). */
function remoteComponentOutputs(type: string, name: string, inputs: Props, preview: boolean): Props {
    if (type === "awsx:ec2:Vpc") {
        if (preview) return {};
        // Two subnets (two AZs) of each type the specs ask for; awsx's default is public + private.
        const specs = Array.isArray(inputs.subnetSpecs) ? inputs.subnetSpecs as Array<{ type?: string }> : [{ type: "Public" }, { type: "Private" }];
        const subnets = (kind: string) => specs.some(s => s.type === kind)
            ? [1, 2].map(az => `subnet-${suffix(`${name}-${kind}-${az}`, 17)}`) : [];
        return {
            vpcId: `vpc-${suffix(name, 17)}`,
            publicSubnetIds: subnets("Public"),
            privateSubnetIds: subnets("Private"),
            isolatedSubnetIds: subnets("Isolated"),
        };
    }
    return {};
}

/**
 * The mock provider. `schemaOf` gives the schema of a type in update mode (outputs the provider always sets); without
 * it only the rules above apply.
 */
export function createMocks(preview: boolean, account: MockAccount = DEFAULT_ACCOUNT,
    schemaOf: (type: string) => ResourceSchema | undefined = () => undefined): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Props } {
            const inputs = args.inputs as Props;
            if (!args.custom) {
                return { id: undefined, state: { ...inputs, ...remoteComponentOutputs(args.type, args.name, inputs, preview) } };
            }
            if (preview) {
                // Outputs of a resource that does not exist yet: its inputs; the id and computed values are unknown.
                return { id: undefined, state: inputs };
            }
            const { id, outputs } = computedOutputs(args.type, args.name, inputs, account);
            const state: Props = { ...inputs, ...outputs };
            const schema = schemaOf(args.type);
            if (!args.type.startsWith("aws:") || (schema && !schema.outputs.has("tagsAll"))) delete state.tagsAll;
            return { id, state: schema ? { ...state, ...schemaOutputs(schema, args.name, inputs, state, account) } : state };
        },
        call(args: pulumi.runtime.MockCallArgs): Props {
            const answer = answerBuiltInInvoke(args.token, args.inputs as Props, { account, provider: {} });
            if (answer) return answer;
            throw new Error(`the offline mocks do not answer the invoke ${args.token}; answer it in an answers file (tools/lib/offline-answers.ts)`);
        },
    };
}
