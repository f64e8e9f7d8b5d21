/**
 * queue-worker: applies item upserts from the cell's SQS queue (standard or FIFO).
 *
 * Message body (JSON):
 *   { "customerId": string, "itemId": string, "data"?: { ... }, "idempotencyKey"?: string (1-256 chars) }
 * upserts the item `CUSTOMER#<customerId>` / `ITEM#<itemId>` (its `data` replaced, `createdAt` kept).
 *
 * Exactly once in effect: the item write and a processed-message marker (`MESSAGE#<key>`, TTL 15 days, longer
 * than SQS's 14-day maximum retention) go in one TransactWriteItems whose marker put is conditional, keyed by
 * `idempotencyKey` (the producer's business key, so a message sent twice is applied once) or else the SQS
 * message id (so a redelivered message is applied once). A redelivery is a no-op that counts as success.
 *
 * Failures: each message is its own unit (Powertools batch processing, `ReportBatchItemFailures`). A bad message
 * (not JSON, missing or invalid fields) or a failed write is reported in `batchItemFailures` and never fails
 * the others; on a FIFO queue the first failure also fails the rest of the batch, to keep the group order. A
 * failed message returns to the queue after the visibility timeout and, after `maxReceiveCount` receives, moves
 * to the queue's dead-letter queue. The response lists exactly the failed message ids; when every message
 * fails the invocation fails instead (Powertools' FullBatchFailureError): all return to the queue just the
 * same, and the function's Errors metric and Lambda's SQS scaling back-off see the outage.
 */
import { BatchProcessor, EventType, FullBatchFailureError, SqsFifoPartialProcessorAsync, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { METRICS_NAMESPACE, requireEnv } from "./lib/events-env";
import { InvalidRecordError, ItemInput, isJsonObject, itemProblems, parseJson } from "./lib/events-items";
import { expiresAt, isDuplicateTransaction } from "./lib/idempotency";
import { ENV, keys } from "./lib/table";
import { deployedOwnership } from "./lib/ownership";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";

const SERVICE = "queue-worker";
const MARKER_TTL_SECONDS = 15 * 24 * 3600;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every message goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));
const standardProcessor = new BatchProcessor(EventType.SQS);
const fifoProcessor = new SqsFifoPartialProcessorAsync();

interface QueueMessage extends ItemInput {
    idempotencyKey?: string;
}

function parseMessage(body: string): QueueMessage {
    const value = parseJson(body, "the message body");
    if (!isJsonObject(value)) throw new InvalidRecordError(["the message body must be a JSON object"]);
    const problems = itemProblems(value);
    const key = value.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || key === "" || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
        problems.push(`idempotencyKey must be a string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    }
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return {
        customerId: value.customerId as string,
        itemId: value.itemId as string,
        data: (value.data as Record<string, unknown> | undefined) ?? {},
        idempotencyKey: key as string | undefined,
    };
}

async function applyMessage(record: SQSRecord): Promise<"applied" | "duplicate" | "rejected"> {
    const message = parseMessage(record.body);
    // Another cell's customer: never written here; kept, with the reason, on the cell's failure path.
    if (!(await ownedOrRejected(ownership, rejecter, SERVICE, message.customerId, record.body))) {
        metrics.addMetric("MessagesRejected", MetricUnit.Count, 1);
        return "rejected";
    }
    const idempotencyKey = message.idempotencyKey ?? record.messageId;
    const now = new Date();
    const at = now.toISOString();
    try {
        await ddb.send(new TransactWriteCommand({
            TransactItems: [
                {
                    Put: {
                        TableName: tableName,
                        Item: {
                            ...keys.processedMessage(idempotencyKey),
                            messageId: record.messageId,
                            customerId: message.customerId,
                            itemId: message.itemId,
                            processedAt: at,
                            expiresAt: expiresAt(now, MARKER_TTL_SECONDS),
                        },
                        ConditionExpression: "attribute_not_exists(pk)",
                    },
                },
                {
                    Update: {
                        TableName: tableName,
                        Key: keys.item(message.customerId, message.itemId),
                        UpdateExpression: "SET customerId = :customerId, itemId = :itemId, #data = :data, updatedAt = :now, " +
                            "createdAt = if_not_exists(createdAt, :now)",
                        ExpressionAttributeNames: { "#data": "data" },
                        ExpressionAttributeValues: {
                            ":customerId": message.customerId,
                            ":itemId": message.itemId,
                            ":data": message.data,
                            ":now": at,
                        },
                    },
                },
            ],
        }));
        return "applied";
    } catch (err) {
        if (!isDuplicateTransaction(err, 0)) throw err;
        logger.info("message already applied; redelivery ignored", { messageId: record.messageId, idempotencyKey });
        metrics.addMetric("DuplicateMessages", MetricUnit.Count, 1);
        return "duplicate";
    }
}

/** The record handler: a throw marks this message failed (and is logged with the reason). */
async function processMessage(record: SQSRecord): Promise<"applied" | "duplicate" | "rejected"> {
    try {
        return await applyMessage(record);
    } catch (err) {
        logger.warn("message failed", {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        throw err;
    }
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
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
};
