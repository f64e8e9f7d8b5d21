/**
 * The deploy check's rules: ONE table of what the AWS provider (terraform-provider-aws, which @pulumi/aws 7.x
 * bridges) checks before it calls AWS, and what AWS itself refuses, for every resource type the stack creates. Each
 * rule says where its limit comes from: the provider's file and validator, or AWS's documentation page; the rules
 * whose limit is an account quota say so (and take the stack's raised quota when it has one).
 *
 * The README's list is rendered from this table (tools/lib/deploy-check/readme.ts) and every rule has a test with an
 * input that breaks it (tests/tools/deploy-check/rules.test.ts). Pure.
 */
import type { Plan, PlannedResource } from "./plan";
import { ANY_AWS_TYPE, enumRule, nameRule, Problem, rangeRule, rangesRule, Rule } from "./rule";
import { TYPES as T } from "./types";
import { at, bytes, iamLength, known, list, obj, Props, show } from "./values";

const PROVIDER = "terraform-provider-aws internal/service";
const AWS_DOCS = "https://docs.aws.amazon.com";

// ---- facts the rules share ----------------------------------------------------------------------------------------

/**
 * Every runtime the Lambda API knows (the AWS SDK's `Runtime` enum, which the provider validates `runtime` against:
 * lambda/function.go `enum.Validate[awstypes.Runtime]()`); tests compare it with @aws-sdk/client-lambda's.
 */
export const LAMBDA_RUNTIMES = [
    "dotnet10", "dotnet6", "dotnet8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "go1.x",
    "java11", "java11.al2023", "java17", "java17.al2023", "java21", "java25", "java8", "java8.al2", "java8.al2023",
    "nodejs", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x",
    "nodejs24.x", "nodejs26.x", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "provided", "provided.al2",
    "provided.al2023", "python2.7", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.15",
    "python3.6", "python3.7", "python3.8", "python3.9", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0",
] as const;

/**
 * Runtimes AWS has deprecated, with the date (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
 * as of December 2026): after it Lambda blocks creating, then updating, functions that use them. A table, not the
 * clock, so a plan's verdict does not change overnight; the next runtime to go is nodejs22.x on 2027-04-30.
 */
export const DEPRECATED_RUNTIMES: Readonly<Record<string, string>> = {
    "nodejs20.x": "2026-04-30", "nodejs18.x": "2025-09-01", "nodejs16.x": "2024-06-12", "nodejs14.x": "2023-12-04",
    "nodejs12.x": "2023-03-31", "nodejs10.x": "2021-07-30", "nodejs8.10": "2020-03-06", "nodejs6.10": "2019-08-12",
    "nodejs4.3": "2020-03-05", "nodejs4.3-edge": "2020-03-05", "nodejs": "2016-10-31",
    "python3.11": "2026-06-30", "python3.10": "2026-06-30", "python3.9": "2025-12-15", "python3.8": "2024-10-14",
    "python3.7": "2023-12-04", "python3.6": "2022-07-18", "python2.7": "2021-07-15",
    "java17": "2026-06-30", "java11": "2026-06-30", "java8.al2": "2026-06-30", "java8": "2024-01-08",
    "dotnet8": "2026-11-10", "dotnet6": "2024-11-12", "dotnetcore3.1": "2023-04-03", "dotnetcore2.1": "2022-01-05",
    "dotnetcore2.0": "2019-05-30", "dotnetcore1.0": "2019-07-27",
    "ruby3.2": "2026-03-31", "ruby2.7": "2023-11-27", "ruby2.5": "2021-07-30",
    "provided.al2": "2026-06-30", "provided": "2024-01-08", "go1.x": "2024-01-08",
};

/** What CloudWatch Logs accepts as `retentionInDays` (0: never expire). */
export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653] as const;

/** Environment variables Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_KEYS = ["_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"] as const;

/** The API's GatewayResponseType enum (apigateway/gateway_response.go validates against it). */
const GATEWAY_RESPONSE_TYPES = ["DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED", "INVALID_API_KEY", "ACCESS_DENIED",
    "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR", "INVALID_SIGNATURE", "EXPIRED_TOKEN", "MISSING_AUTHENTICATION_TOKEN",
    "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR", "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST_PARAMETERS",
    "BAD_REQUEST_BODY", "REQUEST_TOO_LARGE", "THROTTLED", "QUOTA_EXCEEDED", "WAF_FILTERED"] as const;

const NAME_CHARS = "letters, digits, hyphens and underscores";
const IAM_NAME_CHARS = "letters, digits and + = , . @ _ -";

// ---- helpers ----------------------------------------------------------------------------------------------------------

function isString(value: unknown): value is string {
    return typeof value === "string" && known(value);
}

function isNumber(value: unknown): value is number {
    return typeof value === "number";
}

/** The resource an input refers to: through the input's property dependency, else by the name or ARN it holds. */
function target(resource: PlannedResource, input: string, type: string, plan: Plan): PlannedResource | undefined {
    const referenced = plan.referenced(resource, input, type)[0];
    if (referenced) return referenced;
    const value = at(resource.inputs, input);
    if (!isString(value)) return undefined;
    return value.startsWith("arn:") ? plan.byArn(value) : plan.named(type, value);
}

type SourceKind = "sqs" | "kinesis" | "dynamodb";

/** What an event source mapping reads from: the kind of source, the resource (when the plan has it), FIFO or not. */
function mappingSource(mapping: PlannedResource, plan: Plan): { kind: SourceKind; resource?: PlannedResource; fifo: boolean } | undefined {
    const kinds: Record<string, SourceKind> = { [T.queue]: "sqs", [T.stream]: "kinesis", [T.table]: "dynamodb" };
    const referenced = plan.referenced(mapping, "eventSourceArn").find(r => kinds[r.type] !== undefined);
    if (referenced) return { kind: kinds[referenced.type]!, resource: referenced, fifo: referenced.inputs.fifoQueue === true };
    const arn = at(mapping.inputs, "eventSourceArn");
    if (!isString(arn)) return undefined;
    const service = arn.split(":")[2];
    if (service !== "sqs" && service !== "kinesis" && service !== "dynamodb") return undefined;
    const resource = plan.byArn(arn);
    return { kind: service, ...(resource ? { resource } : {}), fifo: service === "sqs" && arn.endsWith(".fifo") };
}

/** A policy document input parsed into its statements, or undefined when it is not a known JSON object. */
function statementsOf(value: unknown, plan: Plan): Props[] | undefined {
    if (!isString(value)) return undefined;
    const doc = plan.json(value);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
    const statement = (doc as Props).Statement;
    return (Array.isArray(statement) ? statement : [statement]).map(obj);
}

/** The policy documents rules read, by type. */
const POLICY_INPUTS = { [T.role]: "assumeRolePolicy", [T.rolePolicy]: "policy", [T.policy]: "policy", [T.queuePolicy]: "policy" } as const;
/** IAM's own documents (identity and trust policies), where Sid is strictly alphanumeric. */
const IAM_POLICY_INPUTS = { [T.role]: "assumeRolePolicy", [T.rolePolicy]: "policy", [T.policy]: "policy" } as const;

function policyInput(resource: PlannedResource, inputs: Readonly<Record<string, string>>): [string, string] | undefined {
    const input = inputs[resource.type];
    const value = input === undefined ? undefined : at(resource.inputs, input);
    return input !== undefined && isString(value) ? [input, value] : undefined;
}

/** The role policies or attachments of each role (their `role` input is the role's name), indexed once per plan. */
function ofRole(role: PlannedResource, type: typeof T.rolePolicy | typeof T.attachment, plan: Plan): readonly PlannedResource[] {
    const index = plan.cached(`by-role:${type}`, () => {
        const byRole = new Map<PlannedResource, PlannedResource[]>();
        for (const r of plan.ofType(type)) {
            const owner = target(r, "role", T.role, plan);
            if (owner) byRole.set(owner, [...(byRole.get(owner) ?? []), r]);
        }
        return byRole;
    });
    return index.get(role) ?? [];
}

/**
 * An ordering rule's problem when `resource` does not wait for `other`, directly or through its other dependencies:
 * `why` says what `other` gives it.
 */
function ordering(resource: PlannedResource, other: PlannedResource, plan: Plan, why: string): Problem[] {
    if (plan.dependsOn(resource, other)) return [];
    return [{ input: "dependsOn", value: other.urn, shown: `missing ${other.type} ${other.name} (directly and through every dependency)`,
        allowed: `waiting for ${other.type} ${other.name}, ${why}` }];
}

// ---- the table --------------------------------------------------------------------------------------------------------

export const RULES: readonly Rule[] = [
    // Names: length and characters.
    nameRule({
        id: "lambda-function-name", what: "Lambda function names", inputs: { [T.function]: "name" },
        min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, chars: NAME_CHARS,
        source: `${PROVIDER}/lambda/validate.go validFunctionName (a name of at most 64 characters)`,
    }),
    nameRule({
        id: "lambda-alias-name", what: "Lambda alias names", inputs: { [T.alias]: "name" },
        min: 1, max: 128, pattern: /^(?!\d+$)[A-Za-z0-9_-]+$/, chars: `${NAME_CHARS}, not only digits`,
        source: `${AWS_DOCS}/lambda/latest/api/API_CreateAlias.html (Name)`,
    }),
    nameRule({
        id: "iam-role-name", what: "IAM role names", inputs: { [T.role]: "name" },
        min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, chars: IAM_NAME_CHARS,
        source: `${PROVIDER}/iam/role.go name: validResourceName(roleNameMaxLen = 64)`,
    }),
    nameRule({
        id: "iam-policy-name", what: "IAM managed and inline policy names", inputs: { [T.policy]: "name", [T.rolePolicy]: "name" },
        min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, chars: IAM_NAME_CHARS,
        source: `${PROVIDER}/iam/policy.go and role_policy.go name: validResourceName(128)`,
    }),
    {
        id: "iam-path", types: [T.role, T.policy], what: "IAM paths: `/`, or `/`-delimited printable ASCII, at most 512 characters",
        source: `${AWS_DOCS}/IAM/latest/APIReference/API_CreateRole.html (Path)`,
        check(resource) {
            const path = at(resource.inputs, "path");
            if (!isString(path)) return [];
            const ok = path.length <= 512 && /^(\/|\/[\u0021-\u007E]+\/)$/.test(path);
            return ok ? [] : [{ input: "path", value: path, allowed: "\"/\" or a path that starts and ends with \"/\", of printable ASCII, at most 512 characters" }];
        },
    },
    {
        id: "sqs-queue-name", types: [T.queue], what: "SQS queue names, with `.fifo` exactly on FIFO queues",
        source: `${PROVIDER}/sqs/queue.go resourceQueueCustomizeDiff (^[0-9A-Za-z_-]{1,80}$, FIFO ^[0-9A-Za-z_-]{1,75}\\.fifo$)`,
        check(resource) {
            const name = at(resource.inputs, "name");
            const fifo = at(resource.inputs, "fifoQueue");
            if (!isString(name) || (fifo !== undefined && !known(fifo))) return [];
            if (fifo === true) {
                return /^[0-9A-Za-z_-]{1,75}\.fifo$/.test(name) ? [] : [{ input: "name", value: name,
                    shown: `${show(name)} (${name.length} characters)`, allowed: `a FIFO queue's name: 1 to 75 ${NAME_CHARS}, then ".fifo"` }];
            }
            return /^[0-9A-Za-z_-]{1,80}$/.test(name) ? [] : [{ input: "name", value: name,
                shown: `${show(name)} (${name.length} characters)`, allowed: `a standard queue's name: 1 to 80 ${NAME_CHARS} (".fifo" only on a FIFO queue)` }];
        },
    },
    {
        id: "sns-topic-name", types: [T.topic], what: "SNS topic names, with `.fifo` exactly on FIFO topics",
        source: `${PROVIDER}/sns/topic.go resourceTopicCustomizeDiff (^[0-9A-Za-z_-]{1,256}$, FIFO ^[0-9A-Za-z_-]{1,251}\\.fifo$)`,
        check(resource) {
            const name = at(resource.inputs, "name");
            const fifo = at(resource.inputs, "fifoTopic");
            if (!isString(name) || (fifo !== undefined && !known(fifo))) return [];
            const shown = `${show(name)} (${name.length} characters)`;
            if (fifo === true) {
                return /^[0-9A-Za-z_-]{1,251}\.fifo$/.test(name) ? [] : [{ input: "name", value: name, shown, allowed: `a FIFO topic's name: 1 to 251 ${NAME_CHARS}, then ".fifo"` }];
            }
            return /^[0-9A-Za-z_-]{1,256}$/.test(name) ? [] : [{ input: "name", value: name, shown, allowed: `a standard topic's name: 1 to 256 ${NAME_CHARS}` }];
        },
    },
    {
        id: "s3-bucket-name", types: [T.bucket], what: "S3 bucket names: 3-63 lowercase characters, no `..`, not an IP address, no reserved prefix or suffix",
        source: `${AWS_DOCS}/AmazonS3/latest/userguide/bucketnamingrules.html`,
        check(resource) {
            const name = at(resource.inputs, "bucket");
            if (!isString(name)) return [];
            const shown = `${show(name)} (${name.length} characters)`;
            const problem = (allowed: string): Problem => ({ input: "bucket", value: name, shown, allowed });
            const problems: Problem[] = [];
            if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
                problems.push(problem("3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit"));
            }
            if (name.includes("..")) problems.push(problem("no two adjacent dots"));
            if (/^(\d{1,3}\.){3}\d{1,3}$/.test(name)) problems.push(problem("not formatted as an IP address"));
            const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find(p => name.startsWith(p));
            if (prefix) problems.push(problem(`not beginning with ${prefix} (reserved)`));
            const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find(s => name.endsWith(s));
            if (suffix) problems.push(problem(`not ending with ${suffix} (reserved)`));
            return problems;
        },
    },
    nameRule({
        id: "dynamodb-table-name", what: "DynamoDB table names", inputs: { [T.table]: "name" },
        min: 3, max: 255, pattern: /^[A-Za-z0-9_.-]+$/, chars: "letters, digits, underscores, hyphens and dots",
        source: `${AWS_DOCS}/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html`,
    }),
    nameRule({
        id: "kinesis-stream-name", what: "Kinesis stream names", inputs: { [T.stream]: "name" },
        min: 1, max: 128, pattern: /^[A-Za-z0-9_.-]+$/, chars: "letters, digits, underscores, hyphens and dots",
        source: `${AWS_DOCS}/kinesis/latest/APIReference/API_CreateStream.html (StreamName)`,
    }),
    nameRule({
        id: "log-group-name", what: "CloudWatch Logs log group names (a log group's own, and the one a function logs to)",
        inputs: { [T.logGroup]: "name", [T.function]: "loggingConfig.logGroup" },
        min: 1, max: 512, pattern: /^[0-9A-Za-z_./#-]+$/, chars: "letters, digits and _ . / # -",
        more: name => (name.startsWith("aws/") ? ["not beginning with \"aws/\" (reserved for AWS)"] : []),
        source: `${PROVIDER}/logs/validate.go and lambda/validate.go validLogGroupName`,
    }),
    nameRule({
        id: "eventbridge-rule-name", what: "EventBridge rule names (a rule's own, and the rule a target names)",
        inputs: { [T.eventRule]: "name", [T.eventTarget]: "rule" },
        min: 1, max: 64, pattern: /^[0-9A-Za-z_.-]+$/, chars: "letters, digits and . - _",
        source: `${PROVIDER}/events/validate.go validateRuleName`,
    }),
    nameRule({
        id: "cloudwatch-alarm-name", what: "CloudWatch alarm names", inputs: { [T.alarm]: "name" },
        min: 1, max: 255, pattern: /^[^\x00-\x1f\x7f]+$/, chars: "no control characters",
        source: `${PROVIDER}/cloudwatch/metric_alarm.go alarm_name: validation.StringLenBetween(1, 255)`,
    }),
    nameRule({
        id: "cloudwatch-dashboard-name", what: "CloudWatch dashboard names", inputs: { [T.dashboard]: "dashboardName" },
        min: 1, max: 255, pattern: /^[0-9A-Za-z_-]+$/, chars: NAME_CHARS,
        source: `${PROVIDER}/cloudwatch/validate.go validDashboardName`,
    }),
    nameRule({
        id: "apigateway-api-name", what: "HTTP API names", inputs: { [T.httpApi]: "name" },
        min: 1, max: 128, pattern: /^.+$/s, chars: "any",
        source: `${PROVIDER}/apigatewayv2/api.go name: validation.StringLenBetween(1, 128)`,
    }),
    {
        id: "apigateway-stage-name", types: [T.restStage, T.restMethodSettings, T.httpStage],
        what: "API Gateway stage names: letters, digits, `-` and `_`, at most 128 (an HTTP API's may be `$default`)",
        source: `${AWS_DOCS}/apigateway/latest/api/API_CreateStage.html (stageName); ${PROVIDER}/apigatewayv2/stage.go name: validation.StringLenBetween(1, 128)`,
        check(resource) {
            const input = resource.type === T.httpStage ? "name" : "stageName";
            const name = at(resource.inputs, input);
            if (!isString(name)) return [];
            if (resource.type === T.httpStage && name === "$default") return [];
            return /^[A-Za-z0-9_-]{1,128}$/.test(name) ? [] : [{ input, value: name, allowed: `1 to 128 ${NAME_CHARS}${resource.type === T.httpStage ? ", or \"$default\"" : ""}` }];
        },
    },
    nameRule({
        id: "codedeploy-name", what: "CodeDeploy application, deployment group and deployment config names",
        inputs: { [T.codedeployApp]: "name", [T.deploymentGroup]: ["appName", "deploymentGroupName", "deploymentConfigName"], [T.deploymentConfig]: "deploymentConfigName" },
        min: 1, max: 100, pattern: /^.+$/s, chars: "any",
        source: `${PROVIDER}/deploy/app.go name: validation.StringLenBetween(1, 100), deployment_group.go app_name, deployment_group_name and deployment_config_name: validation.StringLenBetween(0, 100); ${AWS_DOCS}/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (length 1 to 100)`,
    }),
    {
        id: "codedeploy-alarms", types: [T.deploymentGroup], what: "A CodeDeploy deployment group watches at most 10 alarms",
        source: `${AWS_DOCS}/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (AlarmsLimitExceededException: the maximum number of alarms for a deployment group (10) was exceeded)`,
        check(resource) {
            const alarms = at(resource.inputs, "alarmConfiguration.alarms");
            if (!Array.isArray(alarms) || alarms.length <= 10) return [];
            return [{ input: "alarmConfiguration.alarms", value: alarms, allowed: "at most 10 alarms", shown: `${alarms.length} alarms` }];
        },
    },
    nameRule({
        id: "cognito-name", what: "Cognito user pool and app client names", inputs: { [T.userPool]: "name", [T.userPoolClient]: "name" },
        min: 1, max: 128, pattern: /^[\w\s+=,.@-]+$/, chars: "letters, digits, white space and + = , . @ -",
        source: `${AWS_DOCS}/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html (PoolName); ${PROVIDER}/cognitoidp/validate.go userPoolClientNameValidator`,
    }),
    {
        id: "cognito-resource-server", types: [T.resourceServer], what: "Cognito resource server identifiers, names and scope names, at most 100 scopes",
        source: `${AWS_DOCS}/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html; ${PROVIDER}/cognitoidp/validate.go validResourceServerScopeName`,
        check(resource) {
            const problems: Problem[] = [];
            const check = (input: string, value: unknown, pattern: RegExp, allowed: string) => {
                if (isString(value) && !(value.length <= 256 && pattern.test(value))) problems.push({ input, value, allowed });
            };
            check("identifier", at(resource.inputs, "identifier"), /^[\x21\x23-\x5B\x5D-\x7E]+$/, "1 to 256 printable ASCII characters other than space, \" and \\");
            check("name", at(resource.inputs, "name"), /^[\w\s+=,.@-]+$/, "1 to 256 letters, digits, white space and + = , . @ -");
            const scopes = list(at(resource.inputs, "scopes"));
            scopes.forEach((scope, i) => check(`scopes[${i}].scopeName`, obj(scope).scopeName, /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/,
                "1 to 256 printable ASCII characters other than space, \", / and \\"));
            if (scopes.length > 100) problems.push({ input: "scopes", value: scopes.length, shown: `${scopes.length} scopes`, allowed: "at most 100 scopes" });
            return problems;
        },
    },
    {
        id: "ssm-parameter-name", types: [T.parameter], what: "SSM parameter names: characters, at most 15 levels, no `aws`/`ssm` prefix",
        source: `${AWS_DOCS}/systems-manager/latest/userguide/sysman-paramstore-su-create.html (parameter name requirements)`,
        check(resource) {
            const name = at(resource.inputs, "name");
            if (!isString(name)) return [];
            const problems: Problem[] = [];
            const shown = `${show(name)} (${name.length} characters)`;
            if (!/^[A-Za-z0-9_.\-/]{1,1011}$/.test(name)) problems.push({ input: "name", value: name, shown, allowed: "1 to 1011 letters, digits and _ . - /" });
            if (/^\/?(aws|ssm)/i.test(name)) problems.push({ input: "name", value: name, shown, allowed: "not beginning with \"aws\" or \"ssm\" (reserved)" });
            const levels = name.replace(/^\//, "").split("/").length;
            if (levels > 15) problems.push({ input: "name", value: name, shown: `${show(name)} (${levels} levels)`, allowed: "at most 15 levels of hierarchy" });
            return problems;
        },
    },
    {
        id: "ec2-description", types: [T.securityGroup, T.ingressRule, T.egressRule],
        what: "Security group and rule descriptions: at most 255 of the characters EC2 accepts (no quotes)",
        source: `${AWS_DOCS}/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupDescription); ${AWS_DOCS}/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html (Description)`,
        check(resource) {
            const description = at(resource.inputs, "description");
            if (!isString(description)) return [];
            const group = resource.type === T.securityGroup;
            const pattern = group ? /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/ : /^[a-zA-Z0-9. _\-:/()#,@[\]+=;{}!$*]{0,255}$/;
            const chars = `letters, digits, spaces and . _ - : / ( ) # , @ [ ] + =${group ? " &" : ""} ; { } ! $ *`;
            return pattern.test(description) ? [] : [{ input: "description", value: description,
                shown: `${show(description)} (${description.length} characters)`, allowed: `at most 255 characters of ${chars}` }];
        },
    },
    {
        id: "description-length", types: [T.role, T.policy, T.function, T.alias, T.eventRule, T.alarm, T.httpApi, T.parameter],
        what: "Descriptions within their service's length (IAM 1000, Lambda 256, EventBridge 512, CloudWatch alarms, HTTP APIs and SSM 1024)",
        source: `${PROVIDER}/iam/role.go, events/rule.go, cloudwatch/metric_alarm.go, apigatewayv2/api.go, ssm/parameter.go (validation.StringLenBetween); ${AWS_DOCS}/lambda/latest/api/API_CreateFunction.html, ${AWS_DOCS}/IAM/latest/APIReference/API_CreatePolicy.html (Description)`,
        check(resource) {
            const limits: Record<string, [string, number]> = {
                [T.role]: ["description", 1000], [T.policy]: ["description", 1000], [T.function]: ["description", 256],
                [T.alias]: ["description", 256], [T.eventRule]: ["description", 512], [T.alarm]: ["alarmDescription", 1024],
                [T.httpApi]: ["description", 1024], [T.parameter]: ["description", 1024],
            };
            const [input, max] = limits[resource.type]!;
            const value = at(resource.inputs, input);
            if (!isString(value)) return [];
            const problems: Problem[] = [];
            if (value.length > max) problems.push({ input, value, shown: `${value.length} characters`, allowed: `at most ${max} characters` });
            if (resource.type === T.role && /[“‘]/.test(value)) problems.push({ input, value, allowed: "no typographic quotes (“ ‘)" });
            return problems;
        },
    },

    // Lambda: ranges and enums.
    rangeRule({
        id: "lambda-memory", what: "Lambda memory", inputs: { [T.function]: "memorySize" }, min: 128, max: 10240,
        allowed: "an integer from 128 to 10240 MB", source: `${PROVIDER}/lambda/function.go memory_size: validation.IntBetween(128, 10240)`,
    }),
    rangeRule({
        id: "lambda-timeout", what: "Lambda timeouts", inputs: { [T.function]: "timeout" }, min: 1, max: 900,
        allowed: "an integer from 1 to 900 seconds", source: `${PROVIDER}/lambda/function.go timeout: validation.IntBetween(1, 900)`,
    }),
    rangeRule({
        id: "lambda-ephemeral-storage", what: "Lambda ephemeral storage", inputs: { [T.function]: "ephemeralStorage.size" }, min: 512, max: 10240,
        allowed: "an integer from 512 to 10240 MB", source: `${PROVIDER}/lambda/function.go ephemeral_storage.size: validation.IntBetween(512, 10240)`,
    }),
    rangeRule({
        id: "lambda-reserved-concurrency", what: "Lambda reserved concurrency: -1 (unreserved) or at least 0", inputs: { [T.function]: "reservedConcurrentExecutions" },
        min: -1, max: Number.MAX_SAFE_INTEGER, allowed: "-1 (unreserved) or an integer of at least 0",
        source: `${PROVIDER}/lambda/function.go reserved_concurrent_executions: validation.IntAtLeast(-1)`,
    }),
    {
        id: "lambda-architectures", types: [T.function], what: "Lambda architectures: exactly one of `x86_64`, `arm64`",
        source: `${PROVIDER}/lambda/function.go architectures: MaxItems 1, enum.Validate[awstypes.Architecture]()`,
        check(resource) {
            const value = at(resource.inputs, "architectures");
            if (!known(value)) return [];
            const archs = list(value);
            return archs.length === 1 && (archs[0] === "x86_64" || archs[0] === "arm64") ? []
                : [{ input: "architectures", value, allowed: "exactly one of \"x86_64\", \"arm64\"" }];
        },
    },
    {
        id: "lambda-runtime", types: [T.function], what: "Lambda runtimes: known to the Lambda API and not deprecated",
        source: `${PROVIDER}/lambda/function.go runtime: enum.Validate[awstypes.Runtime](); ${AWS_DOCS}/lambda/latest/dg/lambda-runtimes.html`,
        check(resource) {
            const runtime = at(resource.inputs, "runtime");
            if (!isString(runtime)) return [];
            if (!(LAMBDA_RUNTIMES as readonly string[]).includes(runtime)) {
                return [{ input: "runtime", value: runtime, allowed: "a runtime the Lambda API knows, e.g. \"nodejs22.x\", \"nodejs24.x\"" }];
            }
            const deprecated = DEPRECATED_RUNTIMES[runtime];
            return deprecated === undefined ? [] : [{ input: "runtime", value: runtime,
                allowed: `a supported runtime: AWS deprecated it on ${deprecated}, and then blocks creating and updating functions that use it` }];
        },
    },
    nameRule({
        id: "lambda-handler", what: "Lambda handler names", inputs: { [T.function]: "handler" },
        min: 1, max: 128, pattern: /^\S+$/, chars: "no white space",
        source: `${PROVIDER}/lambda/function.go handler: validation.StringLenBetween(1, 128)`,
    }),
    {
        id: "lambda-environment-size", types: [T.function], what: "Lambda environment variables: at most 4 KB together",
        source: `${AWS_DOCS}/lambda/latest/dg/gettingstarted-limits.html (Function configuration: environment variables, 4 KB)`,
        check(resource) {
            const variables = at(resource.inputs, "environment.variables");
            if (!known(variables)) return [];
            // Lambda measures the variables as the JSON object it stores ("String measured: {...}").
            const size = bytes(JSON.stringify(obj(variables)));
            return size <= 4096 ? [] : [{ input: "environment.variables", value: size, shown: `${size} bytes as JSON`, allowed: "at most 4096 bytes (4 KB) for all variables together" }];
        },
    },
    {
        id: "lambda-environment-keys", types: [T.function], what: "Lambda environment variable keys: a letter, then letters, digits or `_`; none Lambda reserves",
        source: `${AWS_DOCS}/lambda/latest/dg/configuration-envvars-runtime.html (reserved environment variables); ${AWS_DOCS}/lambda/latest/api/API_Environment.html (Variables)`,
        check(resource) {
            const variables = obj(at(resource.inputs, "environment.variables"));
            const problems: Problem[] = [];
            for (const key of Object.keys(variables)) {
                const input = `environment.variables[${JSON.stringify(key)}]`;
                if ((RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(key)) {
                    problems.push({ input, value: key, shown: "set", allowed: "left to Lambda, which sets this key itself and refuses it in a function's configuration" });
                } else if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(key)) {
                    problems.push({ input, value: key, shown: "set", allowed: "a key of a letter, then at least one letter, digit or underscore" });
                }
            }
            return problems;
        },
    },
    {
        id: "lambda-logging-config", types: [T.function], what: "Lambda logging: `Text` or `JSON`, and log levels only with `JSON`",
        source: `${PROVIDER}/lambda/function.go logging_config (enum.Validate of LogFormat, ApplicationLogLevel, SystemLogLevel); ${AWS_DOCS}/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html`,
        check(resource) {
            const config = obj(at(resource.inputs, "loggingConfig"));
            const problems: Problem[] = [];
            const format = config.logFormat;
            if (isString(format) && format !== "Text" && format !== "JSON") {
                problems.push({ input: "loggingConfig.logFormat", value: format, allowed: "one of Text, JSON" });
            }
            const levels: Array<[string, readonly string[]]> = [
                ["applicationLogLevel", ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]],
                ["systemLogLevel", ["DEBUG", "INFO", "WARN"]],
            ];
            for (const [key, values] of levels) {
                const level = config[key];
                if (!isString(level) || level === "") continue;
                if (!values.includes(level)) problems.push({ input: `loggingConfig.${key}`, value: level, allowed: `one of ${values.join(", ")}` });
                else if (isString(format) && format !== "JSON") {
                    problems.push({ input: `loggingConfig.${key}`, value: level, allowed: "set only with logFormat \"JSON\" (log-level filtering needs JSON logs)" });
                }
            }
            return problems;
        },
    },
    enumRule({
        id: "lambda-tracing-mode", what: "Lambda tracing modes", inputs: { [T.function]: "tracingConfig.mode" }, values: ["Active", "PassThrough"],
        source: `${PROVIDER}/lambda/function.go tracing_config.mode: enum.Validate[awstypes.TracingMode]()`,
    }),
    {
        id: "lambda-provisioned-concurrency", types: [T.provisioned],
        what: "Provisioned concurrency: at least 1, on a version or alias, at most the function's reserved concurrency",
        source: `${PROVIDER}/lambda/provisioned_concurrency_config.go provisioned_concurrent_executions: validation.IntAtLeast(1); ${AWS_DOCS}/lambda/latest/dg/provisioned-concurrency.html`,
        check(resource, plan) {
            const problems: Problem[] = [];
            const count = at(resource.inputs, "provisionedConcurrentExecutions");
            if (isNumber(count) && count < 1) problems.push({ input: "provisionedConcurrentExecutions", value: count, allowed: "at least 1" });
            const qualifier = at(resource.inputs, "qualifier");
            if (qualifier === "$LATEST") problems.push({ input: "qualifier", value: qualifier, allowed: "a published version or an alias, not $LATEST" });
            const fn = target(resource, "functionName", T.function, plan);
            const reserved = fn ? at(fn.inputs, "reservedConcurrentExecutions") : undefined;
            if (isNumber(count) && isNumber(reserved) && reserved >= 0 && count > reserved) {
                problems.push({ input: "provisionedConcurrentExecutions", value: count,
                    allowed: `at most the reserved concurrency of ${fn!.type} ${fn!.name} (${reserved})` });
            }
            return problems;
        },
    },
    rangeRule({
        id: "lambda-async-event-age", what: "Asynchronous invocation: maximum event age", inputs: { [T.invokeConfig]: "maximumEventAgeInSeconds" },
        min: 60, max: 21600, allowed: "an integer from 60 to 21600 seconds",
        source: `${PROVIDER}/lambda/function_event_invoke_config.go maximum_event_age_in_seconds: validation.IntBetween(60, 21600)`,
    }),
    rangeRule({
        id: "lambda-async-retries", what: "Asynchronous invocation: retry attempts", inputs: { [T.invokeConfig]: "maximumRetryAttempts" },
        min: 0, max: 2, source: `${PROVIDER}/lambda/function_event_invoke_config.go maximum_retry_attempts: validation.IntBetween(0, 2)`,
    }),
    {
        id: "lambda-permission-action", types: [T.permission], what: "Lambda permission actions: `lambda:<Action>`, `lambda:*` or `*`",
        source: `${PROVIDER}/lambda/validate.go validPermissionAction`,
        check(resource) {
            const action = at(resource.inputs, "action");
            return !isString(action) || /^(lambda:[*]|lambda:[A-Za-z]+|[*])$/.test(action) ? []
                : [{ input: "action", value: action, allowed: "lambda:<Action>, lambda:* or *" }];
        },
    },
    enumRule({
        id: "log-group-retention", what: "Log retention: one of the values CloudWatch Logs accepts", inputs: { [T.logGroup]: "retentionInDays" },
        values: LOG_RETENTION_DAYS, source: `${PROVIDER}/logs/group.go retention_in_days: validation.IntInSlice`,
    }),

    // SQS.
    rangeRule({
        id: "sqs-visibility-timeout", what: "SQS visibility timeouts", inputs: { [T.queue]: "visibilityTimeoutSeconds" }, min: 0, max: 43200,
        allowed: "an integer from 0 to 43200 seconds (12 hours)", source: `${PROVIDER}/sqs/queue.go visibility_timeout_seconds: validation.IntBetween(0, 43_200)`,
    }),
    rangeRule({
        id: "sqs-message-retention", what: "SQS message retention", inputs: { [T.queue]: "messageRetentionSeconds" }, min: 60, max: 1209600,
        allowed: "an integer from 60 to 1209600 seconds (14 days)", source: `${PROVIDER}/sqs/queue.go message_retention_seconds: validation.IntBetween(60, 1_209_600)`,
    }),
    rangeRule({
        id: "sqs-delay", what: "SQS delivery delays", inputs: { [T.queue]: "delaySeconds" }, min: 0, max: 900,
        allowed: "an integer from 0 to 900 seconds", source: `${PROVIDER}/sqs/queue.go delay_seconds: validation.IntBetween(0, 900)`,
    }),
    rangeRule({
        id: "sqs-max-message-size", what: "SQS maximum message sizes", inputs: { [T.queue]: "maxMessageSize" }, min: 1024, max: 1048576,
        allowed: "an integer from 1024 to 1048576 bytes (1 MiB)", source: `${PROVIDER}/sqs/queue.go max_message_size: validation.IntBetween(1024, 1_048_576)`,
    }),
    rangeRule({
        id: "sqs-receive-wait", what: "SQS long-polling waits", inputs: { [T.queue]: "receiveWaitTimeSeconds" }, min: 0, max: 20,
        allowed: "an integer from 0 to 20 seconds", source: `${AWS_DOCS}/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (ReceiveMessageWaitTimeSeconds)`,
    }),
    {
        id: "sqs-content-deduplication", types: [T.queue], what: "Content-based deduplication only on FIFO queues",
        source: `${PROVIDER}/sqs/queue.go resourceQueueCustomizeDiff ("content-based deduplication can only be set for FIFO queue")`,
        check(resource) {
            const dedup = at(resource.inputs, "contentBasedDeduplication");
            const fifo = at(resource.inputs, "fifoQueue");
            if (dedup !== true || fifo === true || (fifo !== undefined && !known(fifo))) return [];
            return [{ input: "contentBasedDeduplication", value: dedup, allowed: "set only on a FIFO queue (fifoQueue: true)" }];
        },
    },
    {
        id: "sqs-redrive-policy", types: [T.queue], what: "SQS redrive policies: JSON naming an SQS queue, `maxReceiveCount` 1-1000",
        source: `${AWS_DOCS}/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (RedrivePolicy)`,
        check(resource, plan) {
            const text = at(resource.inputs, "redrivePolicy");
            if (!isString(text)) return [];
            const policy = plan.json(text);
            if (typeof policy !== "object" || policy === null || Array.isArray(policy)) {
                return [{ input: "redrivePolicy", value: text, allowed: "a JSON object with deadLetterTargetArn and maxReceiveCount" }];
            }
            const problems: Problem[] = [];
            const { deadLetterTargetArn: arn, maxReceiveCount: count } = policy as Props;
            if (typeof arn !== "string" || !/^arn:[^:]+:sqs:/.test(arn)) problems.push({ input: "redrivePolicy.deadLetterTargetArn", value: arn, allowed: "the ARN of an SQS queue" });
            const n = typeof count === "string" ? Number(count) : count;
            if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 1000) problems.push({ input: "redrivePolicy.maxReceiveCount", value: count, allowed: "an integer from 1 to 1000" });
            return problems;
        },
    },
    {
        id: "sqs-redrive-same-kind", types: [T.queue], what: "A queue's dead-letter queue is FIFO exactly when the queue is",
        source: `${AWS_DOCS}/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html ("The dead-letter queue of a FIFO queue must also be a FIFO queue")`,
        check(resource, plan) {
            const text = at(resource.inputs, "redrivePolicy");
            const arn = isString(text) ? obj(plan.json(text)).deadLetterTargetArn : undefined;
            const dlq = plan.referenced(resource, "redrivePolicy", T.queue)[0] ?? (isString(arn) ? plan.byArn(arn) : undefined);
            const kinds = [resource, dlq].map(q => at(q?.inputs ?? {}, "fifoQueue") ?? false);
            if (!dlq || !kinds.every(known)) return [];
            const [fifo, dlqFifo] = kinds.map(k => k === true) as [boolean, boolean];
            if (fifo === dlqFifo) return [];
            return [{ input: "redrivePolicy.deadLetterTargetArn", value: `${dlq.type} ${dlq.name}`,
                shown: `${dlq.type} ${dlq.name}, a ${dlqFifo ? "FIFO" : "standard"} queue`, allowed: `a ${fifo ? "FIFO" : "standard"} queue, as this queue is` }];
        },
    },

    // Lambda event source mappings.
    {
        id: "event-source-mapping-batch-size", types: [T.mapping], what: "Batch sizes per source: SQS 1-10000 (FIFO 1-10), Kinesis and DynamoDB streams 1-10000",
        source: `${AWS_DOCS}/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize)`,
        check(resource, plan) {
            const size = at(resource.inputs, "batchSize");
            const source = mappingSource(resource, plan);
            if (!isNumber(size) || !source) return [];
            const max = source.kind === "sqs" && source.fifo ? 10 : 10000;
            const what = source.kind === "sqs" ? (source.fifo ? "a FIFO queue" : "a standard queue") : `a ${source.kind === "kinesis" ? "Kinesis" : "DynamoDB"} stream`;
            return Number.isInteger(size) && size >= 1 && size <= max ? [] : [{ input: "batchSize", value: size, allowed: `1 to ${max} for ${what}` }];
        },
    },
    {
        id: "event-source-mapping-batching-window", types: [T.mapping],
        what: "Batching windows: at most 300 s, none on FIFO queues, at least 1 s for SQS batches above 10",
        source: `${AWS_DOCS}/lambda/latest/api/API_CreateEventSourceMapping.html (MaximumBatchingWindowInSeconds); ${AWS_DOCS}/lambda/latest/dg/services-sqs-configure.html`,
        check(resource, plan) {
            const window = at(resource.inputs, "maximumBatchingWindowInSeconds");
            const size = at(resource.inputs, "batchSize");
            if ((window !== undefined && !known(window)) || (size !== undefined && !known(size))) return [];
            const source = mappingSource(resource, plan);
            const problems: Problem[] = [];
            if (isNumber(window) && (!Number.isInteger(window) || window < 0 || window > 300)) {
                problems.push({ input: "maximumBatchingWindowInSeconds", value: window, allowed: "an integer from 0 to 300 seconds" });
            }
            if (source?.kind === "sqs" && source.fifo && isNumber(window) && window > 0) {
                problems.push({ input: "maximumBatchingWindowInSeconds", value: window, allowed: "not set for a FIFO queue (FIFO queues have no batching window)" });
            }
            if (source?.kind === "sqs" && !source.fifo && isNumber(size) && size > 10 && !(isNumber(window) && window >= 1)) {
                problems.push({ input: "maximumBatchingWindowInSeconds", value: window, allowed: `at least 1 second when batchSize (${size}) is above 10` });
            }
            return problems;
        },
    },
    {
        id: "event-source-mapping-source-settings", types: [T.mapping],
        what: "Settings only streams take (retries, record age, bisect, parallelization, destinations, starting position, tumbling window) and only SQS takes (scaling)",
        source: `${AWS_DOCS}/lambda/latest/api/API_CreateEventSourceMapping.html ("Kinesis, DynamoDB Streams only" / "Amazon SQS only")`,
        check(resource, plan) {
            const source = mappingSource(resource, plan);
            if (!source) return [];
            const streamOnly = ["bisectBatchOnFunctionError", "maximumRetryAttempts", "maximumRecordAgeInSeconds", "parallelizationFactor",
                "destinationConfig", "startingPosition", "tumblingWindowInSeconds"];
            const keys = source.kind === "sqs" ? streamOnly : ["scalingConfig"];
            return keys.filter(k => at(resource.inputs, k) !== undefined).map(k => ({ input: k, value: at(resource.inputs, k),
                allowed: source.kind === "sqs" ? "not set for an SQS queue (Kinesis and DynamoDB streams only)" : "not set for a stream (Amazon SQS only)" }));
        },
    },
    {
        id: "event-source-mapping-starting-position", types: [T.mapping], what: "Stream mappings need a starting position (`AT_TIMESTAMP` only for Kinesis)",
        source: `${PROVIDER}/lambda/event_source_mapping.go starting_position: enum.Validate[awstypes.EventSourcePosition](); ${AWS_DOCS}/lambda/latest/api/API_CreateEventSourceMapping.html (StartingPosition)`,
        check(resource, plan) {
            const source = mappingSource(resource, plan);
            const position = at(resource.inputs, "startingPosition");
            if (!source || source.kind === "sqs" || (position !== undefined && !known(position))) return [];
            const allowed = source.kind === "kinesis" ? ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"] : ["TRIM_HORIZON", "LATEST"];
            return isString(position) && allowed.includes(position) ? []
                : [{ input: "startingPosition", value: position, allowed: `one of ${allowed.join(", ")} (required for a stream)` }];
        },
    },
    rangesRule({
        id: "event-source-mapping-retries", type: T.mapping, what: "Stream retries: -1 to 10000 attempts; record age -1 or 60-604800 s",
        source: `${PROVIDER}/lambda/event_source_mapping.go maximum_retry_attempts: validation.IntBetween(-1, 10_000); maximum_record_age_in_seconds: -1 or validation.IntBetween(60, 604_800)`,
        ranges: [
            { input: "maximumRetryAttempts", min: -1, max: 10000, allowed: "an integer from -1 (forever) to 10000" },
            { input: "maximumRecordAgeInSeconds", min: 60, max: 604800, also: [-1], allowed: "-1 (forever) or an integer from 60 to 604800 seconds" },
        ],
    }),
    rangeRule({
        id: "event-source-mapping-parallelization", what: "Stream parallelization factors", inputs: { [T.mapping]: "parallelizationFactor" }, min: 1, max: 10,
        source: `${PROVIDER}/lambda/event_source_mapping.go parallelization_factor: validation.IntBetween(1, 10)`,
    }),
    rangeRule({
        id: "event-source-mapping-max-concurrency", what: "SQS mappings' maximum concurrency", inputs: { [T.mapping]: "scalingConfig.maximumConcurrency" }, min: 2, max: 1000,
        source: `${PROVIDER}/lambda/event_source_mapping.go scaling_config.maximum_concurrency: validation.IntAtLeast(2); ${AWS_DOCS}/lambda/latest/api/API_ScalingConfig.html (at most 1000)`,
    }),
    enumRule({
        id: "event-source-mapping-response-types", what: "Function response types", inputs: { [T.mapping]: "functionResponseTypes" }, values: ["ReportBatchItemFailures"],
        source: `${PROVIDER}/lambda/event_source_mapping.go function_response_types: enum.Validate[awstypes.FunctionResponseType]()`,
    }),
    {
        id: "sqs-mapping-visibility-timeout", types: [T.mapping], what: "An SQS mapping's queue keeps messages invisible at least as long as the function may run",
        source: `${AWS_DOCS}/lambda/latest/dg/services-sqs-configure.html (Lambda refuses a mapping whose function timeout exceeds the queue's visibility timeout)`,
        check(resource, plan) {
            const source = mappingSource(resource, plan);
            const fn = target(resource, "functionName", T.function, plan);
            if (source?.kind !== "sqs" || !source.resource || !fn) return [];
            const visibility = at(source.resource.inputs, "visibilityTimeoutSeconds") ?? 30;
            const timeout = at(fn.inputs, "timeout") ?? 3;
            if (!isNumber(visibility) || !isNumber(timeout) || visibility >= timeout) return [];
            return [{ input: "eventSourceArn", value: `${source.resource.type} ${source.resource.name}`,
                shown: `${source.resource.type} ${source.resource.name} with a visibility timeout of ${visibility} s`,
                allowed: `a queue whose visibility timeout is at least the timeout of ${fn.type} ${fn.name} (${timeout} s)` }];
        },
    },

    // Kinesis.
    rangeRule({
        id: "kinesis-retention", what: "Kinesis retention", inputs: { [T.stream]: "retentionPeriod" }, min: 24, max: 8760,
        allowed: "an integer from 24 to 8760 hours", source: `${PROVIDER}/kinesis/stream.go retention_period: validation.IntBetween(24, 8760)`,
    }),
    {
        id: "kinesis-shard-count", types: [T.stream], what: "Kinesis shard counts: at least 1 when provisioned, none on demand",
        source: `${PROVIDER}/kinesis/stream.go CustomizeDiff ("shard_count must be at least 1 when stream_mode is PROVISIONED" / "must not be set when ON_DEMAND")`,
        check(resource) {
            const mode = at(resource.inputs, "streamModeDetails.streamMode") ?? "PROVISIONED";
            const shards = at(resource.inputs, "shardCount");
            if (!known(mode) || (shards !== undefined && !known(shards))) return [];
            if (mode === "ON_DEMAND") {
                return isNumber(shards) && shards > 0 ? [{ input: "shardCount", value: shards, allowed: "not set for an ON_DEMAND stream" }] : [];
            }
            return isNumber(shards) && Number.isInteger(shards) && shards >= 1 ? [] : [{ input: "shardCount", value: shards, allowed: "an integer of at least 1 for a PROVISIONED stream" }];
        },
    },
    {
        id: "kinesis-encryption", types: [T.stream], what: "Kinesis encryption: `NONE` or `KMS`, and `KMS` with a key",
        source: `${PROVIDER}/kinesis/stream.go encryption_type: enum.Validate[types.EncryptionType](); resourceStreamCreate ("KMS Key ID required")`,
        check(resource) {
            const type = at(resource.inputs, "encryptionType");
            if (!isString(type)) return [];
            if (type !== "NONE" && type !== "KMS") return [{ input: "encryptionType", value: type, allowed: "one of NONE, KMS" }];
            const key = at(resource.inputs, "kmsKeyId");
            return type === "KMS" && key === undefined ? [{ input: "kmsKeyId", value: key, allowed: "a KMS key id, ARN or alias when encryptionType is KMS" }] : [];
        },
    },

    // DynamoDB.
    {
        id: "dynamodb-billing-mode", types: [T.table], what: "DynamoDB billing: capacities exactly when `PROVISIONED`",
        source: `${PROVIDER}/dynamodb/table.go billing_mode: validation.StringInSlice; validateProvisionedThroughputField`,
        check(resource) {
            const mode = at(resource.inputs, "billingMode") ?? "PROVISIONED";
            if (!isString(mode)) return [];
            if (mode !== "PROVISIONED" && mode !== "PAY_PER_REQUEST") return [{ input: "billingMode", value: mode, allowed: "one of PROVISIONED, PAY_PER_REQUEST" }];
            const problems: Problem[] = [];
            for (const input of ["readCapacity", "writeCapacity"]) {
                const value = at(resource.inputs, input);
                if (value !== undefined && !known(value)) continue;
                if (mode === "PAY_PER_REQUEST" && isNumber(value) && value !== 0) problems.push({ input, value, allowed: "not set when billingMode is PAY_PER_REQUEST" });
                if (mode === "PROVISIONED" && !(isNumber(value) && value >= 1)) problems.push({ input, value, allowed: "at least 1 when billingMode is PROVISIONED" });
            }
            return problems;
        },
    },
    {
        id: "dynamodb-stream-view-type", types: [T.table], what: "A DynamoDB stream has one of the four view types",
        source: `${PROVIDER}/dynamodb/table.go validStreamSpec ("stream_view_type is required when stream_enabled = true"), stream_view_type: validation.StringInSlice`,
        check(resource) {
            const view = at(resource.inputs, "streamViewType");
            const enabled = at(resource.inputs, "streamEnabled");
            if ((view !== undefined && !known(view)) || !known(enabled ?? false)) return [];
            const views = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];
            if (view !== undefined && view !== "" && !views.includes(view as string)) return [{ input: "streamViewType", value: view, allowed: `one of ${views.join(", ")}` }];
            return enabled === true && (view === undefined || view === "") ? [{ input: "streamViewType", value: view, allowed: `one of ${views.join(", ")} when streamEnabled is true` }] : [];
        },
    },
    {
        id: "dynamodb-attributes-indexed", types: [T.table], what: "DynamoDB attribute definitions: exactly the key and index attributes",
        source: `${PROVIDER}/dynamodb/table.go validateTableAttributes ("all attributes must be indexed" / "all indexes must match a defined attribute")`,
        check(resource) {
            const attributes = at(resource.inputs, "attributes");
            const keys = ["hashKey", "rangeKey", "localSecondaryIndexes", "globalSecondaryIndexes"].map(k => at(resource.inputs, k));
            if (!known(attributes) || keys.some(k => k !== undefined && !known(k))) return [];
            const indexed = new Set<string>();
            const add = (v: unknown) => { if (typeof v === "string" && v !== "") indexed.add(v); };
            add(keys[0]);
            add(keys[1]);
            for (const lsi of list(keys[2])) add(obj(lsi).rangeKey);
            for (const gsi of list(keys[3])) {
                add(obj(gsi).hashKey);
                add(obj(gsi).rangeKey);
            }
            const defined = list(attributes).map(a => String(obj(a).name));
            const problems: Problem[] = [];
            const unused = defined.filter(a => !indexed.has(a)).sort();
            if (unused.length > 0) problems.push({ input: "attributes", value: unused, shown: `defining ${unused.map(a => JSON.stringify(a)).join(", ")}, used by no key or index`, allowed: "only attributes a key or an index uses" });
            const undefinedKeys = [...indexed].filter(a => !defined.includes(a)).sort();
            if (undefinedKeys.length > 0) problems.push({ input: "attributes", value: undefinedKeys, shown: `missing ${undefinedKeys.map(a => JSON.stringify(a)).join(", ")}`, allowed: "a definition for every key and index attribute" });
            return problems;
        },
    },
    {
        id: "dynamodb-ttl", types: [T.table], what: "An enabled DynamoDB TTL names its attribute",
        source: `${PROVIDER}/dynamodb/table.go ttlPlantimeValidate ("attribute_name" required when enabled)`,
        check(resource) {
            const ttl = obj(at(resource.inputs, "ttl"));
            if (ttl.enabled !== true || (ttl.attributeName !== undefined && !known(ttl.attributeName))) return [];
            return isString(ttl.attributeName) && ttl.attributeName.length >= 1 && ttl.attributeName.length <= 255 ? []
                : [{ input: "ttl.attributeName", value: ttl.attributeName, allowed: "an attribute name of 1 to 255 characters when ttl.enabled is true" }];
        },
    },

    // CloudWatch.
    {
        id: "cloudwatch-alarm-period", types: [T.alarm],
        what: "Alarm periods (10, 20, 30 or a multiple of 60 s) and their span (period x evaluation periods at most 7 days, 1 day below hourly periods)",
        source: `${PROVIDER}/cloudwatch/metric_alarm.go period: IntInSlice{10, 20, 30} or IntDivisibleBy(60); ${AWS_DOCS}/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Period)`,
        check(resource) {
            const problems: Problem[] = [];
            const periods: Array<[string, unknown, readonly number[]]> = [["period", at(resource.inputs, "period"), [10, 20, 30]]];
            list(at(resource.inputs, "metricQueries")).forEach((q, i) => {
                const period = obj(obj(q).metric).period;
                if (period !== undefined) periods.push([`metricQueries[${i}].metric.period`, period, [1, 5, 10, 20, 30]]);
            });
            for (const [input, period, short] of periods) {
                if (isNumber(period) && !(short.includes(period) || (period > 0 && period % 60 === 0))) {
                    problems.push({ input, value: period, allowed: `${short.join(", ")} or a multiple of 60 seconds` });
                }
            }
            const evaluations = at(resource.inputs, "evaluationPeriods");
            const longest = Math.max(...periods.map(([, p]) => (isNumber(p) ? p : 0)));
            if (isNumber(evaluations) && longest > 0) {
                const span = longest * evaluations;
                const max = longest < 3600 ? 86400 : 604800;
                if (span > max) {
                    problems.push({ input: "evaluationPeriods", value: evaluations, shown: `${evaluations} (x ${longest} s = ${span} s)`,
                        allowed: `a span of at most ${max} seconds (${max === 86400 ? "1 day for periods under an hour" : "7 days"})` });
                }
            }
            return problems;
        },
    },
    {
        id: "cloudwatch-alarm-evaluation", types: [T.alarm], what: "Alarm evaluation periods at least 1, datapoints to alarm between 1 and them",
        source: `${PROVIDER}/cloudwatch/metric_alarm.go evaluation_periods, datapoints_to_alarm: validation.IntAtLeast(1); ${AWS_DOCS}/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (DatapointsToAlarm)`,
        check(resource) {
            const problems: Problem[] = [];
            const evaluations = at(resource.inputs, "evaluationPeriods");
            if (isNumber(evaluations) && !(Number.isInteger(evaluations) && evaluations >= 1)) problems.push({ input: "evaluationPeriods", value: evaluations, allowed: "an integer of at least 1" });
            const datapoints = at(resource.inputs, "datapointsToAlarm");
            if (isNumber(datapoints) && !(datapoints >= 1 && (!isNumber(evaluations) || datapoints <= evaluations))) {
                problems.push({ input: "datapointsToAlarm", value: datapoints, allowed: `an integer from 1 to evaluationPeriods${isNumber(evaluations) ? ` (${evaluations})` : ""}` });
            }
            return problems;
        },
    },
    enumRule({
        id: "cloudwatch-alarm-comparison", what: "Alarm comparison operators", inputs: { [T.alarm]: "comparisonOperator" },
        values: ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
            "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"],
        source: `${PROVIDER}/cloudwatch/metric_alarm.go comparison_operator: enum.Validate[types.ComparisonOperator]()`,
    }),
    enumRule({
        id: "cloudwatch-alarm-missing-data", what: "Alarm treatment of missing data", inputs: { [T.alarm]: "treatMissingData" },
        values: ["breaching", "notBreaching", "ignore", "missing"], source: `${PROVIDER}/cloudwatch/metric_alarm.go treat_missing_data: validation.StringInSlice(missingData_Values())`,
    }),
    {
        id: "cloudwatch-alarm-statistic", types: [T.alarm], what: "Alarm statistics: `SampleCount`, `Average`, `Sum`, `Minimum`, `Maximum` or a percentile-style one",
        source: `${PROVIDER}/cloudwatch/metric_alarm.go statistic, metric_query.metric.stat: enum.Validate[types.Statistic]() or the extended-statistic pattern`,
        check(resource) {
            const basic = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
            const extended = /^((p|tm|wm|tc|ts)(\d{1,2}(\.\d{1,2})?|100)|IQM|(TM|WM|PR|TC|TS)\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\))$/;
            const stats: Array<[string, unknown, boolean]> = [["statistic", at(resource.inputs, "statistic"), false]];
            list(at(resource.inputs, "metricQueries")).forEach((q, i) => stats.push([`metricQueries[${i}].metric.stat`, obj(obj(q).metric).stat, true]));
            return stats.filter(([, s, ext]) => isString(s) && !basic.includes(s) && !(ext && extended.test(s)))
                .map(([input, value, ext]) => ({ input, value, allowed: `one of ${basic.join(", ")}${ext ? " or an extended statistic such as p99" : ""}` }));
        },
    },
    {
        id: "cloudwatch-alarm-metrics", types: [T.alarm], what: "Metric math alarms: at most 10 metrics, exactly one returned, ids of a lowercase letter then letters, digits or `_`",
        source: `${AWS_DOCS}/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html ("Alarms based on metric math expressions can have up to 10 metrics"); ${AWS_DOCS}/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html`,
        check(resource) {
            const value = at(resource.inputs, "metricQueries");
            if (!known(value)) return [];
            const queries = list(value).map(obj);
            if (queries.length === 0) return [];
            const problems: Problem[] = [];
            const metrics = queries.filter(q => q.metric !== undefined).length;
            if (metrics > 10) problems.push({ input: "metricQueries", value: metrics, shown: `${metrics} metrics`, allowed: "at most 10 metrics in one alarm" });
            const returned = queries.filter(q => q.returnData === true).length;
            if (returned !== 1) problems.push({ input: "metricQueries", value: returned, shown: `returning ${returned} time series`, allowed: "exactly one query with returnData: true" });
            queries.forEach((q, i) => {
                if (!(typeof q.id === "string" && /^[a-z][a-zA-Z0-9_]*$/.test(q.id))) problems.push({ input: `metricQueries[${i}].id`, value: q.id, allowed: "a lowercase letter, then letters, digits or underscores" });
                if ((q.expression === undefined) === (q.metric === undefined)) problems.push({ input: `metricQueries[${i}]`, value: q.id, shown: `query ${show(q.id)}`, allowed: "exactly one of expression and metric" });
            });
            return problems;
        },
    },
    {
        id: "cloudwatch-alarm-actions", types: [T.alarm], what: "At most 5 actions per alarm state",
        source: `${AWS_DOCS}/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html ("Alarm actions: 5/alarm. This quota cannot be changed")`,
        check(resource) {
            return ["alarmActions", "okActions", "insufficientDataActions"].flatMap(input => {
                const actions = at(resource.inputs, input);
                if (!known(actions) || list(actions).length <= 5) return [];
                return [{ input, value: actions, shown: `${list(actions).length} actions`, allowed: "at most 5 actions" }];
            });
        },
    },
    {
        id: "cloudwatch-dashboard-body", types: [T.dashboard], what: "Dashboard bodies: JSON widgets, at most 500 of them, 500 metrics per widget and 2500 in all",
        source: `${PROVIDER}/cloudwatch/dashboard.go dashboard_body: validation.StringIsJSON; ${AWS_DOCS}/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html (Dashboards)`,
        check(resource, plan) {
            const text = at(resource.inputs, "dashboardBody");
            if (!isString(text)) return [];
            const body = plan.json(text);
            const widgets = obj(body).widgets;
            if (!Array.isArray(widgets)) return [{ input: "dashboardBody", value: text, allowed: "a JSON object with a widgets list" }];
            const problems: Problem[] = [];
            if (widgets.length > 500) problems.push({ input: "dashboardBody", value: widgets.length, shown: `${widgets.length} widgets`, allowed: "at most 500 widgets" });
            let total = 0;
            widgets.forEach((w, i) => {
                const metrics = list(obj(obj(w).properties).metrics).length;
                total += metrics;
                if (metrics > 500) problems.push({ input: `dashboardBody.widgets[${i}]`, value: metrics, shown: `${metrics} metrics`, allowed: "at most 500 metrics in a widget" });
            });
            if (total > 2500) problems.push({ input: "dashboardBody", value: total, shown: `${total} metrics`, allowed: "at most 2500 metrics in a dashboard" });
            return problems;
        },
    },

    // API Gateway.
    {
        id: "apigateway-throttle-rate", types: [T.httpStage, T.restMethodSettings], what: "Stage and method throttling rates within the account's API Gateway throttle",
        quota: { key: "apiThrottleRate", default: 10000 },
        source: `${AWS_DOCS}/apigateway/latest/developerguide/limits.html ("Throttle quota per account, per Region": 10,000 requests per second)`,
        check(resource, _plan, limit) {
            return throttles(resource, "throttlingRateLimit").filter(([, v]) => v > limit || (v < 0 && v !== -1))
                .map(([input, value]) => ({ input, value, allowed: `at most ${limit} requests per second (-1 leaves it unset)` }));
        },
    },
    {
        id: "apigateway-throttle-burst", types: [T.httpStage, T.restMethodSettings], what: "Stage and method throttling bursts within the account's API Gateway burst",
        quota: { key: "apiThrottleBurst", default: 5000 },
        source: `${AWS_DOCS}/apigateway/latest/developerguide/limits.html ("a maximum bucket capacity of 5,000 requests")`,
        check(resource, _plan, limit) {
            return throttles(resource, "throttlingBurstLimit").filter(([, v]) => v > limit || (v < 0 && v !== -1))
                .map(([input, value]) => ({ input, value, allowed: `at most ${limit} requests (-1 leaves it unset)` }));
        },
    },
    rangeRule({
        id: "apigateway-http-integration-timeout", what: "HTTP API integration timeouts: 50 ms to 30 s", inputs: { [T.httpIntegration]: "timeoutMilliseconds" },
        min: 50, max: 30000, allowed: "an integer from 50 to 30000 milliseconds",
        source: `${PROVIDER}/apigatewayv2/integration.go timeout_milliseconds: validation.IntBetween(50, 30000)`,
    }),
    {
        id: "apigateway-rest-integration-timeout", types: [T.restIntegration], what: "REST API integration timeouts: 50 ms to 29 s unless the quota was raised",
        quota: { key: "restIntegrationTimeoutMs", default: 29000 },
        source: `${AWS_DOCS}/apigateway/latest/developerguide/limits.html (Integration timeout for REST APIs: 50 milliseconds - 29 seconds)`,
        check(resource, _plan, limit) {
            const timeout = at(resource.inputs, "timeoutMilliseconds");
            return isNumber(timeout) && (timeout < 50 || timeout > limit) ? [{ input: "timeoutMilliseconds", value: timeout, allowed: `an integer from 50 to ${limit} milliseconds` }] : [];
        },
    },
    rangeRule({
        id: "apigateway-authorizer-ttl", what: "Authorizer result caching: 0 to 3600 s",
        inputs: { [T.restAuthorizer]: "authorizerResultTtlInSeconds", [T.httpAuthorizer]: "authorizerResultTtlInSeconds" },
        min: 0, max: 3600, allowed: "an integer from 0 to 3600 seconds", source: `${PROVIDER}/apigateway/authorizer.go authorizer_result_ttl_in_seconds: validation.IntBetween(0, 3600)`,
    }),
    {
        id: "apigateway-access-log-format", types: [T.restStage], what: "REST access log formats include `$context.requestId` or `$context.extendedRequestId`",
        source: `${AWS_DOCS}/apigateway/latest/developerguide/set-up-logging.html (the control plane refuses a format without either; aws/aws-cdk#22591)`,
        check(resource) {
            const format = at(resource.inputs, "accessLogSettings.format");
            return !isString(format) || /\$context\.(requestId|extendedRequestId)\b/.test(format) ? []
                : [{ input: "accessLogSettings.format", value: format, allowed: "a format that includes $context.requestId or $context.extendedRequestId" }];
        },
    },
    {
        id: "apigateway-route-key", types: [T.httpRoute], what: "HTTP API route keys: `$default` or `<METHOD> /<path>`",
        source: `${AWS_DOCS}/apigateway/latest/developerguide/http-api-develop-routes.html`,
        check(resource) {
            const key = at(resource.inputs, "routeKey");
            if (!isString(key) || key === "$default") return [];
            const match = /^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*)$/.exec(key);
            const path = match?.[2] ?? "";
            const greedy = path.indexOf("+}");
            const ok = match !== null && (greedy === -1 || greedy === path.length - 2);
            return ok ? [] : [{ input: "routeKey", value: key, allowed: "\"$default\" or an HTTP method (or ANY), a space and a path starting with \"/\" (a greedy {name+} only at its end)" }];
        },
    },
    {
        id: "apigateway-method", types: [T.restMethod], what: "REST methods: a known HTTP method and authorization type, with an authorizer exactly when it needs one",
        source: `${AWS_DOCS}/apigateway/latest/api/API_PutMethod.html (httpMethod, authorizationType, authorizerId)`,
        check(resource) {
            const problems: Problem[] = [];
            const method = at(resource.inputs, "httpMethod");
            const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];
            if (isString(method) && !methods.includes(method)) problems.push({ input: "httpMethod", value: method, allowed: `one of ${methods.join(", ")}` });
            const auth = at(resource.inputs, "authorization");
            const auths = ["NONE", "CUSTOM", "AWS_IAM", "COGNITO_USER_POOLS"];
            if (!isString(auth)) return problems;
            if (!auths.includes(auth)) return [...problems, { input: "authorization", value: auth, allowed: `one of ${auths.join(", ")}` }];
            const authorizer = at(resource.inputs, "authorizerId");
            const needs = auth === "CUSTOM" || auth === "COGNITO_USER_POOLS";
            if (needs && authorizer === undefined) problems.push({ input: "authorizerId", value: authorizer, allowed: `an authorizer for authorization ${auth}` });
            if (!needs && authorizer !== undefined) problems.push({ input: "authorizerId", value: authorizer, allowed: `not set for authorization ${auth}` });
            return problems;
        },
    },
    {
        id: "apigateway-gateway-response", types: [T.restResponse], what: "Gateway responses: a known response type and a 3-digit status code",
        source: `${PROVIDER}/apigateway/gateway_response.go response_type: enum.Validate[types.GatewayResponseType](); ${AWS_DOCS}/apigateway/latest/api/API_PutGatewayResponse.html (statusCode)`,
        check(resource) {
            const problems: Problem[] = [];
            const type = at(resource.inputs, "responseType");
            if (isString(type) && !(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) problems.push({ input: "responseType", value: type, allowed: "a gateway response type such as UNAUTHORIZED or ACCESS_DENIED" });
            const status = at(resource.inputs, "statusCode");
            if (isString(status) && !/^[1-5]\d\d$/.test(status)) problems.push({ input: "statusCode", value: status, allowed: "a status code from 100 to 599" });
            return problems;
        },
    },
    {
        id: "apigateway-jwt-authorizer", types: [T.httpAuthorizer], what: "JWT authorizers name an issuer, at least one audience and an identity source",
        source: `${AWS_DOCS}/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html (JWTConfiguration, IdentitySource)`,
        check(resource) {
            if (at(resource.inputs, "authorizerType") !== "JWT") return [];
            const problems: Problem[] = [];
            const jwt = obj(at(resource.inputs, "jwtConfiguration"));
            if (jwt.issuer === undefined) problems.push({ input: "jwtConfiguration.issuer", value: undefined, allowed: "the issuer's URL" });
            if (known(jwt.audiences) && list(jwt.audiences).length === 0) problems.push({ input: "jwtConfiguration.audiences", value: jwt.audiences, allowed: "at least one audience" });
            const sources = at(resource.inputs, "identitySources");
            if (known(sources) && list(sources).length === 0) problems.push({ input: "identitySources", value: sources, allowed: "at least one identity source, e.g. $request.header.Authorization" });
            return problems;
        },
    },

    // Ordering: what must exist before AWS accepts the next call.
    {
        id: "apigateway-stage-logging-order", types: [T.restStage, T.restMethodSettings],
        what: "A REST stage with access logging, or method settings with execution logging, waits for the account's CloudWatch role (`aws.apigateway.Account`)",
        source: `${AWS_DOCS}/apigateway/latest/developerguide/set-up-logging.html ("CloudWatch Logs role ARN must be set in account settings to enable logging")`,
        check(resource, plan) {
            const logging = resource.type === T.restStage
                ? typeof at(resource.inputs, "accessLogSettings") === "object"
                : ["ERROR", "INFO"].includes(String(at(resource.inputs, "settings.loggingLevel"))) || at(resource.inputs, "settings.dataTraceEnabled") === true;
            if (!logging) return [];
            const accounts = plan.ofType(T.restAccount);
            if (accounts.length === 0) return [];
            return accounts.flatMap(a => ordering(resource, a, plan, "which sets the account's CloudWatch Logs role that logging needs"));
        },
    },
    {
        id: "apigateway-method-settings-order", types: [T.restMethodSettings], what: "Method settings wait for the stage they change",
        source: `${PROVIDER}/apigateway/method_settings.go resourceMethodSettingsUpdate (UpdateStage on the stage, which must exist)`,
        check(resource, plan) {
            const stageName = at(resource.inputs, "stageName");
            const stage = plan.referenced(resource, "stageName", T.restStage)[0]
                ?? (isString(stageName) ? plan.ofType(T.restStage).find(s => at(s.inputs, "stageName") === stageName) : undefined);
            return stage ? ordering(resource, stage, plan, "the stage it updates") : [];
        },
    },
    {
        id: "lambda-log-group-order", types: [T.function], what: "A function that logs to a log group the plan creates waits for it (else Lambda creates it first and the log group's create fails)",
        source: `${AWS_DOCS}/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html (Lambda creates the log group on the first invocation when it does not exist)`,
        check(resource, plan) {
            const group = at(resource.inputs, "loggingConfig.logGroup");
            if (!isString(group)) return [];
            const logGroup = plan.named(T.logGroup, group);
            return logGroup ? ordering(resource, logGroup, plan, "the log group it writes to") : [];
        },
    },
    {
        id: "invoke-config-destination-order", types: [T.invokeConfig], what: "An asynchronous invoke config waits for its destinations (Lambda checks them; the provider retries for 2 minutes only)",
        source: `${PROVIDER}/lambda/function_event_invoke_config.go resourceFunctionEventInvokeConfigCreate (retries "The destination ARN ... is invalid" for iamPropagationTimeout)`,
        check(resource, plan) {
            const config = obj(at(resource.inputs, "destinationConfig"));
            return ["onFailure", "onSuccess"].flatMap(key => {
                const arn = obj(config[key]).destination;
                const destination = isString(arn) ? plan.byArn(arn) : plan.referenced(resource, "destinationConfig")[0];
                return destination ? ordering(resource, destination, plan, `its ${key} destination`) : [];
            });
        },
    },
    {
        id: "event-source-mapping-role-order", types: [T.mapping], what: "A mapping waits for the inline policies of its function's role (Lambda checks the role can read the source)",
        source: `${PROVIDER}/lambda/event_source_mapping.go retryEventSourceMapping (retries "execution role does not have permissions" for the propagation timeout only)`,
        check(resource, plan) {
            const fn = target(resource, "functionName", T.function, plan);
            const role = fn ? target(fn, "role", T.role, plan) : undefined;
            if (!role) return [];
            const policies = ofRole(role, T.rolePolicy, plan);
            return policies.flatMap(p => ordering(resource, p, plan, `a policy of the role of ${fn!.type} ${fn!.name}`));
        },
    },
    {
        id: "s3-notification-permission-order", types: [T.bucketNotification], what: "A bucket notification waits for the permission that lets S3 invoke each function (S3 tests the destination)",
        source: `${AWS_DOCS}/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html ("Unable to validate the following destination configurations")`,
        check(resource, plan) {
            const fns = plan.referenced(resource, "lambdaFunctions", T.function);
            const arns = list(at(resource.inputs, "lambdaFunctions")).map(c => obj(c).lambdaFunctionArn).filter(isString);
            const all = [...new Set([...fns, ...arns.map(a => plan.byArn(a)).filter((r): r is PlannedResource => r !== undefined)])];
            return all.flatMap(fn => {
                const permission = s3Permissions(plan).get(fn);
                return permission ? ordering(resource, permission, plan, `which lets S3 invoke ${fn.type} ${fn.name}`) : [];
            });
        },
    },

    // Elastic Load Balancing.
    nameRule({
        id: "elb-target-group-name", what: "Target group names: at most 32 letters, digits and hyphens, not starting or ending with a hyphen",
        inputs: { [T.targetGroup]: "name" }, min: 1, max: 32, pattern: /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
        chars: "letters, digits and hyphens, not starting or ending with a hyphen",
        source: `${PROVIDER}/elbv2/validate.go validTargetGroupName`,
    }),
    nameRule({
        id: "elb-load-balancer-name", what: "Load balancer names: at most 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with `internal-`",
        inputs: { [T.loadBalancer]: "name" }, min: 1, max: 32, pattern: /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
        chars: "letters, digits and hyphens, not starting or ending with a hyphen",
        more: name => (/^internal-/.test(name) ? ["not starting with \"internal-\" (AWS prefixes internal load balancers' DNS names with it)"] : []),
        source: `${PROVIDER}/elbv2/validate.go validName`,
    }),
    rangeRule({
        id: "elb-listener-rule-priority", what: "Listener rule priorities: 1 to 50000", inputs: { [T.listenerRule]: "priority" },
        min: 1, max: 50000, source: `${PROVIDER}/elbv2/listener_rule.go priority: validation.IntBetween(listenerRulePriorityMin = 1, listenerRulePriorityMax = 50_000)`,
    }),
    {
        id: "elb-listener-rule-priority-unique", types: [T.listenerRule], what: "One listener rule per priority on a listener",
        source: `${AWS_DOCS}/elasticloadbalancing/latest/APIReference/API_CreateRule.html (PriorityInUse: "The specified priority is in use")`,
        check(resource, plan) {
            const priority = at(resource.inputs, "priority");
            const listener = listenerOf(resource, plan);
            if (typeof priority !== "number" || listener === undefined) return [];
            const first = plan.cached("elb-rule-priorities", () => {
                const seen = new Map<string, PlannedResource>();
                for (const r of plan.ofType(T.listenerRule)) {
                    const p = at(r.inputs, "priority");
                    const l = listenerOf(r, plan);
                    if (typeof p === "number" && l !== undefined && !seen.has(`${l} ${p}`)) seen.set(`${l} ${p}`, r);
                }
                return seen;
            }).get(`${listener} ${priority}`);
            return first === undefined || first === resource ? []
                : [{ input: "priority", value: priority, allowed: `a priority no other rule of its listener has (${first.type} ${first.name} has ${priority})` }];
        },
    },
    rangeRule({
        id: "elb-idle-timeout", what: "Load balancer idle timeouts: 1 to 4000 s", inputs: { [T.loadBalancer]: "idleTimeout" },
        min: 1, max: 4000, allowed: "an integer from 1 to 4000 seconds",
        source: `${AWS_DOCS}/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html (idle_timeout.timeout_seconds: "The valid range is 1-4000 seconds")`,
    }),
    {
        id: "elb-lambda-target-permission-order", types: [T.targetGroupAttachment],
        what: "A Lambda target's attachment waits for the permission that lets Elastic Load Balancing invoke the function (ELB checks it when the target is registered)",
        source: `${AWS_DOCS}/elasticloadbalancing/latest/application/lambda-functions.html ("you must grant Elastic Load Balancing permission to invoke your Lambda function" before registering it)`,
        check(resource, plan) {
            const fn = target(resource, "targetId", T.function, plan);
            if (!fn) return [];
            const permission = elbPermissions(plan).get(fn);
            if (!permission) {
                return [{ input: "targetId", value: fn.urn, shown: `${fn.type} ${fn.name}`,
                    allowed: "a function an aws.lambda.Permission lets elasticloadbalancing.amazonaws.com invoke" }];
            }
            return ordering(resource, permission, plan, `which lets Elastic Load Balancing invoke ${fn.type} ${fn.name}`);
        },
    },

    // Tags.
    {
        id: "tags", types: [ANY_AWS_TYPE], what: "Tags: at most 50, keys 1-128 characters not starting with `aws:`, values at most 256",
        source: `${AWS_DOCS}/tag-editor/latest/userguide/tagging.html (tag naming limits and requirements)`,
        check(resource) {
            const value = at(resource.inputs, "tags");
            if (value === undefined || !known(value)) return [];
            const tags = obj(value);
            const problems: Problem[] = [];
            const keys = Object.keys(tags);
            if (keys.length > 50) problems.push({ input: "tags", value: keys.length, shown: `${keys.length} tags`, allowed: "at most 50 tags" });
            for (const key of keys) {
                const input = `tags[${JSON.stringify(key)}]`;
                if (key.length < 1 || key.length > 128) problems.push({ input, value: key, shown: `a key of ${key.length} characters`, allowed: "a key of 1 to 128 characters" });
                if (/^aws:/i.test(key)) problems.push({ input, value: key, shown: "set", allowed: "no key starting with \"aws:\" (reserved for AWS)" });
                const v = tags[key];
                if (typeof v === "string" && v.length > 256) problems.push({ input, value: v, shown: `${v.length} characters`, allowed: "a value of at most 256 characters" });
            }
            return problems;
        },
    },

    // IAM documents.
    {
        id: "policy-document-json", types: Object.keys(POLICY_INPUTS), what: "Policy documents are JSON objects with statements",
        source: "terraform-provider-aws internal/verify/validate.go ValidIAMPolicyJSON (a JSON object, no leading white space)",
        check(resource, plan) {
            const found = policyInput(resource, POLICY_INPUTS);
            if (!found) return [];
            const [input, text] = found;
            const doc = plan.json(text);
            if (!text.startsWith("{") || typeof doc !== "object" || doc === null || Array.isArray(doc)) {
                return [{ input, value: text, allowed: "a JSON object (with no white space before it)" }];
            }
            const statement = (doc as Props).Statement;
            return statement === undefined || (Array.isArray(statement) && statement.length === 0)
                ? [{ input, value: text, allowed: "a document with at least one statement" }] : [];
        },
    },
    {
        id: "policy-document-version", types: Object.keys(POLICY_INPUTS), what: "Policy documents say `\"Version\": \"2012-10-17\"`",
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_policies_elements_version.html`,
        check(resource, plan) {
            const found = policyInput(resource, POLICY_INPUTS);
            const doc = found ? obj(plan.json(found[1])) : {};
            if (!found || Object.keys(doc).length === 0 || doc.Version === "2012-10-17") return [];
            return [{ input: `${found[0]}.Version`, value: doc.Version,
                allowed: "\"2012-10-17\" (without it IAM reads the document as 2008-10-17, where policy variables are plain text)" }];
        },
    },
    {
        id: "policy-statement-sid", types: Object.keys(IAM_POLICY_INPUTS), what: "IAM statement ids: letters and digits only, unique in their document",
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_policies_elements_sid.html`,
        check(resource, plan) {
            const found = policyInput(resource, IAM_POLICY_INPUTS);
            const statements = found ? statementsOf(found[1], plan) : undefined;
            if (!found || !statements) return [];
            const problems: Problem[] = [];
            const seen = new Set<unknown>();
            statements.forEach((s, i) => {
                if (s.Sid === undefined) return;
                const input = `${found[0]}.Statement[${i}].Sid`;
                if (typeof s.Sid !== "string" || !/^[A-Za-z0-9]*$/.test(s.Sid)) problems.push({ input, value: s.Sid, allowed: "letters and digits only" });
                else if (seen.has(s.Sid)) problems.push({ input, value: s.Sid, allowed: "a Sid no other statement of the document has" });
                seen.add(s.Sid);
            });
            return problems;
        },
    },
    {
        id: "policy-statement-shape", types: Object.keys(POLICY_INPUTS), what: "Statements have `Effect` Allow or Deny, an action, and a resource (identity policies) or a principal (trust and queue policies)",
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_policies_grammar.html`,
        check(resource, plan) {
            const found = policyInput(resource, POLICY_INPUTS);
            const statements = found ? statementsOf(found[1], plan) : undefined;
            if (!found || !statements) return [];
            const identity = resource.type === T.rolePolicy || resource.type === T.policy;
            const problems: Problem[] = [];
            statements.forEach((s, i) => {
                const where = `${found[0]}.Statement[${i}]`;
                if (s.Effect !== "Allow" && s.Effect !== "Deny") problems.push({ input: `${where}.Effect`, value: s.Effect, allowed: "\"Allow\" or \"Deny\"" });
                if (s.Action === undefined && s.NotAction === undefined) problems.push({ input: `${where}.Action`, value: undefined, allowed: "Action or NotAction" });
                if (identity && s.Resource === undefined && s.NotResource === undefined) problems.push({ input: `${where}.Resource`, value: undefined, allowed: "Resource or NotResource in an identity policy" });
                if (!identity && s.Principal === undefined && s.NotPrincipal === undefined) problems.push({ input: `${where}.Principal`, value: undefined, allowed: "Principal or NotPrincipal in a trust or resource policy" });
            });
            return problems;
        },
    },
    {
        id: "iam-inline-policy-size", types: [T.role], what: "A role's inline policies: at most 10,240 characters together, white space not counted",
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_iam-quotas.html (Role policy size cannot exceed 10,240 characters)`,
        check(resource, plan) {
            const documents = ofRole(resource, T.rolePolicy, plan).map(p => at(p.inputs, "policy"));
            documents.push(...list(at(resource.inputs, "inlinePolicies")).map(p => obj(p).policy));
            if (documents.length === 0 || !documents.every(isString)) return [];
            const length = (documents as string[]).reduce((sum, d) => sum + iamLength(d), 0);
            return length <= 10240 ? [] : [{ input: "inlinePolicies", value: length,
                shown: `${length} characters without white space, over ${documents.length} inline policies`, allowed: "at most 10240 characters for all inline policies of a role" }];
        },
    },
    {
        id: "iam-managed-policy-size", types: [T.policy], what: "A managed policy: at most 6,144 characters, white space not counted",
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policy size cannot exceed 6,144 characters)`,
        check(resource) {
            const text = at(resource.inputs, "policy");
            if (!isString(text)) return [];
            const length = iamLength(text);
            return length <= 6144 ? [] : [{ input: "policy", value: length, shown: `${length} characters without white space`, allowed: "at most 6144 characters" }];
        },
    },
    {
        id: "iam-trust-policy-size", types: [T.role], what: "A role's trust policy within the account's length quota",
        quota: { key: "roleTrustPolicyLength", default: 2048, max: 4096 },
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_iam-quotas.html (Role trust policy length, 2,048 characters, up to 4,096)`,
        check(resource, _plan, limit) {
            const text = at(resource.inputs, "assumeRolePolicy");
            if (!isString(text)) return [];
            const length = iamLength(text);
            return length <= limit ? [] : [{ input: "assumeRolePolicy", value: length, shown: `${length} characters without white space`, allowed: `at most ${limit} characters` }];
        },
    },
    {
        id: "iam-managed-policies-per-role", types: [T.role], what: "Managed policies attached to one role within the account's quota",
        quota: { key: "managedPoliciesPerRole", default: 10, max: 20 },
        source: `${AWS_DOCS}/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policies attached to an IAM role, 10, up to 20)`,
        check(resource, plan, limit) {
            const attachments = ofRole(resource, T.attachment, plan).length;
            const count = attachments + list(at(resource.inputs, "managedPolicyArns")).length;
            return count <= limit ? [] : [{ input: "managedPolicyArns", value: count, shown: `${count} attached policies`, allowed: `at most ${limit} managed policies per role` }];
        },
    },

    // S3, SNS, EventBridge.
    {
        id: "s3-notification-overlap", types: [T.bucketNotification], what: "A bucket's notifications do not overlap (same event type with overlapping prefix and suffix)",
        source: `${AWS_DOCS}/AmazonS3/latest/userguide/notification-how-to-filtering.html (overlapping prefixes and suffixes are not valid)`,
        check(resource) {
            const configs: Array<{ input: string; events: string[]; prefix: string; suffix: string }> = [];
            for (const key of ["lambdaFunctions", "queues", "topics"]) {
                const value = at(resource.inputs, key);
                if (value !== undefined && !known(list(value).map(c => { const o = obj(c); return [o.events, o.filterPrefix, o.filterSuffix]; }))) return [];
                list(value).forEach((c, i) => {
                    const o = obj(c);
                    configs.push({ input: `${key}[${i}]`, events: list(o.events).map(String), prefix: String(o.filterPrefix ?? ""), suffix: String(o.filterSuffix ?? "") });
                });
            }
            const eventsOverlap = (a: string, b: string) => a === b || (a.endsWith("*") && b.startsWith(a.slice(0, -1))) || (b.endsWith("*") && a.startsWith(b.slice(0, -1)));
            const problems: Problem[] = [];
            configs.forEach((a, i) => configs.slice(0, i).forEach(b => {
                const shared = a.events.some(x => b.events.some(y => eventsOverlap(x, y)));
                const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
                const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
                if (shared && prefixes && suffixes) {
                    problems.push({ input: a.input, value: { prefix: a.prefix, suffix: a.suffix },
                        shown: `prefix ${show(a.prefix)} and suffix ${show(a.suffix)}, overlapping ${b.input} (prefix ${show(b.prefix)}, suffix ${show(b.suffix)}) on a shared event type`,
                        allowed: "filters that no other configuration for the same event type also matches" });
                }
            }));
            return problems;
        },
    },
    enumRule({
        id: "sns-subscription-protocol", what: "SNS subscription protocols", inputs: { [T.subscription]: "protocol" },
        values: ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"],
        source: `${PROVIDER}/sns/topic_subscription.go protocol: validation.StringInSlice(subscriptionProtocol_Values())`,
    }),
    {
        id: "sns-subscription-redrive", types: [T.subscription], what: "A subscription's redrive policy is JSON naming an SQS queue",
        source: `${AWS_DOCS}/sns/latest/dg/sns-configure-dead-letter-queue.html`,
        check(resource, plan) {
            const text = at(resource.inputs, "redrivePolicy");
            if (!isString(text)) return [];
            const arn = obj(plan.json(text)).deadLetterTargetArn;
            return typeof arn === "string" && /^arn:[^:]+:sqs:/.test(arn) ? [] : [{ input: "redrivePolicy", value: text, allowed: "a JSON object whose deadLetterTargetArn is an SQS queue's ARN" }];
        },
    },
    {
        id: "eventbridge-schedule-expression", types: [T.eventRule], what: "Schedule expressions: `rate(<n> <unit>)` or `cron(<6 fields>)`, at most 256 characters",
        source: `${PROVIDER}/events/rule.go schedule_expression: validation.StringLenBetween(0, 256); ${AWS_DOCS}/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html`,
        check(resource) {
            const expression = at(resource.inputs, "scheduleExpression");
            if (!isString(expression)) return [];
            const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
            const rateOk = rate !== null && Number(rate[1]) >= 1 && (Number(rate[1]) === 1) === !rate[2]!.endsWith("s");
            const cron = /^cron\((\S+ ){5}\S+\)$/.test(expression);
            return expression.length <= 256 && (rateOk || cron) ? []
                : [{ input: "scheduleExpression", value: expression, allowed: "rate(1 minute|hour|day), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" }];
        },
    },
    rangesRule({
        id: "eventbridge-target-retry", type: T.eventTarget, what: "Target retry policies: event age 60-86400 s, 0-185 retries",
        source: `${AWS_DOCS}/eventbridge/latest/APIReference/API_RetryPolicy.html; ${PROVIDER}/events/target.go retry_policy.maximum_retry_attempts: validation.IntBetween(0, 185)`,
        ranges: [
            { input: "retryPolicy.maximumEventAgeInSeconds", min: 60, max: 86400, allowed: "an integer from 60 to 86400 seconds" },
            { input: "retryPolicy.maximumRetryAttempts", min: 0, max: 185, allowed: "an integer from 0 to 185" },
        ],
    }),

    // Cognito.
    {
        id: "cognito-token-validity", types: [T.userPoolClient], what: "Token validity: access and ID tokens 5 minutes to 1 day, refresh tokens 1 hour to 10 years",
        source: `${AWS_DOCS}/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html (AccessTokenValidity, IdTokenValidity, RefreshTokenValidity)`,
        check(resource) {
            const units = obj(at(resource.inputs, "tokenValidityUnits"));
            const seconds: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
            const tokens: Array<[string, string, string, number, number, string]> = [
                ["accessTokenValidity", "accessToken", "hours", 300, 86400, "5 minutes to 1 day"],
                ["idTokenValidity", "idToken", "hours", 300, 86400, "5 minutes to 1 day"],
                ["refreshTokenValidity", "refreshToken", "days", 3600, 315360000, "1 hour to 10 years"],
            ];
            return tokens.flatMap(([input, unitKey, defaultUnit, min, max, allowed]) => {
                const value = at(resource.inputs, input);
                const unit = units[unitKey] ?? defaultUnit;
                if (!isNumber(value) || !isString(unit) || seconds[unit] === undefined) return [];
                const s = value * seconds[unit]!;
                return s >= min && s <= max ? [] : [{ input, value, shown: `${value} ${unit}`, allowed }];
            });
        },
    },
    rangesRule({
        id: "cognito-password-policy", type: T.userPool, what: "Password policies: 6-99 characters, temporary passwords valid 0-365 days",
        source: `${AWS_DOCS}/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html`,
        ranges: [
            { input: "passwordPolicy.minimumLength", min: 6, max: 99, allowed: "an integer from 6 to 99" },
            { input: "passwordPolicy.temporaryPasswordValidityDays", min: 0, max: 365, allowed: "an integer from 0 to 365" },
        ],
    }),
    {
        id: "cognito-pre-token-generation", types: [T.userPool], what: "Pre token generation V2 and V3 events need the Essentials or Plus feature plan",
        source: `${AWS_DOCS}/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html (event versions and feature plans)`,
        check(resource) {
            const version = at(resource.inputs, "lambdaConfig.preTokenGenerationConfig.lambdaVersion");
            if (!isString(version)) return [];
            if (!["V1_0", "V2_0", "V3_0"].includes(version)) return [{ input: "lambdaConfig.preTokenGenerationConfig.lambdaVersion", value: version, allowed: "one of V1_0, V2_0, V3_0" }];
            const tier = at(resource.inputs, "userPoolTier") ?? "ESSENTIALS";
            return version !== "V1_0" && isString(tier) && !["ESSENTIALS", "PLUS"].includes(tier)
                ? [{ input: "userPoolTier", value: tier, allowed: `ESSENTIALS or PLUS for a ${version} pre token generation trigger` }] : [];
        },
    },
    {
        id: "cognito-schema", types: [T.userPool], what: "Custom attributes: names of 1-20 characters, at most 50 of them, strings at most 2048 long",
        source: `${PROVIDER}/cognitoidp/validate.go validUserPoolSchemaName; ${AWS_DOCS}/cognito/latest/developerguide/user-pool-settings-attributes.html (custom attributes)`,
        check(resource) {
            const value = at(resource.inputs, "schemas");
            if (!known(value)) return [];
            const schemas = list(value).map(obj);
            const problems: Problem[] = [];
            if (schemas.length > 50) problems.push({ input: "schemas", value: schemas.length, shown: `${schemas.length} attributes`, allowed: "at most 50 custom attributes" });
            schemas.forEach((s, i) => {
                if (typeof s.name !== "string" || s.name.length < 1 || s.name.length > 20) problems.push({ input: `schemas[${i}].name`, value: s.name, allowed: "1 to 20 characters" });
                const max = Number(obj(s.stringAttributeConstraints).maxLength ?? 2048);
                if (max > 2048) problems.push({ input: `schemas[${i}].stringAttributeConstraints.maxLength`, value: max, allowed: "at most 2048" });
            });
            return problems;
        },
    },

    // SSM, EC2.
    {
        id: "ssm-parameter-value", types: [T.parameter], what: "SSM parameters: a known type, values at most 4 KB in the Standard tier (8 KB Advanced)",
        source: `${AWS_DOCS}/systems-manager/latest/userguide/parameter-store-advanced-parameters.html (Standard 4 KB, Advanced 8 KB)`,
        check(resource) {
            const problems: Problem[] = [];
            const type = at(resource.inputs, "type");
            if (isString(type) && !["String", "StringList", "SecureString"].includes(type)) problems.push({ input: "type", value: type, allowed: "one of String, StringList, SecureString" });
            const value = at(resource.inputs, "value");
            const tier = at(resource.inputs, "tier") ?? "Standard";
            if (!isString(value) || !isString(tier)) return problems;
            const max = tier === "Standard" ? 4096 : 8192;
            const size = bytes(value);
            if (size > max) problems.push({ input: "value", value: size, shown: `${size} bytes`, allowed: `at most ${max} bytes in the ${tier} tier` });
            return problems;
        },
    },
    {
        id: "ec2-cidr-block", types: [T.vpc, T.subnet], what: "VPC and subnet CIDR blocks: network addresses from /16 to /28, each subnet inside its VPC",
        source: `${AWS_DOCS}/vpc/latest/userguide/vpc-cidr-blocks.html (IPv4 VPC CIDR blocks: /16 to /28); terraform-provider-aws internal/verify/validate.go ValidCIDRNetworkAddress`,
        check(resource, plan) {
            const cidr = at(resource.inputs, "cidrBlock");
            if (!isString(cidr)) return [];
            const block = parseCidr(cidr);
            if (!block || block.prefix < 16 || block.prefix > 28) return [{ input: "cidrBlock", value: cidr, allowed: "an IPv4 network address with a prefix from /16 to /28" }];
            if (resource.type !== T.subnet) return [];
            const vpc = plan.referenced(resource, "vpcId", T.vpc)[0];
            const vpcCidr = vpc ? at(vpc.inputs, "cidrBlock") : undefined;
            const outer = isString(vpcCidr) ? parseCidr(vpcCidr) : undefined;
            if (!outer || (block.prefix >= outer.prefix && ((block.network & outer.mask) >>> 0) === outer.network)) return [];
            return [{ input: "cidrBlock", value: cidr, allowed: `a block inside the VPC's ${vpcCidr} (${vpc!.type} ${vpc!.name})` }];
        },
    },
    {
        id: "ec2-vpc-endpoint", types: [T.vpcEndpoint], what: "VPC endpoints: a known type; gateway endpoints for S3 or DynamoDB with route tables only, interface endpoints without route tables",
        source: `${PROVIDER}/ec2/vpc_endpoint.go vpc_endpoint_type: enum.Validate[awstypes.VpcEndpointType](); ${AWS_DOCS}/vpc/latest/privatelink/gateway-endpoints.html`,
        check(resource) {
            const type = at(resource.inputs, "vpcEndpointType") ?? "Gateway";
            if (!isString(type)) return [];
            const types = ["Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"];
            if (!types.includes(type)) return [{ input: "vpcEndpointType", value: type, allowed: `one of ${types.join(", ")}` }];
            const problems: Problem[] = [];
            const service = at(resource.inputs, "serviceName");
            if (type === "Gateway") {
                if (isString(service) && !/^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/.test(service)) problems.push({ input: "serviceName", value: service, allowed: "com.amazonaws.<region>.s3 or .dynamodb for a gateway endpoint" });
                for (const input of ["subnetIds", "securityGroupIds"]) {
                    if (list(at(resource.inputs, input)).length > 0) problems.push({ input, value: at(resource.inputs, input), allowed: "not set on a gateway endpoint (it routes through route tables)" });
                }
                if (at(resource.inputs, "privateDnsEnabled") === true) problems.push({ input: "privateDnsEnabled", value: true, allowed: "only on an interface endpoint" });
            }
            if (type === "Interface" && list(at(resource.inputs, "routeTableIds")).length > 0) {
                problems.push({ input: "routeTableIds", value: at(resource.inputs, "routeTableIds"), allowed: "not set on an interface endpoint (it lives in subnets)" });
            }
            return problems;
        },
    },
    {
        id: "ec2-security-group-rule", types: [T.ingressRule, T.egressRule], what: "Security group rules: ports 0-65535 with from <= to, one protocol, exactly one peer",
        source: `${AWS_DOCS}/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html; ${PROVIDER}/ec2/vpc_security_group_ingress_rule.go`,
        check(resource) {
            const problems: Problem[] = [];
            const protocol = at(resource.inputs, "ipProtocol");
            if (isString(protocol) && !(["tcp", "udp", "icmp", "icmpv6", "-1"].includes(protocol) || /^\d{1,3}$/.test(protocol))) {
                problems.push({ input: "ipProtocol", value: protocol, allowed: "tcp, udp, icmp, icmpv6, -1 or a protocol number" });
            }
            const from = at(resource.inputs, "fromPort");
            const to = at(resource.inputs, "toPort");
            if ((protocol === "tcp" || protocol === "udp") && isNumber(from) && isNumber(to) && !(from >= 0 && to <= 65535 && from <= to)) {
                problems.push({ input: "fromPort", value: `${from}-${to}`, allowed: "ports from 0 to 65535, fromPort at most toPort" });
            }
            const peers = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].filter(k => at(resource.inputs, k) !== undefined);
            if (peers.length !== 1) problems.push({ input: "referencedSecurityGroupId", value: peers, shown: peers.length === 0 ? "no peer" : `${peers.join(", ")}`, allowed: "exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId" });
            return problems;
        },
    },
];

/** The permission that lets S3 invoke each function, indexed once per plan. */
function s3Permissions(plan: Plan): ReadonlyMap<PlannedResource, PlannedResource> {
    return plan.cached("s3-permissions", () => {
        const byFunction = new Map<PlannedResource, PlannedResource>();
        for (const p of plan.ofType(T.permission)) {
            const fn = at(p.inputs, "principal") === "s3.amazonaws.com" ? target(p, "function", T.function, plan) : undefined;
            if (fn && !byFunction.has(fn)) byFunction.set(fn, p);
        }
        return byFunction;
    });
}

/** The listener a rule is on: the listener resource it refers to, or its known ARN. */
function listenerOf(rule: PlannedResource, plan: Plan): string | undefined {
    const referenced = plan.referenced(rule, "listenerArn", T.listener)[0];
    if (referenced) return referenced.urn;
    const arn = at(rule.inputs, "listenerArn");
    return isString(arn) && known(arn) ? arn : undefined;
}

/** The permission that lets Elastic Load Balancing invoke each function. */
function elbPermissions(plan: Plan): ReadonlyMap<PlannedResource, PlannedResource> {
    return plan.cached("elb-permissions", () => {
        const byFunction = new Map<PlannedResource, PlannedResource>();
        for (const p of plan.ofType(T.permission)) {
            const fn = at(p.inputs, "principal") === "elasticloadbalancing.amazonaws.com" ? target(p, "function", T.function, plan) : undefined;
            if (fn && !byFunction.has(fn)) byFunction.set(fn, p);
        }
        return byFunction;
    });
}

/** The throttling settings of a stage or method settings: [input path, value] for each that is set. */
function throttles(resource: PlannedResource, key: "throttlingRateLimit" | "throttlingBurstLimit"): Array<[string, number]> {
    const found: Array<[string, unknown]> = resource.type === T.restMethodSettings
        ? [[`settings.${key}`, at(resource.inputs, `settings.${key}`)]]
        : [[`defaultRouteSettings.${key}`, at(resource.inputs, `defaultRouteSettings.${key}`)],
            ...list(at(resource.inputs, "routeSettings")).map((s, i) => [`routeSettings[${i}].${key}`, obj(s)[key]] as [string, unknown])];
    return found.filter((f): f is [string, number] => isNumber(f[1]));
}

/** An IPv4 CIDR block as a network address and prefix, or undefined when it is not one. */
function parseCidr(cidr: string): { network: number; prefix: number; mask: number } | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!match) return undefined;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some(o => o > 255) || prefix > 32) return undefined;
    const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (address & mask) >>> 0 === address ? { network: address, prefix, mask } : undefined;
}
