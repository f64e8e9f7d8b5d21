/**
 * Lambda-side helpers for the event-handler tests: a fake invocation context, environment set-up, capture of
 * what a handler prints (Powertools logs and EMF metrics, one JSON document per line), and event builders
 * shaped like the events Lambda delivers.
 */
import type { Context, DynamoDBRecord, KinesisStreamRecord, S3Event, SNSEvent, SQSRecord, ScheduledEvent } from "aws-lambda";
import * as path from "node:path";

export type Json = Record<string, unknown>;

/**
 * A context whose remaining time follows `remaining`: a fixed number, or a list read one value per call (the
 * last repeats), so a test can make the time run out after a given number of checks.
 */
export function fakeContext(remaining: number | number[] = 60_000, functionName = "cellular-test-cell-a-fn"): Context & { remainingCalls: number } {
    const values = Array.isArray(remaining) ? remaining : [remaining];
    const context = {
        callbackWaitsForEmptyEventLoop: false,
        functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
        memoryLimitInMB: "256",
        awsRequestId: "00000000-0000-4000-8000-000000000001",
        logGroupName: `/aws/lambda/${functionName}`,
        logStreamName: "2026/11/26/[$LATEST]0000",
        remainingCalls: 0,
        getRemainingTimeInMillis(): number {
            const value = values[Math.min(context.remainingCalls, values.length - 1)];
            context.remainingCalls++;
            return value;
        },
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
    };
    return context;
}

/** Sets environment variables; returns a function that restores the previous values. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
    const previous = Object.fromEntries(Object.keys(vars).map(k => [k, process.env[k]]));
    const apply = (values: Record<string, string | undefined>): void => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    apply(vars);
    return () => apply(previous);
}

/** The environment every handler test needs (credentials are dummies: the fakes do not check them). */
/** The failure queue the workers put refused records on (the fake SQS keeps whatever URL it is sent). */
export const FAILURE_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/cellular-test-cell-a-failures";
/** Ownership tables: cell-a owns everyone; or cell-a and cell-b share the hash, with one customer pinned to each. */
export const OWNERSHIP_TABLES = {
    cellAOnly: path.resolve(__dirname, "..", "..", "fixtures", "ownership", "cell-a-only.json"),
    twoCells: path.resolve(__dirname, "..", "..", "fixtures", "ownership", "two-cells.json"),
};

export function awsEnv(endpoints: { dynamodb?: string; s3?: string; sqs?: string }, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_S3: endpoints.s3,
        // Unused unless a test refuses a record: then the test starts a fake SQS and passes its endpoint.
        AWS_ENDPOINT_URL_SQS: endpoints.sqs ?? "http://127.0.0.1:9",
        CELL_ID: "cell-a",
        TABLE_NAME: "cell-table",
        FAILURE_QUEUE_URL,
        OWNERSHIP_TABLE_PATH: OWNERSHIP_TABLES.cellAOnly,
        ...extra,
    };
}

export interface Captured<T> {
    result?: T;
    error?: unknown;
    /** Every line printed that is JSON (log lines, EMF documents). */
    lines: Json[];
    /** Log lines (those with a `level`). */
    logs: Json[];
    /** EMF documents (those with `_aws`). */
    metrics: Json[];
}

/** Runs `fn`, capturing stdout/stderr (so handler output does not clutter the test report). Never throws. */
export async function capture<T>(fn: () => Promise<T>): Promise<Captured<T>> {
    const chunks: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const grab = (chunk: unknown): boolean => {
        chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        return true;
    };
    process.stdout.write = grab as typeof process.stdout.write;
    process.stderr.write = grab as typeof process.stderr.write;
    const captured: Captured<T> = { lines: [], logs: [], metrics: [] };
    try {
        captured.result = await fn();
    } catch (e) {
        captured.error = e;
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
    for (const line of chunks.join("").split("\n")) {
        try {
            const value = JSON.parse(line) as unknown;
            if (typeof value === "object" && value !== null) captured.lines.push(value as Json);
        } catch {
            // not JSON: ignore
        }
    }
    captured.logs = captured.lines.filter(l => "level" in l);
    captured.metrics = captured.lines.filter(l => "_aws" in l);
    return captured;
}

/** Fields Powertools adds to every log line from the context and the clock. */
const INVOCATION_FIELDS = ["timestamp", "xray_trace_id", "function_request_id", "function_arn", "function_memory_size",
    "function_name", "cold_start", "sampling_rate"];

/** A log line without the fields every line carries from the invocation, for exact comparison. */
export function withoutInvocationFields(line: Json): Json {
    return Object.fromEntries(Object.entries(line).filter(([k]) => !INVOCATION_FIELDS.includes(k)));
}

/** The value of metric `name` in the captured EMF documents (summed), with the dimension sets it was sent with. */
export function metricValues(captured: Pick<Captured<unknown>, "metrics">, name: string): Array<{ value: number; dimensions: Json }> {
    const found: Array<{ value: number; dimensions: Json }> = [];
    for (const doc of captured.metrics) {
        const aws = doc._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
        for (const directive of aws.CloudWatchMetrics) {
            if (!directive.Metrics.some(m => m.Name === name)) continue;
            const dimensions = Object.fromEntries(directive.Dimensions[0].map(d => [d, doc[d]]));
            const raw = doc[name];
            const value = Array.isArray(raw) ? (raw as number[]).reduce((a, b) => a + b, 0) : (raw as number);
            found.push({ value, dimensions });
        }
    }
    return found;
}

/**
 * What Lambda makes of a batch handler's outcome: the failed item ids it reported, or every id when the
 * invocation failed with Powertools' FullBatchFailureError (any other error is rethrown).
 */
export function failedItems(captured: Captured<{ batchItemFailures: Array<{ itemIdentifier: string }> } | undefined>, allIds: string[]): { ids: string[]; fullBatchFailure: boolean } {
    if (captured.error === undefined) {
        if (captured.result === undefined) throw new Error("the handler returned no batch response");
        return { ids: captured.result.batchItemFailures.map(f => f.itemIdentifier), fullBatchFailure: false };
    }
    if (captured.error instanceof Error && captured.error.name === "FullBatchFailureError") return { ids: allIds, fullBatchFailure: true };
    throw captured.error;
}

// ---------------------------------------------------------------------------------------------------------------
// Event builders
// ---------------------------------------------------------------------------------------------------------------

const ACCOUNT = "123456789012";

export function sqsRecord(messageId: string, body: string, options: {
    queue?: string;
    groupId?: string;
    receiveCount?: number;
    sentAt?: number;
    attributes?: Record<string, string>;
    system?: Partial<SQSRecord["attributes"]>;
} = {}): SQSRecord {
    const queue = options.queue ?? "cellular-test-cell-a-queue";
    return {
        messageId,
        receiptHandle: `handle-${messageId}`,
        body,
        attributes: {
            ApproximateReceiveCount: String(options.receiveCount ?? 1),
            SentTimestamp: String(options.sentAt ?? Date.UTC(2026, 10, 26, 12, 0, 0)),
            SenderId: "AIDAEXAMPLE",
            ApproximateFirstReceiveTimestamp: String(options.sentAt ?? Date.UTC(2026, 10, 26, 12, 0, 1)),
            ...(options.groupId === undefined ? {} : { MessageGroupId: options.groupId, MessageDeduplicationId: messageId }),
            ...options.system,
        },
        messageAttributes: Object.fromEntries(Object.entries(options.attributes ?? {})
            .map(([k, v]) => [k, { stringValue: v, dataType: "String" }])),
        md5OfBody: "0",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`,
        awsRegion: "us-east-1",
    };
}

export function dynamoRecord(sequenceNumber: string, eventName: "INSERT" | "MODIFY" | "REMOVE", customerId: string, itemId: string, options: {
    eventId?: string;
    createdAt?: number;
    pk?: string;
    sk?: string;
} = {}): DynamoDBRecord {
    return {
        eventID: options.eventId ?? `ddb-${sequenceNumber}`,
        eventName,
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: "us-east-1",
        dynamodb: {
            ApproximateCreationDateTime: options.createdAt ?? 1795687200,
            Keys: { pk: { S: options.pk ?? `CUSTOMER#${customerId}` }, sk: { S: options.sk ?? `ITEM#${itemId}` } },
            SequenceNumber: sequenceNumber,
            SizeBytes: 64,
            StreamViewType: "KEYS_ONLY",
        },
        eventSourceARN: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cell-table/stream/2026-11-26T00:00:00.000`,
    };
}

export function kinesisRecord(sequenceNumber: string, data: unknown, arrival = 1795687200.5): KinesisStreamRecord {
    const text = typeof data === "string" ? data : JSON.stringify(data);
    return {
        awsRegion: "us-east-1",
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: "aws:kinesis:record",
        eventSource: "aws:kinesis",
        eventSourceARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/cellular-test-cell-a`,
        eventVersion: "1.0",
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/cellular-test-cell-a-kinesis-stream`,
        kinesis: {
            approximateArrivalTimestamp: arrival,
            data: Buffer.from(text, "utf8").toString("base64"),
            kinesisSchemaVersion: "1.0",
            partitionKey: "p",
            sequenceNumber,
        },
    };
}

/** An S3 ObjectCreated event; `key` is given as S3 sends it (URL-encoded, spaces as `+`). */
export function s3Event(bucket: string, encodedKey: string, etag?: string, eventName = "ObjectCreated:Put"): S3Event {
    return {
        Records: [{
            eventVersion: "2.1",
            eventSource: "aws:s3",
            awsRegion: "us-east-1",
            eventTime: "2026-11-26T12:00:00.000Z",
            eventName,
            userIdentity: { principalId: "AWS:EXAMPLE" },
            requestParameters: { sourceIPAddress: "127.0.0.1" },
            responseElements: { "x-amz-request-id": "req", "x-amz-id-2": "id2" },
            s3: {
                s3SchemaVersion: "1.0",
                configurationId: "ingest",
                bucket: { name: bucket, ownerIdentity: { principalId: "EXAMPLE" }, arn: `arn:aws:s3:::${bucket}` },
                object: { key: encodedKey, size: 0, eTag: etag ?? "", sequencer: "0A1B2C3D4E5F678901" },
            },
        }],
    };
}

export function snsEvent(messages: Array<{ messageId: string; message: string }>): SNSEvent {
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:cellular-test-cell-a-topic`;
    return {
        Records: messages.map(m => ({
            EventVersion: "1.0",
            EventSubscriptionArn: `${topicArn}:sub`,
            EventSource: "aws:sns",
            Sns: {
                SignatureVersion: "1",
                Timestamp: "2026-11-26T12:00:00.000Z",
                Signature: "sig",
                SigningCertUrl: "https://example.invalid/cert.pem",
                MessageId: m.messageId,
                Message: m.message,
                MessageAttributes: {},
                Type: "Notification",
                UnsubscribeUrl: "https://example.invalid/unsubscribe",
                TopicArn: topicArn,
                Subject: "",
            },
        })),
    };
}

export function scheduledEvent(time: string): ScheduledEvent {
    return {
        version: "0",
        id: "schedule-event-1",
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: ACCOUNT,
        time,
        region: "us-east-1",
        resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/cellular-test-cell-a-schedule`],
        detail: {},
    };
}

/** The message JSON.parse gives for `text` (its wording differs between Node.js versions), or "" when it parses. */
export function jsonError(text: string): string {
    try {
        JSON.parse(text);
        return "";
    } catch (err) {
        return (err as Error).message;
    }
}
