/**
 * A model of Lambda's concurrency in front of and behind the router, driven by the real router code
 * (`createRouter`, handlers/router.ts) on scaled time (bench/virtual-time.ts), to measure how much one sick cell
 * hurts the healthy ones. What it models, each as Lambda documents it:
 *
 * - The router: each instance serves one request at a time; a request goes to an idle instance (the one idle the
 *   longest), else to a new one while fewer than the router's reserved concurrency exist, else it is throttled
 *   (API Gateway answers 500). Each instance is its own `createRouter` call, so it has its own breakers, as each
 *   Lambda instance has its own module scope.
 * - The cells, behind a fake Lambda client: a synchronous invoke runs the cell if fewer executions than its
 *   reserved concurrency are running, else fails at once with TooManyRequestsException. A healthy cell answers
 *   after a fixed latency; a hung cell never answers, so Lambda ends it at its timeout and reports Sandbox.Timedout.
 *   When the router gives up (its time budget), the execution goes on and keeps its concurrency until it ends.
 * - Arrivals: one Poisson stream per cell (seeded, so a run is repeatable), each request from one of the cell's
 *   customers (routed to it by the real routing table).
 *
 * Not modelled: cold starts, network time besides the healthy latency, API Gateway's own stage throttle, and how
 * Lambda really picks among idle instances (it does not document it).
 */
import { InvokeCommand, InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import type { BreakerSettings } from "../handlers/lib/breaker";
import { buildRoutingTable, compileRoutingTable, routeCustomer } from "../handlers/lib/routing";
import { RouterMetricName, RouterMetrics } from "../handlers/lib/router-metrics";
import type * as RouterModule from "../handlers/router";
import type { CellInvoker, RouterHandler } from "../handlers/router";
import { VirtualTime } from "./virtual-time";

/**
 * handlers/router.ts builds its deployed handler when it loads, from a routing.json next to it that the model has
 * not got (it logs why) and an SDK client (which warns about the Node version): the model builds its own routers,
 * so that instance is loaded quietly.
 */
function routerModule(): typeof RouterModule {
    const quiet = { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const previous = Object.fromEntries(Object.keys(quiet).map(k => [k, process.env[k]]));
    Object.assign(process.env, quiet);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require("../handlers/router") as typeof RouterModule;
    } finally {
        for (const [k, v] of Object.entries(previous)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

export interface ModelCell {
    id: string;
    /** The cell API function's reserved concurrency: at most this many executions at once. */
    reservedConcurrency: number;
    /** The function's timeout: when Lambda ends an execution that has not answered. */
    timeoutMs: number;
    /** The router's time budget for the cell (the routing table's budgetMs); absent: none. */
    budgetMs?: number;
    /** `hung`: never answers. */
    health: "healthy" | "hung";
    /** Requests per second to the cell's customers. */
    rps: number;
}

export interface Scenario {
    routerReservedConcurrency: number;
    routerTimeoutMs: number;
    cells: ModelCell[];
    /** How long a healthy cell takes to answer. */
    healthyLatencyMs: number;
    /** Requests arrive during [0, durationMs); the run ends when every one is answered. */
    durationMs: number;
    /** The router's breakers, or `false` for none. */
    breaker: BreakerSettings | false;
    seed: number;
}

export interface Answer {
    /** 500 is API Gateway's answer while the router is throttled. */
    status: number;
    latencyMs: number;
}

export interface CellResult {
    requests: number;
    /** Every request's answer, in the order they came. */
    answers: Answer[];
    /** Requests the router could not take (no instance free and none may start). */
    routerThrottled: number;
    /** Invocations the cell ran (Lambda's throttles not counted). */
    executions: number;
    /** The most executions of the cell running at once (Lambda caps it at the reserved concurrency). */
    peakExecutions: number;
    /** What the router counted for the cell (its metrics). */
    metrics: Partial<Record<RouterMetricName, number>>;
}

export interface ModelResult {
    cells: Record<string, CellResult>;
    /** The most router instances busy at once. */
    peakRouterConcurrency: number;
    /** Router instances started. */
    routerInstances: number;
}

/** mulberry32: a small seeded generator, so arrivals are the same on every run. */
function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const HEALTHY_ANSWER = encode({ statusCode: 200, headers: { "content-type": "application/json" }, body: "{\"items\":[]}" });
const TIMED_OUT = encode({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out" });

function namedError(name: string, message: string, fields: Record<string, unknown> = {}): Error {
    return Object.assign(new Error(message), { name }, fields);
}

// What Lambda answers when the cell's reserved concurrency is full; nothing changes it, so one serves every throttle.
const THROTTLED = namedError("TooManyRequestsException", "Rate Exceeded.", { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });

/** The cells as a Lambda service: reserved concurrency, healthy latency, hung executions ended at their timeout. */
class CellFunctions implements CellInvoker {
    readonly running = new Map<string, number>();
    readonly executions = new Map<string, number>();
    readonly peak = new Map<string, number>();

    constructor(private readonly time: VirtualTime, private readonly byFunction: Map<string, ModelCell>, private readonly healthyLatencyMs: number) {}

    send(command: InvokeCommand, options?: { abortSignal?: AbortSignal }): Promise<InvokeCommandOutput> {
        const cell = this.byFunction.get(command.input.FunctionName ?? "");
        if (cell === undefined) return Promise.reject(namedError("ResourceNotFoundException", "Function not found"));
        const running = this.running.get(cell.id) ?? 0;
        if (running >= cell.reservedConcurrency) return Promise.reject(THROTTLED);
        this.running.set(cell.id, running + 1);
        this.peak.set(cell.id, Math.max(this.peak.get(cell.id) ?? 0, running + 1));
        this.executions.set(cell.id, (this.executions.get(cell.id) ?? 0) + 1);
        return new Promise((resolve, reject) => {
            let settled = false;
            const healthy = cell.health === "healthy";
            this.time.setTimeout(() => {
                this.running.set(cell.id, this.running.get(cell.id)! - 1);
                if (settled) return;
                settled = true;
                resolve(healthy
                    ? { $metadata: {}, StatusCode: 200, Payload: HEALTHY_ANSWER as InvokeCommandOutput["Payload"] }
                    : { $metadata: {}, StatusCode: 200, FunctionError: "Unhandled", Payload: TIMED_OUT as InvokeCommandOutput["Payload"] });
            }, healthy ? this.healthyLatencyMs : cell.timeoutMs);
            // The client gives up; the execution runs on (and keeps its concurrency) until it ends.
            options?.abortSignal?.addEventListener("abort", () => {
                if (settled) return;
                settled = true;
                reject(namedError("AbortError", "Request aborted"));
            }, { once: true });
        });
    }
}

/** Counts as CloudWatch would sum the router's metrics over every instance. */
class MetricTotals implements RouterMetrics {
    readonly byCell = new Map<string, Partial<Record<RouterMetricName, number>>>();

    count(cellId: string, metric: RouterMetricName): void {
        const counts = this.byCell.get(cellId) ?? {};
        counts[metric] = (counts[metric] ?? 0) + 1;
        this.byCell.set(cellId, counts);
    }

    flush(): void {}
}

/** The claim the model's tokens name the tenant with (the stacks' default `tenant_id`). */
export const MODEL_TENANT_CLAIM = "tenant_id";

/** A request of `customerId` as an HTTP API hands it over, with the verified token of a caller acting for itself. */
function event(customerId: string, n: number): APIGatewayProxyEventV2WithJWTAuthorizer {
    const rawPath = `/customers/${customerId}/items`;
    return {
        version: "2.0", routeKey: "ANY /customers/{customerId}/{proxy+}", rawPath, rawQueryString: "",
        headers: { host: "api.example.com" }, isBase64Encoded: false,
        requestContext: {
            accountId: "123456789012", apiId: "api", domainName: "api.example.com", domainPrefix: "api",
            http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "model" },
            requestId: `r-${n}`, routeKey: "ANY /customers/{customerId}/{proxy+}", stage: "$default", time: "", timeEpoch: 0,
            authorizer: { principalId: "", integrationLatency: 0, jwt: { claims: { [MODEL_TENANT_CLAIM]: customerId }, scopes: ["cellular/items"] } },
        },
    };
}

function context(time: VirtualTime, deadline: number, n: number): Context {
    return {
        callbackWaitsForEmptyEventLoop: false, functionName: "router", functionVersion: "1",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:router:live", memoryLimitInMB: "256",
        awsRequestId: `req-${n}`, logGroupName: "/aws/lambda/router", logStreamName: "model",
        getRemainingTimeInMillis: () => Math.max(0, deadline - time.now()),
        done: () => undefined, fail: () => undefined, succeed: () => undefined,
    };
}

/** Customers routed (by hash) to each cell. */
function customersOf(cells: ModelCell[], table: ReturnType<typeof compileRoutingTable>, perCell: number): Map<string, string[]> {
    const out = new Map<string, string[]>(cells.map(c => [c.id, []]));
    for (let i = 0; [...out.values()].some(list => list.length < perCell); i++) {
        if (i > 1_000_000) throw new Error("could not find customers for every cell");
        const id = `customer-${i}`;
        const list = out.get(routeCustomer(table, id).cell.id)!;
        if (list.length < perCell) list.push(id);
    }
    return out;
}

/** Runs the scenario on scaled time and reports what every cell's customers got. */
export async function runScenario(s: Scenario): Promise<ModelResult> {
    const { createRouter } = routerModule();
    const time = new VirtualTime();
    const functionName = (id: string) => `${id}-api:live`;
    const table = compileRoutingTable(buildRoutingTable({
        mode: "invoke",
        cells: s.cells.map(c => ({ id: c.id, state: "active" as const, functionName: functionName(c.id), ...(c.budgetMs === undefined ? {} : { budgetMs: c.budgetMs }) })),
        pinned: {},
    }));
    const lambda = new CellFunctions(time, new Map(s.cells.map(c => [functionName(c.id), c])), s.healthyLatencyMs);
    const metrics = new MetricTotals();
    const logger = new Logger({ serviceName: "router", logLevel: "SILENT" });
    const results: Record<string, CellResult> = Object.fromEntries(s.cells.map(c => [c.id, {
        requests: 0, answers: [], routerThrottled: 0, executions: 0, peakExecutions: 0, metrics: {},
    }]));

    const instances: RouterHandler[] = [];
    const idle: RouterHandler[] = [];
    let busy = 0;
    let peak = 0;
    const answered = (cell: CellResult, status: number, latencyMs: number) => cell.answers.push({ status, latencyMs });

    const customers = customersOf(s.cells, table, 8);
    const events = new Map([...customers].map(([cellId, ids]) => [cellId, ids.map((id, i) => event(id, i))]));
    const next = new Map(s.cells.map(c => [c.id, 0]));
    let n = 0;
    const arrive = (cell: ModelCell) => {
        const result = results[cell.id]!;
        result.requests++;
        let instance = idle.shift();
        if (instance === undefined && instances.length < s.routerReservedConcurrency) {
            instance = createRouter({ table, tenantClaim: MODEL_TENANT_CLAIM, lambda, logger, breaker: s.breaker, metrics, clock: time });
            instances.push(instance);
        }
        if (instance === undefined) {
            result.routerThrottled++;
            answered(result, 500, 0);
            return;
        }
        busy++;
        peak = Math.max(peak, busy);
        const started = time.now();
        const list = events.get(cell.id)!;
        const k = next.get(cell.id)!;
        next.set(cell.id, (k + 1) % list.length);
        const handler = instance;
        void handler(list[k]!, context(time, started + s.routerTimeoutMs, n++)).then(answer => {
            answered(result, answer.statusCode ?? 0, time.now() - started);
            busy--;
            idle.push(handler);
        });
    };

    const rand = random(s.seed);
    for (const cell of s.cells) {
        if (cell.rps <= 0) continue;
        const schedule = () => {
            const gap = -Math.log(1 - rand()) * 1000 / cell.rps;
            time.setTimeout(() => {
                if (time.now() >= s.durationMs) return;
                arrive(cell);
                schedule();
            }, gap);
        };
        schedule();
    }
    await time.run();

    for (const cell of s.cells) {
        const result = results[cell.id]!;
        result.executions = lambda.executions.get(cell.id) ?? 0;
        result.peakExecutions = lambda.peak.get(cell.id) ?? 0;
        result.metrics = metrics.byCell.get(cell.id) ?? {};
    }
    return { cells: results, peakRouterConcurrency: peak, routerInstances: instances.length };
}

/** How many answers had each status. */
export function statusCounts(answers: readonly Answer[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
}

/** The answers of the cells whose health is `health`, all together. */
export function answersOf(scenario: Scenario, result: ModelResult, health: ModelCell["health"]): Answer[] {
    return scenario.cells.filter(c => c.health === health).flatMap(c => result.cells[c.id]!.answers);
}

/** The share of `answers` with a status below 300: the cell answered. */
export function successRate(answers: readonly Answer[]): number {
    return answers.length === 0 ? 1 : answers.filter(a => a.status < 300).length / answers.length;
}
