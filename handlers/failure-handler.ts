/**
 * failure-handler: makes every lost event of the cell visible and replayable. Consumes the cell's failure
 * queue (SQS) — or, with the async destination `function`, is invoked with one bare destination record. The
 * failure queue receives:
 * - on-failure destination records of the asynchronously invoked functions (ingest, notifier, scheduled):
 *   `{ requestContext: { requestId, functionArn, condition, approximateInvokeCount }, requestPayload,
 *   responseContext, responsePayload: { errorType, errorMessage } }`;
 * - on-failure records of the stream mappings (table stream, Kinesis): `requestContext` plus
 *   `DDBStreamBatchInfo` / `KinesisBatchInfo` (shard and sequence-number range, no data);
 * - raw messages from dead-letter queues (EventBridge/Scheduler targets, SNS subscriptions, Lambda DLQs, SQS
 *   redrive) with the reason in message attributes (ERROR_CODE / ERROR_MESSAGE, ...).
 * Destination records wrapped by the `bus` (EventBridge event) and `topic` (SNS envelope) destinations are
 * unwrapped; on-success records that share the target are skipped. Shapes and how each is recognised:
 * lib/failure-record.ts.
 *
 * For each message: one structured log line (ERROR, "failed event recorded") with the origin — function,
 * request id, error type, attempts, source; never the error's message or the event, which may quote customer
 * data — the metric `FailedEvents` (dimensions exactly `cell` and `source`), and a failure row
 * `FAILURE#<yyyy-mm-dd>` / `<iso time>#<SQS message id>` in the cell's table holding the parsed origin and the
 * whole message body (the event to replay: `requestPayload` of a destination record, the body of a dead-letter
 * message). The row expires `FAILURE_RETENTION_DAYS` after the failure arrived (the table's TTL attribute), as
 * the bucket's lifecycle rule expires `failures/`. A body too large for an item (over 300 KiB) is stored in the
 * cell's bucket at `failures/<yyyy-mm-dd>/<message id>.json` (env BUCKET_NAME), or truncated and flagged when
 * there is no bucket. The row is written on condition that it does not exist, so a redelivered message is
 * recorded, logged and counted once. On-success records never reach this function by design (the cell sends
 * them to their own sink); one that does anyway is logged and skipped, not recorded.
 *
 * Failures: a message that cannot be stored is reported in `batchItemFailures` (never dropped) and returns to
 * the failure queue after its visibility timeout, until the queue's own `maxReceiveCount` moves it to that
 * queue's dead-letter queue. When none of the batch can be stored the invocation fails (Powertools'
 * FullBatchFailureError), so the function's Errors metric shows that the failure path itself is down. Invoked
 * with a bare record (destination `function`), a record it cannot store fails the invocation: Lambda retries it,
 * then sends it to this function's own on-failure destination (the cell's last-resort queue). Its row is keyed
 * by the failed invocation's request id and time, so this function's own retries do not record it twice.
 */
import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { METRICS_NAMESPACE, hasS3EndpointOverride, optionalEnv, requireEnv } from "./lib/events-env";
import { ParsedFailure, isSuccessRecord, parseDestinationRecord, parseFailureMessage } from "./lib/failure-record";
import { expiresAt, isConditionalCheckFailed } from "./lib/idempotency";
import { errorFields } from "./lib/log-safe";
import { ENV, TTL_ATTRIBUTE, keys } from "./lib/table";
import { failureKey } from "./lib/bucket-layout";
import { traced, tracedHandler } from "./clients/tracing";

const SERVICE = "failure-handler";
/** DynamoDB items are at most 400 KB; this leaves room for the parsed fields. */
const MAX_INLINE_BODY_BYTES = 300 * 1024;

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const bucketName = optionalEnv(ENV.bucketName);
const retentionSeconds = retentionDays(requireEnv(ENV.failureRetentionDays)) * 24 * 3600;
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
// FailedEvents is what alarms watch: its dimensions are exactly { cell, source }, without Powertools' `service`.
const failureMetric = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, singleMetric: true });
failureMetric.clearDefaultDimensions();
const ddb = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})));
const s3 = traced(new S3Client({ forcePathStyle: hasS3EndpointOverride() }));
const processor = new BatchProcessor(EventType.SQS);

function retentionDays(value: string): number {
    const days = Number(value);
    if (!Number.isInteger(days) || days < 1) throw new Error(`${ENV.failureRetentionDays} must be a whole number of days, at least 1`);
    return days;
}

/** When the failure reached the queue: the SQS sent time, the same on every redelivery (so the row key is too). */
function sentAt(record: SQSRecord): string {
    const sent = Number(record.attributes.SentTimestamp);
    return new Date(Number.isFinite(sent) ? sent : Date.now()).toISOString();
}

async function bodyFields(body: string, messageId: string, at: string): Promise<Record<string, unknown>> {
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes <= MAX_INLINE_BODY_BYTES) return { body };
    if (bucketName !== undefined) {
        const key = failureKey(at.slice(0, 10), messageId);
        await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: body, ContentType: "application/json" }));
        return { bodyLocation: `s3://${bucketName}/${key}`, bodyBytes: bytes };
    }
    logger.warn("message body too large for the table and no bucket is configured; stored truncated", { messageId, bytes });
    return { body: Buffer.from(body, "utf8").subarray(0, MAX_INLINE_BODY_BYTES).toString("utf8"), bodyTruncated: true, bodyBytes: bytes };
}

/** Where a failure came in: the id and time that key its row, and what is kept with it. */
interface Arrival {
    messageId: string;
    at: string;
    body: string;
    queueArn?: string;
    attributes?: Record<string, string>;
}

type Outcome = "recorded" | "duplicate" | "not-a-failure";

/** Logs, counts and stores one failure, once: a second arrival of the same failure changes nothing. */
async function recordFailure(failure: ParsedFailure, arrival: Arrival): Promise<Outcome> {
    if (isSuccessRecord(failure)) {
        logger.info("on-success record; not a failure, not recorded", { messageId: arrival.messageId, functionArn: failure.functionArn });
        return "not-a-failure";
    }
    const key = keys.failure(arrival.at, arrival.messageId);
    try {
        await ddb.send(new PutCommand({
            TableName: tableName,
            Item: {
                ...key,
                ...failure,
                cell: cellId,
                messageId: arrival.messageId,
                ...(arrival.queueArn === undefined ? {} : { queueArn: arrival.queueArn }),
                receivedAt: arrival.at,
                recordedAt: new Date().toISOString(),
                [TTL_ATTRIBUTE]: expiresAt(new Date(arrival.at), retentionSeconds),
                ...(arrival.attributes && Object.keys(arrival.attributes).length > 0 ? { messageAttributes: arrival.attributes } : {}),
                ...(await bodyFields(arrival.body, arrival.messageId, arrival.at)),
            },
            ConditionExpression: "attribute_not_exists(pk)",
        }));
    } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
        logger.info("failure already recorded; redelivery ignored", { messageId: arrival.messageId, failureKey: key });
        return "duplicate";
    }
    logger.error("failed event recorded", {
        source: failure.source,
        kind: failure.kind,
        via: failure.via,
        functionArn: failure.functionArn,
        requestId: failure.requestId,
        errorType: failure.errorType,
        attempts: failure.attempts,
        condition: failure.condition,
        originArn: failure.originArn,
        batch: failure.batch,
        messageId: arrival.messageId,
        failureKey: key,
    });
    failureMetric.addDimensions({ cell: cellId, source: failure.source });
    failureMetric.addMetric("FailedEvents", MetricUnit.Count, 1);
    return "recorded";
}

/** The SQS record handler: a throw leaves the message on the failure queue (reported in batchItemFailures). */
async function processMessage(record: SQSRecord): Promise<Outcome> {
    try {
        const attributes = Object.fromEntries(Object.entries(record.messageAttributes ?? {})
            .flatMap(([name, value]) => (value.stringValue === undefined ? [] : [[name, value.stringValue]])));
        return await recordFailure(parseFailureMessage(record), {
            messageId: record.messageId,
            at: sentAt(record),
            body: record.body,
            queueArn: record.eventSourceARN,
            attributes,
        });
    } catch (err) {
        logger.error("could not record a failed event; it stays on the failure queue", {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            ...errorFields(err),
        });
        throw err;
    }
}

/**
 * Destination `function`: Lambda invokes this function asynchronously with one bare destination record. A
 * throw makes Lambda retry it and then send it to this function's own on-failure destination (the cell's
 * last-resort queue).
 */
async function processDestinationRecord(record: Record<string, unknown>, context: Context): Promise<void> {
    const failure = parseDestinationRecord(record) ?? parseFailureMessage({ body: JSON.stringify(record) });
    const timestamp = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN;
    // The failed invocation's request id and time: the same on every retry of this invocation, so the row is too.
    await recordFailure(failure, {
        messageId: failure.requestId ?? context.awsRequestId,
        at: new Date(Number.isNaN(timestamp) ? Date.now() : timestamp).toISOString(),
        body: JSON.stringify(record),
    });
}

function isSqsEvent(event: unknown): event is SQSEvent {
    return typeof event === "object" && event !== null && Array.isArray((event as { Records?: unknown }).Records);
}

export const handler = tracedHandler(async (event: SQSEvent | Record<string, unknown>, context: Context): Promise<SQSBatchResponse | undefined> => {
    logger.addContext(context);
    if (!isSqsEvent(event)) {
        await processDestinationRecord(event, context);
        return undefined;
    }
    try {
        return await processPartialResponse(event, processMessage, processor, { context });
    } catch (err) {
        if (err instanceof FullBatchFailureError) {
            logger.error("no failed event of the batch could be recorded; the invocation fails", { records: event.Records.length });
        }
        throw err;
    }
});
