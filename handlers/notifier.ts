/**
 * notifier: stores notifications published to the cell's SNS topic (SNS → Lambda, asynchronous).
 *
 * Each record's `Sns.Message` is JSON
 *   { "customerId": string, "type": string (letters, digits, `_.-`, up to 64), "message": string (non-empty) }
 * and is stored as `CUSTOMER#<customerId>` / `NOTIFICATION#<SNS MessageId>` on condition that it does not
 * exist yet: a redelivered notification (same SNS message id) is a no-op.
 *
 * Failures: a malformed message or a failed write is logged (SNS message id, topic, reason) and, once every
 * record of the event has been tried, the invocation fails (NotificationFailedError). Nothing is dropped
 * silently: Lambda retries the event asynchronously (records already stored are no-ops on the retry) and then
 * sends it, with the error, to the function's on-failure destination, the cell's failure queue. SNS delivers
 * one record per invocation in practice.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SNSEvent, SNSEventRecord } from "aws-lambda";
import { METRICS_NAMESPACE, requireEnv } from "./lib/events-env";
import { InvalidRecordError, idProblem, isJsonObject, parseJson } from "./lib/events-items";
import { cancellationCodes, isDuplicateTransaction } from "./lib/idempotency";
import { refusalOf, writableCheck } from "./lib/placement";
import { LogSafeError, errorFields } from "./lib/log-safe";
import { ENV, keys } from "./lib/table";
import { CUSTOMER_ID } from "./lib/identifiers";
import { deployedOwnership } from "./lib/ownership";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";
import { traceTenant, traced, tracedHandler } from "./clients/tracing";

const SERVICE = "notifier";
const TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})));
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every notification goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));

class NotificationFailedError extends LogSafeError {
    constructor(failures: ReadonlyArray<{ messageId: string; reason: string }>) {
        super(`${failures.length} notification(s) not stored: ` + failures.map(f => `${f.messageId} (${f.reason})`).join("; "));
        this.name = "NotificationFailedError";
    }
}

interface Notification {
    customerId: string;
    type: string;
    message: string;
}

function parseNotification(text: string): Notification {
    const value = parseJson(text, "the SNS message");
    if (!isJsonObject(value)) throw new InvalidRecordError(["the SNS message must be a JSON object"]);
    const problems: string[] = [];
    const customer = idProblem(value.customerId, "customerId", CUSTOMER_ID);
    if (customer) problems.push(customer);
    const type = idProblem(value.type, "type", TYPE_PATTERN);
    if (type) problems.push(type);
    if (typeof value.message !== "string" || value.message === "") problems.push("message must be a non-empty string");
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return { customerId: value.customerId as string, type: value.type as string, message: value.message as string };
}

async function store(record: SNSEventRecord): Promise<"stored" | "duplicate" | "rejected"> {
    const sns = record.Sns;
    const notification = parseNotification(sns.Message);
    traceTenant(notification.customerId);
    if (!(await ownedOrRejected(ownership, rejecter, SERVICE, notification.customerId, sns.Message))) return "rejected";
    try {
        // With the check of the customer's placement (lib/placement.ts): never stored in a copy being moved or moved away.
        await ddb.send(new TransactWriteCommand({ TransactItems: [writableCheck(tableName, notification.customerId), { Put: {
            TableName: tableName,
            Item: {
                ...keys.notification(notification.customerId, sns.MessageId),
                ...notification,
                snsMessageId: sns.MessageId,
                topicArn: sns.TopicArn,
                publishedAt: sns.Timestamp,
                storedAt: new Date().toISOString(),
            },
            ConditionExpression: "attribute_not_exists(pk)",
        } }] }));
        return "stored";
    } catch (err) {
        if (isDuplicateTransaction(err, 1)) {
            logger.info("notification already stored; redelivery ignored", { snsMessageId: sns.MessageId });
            return "duplicate";
        }
        if (cancellationCodes(err)?.[0] !== "ConditionalCheckFailed") throw err;
        const refused = refusalOf(notification.customerId, placementOf(err));
        if (refused.verdict.kind !== "moved") throw refused;
        await rejecter.reject({ reason: "moved", origin: SERVICE, customerId: notification.customerId, owner: refused.verdict.owner, record: sns.Message });
        return "rejected";
    }
}

/** The placement marker a cancelled transaction returned for its first entry (plain strings). */
function placementOf(err: unknown): Record<string, unknown> {
    const item = (err as { CancellationReasons?: Array<{ Item?: Record<string, { S?: string; N?: string }> }> }).CancellationReasons?.[0]?.Item ?? {};
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? (v.N === undefined ? undefined : Number(v.N))]));
}

export const handler = tracedHandler(async (event: SNSEvent, context: Context): Promise<void> => {
    logger.addContext(context);
    const failures: Array<{ messageId: string; reason: string }> = [];
    try {
        for (const record of event.Records) {
            try {
                const outcome = await store(record);
                const metric = { stored: "NotificationsStored", duplicate: "DuplicateNotifications", rejected: "NotificationsRejected" }[outcome];
                metrics.addMetric(metric, MetricUnit.Count, 1);
            } catch (err) {
                const fields = errorFields(err);
                failures.push({ messageId: record.Sns.MessageId, reason: fields.errorMessage === undefined ? fields.errorType : `${fields.errorType}: ${fields.errorMessage}` });
                logger.error("notification not stored; the invocation will fail so Lambda retries it, then sends it to the failure queue", {
                    snsMessageId: record.Sns.MessageId,
                    topicArn: record.Sns.TopicArn,
                    ...fields,
                });
            }
        }
        if (failures.length > 0) metrics.addMetric("NotificationsFailed", MetricUnit.Count, failures.length);
    } finally {
        // Without the guard Powertools warns on every invocation that stored nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
    if (failures.length > 0) throw new NotificationFailedError(failures);
});
