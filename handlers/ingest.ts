/**
 * ingest: loads customer items from objects put in the cell's bucket (S3 ObjectCreated, asynchronous).
 *
 * Event: S3 event notification records; `s3.object.key` is URL-encoded (spaces as `+`) and is decoded here.
 * Keys ending `.csv` are read as CSV with a header row, `.jsonl` / `.ndjson` as JSON Lines (row formats in
 * lib/ingest-rows.ts); other keys, and this function's own outputs (`errors/`, `summaries/`, `failures/`), are
 * ignored with a log line. The object is read as a stream, row by row, so its size is bounded by the time budget
 * only, never by memory.
 *
 * Each valid row is written through the one item model (clients/item-store.ts): a conditional UpdateItem that
 * stores the data as normal-form JSON text, keeps `createdAt` and the incarnation and advances the version, so an
 * ingested item reads back through the cell API like any other and a client's stale `If-Match` fails. Rows are
 * written 25 at a time, rows of different items concurrently, rows of one item in file order. A row of a customer
 * another cell owns goes to the failure path (clients/rejections.ts), never written here.
 *
 * One row never costs the file: a malformed row (bad JSON, missing or invalid fields, not UTF-8, ...) and a row
 * DynamoDB refuses (ValidationException, e.g. too large) are counted, logged with their line numbers and listed in
 * a report object `errors/<key>.json` in the same bucket, and the rest of the file is written. A file that cannot
 * be read at all (no usable CSV header) gets the same report and no items. Neither is retried: retrying cannot
 * fix the file. Reports and logs name lines, fields and error classes, never a value of a row.
 *
 * Time budget and progress: a checkpoint row (`INGEST#<bucket>/<key>` / `CHECKPOINT`, TTL 7 days) records the
 * object's ETag, the last line written and the rows DynamoDB refused, every 10 chunks and whenever the function
 * stops. When the time left runs low it stops between chunks, saves the checkpoint and fails on purpose
 * (TimeBudgetExhaustedError); Lambda's asynchronous retry then resumes after the checkpoint line instead of
 * writing from the start, and a duplicate delivery of an event for a completed object is a no-op. A row written
 * again after a crash between checkpoints is not applied twice: each write carries `writtenBy`
 * (`ingest:s3://<bucket>/<key>@<etag>#L<line>`) and is skipped when the item's current version is that write.
 *
 * Failures: an error thrown here (time budget, throttling that outlasts the SDK's retries, S3 or DynamoDB access)
 * fails the invocation; Lambda retries it (the function's `maximumRetryAttempts`, 0-2) and then sends the event
 * with the error to the on-failure destination, the cell's failure queue, from which it can be replayed (and
 * resumes from the checkpoint).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, S3Event, S3EventRecord } from "aws-lambda";
import { METRICS_NAMESPACE, hasS3EndpointOverride, requireEnv } from "./lib/events-env";
import { itemRowJson } from "./lib/events-items";
import { expiresAt } from "./lib/idempotency";
import { IngestFormat, IngestRow, RowError, formatOf, readRows } from "./lib/ingest-rows";
import { LogSafeError, errorFields } from "./lib/log-safe";
import { ENV, keys } from "./lib/table";
import { TimeBudget } from "./lib/time-budget";
import { OWN_PREFIXES, errorReportKey } from "./lib/bucket-layout";
import { deployedOwnership } from "./lib/ownership";
import { ItemStore } from "./clients/item-store";
import { failureQueueRejecter, ownedOrRejected } from "./clients/rejections";
import { traceTenant, traced, tracedHandler } from "./clients/tracing";

const SERVICE = "ingest";
const CHUNK_ROWS = 25;
const CHECKPOINT_EVERY_CHUNKS = 10;
const CHECKPOINT_TTL_SECONDS = 7 * 24 * 3600;
/** Errors listed in a report object and kept in a checkpoint (the counts are always complete). */
const MAX_REPORTED_ERRORS = 1_000;
/** Errors listed in the log line. */
const MAX_LOGGED_ERRORS = 50;

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})));
const items = new ItemStore(ddb, tableName);
const s3 = traced(new S3Client({ forcePathStyle: hasS3EndpointOverride() }));
const ownership = deployedOwnership(cellId, __dirname, error => logger.error("cannot load the ownership table: every row goes to the failure queue", { error }));
const rejecter = failureQueueRejecter(requireEnv(ENV.failureQueueUrl));

class TimeBudgetExhaustedError extends LogSafeError {
    constructor(location: string, lastLine: number, remainingMs: number) {
        super(`stopped ingesting ${location} after line ${lastLine}, because only ${remainingMs} ms of the invocation remain; ` +
            `the checkpoint is saved and a retry resumes after line ${lastLine}`);
        this.name = "TimeBudgetExhaustedError";
    }
}

export type IngestStatus = "ingested" | "ignored" | "duplicate" | "missing" | "rejected";

export interface IngestResult {
    bucket: string;
    key: string;
    status: IngestStatus;
    /** Valid rows in the file. */
    rows?: number;
    /** Rows written by this invocation. */
    written?: number;
    malformed?: number;
    /** Valid rows DynamoDB refused to store (listed in the report). */
    unwritable?: number;
    /** Rows for customers another cell owns: sent to the failure path, not written. */
    notOwned?: number;
    resumedAfterLine?: number;
}

interface Checkpoint {
    etag: string;
    lastLine: number;
    rowsWritten: number;
    /** Rows DynamoDB refused, kept so the final report lists those of earlier invocations too. */
    unwritable: RowError[];
    status: "in-progress" | "complete";
}

/** S3 event keys are URL-encoded with spaces as `+`. */
function decodeKey(encoded: string): string {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
}

async function readCheckpoint(bucket: string, key: string): Promise<Checkpoint | undefined> {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.ingestCheckpoint(bucket, key), ConsistentRead: true }));
    const item = out.Item as (Partial<Checkpoint> & { etag: string; lastLine: number; rowsWritten: number; status: Checkpoint["status"] }) | undefined;
    return item === undefined ? undefined : { ...item, unwritable: item.unwritable ?? [] };
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
            unwritable: checkpoint.unwritable.slice(0, MAX_REPORTED_ERRORS),
            updatedAt: now.toISOString(),
            expiresAt: expiresAt(now, CHECKPOINT_TTL_SECONDS),
        },
    }));
}

/** Errors DynamoDB answers for the row itself (its size, its content): writing it again cannot succeed. */
function isRowError(err: unknown): boolean {
    return err instanceof Error && err.name === "ValidationException";
}

interface ChunkOutcome {
    written: number;
    notOwned: number;
    unwritable: RowError[];
}

/**
 * Writes one chunk of rows: rows of different items concurrently, rows of one item in file order (the later row
 * is the later version). Waits for every row before it returns or throws, so a checkpoint after it is exact.
 */
async function writeChunk(chunk: IngestRow[], location: string, writer: string): Promise<ChunkOutcome> {
    const byItem = new Map<string, IngestRow[]>();
    for (const row of chunk) {
        const id = `${row.item.customerId}\u0000${row.item.itemId}`;
        byItem.set(id, [...(byItem.get(id) ?? []), row]);
    }
    const outcome: ChunkOutcome = { written: 0, notOwned: 0, unwritable: [] };
    const settled = await Promise.allSettled([...byItem.values()].map(async rows => {
        for (const { line, item } of rows) {
            traceTenant(item.customerId);
            // Another cell's customer: never written here; the row goes to the failure path for its owner.
            if (!(await ownedOrRejected(ownership, rejecter, SERVICE, item.customerId, { object: location, line, row: itemRowJson(item) }))) {
                outcome.notOwned++;
                continue;
            }
            try {
                await items.put({ ...item, writtenBy: `${writer}#L${line}` }, { once: true });
                outcome.written++;
            } catch (err) {
                if (!isRowError(err)) throw err;
                outcome.unwritable.push({ line, reason: `DynamoDB refused the row (${(err as Error).name})` });
            }
        }
    }));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    outcome.unwritable.sort((a, b) => a.line - b.line);
    return outcome;
}

async function writeReport(bucket: string, key: string, report: Record<string, unknown>): Promise<void> {
    await s3.send(new PutObjectCommand({
        Bucket: bucket,
        Key: errorReportKey(key),
        Body: JSON.stringify(report, null, 2),
        ContentType: "application/json",
    }));
}

async function openObject(bucket: string, key: string): Promise<{ etag: string; body: AsyncIterable<Uint8Array> & { destroy?: () => void } } | undefined> {
    let out;
    try {
        out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
        if (err instanceof Error && err.name === "NoSuchKey") return undefined;
        throw err;
    }
    const body = (out.Body ?? (async function* () { /* empty */ })()) as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
    return { etag: (out.ETag ?? "").replace(/"/g, ""), body };
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

    const object = await openObject(bucket, key);
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
        object.body.destroy?.();
        logger.info("object already ingested; duplicate event ignored", { location, etag: object.etag });
        return result("duplicate");
    }

    const same = checkpoint?.etag === object.etag ? checkpoint : undefined;
    const resumeAfter = same?.lastLine ?? 0;
    if (resumeAfter > 0) logger.info("resuming from the checkpoint", { location, afterLine: resumeAfter });
    const progress: Checkpoint = {
        etag: object.etag,
        lastLine: resumeAfter,
        rowsWritten: same?.rowsWritten ?? 0,
        unwritable: [...(same?.unwritable ?? [])],
        status: "in-progress",
    };
    const writer = `ingest:${location}@${object.etag}`;
    const malformed: RowError[] = [];
    let fileError: string | undefined;
    let rows = 0;
    let written = 0;
    let notOwned = 0;
    let chunks = 0;
    let chunk: IngestRow[] = [];
    const flush = async (): Promise<void> => {
        // At least one chunk per invocation, so even a tight budget makes progress.
        if (chunks > 0 && budget.isLow()) throw new TimeBudgetExhaustedError(location, progress.lastLine, budget.remainingMs());
        const out = await writeChunk(chunk, location, writer);
        written += out.written;
        notOwned += out.notOwned;
        progress.rowsWritten += out.written;
        progress.unwritable.push(...out.unwritable);
        progress.lastLine = chunk[chunk.length - 1]!.line;
        chunk = [];
        if (++chunks % CHECKPOINT_EVERY_CHUNKS === 0) await saveCheckpoint(bucket, key, progress);
    };
    try {
        for await (const entry of readRows(format, object.body)) {
            if (entry.kind === "file-error") {
                fileError = entry.reason;
                break;
            }
            if (entry.kind === "error") {
                malformed.push(entry.error);
                continue;
            }
            rows++;
            if (entry.row.line <= resumeAfter) continue;
            chunk.push(entry.row);
            if (chunk.length === CHUNK_ROWS) await flush();
        }
        if (chunk.length > 0) await flush();
    } catch (err) {
        await saveCheckpoint(bucket, key, progress).catch(saveError => logger.error("could not save the checkpoint", {
            location, ...errorFields(saveError),
        }));
        metrics.addMetric("RowsWritten", MetricUnit.Count, written);
        metrics.addMetric("IngestStopped", MetricUnit.Count, 1);
        logger.error("ingest stopped; the invocation fails so that it is retried from the checkpoint", {
            location, lastLine: progress.lastLine, written, ...errorFields(err),
        });
        throw err;
    }

    if (fileError !== undefined && rows === 0) {
        logger.error("file rejected: nothing ingested", { location, reason: fileError });
        await writeReport(bucket, key, report(location, object.etag, format, { rows: 0, written: 0, malformed, unwritable: [], fileError }));
        await saveCheckpoint(bucket, key, { ...progress, status: "complete" });
        metrics.addMetric("FilesRejected", MetricUnit.Count, 1);
        return result("rejected");
    }
    const unwritable = progress.unwritable;
    if (malformed.length > 0 || unwritable.length > 0) {
        logger.warn("rows skipped", {
            location, malformed: malformed.length, unwritable: unwritable.length,
            errors: [...malformed, ...unwritable].sort((a, b) => a.line - b.line).slice(0, MAX_LOGGED_ERRORS),
        });
        await writeReport(bucket, key, report(location, object.etag, format, { rows, written: progress.rowsWritten, malformed, unwritable }));
    }
    await saveCheckpoint(bucket, key, { ...progress, status: "complete" });
    metrics.addMetric("RowsWritten", MetricUnit.Count, written);
    metrics.addMetric("RowsMalformed", MetricUnit.Count, malformed.length);
    if (unwritable.length > 0) metrics.addMetric("RowsUnwritable", MetricUnit.Count, unwritable.length);
    if (notOwned > 0) metrics.addMetric("RowsRejected", MetricUnit.Count, notOwned);
    metrics.addMetric("FilesIngested", MetricUnit.Count, 1);
    logger.info("object ingested", { location, rows, written, malformed: malformed.length, unwritable: unwritable.length, notOwned, resumedAfterLine: resumeAfter });
    return result("ingested", {
        rows,
        written,
        malformed: malformed.length,
        ...(unwritable.length > 0 ? { unwritable: unwritable.length } : {}),
        ...(notOwned > 0 ? { notOwned } : {}),
        ...(resumeAfter > 0 ? { resumedAfterLine: resumeAfter } : {}),
    });
}

function report(location: string, etag: string, format: IngestFormat,
    o: { rows: number; written: number; malformed: RowError[]; unwritable: RowError[]; fileError?: string }): Record<string, unknown> {
    const errors = [...o.malformed, ...o.unwritable].sort((a, b) => a.line - b.line);
    return {
        object: location,
        etag,
        format,
        checkedAt: new Date().toISOString(),
        ...(o.fileError === undefined ? {} : { fileError: o.fileError }),
        validRows: o.rows,
        written: o.written,
        malformed: o.malformed.length,
        ...(o.unwritable.length > 0 ? { unwritable: o.unwritable.length } : {}),
        errors: errors.slice(0, MAX_REPORTED_ERRORS),
        ...(errors.length > MAX_REPORTED_ERRORS ? { errorsTruncated: true } : {}),
    };
}

export const handler = tracedHandler(async (event: S3Event, context: Context): Promise<IngestResult[]> => {
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
});
