import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as lambda from "@aws-sdk/client-lambda";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import { LIMITS } from "../../../components/config/limits";
import { NAME_LIMITS } from "../../../components/names";
import { deployCheck } from "../../../tools/lib/deploy-check/check";
import type { PlannedResource } from "../../../tools/lib/deploy-check/plan";
import { ANY_AWS_TYPE } from "../../../tools/lib/deploy-check/rule";
import { DEPRECATED_RUNTIMES, LAMBDA_RUNTIMES, LOG_RETENTION_DAYS, RULES } from "../../../tools/lib/deploy-check/rules";
import { TYPES as T } from "../../../tools/lib/deploy-check/types";
import { resource, UNKNOWN } from "../../fixtures/deploy-check";
import { BREAKING } from "./breaking";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The messages one rule gives on a plan. */
function messagesOf(rule: string, plan: PlannedResource[]): string[] {
    return deployCheck(plan).findings.filter(f => f.rule === rule).map(f => f.message);
}

/** The plan with every input of every resource unknown, as a preview can have them. */
function allUnknown(plan: PlannedResource[]): PlannedResource[] {
    return plan.map(r => ({ ...r, inputs: Object.fromEntries(Object.keys(r.inputs).map(k => [k, UNKNOWN])) }));
}

const fn = (inputs: Record<string, unknown>) => [resource(T.function, "fn", { name: "orders", ...inputs })];
const streamMapping = (inputs: Record<string, unknown>) => [resource(T.mapping, "mapping", {
    eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/orders", functionName: "orders", startingPosition: "LATEST", ...inputs })];

describe("the deploy check's rules (tools/lib/deploy-check/rules.ts)", () => {
    describe("the table", () => {
        it("has unique kebab-case ids, a sentence of what each checks, and the types it reads", () => {
            const ids = RULES.map(r => r.id);
            assert.equal(new Set(ids).size, ids.length, "duplicate ids");
            for (const rule of RULES) {
                assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, rule.id);
                assert.ok(rule.what.length > 10, rule.id);
                assert.ok(rule.types.length > 0 && rule.types.every(t => t === ANY_AWS_TYPE || Object.values(T).includes(t as never)), rule.id);
            }
        });

        it("names the source of every rule: a file of terraform-provider-aws or a page of AWS's documentation", () => {
            for (const rule of RULES) {
                assert.match(rule.source, /(terraform-provider-aws internal\/\S+\.go|https:\/\/docs\.aws\.amazon\.com\/\S+)/, rule.id);
            }
        });

        it("has a breaking case for every rule, and none for a rule it does not have", () => {
            assert.deepEqual(Object.keys(BREAKING).sort(), RULES.map(r => r.id).sort());
        });

        it("marks the limits that are account quotas with AWS's default", () => {
            assert.deepEqual(RULES.filter(r => r.quota).map(r => [r.id, r.quota!.key, r.quota!.default]), [
                ["apigateway-throttle-rate", "apiThrottleRate", 10000],
                ["apigateway-throttle-burst", "apiThrottleBurst", 5000],
                ["apigateway-rest-integration-timeout", "restIntegrationTimeoutMs", 29000],
                ["iam-trust-policy-size", "roleTrustPolicyLength", 2048],
                ["iam-managed-policies-per-role", "managedPoliciesPerRole", 10],
            ]);
        });
    });

    describe("each rule, on an input that breaks it", () => {
        for (const [id, breaking] of Object.entries(BREAKING)) {
            it(id, () => {
                assert.ok(breaking.messages.length > 0, `${id} has no expected message`);
                assert.deepEqual(messagesOf(id, breaking.plan()), breaking.messages);
            });
        }
    });

    it("skips what preview does not know yet: with every input unknown, only the dependency graph (which preview knows) gives findings", () => {
        for (const [id, breaking] of Object.entries(BREAKING)) {
            const findings = deployCheck(allUnknown(breaking.plan())).findings;
            for (const f of findings) {
                assert.ok(f.rule.endsWith("-order") && f.input === "dependsOn", `${id}: ${f.message}`);
            }
        }
    });

    it("skips an unknown value inside a known object (a tag, a statement of a document)", () => {
        const queue = resource(T.queue, "queue", { name: "orders", tags: { "aws:owner": UNKNOWN } });
        assert.deepEqual(messagesOf("tags", [queue]), []);
        const mapping = resource(T.mapping, "mapping", { eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:orders", functionName: "orders", batchSize: UNKNOWN });
        assert.deepEqual(messagesOf("event-source-mapping-batching-window", [mapping]), []);
    });

    describe("against the AWS SDK's own enums (the provider validates with the same, enum.Validate[awstypes.X]())", () => {
        it("knows every runtime of @aws-sdk/client-lambda's Runtime, and no other", () => {
            assert.deepEqual([...LAMBDA_RUNTIMES].sort(), Object.values(lambda.Runtime).sort());
        });

        it("passes every runtime that is not deprecated, e.g. nodejs22.x and nodejs24.x", () => {
            const supported = Object.values(lambda.Runtime).filter(r => DEPRECATED_RUNTIMES[r] === undefined);
            assert.ok(supported.includes("nodejs22.x") && supported.includes("nodejs24.x"));
            for (const runtime of supported) assert.deepEqual(messagesOf("lambda-runtime", fn({ runtime })), [], runtime);
        });

        it("refuses every runtime @pulumi/aws marks deprecated (as deprecated, or as one the Lambda API no longer knows)", () => {
            const enums = fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "aws", "types", "enums", "lambda", "index.d.ts"), "utf8");
            const marked = [...enums.matchAll(/@deprecated[^\n]*\n\s*\*\/\n\s*readonly \w+: "([^"]+)"/g)].map(m => m[1]!);
            assert.ok(marked.length >= 15, String(marked.length));
            for (const runtime of marked) assert.equal(messagesOf("lambda-runtime", fn({ runtime })).length, 1, runtime);
        });

        it("accepts exactly the SDK's architectures, tracing modes, log formats and log levels", () => {
            for (const a of Object.values(lambda.Architecture)) assert.deepEqual(messagesOf("lambda-architectures", fn({ architectures: [a] })), [], a);
            for (const mode of Object.values(lambda.TracingMode)) assert.deepEqual(messagesOf("lambda-tracing-mode", fn({ tracingConfig: { mode } })), [], mode);
            for (const logFormat of Object.values(lambda.LogFormat)) assert.deepEqual(messagesOf("lambda-logging-config", fn({ loggingConfig: { logFormat } })), [], logFormat);
            for (const level of Object.values(lambda.ApplicationLogLevel)) {
                assert.deepEqual(messagesOf("lambda-logging-config", fn({ loggingConfig: { logFormat: "JSON", applicationLogLevel: level } })), [], level);
            }
            for (const level of Object.values(lambda.SystemLogLevel)) {
                assert.deepEqual(messagesOf("lambda-logging-config", fn({ loggingConfig: { logFormat: "JSON", systemLogLevel: level } })), [], level);
            }
        });

        it("accepts exactly the SDK's starting positions and function response types", () => {
            for (const startingPosition of Object.values(lambda.EventSourcePosition)) {
                assert.deepEqual(messagesOf("event-source-mapping-starting-position", streamMapping({ startingPosition })), [], startingPosition);
            }
            for (const type of Object.values(lambda.FunctionResponseType)) {
                assert.deepEqual(messagesOf("event-source-mapping-response-types", streamMapping({ functionResponseTypes: [type] })), [], type);
            }
        });

        it("accepts exactly DynamoDB's billing modes and stream view types", () => {
            const table = (inputs: Record<string, unknown>) => [resource(T.table, "table", { name: "orders", ...inputs })];
            assert.deepEqual(messagesOf("dynamodb-billing-mode", table({ billingMode: lambda.Runtime.nodejs22x })), [
                "aws:dynamodb/table:Table table: billingMode is \"nodejs22.x\"; one of PROVISIONED, PAY_PER_REQUEST (terraform-provider-aws internal/service/dynamodb/table.go billing_mode: validation.StringInSlice; validateProvisionedThroughputField)",
            ]);
            assert.deepEqual(messagesOf("dynamodb-billing-mode", table({ billingMode: dynamodb.BillingMode.PAY_PER_REQUEST })), []);
            assert.deepEqual(messagesOf("dynamodb-billing-mode", table({ billingMode: dynamodb.BillingMode.PROVISIONED, readCapacity: 1, writeCapacity: 1 })), []);
            for (const view of Object.values(dynamodb.StreamViewType)) {
                assert.deepEqual(messagesOf("dynamodb-stream-view-type", table({ streamEnabled: true, streamViewType: view })), [], view);
            }
        });
    });

    describe("agrees with the limits the stack's settings are checked against (components/config)", () => {
        it("accepts the settings' extremes for memory, timeouts and log retention", () => {
            for (const memorySize of [LIMITS.memoryMb.min, LIMITS.memoryMb.max]) assert.deepEqual(messagesOf("lambda-memory", fn({ memorySize })), []);
            for (const timeout of [LIMITS.timeoutSeconds.min, LIMITS.timeoutSeconds.max]) assert.deepEqual(messagesOf("lambda-timeout", fn({ timeout })), []);
            assert.deepEqual([0, ...LIMITS.logRetentionDays], [...LOG_RETENTION_DAYS], "the settings offer every value but 0 (never expire)");
        });

        it("accepts the settings' extremes for event source mappings and asynchronous invocation", () => {
            const queueMapping = (inputs: Record<string, unknown>) => [resource(T.mapping, "mapping", { eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:orders", functionName: "orders", ...inputs })];
            const fifoMapping = (inputs: Record<string, unknown>) => [resource(T.mapping, "mapping", { eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:orders.fifo", functionName: "orders", ...inputs })];
            assert.deepEqual(messagesOf("event-source-mapping-batch-size", queueMapping({ batchSize: LIMITS.sqsBatchSize.max })), []);
            assert.deepEqual(messagesOf("event-source-mapping-batch-size", fifoMapping({ batchSize: LIMITS.sqsFifoBatchSize })), []);
            assert.equal(messagesOf("event-source-mapping-batch-size", fifoMapping({ batchSize: LIMITS.sqsFifoBatchSize + 1 })).length, 1);
            assert.deepEqual(messagesOf("event-source-mapping-batching-window", queueMapping({ batchSize: LIMITS.sqsBatchWithoutWindow })), []);
            assert.equal(messagesOf("event-source-mapping-batching-window", queueMapping({ batchSize: LIMITS.sqsBatchWithoutWindow + 1 })).length, 1);
            assert.deepEqual(messagesOf("event-source-mapping-batching-window", queueMapping({ batchSize: 100, maximumBatchingWindowInSeconds: LIMITS.batchingWindowSeconds.max })), []);
            assert.deepEqual(messagesOf("event-source-mapping-parallelization", streamMapping({ parallelizationFactor: LIMITS.parallelizationFactor.max })), []);
            assert.deepEqual(messagesOf("event-source-mapping-retries", streamMapping({ maximumRetryAttempts: LIMITS.streamRetryAttempts.max, maximumRecordAgeInSeconds: LIMITS.maximumRecordAgeSeconds.max })), []);
            const async = (inputs: Record<string, unknown>) => [resource(T.invokeConfig, "async", { functionName: "orders", ...inputs })];
            assert.deepEqual(messagesOf("lambda-async-retries", async({ maximumRetryAttempts: LIMITS.asyncRetries.max })), []);
            for (const age of [LIMITS.maximumEventAgeSeconds.min, LIMITS.maximumEventAgeSeconds.max]) {
                assert.deepEqual(messagesOf("lambda-async-event-age", async({ maximumEventAgeInSeconds: age })), []);
            }
        });

        it("draws the line at the same name lengths as components/names.ts NAME_LIMITS", () => {
            const cases: Array<[string, string, string, number]> = [
                ["lambda-function-name", T.function, "name", NAME_LIMITS.function.max],
                ["iam-role-name", T.role, "name", NAME_LIMITS.role.max],
                ["iam-policy-name", T.policy, "name", NAME_LIMITS.managedPolicy.max],
                ["eventbridge-rule-name", T.eventRule, "name", NAME_LIMITS.eventRule.max],
                ["kinesis-stream-name", T.stream, "name", NAME_LIMITS.kinesisStream.max],
                ["dynamodb-table-name", T.table, "name", NAME_LIMITS.table.max],
                ["log-group-name", T.logGroup, "name", NAME_LIMITS.logGroup.max],
                ["cloudwatch-alarm-name", T.alarm, "name", NAME_LIMITS.alarm.max],
                ["cloudwatch-dashboard-name", T.dashboard, "dashboardName", NAME_LIMITS.dashboard.max],
                ["apigateway-api-name", T.httpApi, "name", NAME_LIMITS.api.max],
                ["cognito-name", T.userPool, "name", NAME_LIMITS.userPool.max],
                ["sqs-queue-name", T.queue, "name", NAME_LIMITS.queue.max],
                ["sns-topic-name", T.topic, "name", NAME_LIMITS.topic.max],
                ["s3-bucket-name", T.bucket, "bucket", NAME_LIMITS.bucket.max],
                ["codedeploy-name", T.deploymentGroup, "deploymentGroupName", NAME_LIMITS.codedeploy.max],
            ];
            for (const [rule, type, input, max] of cases) {
                assert.deepEqual(messagesOf(rule, [resource(type, "r", { [input]: "a".repeat(max) })]), [], `${rule} at ${max}`);
                assert.equal(messagesOf(rule, [resource(type, "r", { [input]: "a".repeat(max + 1) })]).length, 1, `${rule} at ${max + 1}`);
            }
        });
    });
});
