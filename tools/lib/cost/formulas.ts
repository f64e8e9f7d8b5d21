/**
 * How AWS meters each service: what a month of activity comes to in billable units (requests in 64 KB chunks,
 * GB-seconds at 1 ms granularity, request units per 1 KB or 4 KB, ...). Each formula returns quantities by price
 * key; prices.ts turns quantities into dollars. Pure.
 */
import type { PriceKey } from "./prices";

/** AWS prices a month as 730 hours. */
export const MONTH_HOURS = 730;
export const MONTH_SECONDS = MONTH_HOURS * 3600;
export const DAYS_PER_MONTH = MONTH_HOURS / 24;
export const KB = 1024;
export const GB = 1024 ** 3;

export type Architecture = "x86_64" | "arm64";

/** Billable units by price key. */
export type Quantities = Partial<Record<PriceKey, number>>;

/** `a` plus `b`, key by key. */
export function plus(a: Quantities, b: Quantities): Quantities {
    const out: Quantities = { ...a };
    for (const [k, v] of Object.entries(b) as Array<[PriceKey, number]>) out[k] = (out[k] ?? 0) + v;
    return out;
}

/** `q` times `factor`, key by key. */
export function times(q: Quantities, factor: number): Quantities {
    return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, (v as number) * factor])) as Quantities;
}

/** How many `size`-byte chunks a payload is billed as: at least one. */
export function chunks(bytes: number, size: number): number {
    return Math.max(1, Math.ceil(bytes / size));
}

// ---------------------------------------------------------------------------------------------------------------
// Lambda
// ---------------------------------------------------------------------------------------------------------------

/** Lambda rounds each invocation's duration up to the next millisecond (at least 1 ms). */
export function billedMs(durationMs: number): number {
    // A computed average such as 0.1 + 0.2 s must not bill an extra millisecond for a rounding error.
    return Math.max(1, Math.ceil(Number(durationMs.toFixed(6))));
}

/** Asynchronous events above 256 KB count one more request per further 64 KB (up to the 1 MB limit). */
export const ASYNC_INCLUDED_BYTES = 256 * KB;
export const ASYNC_CHUNK_BYTES = 64 * KB;

/** The requests one invocation is billed as. */
export function lambdaRequestUnits(payloadBytes: number, asynchronous: boolean): number {
    if (!asynchronous || payloadBytes <= ASYNC_INCLUDED_BYTES) return 1;
    return 1 + Math.ceil((payloadBytes - ASYNC_INCLUDED_BYTES) / ASYNC_CHUNK_BYTES);
}

export interface LambdaActivity {
    invocations: number;
    /** Average duration of one invocation, in ms (rounded up to the next 1 ms, as Lambda bills each). */
    durationMs: number;
    memoryMb: number;
    architecture: Architecture;
    /** The event's size, for asynchronous invocations above 256 KB. */
    payloadBytes?: number;
    asynchronous?: boolean;
    /** The share of invocations served by provisioned concurrency (billed at its lower duration rate). */
    provisionedShare?: number;
}

export function durationKey(architecture: Architecture, provisioned: boolean): PriceKey {
    if (architecture === "arm64") return provisioned ? "lambda.provisionedDurationArm64" : "lambda.durationArm64";
    return provisioned ? "lambda.provisionedDurationX86" : "lambda.durationX86";
}

/** GB-seconds of `invocations` of `durationMs` each at `memoryMb`. */
export function gbSeconds(invocations: number, durationMs: number, memoryMb: number): number {
    return invocations * (billedMs(durationMs) / 1000) * (memoryMb / 1024);
}

/** Requests and GB-seconds of a month of invocations. */
export function lambdaUsage(a: LambdaActivity): Quantities {
    const requests = a.invocations * lambdaRequestUnits(a.payloadBytes ?? 0, a.asynchronous ?? false);
    const total = gbSeconds(a.invocations, a.durationMs, a.memoryMb);
    const share = Math.min(1, Math.max(0, a.provisionedShare ?? 0));
    const out: Quantities = { "lambda.request": requests };
    if (share < 1) out[durationKey(a.architecture, false)] = total * (1 - share);
    if (share > 0) out[durationKey(a.architecture, true)] = total * share;
    return out;
}

/** Provisioned concurrency bills its configured GB for every second of the month, used or not. */
export function provisionedConcurrencyUsage(concurrency: number, memoryMb: number, architecture: Architecture): Quantities {
    return { [architecture === "arm64" ? "lambda.provisionedArm64" : "lambda.provisionedX86"]: concurrency * (memoryMb / 1024) * MONTH_SECONDS };
}

/**
 * The share of invocations provisioned concurrency serves, with traffic spread evenly over the month: all of them
 * while the concurrency they need (arrival rate × duration) stays within it, else its part.
 */
export function provisionedShare(invocations: number, durationMs: number, concurrency: number): number {
    if (concurrency <= 0) return 0;
    const needed = (invocations / MONTH_SECONDS) * (billedMs(durationMs) / 1000);
    return needed <= concurrency ? 1 : concurrency / needed;
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB
// ---------------------------------------------------------------------------------------------------------------

export type Consistency = "eventual" | "strong" | "transactional";

/** Read request units of one read of an item of `itemBytes`: per 4 KB, half when eventually consistent, double in a transaction. */
export function readUnits(itemBytes: number, consistency: Consistency): number {
    const factor = consistency === "eventual" ? 0.5 : consistency === "strong" ? 1 : 2;
    return chunks(itemBytes, 4 * KB) * factor;
}

/** Write request units of one write of an item of `itemBytes`: per 1 KB, double in a transaction. */
export function writeUnits(itemBytes: number, transactional: boolean): number {
    return chunks(itemBytes, KB) * (transactional ? 2 : 1);
}

/** An eventually consistent Scan reads the whole table: half a unit per 4 KB read (at least one page). */
export function scanReadUnits(tableBytes: number): number {
    return readUnits(tableBytes, "eventual");
}

// ---------------------------------------------------------------------------------------------------------------
// Messaging
// ---------------------------------------------------------------------------------------------------------------

/** SQS, SNS and EventBridge bill each 64 KB chunk of a payload as one request. */
export const MESSAGE_CHUNK_BYTES = 64 * KB;

/** SQS requests of `calls` API calls carrying `bytesPerCall` each. */
export function sqsRequests(calls: number, bytesPerCall: number): number {
    return calls * chunks(bytesPerCall, MESSAGE_CHUNK_BYTES);
}

/** A ReceiveMessage or DeleteMessageBatch call handles at most 10 messages. */
export const SQS_MESSAGES_PER_CALL = 10;

/**
 * What consuming `messages` of `messageBytes` in invocations of `perInvocation` messages costs in SQS requests:
 * receives of up to 10 messages (billed by their payload) and batch deletes of up to 10.
 */
export function sqsConsumeRequests(messages: number, messageBytes: number, perInvocation: number): number {
    const invocations = messages / perInvocation;
    const callsPerInvocation = Math.ceil(perInvocation / SQS_MESSAGES_PER_CALL);
    const perCall = Math.min(perInvocation, SQS_MESSAGES_PER_CALL);
    const receive = invocations * callsPerInvocation * chunks(perCall * messageBytes, MESSAGE_CHUNK_BYTES);
    const remove = invocations * callsPerInvocation;
    return receive + remove;
}

/**
 * What an idle event source mapping costs in SQS receives. Lambda long-polls a queue (20 s per empty receive) even
 * when nothing arrives; it does not publish how many pollers an idle mapping keeps, so the estimate assumes the five
 * it starts with. Kept in step with the policy pack's copy (policies/lib/fixed-prices.ts) by a test.
 */
export const IDLE_POLLERS = 5;
export const LONG_POLL_SECONDS = 20;
export const IDLE_RECEIVES_PER_MONTH = IDLE_POLLERS * (MONTH_SECONDS / LONG_POLL_SECONDS);

export function snsPublishes(messages: number, messageBytes: number): number {
    return messages * chunks(messageBytes, MESSAGE_CHUNK_BYTES);
}

export function eventBridgeEvents(events: number, eventBytes: number): number {
    return events * chunks(eventBytes, MESSAGE_CHUNK_BYTES);
}

// ---------------------------------------------------------------------------------------------------------------
// API Gateway, Kinesis, logs, tracing, alarms
// ---------------------------------------------------------------------------------------------------------------

/** HTTP APIs meter each request in 512 KB increments; REST APIs count requests. */
export function apiRequests(kind: "http" | "rest", requests: number, requestBytes: number): number {
    return kind === "http" ? requests * chunks(requestBytes, 512 * KB) : requests;
}

export const KINESIS_PAYLOAD_UNIT_BYTES = 25 * KB;

/** A provisioned stream bills each record put in 25 KB payload units. */
export function kinesisPutUnits(records: number, recordBytes: number): number {
    return records * chunks(recordBytes, KINESIS_PAYLOAD_UNIT_BYTES);
}

/** Retention up to 24 hours is included; up to 7 days is extended retention (a shard-hour price of its own). */
export function kinesisStreamUsage(mode: "PROVISIONED" | "ON_DEMAND", shards: number, retentionHours: number): Quantities {
    if (mode === "ON_DEMAND") return { "kinesis.onDemandStreamHour": MONTH_HOURS };
    const out: Quantities = { "kinesis.shardHour": shards * MONTH_HOURS };
    if (retentionHours > 24) out["kinesis.extendedRetentionShardHour"] = shards * MONTH_HOURS;
    return out;
}

/** A month's worth of logs when a log group never expires its events: the estimate shows the first year's. */
export const NEVER_EXPIRES_MONTHS = 12;

/**
 * GB-months of log storage at steady state: what arrives in a month, kept `retentionDays` (before compression,
 * which CloudWatch applies before it bills storage, so this is an upper bound).
 */
export function logStorageGbMonths(ingestedGbPerMonth: number, retentionDays: number | undefined): number {
    const months = retentionDays === undefined ? NEVER_EXPIRES_MONTHS : retentionDays / DAYS_PER_MONTH;
    return ingestedGbPerMonth * months;
}

/**
 * Traces X-Ray records under its default sampling rule: the first request each second (the reservoir), then
 * `rate` of the rest, with the month's requests spread evenly.
 */
export function sampledTraces(requests: number, rate: number, reservoirPerSecond: number): number {
    const reservoir = reservoirPerSecond * MONTH_SECONDS;
    return Math.min(requests, reservoir) + rate * Math.max(0, requests - reservoir);
}

/** An alarm's metrics as CloudWatch bills them: each metric a metric-math alarm reads counts; high resolution under 60 s. */
export function alarmMetrics(inputs: Record<string, unknown>): { metrics: number; highResolution: boolean } {
    const queries = Array.isArray(inputs.metricQueries) ? inputs.metricQueries as Array<Record<string, unknown>> : [];
    if (queries.length === 0) {
        const period = typeof inputs.period === "number" ? inputs.period : 60;
        return { metrics: 1, highResolution: period < 60 };
    }
    const read = queries.filter(q => typeof q.metric === "object" && q.metric !== null);
    const highResolution = read.some(q => {
        const period = (q.metric as Record<string, unknown>).period;
        return typeof period === "number" && period < 60;
    });
    return { metrics: read.length, highResolution };
}

// ---------------------------------------------------------------------------------------------------------------
// Cognito, VPC endpoints
// ---------------------------------------------------------------------------------------------------------------

/** Tokens a session is issued: one at sign-in, then one at each refresh, as the access token expires while it lasts. */
export function tokensPerSession(sessionMinutes: number, accessTokenMinutes: number): number {
    return Math.max(1, Math.ceil(Number((sessionMinutes / accessTokenMinutes).toFixed(9))));
}

/** An interface endpoint bills every hour of the month in each zone it has a network interface in. */
export function interfaceEndpointUsage(zones: number): Quantities {
    return { "vpc.interfaceEndpointHour": zones * MONTH_HOURS };
}

/**
 * What one STS AssumeRole call sends and receives through an interface endpoint: the signed request with its session
 * tag and the XML answer with the credentials (about 3 KB), and the TLS handshake of a new connection (about 5 KB:
 * a warm instance calls STS too rarely to keep one open).
 */
export const STS_ASSUME_ROLE_BYTES = 8 * KB;
