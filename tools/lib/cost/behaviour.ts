/**
 * What one unit of work of each handler does to other services: DynamoDB reads and writes (with the sort key each
 * write has, so the table stream's filter in the plan decides which writes reach the stream processor), S3
 * requests and STS calls (free, but in a VPC they pass an interface endpoint, which bills per GB). Read from handlers/*.ts; the plan cannot show what code does, so this table is the one place that says
 * it, keyed by function kind (a test checks it covers every kind the program has).
 *
 * How work reaches a function (and how often) is the derivation's business (derive.ts), from the plan. Pure.
 */
import { GB, KB, readUnits, scanReadUnits, writeUnits } from "./formulas";
import type { Usage } from "./usage";

export interface TableWrite {
    /** Writes per unit of work. */
    count: number;
    /** Write request units of each. */
    units: number;
    /** The sort key such a write has (a sample: the stream filter matches its prefix). */
    sortKey: string;
    what: string;
}

export interface Work {
    /** What one unit is: a request, a message, an object, a record, a run. */
    unit: string;
    readUnits: number;
    writes: TableWrite[];
    s3Gets: number;
    s3Puts: number;
    /** STS AssumeRole calls. */
    stsAssumeRoles: number;
}

export interface WorkContext {
    usage: Usage;
    /** The function's environment, as planned. */
    environment: Record<string, string>;
    /** The size of the event a unit arrives in (a failure record's, for the failure handler). */
    eventBytes: number;
}

/** Small rows the handlers write besides items: markers, checkpoints, audit entries and counters fit in 1 KB. */
const SMALL_ROW_BYTES = KB;
/** ingest.ts writes items 25 at a time and saves its checkpoint every 10 batches and when it stops. */
const INGEST_BATCH = 25;
const INGEST_CHECKPOINT_EVERY = 10;
/** failure-handler.ts stores the failed event with its origin: the body plus about 1 KB. */
const FAILURE_ROW_OVERHEAD_BYTES = KB;

const none = (unit: string): Work => ({ unit, readUnits: 0, writes: [], s3Gets: 0, s3Puts: 0, stsAssumeRoles: 0 });

/** The stream processor (table stream and Kinesis): an audit row per change, plus the counter in a transaction when an item comes or goes. */
function streamProcessor(ctx: WorkContext): Work {
    const counted = ctx.usage.table.createOrDeleteFraction;
    return {
        unit: "record",
        readUnits: 0,
        writes: [
            { count: counted, units: writeUnits(SMALL_ROW_BYTES, true), sortKey: "2026-01-01T00:00:00.000Z#<event id>", what: "audit row (in a transaction)" },
            { count: counted, units: writeUnits(SMALL_ROW_BYTES, true), sortKey: "COUNTER", what: "customer counter (in a transaction)" },
            { count: 1 - counted, units: writeUnits(SMALL_ROW_BYTES, false), sortKey: "2026-01-01T00:00:00.000Z#<event id>", what: "audit row" },
        ],
        s3Gets: 0,
        s3Puts: 0,
        stsAssumeRoles: 0,
    };
}

/** What each function kind does per unit of work. */
export const BEHAVIOURS: Record<string, (ctx: WorkContext) => Work> = {
    /** router.ts: routes in memory; invoking the cell (invoke mode) is wiring, which the derivation follows. */
    router: () => none("request"),
    /** authorizer.ts: verifies the token in memory (the issuer's key set is fetched once per instance, from outside AWS). */
    authorizer: () => none("request"),
    /** token-claims.ts: reshapes the token Cognito is about to issue, from the user's attributes in the event. */
    "token-claims": () => none("token"),
    /**
     * cell-api.ts: GetItem (eventually consistent) to read; UpdateItem to write an item; both with the tenant's own
     * credentials (clients/tenant-tables.ts), from STS AssumeRole unless the warm instance holds them.
     */
    api: ({ usage }) => ({
        unit: "request",
        readUnits: usage.api.readFraction * readUnits(usage.table.itemBytes, "eventual"),
        writes: [{ count: 1 - usage.api.readFraction, units: writeUnits(usage.table.itemBytes, false), sortKey: "ITEM#<item id>", what: "item (UpdateItem)" }],
        s3Gets: 0,
        s3Puts: 0,
        stsAssumeRoles: 1 - usage.api.credentialsCacheHitFraction,
    }),
    /** alb-api.ts: the cell API's own handler behind an ALB (it verifies the token in memory, as the authorizer does). */
    "alb-api": ctx => BEHAVIOURS.api!(ctx),
    /** queue-worker.ts: one TransactWriteItems per message: a processed-message marker and the item. */
    "queue-worker": ({ usage }) => ({
        unit: "message",
        readUnits: 0,
        writes: [
            { count: 1, units: writeUnits(SMALL_ROW_BYTES, true), sortKey: "MESSAGE", what: "processed-message marker (in a transaction)" },
            { count: 1, units: writeUnits(usage.table.itemBytes, true), sortKey: "ITEM#<item id>", what: "item (in a transaction)" },
        ],
        s3Gets: 0,
        s3Puts: 0,
        stsAssumeRoles: 0,
    }),
    /** notifier.ts: one conditional PutItem per notification. */
    notifier: ({ usage }) => ({
        unit: "message",
        readUnits: 0,
        writes: [{ count: 1, units: writeUnits(usage.topic.messageBytes, false), sortKey: "NOTIFICATION#<message id>", what: "notification" }],
        s3Gets: 0,
        s3Puts: 0,
        stsAssumeRoles: 0,
    }),
    /** ingest.ts: GetObject, a consistent read of its checkpoint, the rows in batches of 25, checkpoints every 10 batches and at the end. */
    ingest: ({ usage }) => {
        const rows = usage.bucket.rowsPerObject;
        const checkpoints = Math.floor(Math.ceil(rows / INGEST_BATCH) / INGEST_CHECKPOINT_EVERY) + 1;
        return {
            unit: "object",
            readUnits: readUnits(SMALL_ROW_BYTES, "strong"),
            writes: [
                { count: rows, units: writeUnits(usage.table.itemBytes, false), sortKey: "ITEM#<item id>", what: "item (BatchWriteItem)" },
                { count: checkpoints, units: writeUnits(SMALL_ROW_BYTES, false), sortKey: "CHECKPOINT", what: "ingest checkpoint" },
            ],
            s3Gets: 1,
            s3Puts: 0,
            stsAssumeRoles: 0,
        };
    },
    /** scheduled.ts: a Scan of the whole table (eventually consistent), and its summary object when it has a bucket. */
    scheduled: ({ usage, environment }) => ({
        unit: "run",
        readUnits: scanReadUnits(usage.table.storedGb * GB),
        writes: [],
        s3Gets: 0,
        s3Puts: environment.BUCKET_NAME === undefined ? 0 : 1,
        stsAssumeRoles: 0,
    }),
    "table-stream": streamProcessor,
    "kinesis-stream": streamProcessor,
    /** failure-handler.ts: one conditional PutItem per failed event, holding the event and its origin. */
    "failure-handler": ({ eventBytes }) => ({
        unit: "failure record",
        readUnits: 0,
        writes: [{ count: 1, units: writeUnits(eventBytes + FAILURE_ROW_OVERHEAD_BYTES, false), sortKey: "2026-01-01T00:00:00.000Z#<message id>", what: "failure row" }],
        s3Gets: 0,
        s3Puts: 0,
        stsAssumeRoles: 0,
    }),
};

/** The work of a kind the table does not know: none (the caller says so in its notes). */
export function workOf(kind: string, ctx: WorkContext): Work | undefined {
    return BEHAVIOURS[kind]?.(ctx);
}
