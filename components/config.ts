/**
 * The typed stack configuration: every `cellular:*` key is read here, and only here, and validated in full before
 * any resource is registered. All problems are collected and reported at once, each naming the key path, the
 * value given and what is allowed.
 *
 * Pure: it takes the raw key/value map Pulumi holds (`pulumi.runtime.allConfig()`, values are strings, objects
 * JSON-encoded) so the plan, the route command and the tests read a stack exactly as `pulumi up` does.
 */
import { CellFunctionKind, Names, nameLimitProblems } from "./names";
import { QUOTA_NAMES, QUOTAS, Quotas, quotaProblems } from "./quotas";
import { ConfigError, Plain, Problems, Reader, deepMerge, isPlainObject } from "./validate";

export { ConfigError } from "./validate";

// ---------------------------------------------------------------------------------------------------------------
// Limits (AWS's, unless said otherwise)
// ---------------------------------------------------------------------------------------------------------------

export const LIMITS = {
    memoryMb: { min: 128, max: 10240 },
    /** One full vCPU: a single-threaded Node.js handler cannot use more (see policies: lambda-memory-right-sized). */
    singleVcpuMemoryMb: 1769,
    timeoutSeconds: { min: 1, max: 900 },
    /**
     * API Gateway gives up after 29 s (REST) / 30 s (HTTP); a function behind it, or invoked synchronously by the
     * router, must finish first.
     */
    synchronousTimeoutSeconds: 28,
    sqsBatchSize: { min: 1, max: 10000 },
    sqsFifoBatchSize: 10,
    streamBatchSize: { min: 1, max: 10000 },
    batchingWindowSeconds: { min: 0, max: 300 },
    maxReceiveCount: { min: 5, max: 1000 },
    asyncRetries: { min: 0, max: 2 },
    maximumEventAgeSeconds: { min: 60, max: 21600 },
    streamRetryAttempts: { min: 0, max: 10000 },
    maximumRecordAgeSeconds: { min: 60, max: 604800 },
    parallelizationFactor: { min: 1, max: 10 },
    kinesisShards: { min: 1, max: 500 },
    /** AWS keeps this much of the account's concurrency unreserved. */
    unreservedMinimum: 100,
    cellIdLength: 20,
    cells: { min: 1, max: 1000 },
    /** The values CloudWatch Logs accepts for retentionInDays (0, "never expire", is deliberately not offered). */
    logRetentionDays: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
        3288, 3653] as readonly number[],
    apiThrottleRate: { min: 1, max: 10000 },
    apiThrottleBurst: { min: 1, max: 5000 },
    tagKeyLength: 128,
    tagValueLength: 256,
} as const;

const DNS_SAFE_ID = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
/** Customer ids accepted by the router (the partition key); kept in step with handlers/lib/routing.ts. */
const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The tags every resource carries; `cell` is set per cell (or `shared`), the other two come from config. */
export const REQUIRED_TAGS = ["cell", "cost-center", "environment"] as const;
export const SHARED_CELL_TAG = "shared";

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

/** Settings of one Lambda function. */
export interface FunctionSettings {
    /** 128–10240 MB; above 1769 needs `memoryJustification`. */
    memoryMb: number;
    /** 1–900 s; at most 28 s for a function behind API Gateway or invoked synchronously by the router. */
    timeoutSeconds: number;
    /** Reserved concurrency: the function's floor and ceiling. 0 stops the function. */
    reservedConcurrency: number;
    /** Why the function needs more than one vCPU of memory; becomes the `memory-justification` tag. */
    memoryJustification?: string;
}

export interface ApiFunctionSettings extends FunctionSettings {
    /** Provisioned concurrency on the `live` alias; 0 = none. At most `reservedConcurrency`. */
    provisionedConcurrency: number;
}

export interface QueueSource extends FunctionSettings {
    enabled: boolean;
    fifo: boolean;
    batchSize: number;
    batchingWindowSeconds: number;
    /** Receives before a message moves to the queue's dead-letter queue (5–1000). */
    maxReceiveCount: number;
}

export interface TopicSource extends FunctionSettings {
    enabled: boolean;
}

export interface BucketSource extends FunctionSettings {
    enabled: boolean;
    /** Only objects under this key prefix trigger the ingest function. */
    prefix: string;
    /** Object key suffixes that trigger it (one notification filter each). */
    suffixes: string[];
}

export interface ScheduleSource extends FunctionSettings {
    enabled: boolean;
    /** An EventBridge `rate(...)` or `cron(...)` expression. */
    expression: string;
}

export type StartingPosition = "LATEST" | "TRIM_HORIZON";

export interface StreamSource extends FunctionSettings {
    enabled: boolean;
    batchSize: number;
    batchingWindowSeconds: number;
    startingPosition: StartingPosition;
    /** Finite retries (0–10000) before the batch goes to the on-failure destination. */
    maximumRetryAttempts: number;
    /** Records older than this (60–604800 s) go to the on-failure destination. */
    maximumRecordAgeSeconds: number;
    /** Concurrent batches per shard (1–10). */
    parallelizationFactor: number;
}

export interface KinesisSource extends StreamSource {
    /** Provisioned shards of the cell's stream. */
    shardCount: number;
}

export interface EventSources {
    queue: QueueSource;
    topic: TopicSource;
    bucket: BucketSource;
    schedule: ScheduleSource;
    tableStream: StreamSource;
    kinesis: KinesisSource;
}
export type EventSourceKind = keyof EventSources;
export const EVENT_SOURCE_KINDS: readonly EventSourceKind[] = ["queue", "topic", "bucket", "schedule", "tableStream",
    "kinesis"];
/** The function each event source gets. */
export const EVENT_SOURCE_FUNCTION: Record<EventSourceKind, CellFunctionKind> = {
    queue: "queue-worker",
    topic: "notifier",
    bucket: "ingest",
    schedule: "scheduled",
    tableStream: "table-stream",
    kinesis: "kinesis-stream",
};

export type DestinationKind = "queue" | "topic" | "bus" | "function";

/** How asynchronously invoked functions retry and where their failed (and successful) events go. */
export interface AsyncSettings {
    /** 0–2 retries after the first attempt. */
    maximumRetryAttempts: number;
    /** 60–21600 s. */
    maximumEventAgeSeconds: number;
    /** `queue` = the cell's failure queue. */
    onFailure: DestinationKind;
    onSuccess: DestinationKind | "none";
}

export type CellState = "active" | "disabled";

export interface CellConfig {
    id: string;
    /** Position in the ordered cell list (the routing hash depends on it: cells are only ever appended). */
    index: number;
    /** Deployment wave: wave 0 (the canary) rolls out first, then 1, 2, ... */
    wave: number;
    /** A `disabled` cell answers 503 to its own customers; no other cell is affected. */
    state: CellState;
    api: ApiFunctionSettings;
    logRetentionDays: number;
    eventSources: EventSources;
    async: AsyncSettings;
    failureHandler: FunctionSettings;
}

export type RouterMode = "invoke" | "redirect";
export type ApiKind = "http" | "rest";
export type Isolation = "none" | "vpc";

export interface RouterConfig extends ApiFunctionSettings {
    /** `invoke`: the router calls the cell synchronously; `redirect`: a 307 to the cell's own endpoint. */
    mode: RouterMode;
    api: ApiKind;
    throttle: { rateLimit: number; burstLimit: number };
    /** Customers pinned to a cell, overriding the hash. */
    pinned: Record<string, string>;
    logRetentionDays: number;
}

export interface CellularConfig {
    project: string;
    stack: string;
    region: string;
    /** Tags on every taggable resource (includes `cost-center` and `environment`; `cell` is added per resource). */
    tags: Record<string, string>;
    accountConcurrencyLimit: number;
    isolation: Isolation;
    cells: CellConfig[];
    router: RouterConfig;
    /** Reserved concurrency summed over every function of the stack. */
    reservedConcurrencyTotal: number;
    /** The account's quotas the stack is checked against (AWS's defaults unless `cellular:quotas` says more). */
    quotas: Quotas;
    names: Names;
}

// ---------------------------------------------------------------------------------------------------------------
// Defaults: the one place they live (tests/config.test.ts pins them, README's config reference quotes them).
// ---------------------------------------------------------------------------------------------------------------

export const DEFAULTS = {
    accountConcurrencyLimit: 1000,
    isolation: "none" as Isolation,
    cell: {
        memoryMb: 256,
        timeoutSeconds: 10,
        reservedConcurrency: 10,
        provisionedConcurrency: 0,
        logRetentionDays: 30,
        eventSources: {
            queue: { enabled: false, fifo: false, batchSize: 10, batchingWindowSeconds: 0, maxReceiveCount: 5,
                memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 2 },
            topic: { enabled: false, memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 2 },
            bucket: { enabled: false, prefix: "incoming/", suffixes: [".csv", ".jsonl"], memoryMb: 512,
                timeoutSeconds: 120, reservedConcurrency: 2 },
            schedule: { enabled: false, expression: "cron(0 3 * * ? *)", memoryMb: 256, timeoutSeconds: 60,
                reservedConcurrency: 1 },
            tableStream: { enabled: false, batchSize: 100, batchingWindowSeconds: 0, startingPosition: "LATEST",
                maximumRetryAttempts: 5, maximumRecordAgeSeconds: 3600, parallelizationFactor: 1, memoryMb: 256,
                timeoutSeconds: 30, reservedConcurrency: 2 },
            kinesis: { enabled: false, shardCount: 1, batchSize: 100, batchingWindowSeconds: 0,
                startingPosition: "LATEST", maximumRetryAttempts: 5, maximumRecordAgeSeconds: 3600,
                parallelizationFactor: 1, memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 2 },
        },
        async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600, onFailure: "queue", onSuccess: "none" },
        failureHandler: { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 1 },
    },
    router: {
        mode: "invoke" as RouterMode,
        api: "http" as ApiKind,
        memoryMb: 256,
        timeoutSeconds: 15,
        reservedConcurrency: 50,
        provisionedConcurrency: 0,
        throttle: { rateLimit: 1000, burstLimit: 2000 },
        pinned: {},
        logRetentionDays: 30,
    },
};

// ---------------------------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------------------------

/** Every `cellular:*` key the program reads. Any other `cellular:*` key is reported (it is probably a typo). */
export const CONFIG_KEYS = ["tags", "accountConcurrencyLimit", "isolation", "cellCount", "cells", "defaults",
    "router", "quotas"] as const;

const FUNCTION_KEYS = ["memoryMb", "timeoutSeconds", "reservedConcurrency", "memoryJustification"] as const;
const SOURCE_KEYS: Record<EventSourceKind, readonly string[]> = {
    queue: ["enabled", "fifo", "batchSize", "batchingWindowSeconds", "maxReceiveCount", ...FUNCTION_KEYS],
    topic: ["enabled", ...FUNCTION_KEYS],
    bucket: ["enabled", "prefix", "suffixes", ...FUNCTION_KEYS],
    schedule: ["enabled", "expression", ...FUNCTION_KEYS],
    tableStream: ["enabled", "batchSize", "batchingWindowSeconds", "startingPosition", "maximumRetryAttempts",
        "maximumRecordAgeSeconds", "parallelizationFactor", ...FUNCTION_KEYS],
    kinesis: ["enabled", "shardCount", "batchSize", "batchingWindowSeconds", "startingPosition",
        "maximumRetryAttempts", "maximumRecordAgeSeconds", "parallelizationFactor", ...FUNCTION_KEYS],
};
const CELL_SETTING_KEYS = ["memoryMb", "timeoutSeconds", "reservedConcurrency", "provisionedConcurrency",
    "memoryJustification", "logRetentionDays", "eventSources", "async", "failureHandler"] as const;
const CELL_KEYS = ["id", "wave", "state", ...CELL_SETTING_KEYS] as const;

const ROUTER_KEYS = ["mode", "api", "memoryMb", "timeoutSeconds", "reservedConcurrency", "provisionedConcurrency",
    "memoryJustification", "throttle", "pinned", "logRetentionDays"] as const;

const ASYNC_KEYS = ["maximumRetryAttempts", "maximumEventAgeSeconds", "onFailure", "onSuccess"] as const;

/**
 * Reports unknown keys in a cell entry or in `cellular:defaults` (the raw object, before merging, so each typo is
 * reported once, where it was written).
 */
function checkCellShape(read: Reader, path: string, raw: unknown, known: readonly string[]): Plain {
    const v = read.object(path, raw, known);
    const sources = read.object(`${path}.eventSources`, v.eventSources, [...EVENT_SOURCE_KINDS]);
    for (const kind of EVENT_SOURCE_KINDS) read.object(`${path}.eventSources.${kind}`, sources[kind], SOURCE_KEYS[kind]);
    read.object(`${path}.async`, v.async, ASYNC_KEYS);
    read.object(`${path}.failureHandler`, v.failureHandler, FUNCTION_KEYS);
    return v;
}

/** An object's fields, or none when it is not an object (its shape was reported by checkCellShape). */
function fields(value: unknown): Plain {
    return isPlainObject(value) ? value : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------------

export interface LoadOptions {
    project: string;
    stack: string;
}

/**
 * Reads and validates the stack's configuration.
 *
 * @param raw the stack's config as Pulumi holds it: `{ "cellular:cells": "[...]", "aws:region": "us-east-1" }`.
 * @throws ConfigError listing every problem.
 */
export function loadConfig(raw: Record<string, string>, options: LoadOptions): CellularConfig {
    const problems = new Problems();
    const read = new Reader(problems);
    const names = new Names(options.project, options.stack);

    if (!/^[a-z][a-z0-9-]*$/.test(names.prefix)) {
        problems.add("the project and stack name", names.prefix,
            "physical names start with <project>-<stack> and must be lowercase letters, digits and hyphens " +
            "(S3 and DNS rules); use a lowercase stack name");
    }

    const values = parseRaw(raw, problems);
    const key = (k: string) => `cellular:${k}`;

    const region = raw["aws:region"];
    if (region === undefined || region === "") {
        problems.add("aws:region", undefined, "set it with `pulumi config set aws:region <region>`");
    }

    const tags = readTags(read, values.tags);
    const accountConcurrencyLimit = values.accountConcurrencyLimit === undefined ? DEFAULTS.accountConcurrencyLimit
        : read.integer(key("accountConcurrencyLimit"), values.accountConcurrencyLimit, LIMITS.unreservedMinimum + 1,
            1_000_000, DEFAULTS.accountConcurrencyLimit);
    const isolation = values.isolation === undefined ? DEFAULTS.isolation
        : read.oneOf(key("isolation"), values.isolation, ["none", "vpc"] as const, DEFAULTS.isolation);

    // Stack-wide cell settings, then each cell's own on top.
    const defaultsRaw = checkCellShape(read, key("defaults"), values.defaults, CELL_SETTING_KEYS);
    const cellEntries = readCellEntries(read, values.cells, values.cellCount);
    const router = readRouter(read, values.router, DEFAULTS.router);
    const cells = cellEntries.map((entry, index) => readCell(read, entry, index, defaultsRaw));

    checkCells(problems, cells, names);
    checkRouter(problems, router, cells);
    const reservedConcurrencyTotal = checkConcurrencyBudget(problems, cells, router, accountConcurrencyLimit);
    const quotas = readQuotas(read, values.quotas);
    if (cells.length > 0) {
        for (const p of quotaProblems({ names, region: region ?? "us-east-1", cells, router, isolation, functionsPerCell: c => cellFunctions(c).length }, quotas)) {
            problems.note(p);
        }
    }

    problems.throwIfAny();
    return {
        project: options.project,
        stack: options.stack,
        region: region as string,
        tags,
        accountConcurrencyLimit,
        isolation,
        cells,
        router,
        reservedConcurrencyTotal,
        quotas,
        names,
    };
}

function readQuotas(read: Reader, value: unknown): Quotas {
    const raw = read.object("cellular:quotas", value, QUOTA_NAMES);
    const quotas = {} as Quotas;
    for (const name of QUOTA_NAMES) {
        const spec = QUOTAS[name];
        quotas[name] = raw[name] === undefined ? spec.default
            : read.integer(`cellular:quotas.${name}`, raw[name], spec.default, spec.max, spec.default,
                `expected the account's quota for ${spec.what}: an integer from AWS's default ${spec.default} to ${spec.max}`);
    }
    return quotas;
}

/** Decodes the `cellular:*` values: Pulumi keeps every value as a string and objects as JSON. */
function parseRaw(raw: Record<string, string>, problems: Problems): Partial<Record<(typeof CONFIG_KEYS)[number], unknown>> {
    const out: Partial<Record<(typeof CONFIG_KEYS)[number], unknown>> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith("cellular:")) continue;
        const k = fullKey.slice("cellular:".length);
        if (!(CONFIG_KEYS as readonly string[]).includes(k)) {
            problems.add(fullKey, text, `not a known setting; known: ${CONFIG_KEYS.map(c => `cellular:${c}`).join(", ")}`);
            continue;
        }
        out[k as (typeof CONFIG_KEYS)[number]] = decode(text);
    }
    return out;
}

/** A config string as the value it stands for: JSON when it parses as JSON (numbers, booleans, objects), else text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function readTags(read: Reader, value: unknown): Record<string, string> {
    const path = "cellular:tags";
    const tags: Record<string, string> = {};
    if (!isPlainObject(value)) {
        read.problems.add(path, value, "expected a map of tag names to values, with at least cost-center and environment");
        return { "cost-center": "unknown", environment: "unknown" };
    }
    for (const [name, tagValue] of Object.entries(value)) {
        const at = `${path}.${name}`;
        if (name === "cell") {
            read.problems.add(at, tagValue, "the cell tag is set by the program on every resource (the cell id, or shared); remove it");
            continue;
        }
        if (name.length === 0 || name.length > LIMITS.tagKeyLength || name.startsWith("aws:")) {
            read.problems.add(at, tagValue, `tag names are 1-${LIMITS.tagKeyLength} characters and may not start with aws:`);
            continue;
        }
        if (typeof tagValue !== "string" || tagValue.length > LIMITS.tagValueLength || !TAG_VALUE.test(tagValue)) {
            read.problems.add(at, tagValue, `expected a string of at most ${LIMITS.tagValueLength} letters, digits, spaces and _ . : / = + - @`);
            continue;
        }
        tags[name] = tagValue;
    }
    for (const required of REQUIRED_TAGS) {
        if (required === "cell") continue;
        if (!(required in value) ) {
            read.problems.add(`${path}.${required}`, undefined, "every resource must carry a non-empty " +
                `${required} tag; set it with \`pulumi config set --path 'cellular:tags.${required}' <value>\``);
        } else if (tags[required] === "") {
            read.problems.add(`${path}.${required}`, "", `every resource must carry a non-empty ${required} tag`);
        }
    }
    return tags;
}

/** The raw cell entries: `cellular:cells` (a list), or `cellular:cellCount` generated ids `cell-001`, ... */
function readCellEntries(read: Reader, cells: unknown, cellCount: unknown): Plain[] {
    const { min, max } = LIMITS.cells;
    let count: number | undefined;
    if (cellCount !== undefined) {
        count = read.integer("cellular:cellCount", cellCount, min, max, 0);
    }
    if (cells === undefined) {
        if (count === undefined) {
            read.problems.add("cellular:cells", undefined, "list the cells (each with an id), or set cellular:cellCount");
            return [];
        }
        const width = Math.max(3, String(count).length);
        return Array.from({ length: count }, (_, i) => ({ id: `cell-${String(i + 1).padStart(width, "0")}` }));
    }
    if (!Array.isArray(cells)) {
        read.problems.add("cellular:cells", cells, "expected a list of cells, each an object with an id");
        return [];
    }
    if (cells.length < min || cells.length > max) {
        read.problems.add("cellular:cells", `${cells.length} cells`, `expected ${min} to ${max} cells`);
    }
    if (count !== undefined && count !== 0 && count !== cells.length) {
        read.problems.add("cellular:cellCount", count, `must equal the number of cells listed in cellular:cells (${cells.length}), or be left out`);
    }
    return cells.map((c, i) => {
        if (!isPlainObject(c)) {
            read.problems.add(`cellular:cells[${i}]`, c, "expected an object with an id");
            return {};
        }
        return c;
    });
}

function readRouter(read: Reader, value: unknown, d: typeof DEFAULTS.router): RouterConfig {
    const path = "cellular:router";
    const v = deepMerge(d as unknown as Plain, read.object(path, value, ROUTER_KEYS));
    const fn = readSynchronousFunctionAt(read, k => `${path}.${k}`, v, d, "the router sits behind API Gateway and");
    const throttle = read.object(`${path}.throttle`, v.throttle, ["rateLimit", "burstLimit"]);
    const pinnedRaw = v.pinned;
    const pinned: Record<string, string> = {};
    if (!isPlainObject(pinnedRaw)) {
        read.problems.add(`${path}.pinned`, pinnedRaw, "expected a map of customer ids to cell ids");
    } else {
        for (const [customer, cell] of Object.entries(pinnedRaw)) {
            if (!CUSTOMER_ID.test(customer)) {
                read.problems.add(`${path}.pinned`, customer, "customer ids are 1-64 letters, digits, _ . - and start with a letter or digit");
            } else if (typeof cell !== "string") {
                read.problems.add(`${path}.pinned.${customer}`, cell, "expected a cell id");
            } else {
                pinned[customer] = cell;
            }
        }
    }
    return {
        ...fn,
        mode: read.oneOf(`${path}.mode`, v.mode, ["invoke", "redirect"] as const, d.mode),
        api: read.oneOf(`${path}.api`, v.api, ["http", "rest"] as const, d.api),
        throttle: {
            rateLimit: read.integer(`${path}.throttle.rateLimit`, throttle.rateLimit, LIMITS.apiThrottleRate.min,
                LIMITS.apiThrottleRate.max, d.throttle.rateLimit, `expected requests per second from ${LIMITS.apiThrottleRate.min} to ${LIMITS.apiThrottleRate.max} (the account's default API Gateway quota)`),
            burstLimit: read.integer(`${path}.throttle.burstLimit`, throttle.burstLimit, LIMITS.apiThrottleBurst.min,
                LIMITS.apiThrottleBurst.max, d.throttle.burstLimit, `expected a burst from ${LIMITS.apiThrottleBurst.min} to ${LIMITS.apiThrottleBurst.max} (the account's default API Gateway quota)`),
        },
        pinned,
        logRetentionDays: read.integerIn(`${path}.logRetentionDays`, v.logRetentionDays, LIMITS.logRetentionDays,
            d.logRetentionDays, "expected one of the values CloudWatch Logs accepts"),
    };
}

function readCell(read: Reader, entry: Plain, index: number, defaults: Plain): CellConfig {
    const path = `cellular:cells[${index}]`;
    checkCellShape(read, path, entry, CELL_KEYS);
    const d = DEFAULTS.cell;
    // Built-in defaults, then the stack-wide ones, then the cell's own. A problem is reported at the key that
    // holds the offending value: the cell's own path when the cell sets it, else cellular:defaults.
    const stackWide = deepMerge(d as unknown as Plain, defaults);
    const { id: rawId, wave: rawWave, state: rawState, ...own } = entry;
    const v = deepMerge(stackWide, own);
    const at = (k: string, sub?: string): string => {
        const ownValue = own[k];
        const fromCell = sub === undefined ? k in own : isPlainObject(ownValue) && sub in ownValue;
        return `${fromCell ? path : "cellular:defaults"}.${k}${sub === undefined ? "" : `.${sub}`}`;
    };

    const id = read.string(`${path}.id`, rawId, DNS_SAFE_ID,
        `cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most ${LIMITS.cellIdLength} characters`,
        `cell-${index}`);
    if (typeof rawId === "string" && rawId.length > LIMITS.cellIdLength && DNS_SAFE_ID.test(rawId)) {
        read.problems.add(`${path}.id`, rawId, `cell ids are at most ${LIMITS.cellIdLength} characters`);
    }
    const wave = rawWave === undefined ? 0 : read.integer(`${path}.wave`, rawWave, 0, 100, 0);
    const state = rawState === undefined ? "active"
        : read.oneOf(`${path}.state`, rawState, ["active", "disabled"] as const, "active");

    const api = readSynchronousFunctionAt(read, k => at(k), v, d,
        "a cell's API function is behind API Gateway or invoked synchronously by the router, so it");

    const logRetentionDays = read.integerIn(at("logRetentionDays"), v.logRetentionDays, LIMITS.logRetentionDays,
        d.logRetentionDays, "expected one of the values CloudWatch Logs accepts");

    const sourcesRaw = fields(v.eventSources);
    const ownSources = isPlainObject(own.eventSources) ? own.eventSources : {};
    const sourcePath = (kind: EventSourceKind) => (field: string): string => {
        const ownSource = ownSources[kind];
        const fromCell = isPlainObject(ownSource) && field in ownSource;
        return `${fromCell ? path : "cellular:defaults"}.eventSources.${kind}.${field}`;
    };
    const eventSources = readEventSources(read, sourcePath, sourcesRaw);

    const asyncRaw = fields(v.async);
    const destinations = ["queue", "topic", "bus", "function"] as const;
    const async: AsyncSettings = {
        maximumRetryAttempts: read.integer(at("async", "maximumRetryAttempts"), asyncRaw.maximumRetryAttempts,
            LIMITS.asyncRetries.min, LIMITS.asyncRetries.max, d.async.maximumRetryAttempts),
        maximumEventAgeSeconds: read.integer(at("async", "maximumEventAgeSeconds"), asyncRaw.maximumEventAgeSeconds,
            LIMITS.maximumEventAgeSeconds.min, LIMITS.maximumEventAgeSeconds.max, d.async.maximumEventAgeSeconds),
        onFailure: read.oneOf(at("async", "onFailure"), asyncRaw.onFailure, destinations, "queue"),
        onSuccess: read.oneOf(at("async", "onSuccess"), asyncRaw.onSuccess, ["none", ...destinations] as const, "none"),
    };

    const fhRaw = fields(v.failureHandler);
    const failureHandler = readFunctionAt(read, (k: string) => at("failureHandler", k), fhRaw, d.failureHandler);

    return { id, index, wave, state, api, logRetentionDays, eventSources, async, failureHandler };
}

type PathOf = (field: string) => string;

function readFunctionAt(read: Reader, p: PathOf, v: Plain, fallback: FunctionSettings): FunctionSettings {
    const settings: FunctionSettings = {
        memoryMb: read.integer(p("memoryMb"), v.memoryMb, LIMITS.memoryMb.min, LIMITS.memoryMb.max, fallback.memoryMb),
        timeoutSeconds: read.integer(p("timeoutSeconds"), v.timeoutSeconds, LIMITS.timeoutSeconds.min,
            LIMITS.timeoutSeconds.max, fallback.timeoutSeconds),
        reservedConcurrency: read.integer(p("reservedConcurrency"), v.reservedConcurrency, 0, 1_000_000,
            fallback.reservedConcurrency),
    };
    if (v.memoryJustification !== undefined) {
        settings.memoryJustification = read.string(p("memoryJustification"), v.memoryJustification, /\S/,
            "expected a non-empty reason", "");
    }
    if (settings.memoryMb > LIMITS.singleVcpuMemoryMb && !settings.memoryJustification) {
        read.problems.add(p("memoryMb"), settings.memoryMb, `above ${LIMITS.singleVcpuMemoryMb} MB (one vCPU) a ` +
            `single-threaded Node.js handler gains nothing; lower it or say why in ${p("memoryMb").replace(/memoryMb$/, "memoryJustification")}`);
    }
    return settings;
}

function readSynchronousFunctionAt(read: Reader, p: PathOf, v: Plain, fallback: ApiFunctionSettings, caller: string): ApiFunctionSettings {
    const base = readFunctionAt(read, p, v, fallback);
    if (base.timeoutSeconds > LIMITS.synchronousTimeoutSeconds && base.timeoutSeconds <= LIMITS.timeoutSeconds.max) {
        read.problems.add(p("timeoutSeconds"), base.timeoutSeconds,
            `${caller} must finish within ${LIMITS.synchronousTimeoutSeconds} s`);
    }
    const provisionedConcurrency = read.integer(p("provisionedConcurrency"), v.provisionedConcurrency, 0, 1_000_000,
        fallback.provisionedConcurrency);
    if (provisionedConcurrency > base.reservedConcurrency) {
        read.problems.add(p("provisionedConcurrency"), provisionedConcurrency,
            `must not exceed the reserved concurrency (${base.reservedConcurrency})`);
    }
    return { ...base, provisionedConcurrency };
}

function readEventSources(read: Reader, pathOf: (kind: EventSourceKind) => PathOf, raw: Plain): EventSources {
    const d = DEFAULTS.cell.eventSources;
    const src = (kind: EventSourceKind): Plain => (isPlainObject(raw[kind]) ? raw[kind] as Plain : {});

    const q = src("queue"), qp = pathOf("queue");
    const fifo = read.boolean(qp("fifo"), q.fifo, false);
    const queue: QueueSource = {
        enabled: read.boolean(qp("enabled"), q.enabled, false),
        fifo,
        batchSize: fifo
            ? read.integer(qp("batchSize"), q.batchSize, 1, LIMITS.sqsFifoBatchSize, d.queue.batchSize,
                `a FIFO queue delivers at most ${LIMITS.sqsFifoBatchSize} messages per batch; expected 1 to ${LIMITS.sqsFifoBatchSize}`)
            : read.integer(qp("batchSize"), q.batchSize, LIMITS.sqsBatchSize.min, LIMITS.sqsBatchSize.max, d.queue.batchSize),
        batchingWindowSeconds: read.integer(qp("batchingWindowSeconds"), q.batchingWindowSeconds,
            LIMITS.batchingWindowSeconds.min, LIMITS.batchingWindowSeconds.max, d.queue.batchingWindowSeconds),
        maxReceiveCount: read.integer(qp("maxReceiveCount"), q.maxReceiveCount, LIMITS.maxReceiveCount.min,
            LIMITS.maxReceiveCount.max, d.queue.maxReceiveCount,
            `expected ${LIMITS.maxReceiveCount.min} to ${LIMITS.maxReceiveCount.max} (fewer receives send messages to the dead-letter queue on a passing throttle)`),
        ...readFunctionAt(read, qp, q, d.queue),
    };
    if (fifo && queue.batchingWindowSeconds !== 0) {
        read.problems.add(qp("batchingWindowSeconds"), queue.batchingWindowSeconds, "FIFO queues do not support a batching window; expected 0");
    }
    if (!fifo && queue.batchSize > 10 && queue.batchingWindowSeconds < 1) {
        read.problems.add(qp("batchingWindowSeconds"), queue.batchingWindowSeconds,
            `a batch size above 10 (${queue.batchSize}) needs a batching window of at least 1 s`);
    }

    const t = src("topic"), tp = pathOf("topic");
    const topic: TopicSource = { enabled: read.boolean(tp("enabled"), t.enabled, false), ...readFunctionAt(read, tp, t, d.topic) };

    const b = src("bucket"), bp = pathOf("bucket");
    const suffixes = Array.isArray(b.suffixes) && b.suffixes.every(s => typeof s === "string" && /^[^*?]{1,64}$/.test(s))
        ? b.suffixes as string[] : (read.problems.add(bp("suffixes"), b.suffixes, "expected a list of object key suffixes such as \".csv\" (no wildcards)"), d.bucket.suffixes);
    const bucket: BucketSource = {
        enabled: read.boolean(bp("enabled"), b.enabled, false),
        prefix: read.string(bp("prefix"), b.prefix, /^[^*?]{0,512}$/, "expected an object key prefix (no wildcards)", d.bucket.prefix),
        suffixes,
        ...readFunctionAt(read, bp, b, d.bucket),
    };
    if (new Set(suffixes).size !== suffixes.length) {
        read.problems.add(bp("suffixes"), suffixes, "S3 rejects overlapping notification filters; list each suffix once");
    }

    const s = src("schedule"), sp = pathOf("schedule");
    const expression = typeof s.expression === "string" ? s.expression : "";
    const scheduleProblem = scheduleExpressionProblem(expression);
    if (scheduleProblem) read.problems.add(sp("expression"), s.expression, scheduleProblem);
    const schedule: ScheduleSource = {
        enabled: read.boolean(sp("enabled"), s.enabled, false),
        expression: scheduleProblem ? d.schedule.expression : expression,
        ...readFunctionAt(read, sp, s, d.schedule),
    };

    const readStream = (kind: "tableStream" | "kinesis"): StreamSource => {
        const r = src(kind), p = pathOf(kind), dd = d[kind];
        return {
            enabled: read.boolean(p("enabled"), r.enabled, false),
            batchSize: read.integer(p("batchSize"), r.batchSize, LIMITS.streamBatchSize.min, LIMITS.streamBatchSize.max, dd.batchSize),
            batchingWindowSeconds: read.integer(p("batchingWindowSeconds"), r.batchingWindowSeconds,
                LIMITS.batchingWindowSeconds.min, LIMITS.batchingWindowSeconds.max, dd.batchingWindowSeconds),
            startingPosition: read.oneOf(p("startingPosition"), r.startingPosition, ["LATEST", "TRIM_HORIZON"] as const, "LATEST"),
            maximumRetryAttempts: read.integer(p("maximumRetryAttempts"), r.maximumRetryAttempts,
                LIMITS.streamRetryAttempts.min, LIMITS.streamRetryAttempts.max, dd.maximumRetryAttempts,
                `expected a finite number of retries from ${LIMITS.streamRetryAttempts.min} to ${LIMITS.streamRetryAttempts.max} (-1, retry until the record expires, blocks the shard)`),
            maximumRecordAgeSeconds: read.integer(p("maximumRecordAgeSeconds"), r.maximumRecordAgeSeconds,
                LIMITS.maximumRecordAgeSeconds.min, LIMITS.maximumRecordAgeSeconds.max, dd.maximumRecordAgeSeconds),
            parallelizationFactor: read.integer(p("parallelizationFactor"), r.parallelizationFactor,
                LIMITS.parallelizationFactor.min, LIMITS.parallelizationFactor.max, dd.parallelizationFactor),
            ...readFunctionAt(read, p, r, dd),
        };
    };
    const k = src("kinesis");
    const kinesis: KinesisSource = {
        ...readStream("kinesis"),
        shardCount: read.integer(pathOf("kinesis")("shardCount"), k.shardCount, LIMITS.kinesisShards.min,
            LIMITS.kinesisShards.max, d.kinesis.shardCount),
    };
    return { queue, topic, bucket, schedule, tableStream: readStream("tableStream"), kinesis };
}

/** Why an EventBridge schedule expression is not valid, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const n = Number(rate[1]);
        const unit = rate[2]!;
        if (n < 1) return "a rate must be at least 1";
        if (n === 1 && unit.endsWith("s")) return `write rate(1 ${unit.slice(0, -1)}): EventBridge wants the singular for 1`;
        if (n > 1 && !unit.endsWith("s")) return `write rate(${n} ${unit}s): EventBridge wants the plural above 1`;
        return undefined;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) {
        const fields = cron[1]!.trim().split(/\s+/);
        if (fields.length !== 6) {
            return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this has ${fields.length}`;
        }
        const [, , dayOfMonth, , dayOfWeek] = fields;
        if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
            return "exactly one of day-of-month and day-of-week must be ? in an EventBridge cron expression";
        }
        const field = /^[0-9A-Za-z*?,/\-#L]+$/;
        if (!fields.every(f => field.test(f))) return "a cron field holds a character EventBridge does not accept";
        return undefined;
    }
    return "expected rate(<n> minute|minutes|hour|hours|day|days) or cron(<6 fields>)";
}

function checkCells(problems: Problems, cells: CellConfig[], names: Names): void {
    const seen = new Map<string, number>();
    for (const cell of cells) {
        const first = seen.get(cell.id);
        if (first !== undefined) {
            problems.add(`cellular:cells[${cell.index}].id`, cell.id, `cell ids must be unique; cellular:cells[${first}] has it too`);
        } else {
            seen.set(cell.id, cell.index);
        }
    }
    // Names: the longest cell id decides; one message is enough.
    const longest = cells.reduce<CellConfig | undefined>((a, c) => (a === undefined || c.id.length > a.id.length ? c : a), undefined);
    if (longest) for (const p of nameLimitProblems(names, longest.id)) problems.note(p);

    const waves = [...new Set(cells.map(c => c.wave))].sort((a, b) => a - b);
    waves.forEach((wave, i) => {
        if (wave !== i) {
            const cell = cells.find(c => c.wave === wave)!;
            problems.add(`cellular:cells[${cell.index}].wave`, wave,
                `waves are numbered without gaps from 0 (the canary wave); wave ${i} has no cell`);
        }
    });
}

function checkRouter(problems: Problems, router: RouterConfig, cells: CellConfig[]): void {
    const ids = new Set(cells.map(c => c.id));
    // Without cells (already reported) every pin would be reported too.
    if (ids.size > 0) for (const [customer, cell] of Object.entries(router.pinned)) {
        if (!ids.has(cell)) {
            problems.add(`cellular:router.pinned.${customer}`, cell, `expected one of the cell ids: ${[...ids].slice(0, 10).join(", ")}${ids.size > 10 ? ", ..." : ""}`);
        }
    }
    if (router.mode === "invoke") {
        for (const cell of cells) {
            if (cell.api.timeoutSeconds >= router.timeoutSeconds && cell.api.timeoutSeconds <= LIMITS.synchronousTimeoutSeconds) {
                problems.add(`cellular:cells[${cell.index}].timeoutSeconds`, cell.api.timeoutSeconds,
                    `the router (cellular:router.timeoutSeconds ${router.timeoutSeconds}) invokes the cell synchronously, so the cell must time out first: at most ${router.timeoutSeconds - 1} s`);
            }
        }
    }
}

/** Every function of a cell with its settings (what the Cell component creates, in this order). */
export function cellFunctions(cell: CellConfig): Array<{ kind: CellFunctionKind; settings: FunctionSettings }> {
    const out: Array<{ kind: CellFunctionKind; settings: FunctionSettings }> = [{ kind: "api", settings: cell.api }];
    for (const kind of EVENT_SOURCE_KINDS) {
        const source = cell.eventSources[kind];
        if (source.enabled) out.push({ kind: EVENT_SOURCE_FUNCTION[kind], settings: source });
    }
    out.push({ kind: "failure-handler", settings: cell.failureHandler });
    return out;
}

function checkConcurrencyBudget(problems: Problems, cells: CellConfig[], router: RouterConfig, limit: number): number {
    const perCell = cells.map(c => cellFunctions(c).reduce((sum, f) => sum + f.settings.reservedConcurrency, 0));
    const total = router.reservedConcurrency + perCell.reduce((a, b) => a + b, 0);
    const budget = limit - LIMITS.unreservedMinimum;
    if (total > budget) {
        const largest = Math.max(...perCell, 0);
        problems.note(`cellular:accountConcurrencyLimit is ${limit}, which leaves ${budget} to reserve after the ` +
            `${LIMITS.unreservedMinimum} AWS keeps unreserved, but the stack reserves ${total} (router ${router.reservedConcurrency}` +
            ` + ${cells.length} cells, up to ${largest} each, counting every function of the cell); lower the cells' ` +
            `reservedConcurrency settings or raise cellular:accountConcurrencyLimit after a quota increase`);
    }
    return total;
}

/** True for the error this module throws (also across module copies, e.g. a test runner's). */
export function isConfigError(err: unknown): err is ConfigError {
    return err instanceof ConfigError || (err instanceof Error && err.name === "ConfigError");
}
