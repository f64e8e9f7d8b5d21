/**
 * stream-processor: keeps the per-customer item counters and the audit trail of the cell, from DynamoDB Streams
 * (the cell table, `ITEM#` rows only) and from Kinesis (the cell stream). Which one is told by the records'
 * `eventSource`; record shapes are documented in lib/events-records.ts.
 *
 * Each change writes an audit row (`AUDIT#<customerId>` / `<time>#<event id>`) on condition that it does not
 * exist yet and, for a counted change, adds its delta (+1 created, -1 removed) to `itemCount` of the customer's
 * `COUNTER` row, in one TransactWriteItems. A retried batch finds the audit rows of the changes it already
 * applied, so nothing is counted twice. The table stream's filter keeps the counter and audit writes from
 * coming back to this function.
 *
 * Failures: records are applied one at a time in stream order; the first that fails (invalid Kinesis data, a
 * failed write) is reported in `batchItemFailures` by sequence number together with every record after it, so
 * Lambda retries from it and nothing after it is applied out of order. When that is the first record (so the
 * whole batch), the invocation fails instead (Powertools' FullBatchFailureError): Lambda retries the batch,
 * bisecting it when `bisectBatchOnFunctionError` is on, and the Errors metric shows it. After the mapping's
 * `maximumRetryAttempts` / `maximumRecordAgeInSeconds` the batch is given up and its description (shard,
 * sequence numbers; no data) goes to the mapping's on-failure destination, the cell's failure queue.
 */
import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { FailureResponse, SuccessResponse } from "@aws-lambda-powertools/batch/types";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { METRICS_NAMESPACE, requireEnv } from "./lib/events-env";
import { ItemChange, StreamSource, fromDynamoDbRecord, fromKinesisRecord, streamSourceOf } from "./lib/events-records";
import { isConditionalCheckFailed, isDuplicateTransaction } from "./lib/idempotency";
import { errorFields } from "./lib/log-safe";
import { ENV, keys } from "./lib/table";
import { deployedOwnership } from "./lib/ownership";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";
import { traceTenant, traced, tracedHandler } from "./clients/tracing";

const SERVICE = "stream-processor";

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})));
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every record goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));
/** The function kind that refuses a record, by the stream it came from (as the cell names its two functions). */
const SERVICE_OF: Record<StreamSource, string> = { dynamodb: "table-stream", kinesis: "kinesis-stream" };

class UnsupportedStreamError extends Error {
    constructor(eventSource: string | undefined) {
        super(`records from ${JSON.stringify(eventSource)} are not handled: expected aws:dynamodb or aws:kinesis`);
        this.name = "UnsupportedStreamError";
    }
}

class ShortCircuitError extends Error {
    constructor() {
        super("not processed: an earlier record of the batch failed, and the stream is retried from there");
        this.name = "ShortCircuitError";
    }
}

/**
 * Powertools' processor, made sequential and stopping at the first failure: every record after it is marked
 * failed without being applied, as a stream's order requires.
 */
class OrderedStreamProcessor extends BatchProcessor {
    override async process(): Promise<(SuccessResponse | FailureResponse)[]> {
        this.prepare();
        const results: (SuccessResponse | FailureResponse)[] = [];
        let failed = false;
        for (const record of this.records) {
            if (failed) {
                results.push(this.failureHandler(this.toBatchType(record, this.eventType), new ShortCircuitError()));
                continue;
            }
            const result = await this.processRecord(record);
            results.push(result);
            failed = result[0] === "fail";
        }
        this.clean();
        return results;
    }
}

const processors: Record<StreamSource, OrderedStreamProcessor> = {
    dynamodb: new OrderedStreamProcessor(EventType.DynamoDBStreams),
    kinesis: new OrderedStreamProcessor(EventType.KinesisDataStreams),
};

async function applyChange(change: ItemChange): Promise<"applied" | "duplicate"> {
    const at = new Date().toISOString();
    const audit = {
        ...keys.audit(change.customerId, change.at, change.eventId),
        customerId: change.customerId,
        itemId: change.itemId,
        action: change.action,
        delta: change.delta,
        source: change.source,
        eventId: change.eventId,
        sequenceNumber: change.sequenceNumber,
        changedAt: change.at,
        recordedAt: at,
    };
    const auditPut = { TableName: tableName, Item: audit, ConditionExpression: "attribute_not_exists(pk)" };
    try {
        if (change.delta === 0) {
            // Nothing to count: the audit row alone, without paying for a transaction.
            await ddb.send(new PutCommand(auditPut));
        } else {
            await ddb.send(new TransactWriteCommand({
                TransactItems: [
                    { Put: auditPut },
                    {
                        Update: {
                            TableName: tableName,
                            Key: keys.counter(change.customerId),
                            UpdateExpression: "ADD itemCount :delta SET customerId = :customerId, updatedAt = :now",
                            ExpressionAttributeValues: { ":delta": change.delta, ":customerId": change.customerId, ":now": at },
                        },
                    },
                ],
            }));
        }
        return "applied";
    } catch (err) {
        if (change.delta === 0 ? !isConditionalCheckFailed(err) : !isDuplicateTransaction(err, 0)) throw err;
        logger.info("change already applied; retried record ignored", { eventId: change.eventId, sequenceNumber: change.sequenceNumber });
        metrics.addMetric("DuplicateChanges", MetricUnit.Count, 1);
        return "duplicate";
    }
}

async function processRecord(record: DynamoDBRecord | KinesisStreamRecord): Promise<string> {
    const source = streamSourceOf(record);
    const sequenceNumber = source === "kinesis"
        ? (record as KinesisStreamRecord).kinesis.sequenceNumber
        : (record as DynamoDBRecord).dynamodb?.SequenceNumber;
    try {
        const change = source === "kinesis" ? fromKinesisRecord(record as KinesisStreamRecord) : fromDynamoDbRecord(record as DynamoDBRecord);
        if (change === undefined) {
            logger.warn("not a customer item row; skipped (is the mapping's filter missing?)", { sequenceNumber });
            return "skipped";
        }
        traceTenant(change.customerId);
        if (!(await ownedOrRejected(ownership, rejecter, SERVICE_OF[change.source], change.customerId, record))) return "rejected";
        return await applyChange(change);
    } catch (err) {
        logger.warn("record failed; it and the rest of the batch are reported for retry", {
            source,
            sequenceNumber,
            ...errorFields(err),
        });
        throw err;
    }
}

export const handler = tracedHandler(async (event: DynamoDBStreamEvent | KinesisStreamEvent, context: Context): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> => {
    logger.addContext(context);
    const records: Array<{ eventSource?: string }> = event.Records;
    if (records.length === 0) return { batchItemFailures: [] };
    const source = streamSourceOf(records[0]);
    const stray = records.find(r => streamSourceOf(r) !== source);
    if (source === undefined || stray !== undefined) throw new UnsupportedStreamError((stray ?? records[0]).eventSource);
    try {
        const response = await processPartialResponse(event, processRecord, processors[source], { context });
        const failed = response.batchItemFailures.length;
        metrics.addMetric("RecordsProcessed", MetricUnit.Count, records.length - failed);
        if (failed > 0) {
            metrics.addMetric("RecordsFailed", MetricUnit.Count, failed);
            logger.warn("batch stopped at a failed record", { source, records: records.length, failed, retryFrom: response.batchItemFailures[0].itemIdentifier });
        }
        return response;
    } catch (err) {
        if (err instanceof FullBatchFailureError) {
            metrics.addMetric("RecordsFailed", MetricUnit.Count, records.length);
            logger.error("the first record of the batch failed; the invocation fails and the batch is retried", { source, records: records.length });
        }
        throw err;
    } finally {
        // Without the guard Powertools warns on every invocation that stored nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
});
