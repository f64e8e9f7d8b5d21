/**
 * The cell router: the thinnest layer in front of the cells. Maps /customers/{customerId}[/...] to the customer's
 * cell and either invokes the cell's API function (mode `invoke`) or redirects to the cell's own API (mode
 * `redirect`). The routing table ships in the function's code (routing.json next to index.js): routing calls no
 * other service, so it keeps working when everything but the router is down.
 *
 * Accepts API Gateway payload format 2.0 (HTTP API) and 1.0 (REST API); cells always get 2.0.
 *
 * Bulkheads (invoke mode): the router is the one component every cell shares, so a sick cell must not hold it.
 * Each call waits at most the cell's time budget (the routing table's `budgetMs`, within the router's own deadline),
 * then answers 504 and frees the instance; each instance keeps a circuit breaker per cell (handlers/lib/breaker.ts)
 * that, after consecutive timeouts or 5xx from a cell, answers that cell's customers 503 with Retry-After at once,
 * without invoking, until a probe succeeds. Per-cell metrics (handlers/lib/router-metrics.ts) count what happened.
 *
 * The live map (clients/live-map.ts): when the stack has a control table, the router routes with the map the
 * control plane keeps there (cells' states, moved customers), read in the background every few seconds; the
 * packaged table is the floor and the last good map stays in use while the control table is down or wrong. A cell
 * that answers 421 naming the customer's new owner (a move the router has not seen yet) makes the router read the
 * map again and retry once, at the cell the map or the 421 names.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import type { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { Admission, BreakerSettings, BREAKER_DEFAULTS, breakerSettingsFromEnv, CellBreakers, outcomeOfStatus } from "./lib/breaker";
import { cellWaitMs, RESPONSE_MARGIN_MS } from "./lib/cell-wait";
import { CORS_ENV, CorsPolicy, corsPolicyFromEnv, withCorsHeaders } from "./lib/cors";
import { METRICS_NAMESPACE } from "./lib/events-env";
import { ApiEvent, ApiRequest, ApiResult, HttpResponse, INTERNAL_ERROR, apiHandler, errorResponse } from "./lib/http";
import { CUSTOMER_ID_RULE, isValidCustomerId } from "./lib/identifiers";
import { OWNER_CELL_HEADER, TENANT_CLAIM_ENV, forbidden, tenantOf, unauthenticated } from "./lib/tenant";
import { CONTROL_ENV, DEFAULT_REFRESH_MS, routingTableWithMap } from "./lib/control-map";
import { LiveMap, controlTableReader } from "./clients/live-map";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CompiledRoutingTable, isCompiledRoutingTable, RoutingTableError, routeCustomer } from "./lib/routing";
import { CELL_DIMENSION, ROUTER_METRICS, RouterMetrics } from "./lib/router-metrics";
import type { RoutedCell, RoutingTable } from "./lib/routing-table";
import { ROUTING_TABLE_FILE } from "./lib/routing-table";
import { TRACE_ANNOTATIONS, inSubsegment, traceCell, traceTenant, traced, tracedHandler } from "./clients/tracing";

export { RESPONSE_MARGIN_MS };

/** Lambda's limit on a synchronous invocation's request payload. */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** Retry-After for a throttled cell when Lambda does not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

export const MESSAGES = {
    notFound: "not found",
    badPath: "malformed request path: empty, . and .. segments are not allowed",
    badCustomerId: `invalid customer id: ${CUSTOMER_ID_RULE}`,
    cellDisabled: "the service is unavailable for this customer; try again later",
    cellFailing: "the service is failing for this customer; try again later",
    throttled: "too many requests; try again later",
    tooLarge: "request too large",
    timeout: "the service did not respond in time",
    badGateway: "the service failed to handle the request",
    internal: INTERNAL_ERROR,
} as const;

export type RoutingTableSource = CompiledRoutingTable | { error: string };

/** Reads and validates routing.json. @throws RoutingTableError or a file system error. */
export function loadRoutingTable(file: string): CompiledRoutingTable {
    const text = fs.readFileSync(file, "utf8");
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new RoutingTableError([`${file} is not valid JSON: ${(err as Error).message}`]);
    }
    return new CompiledRoutingTable(parsed as RoutingTable);
}

/** What the router needs of a Lambda client (a `LambdaClient` is one; the benchmark's model is another). */
export interface CellInvoker {
    send(command: InvokeCommand, options?: { abortSignal?: AbortSignal }): Promise<InvokeCommandOutput>;
}

/** Time as the router reads it: the breakers' clock and the timer that ends a wait for a cell. */
export interface RouterClock {
    now(): number;
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(timer: unknown): void;
}

export const SYSTEM_CLOCK: RouterClock = {
    now: () => Date.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: timer => clearTimeout(timer as NodeJS.Timeout),
};

const NO_METRICS: RouterMetrics = { count: () => undefined, flush: () => undefined };

/** Where the router's current table comes from when there is a live map (clients/live-map.ts). */
export interface RoutingTableProvider {
    current(): RoutingTableSource;
    /** Reads the map again now; never throws. */
    refresh(): Promise<void>;
}

/** How long a retry after a 421 waits for the map to be read again, at most. */
export const MAP_REFRESH_WAIT_MS = 250;

export interface RouterOptions {
    /** The routing table, or why it could not be loaded (every routed request then answers 500 and logs why). */
    table: RoutingTableSource;
    /** The live map over `table`, when the stack has a control table. @default none: `table` only */
    liveMap?: RoutingTableProvider;
    /** The token claim that names the tenant (the authorizer verified the token; the router routes on this claim). */
    tenantClaim: string;
    lambda: CellInvoker;
    logger: Logger;
    /**
     * The per-cell circuit breakers' thresholds; `false` turns the breakers off (the router before bulkheads, which
     * the benchmark compares against). @default BREAKER_DEFAULTS
     */
    breaker?: BreakerSettings | false;
    /** Where the per-cell counts go. @default none */
    metrics?: RouterMetrics;
    /** @default SYSTEM_CLOCK */
    clock?: RouterClock;
    /** Behind a REST API with CORS: the headers every answer carries (lib/cors.ts). @default none */
    cors?: CorsPolicy;
}

export type RouterHandler = (event: ApiEvent, context?: Context) => Promise<ApiResult>;

/**
 * The router's handler around a given table and client (the module's `handler` uses the deployed ones). Each call
 * of createRouter is one router instance: its breakers live as long as the handler it returns.
 */
export function createRouter(options: RouterOptions): RouterHandler {
    const { tenantClaim, lambda, logger } = options;
    const tableNow = (): RoutingTableSource => options.liveMap?.current() ?? options.table;
    const clock = options.clock ?? SYSTEM_CLOCK;
    const metrics = options.metrics ?? NO_METRICS;
    const breakerSettings = options.breaker ?? BREAKER_DEFAULTS;
    const breakers = breakerSettings === false ? undefined : new CellBreakers(breakerSettings, () => clock.now());

    async function route(request: ApiRequest, context: Context | undefined): Promise<HttpResponse> {
        // Defence in depth behind the authorizer: no verified tenant, no routing.
        const tenant = tenantOf(request.claims, tenantClaim);
        if (tenant === undefined) return unauthenticated();
        // A dot segment would be resolved by whoever follows a redirect: the client would land on another path.
        if (request.path !== "/" && request.segments.some(s => s === "" || s === "." || s === "..")) return errorResponse(400, MESSAGES.badPath);
        const [first, customerId] = request.segments;
        if (first !== "customers" || customerId === undefined) return errorResponse(404, MESSAGES.notFound);
        if (!isValidCustomerId(customerId)) return errorResponse(400, MESSAGES.badCustomerId);
        // The tenant is the routing key: the path may only name the caller's own customer.
        if (customerId !== tenant) return forbidden();
        logger.appendKeys({ customerId });
        traceTenant(tenant);
        const table = tableNow();
        if (!isCompiledRoutingTable(table)) {
            logger.error("no routing table", { reason: table.error });
            return errorResponse(500, MESSAGES.internal);
        }
        const decision = routeCustomer(table, customerId);
        logger.appendKeys({ cellId: decision.cell.id, routedBy: decision.reason });
        traceCell(decision.cell.id);
        metrics.count(decision.cell.id, ROUTER_METRICS.routed);
        if (decision.cell.state === "disabled") {
            logger.info("cell disabled");
            return errorResponse(503, MESSAGES.cellDisabled);
        }
        if (table.mode === "redirect") return redirect(decision.cell, request);
        const response = await invoke(decision.cell, request, context);
        const owner = response.statusCode === 421 ? response.headers[OWNER_CELL_HEADER] : undefined;
        if (owner === undefined) return response;
        const retryAt = await afterMove(customerId, decision.cell, owner);
        if (retryAt === undefined) return response;
        logger.info("the customer has moved: retrying once at its new cell", { movedTo: retryAt.id });
        metrics.count(retryAt.id, ROUTER_METRICS.routed);
        return invoke(retryAt, request, context);
    }

    /**
     * The cell to retry at after `first` answered 421 naming `owner`: where the map, read again, sends the customer,
     * else the named owner if it is one of the table's cells; never `first` again, never a disabled cell.
     */
    async function afterMove(customerId: string, first: RoutedCell, owner: string): Promise<RoutedCell | undefined> {
        if (options.liveMap !== undefined) {
            let timer: unknown;
            await Promise.race([options.liveMap.refresh(), new Promise<void>(resolve => { timer = clock.setTimeout(resolve, MAP_REFRESH_WAIT_MS); })]);
            clock.clearTimeout(timer);
        }
        const table = tableNow();
        if (!isCompiledRoutingTable(table)) return undefined;
        const decided = routeCustomer(table, customerId).cell;
        const named = table.cells.find(c => c.id === owner);
        const target = decided.id !== first.id ? decided : named;
        return target === undefined || target.id === first.id || target.state === "disabled" ? undefined : target;
    }

    async function invoke(cell: RoutedCell, request: ApiRequest, context: Context | undefined): Promise<HttpResponse> {
        const payload = Buffer.from(JSON.stringify(request.toEventV2()), "utf8");
        if (payload.length > SYNC_PAYLOAD_LIMIT_BYTES) return errorResponse(413, MESSAGES.tooLarge);
        const remaining = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
        const waitMs = cellWaitMs(cell.budgetMs, remaining);
        if (waitMs !== undefined && waitMs <= 0) return errorResponse(504, MESSAGES.timeout);

        const breaker = breakers?.of(cell.id);
        const admission: Admission = breaker?.admit() ?? { admitted: true, probe: false };
        if (!admission.admitted) {
            metrics.count(cell.id, ROUTER_METRICS.breakerOpen);
            logger.debug("the cell's breaker is open", { retryAfter: admission.retryAfterSeconds });
            return errorResponse(503, MESSAGES.cellFailing, { "retry-after": String(admission.retryAfterSeconds) });
        }
        if (admission.probe) logger.info("probing the cell after its breaker's cool-down");
        const response = await call(cell, payload, waitMs);
        const transition = breaker?.record(outcomeOfStatus(response.statusCode), admission);
        if (transition === "opened") logger.warn("the cell's breaker opened", { ...breakerSettings, statusCode: response.statusCode });
        if (transition === "closed") logger.info("the cell's breaker closed", { statusCode: response.statusCode });
        return response;
    }

    /** One invocation of the cell, waiting at most `waitMs` (when known). */
    async function call(cell: RoutedCell, payload: Buffer, waitMs: number | undefined): Promise<HttpResponse> {
        const abort = new AbortController();
        const timer = waitMs === undefined ? undefined : clock.setTimeout(() => abort.abort(), waitMs);
        try {
            // Its own subsegment, annotated with the target cell; the SDK's call (and the trace header) goes under it.
            const out = await inSubsegment(`### invoke ${cell.id}`, { [TRACE_ANNOTATIONS.cell]: cell.id }, () => lambda.send(new InvokeCommand({
                FunctionName: cell.functionName,
                InvocationType: "RequestResponse",
                Payload: payload,
            }), { abortSignal: abort.signal }));
            const text = out.Payload === undefined ? "" : Buffer.from(out.Payload).toString("utf8");
            if (out.FunctionError !== undefined) return functionErrorResponse(cell, out.FunctionError, text);
            const relayed = parseCellResponse(text);
            if (relayed === undefined) {
                logger.error("the cell returned an invalid response", { payloadStart: text.slice(0, 200) });
                return errorResponse(502, MESSAGES.badGateway);
            }
            return relayed;
        } catch (err) {
            return invokeErrorResponse(cell, err, abort.signal.aborted, waitMs);
        } finally {
            if (timer !== undefined) clock.clearTimeout(timer);
        }
    }

    function functionErrorResponse(cell: RoutedCell, functionError: string, text: string): HttpResponse {
        let errorType: string | undefined;
        let errorMessage: string | undefined;
        try {
            const parsed = JSON.parse(text) as unknown;
            if (typeof parsed === "object" && parsed !== null) {
                const { errorType: t, errorMessage: m } = parsed as { errorType?: unknown; errorMessage?: unknown };
                if (typeof t === "string") errorType = t;
                if (typeof m === "string") errorMessage = m.slice(0, 500);
            }
        } catch {
            // Not JSON: reported as an unknown error type.
        }
        // A cell that ran out of time: Lambda reports it as a function error of type Sandbox.Timedout
        // (older runtimes: only the message "Task timed out after ...").
        const timedOut = errorType === "Sandbox.Timedout" || /Task timed out after/.test(errorMessage ?? "");
        // Not the message: a cell's error message may quote the item it failed on.
        logger.error("the cell function failed", { functionError, errorType, timedOut });
        if (!timedOut) return errorResponse(502, MESSAGES.badGateway);
        metrics.count(cell.id, ROUTER_METRICS.cellTimeouts);
        return errorResponse(504, MESSAGES.timeout);
    }

    function invokeErrorResponse(cell: RoutedCell, err: unknown, aborted: boolean, waitMs: number | undefined): HttpResponse {
        const name = err instanceof Error ? err.name : typeof err;
        const message = err instanceof Error ? err.message : String(err);
        // By name, not instanceof: the error class may come from another copy of the SDK than this module's.
        if (name === "TooManyRequestsException") {
            const throttled = err as Partial<TooManyRequestsException>;
            const seconds = Number.parseInt(typeof throttled.retryAfterSeconds === "string" ? throttled.retryAfterSeconds : "", 10);
            const retryAfter = Number.isInteger(seconds) && seconds > 0 && seconds <= 3600 ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
            logger.warn("the cell is throttled", { error: name, reason: throttled.Reason, retryAfter });
            metrics.count(cell.id, ROUTER_METRICS.shed);
            return errorResponse(429, MESSAGES.throttled, { "retry-after": String(retryAfter) });
        }
        if (aborted || name === "AbortError" || name === "TimeoutError") {
            logger.error("the cell did not answer in time", { error: name, waitedMs: waitMs });
            metrics.count(cell.id, ROUTER_METRICS.cellTimeouts);
            return errorResponse(504, MESSAGES.timeout);
        }
        if (name === "RequestTooLargeException") {
            logger.warn("the request is too large for the cell", { error: name });
            return errorResponse(413, MESSAGES.tooLarge);
        }
        logger.error("the cell could not be invoked", { error: name, message });
        return errorResponse(502, MESSAGES.badGateway);
    }

    const handle = withCorsHeaders(options.cors, apiHandler(logger, route));
    return async (event, context) => {
        try {
            return await handle(event, context);
        } finally {
            metrics.flush();
        }
    };
}

function redirect(cell: RoutedCell, request: ApiRequest): HttpResponse {
    // Re-encoded from the decoded segments, so nothing in the client's path can end the header or leave the host.
    const pathPart = "/" + request.segments.map(encodeURIComponent).join("/");
    const query = request.rawQueryString === "" ? "" : `?${request.rawQueryString.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g, encodeURIComponent)}`;
    return { statusCode: 307, headers: { location: `${cell.endpoint}${pathPart}${query}` }, body: "", isBase64Encoded: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A cell's payload-2.0 result, checked; undefined when it is not one. */
export function parseCellResponse(text: string): HttpResponse | undefined {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return undefined;
    }
    if (!isRecord(value)) return undefined;
    const { statusCode, headers, body, isBase64Encoded, cookies } = value;
    if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
    const outHeaders: Record<string, string> = {};
    if (headers !== undefined && headers !== null) {
        if (!isRecord(headers)) return undefined;
        for (const [k, v] of Object.entries(headers)) {
            if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return undefined;
            outHeaders[k] = String(v);
        }
    }
    if (body !== undefined && body !== null && typeof body !== "string") return undefined;
    if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== "boolean") return undefined;
    if (cookies !== undefined && cookies !== null && !(Array.isArray(cookies) && cookies.every(c => typeof c === "string"))) return undefined;
    return {
        statusCode,
        headers: outHeaders,
        body: typeof body === "string" ? body : "",
        isBase64Encoded: isBase64Encoded === true,
        ...(Array.isArray(cookies) && cookies.length > 0 ? { cookies: cookies as string[] } : {}),
    };
}

// ---------------------------------------------------------------------------------------------------------------
// The deployed router
// ---------------------------------------------------------------------------------------------------------------

/**
 * The client the router invokes cells with. One attempt: the client (through API Gateway) decides whether to
 * retry; the router neither executes a non-idempotent request twice nor spends its time budget on backoff.
 * A throttled cell becomes a 429 with Retry-After.
 */
export function createLambdaClient(): LambdaClient {
    return traced(new LambdaClient({ maxAttempts: 1 }));
}

/**
 * Router metrics as Powertools EMF: one document per invocation, dimensions exactly `{ cell }` (no `service`), so
 * the breaker alarms and dashboards name one dimension.
 */
export function powertoolsRouterMetrics(metrics: Metrics): RouterMetrics {
    metrics.clearDefaultDimensions();
    let cell: string | undefined;
    const flush = () => {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        else metrics.clearDimensions();
        cell = undefined;
    };
    return {
        count(cellId, metric) {
            if (cell !== cellId) {
                if (cell !== undefined) flush();
                metrics.addDimension(CELL_DIMENSION, cellId);
                cell = cellId;
            }
            metrics.addMetric(metric, MetricUnit.Count, 1);
        },
        flush,
    };
}

const logger = new Logger({ serviceName: "router" });
const lambda = createLambdaClient();

function loadDeployedTable(): RoutingTableSource {
    const file = process.env.ROUTING_TABLE_PATH || path.join(__dirname, ROUTING_TABLE_FILE);
    try {
        return loadRoutingTable(file);
    } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        logger.error("cannot load the routing table", { file, error });
        return { error };
    }
}

function deployedBreakerSettings(): BreakerSettings {
    const { settings, problems } = breakerSettingsFromEnv(process.env);
    for (const problem of problems) logger.error("invalid breaker setting", { problem });
    return settings;
}

function deployedCors(): { cors?: CorsPolicy } {
    const cors = corsPolicyFromEnv(process.env[CORS_ENV]);
    if (cors === undefined && process.env[CORS_ENV]) logger.error(`${CORS_ENV} is not a CORS policy: answers carry no CORS headers`);
    return cors ? { cors } : {};
}

const deployedTable = loadDeployedTable();

/** The live map when the program gave the router a control table (and the packaged table loaded). */
function deployedLiveMap(): RoutingTableProvider | undefined {
    const tableName = process.env[CONTROL_ENV.tableName];
    if (!tableName || !isCompiledRoutingTable(deployedTable)) return undefined;
    const floor = deployedTable;
    const refreshMs = Number(process.env[CONTROL_ENV.refreshMs]) || DEFAULT_REFRESH_MS;
    const packaged: RoutingTable = { version: 1, mode: floor.mode, cells: [...floor.cells], pinned: Object.fromEntries([...floor.pins].map(([c, i]) => [c, floor.cells[i]!.id])) };
    return new LiveMap<RoutingTableSource>({
        floor,
        refreshMs,
        // Not traced: the map is read in the background, outside every invocation's segment.
        read: controlTableReader(DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 2 })), tableName),
        apply: map => new CompiledRoutingTable(routingTableWithMap(packaged, map)),
        onRejected: reason => logger.warn("the routing map was not used; routing with the last good one", { reason }),
    });
}

export const handler: RouterHandler = tracedHandler(createRouter({
    table: deployedTable,
    liveMap: deployedLiveMap(),
    lambda,
    logger,
    // Unset, no claim matches: every request is refused (401) rather than routed on a guess.
    tenantClaim: process.env[TENANT_CLAIM_ENV] ?? "",
    breaker: deployedBreakerSettings(),
    ...deployedCors(),
    metrics: powertoolsRouterMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: "router" })),
}));
