/**
 * ingest: loads customer items from objects put in the cell's bucket (S3 ObjectCreated, asynchronous).
 *
 * Event: S3 event notification records; `s3.object.key` is URL-encoded (spaces as `+`) and is decoded here.
 * Keys ending `.csv` are read as CSV with a header row, `.jsonl` / `.ndjson` as JSON Lines (row formats in
 * lib/ingest-rows.ts); other keys, and this function's own outputs (`errors/`, `summaries/`, `failures/`), are
 * ignored with a log line. Each valid row is put as the item `CUSTOMER#<customerId>` / `ITEM#<itemId>` with
 * BatchWriteItem, 25 at a time, UnprocessedItems retried with exponential backoff and jitter.
 *
 * Malformed rows never stop the file: they are counted, logged with their line numbers, and listed in a report
 * object `errors/<key>.json` in the same bucket. A file that cannot be read at all (no usable header, not
 * UTF-8, too large) gets the same report and no items. Neither is retried: retrying cannot fix the file.
 *
 * Time budget and progress: a checkpoint row (`INGEST#<bucket>/<key>` / `CHECKPOINT`, TTL 7 days) records the
 * object's ETag and the last line written, every 10 batches and whenever the function stops. When the time
 * left runs low it stops between batches, saves the checkpoint and fails on purpose (TimeBudgetExhaustedError);
 * Lambda's asynchronous retry then resumes after the checkpoint line instead of writing from the start, and a
 * duplicate delivery of an event for a completed object is a no-op. Writes are puts, so a row written twice
 * (after a crash between checkpoints) ends the same.
 *
 * Failures: an error thrown here (time budget, throttling that outlasts the retries, S3 or DynamoDB access)
 * fails the invocation; Lambda retries it (the function's `maximumRetryAttempts`, 0-2) and then sends the event
 * with the error to the on-failure destination, the cell's failure queue, from which it can be replayed (and
 * resumes from the checkpoint).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, S3Event, S3EventRecord } from "aws-lambda";
import { METRICS_NAMESPACE, hasS3EndpointOverride, requireEnv, sleep } from "./lib/events-env";
import { expiresAt } from "./lib/idempotency";
import { IngestFormat, IngestRow, RowError, formatOf, parseObject } from "./lib/ingest-rows";
import { ENV, keys } from "./lib/table";
import { TimeBudget } from "./lib/time-budget";
import { OWN_PREFIXES, errorReportKey } from "./lib/bucket-layout";
import { deployedOwnership } from "./lib/ownership";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";

const SERVICE = "ingest";
const BATCH_SIZE = 25;
const CHECKPOINT_EVERY_BATCHES = 10;
const CHECKPOINT_TTL_SECONDS = 7 * 24 * 3600;
const MAX_WRITE_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 2_000;
/** The object is read whole into memory; larger files should be split by the producer. */
const MAX_OBJECT_BYTES = 25 * 1024 * 1024;
/** Errors listed in a report object (the count is always complete). */
const MAX_REPORTED_ERRORS = 1_000;
/** Errors listed in the log line. */
const MAX_LOGGED_ERRORS = 50;
/** Prefixes this function (and the scheduled job, failure handler) write to; never ingested. */

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({ forcePathStyle: hasS3EndpointOverride() });
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every row goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));

class TimeBudgetExhaustedError extends Error {
    constructor(location: string, lastLine: number, rowsLeft: number, remainingMs: number) {
        super(`stopped ingesting ${location} after line ${lastLine} with ${rowsLeft} rows left, because only ` +
            `${remainingMs} ms of the invocation remain; the checkpoint is saved and a retry resumes after line ${lastLine}`);
        this.name = "TimeBudgetExhaustedError";
    }
}

class UnprocessedItemsError extends Error {
    constructor(location: string, unprocessed: number, attempts: number) {
        super(`DynamoDB left ${unprocessed} items of ${location} unprocessed after ${attempts} attempts (throttled); ` +
            "the checkpoint is saved and a retry resumes from it");
        this.name = "UnprocessedItemsError";
    }
}

export type IngestStatus = "ingested" | "ignored" | "duplicate" | "missing" | "rejected";

export interface IngestResult {
    bucket: string;
    key: string;
    status: IngestStatus;
    rows?: number;
    written?: number;
    malformed?: number;
    /** Rows for customers another cell owns: sent to the failure path, not written. */
    notOwned?: number;
    resumedAfterLine?: number;
}

interface Checkpoint {
    etag: string;
    lastLine: number;
    rowsWritten: number;
    status: "in-progress" | "complete";
}

/** S3 event keys are URL-encoded with spaces as `+`. */
function decodeKey(encoded: string): string {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
}

async function readCheckpoint(bucket: string, key: string): Promise<Checkpoint | undefined> {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.ingestCheckpoint(bucket, key), ConsistentRead: true }));
    return out.Item as Checkpoint | undefined;
}

async function saveCheckpoint(bucket: string, key: string, checkpoint: Checkpoint): Promise<void> {
    const now = new Date();
    await ddb.send(new PutCommand({
        TableName: tableName,
        Item: {
            ...keys.ingestCheckpoint(bucket, key),
            bucket,
            key,
            ...checkpoint,
            updatedAt: now.toISOString(),
            expiresAt: expiresAt(now, CHECKPOINT_TTL_SECONDS),
        },
    }));
}

/** Rows in batches of at most 25 with no item twice in one batch (BatchWriteItem rejects that); the later row wins. */
function toBatches(rows: IngestRow[]): IngestRow[][] {
    const batches: IngestRow[][] = [];
    let current = new Map<string, IngestRow>();
    for (const row of rows) {
        const id = `${row.item.customerId}\u0000${row.item.itemId}`;
        if (!current.has(id) && current.size === BATCH_SIZE) {
            batches.push([...current.values()]);
            current = new Map();
        }
        current.delete(id);
        current.set(id, row);
    }
    if (current.size > 0) batches.push([...current.values()]);
    return batches;
}

async function writeBatch(batch: IngestRow[], location: string, budget: TimeBudget): Promise<void> {
    const now = new Date().toISOString();
    let requests = batch.map(({ line, item }) => ({
        PutRequest: {
            Item: {
                ...keys.item(item.customerId, item.itemId),
                customerId: item.customerId,
                itemId: item.itemId,
                data: item.data,
                updatedAt: now,
                source: `${location}#L${line}`,
            },
        },
    }));
    for (let attempt = 1; ; attempt++) {
        const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        const left = out.UnprocessedItems?.[tableName] ?? [];
        if (left.length === 0) return;
        if (attempt >= MAX_WRITE_ATTEMPTS || budget.isLow()) throw new UnprocessedItemsError(location, left.length, attempt);
        // Full jitter: spreads the retries of concurrent writers instead of synchronising them.
        await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
        requests = left as typeof requests;
    }
}

async function writeReport(bucket: string, key: string, report: Record<string, unknown>): Promise<void> {
    await s3.send(new PutObjectCommand({
        Bucket: bucket,
        Key: errorReportKey(key),
        Body: JSON.stringify(report, null, 2),
        ContentType: "application/json",
    }));
}

async function readObject(bucket: string, key: string): Promise<{ etag: string; text?: string; fileError?: string } | undefined> {
    let out;
    try {
        out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
        if (err instanceof Error && err.name === "NoSuchKey") return undefined;
        throw err;
    }
    const etag = (out.ETag ?? "").replace(/"/g, "");
    if ((out.ContentLength ?? 0) > MAX_OBJECT_BYTES) {
        (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return { etag, fileError: `the object is ${out.ContentLength} bytes; at most ${MAX_OBJECT_BYTES} are read (split the file)` };
    }
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    try {
        return { etag, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
        return { etag, fileError: "the object is not valid UTF-8 text" };
    }
}

async function ingestRecord(record: S3EventRecord, budget: TimeBudget): Promise<IngestResult> {
    const bucket = record.s3.bucket.name;
    const key = decodeKey(record.s3.object.key);
    const location = `s3://${bucket}/${key}`;
    const result = (status: IngestStatus, extra: Partial<IngestResult> = {}): IngestResult => ({ bucket, key, status, ...extra });

    if (!record.eventName.startsWith("ObjectCreated:")) {
        logger.info("not an ObjectCreated event; ignored", { location, eventName: record.eventName });
        return result("ignored");
    }
    if (OWN_PREFIXES.some(p => key.startsWith(p))) {
        logger.info("key is under a prefix the cell's handlers write to; ignored", { location });
        return result("ignored");
    }
    const format: IngestFormat | undefined = formatOf(key);
    if (format === undefined) {
        logger.info("key is not an ingestible .csv, .jsonl or .ndjson object; ignored", { location });
        return result("ignored");
    }
    const eventEtag = record.s3.object.eTag || undefined;
    const checkpoint = await readCheckpoint(bucket, key);
    if (checkpoint?.status === "complete" && eventEtag !== undefined && checkpoint.etag === eventEtag) {
        logger.info("object already ingested; duplicate event ignored", { location, etag: eventEtag });
        return result("duplicate");
    }

    const object = await readObject(bucket, key);
    if (object === undefined) {
        logger.warn("object no longer exists; nothing to ingest", { location });
        return result("missing");
    }
    if (eventEtag !== undefined && object.etag !== eventEtag) {
        // Overwritten since this event. Ingest what is there now rather than skip (a skip on an ETag that merely
        // reads differently would lose the file); the newer version's own event then finds it complete.
        logger.info("object changed since the event; ingesting its current version", { location, eventEtag, objectEtag: object.etag });
    }
    if (checkpoint?.status === "complete" && checkpoint.etag === object.etag) {
        logger.info("object already ingested; duplicate event ignored", { location, etag: object.etag });
        return result("duplicate");
    }

    const parsed = object.text === undefined
        ? { format, rows: [], errors: [], fileError: object.fileError }
        : parseObject(format, object.text);
    if (parsed.fileError !== undefined) {
        logger.error("file rejected: nothing ingested", { location, reason: parsed.fileError });
        await writeReport(bucket, key, report(location, object.etag, format, 0, 0, [], parsed.fileError));
        await saveCheckpoint(bucket, key, { etag: object.etag, lastLine: 0, rowsWritten: 0, status: "complete" });
        metrics.addMetric("FilesRejected", MetricUnit.Count, 1);
        return result("rejected");
    }

    const resumeAfter = checkpoint?.etag === object.etag ? checkpoint.lastLine : 0;
    if (resumeAfter > 0) logger.info("resuming from the checkpoint", { location, afterLine: resumeAfter });
    const pending = parsed.rows.filter(r => r.line > resumeAfter);
    const batches = toBatches(pending);
    const progress: Checkpoint = {
        etag: object.etag,
        lastLine: resumeAfter,
        rowsWritten: checkpoint?.etag === object.etag ? checkpoint.rowsWritten : 0,
        status: "in-progress",
    };
    let written = 0;
    let notOwned = 0;
    try {
        for (const [index, batch] of batches.entries()) {
            // At least one batch per invocation, so even a tight budget makes progress.
            if (index > 0 && budget.isLow()) {
                const rowsLeft = pending.filter(r => r.line > progress.lastLine).length;
                throw new TimeBudgetExhaustedError(location, progress.lastLine, rowsLeft, budget.remainingMs());
            }
            const owned: IngestRow[] = [];
            for (const row of batch) {
                // Another cell's customer: never written here; the row goes to the failure path for its owner.
                if (await ownedOrRejected(ownership, rejecter, SERVICE, row.item.customerId, { object: location, line: row.line, item: row.item })) owned.push(row);
                else notOwned++;
            }
            if (owned.length > 0) await writeBatch(owned, location, budget);
            written += owned.length;
            progress.lastLine = batch[batch.length - 1].line;
            progress.rowsWritten += owned.length;
            if ((index + 1) % CHECKPOINT_EVERY_BATCHES === 0) await saveCheckpoint(bucket, key, progress);
        }
    } catch (err) {
        await saveCheckpoint(bucket, key, progress).catch(saveError => logger.error("could not save the checkpoint", {
            location, reason: String(saveError),
        }));
        metrics.addMetric("RowsWritten", MetricUnit.Count, written);
        metrics.addMetric("IngestStopped", MetricUnit.Count, 1);
        logger.error("ingest stopped; the invocation fails so that it is retried from the checkpoint", {
            location, lastLine: progress.lastLine, written, reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        throw err;
    }

    if (parsed.errors.length > 0) {
        logger.warn("malformed rows skipped", {
            location, malformed: parsed.errors.length, errors: parsed.errors.slice(0, MAX_LOGGED_ERRORS),
        });
        await writeReport(bucket, key, report(location, object.etag, format, parsed.rows.length, progress.rowsWritten, parsed.errors));
    }
    await saveCheckpoint(bucket, key, { ...progress, status: "complete" });
    metrics.addMetric("RowsWritten", MetricUnit.Count, written);
    metrics.addMetric("RowsMalformed", MetricUnit.Count, parsed.errors.length);
    if (notOwned > 0) metrics.addMetric("RowsRejected", MetricUnit.Count, notOwned);
    metrics.addMetric("FilesIngested", MetricUnit.Count, 1);
    logger.info("object ingested", { location, rows: parsed.rows.length, written, malformed: parsed.errors.length, notOwned, resumedAfterLine: resumeAfter });
    return result("ingested", {
        rows: parsed.rows.length,
        written,
        malformed: parsed.errors.length,
        ...(notOwned > 0 ? { notOwned } : {}),
        ...(resumeAfter > 0 ? { resumedAfterLine: resumeAfter } : {}),
    });
}

function report(location: string, etag: string, format: IngestFormat, rows: number, written: number, errors: RowError[], fileError?: string): Record<string, unknown> {
    return {
        object: location,
        etag,
        format,
        checkedAt: new Date().toISOString(),
        ...(fileError === undefined ? {} : { fileError }),
        validRows: rows,
        written,
        malformed: errors.length,
        errors: errors.slice(0, MAX_REPORTED_ERRORS),
        ...(errors.length > MAX_REPORTED_ERRORS ? { errorsTruncated: true } : {}),
    };
}

export const handler = async (event: S3Event, context: Context): Promise<IngestResult[]> => {
    logger.addContext(context);
    const budget = TimeBudget.forInvocation(context);
    try {
        const results: IngestResult[] = [];
        // S3 sends one record per event; a test event (s3:TestEvent) has none.
        for (const record of event.Records ?? []) results.push(await ingestRecord(record, budget));
        return results;
    } finally {
        // Without the guard Powertools warns on every invocation that stored nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
};
