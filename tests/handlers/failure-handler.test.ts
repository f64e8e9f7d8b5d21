import * as assert from "assert";
import fc from "fast-check";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { ParsedFailure, isSuccessRecord, parseFailureMessage } from "../../handlers/lib/failure-record";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { awsEnv, capture, failedItems, fakeContext, metricValues, setEnv, sqsRecord, withoutInvocationFields } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";

type FailureHandler = typeof import("../../handlers/failure-handler");
const MODULE = "../../handlers/failure-handler";
const BUCKET = "cell-a-ingest";
const FN = "arn:aws:lambda:us-east-1:123456789012:function";
const SENT = Date.UTC(2026, 10, 26, 12, 30, 0);

// Messages as they arrive on the failure queue.
const asyncFailure = JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-26T12:29:59.000Z",
    requestContext: { requestId: "req-1", functionArn: `${FN}:cellular-dev-cell-a-notifier:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 },
    requestPayload: { Records: [{ Sns: { MessageId: "sns-1", Message: "not json" } }] },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "NotificationFailedError", errorMessage: "1 notification(s) not stored", trace: [] },
});
const ddbBatch = {
    shardId: "shardId-00000001573689847184-864758bb",
    startSequenceNumber: "800000000003126276362",
    endSequenceNumber: "800000000003126276399",
    approximateArrivalOfFirstRecord: "2026-11-26T12:00:00Z",
    approximateArrivalOfLastRecord: "2026-11-26T12:00:05Z",
    batchSize: 7,
    streamArn: "arn:aws:dynamodb:us-east-1:123456789012:table/cell-table/stream/2026-11-26T00:00:00.000",
};
const streamFailure = JSON.stringify({
    requestContext: { requestId: "req-2", functionArn: `${FN}:cellular-dev-cell-a-table-stream`, condition: "RetryAttemptsExhausted", approximateInvokeCount: 4 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: "2026-11-26T12:29:58.000Z",
    DDBStreamBatchInfo: ddbBatch,
});
const kinesisFailure = JSON.stringify({
    requestContext: { requestId: "req-3", functionArn: `${FN}:someone-elses-function`, condition: "MaximumRecordAgeExceeded", approximateInvokeCount: 1 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: "2026-11-26T12:29:57.000Z",
    KinesisBatchInfo: { shardId: "shardId-000000000000", startSequenceNumber: "49", endSequenceNumber: "50", batchSize: 2, streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s" },
});
const eventBridgeAttributes = {
    RULE_ARN: "arn:aws:events:us-east-1:123456789012:rule/cellular-dev-cell-a-schedule",
    TARGET_ARN: `${FN}:cellular-dev-cell-a-scheduled`,
    ERROR_CODE: "SDK_CLIENT_ERROR",
    ERROR_MESSAGE: "Unable to invoke Lambda function",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    RETRY_ATTEMPTS: "185",
};
const snsEnvelope = JSON.stringify({ Type: "Notification", MessageId: "sns-9", TopicArn: "arn:aws:sns:us-east-1:123456789012:cellular-dev-cell-a-topic", Message: "{}" });
// Destination `bus`: the record as the detail of an EventBridge event, routed to the failure queue by a rule.
const viaEventBridge = JSON.stringify({
    version: "0", id: "ev-1", "detail-type": "Lambda Function Invocation Result - Failure", source: "lambda", account: "123456789012",
    time: "2026-11-26T12:29:59Z", region: "us-east-1", resources: [`${FN}:cellular-dev-cell-a-notifier:$LATEST`], detail: JSON.parse(asyncFailure),
});
// Destination `topic` without raw delivery: the record as the Message of an SNS envelope.
const viaSns = JSON.stringify({ Type: "Notification", MessageId: "sns-10", TopicArn: "arn:aws:sns:us-east-1:123456789012:failure-events", Message: asyncFailure });
const successRecord = JSON.stringify({
    version: "1.0", timestamp: "2026-11-26T12:29:59.000Z",
    requestContext: { requestId: "req-ok", functionArn: `${FN}:cellular-dev-cell-a-ingest:$LATEST`, condition: "Success", approximateInvokeCount: 1 },
    requestPayload: {}, responseContext: { statusCode: 200, executedVersion: "$LATEST" }, responsePayload: [],
});

describe("failure message parsing", () => {
    const cases: Array<[string, Parameters<typeof parseFailureMessage>[0], ParsedFailure]> = [
        ["an async on-failure destination record", { body: asyncFailure }, {
            kind: "async-invocation", source: "notifier", functionArn: `${FN}:cellular-dev-cell-a-notifier:$LATEST`, requestId: "req-1",
            condition: "RetriesExhausted", attempts: 3, errorType: "NotificationFailedError", errorMessage: "1 notification(s) not stored",
            failedAt: "2026-11-26T12:29:59.000Z",
        }],
        ["a DynamoDB stream on-failure record", { body: streamFailure }, {
            kind: "stream-batch", source: "table-stream", functionArn: `${FN}:cellular-dev-cell-a-table-stream`, requestId: "req-2",
            condition: "RetryAttemptsExhausted", attempts: 4, errorType: "Unhandled", failedAt: "2026-11-26T12:29:58.000Z",
            batch: { stream: "dynamodb", ...ddbBatch },
        }],
        ["a Kinesis on-failure record of a function outside the cell", { body: kinesisFailure }, {
            kind: "stream-batch", source: "kinesis", functionArn: `${FN}:someone-elses-function`, requestId: "req-3",
            condition: "MaximumRecordAgeExceeded", attempts: 1, errorType: "Unhandled", failedAt: "2026-11-26T12:29:57.000Z",
            batch: { stream: "kinesis", shardId: "shardId-000000000000", startSequenceNumber: "49", endSequenceNumber: "50", batchSize: 2, streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s" },
        }],
        ["an EventBridge rule target DLQ message", { body: "{\"detail-type\":\"Scheduled Event\"}", messageAttributes: attrs(eventBridgeAttributes) }, {
            kind: "dead-letter", source: "eventbridge", errorType: "SDK_CLIENT_ERROR", errorMessage: "Unable to invoke Lambda function",
            condition: "MaximumRetryAttempts", attempts: 185, originArn: eventBridgeAttributes.RULE_ARN, targetArn: eventBridgeAttributes.TARGET_ARN,
        }],
        ["an EventBridge Scheduler DLQ message", { body: "{}", messageAttributes: attrs({ SCHEDULE_ARN: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/daily", ERROR_CODE: "AccessDenied" }) }, {
            kind: "dead-letter", source: "scheduler", errorType: "AccessDenied", originArn: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/daily",
        }],
        ["a Lambda function DLQ message", { body: "{}", messageAttributes: attrs({ RequestID: "req-4", ErrorCode: "200", ErrorMessage: "boom" }) }, {
            kind: "dead-letter", source: "lambda", requestId: "req-4", errorType: "200", errorMessage: "boom",
        }],
        ["an SQS redrive of a source queue", { body: snsEnvelope, attributes: { DeadLetterQueueSourceArn: "arn:aws:sqs:us-east-1:123456789012:q" } }, {
            kind: "dead-letter", source: "sqs", originArn: "arn:aws:sqs:us-east-1:123456789012:q",
        }],
        ["an SNS subscription DLQ message", { body: snsEnvelope }, {
            kind: "dead-letter", source: "sns", originArn: "arn:aws:sns:us-east-1:123456789012:cellular-dev-cell-a-topic",
        }],
        ["a message it does not recognise", { body: "\u0000 not json" }, { kind: "dead-letter", source: "unknown" }],
        ["a destination record with fields of the wrong type", { body: JSON.stringify({ requestContext: { functionArn: 7, approximateInvokeCount: "x" }, responsePayload: "boom" }) }, {
            kind: "async-invocation", source: "lambda",
        }],
    ];
    for (const [name, message, expected] of cases) {
        it(`reads ${name}`, () => assert.deepStrictEqual(parseFailureMessage(message), expected));
    }

    it("unwraps a destination record delivered as an EventBridge event (bus) or an SNS envelope (topic)", () => {
        const bare = parseFailureMessage({ body: asyncFailure });
        assert.deepStrictEqual(parseFailureMessage({ body: viaEventBridge }), { ...bare, via: "eventbridge" });
        assert.deepStrictEqual(parseFailureMessage({ body: viaSns }), { ...bare, via: "sns" });
    });

    it("tells an on-success record from a failure", () => {
        assert.deepStrictEqual([isSuccessRecord(parseFailureMessage({ body: successRecord })), isSuccessRecord(parseFailureMessage({ body: asyncFailure }))], [true, false]);
    });

    it("never throws, whatever the body and attributes", () => {
        fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), fc.dictionary(fc.constantFrom("ERROR_CODE", "RequestID", "RETRY_ATTEMPTS", "x"), fc.string()), (body, attributes) => {
            const parsed = parseFailureMessage({ body, messageAttributes: attrs(attributes) });
            assert.ok(parsed.source.length > 0);
        }), { numRuns: 300 });
    });
});

describe("failure-handler handler", () => {
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let restoreEnv: () => void;
    let handler: FailureHandler["handler"];

    before(async () => {
        [dynamo, s3] = await Promise.all([startFakeDynamo(), startFakeS3()]);
        restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint }, { BUCKET_NAME: BUCKET }));
        handler = (require(MODULE) as FailureHandler).handler;
    });
    after(async () => {
        restoreEnv();
        await Promise.all([dynamo.close(), s3.close()]);
    });
    beforeEach(async () => {
        dynamo.failWhen(undefined);
        s3.clear();
        await dynamo.clear();
    });

    const failureQueue = "cellular-dev-cell-a-failures";
    const message = (id: string, body: string, attributes?: Record<string, string>, system?: Partial<SQSRecord["attributes"]>) =>
        sqsRecord(id, body, { queue: failureQueue, sentAt: SENT, attributes, system });
    const run = async (records: SQSRecord[], invoke = handler) => {
        const captured = await capture(() => invoke({ Records: records }, fakeContext()));
        const { ids, fullBatchFailure } = failedItems(captured, records.map(r => r.messageId));
        return { ...captured, response: captured.result as SQSBatchResponse, failed: ids, fullBatchFailure };
    };
    const rows = async () => (await dynamo.rows()).map(({ recordedAt, ...rest }) => {
        assert.strictEqual(typeof recordedAt, "string");
        return rest;
    });

    it("records an async on-failure record: one log line without the error's message, FailedEvents{cell,source}, a replayable row that expires", async () => {
        const { response, logs, metrics } = await run([message("m-1", asyncFailure)]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual(await rows(), [{
            pk: "FAILURE#2026-11-26", sk: "2026-11-26T12:30:00.000Z#m-1",
            kind: "async-invocation", source: "notifier", functionArn: `${FN}:cellular-dev-cell-a-notifier:$LATEST`, requestId: "req-1",
            condition: "RetriesExhausted", attempts: 3, errorType: "NotificationFailedError", errorMessage: "1 notification(s) not stored",
            failedAt: "2026-11-26T12:29:59.000Z", cell: "cell-a", messageId: "m-1",
            queueArn: `arn:aws:sqs:us-east-1:123456789012:${failureQueue}`, receivedAt: "2026-11-26T12:30:00.000Z", body: asyncFailure,
            // FAILURE_RETENTION_DAYS (30) after the failure arrived: the table's TTL attribute.
            expiresAt: SENT / 1000 + 30 * 24 * 3600,
        }]);
        const recorded = logs.filter(l => l.message === "failed event recorded");
        assert.strictEqual(recorded.length, 1);
        assert.deepStrictEqual(withoutInvocationFields(recorded[0]), {
            level: "ERROR", message: "failed event recorded", service: "failure-handler", cell: "cell-a",
            source: "notifier", kind: "async-invocation", functionArn: `${FN}:cellular-dev-cell-a-notifier:$LATEST`, requestId: "req-1",
            errorType: "NotificationFailedError", attempts: 3, condition: "RetriesExhausted",
            messageId: "m-1", failureKey: { pk: "FAILURE#2026-11-26", sk: "2026-11-26T12:30:00.000Z#m-1" },
        });
        assert.deepStrictEqual(metricValues({ metrics }, "FailedEvents"), [{ value: 1, dimensions: { cell: "cell-a", source: "notifier" } }]);
    });

    it("records stream batches and dead-letter messages with their origin as the metric source", async () => {
        const { response, metrics } = await run([
            message("m-stream", streamFailure),
            message("m-kinesis", kinesisFailure),
            message("m-eb", "{\"id\":\"e-1\"}", eventBridgeAttributes),
            message("m-sns", snsEnvelope),
            message("m-redrive", "{\"customerId\":\"c-1\"}", undefined, { DeadLetterQueueSourceArn: "arn:aws:sqs:us-east-1:123456789012:q" }),
            message("m-junk", "junk"),
        ]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        const stored: Record<string, Record<string, unknown>> = Object.fromEntries((await rows()).map(r => [r.messageId, r]));
        assert.deepStrictEqual(Object.fromEntries(Object.entries(stored).map(([id, r]) => [id, [r.kind, r.source]])), {
            "m-stream": ["stream-batch", "table-stream"],
            "m-kinesis": ["stream-batch", "kinesis"],
            "m-eb": ["dead-letter", "eventbridge"],
            "m-sns": ["dead-letter", "sns"],
            "m-redrive": ["dead-letter", "sqs"],
            "m-junk": ["dead-letter", "unknown"],
        });
        assert.deepStrictEqual(stored["m-stream"].batch, { stream: "dynamodb", ...ddbBatch });
        assert.deepStrictEqual(stored["m-eb"].messageAttributes, eventBridgeAttributes);
        assert.strictEqual(stored["m-junk"].body, "junk");
        assert.deepStrictEqual(metricValues({ metrics }, "FailedEvents").map(m => m.dimensions.source).sort(),
            ["eventbridge", "kinesis", "sns", "sqs", "table-stream", "unknown"]);
    });

    it("records a redelivered message once: no second row, log line or metric", async () => {
        await run([message("m-1", asyncFailure)]);
        const before = await dynamo.rows();

        const { response, logs, metrics } = await run([message("m-1", asyncFailure)]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual(await dynamo.rows(), before);
        assert.deepStrictEqual(logs.map(l => l.message), ["failure already recorded; redelivery ignored"]);
        assert.deepStrictEqual(metrics, []);
    });

    it("reports a message it cannot store and records the others", async () => {
        dynamo.failWhen(r => JSON.stringify(r.body).includes("#m-2\""));

        const { response, logs } = await run([message("m-1", asyncFailure), message("m-2", streamFailure), message("m-3", "x")]);

        assert.deepStrictEqual(response, { batchItemFailures: [{ itemIdentifier: "m-2" }] });
        assert.deepStrictEqual((await dynamo.rows()).map(r => r.messageId), ["m-1", "m-3"]);
        assert.deepStrictEqual(logs.filter(l => l.message === "could not record a failed event; it stays on the failure queue").map(l => [l.messageId, l.errorType, l.errorMessage]),
            [["m-2", "AccessDeniedException", undefined]]);
    });

    it("fails the invocation when nothing can be stored, so the failure path's own outage raises its Errors metric", async () => {
        dynamo.failWhen(r => r.operation === "PutItem");

        const { error, logs } = await run([message("m-1", asyncFailure), message("m-2", "x")]);

        assert.strictEqual((error as Error).name, "FullBatchFailureError");
        assert.deepStrictEqual(logs.filter(l => l.level === "ERROR").map(l => l.messageId ?? l.records), ["m-1", "m-2", 2]);
    });

    it("records wrapped destination records with the origin of the record inside", async () => {
        const { response } = await run([message("m-eb", viaEventBridge), message("m-sns", viaSns)]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual((await rows()).map(r => [r.messageId, r.kind, r.source, r.via, r.requestId]), [
            ["m-eb", "async-invocation", "notifier", "eventbridge", "req-1"],
            ["m-sns", "async-invocation", "notifier", "sns", "req-1"],
        ]);
    });

    it("skips an on-success record that shares the failure queue: no row, no FailedEvents", async () => {
        const { response, metrics } = await run([message("m-ok", successRecord)]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual(await dynamo.rows(), []);
        assert.deepStrictEqual(metrics, []);
    });

    describe("invoked with a bare destination record (destination function)", () => {
        const invokeWith = (record: string) => capture(() => handler(JSON.parse(record) as Record<string, unknown>, fakeContext()));

        it("records it keyed by the failed invocation's request id and time, once across retries", async () => {
            const first = await invokeWith(asyncFailure);
            const retry = await invokeWith(asyncFailure);

            assert.deepStrictEqual([first.error, first.result, retry.error], [undefined, undefined, undefined]);
            assert.deepStrictEqual((await rows()).map(r => [r.pk, r.sk, r.source, r.requestId, r.body, r.queueArn]), [
                ["FAILURE#2026-11-26", "2026-11-26T12:29:59.000Z#req-1", "notifier", "req-1", asyncFailure, undefined],
            ]);
            assert.deepStrictEqual(metricValues(first, "FailedEvents"), [{ value: 1, dimensions: { cell: "cell-a", source: "notifier" } }]);
            assert.deepStrictEqual(metricValues(retry, "FailedEvents"), []);
        });

        it("fails the invocation when it cannot store the record, so Lambda retries it", async () => {
            dynamo.failWhen(r => r.operation === "PutItem");
            const { error } = await invokeWith(streamFailure);
            assert.strictEqual((error as Error).name, "AccessDeniedException");
        });
    });

    it("keeps a body too large for an item in the bucket and points the row at it", async () => {
        const big = JSON.stringify({ requestContext: { requestId: "r", functionArn: `${FN}:cellular-dev-cell-a-ingest` }, requestPayload: { pad: "x".repeat(400 * 1024) } });

        const { response } = await run([message("m-big", big)]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        const [row] = await rows();
        assert.deepStrictEqual([row.source, row.body, row.bodyLocation, row.bodyBytes], [
            "ingest", undefined, `s3://${BUCKET}/failures/2026-11-26/m-big.json`, Buffer.byteLength(big),
        ]);
        assert.strictEqual(s3.get(BUCKET, "failures/2026-11-26/m-big.json")!.body.toString("utf8"), big);
    });

    it("stores a too-large body truncated and flagged when the cell has no bucket", async () => {
        const restore = setEnv({ BUCKET_NAME: undefined });
        let fresh: FailureHandler["handler"];
        try {
            delete require.cache[require.resolve(MODULE)];
            fresh = (require(MODULE) as FailureHandler).handler;
        } finally {
            restore();
            delete require.cache[require.resolve(MODULE)];
        }
        const big = "y".repeat(350 * 1024);

        const { response } = await run([message("m-big", big)], fresh);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        const [row] = await rows();
        assert.deepStrictEqual([(row.body as string).length, row.bodyTruncated, row.bodyBytes], [300 * 1024, true, 350 * 1024]);
        assert.deepStrictEqual(s3.requests, []);
    });

    it("for any batch, reports exactly the messages it could not store and records every other one once", async () => {
        const bodies = [asyncFailure, streamFailure, kinesisFailure, snsEnvelope, "junk", "{}"];
        const entry = fc.record({ body: fc.constantFrom(...bodies), storeFails: fc.boolean(), redelivered: fc.boolean() });
        await fc.assert(fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), async entries => {
            await dynamo.clear();
            const records = entries.map((e, i) => message(`m-${i}`, e.body));
            const failing = new Set(entries.flatMap((e, i) => (e.storeFails ? [`m-${i}`] : [])));
            dynamo.failWhen(r => [...failing].some(id => JSON.stringify(r.body).includes(`#${id}"`)));

            const first = await run(records);
            dynamo.failWhen(undefined);
            const second = await run(records.filter((_, i) => entries[i].redelivered));

            assert.deepStrictEqual(first.failed, [...failing]);
            assert.strictEqual(first.fullBatchFailure, failing.size === records.length);
            assert.deepStrictEqual(second.failed, []);
            const expected = entries.flatMap((e, i) => (!e.storeFails || e.redelivered ? [`m-${i}`] : []));
            assert.deepStrictEqual((await dynamo.rows()).map(r => r.messageId).sort(), expected.sort());
        }), { numRuns: 20 });
    });
});

function attrs(values: Record<string, string>): Record<string, { stringValue: string; dataType: string }> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { stringValue: v, dataType: "String" }]));
}
