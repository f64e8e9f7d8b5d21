import { strict as assert } from "assert";
import { edit, Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../../fixtures/stack";

const ACCOUNT = "123456789012";
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const queueArn = (name: string) => arn("sqs", name);
const TABLE = (cell: string) => arn("dynamodb", `table/cellular-dev-${cell}-data`);
const BUCKET = (cell: string) => `arn:aws:s3:::cellular-dev-${cell}-${ACCOUNT}`;
const FAILURES = (cell: string) => queueArn(`cellular-dev-${cell}-failures`);
const LOGS = (fn: string) => ({ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arn("logs", `log-group:/aws/lambda/${fn}:*`)] });
const TRACING = { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: ["*"] };
const DELIVER_FAILED = (cell: string) => ({ Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [FAILURES(cell)] });

function statements(stack: Stack, cell: string, kind: string): Json[] {
    return stack.json(stack.get("aws:iam/rolePolicy:RolePolicy", `${cell}-${kind}-policy`), "policy").Statement as Json[];
}

function urn(stack: Stack, type: string, name: string): string {
    return stack.get(type, name).urn;
}

const FN = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const PERMISSION = "aws:lambda/permission:Permission";

describe("event sources and destinations (dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("SQS queue (standard, cell-a)", () => {
        it("redrives to its own encrypted dead-letter queue after 5 receives, with a visibility of 6x the worker's timeout", () => {
            const queue = dev.get(QUEUE, "cell-a-queue");
            const dlq = dev.get(QUEUE, "cell-a-queue-dlq");
            const worker = dev.get(FN, "cell-a-queue-worker-function");
            assert.equal(queue.inputs.name, "cellular-dev-cell-a-queue");
            assert.equal(queue.inputs.sqsManagedSseEnabled, true);
            assert.equal(queue.inputs.visibilityTimeoutSeconds, 180);
            assert.ok((queue.inputs.visibilityTimeoutSeconds as number) >= 6 * (worker.inputs.timeout as number));
            assert.deepEqual(dev.json(queue, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-a-queue-dlq"), maxReceiveCount: 5 });
            assert.ok(queue.dependencies.includes(dlq.urn));
            assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
            assert.equal(dlq.inputs.messageRetentionSeconds, 1209600);
            assert.equal(dlq.inputs.fifoQueue, undefined);
            assert.deepEqual(dev.json(dlq, "redriveAllowPolicy"), { redrivePermission: "byQueue", sourceQueueArns: [queueArn("cellular-dev-cell-a-queue")] });
        });

        it("maps the queue to its worker with partial batch failures and no destination (AWS supports none for SQS)", () => {
            const mapping = dev.get(MAPPING, "cell-a-queue-mapping");
            assert.deepEqual({ ...mapping.inputs, tags: undefined }, {
                batchSize: 10,
                eventSourceArn: UNKNOWN,
                functionName: UNKNOWN,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: 2 },
                tags: undefined,
            });
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [urn(dev, QUEUE, "cell-a-queue")]);
            assert.deepEqual(mapping.propertyDependencies.functionName, [urn(dev, FN, "cell-a-queue-worker-function")]);
            assert.ok(mapping.dependencies.includes(urn(dev, "aws:iam/rolePolicy:RolePolicy", "cell-a-queue-worker-policy")));
            assert.equal(dev.has(INVOKE_CONFIG, "cell-a-queue-worker-async"), false);
        });

        it("lets the worker consume its queue and write its table, nothing more", () => {
            assert.deepEqual(statements(dev, "cell-a", "queue-worker"), [
                { Sid: "ConsumeQueue", Effect: "Allow", Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], Resource: [queueArn("cellular-dev-cell-a-queue")] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE("cell-a")] },
                LOGS("cellular-dev-cell-a-queue-worker"),
                TRACING,
            ]);
        });
    });

    describe("SQS queue (FIFO, cell-c)", () => {
        it("uses FIFO queues for the source and its dead-letter queue, batches of at most 10 and no window", () => {
            const queue = dev.get(QUEUE, "cell-c-queue");
            const dlq = dev.get(QUEUE, "cell-c-queue-dlq");
            assert.equal(queue.inputs.name, "cellular-dev-cell-c-queue.fifo");
            assert.equal(queue.inputs.fifoQueue, true);
            assert.equal(queue.inputs.contentBasedDeduplication, true);
            assert.equal(dlq.inputs.name, "cellular-dev-cell-c-queue-dlq.fifo");
            assert.equal(dlq.inputs.fifoQueue, true);
            assert.deepEqual(dev.json(queue, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-c-queue-dlq.fifo"), maxReceiveCount: 5 });
            const mapping = dev.get(MAPPING, "cell-c-queue-mapping");
            assert.equal(mapping.inputs.batchSize, 10);
            assert.equal("maximumBatchingWindowInSeconds" in mapping.inputs, false);
            assert.equal("destinationConfig" in mapping.inputs, false);
            assert.deepEqual(statements(dev, "cell-c", "queue-worker")[0]!.Resource, [queueArn("cellular-dev-cell-c-queue.fifo")]);
        });
    });

    describe("SNS topic", () => {
        it("delivers to the notifier through a permission scoped to the topic, with a redrive policy on the subscription", () => {
            const topic = dev.get("aws:sns/topic:Topic", "cell-a-topic");
            assert.equal(topic.inputs.name, "cellular-dev-cell-a-events");
            assert.equal(topic.inputs.kmsMasterKeyId, "alias/aws/sns");
            const permission = dev.get(PERMISSION, "cell-a-notifier-from-topic");
            assert.equal(permission.inputs.principal, "sns.amazonaws.com");
            assert.equal(permission.inputs.function, "cellular-dev-cell-a-notifier");
            assert.deepEqual(permission.propertyDependencies.sourceArn, [topic.urn]);
            const subscription = dev.get("aws:sns/topicSubscription:TopicSubscription", "cell-a-notifier-subscription");
            assert.equal(subscription.inputs.protocol, "lambda");
            assert.deepEqual(subscription.propertyDependencies.endpoint, [urn(dev, FN, "cell-a-notifier-function")]);
            assert.deepEqual(dev.json(subscription, "redrivePolicy"), { deadLetterTargetArn: FAILURES("cell-a") });
            assert.ok(subscription.dependencies.includes(permission.urn));
        });

        it("sends the notifier's failed events to the cell's failure queue after 2 retries", () => {
            const config = dev.get(INVOKE_CONFIG, "cell-a-notifier-async");
            assert.deepEqual(config.inputs, {
                functionName: "cellular-dev-cell-a-notifier",
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 3600,
                destinationConfig: { onFailure: { destination: FAILURES("cell-a") } },
            });
            assert.deepEqual(statements(dev, "cell-a", "notifier"), [
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE("cell-a")] },
                DELIVER_FAILED("cell-a"),
                LOGS("cellular-dev-cell-a-notifier"),
                TRACING,
            ]);
        });
    });

    describe("S3 bucket", () => {
        it("is encrypted, private and owned by the bucket owner", () => {
            assert.equal(dev.get("aws:s3/bucket:Bucket", "cell-b-bucket").inputs.bucket, `cellular-dev-cell-b-${ACCOUNT}`);
            assert.deepEqual({ ...dev.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cell-b-bucket-public-access").inputs, bucket: undefined },
                { bucket: undefined, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
            assert.deepEqual(dev.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cell-b-bucket-encryption").inputs.rules,
                [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }]);
        });

        it("notifies the ingest function of new objects under incoming/ ending in .csv or .jsonl, after the permission exists", () => {
            const permission = dev.get(PERMISSION, "cell-b-ingest-from-bucket");
            assert.equal(permission.inputs.principal, "s3.amazonaws.com");
            assert.equal(permission.inputs.sourceAccount, ACCOUNT);
            assert.deepEqual(permission.propertyDependencies.sourceArn, [urn(dev, "aws:s3/bucket:Bucket", "cell-b-bucket")]);
            const notification = dev.get("aws:s3/bucketNotification:BucketNotification", "cell-b-bucket-notification");
            assert.deepEqual((notification.inputs.lambdaFunctions as Json[]).map(f => ({ ...f, lambdaFunctionArn: undefined })), [
                { events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/", filterSuffix: ".csv", lambdaFunctionArn: undefined },
                { events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/", filterSuffix: ".jsonl", lambdaFunctionArn: undefined },
            ]);
            assert.ok(notification.dependencies.includes(permission.urn));
        });

        it("lets ingest read incoming/, write errors/ and its table, and deliver its failures", () => {
            assert.deepEqual(statements(dev, "cell-b", "ingest"), [
                { Sid: "ReadIncoming", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${BUCKET("cell-b")}/incoming/*`] },
                { Sid: "ListIncoming", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [BUCKET("cell-b")], Condition: { StringLike: { "s3:prefix": ["incoming/*"] } } },
                { Sid: "WriteErrorReports", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${BUCKET("cell-b")}/errors/*`] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"], Resource: [TABLE("cell-b")] },
                DELIVER_FAILED("cell-b"),
                LOGS("cellular-dev-cell-b-ingest"),
                TRACING,
            ]);
            assert.equal(dev.get(INVOKE_CONFIG, "cell-b-ingest-async").inputs.maximumRetryAttempts, 2);
        });
    });

    describe("EventBridge schedule", () => {
        it("runs the daily job with a permission scoped to the rule, and keeps undeliverable events in the failure queue", () => {
            const rule = dev.get("aws:cloudwatch/eventRule:EventRule", "cell-a-schedule");
            assert.equal(rule.inputs.scheduleExpression, "cron(0 3 * * ? *)");
            assert.equal(rule.inputs.name, "cellular-dev-cell-a-daily");
            const permission = dev.get(PERMISSION, "cell-a-scheduled-from-rule");
            assert.equal(permission.inputs.principal, "events.amazonaws.com");
            assert.deepEqual(permission.propertyDependencies.sourceArn, [rule.urn]);
            const target = dev.get("aws:cloudwatch/eventTarget:EventTarget", "cell-a-schedule-target");
            assert.deepEqual(target.inputs.retryPolicy, { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 8 });
            assert.deepEqual(target.propertyDependencies.deadLetterConfig, [urn(dev, QUEUE, "cell-a-failures")]);
            assert.deepEqual(target.propertyDependencies.arn, [urn(dev, FN, "cell-a-scheduled-function")]);
            assert.deepEqual(statements(dev, "cell-a", "scheduled").slice(0, 3), [
                { Sid: "ReadOwnTable", Effect: "Allow", Action: ["dynamodb:Scan"], Resource: [TABLE("cell-a")] },
                { Sid: "WriteSummaries", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${BUCKET("cell-a")}/summaries/*`] },
                DELIVER_FAILED("cell-a"),
            ]);
            assert.equal((dev.get(FN, "cell-a-scheduled-function").inputs.environment as Json).variables.BUCKET_NAME, `cellular-dev-cell-a-${ACCOUNT}`);
        });
    });

    describe("streams", () => {
        it("maps the table's stream (keys only, item rows only) with bisection, finite retries, a record age and the failure queue", () => {
            const table = dev.get("aws:dynamodb/table:Table", "cell-a-table");
            assert.equal(table.inputs.streamEnabled, true);
            assert.equal(table.inputs.streamViewType, "KEYS_ONLY");
            const mapping = dev.get(MAPPING, "cell-a-table-stream-mapping");
            assert.deepEqual({ ...mapping.inputs, tags: undefined }, {
                batchSize: 100,
                bisectBatchOnFunctionError: true,
                destinationConfig: { onFailure: { destinationArn: UNKNOWN } },
                eventSourceArn: UNKNOWN,
                filterCriteria: { filters: [{ pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"ITEM#"}]}}}}' }] },
                functionName: UNKNOWN,
                functionResponseTypes: ["ReportBatchItemFailures"],
                maximumRecordAgeInSeconds: 3600,
                maximumRetryAttempts: 5,
                parallelizationFactor: 1,
                startingPosition: "LATEST",
                tags: undefined,
            });
            assert.deepEqual(mapping.propertyDependencies.destinationConfig, [urn(dev, QUEUE, "cell-a-failures")]);
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [table.urn]);
            assert.deepEqual(statements(dev, "cell-a", "table-stream").slice(0, 3), [
                { Sid: "ReadOwnTableStream", Effect: "Allow", Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], Resource: [`${TABLE("cell-a")}/stream/*`] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE("cell-a")] },
                { Sid: "DeliverFailedBatches", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [FAILURES("cell-a")] },
            ]);
        });

        it("maps the cell's encrypted Kinesis stream with a parallelization factor", () => {
            const stream = dev.get("aws:kinesis/stream:Stream", "cell-b-kinesis");
            assert.equal(stream.inputs.encryptionType, "KMS");
            assert.equal(stream.inputs.shardCount, 1);
            const mapping = dev.get(MAPPING, "cell-b-kinesis-mapping");
            assert.equal(mapping.inputs.parallelizationFactor, 2);
            assert.equal(mapping.inputs.bisectBatchOnFunctionError, true);
            assert.equal(mapping.inputs.maximumRetryAttempts, 5);
            assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [stream.urn]);
            assert.deepEqual(statements(dev, "cell-b", "kinesis-stream")[0], {
                Sid: "ReadOwnStream", Effect: "Allow",
                Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
                Resource: [arn("kinesis", "stream/cellular-dev-cell-b-stream")],
            });
        });
    });

    describe("the failure queue", () => {
        it("is drained by the failure handler, redrives to a last-resort queue, and accepts deliveries only from the cell's topic and rule", () => {
            const failures = dev.get(QUEUE, "cell-a-failures");
            assert.equal(failures.inputs.visibilityTimeoutSeconds, 6 * 30);
            assert.deepEqual(dev.json(failures, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-a-failures-last-resort"), maxReceiveCount: 5 });
            const mapping = dev.get(MAPPING, "cell-a-failure-handler-mapping");
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [failures.urn]);
            assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
            const policy = dev.json(dev.get("aws:sqs/queuePolicy:QueuePolicy", "cell-a-failures-policy"), "policy");
            assert.deepEqual(policy.Statement, [
                { Sid: "FromSNS", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: FAILURES("cell-a"),
                    Condition: { ArnEquals: { "aws:SourceArn": [arn("sns", "cellular-dev-cell-a-events")] } } },
                { Sid: "FromEVENTS", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: FAILURES("cell-a"),
                    Condition: { ArnEquals: { "aws:SourceArn": [arn("events", "rule/cellular-dev-cell-a-daily")] } } },
            ]);
        });

        it("gives an invoke config with an on-failure destination to every asynchronously invoked function, and to no other", () => {
            const configured = dev.ofType(INVOKE_CONFIG).map(c => c.inputs.functionName).sort();
            assert.deepEqual(configured, ["a", "b", "c"].flatMap(c => ["ingest", "notifier", "scheduled"].map(k => `cellular-dev-cell-${c}-${k}`)).sort());
        });
    });

    describe("destinations by config", () => {
        it("sends failures to an SNS topic that feeds the failure queue (onFailure: topic)", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "topic"; }) });
            const topicArn = arn("sns", "cellular-dev-cell-a-failure-events");
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-notifier-async").inputs.destinationConfig, { onFailure: { destination: topicArn } });
            assert.deepEqual(statements(stack, "cell-a", "notifier")[1], { Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] });
            const sub = stack.get("aws:sns/topicSubscription:TopicSubscription", "cell-a-failure-events-to-queue");
            assert.equal(sub.inputs.protocol, "sqs");
            assert.equal(sub.inputs.rawMessageDelivery, true);
            assert.deepEqual(sub.propertyDependencies.endpoint, [urn(stack, QUEUE, "cell-a-failures")]);
            const policy = stack.json(stack.get("aws:sqs/queuePolicy:QueuePolicy", "cell-a-failures-policy"), "policy");
            assert.deepEqual(policy.Statement[0].Condition.ArnEquals["aws:SourceArn"], [topicArn, arn("sns", "cellular-dev-cell-a-events")]);
        });

        it("invokes the failure handler, whose own failures go to the last-resort queue (onFailure: function)", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "function"; }) });
            const handlerArn = arn("lambda", "function:cellular-dev-cell-a-failure-handler");
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-ingest-async").inputs.destinationConfig, { onFailure: { destination: handlerArn } });
            assert.deepEqual(statements(stack, "cell-a", "ingest")[4], { Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [handlerArn] });
            const own = stack.get(INVOKE_CONFIG, "cell-a-failure-handler-async");
            assert.equal((own.inputs.destinationConfig as Json).onFailure.destination, UNKNOWN);
            assert.deepEqual(own.propertyDependencies.destinationConfig, [urn(stack, QUEUE, "cell-a-failures-last-resort")]);
        });

        it("puts failure records on the default bus and routes them back into the failure queue (onFailure: bus), with an on-success destination", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; d.async.onSuccess = "queue"; }) });
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-scheduled-async").inputs.destinationConfig, {
                onFailure: { destination: arn("events", "event-bus/default") },
                onSuccess: { destination: FAILURES("cell-a") },
            });
            const rule = stack.get("aws:cloudwatch/eventRule:EventRule", "cell-a-failure-records");
            const pattern = stack.json(rule, "eventPattern");
            assert.deepEqual(pattern["detail-type"], ["Lambda Function Invocation Result - Failure"]);
            assert.ok((pattern.resources as Json[]).some(r => r.prefix === arn("lambda", "function:cellular-dev-cell-a-scheduled")));
            assert.deepEqual(stack.get("aws:cloudwatch/eventTarget:EventTarget", "cell-a-failure-records-to-queue").propertyDependencies.arn, [urn(stack, QUEUE, "cell-a-failures")]);
        });
    });
});
