/**
 * Reads a message of the cell's failure queue and says where the failure came from. Pure; never throws: a
 * message it does not recognise is still a failure to record ("unknown"), never one to drop.
 *
 * What lands on the failure queue:
 * - `async-invocation`: a Lambda on-failure destination record of an asynchronous invocation (S3, SNS,
 *   EventBridge → notifier, ingest, scheduled): `{ version, timestamp, requestContext: { requestId, functionArn,
 *   condition, approximateInvokeCount }, requestPayload, responseContext: { statusCode, executedVersion,
 *   functionError }, responsePayload: { errorType, errorMessage, stackTrace } }`. The event to replay is
 *   `requestPayload`.
 * - `stream-batch`: a stream event-source-mapping on-failure record (DynamoDB Streams, Kinesis): `requestContext`
 *   and `responseContext` as above, plus `DDBStreamBatchInfo` or `KinesisBatchInfo` `{ shardId,
 *   startSequenceNumber, endSequenceNumber, approximateArrivalOfFirstRecord, approximateArrivalOfLastRecord,
 *   batchSize, streamArn }`. It holds no record data: replay reads the shard from `startSequenceNumber` while the
 *   stream still retains it (24 h for DynamoDB Streams).
 *   The same record may arrive wrapped: as the `detail` of an EventBridge event (destination `bus`, routed here
 *   by a rule; detail-type "Lambda Function Invocation Result - Failure") or as the `Message` of an SNS envelope
 *   (destination `topic` without raw delivery). Both are unwrapped (`via`). With destination `function` the
 *   failure handler is invoked with the bare record (see {@link parseDestinationRecord}).
 *   A success record (condition `Success`, from an on-success destination sharing the target) is not a failure:
 *   see {@link isSuccessRecord}.
 * - `rejected`: a record an event worker of the cell refused to write, sent here by the worker with the reason
 *   (clients/rejections.ts): `{ "cellularRejection": { version, reason, origin, customerId, owner, at }, record }`.
 *   The reason today is `not-owned`: the customer is another cell's; `record` is the record to replay there.
 * - `dead-letter`: a message moved here as it was, with the reason in message attributes: EventBridge rule or
 *   Scheduler target DLQs (`ERROR_CODE`, `ERROR_MESSAGE`, `RULE_ARN` / `SCHEDULE_ARN`, `TARGET_ARN`,
 *   `RETRY_ATTEMPTS`, `EXHAUSTED_RETRY_CONDITION`), a Lambda function DLQ (`RequestID`, `ErrorCode`,
 *   `ErrorMessage`), an SQS redrive from a source queue (system attribute `DeadLetterQueueSourceArn`), an SNS
 *   subscription DLQ (the SNS envelope as body). The body is the event to replay.
 */
import { isJsonObject } from "./events-items";

export type FailureKind = "async-invocation" | "stream-batch" | "dead-letter" | "rejected";

/** The key of a rejection record's envelope. */
export const REJECTION_MARKER = "cellularRejection";
/** Why a worker refused a record. */
/** `not-owned`: the routing map says the customer is another cell's; `moved`: the customer was moved away (lib/placement.ts). */
export type RejectionReason = "not-owned" | "moved";

export interface StreamBatchInfo {
    stream: "dynamodb" | "kinesis";
    shardId?: string;
    startSequenceNumber?: string;
    endSequenceNumber?: string;
    batchSize?: number;
    streamArn?: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
}

export interface ParsedFailure {
    kind: FailureKind;
    /** How a destination record was wrapped on its way here, when it was. */
    via?: "eventbridge" | "sns";
    /** Low-cardinality origin, used as the `source` metric dimension: a cell function kind, or the service. */
    source: string;
    functionArn?: string;
    requestId?: string;
    /** Why it was given up: RetriesExhausted, EventAgeExceeded, RetryAttemptsExhausted, MaximumRetryAttemptsExceeded... */
    condition?: string;
    /** Attempts as the origin reports them (approximateInvokeCount, RETRY_ATTEMPTS). */
    attempts?: number;
    errorType?: string;
    errorMessage?: string;
    /** When the origin gave up (the record's `timestamp`), when it says. */
    failedAt?: string;
    /** The rule, schedule, topic or queue the dead-letter message came from. */
    originArn?: string;
    /** The target the origin could not deliver to (EventBridge). */
    targetArn?: string;
    /** A rejected record's customer, and the cell that owns it. */
    customerId?: string;
    owner?: string;
    batch?: StreamBatchInfo;
}

/** The parts of an SQS record the parser reads. */
export interface FailureMessage {
    body: string;
    messageAttributes?: Record<string, { stringValue?: string; dataType: string }>;
    attributes?: { DeadLetterQueueSourceArn?: string };
}

/** Suffixes of the cell's function names (`<project>-<stack>-<cell>-<kind>`); tests/handlers/lib/failure-record.test.ts keeps them in step with the program's. */
export const FUNCTION_KINDS = ["queue-worker", "notifier", "ingest", "scheduled", "table-stream", "kinesis-stream",
    "failure-handler", "api", "alb-api"] as const;

export function parseFailureMessage(message: FailureMessage): ParsedFailure {
    const body = tryJson(message.body);
    const rejection = parseRejection(body);
    if (rejection !== undefined) return rejection;
    const direct = parseDestinationRecord(body);
    if (direct !== undefined) return direct;
    if (isJsonObject(body) && body.source === "lambda" && typeof body["detail-type"] === "string") {
        const inner = parseDestinationRecord(body.detail);
        if (inner !== undefined) return { ...inner, via: "eventbridge" };
    }
    if (message.attributes?.DeadLetterQueueSourceArn === undefined && isJsonObject(body) && body.Type === "Notification"
        && typeof body.Message === "string") {
        const inner = parseDestinationRecord(tryJson(body.Message));
        if (inner !== undefined) return { ...inner, via: "sns" };
    }
    return deadLetter(message, body);
}

/** A worker's rejection of a record, or `undefined` when `value` is not one. */
function parseRejection(value: unknown): ParsedFailure | undefined {
    if (!isJsonObject(value) || !isJsonObject(value[REJECTION_MARKER])) return undefined;
    const r = value[REJECTION_MARKER] as Record<string, unknown>;
    return clean<ParsedFailure>({
        kind: "rejected",
        source: str(r.origin) ?? "unknown",
        condition: str(r.reason),
        customerId: str(r.customerId),
        owner: str(r.owner),
        failedAt: str(r.at),
    });
}

/** A bare Lambda destination record (async invocation or stream batch), or `undefined` when `value` is not one. */
export function parseDestinationRecord(value: unknown): ParsedFailure | undefined {
    if (!isJsonObject(value) || !isJsonObject(value.requestContext)) return undefined;
    return isJsonObject(value.DDBStreamBatchInfo) || isJsonObject(value.KinesisBatchInfo) ? streamBatch(value) : asyncInvocation(value);
}

/** An on-success destination record: it reached the failure path only because both share a target. */
export function isSuccessRecord(failure: ParsedFailure): boolean {
    return failure.kind === "async-invocation" && failure.condition === "Success";
}

/** The cell function kind in a function ARN (`arn:aws:lambda:r:a:function:<name>[:qualifier]`), if it is one. */
export function functionKindOf(functionArn: string | undefined): string | undefined {
    const name = functionArn?.split(":")[6];
    if (name === undefined) return undefined;
    // The longest kind the name ends with: `...-alb-api` is an alb-api, not an api, whatever the list's order.
    return FUNCTION_KINDS.filter(kind => name.endsWith(`-${kind}`)).sort((a, b) => b.length - a.length)[0];
}

function asyncInvocation(body: Record<string, unknown>): ParsedFailure {
    const context = body.requestContext as Record<string, unknown>;
    const response = isJsonObject(body.responsePayload) ? body.responsePayload : {};
    const responseContext = isJsonObject(body.responseContext) ? body.responseContext : {};
    const functionArn = str(context.functionArn);
    return clean({
        kind: "async-invocation",
        source: functionKindOf(functionArn) ?? "lambda",
        functionArn,
        requestId: str(context.requestId),
        condition: str(context.condition),
        attempts: num(context.approximateInvokeCount),
        errorType: str(response.errorType) ?? str(responseContext.functionError),
        errorMessage: str(response.errorMessage),
        failedAt: str(body.timestamp),
    });
}

function streamBatch(body: Record<string, unknown>): ParsedFailure {
    const context = body.requestContext as Record<string, unknown>;
    const responseContext = isJsonObject(body.responseContext) ? body.responseContext : {};
    const dynamodb = isJsonObject(body.DDBStreamBatchInfo);
    const info = (dynamodb ? body.DDBStreamBatchInfo : body.KinesisBatchInfo) as Record<string, unknown>;
    const functionArn = str(context.functionArn);
    return clean({
        kind: "stream-batch",
        source: functionKindOf(functionArn) ?? (dynamodb ? "dynamodb-stream" : "kinesis"),
        functionArn,
        requestId: str(context.requestId),
        condition: str(context.condition),
        attempts: num(context.approximateInvokeCount),
        errorType: str(responseContext.functionError),
        failedAt: str(body.timestamp),
        batch: clean({
            stream: dynamodb ? "dynamodb" : "kinesis",
            shardId: str(info.shardId),
            startSequenceNumber: str(info.startSequenceNumber),
            endSequenceNumber: str(info.endSequenceNumber),
            batchSize: num(info.batchSize),
            streamArn: str(info.streamArn),
            approximateArrivalOfFirstRecord: str(info.approximateArrivalOfFirstRecord),
            approximateArrivalOfLastRecord: str(info.approximateArrivalOfLastRecord),
        } as StreamBatchInfo),
    });
}

function deadLetter(message: FailureMessage, body: unknown): ParsedFailure {
    const attr = (name: string): string | undefined => message.messageAttributes?.[name]?.stringValue;
    const ruleArn = attr("RULE_ARN");
    const scheduleArn = attr("SCHEDULE_ARN");
    if (ruleArn !== undefined || scheduleArn !== undefined || attr("ERROR_CODE") !== undefined) {
        return clean({
            kind: "dead-letter",
            source: scheduleArn !== undefined ? "scheduler" : "eventbridge",
            errorType: attr("ERROR_CODE"),
            errorMessage: attr("ERROR_MESSAGE"),
            condition: attr("EXHAUSTED_RETRY_CONDITION"),
            attempts: num(attr("RETRY_ATTEMPTS")),
            originArn: ruleArn ?? scheduleArn,
            targetArn: attr("TARGET_ARN"),
        });
    }
    if (attr("ErrorCode") !== undefined || attr("RequestID") !== undefined) {
        return clean({
            kind: "dead-letter",
            source: "lambda",
            requestId: attr("RequestID"),
            errorType: attr("ErrorCode"),
            errorMessage: attr("ErrorMessage"),
        });
    }
    // Before the SNS check: a queue fed by a topic holds SNS envelopes too, and its redrive is an SQS failure.
    const redrivenFrom = message.attributes?.DeadLetterQueueSourceArn;
    if (redrivenFrom !== undefined) return { kind: "dead-letter", source: "sqs", originArn: redrivenFrom };
    if (isJsonObject(body) && body.Type === "Notification" && typeof body.TopicArn === "string") {
        return { kind: "dead-letter", source: "sns", originArn: body.TopicArn };
    }
    return { kind: "dead-letter", source: "unknown" };
}

function tryJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Drops `undefined` fields, so records compare exactly and store without empty attributes. */
function clean<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
