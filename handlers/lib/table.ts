/**
 * The layout of a cell's DynamoDB table: one table per cell, keys `pk` (S) and `sk` (S), TTL on `expiresAt`
 * (epoch seconds). Pure: shared by the handlers, the program (key schema) and the tests.
 *
 * | what                   | pk                        | sk                               |
 * |------------------------|---------------------------|----------------------------------|
 * | a customer's item      | `CUSTOMER#<customerId>`   | `ITEM#<itemId>`                  |
 * | per-customer counters  | `CUSTOMER#<customerId>`   | `COUNTER`                        |
 * | a notification         | `CUSTOMER#<customerId>`   | `NOTIFICATION#<messageId>`       |
 * | audit trail entry      | `AUDIT#<customerId>`      | `<iso time>#<event id>`          |
 * | processed-message mark | `CUSTOMER#<customerId>`   | `MESSAGE#<idempotency key>` (TTL)|
 * | placement marker       | `CUSTOMER#<customerId>`   | `PLACEMENT` (lib/placement.ts)   |
 * | ingest checkpoint      | `INGEST#<bucket>/<key>`   | `CHECKPOINT`                     |
 * | failure record         | `FAILURE#<yyyy-mm-dd>`    | `<iso time>#<message id>` (TTL)  |
 *
 * A processed-message mark lives in its customer's partition: one customer's idempotency keys can never
 * pre-empt another's.
 *
 * Only `ITEM#` rows are delivered to the table-stream consumer (an event-source-mapping filter), so the
 * consumer's own writes (counters, audit) never trigger it again.
 */
export const PARTITION_KEY = "pk";
export const SORT_KEY = "sk";
export const TTL_ATTRIBUTE = "expiresAt";
export const ITEM_PREFIX = "ITEM#";

export const keys = {
    item: (customerId: string, itemId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `${ITEM_PREFIX}${itemId}` }),
    customerItems: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, skPrefix: ITEM_PREFIX }),
    counter: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: "COUNTER" }),
    /** Every row of a customer's own partition (what a move copies between cells). */
    customerPartition: (customerId: string) => ({ pk: `CUSTOMER#${customerId}` }),
    placement: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: "PLACEMENT" }),
    notification: (customerId: string, messageId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `NOTIFICATION#${messageId}` }),
    audit: (customerId: string, at: string, eventId: string) => ({ pk: `AUDIT#${customerId}`, sk: `${at}#${eventId}` }),
    processedMessage: (customerId: string, idempotencyKey: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `MESSAGE#${idempotencyKey}` }),
    ingestCheckpoint: (bucket: string, key: string) => ({ pk: `INGEST#${bucket}/${key}`, sk: "CHECKPOINT" }),
    failure: (at: string, messageId: string) => ({ pk: `FAILURE#${at.slice(0, 10)}`, sk: `${at}#${messageId}` }),
};

/**
 * The event-source-mapping filter that delivers only item rows to the table-stream consumer
 * (Lambda filter syntax on the stream record).
 */
export const ITEM_STREAM_FILTER = { dynamodb: { Keys: { sk: { S: [{ prefix: ITEM_PREFIX }] } } } };

/** Names of the environment variables the program sets on cell functions. */
export const ENV = {
    cellId: "CELL_ID",
    tableName: "TABLE_NAME",
    /** The cell's ingest bucket (scheduled job writes its summary there; ingest writes its error reports there). */
    bucketName: "BUCKET_NAME",
    /** The role the cell API assumes for one tenant's items (tagged with the tenant). */
    dataRoleArn: "DATA_ROLE_ARN",
    /** The cell's failure queue, where event workers put the records they refuse (e.g. another cell's customers). */
    failureQueueUrl: "FAILURE_QUEUE_URL",
    /** How long the failure handler's records are kept (days): the TTL of `FAILURE#` rows. */
    failureRetentionDays: "FAILURE_RETENTION_DAYS",
} as const;
