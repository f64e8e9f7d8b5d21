/**
 * queue-worker: applies item writes from the cell's SQS queue (standard or FIFO).
 *
 * Message body (JSON):
 *   { "customerId": string, "itemId": string, "data"?: { ... }, "idempotencyKey"?: string (1-256 chars) }
 * writes the item `CUSTOMER#<customerId>` / `ITEM#<itemId>` through the one item model (clients/item-store.ts):
 * `data` replaced, stored as normal-form JSON text read without loss (big integers, tiny numbers and any key
 * survive), `createdAt` and the incarnation kept, the version advanced, so the item reads back through the cell
 * API exactly as an API write would, and a client's `If-Match` on an older version fails.
 *
 * Exactly once in effect, per customer: the item write and a processed-message mark (`CUSTOMER#<customerId>` /
 * `MESSAGE#<key>`, TTL 15 days, longer than SQS's 14-day maximum retention) go in one TransactWriteItems whose
 * mark put is conditional. The key is `idempotencyKey` (the producer's business key, so a message sent twice is
 * applied once) or else the SQS message id (so a redelivered message is applied once); it lives in the customer's
 * partition, so another customer's message with the same key is its own write. The mark holds a fingerprint of
 * the payload: a redelivery with the same payload is a no-op that counts as success, the same key with another
 * payload is a conflict (IdempotencyConflictError) reported as a failed message, never a silent success.
 *
 * Why a transaction and not Powertools' idempotency utility: the utility writes its record (INPROGRESS), runs the
 * function, then marks the record COMPLETED, in separate requests; a worker that dies after the item write and
 * before COMPLETED has its retry write the item again once the in-progress record expires (a second version for
 * one message). The transaction makes the mark and the item one atomic write.
 *
 * Failures: each message is its own unit (Powertools batch processing, `ReportBatchItemFailures`). A bad message
 * (not JSON, missing or invalid fields), a conflict or a failed write is reported in `batchItemFailures` and never
 * fails the others; on a FIFO queue the first failure also fails the rest of the batch, to keep the group order. A
 * failed message returns to the queue after the visibility timeout and, after `maxReceiveCount` receives, moves
 * to the queue's dead-letter queue. The response lists exactly the failed message ids; when every message
 * fails the invocation fails instead (Powertools' FullBatchFailureError): all return to the queue just the
 * same, and the function's Errors metric and Lambda's SQS scaling back-off see the outage. Logs name fields, ids
 * and error classes, never a value of the message.
 */
import { BatchProcessor, EventType, FullBatchFailureError, SqsFifoPartialProcessorAsync, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { METRICS_NAMESPACE, requireEnv } from "./lib/events-env";
import { InvalidRecordError, ItemInput, itemProblems, parseLosslessObject, toItemInput } from "./lib/events-items";
import { payloadHash, processedMessageMark } from "./lib/idempotency";
import { LogSafeError, errorFields } from "./lib/log-safe";
import { ENV } from "./lib/table";
import { deployedOwnership } from "./lib/ownership";
import { ItemStore } from "./clients/item-store";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";
import { traceTenant, traced, tracedHandler } from "./clients/tracing";
import { isPlacementRefused } from "./lib/placement";

const SERVICE = "queue-worker";
const MARKER_TTL_SECONDS = 15 * 24 * 3600;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const items = new ItemStore(DynamoDBDocumentClient.from(traced(new DynamoDBClient({}))), tableName);
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every message goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));
const standardProcessor = new BatchProcessor(EventType.SQS);
const fifoProcessor = new SqsFifoPartialProcessorAsync();

/** The idempotency key was used before, by this customer, for another payload: which one is meant needs a person. */
class IdempotencyConflictError extends LogSafeError {
    constructor() {
        super("this customer's idempotency key was used before for another payload; the message is not applied");
        this.name = "IdempotencyConflictError";
    }
}

interface QueueMessage extends ItemInput {
    idempotencyKey?: string;
}

function parseMessage(body: string): QueueMessage {
    const value = parseLosslessObject(body, "the message body");
    const problems = itemProblems(value);
    const key = value.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || key === "" || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
        problems.push(`idempotencyKey must be a string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    }
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return { ...toItemInput(value), ...(key === undefined ? {} : { idempotencyKey: key as string }) };
}

type Outcome = "applied" | "duplicate" | "rejected";

async function applyMessage(record: SQSRecord): Promise<Outcome> {
    const message = parseMessage(record.body);
    traceTenant(message.customerId);
    // Another cell's customer: never written here; kept, with the reason, on the cell's failure path.
    if (!(await ownedOrRejected(ownership, rejecter, SERVICE, message.customerId, record.body))) {
        metrics.addMetric("MessagesRejected", MetricUnit.Count, 1);
        return "rejected";
    }
    const idempotencyKey = message.idempotencyKey ?? record.messageId;
    const hash = payloadHash(message.itemId, message.data);
    const mark = processedMessageMark({ customerId: message.customerId, idempotencyKey, messageId: record.messageId, itemId: message.itemId, payloadHash: hash },
        new Date(), MARKER_TTL_SECONDS);
    let out: Awaited<ReturnType<ItemStore["putWithMarker"]>>;
    try {
        out = await items.putWithMarker({ customerId: message.customerId, itemId: message.itemId, data: message.data, writtenBy: `queue:${record.messageId}` }, mark);
    } catch (err) {
        // Moved away: kept on the failure path, naming the new owner, to replay there. Fenced: the throw fails the
        // record, so it is redelivered after the move.
        if (!isPlacementRefused(err) || err.verdict.kind !== "moved") throw err;
        await rejecter.reject({ reason: "moved", origin: SERVICE, customerId: message.customerId, owner: err.verdict.owner, record: record.body });
        metrics.addMetric("MessagesRejected", MetricUnit.Count, 1);
        return "rejected";
    }
    if (out.outcome === "written") return "applied";
    if (out.existing.payloadHash !== hash) {
        metrics.addMetric("IdempotencyConflicts", MetricUnit.Count, 1);
        throw new IdempotencyConflictError();
    }
    logger.info("message already applied; redelivery ignored", { messageId: record.messageId, firstMessageId: out.existing.messageId });
    metrics.addMetric("DuplicateMessages", MetricUnit.Count, 1);
    return "duplicate";
}

/** The record handler: a throw marks this message failed (and is logged with the reason). */
async function processMessage(record: SQSRecord): Promise<Outcome> {
    try {
        return await applyMessage(record);
    } catch (err) {
        logger.warn("message failed", {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            bodyBytes: Buffer.byteLength(record.body, "utf8"),
            ...errorFields(err),
        });
        throw err;
    }
}

export const handler = tracedHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const fifo = event.Records[0]?.eventSourceARN.endsWith(".fifo") ?? false;
    const records = event.Records.length;
    try {
        const response = fifo
            ? await processPartialResponse(event, processMessage, fifoProcessor, { context })
            : await processPartialResponse(event, processMessage, standardProcessor, { context });
        const failed = response.batchItemFailures.length;
        metrics.addMetric("MessagesProcessed", MetricUnit.Count, records - failed);
        if (failed > 0) {
            metrics.addMetric("MessagesFailed", MetricUnit.Count, failed);
            logger.warn("batch had failures", { records, failed, fifo });
        }
        return response;
    } catch (err) {
        if (err instanceof FullBatchFailureError) {
            metrics.addMetric("MessagesFailed", MetricUnit.Count, records);
            logger.error("every message of the batch failed; the invocation fails and all are retried", { records, fifo });
        }
        throw err;
    } finally {
        // Without the guard Powertools warns on every invocation that stored nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
});
