/**
 * For every rule of the deploy check, one small plan that breaks it, and the exact messages the rule gives. A rule
 * added without a case here fails tests/tools/deploy-check/rules.test.ts.
 */
import type { PlannedResource } from "../../../tools/lib/deploy-check/plan";
import { TYPES as T } from "../../../tools/lib/deploy-check/types";
import { resource } from "../../fixtures/deploy-check";

export interface BreakingCase {
    /** The plan: the resource that breaks the rule, and whatever it refers to. */
    plan: () => PlannedResource[];
    /** The rule's messages, in order. */
    messages: string[];
}

const ARN = (service: string, rest: string) => `arn:aws:${service}:us-east-1:123456789012:${rest}`;
const doc = (statements: object[], version = "2012-10-17") => JSON.stringify({ Version: version, Statement: statements });
const ALLOW_LOGS = { Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: ["*"] };
const TRUST = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" };
const one = (r: PlannedResource) => () => [r];

export const BREAKING: Record<string, BreakingCase> = {
    "lambda-function-name": { plan: one(resource(T.function, "fn", { name: "orders api" })), messages: [
            "aws:lambda/function:Function fn: name is \"orders api\" (10 characters); 1 to 64 characters: letters, digits, hyphens and underscores (terraform-provider-aws internal/service/lambda/validate.go validFunctionName (a name of at most 64 characters))",
        ] },
    "lambda-alias-name": { plan: one(resource(T.alias, "live", { name: "123", functionName: "orders" })), messages: [
            "aws:lambda/alias:Alias live: name is \"123\" (3 characters); 1 to 128 characters: letters, digits, hyphens and underscores, not only digits (https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html (Name))",
        ] },
    "iam-role-name": { plan: one(resource(T.role, "role", { name: "r".repeat(65) })), messages: [
            "aws:iam/role:Role role: name is \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\" (65 characters); 1 to 64 characters: letters, digits and + = , . @ _ - (terraform-provider-aws internal/service/iam/role.go name: validResourceName(roleNameMaxLen = 64))",
        ] },
    "iam-policy-name": { plan: one(resource(T.rolePolicy, "policy", { name: "least privilege", role: "orders" })), messages: [
            "aws:iam/rolePolicy:RolePolicy policy: name is \"least privilege\" (15 characters); 1 to 128 characters: letters, digits and + = , . @ _ - (terraform-provider-aws internal/service/iam/policy.go and role_policy.go name: validResourceName(128))",
        ] },
    "iam-path": { plan: one(resource(T.role, "role", { name: "orders", path: "service-role" })), messages: [
            "aws:iam/role:Role role: path is \"service-role\"; \"/\" or a path that starts and ends with \"/\", of printable ASCII, at most 512 characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path))",
        ] },
    "sqs-queue-name": { plan: one(resource(T.queue, "queue", { name: "orders.fifo" })), messages: [
            "aws:sqs/queue:Queue queue: name is \"orders.fifo\" (11 characters); a standard queue's name: 1 to 80 letters, digits, hyphens and underscores (\".fifo\" only on a FIFO queue) (terraform-provider-aws internal/service/sqs/queue.go resourceQueueCustomizeDiff (^[0-9A-Za-z_-]{1,80}$, FIFO ^[0-9A-Za-z_-]{1,75}\\.fifo$))",
        ] },
    "sns-topic-name": { plan: one(resource(T.topic, "topic", { name: "events", fifoTopic: true })), messages: [
            "aws:sns/topic:Topic topic: name is \"events\" (6 characters); a FIFO topic's name: 1 to 251 letters, digits, hyphens and underscores, then \".fifo\" (terraform-provider-aws internal/service/sns/topic.go resourceTopicCustomizeDiff (^[0-9A-Za-z_-]{1,256}$, FIFO ^[0-9A-Za-z_-]{1,251}\\.fifo$))",
        ] },
    "s3-bucket-name": { plan: one(resource(T.bucket, "bucket", { bucket: "Orders..Bucket" })), messages: [
            "aws:s3/bucket:Bucket bucket: bucket is \"Orders..Bucket\" (14 characters); 3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)",
            "aws:s3/bucket:Bucket bucket: bucket is \"Orders..Bucket\" (14 characters); no two adjacent dots (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)",
        ] },
    "dynamodb-table-name": { plan: one(resource(T.table, "table", { name: "ab", billingMode: "PAY_PER_REQUEST" })), messages: [
            "aws:dynamodb/table:Table table: name is \"ab\" (2 characters); 3 to 255 characters: letters, digits, underscores, hyphens and dots (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html)",
        ] },
    "kinesis-stream-name": { plan: one(resource(T.stream, "stream", { name: "orders stream", shardCount: 1 })), messages: [
            "aws:kinesis/stream:Stream stream: name is \"orders stream\" (13 characters); 1 to 128 characters: letters, digits, underscores, hyphens and dots (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html (StreamName))",
        ] },
    "log-group-name": { plan: one(resource(T.function, "fn", { name: "orders", loggingConfig: { logFormat: "JSON", logGroup: "aws/lambda/orders" } })), messages: [
            "aws:lambda/function:Function fn: loggingConfig.logGroup is \"aws/lambda/orders\" (17 characters); not beginning with \"aws/\" (reserved for AWS) (terraform-provider-aws internal/service/logs/validate.go and lambda/validate.go validLogGroupName)",
        ] },
    "eventbridge-rule-name": { plan: one(resource(T.eventTarget, "target", { rule: "daily job", arn: ARN("lambda", "function:orders") })), messages: [
            "aws:cloudwatch/eventTarget:EventTarget target: rule is \"daily job\" (9 characters); 1 to 64 characters: letters, digits and . - _ (terraform-provider-aws internal/service/events/validate.go validateRuleName)",
        ] },
    "codedeploy-name": { plan: one(resource(T.deploymentGroup, "group", { appName: "cellular-prod", deploymentGroupName: "g".repeat(101) })), messages: [
            `aws:codedeploy/deploymentGroup:DeploymentGroup group: deploymentGroupName is "${"g".repeat(101)}" (101 characters); 1 to 100 characters: any (terraform-provider-aws internal/service/deploy/app.go name: validation.StringLenBetween(1, 100), deployment_group.go app_name, deployment_group_name and deployment_config_name: validation.StringLenBetween(0, 100); https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (length 1 to 100))`,
        ] },
    "codedeploy-alarms": { plan: one(resource(T.deploymentGroup, "group", { appName: "a", deploymentGroupName: "g",
            alarmConfiguration: { enabled: true, alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`) } })), messages: [
            "aws:codedeploy/deploymentGroup:DeploymentGroup group: alarmConfiguration.alarms is 11 alarms; at most 10 alarms (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (AlarmsLimitExceededException: the maximum number of alarms for a deployment group (10) was exceeded))",
        ] },
    "cloudwatch-alarm-name": { plan: one(resource(T.alarm, "alarm", { name: "errors\tnow" })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: name is \"errors\\tnow\" (10 characters); 1 to 255 characters: no control characters (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go alarm_name: validation.StringLenBetween(1, 255))",
        ] },
    "cloudwatch-dashboard-name": { plan: one(resource(T.dashboard, "dashboard", { dashboardName: "cell a", dashboardBody: "{\"widgets\":[]}" })), messages: [
            "aws:cloudwatch/dashboard:Dashboard dashboard: dashboardName is \"cell a\" (6 characters); 1 to 255 characters: letters, digits, hyphens and underscores (terraform-provider-aws internal/service/cloudwatch/validate.go validDashboardName)",
        ] },
    "apigateway-api-name": { plan: one(resource(T.httpApi, "api", { name: "", protocolType: "HTTP" })), messages: [
            "aws:apigatewayv2/api:Api api: name is \"\" (0 characters); 1 to 128 characters: any (terraform-provider-aws internal/service/apigatewayv2/api.go name: validation.StringLenBetween(1, 128))",
        ] },
    "apigateway-stage-name": { plan: one(resource(T.restStage, "stage", { stageName: "$default" })), messages: [
            "aws:apigateway/stage:Stage stage: stageName is \"$default\"; 1 to 128 letters, digits, hyphens and underscores (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html (stageName); terraform-provider-aws internal/service/apigatewayv2/stage.go name: validation.StringLenBetween(1, 128))",
        ] },
    "cognito-name": { plan: one(resource(T.userPool, "pool", { name: "users#1" })), messages: [
            "aws:cognito/userPool:UserPool pool: name is \"users#1\" (7 characters); 1 to 128 characters: letters, digits, white space and + = , . @ - (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html (PoolName); terraform-provider-aws internal/service/cognitoidp/validate.go userPoolClientNameValidator)",
        ] },
    "cognito-resource-server": { plan: one(resource(T.resourceServer, "server", { identifier: "cellular", name: "cellular", scopes: [{ scopeName: "items/read", scopeDescription: "read" }] })), messages: [
            "aws:cognito/resourceServer:ResourceServer server: scopes[0].scopeName is \"items/read\"; 1 to 256 printable ASCII characters other than space, \", / and \\ (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html; terraform-provider-aws internal/service/cognitoidp/validate.go validResourceServerScopeName)",
        ] },
    "ssm-parameter-name": { plan: one(resource(T.parameter, "param", { name: "/aws/waves/1", type: "String", value: "1" })), messages: [
            "aws:ssm/parameter:Parameter param: name is \"/aws/waves/1\" (12 characters); not beginning with \"aws\" or \"ssm\" (reserved) (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html (parameter name requirements))",
        ] },
    "ec2-description": { plan: one(resource(T.securityGroup, "sg", { description: "HTTPS from the cell's functions" })), messages: [
            "aws:ec2/securityGroup:SecurityGroup sg: description is \"HTTPS from the cell's functions\" (31 characters); at most 255 characters of letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupDescription); https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html (Description))",
        ] },
    "description-length": { plan: one(resource(T.function, "fn", { name: "orders", description: "d".repeat(257) })), messages: [
            "aws:lambda/function:Function fn: description is 257 characters; at most 256 characters (terraform-provider-aws internal/service/iam/role.go, events/rule.go, cloudwatch/metric_alarm.go, apigatewayv2/api.go, ssm/parameter.go (validation.StringLenBetween); https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (Description))",
        ] },
    "lambda-memory": { plan: one(resource(T.function, "fn", { name: "orders", memorySize: 20480 })), messages: [
            "aws:lambda/function:Function fn: memorySize is 20480; an integer from 128 to 10240 MB (terraform-provider-aws internal/service/lambda/function.go memory_size: validation.IntBetween(128, 10240))",
        ] },
    "lambda-timeout": { plan: one(resource(T.function, "fn", { name: "orders", timeout: 901 })), messages: [
            "aws:lambda/function:Function fn: timeout is 901; an integer from 1 to 900 seconds (terraform-provider-aws internal/service/lambda/function.go timeout: validation.IntBetween(1, 900))",
        ] },
    "lambda-ephemeral-storage": { plan: one(resource(T.function, "fn", { name: "orders", ephemeralStorage: { size: 256 } })), messages: [
            "aws:lambda/function:Function fn: ephemeralStorage.size is 256; an integer from 512 to 10240 MB (terraform-provider-aws internal/service/lambda/function.go ephemeral_storage.size: validation.IntBetween(512, 10240))",
        ] },
    "lambda-reserved-concurrency": { plan: one(resource(T.function, "fn", { name: "orders", reservedConcurrentExecutions: -2 })), messages: [
            "aws:lambda/function:Function fn: reservedConcurrentExecutions is -2; -1 (unreserved) or an integer of at least 0 (terraform-provider-aws internal/service/lambda/function.go reserved_concurrent_executions: validation.IntAtLeast(-1))",
        ] },
    "lambda-architectures": { plan: one(resource(T.function, "fn", { name: "orders", architectures: ["arm64", "x86_64"] })), messages: [
            "aws:lambda/function:Function fn: architectures is [\"arm64\",\"x86_64\"]; exactly one of \"x86_64\", \"arm64\" (terraform-provider-aws internal/service/lambda/function.go architectures: MaxItems 1, enum.Validate[awstypes.Architecture]())",
        ] },
    "lambda-runtime": { plan: one(resource(T.function, "fn", { name: "orders", runtime: "nodejs20.x" })), messages: [
            "aws:lambda/function:Function fn: runtime is \"nodejs20.x\"; a supported runtime: AWS deprecated it on 2026-04-30, and then blocks creating and updating functions that use it (terraform-provider-aws internal/service/lambda/function.go runtime: enum.Validate[awstypes.Runtime](); https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)",
        ] },
    "lambda-handler": { plan: one(resource(T.function, "fn", { name: "orders", handler: "index handler" })), messages: [
            "aws:lambda/function:Function fn: handler is \"index handler\" (13 characters); 1 to 128 characters: no white space (terraform-provider-aws internal/service/lambda/function.go handler: validation.StringLenBetween(1, 128))",
        ] },
    "lambda-environment-size": { plan: one(resource(T.function, "fn", { name: "orders", environment: { variables: { DATA: "x".repeat(4090) } } })), messages: [
            "aws:lambda/function:Function fn: environment.variables is 4101 bytes as JSON; at most 4096 bytes (4 KB) for all variables together (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (Function configuration: environment variables, 4 KB))",
        ] },
    "lambda-environment-keys": { plan: one(resource(T.function, "fn", { name: "orders", environment: { variables: { AWS_REGION: "us-east-1", TABLE: "t" } } })), messages: [
            "aws:lambda/function:Function fn: environment.variables[\"AWS_REGION\"] is set; left to Lambda, which sets this key itself and refuses it in a function's configuration (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html (reserved environment variables); https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html (Variables))",
        ] },
    "lambda-logging-config": { plan: one(resource(T.function, "fn", { name: "orders", loggingConfig: { logFormat: "Text", applicationLogLevel: "INFO" } })), messages: [
            "aws:lambda/function:Function fn: loggingConfig.applicationLogLevel is \"INFO\"; set only with logFormat \"JSON\" (log-level filtering needs JSON logs) (terraform-provider-aws internal/service/lambda/function.go logging_config (enum.Validate of LogFormat, ApplicationLogLevel, SystemLogLevel); https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html)",
        ] },
    "lambda-tracing-mode": { plan: one(resource(T.function, "fn", { name: "orders", tracingConfig: { mode: "Enabled" } })), messages: [
            "aws:lambda/function:Function fn: tracingConfig.mode is \"Enabled\"; one of Active, PassThrough (terraform-provider-aws internal/service/lambda/function.go tracing_config.mode: enum.Validate[awstypes.TracingMode]())",
        ] },
    "lambda-provisioned-concurrency": {
        plan: () => {
            const fn = resource(T.function, "fn", { name: "orders", reservedConcurrentExecutions: 2 });
            return [fn, resource(T.provisioned, "provisioned", { functionName: "orders", qualifier: "live", provisionedConcurrentExecutions: 3 }, { from: { functionName: [fn] } })];
        },
        messages: [
            "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig provisioned: provisionedConcurrentExecutions is 3; at most the reserved concurrency of aws:lambda/function:Function fn (2) (terraform-provider-aws internal/service/lambda/provisioned_concurrency_config.go provisioned_concurrent_executions: validation.IntAtLeast(1); https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html)",
        ],
    },
    "lambda-async-event-age": { plan: one(resource(T.invokeConfig, "async", { functionName: "orders", maximumEventAgeInSeconds: 30 })), messages: [
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig async: maximumEventAgeInSeconds is 30; an integer from 60 to 21600 seconds (terraform-provider-aws internal/service/lambda/function_event_invoke_config.go maximum_event_age_in_seconds: validation.IntBetween(60, 21600))",
        ] },
    "lambda-async-retries": { plan: one(resource(T.invokeConfig, "async", { functionName: "orders", maximumRetryAttempts: 3 })), messages: [
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig async: maximumRetryAttempts is 3; an integer from 0 to 2 (terraform-provider-aws internal/service/lambda/function_event_invoke_config.go maximum_retry_attempts: validation.IntBetween(0, 2))",
        ] },
    "lambda-permission-action": { plan: one(resource(T.permission, "permission", { action: "InvokeFunction", function: "orders", principal: "sns.amazonaws.com" })), messages: [
            "aws:lambda/permission:Permission permission: action is \"InvokeFunction\"; lambda:<Action>, lambda:* or * (terraform-provider-aws internal/service/lambda/validate.go validPermissionAction)",
        ] },
    "log-group-retention": { plan: one(resource(T.logGroup, "logs", { name: "/aws/lambda/orders", retentionInDays: 10 })), messages: [
            "aws:cloudwatch/logGroup:LogGroup logs: retentionInDays is 10; one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (terraform-provider-aws internal/service/logs/group.go retention_in_days: validation.IntInSlice)",
        ] },
    "sqs-visibility-timeout": { plan: one(resource(T.queue, "queue", { name: "orders", visibilityTimeoutSeconds: 43201 })), messages: [
            "aws:sqs/queue:Queue queue: visibilityTimeoutSeconds is 43201; an integer from 0 to 43200 seconds (12 hours) (terraform-provider-aws internal/service/sqs/queue.go visibility_timeout_seconds: validation.IntBetween(0, 43_200))",
        ] },
    "sqs-message-retention": { plan: one(resource(T.queue, "queue", { name: "orders", messageRetentionSeconds: 30 })), messages: [
            "aws:sqs/queue:Queue queue: messageRetentionSeconds is 30; an integer from 60 to 1209600 seconds (14 days) (terraform-provider-aws internal/service/sqs/queue.go message_retention_seconds: validation.IntBetween(60, 1_209_600))",
        ] },
    "sqs-delay": { plan: one(resource(T.queue, "queue", { name: "orders", delaySeconds: 901 })), messages: [
            "aws:sqs/queue:Queue queue: delaySeconds is 901; an integer from 0 to 900 seconds (terraform-provider-aws internal/service/sqs/queue.go delay_seconds: validation.IntBetween(0, 900))",
        ] },
    "sqs-max-message-size": { plan: one(resource(T.queue, "queue", { name: "orders", maxMessageSize: 2097152 })), messages: [
            "aws:sqs/queue:Queue queue: maxMessageSize is 2097152; an integer from 1024 to 1048576 bytes (1 MiB) (terraform-provider-aws internal/service/sqs/queue.go max_message_size: validation.IntBetween(1024, 1_048_576))",
        ] },
    "sqs-receive-wait": { plan: one(resource(T.queue, "queue", { name: "orders", receiveWaitTimeSeconds: 21 })), messages: [
            "aws:sqs/queue:Queue queue: receiveWaitTimeSeconds is 21; an integer from 0 to 20 seconds (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (ReceiveMessageWaitTimeSeconds))",
        ] },
    "sqs-content-deduplication": { plan: one(resource(T.queue, "queue", { name: "orders", contentBasedDeduplication: true })), messages: [
            "aws:sqs/queue:Queue queue: contentBasedDeduplication is true; set only on a FIFO queue (fifoQueue: true) (terraform-provider-aws internal/service/sqs/queue.go resourceQueueCustomizeDiff (\"content-based deduplication can only be set for FIFO queue\"))",
        ] },
    "sqs-redrive-policy": { plan: one(resource(T.queue, "queue", { name: "orders", redrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN("sqs", "orders-dlq"), maxReceiveCount: 0 }) })), messages: [
            "aws:sqs/queue:Queue queue: redrivePolicy.maxReceiveCount is 0; an integer from 1 to 1000 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (RedrivePolicy))",
        ] },
    "sqs-redrive-same-kind": {
        plan: () => [
            resource(T.queue, "dlq", { name: "orders-dlq" }),
            resource(T.queue, "queue", { name: "orders.fifo", fifoQueue: true, redrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN("sqs", "orders-dlq"), maxReceiveCount: 5 }) }),
        ],
        messages: [
            "aws:sqs/queue:Queue queue: redrivePolicy.deadLetterTargetArn is aws:sqs/queue:Queue dlq, a standard queue; a FIFO queue, as this queue is (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html (\"The dead-letter queue of a FIFO queue must also be a FIFO queue\"))",
        ],
    },
    "event-source-mapping-batch-size": {
        plan: () => {
            const queue = resource(T.queue, "queue", { name: "orders.fifo", fifoQueue: true });
            return [queue, resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders.fifo"), functionName: "orders", batchSize: 25 }, { from: { eventSourceArn: [queue] } })];
        },
        messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: batchSize is 25; 1 to 10 for a FIFO queue (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize))",
        ],
    },
    "event-source-mapping-batching-window": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders", batchSize: 100 })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: maximumBatchingWindowInSeconds is not set; at least 1 second when batchSize (100) is above 10 (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (MaximumBatchingWindowInSeconds); https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html)",
        ] },
    "event-source-mapping-source-settings": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders", maximumRetryAttempts: 3 })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: maximumRetryAttempts is 3; not set for an SQS queue (Kinesis and DynamoDB streams only) (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (\"Kinesis, DynamoDB Streams only\" / \"Amazon SQS only\"))",
        ] },
    "event-source-mapping-starting-position": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("kinesis", "stream/orders"), functionName: "orders" })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: startingPosition is not set; one of TRIM_HORIZON, LATEST, AT_TIMESTAMP (required for a stream) (terraform-provider-aws internal/service/lambda/event_source_mapping.go starting_position: enum.Validate[awstypes.EventSourcePosition](); https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (StartingPosition))",
        ] },
    "event-source-mapping-retries": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("kinesis", "stream/orders"), functionName: "orders", startingPosition: "LATEST", maximumRecordAgeInSeconds: 30 })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: maximumRecordAgeInSeconds is 30; -1 (forever) or an integer from 60 to 604800 seconds (terraform-provider-aws internal/service/lambda/event_source_mapping.go maximum_retry_attempts: validation.IntBetween(-1, 10_000); maximum_record_age_in_seconds: -1 or validation.IntBetween(60, 604_800))",
        ] },
    "event-source-mapping-parallelization": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("kinesis", "stream/orders"), functionName: "orders", startingPosition: "LATEST", parallelizationFactor: 11 })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: parallelizationFactor is 11; an integer from 1 to 10 (terraform-provider-aws internal/service/lambda/event_source_mapping.go parallelization_factor: validation.IntBetween(1, 10))",
        ] },
    "event-source-mapping-max-concurrency": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders", scalingConfig: { maximumConcurrency: 1 } })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: scalingConfig.maximumConcurrency is 1; an integer from 2 to 1000 (terraform-provider-aws internal/service/lambda/event_source_mapping.go scaling_config.maximum_concurrency: validation.IntAtLeast(2); https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html (at most 1000))",
        ] },
    "event-source-mapping-response-types": { plan: one(resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders", functionResponseTypes: ["ReportBatchItemFailure"] })), messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: functionResponseTypes[0] is \"ReportBatchItemFailure\"; one of ReportBatchItemFailures (terraform-provider-aws internal/service/lambda/event_source_mapping.go function_response_types: enum.Validate[awstypes.FunctionResponseType]())",
        ] },
    "sqs-mapping-visibility-timeout": {
        plan: () => {
            const queue = resource(T.queue, "queue", { name: "orders" });
            const fn = resource(T.function, "fn", { name: "orders-worker", timeout: 60 });
            return [queue, fn, resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders-worker" }, { from: { eventSourceArn: [queue], functionName: [fn] } })];
        },
        messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: eventSourceArn is aws:sqs/queue:Queue queue with a visibility timeout of 30 s; a queue whose visibility timeout is at least the timeout of aws:lambda/function:Function fn (60 s) (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (Lambda refuses a mapping whose function timeout exceeds the queue's visibility timeout))",
        ],
    },
    "kinesis-retention": { plan: one(resource(T.stream, "stream", { name: "orders", shardCount: 1, retentionPeriod: 12 })), messages: [
            "aws:kinesis/stream:Stream stream: retentionPeriod is 12; an integer from 24 to 8760 hours (terraform-provider-aws internal/service/kinesis/stream.go retention_period: validation.IntBetween(24, 8760))",
        ] },
    "kinesis-shard-count": { plan: one(resource(T.stream, "stream", { name: "orders", shardCount: 2, streamModeDetails: { streamMode: "ON_DEMAND" } })), messages: [
            "aws:kinesis/stream:Stream stream: shardCount is 2; not set for an ON_DEMAND stream (terraform-provider-aws internal/service/kinesis/stream.go CustomizeDiff (\"shard_count must be at least 1 when stream_mode is PROVISIONED\" / \"must not be set when ON_DEMAND\"))",
        ] },
    "kinesis-encryption": { plan: one(resource(T.stream, "stream", { name: "orders", shardCount: 1, encryptionType: "KMS" })), messages: [
            "aws:kinesis/stream:Stream stream: kmsKeyId is not set; a KMS key id, ARN or alias when encryptionType is KMS (terraform-provider-aws internal/service/kinesis/stream.go encryption_type: enum.Validate[types.EncryptionType](); resourceStreamCreate (\"KMS Key ID required\"))",
        ] },
    "dynamodb-billing-mode": { plan: one(resource(T.table, "table", { name: "orders", billingMode: "PAY_PER_REQUEST", readCapacity: 5 })), messages: [
            "aws:dynamodb/table:Table table: readCapacity is 5; not set when billingMode is PAY_PER_REQUEST (terraform-provider-aws internal/service/dynamodb/table.go billing_mode: validation.StringInSlice; validateProvisionedThroughputField)",
        ] },
    "dynamodb-stream-view-type": { plan: one(resource(T.table, "table", { name: "orders", billingMode: "PAY_PER_REQUEST", streamEnabled: true })), messages: [
            "aws:dynamodb/table:Table table: streamViewType is not set; one of NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY when streamEnabled is true (terraform-provider-aws internal/service/dynamodb/table.go validStreamSpec (\"stream_view_type is required when stream_enabled = true\"), stream_view_type: validation.StringInSlice)",
        ] },
    "dynamodb-attributes-indexed": {
        plan: one(resource(T.table, "table", { name: "orders", billingMode: "PAY_PER_REQUEST", hashKey: "pk", rangeKey: "sk",
            attributes: [{ name: "pk", type: "S" }, { name: "sk", type: "S" }, { name: "expiresAt", type: "N" }] })),
        messages: [
            "aws:dynamodb/table:Table table: attributes is defining \"expiresAt\", used by no key or index; only attributes a key or an index uses (terraform-provider-aws internal/service/dynamodb/table.go validateTableAttributes (\"all attributes must be indexed\" / \"all indexes must match a defined attribute\"))",
        ],
    },
    "dynamodb-ttl": { plan: one(resource(T.table, "table", { name: "orders", billingMode: "PAY_PER_REQUEST", ttl: { enabled: true, attributeName: "" } })), messages: [
            "aws:dynamodb/table:Table table: ttl.attributeName is \"\"; an attribute name of 1 to 255 characters when ttl.enabled is true (terraform-provider-aws internal/service/dynamodb/table.go ttlPlantimeValidate (\"attribute_name\" required when enabled))",
        ] },
    "cloudwatch-alarm-period": { plan: one(resource(T.alarm, "alarm", { name: "errors", period: 90, evaluationPeriods: 1 })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: period is 90; 10, 20, 30 or a multiple of 60 seconds (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go period: IntInSlice{10, 20, 30} or IntDivisibleBy(60); https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Period))",
        ] },
    "cloudwatch-alarm-evaluation": { plan: one(resource(T.alarm, "alarm", { name: "errors", period: 60, evaluationPeriods: 2, datapointsToAlarm: 3 })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: datapointsToAlarm is 3; an integer from 1 to evaluationPeriods (2) (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go evaluation_periods, datapoints_to_alarm: validation.IntAtLeast(1); https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (DatapointsToAlarm))",
        ] },
    "cloudwatch-alarm-comparison": { plan: one(resource(T.alarm, "alarm", { name: "errors", comparisonOperator: "GreaterThan" })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: comparisonOperator is \"GreaterThan\"; one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold, LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go comparison_operator: enum.Validate[types.ComparisonOperator]())",
        ] },
    "cloudwatch-alarm-missing-data": { plan: one(resource(T.alarm, "alarm", { name: "errors", treatMissingData: "notbreaching" })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: treatMissingData is \"notbreaching\"; one of breaching, notBreaching, ignore, missing (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go treat_missing_data: validation.StringInSlice(missingData_Values()))",
        ] },
    "cloudwatch-alarm-statistic": { plan: one(resource(T.alarm, "alarm", { name: "errors", statistic: "Avg" })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: statistic is \"Avg\"; one of SampleCount, Average, Sum, Minimum, Maximum (terraform-provider-aws internal/service/cloudwatch/metric_alarm.go statistic, metric_query.metric.stat: enum.Validate[types.Statistic]() or the extended-statistic pattern)",
        ] },
    "cloudwatch-alarm-metrics": {
        plan: one(resource(T.alarm, "alarm", { name: "errors", evaluationPeriods: 1, metricQueries: [
            { id: "errors", returnData: true, metric: { metricName: "Errors", namespace: "AWS/Lambda", period: 60, stat: "Sum" } },
            { id: "throttles", returnData: true, metric: { metricName: "Throttles", namespace: "AWS/Lambda", period: 60, stat: "Sum" } },
        ] })),
        messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: metricQueries is returning 2 time series; exactly one query with returnData: true (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html (\"Alarms based on metric math expressions can have up to 10 metrics\"); https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html)",
        ],
    },
    "cloudwatch-alarm-actions": { plan: one(resource(T.alarm, "alarm", { name: "errors", alarmActions: [1, 2, 3, 4, 5, 6].map(i => ARN("sns", `topic-${i}`)) })), messages: [
            "aws:cloudwatch/metricAlarm:MetricAlarm alarm: alarmActions is 6 actions; at most 5 actions (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html (\"Alarm actions: 5/alarm. This quota cannot be changed\"))",
        ] },
    "cloudwatch-dashboard-body": { plan: one(resource(T.dashboard, "dashboard", { dashboardName: "cell-a", dashboardBody: "{\"widget\":[]}" })), messages: [
            "aws:cloudwatch/dashboard:Dashboard dashboard: dashboardBody is \"{\\\"widget\\\":[]}\"; a JSON object with a widgets list (terraform-provider-aws internal/service/cloudwatch/dashboard.go dashboard_body: validation.StringIsJSON; https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html (Dashboards))",
        ] },
    "apigateway-throttle-rate": { plan: one(resource(T.httpStage, "stage", { name: "$default", defaultRouteSettings: { throttlingRateLimit: 20000, throttlingBurstLimit: 100 } })), messages: [
            "aws:apigatewayv2/stage:Stage stage: defaultRouteSettings.throttlingRateLimit is 20000; at most 10000 requests per second (-1 leaves it unset); an account quota: AWS's default, raisable on request (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (\"Throttle quota per account, per Region\": 10,000 requests per second))",
        ] },
    "apigateway-throttle-burst": { plan: one(resource(T.restMethodSettings, "throttling", { stageName: "live", methodPath: "*/*", settings: { throttlingRateLimit: 100, throttlingBurstLimit: 6000 } })), messages: [
            "aws:apigateway/methodSettings:MethodSettings throttling: settings.throttlingBurstLimit is 6000; at most 5000 requests (-1 leaves it unset); an account quota: AWS's default, raisable on request (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (\"a maximum bucket capacity of 5,000 requests\"))",
        ] },
    "apigateway-http-integration-timeout": { plan: one(resource(T.httpIntegration, "integration", { integrationType: "AWS_PROXY", timeoutMilliseconds: 31000 })), messages: [
            "aws:apigatewayv2/integration:Integration integration: timeoutMilliseconds is 31000; an integer from 50 to 30000 milliseconds (terraform-provider-aws internal/service/apigatewayv2/integration.go timeout_milliseconds: validation.IntBetween(50, 30000))",
        ] },
    "apigateway-rest-integration-timeout": { plan: one(resource(T.restIntegration, "integration", { type: "AWS_PROXY", timeoutMilliseconds: 30000 })), messages: [
            "aws:apigateway/integration:Integration integration: timeoutMilliseconds is 30000; an integer from 50 to 29000 milliseconds; an account quota: AWS's default, raisable on request (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (Integration timeout for REST APIs: 50 milliseconds - 29 seconds))",
        ] },
    "apigateway-authorizer-ttl": { plan: one(resource(T.restAuthorizer, "authorizer", { name: "jwt", type: "REQUEST", authorizerResultTtlInSeconds: 3601 })), messages: [
            "aws:apigateway/authorizer:Authorizer authorizer: authorizerResultTtlInSeconds is 3601; an integer from 0 to 3600 seconds (terraform-provider-aws internal/service/apigateway/authorizer.go authorizer_result_ttl_in_seconds: validation.IntBetween(0, 3600))",
        ] },
    "apigateway-access-log-format": { plan: one(resource(T.restStage, "stage", { stageName: "live", accessLogSettings: { destinationArn: ARN("logs", "log-group:/aws/apigateway/api"), format: "{\"ip\":\"$context.identity.sourceIp\"}" } })), messages: [
            "aws:apigateway/stage:Stage stage: accessLogSettings.format is \"{\\\"ip\\\":\\\"$context.identity.sourceIp\\\"}\"; a format that includes $context.requestId or $context.extendedRequestId (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html (the control plane refuses a format without either; aws/aws-cdk#22591))",
        ] },
    "apigateway-route-key": { plan: one(resource(T.httpRoute, "route", { routeKey: "GET customers" })), messages: [
            "aws:apigatewayv2/route:Route route: routeKey is \"GET customers\"; \"$default\" or an HTTP method (or ANY), a space and a path starting with \"/\" (a greedy {name+} only at its end) (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html)",
        ] },
    "apigateway-method": { plan: one(resource(T.restMethod, "method", { httpMethod: "ANY", authorization: "CUSTOM" })), messages: [
            "aws:apigateway/method:Method method: authorizerId is not set; an authorizer for authorization CUSTOM (https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html (httpMethod, authorizationType, authorizerId))",
        ] },
    "apigateway-gateway-response": { plan: one(resource(T.restResponse, "response", { responseType: "UNAUTHORIZED", statusCode: "4xx" })), messages: [
            "aws:apigateway/response:Response response: statusCode is \"4xx\"; a status code from 100 to 599 (terraform-provider-aws internal/service/apigateway/gateway_response.go response_type: enum.Validate[types.GatewayResponseType](); https://docs.aws.amazon.com/apigateway/latest/api/API_PutGatewayResponse.html (statusCode))",
        ] },
    "apigateway-jwt-authorizer": { plan: one(resource(T.httpAuthorizer, "authorizer", { authorizerType: "JWT", identitySources: ["$request.header.Authorization"], jwtConfiguration: { issuer: "https://login.example.com/", audiences: [] } })), messages: [
            "aws:apigatewayv2/authorizer:Authorizer authorizer: jwtConfiguration.audiences is []; at least one audience (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html (JWTConfiguration, IdentitySource))",
        ] },
    "apigateway-stage-logging-order": {
        plan: () => [
            resource(T.restAccount, "account", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/logs" }),
            resource(T.restStage, "stage", { stageName: "live", accessLogSettings: { destinationArn: ARN("logs", "log-group:/aws/apigateway/api"), format: "$context.requestId" } }),
        ],
        messages: [
            "aws:apigateway/stage:Stage stage: dependsOn is missing aws:apigateway/account:Account account (directly and through every dependency); waiting for aws:apigateway/account:Account account, which sets the account's CloudWatch Logs role that logging needs (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html (\"CloudWatch Logs role ARN must be set in account settings to enable logging\"))",
        ],
    },
    "apigateway-method-settings-order": {
        plan: () => [
            resource(T.restStage, "stage", { stageName: "live" }),
            resource(T.restMethodSettings, "throttling", { stageName: "live", methodPath: "*/*", settings: { metricsEnabled: true } }),
        ],
        messages: [
            "aws:apigateway/methodSettings:MethodSettings throttling: dependsOn is missing aws:apigateway/stage:Stage stage (directly and through every dependency); waiting for aws:apigateway/stage:Stage stage, the stage it updates (terraform-provider-aws internal/service/apigateway/method_settings.go resourceMethodSettingsUpdate (UpdateStage on the stage, which must exist))",
        ],
    },
    "lambda-log-group-order": {
        plan: () => [
            resource(T.logGroup, "logs", { name: "/aws/lambda/orders", retentionInDays: 14 }),
            resource(T.function, "fn", { name: "orders", loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/orders" } }),
        ],
        messages: [
            "aws:lambda/function:Function fn: dependsOn is missing aws:cloudwatch/logGroup:LogGroup logs (directly and through every dependency); waiting for aws:cloudwatch/logGroup:LogGroup logs, the log group it writes to (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html (Lambda creates the log group on the first invocation when it does not exist))",
        ],
    },
    "invoke-config-destination-order": {
        plan: () => [
            resource(T.queue, "failures", { name: "orders-failures" }),
            resource(T.invokeConfig, "async", { functionName: "orders", destinationConfig: { onFailure: { destination: ARN("sqs", "orders-failures") } } }),
        ],
        messages: [
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig async: dependsOn is missing aws:sqs/queue:Queue failures (directly and through every dependency); waiting for aws:sqs/queue:Queue failures, its onFailure destination (terraform-provider-aws internal/service/lambda/function_event_invoke_config.go resourceFunctionEventInvokeConfigCreate (retries \"The destination ARN ... is invalid\" for iamPropagationTimeout))",
        ],
    },
    "event-source-mapping-role-order": {
        plan: () => {
            const role = resource(T.role, "role", { name: "orders-worker" });
            const policy = resource(T.rolePolicy, "policy", { name: "least-privilege", role: "orders-worker", policy: doc([ALLOW_LOGS]) }, { from: { role: [role] } });
            const fn = resource(T.function, "fn", { name: "orders-worker", role: "arn:aws:iam::123456789012:role/orders-worker" }, { from: { role: [role] } });
            const queue = resource(T.queue, "queue", { name: "orders" });
            return [role, policy, fn, queue, resource(T.mapping, "mapping", { eventSourceArn: ARN("sqs", "orders"), functionName: "orders-worker" }, { from: { eventSourceArn: [queue], functionName: [fn] } })];
        },
        messages: [
            "aws:lambda/eventSourceMapping:EventSourceMapping mapping: dependsOn is missing aws:iam/rolePolicy:RolePolicy policy (directly and through every dependency); waiting for aws:iam/rolePolicy:RolePolicy policy, a policy of the role of aws:lambda/function:Function fn (terraform-provider-aws internal/service/lambda/event_source_mapping.go retryEventSourceMapping (retries \"execution role does not have permissions\" for the propagation timeout only))",
        ],
    },
    "elb-target-group-name": { plan: one(resource(T.targetGroup, "tg", { name: "cellular-staging-cell-001-alb-tg-x", targetType: "lambda" })), messages: [
            "aws:lb/targetGroup:TargetGroup tg: name is \"cellular-staging-cell-001-alb-tg-x\" (34 characters); 1 to 32 characters: letters, digits and hyphens, not starting or ending with a hyphen (terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupName)",
        ] },
    "elb-load-balancer-name": { plan: () => [resource(T.loadBalancer, "lb", { name: "internal-cell-a" }), resource(T.loadBalancer, "lb2", { name: "cell-a-" })], messages: [
            "aws:lb/loadBalancer:LoadBalancer lb: name is \"internal-cell-a\" (15 characters); not starting with \"internal-\" (AWS prefixes internal load balancers' DNS names with it) (terraform-provider-aws internal/service/elbv2/validate.go validName)",
            "aws:lb/loadBalancer:LoadBalancer lb2: name is \"cell-a-\" (7 characters); 1 to 32 characters: letters, digits and hyphens, not starting or ending with a hyphen (terraform-provider-aws internal/service/elbv2/validate.go validName)",
        ] },
    "elb-listener-rule-priority": { plan: one(resource(T.listenerRule, "rule", { listenerArn: ARN("elasticloadbalancing", "listener/app/a/1/2"), priority: 50001 })), messages: [
            "aws:lb/listenerRule:ListenerRule rule: priority is 50001; an integer from 1 to 50000 (terraform-provider-aws internal/service/elbv2/listener_rule.go priority: validation.IntBetween(listenerRulePriorityMin = 1, listenerRulePriorityMax = 50_000))",
        ] },
    "elb-listener-rule-priority-unique": {
        plan: () => {
            const listener = ARN("elasticloadbalancing", "listener/app/shared/1/2");
            return [resource(T.listenerRule, "cell-a-rule", { listenerArn: listener, priority: 100 }), resource(T.listenerRule, "cell-b-rule", { listenerArn: listener, priority: 100 }),
                resource(T.listenerRule, "other-listener", { listenerArn: ARN("elasticloadbalancing", "listener/app/other/1/2"), priority: 100 })];
        },
        messages: [
            "aws:lb/listenerRule:ListenerRule cell-b-rule: priority is 100; a priority no other rule of its listener has (aws:lb/listenerRule:ListenerRule cell-a-rule has 100) (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html (PriorityInUse: \"The specified priority is in use\"))",
        ],
    },
    "elb-idle-timeout": { plan: one(resource(T.loadBalancer, "lb", { name: "cell-a-alb", idleTimeout: 4001 })), messages: [
            "aws:lb/loadBalancer:LoadBalancer lb: idleTimeout is 4001; an integer from 1 to 4000 seconds (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html (idle_timeout.timeout_seconds: \"The valid range is 1-4000 seconds\"))",
        ] },
    "elb-lambda-target-permission-order": {
        plan: () => {
            const fn = resource(T.function, "fn", { name: "alb-api" });
            const other = resource(T.function, "other", { name: "other" });
            const permission = resource(T.permission, "permission", { action: "lambda:InvokeFunction", function: "alb-api", principal: "elasticloadbalancing.amazonaws.com" }, { from: { function: [fn] } });
            return [fn, other, permission,
                resource(T.targetGroupAttachment, "attachment", { targetGroupArn: "tg", targetId: ARN("lambda", "function:alb-api") }),
                resource(T.targetGroupAttachment, "unpermitted", { targetGroupArn: "tg", targetId: ARN("lambda", "function:other") })];
        },
        messages: [
            "aws:lb/targetGroupAttachment:TargetGroupAttachment attachment: dependsOn is missing aws:lambda/permission:Permission permission (directly and through every dependency); waiting for aws:lambda/permission:Permission permission, which lets Elastic Load Balancing invoke aws:lambda/function:Function fn (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html (\"you must grant Elastic Load Balancing permission to invoke your Lambda function\" before registering it))",
            "aws:lb/targetGroupAttachment:TargetGroupAttachment unpermitted: targetId is aws:lambda/function:Function other; a function an aws.lambda.Permission lets elasticloadbalancing.amazonaws.com invoke (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html (\"you must grant Elastic Load Balancing permission to invoke your Lambda function\" before registering it))",
        ],
    },
    "s3-notification-permission-order": {
        plan: () => {
            const fn = resource(T.function, "fn", { name: "ingest" });
            const permission = resource(T.permission, "permission", { action: "lambda:InvokeFunction", function: "ingest", principal: "s3.amazonaws.com" }, { from: { function: [fn] } });
            return [fn, permission, resource(T.bucketNotification, "notification", { bucket: "b", lambdaFunctions: [{ events: ["s3:ObjectCreated:*"], lambdaFunctionArn: ARN("lambda", "function:ingest") }] })];
        },
        messages: [
            "aws:s3/bucketNotification:BucketNotification notification: dependsOn is missing aws:lambda/permission:Permission permission (directly and through every dependency); waiting for aws:lambda/permission:Permission permission, which lets S3 invoke aws:lambda/function:Function fn (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html (\"Unable to validate the following destination configurations\"))",
        ],
    },
    "tags": { plan: one(resource(T.queue, "queue", { name: "orders", tags: { "aws:owner": "platform", cell: "cell-a" } })), messages: [
            "aws:sqs/queue:Queue queue: tags[\"aws:owner\"] is set; no key starting with \"aws:\" (reserved for AWS) (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (tag naming limits and requirements))",
        ] },
    "policy-document-json": { plan: one(resource(T.rolePolicy, "policy", { name: "p", role: "orders", policy: ` ${doc([ALLOW_LOGS])}` })), messages: [
            "aws:iam/rolePolicy:RolePolicy policy: policy is \" {\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Sid\\\":\\\"Logs\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":[\\\"logs:PutLogEvents\\\"...; a JSON object (with no white space before it) (terraform-provider-aws internal/verify/validate.go ValidIAMPolicyJSON (a JSON object, no leading white space))",
        ] },
    "policy-document-version": { plan: one(resource(T.rolePolicy, "policy", { name: "p", role: "orders", policy: doc([ALLOW_LOGS], "2008-10-17") })), messages: [
            "aws:iam/rolePolicy:RolePolicy policy: policy.Version is \"2008-10-17\"; \"2012-10-17\" (without it IAM reads the document as 2008-10-17, where policy variables are plain text) (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)",
        ] },
    "policy-statement-sid": { plan: one(resource(T.rolePolicy, "policy", { name: "p", role: "orders", policy: doc([{ ...ALLOW_LOGS, Sid: "Write-Logs" }]) })), messages: [
            "aws:iam/rolePolicy:RolePolicy policy: policy.Statement[0].Sid is \"Write-Logs\"; letters and digits only (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)",
        ] },
    "policy-statement-shape": { plan: one(resource(T.role, "role", { name: "orders", assumeRolePolicy: doc([{ ...TRUST, Effect: "allow" }]) })), messages: [
            "aws:iam/role:Role role: assumeRolePolicy.Statement[0].Effect is \"allow\"; \"Allow\" or \"Deny\" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)",
        ] },
    "iam-inline-policy-size": {
        plan: () => {
            const role = resource(T.role, "role", { name: "orders" });
            const big = (sid: string) => doc([{ Sid: sid, Effect: "Allow", Action: ["sqs:SendMessage"], Resource: Array.from({ length: 120 }, (_, i) => ARN("sqs", `queue-${i}`)) }]);
            return [role, ...["One", "Two"].map(sid => resource(T.rolePolicy, `policy-${sid}`, { name: sid, role: "orders", policy: big(sid) }, { from: { role: [role] } }))];
        },
        messages: [
            "aws:iam/role:Role role: inlinePolicies is 11282 characters without white space, over 2 inline policies; at most 10240 characters for all inline policies of a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Role policy size cannot exceed 10,240 characters))",
        ],
    },
    "iam-managed-policy-size": {
        plan: one(resource(T.policy, "policy", { name: "invoke", policy: doc([{ Sid: "Invoke", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: Array.from({ length: 110 }, (_, i) => ARN("lambda", `function:cell-${i}-api:live`)) }]) })),
        messages: [
            "aws:iam/policy:Policy policy: policy is 7380 characters without white space; at most 6144 characters (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policy size cannot exceed 6,144 characters))",
        ],
    },
    "iam-trust-policy-size": {
        plan: one(resource(T.role, "role", { name: "orders", assumeRolePolicy: doc([{ ...TRUST, Condition: { StringEquals: { "aws:SourceAccount": Array.from({ length: 150 }, (_, i) => String(100000000000 + i)) } } }]) })),
        messages: [
            "aws:iam/role:Role role: assumeRolePolicy is 2433 characters without white space; at most 2048 characters; an account quota: AWS's default, raisable to 4096 on request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Role trust policy length, 2,048 characters, up to 4,096))",
        ],
    },
    "iam-managed-policies-per-role": {
        plan: one(resource(T.role, "role", { name: "orders", managedPolicyArns: Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:policy/p${i}`) })),
        messages: [
            "aws:iam/role:Role role: managedPolicyArns is 11 attached policies; at most 10 managed policies per role; an account quota: AWS's default, raisable to 20 on request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policies attached to an IAM role, 10, up to 20))",
        ],
    },
    "s3-notification-overlap": {
        plan: one(resource(T.bucketNotification, "notification", { bucket: "b", lambdaFunctions: [
            { events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/", filterSuffix: ".csv", lambdaFunctionArn: ARN("lambda", "function:ingest") },
            { events: ["s3:ObjectCreated:Put"], filterSuffix: ".csv", lambdaFunctionArn: ARN("lambda", "function:audit") },
        ] })),
        messages: [
            "aws:s3/bucketNotification:BucketNotification notification: lambdaFunctions[1] is prefix \"\" and suffix \".csv\", overlapping lambdaFunctions[0] (prefix \"incoming/\", suffix \".csv\") on a shared event type; filters that no other configuration for the same event type also matches (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html (overlapping prefixes and suffixes are not valid))",
        ],
    },
    "sns-subscription-protocol": { plan: one(resource(T.subscription, "subscription", { protocol: "Lambda", topic: ARN("sns", "events"), endpoint: ARN("lambda", "function:orders") })), messages: [
            "aws:sns/topicSubscription:TopicSubscription subscription: protocol is \"Lambda\"; one of application, email, email-json, firehose, http, https, lambda, sms, sqs (terraform-provider-aws internal/service/sns/topic_subscription.go protocol: validation.StringInSlice(subscriptionProtocol_Values()))",
        ] },
    "sns-subscription-redrive": { plan: one(resource(T.subscription, "subscription", { protocol: "lambda", redrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN("sns", "failures") }) })), messages: [
            "aws:sns/topicSubscription:TopicSubscription subscription: redrivePolicy is \"{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sns:us-east-1:123456789012:failures\\\"}\"; a JSON object whose deadLetterTargetArn is an SQS queue's ARN (https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html)",
        ] },
    "eventbridge-schedule-expression": { plan: one(resource(T.eventRule, "rule", { name: "daily", scheduleExpression: "rate(1 minutes)" })), messages: [
            "aws:cloudwatch/eventRule:EventRule rule: scheduleExpression is \"rate(1 minutes)\"; rate(1 minute|hour|day), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) (terraform-provider-aws internal/service/events/rule.go schedule_expression: validation.StringLenBetween(0, 256); https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html)",
        ] },
    "eventbridge-target-retry": { plan: one(resource(T.eventTarget, "target", { rule: "daily", retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 200 } })), messages: [
            "aws:cloudwatch/eventTarget:EventTarget target: retryPolicy.maximumRetryAttempts is 200; an integer from 0 to 185 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html; terraform-provider-aws internal/service/events/target.go retry_policy.maximum_retry_attempts: validation.IntBetween(0, 185))",
        ] },
    "cognito-token-validity": { plan: one(resource(T.userPoolClient, "client", { name: "app", accessTokenValidity: 2, tokenValidityUnits: { accessToken: "days" } })), messages: [
            "aws:cognito/userPoolClient:UserPoolClient client: accessTokenValidity is 2 days; 5 minutes to 1 day (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html (AccessTokenValidity, IdTokenValidity, RefreshTokenValidity))",
        ] },
    "cognito-password-policy": { plan: one(resource(T.userPool, "pool", { name: "users", passwordPolicy: { minimumLength: 5, temporaryPasswordValidityDays: 3 } })), messages: [
            "aws:cognito/userPool:UserPool pool: passwordPolicy.minimumLength is 5; an integer from 6 to 99 (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html)",
        ] },
    "cognito-pre-token-generation": { plan: one(resource(T.userPool, "pool", { name: "users", userPoolTier: "LITE", lambdaConfig: { preTokenGenerationConfig: { lambdaArn: ARN("lambda", "function:claims"), lambdaVersion: "V2_0" } } })), messages: [
            "aws:cognito/userPool:UserPool pool: userPoolTier is \"LITE\"; ESSENTIALS or PLUS for a V2_0 pre token generation trigger (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html (event versions and feature plans))",
        ] },
    "cognito-schema": { plan: one(resource(T.userPool, "pool", { name: "users", schemas: [{ name: "tenant_identifier_long", attributeDataType: "String" }] })), messages: [
            "aws:cognito/userPool:UserPool pool: schemas[0].name is \"tenant_identifier_long\"; 1 to 20 characters (terraform-provider-aws internal/service/cognitoidp/validate.go validUserPoolSchemaName; https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html (custom attributes))",
        ] },
    "ssm-parameter-value": { plan: one(resource(T.parameter, "param", { name: "/cellular/prod/waves/1", type: "String", value: "v".repeat(5000) })), messages: [
            "aws:ssm/parameter:Parameter param: value is 5000 bytes; at most 4096 bytes in the Standard tier (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html (Standard 4 KB, Advanced 8 KB))",
        ] },
    "ec2-cidr-block": {
        plan: () => {
            const vpc = resource(T.vpc, "vpc", { cidrBlock: "10.0.0.0/16" });
            return [vpc, resource(T.subnet, "subnet", { cidrBlock: "10.1.0.0/20", vpcId: "vpc-1" }, { from: { vpcId: [vpc] } })];
        },
        messages: [
            "aws:ec2/subnet:Subnet subnet: cidrBlock is \"10.1.0.0/20\"; a block inside the VPC's 10.0.0.0/16 (aws:ec2/vpc:Vpc vpc) (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html (IPv4 VPC CIDR blocks: /16 to /28); terraform-provider-aws internal/verify/validate.go ValidCIDRNetworkAddress)",
        ],
    },
    "ec2-vpc-endpoint": { plan: one(resource(T.vpcEndpoint, "endpoint", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.sqs", routeTableIds: ["rtb-1"] })), messages: [
            "aws:ec2/vpcEndpoint:VpcEndpoint endpoint: serviceName is \"com.amazonaws.us-east-1.sqs\"; com.amazonaws.<region>.s3 or .dynamodb for a gateway endpoint (terraform-provider-aws internal/service/ec2/vpc_endpoint.go vpc_endpoint_type: enum.Validate[awstypes.VpcEndpointType](); https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)",
        ] },
    "ec2-security-group-rule": { plan: one(resource(T.ingressRule, "rule", { ipProtocol: "tcp", fromPort: 443, toPort: 80, referencedSecurityGroupId: "sg-1" })), messages: [
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule rule: fromPort is \"443-80\"; ports from 0 to 65535, fromPort at most toPort (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html; terraform-provider-aws internal/service/ec2/vpc_security_group_ingress_rule.go)",
        ] },
};
