/**
 * The router's bulkheads (handlers/router.ts around invoke()): the per-cell time budget, the per-cell circuit breaker
 * and the per-cell metrics, with a hand-moved clock (nothing waits) and an in-process Lambda client that answers as
 * Lambda does (tests/handlers/router.test.ts runs the same router against an HTTP fake of the Invoke API).
 */
import * as assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { InvokeCommand, InvokeCommandOutput } from "@aws-sdk/client-lambda";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { BreakerSettings } from "../../handlers/lib/breaker";
import { buildRoutingTable, compileRoutingTable } from "../../handlers/lib/routing";
import { RouterMetricName, RouterMetrics } from "../../handlers/lib/router-metrics";
import { CellInvoker, createRouter, powertoolsRouterMetrics, RESPONSE_MARGIN_MS, RouterClock } from "../../handlers/router";
import { capture, fakeContext } from "./fakes/events-lambda";
import { TENANT_CLAIM, v2Event } from "./fakes/routing-events";
import { captureLogs, releaseLogs, takeLogs } from "./fakes/routing-logs";

type Result = APIGatewayProxyStructuredResultV2;

/** Timers that fire only when the test moves the clock. */
class ManualClock implements RouterClock {
    private t = 0;
    readonly timers: Array<{ at: number; ms: number; callback: () => void; cancelled: boolean }> = [];

    now(): number {
        return this.t;
    }

    setTimeout(callback: () => void, ms: number): unknown {
        const timer = { at: this.t + ms, ms, callback, cancelled: false };
        this.timers.push(timer);
        return timer;
    }

    clearTimeout(timer: unknown): void {
        (timer as { cancelled: boolean }).cancelled = true;
    }

    /** The waits set and not yet over or cleared, in ms. */
    pending(): number[] {
        return this.timers.filter(t => !t.cancelled && t.at > this.t).map(t => t.ms);
    }

    async advance(ms: number): Promise<void> {
        this.t += ms;
        for (const timer of this.timers.filter(t => !t.cancelled && t.at <= this.t)) {
            timer.cancelled = true;
            timer.callback();
        }
        await settle();
    }
}

const settle = () => new Promise<void>(resolve => setImmediate(resolve));

type Behaviour = "ok" | "cell-500" | "cell-404" | "function-error" | "timed-out" | "invalid" | "throttled" | "hang";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput["Payload"];

/** Answers as Lambda does for each behaviour; `hang` never answers, and rejects as the SDK does when aborted. */
class FakeCells implements CellInvoker {
    readonly calls: string[] = [];
    constructor(readonly behaviour: Record<string, Behaviour>) {}

    send(command: InvokeCommand, options?: { abortSignal?: AbortSignal }): Promise<InvokeCommandOutput> {
        const name = command.input.FunctionName!;
        this.calls.push(name);
        const answer = (payload: unknown, functionError?: string): InvokeCommandOutput =>
            ({ $metadata: {}, StatusCode: 200, Payload: encode(payload), ...(functionError ? { FunctionError: functionError } : {}) });
        switch (this.behaviour[name]) {
            case "ok": return Promise.resolve(answer({ statusCode: 200, headers: {}, body: "fine" }));
            case "cell-500": return Promise.resolve(answer({ statusCode: 500, headers: {}, body: "{}" }));
            case "cell-404": return Promise.resolve(answer({ statusCode: 404, headers: {}, body: "{}" }));
            case "function-error": return Promise.resolve(answer({ errorType: "Error", errorMessage: "boom" }, "Unhandled"));
            case "timed-out": return Promise.resolve(answer({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 10.00 seconds" }, "Unhandled"));
            case "invalid": return Promise.resolve({ $metadata: {}, StatusCode: 200, Payload: new TextEncoder().encode("<html>") as InvokeCommandOutput["Payload"] });
            case "throttled": return Promise.reject(Object.assign(new Error("Rate Exceeded."), { name: "TooManyRequestsException", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" }));
            case "hang": return new Promise((_, reject) => {
                options?.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("Request aborted"), { name: "AbortError" })), { once: true });
            });
            default: return Promise.reject(Object.assign(new Error("Function not found"), { name: "ResourceNotFoundException" }));
        }
    }
}

class RecordedMetrics implements RouterMetrics {
    /** Per invocation (between flushes): what was counted. */
    readonly invocations: Array<Array<[string, RouterMetricName]>> = [[]];
    count(cellId: string, metric: RouterMetricName): void {
        this.invocations[this.invocations.length - 1]!.push([cellId, metric]);
    }
    flush(): void {
        this.invocations.push([]);
    }
    /** The counts of every finished invocation since the last call. */
    take(): Array<Array<[string, RouterMetricName]>> {
        return this.invocations.splice(0, this.invocations.length - 1);
    }
}

/** Cell `cell-<behaviour>`, function `<behaviour>:live`, customer `<behaviour>-customer`. */
const BEHAVIOURS: Behaviour[] = ["ok", "cell-500", "cell-404", "function-error", "timed-out", "invalid", "throttled", "hang"];

function setUp(options: { budgetMs?: number; breaker?: BreakerSettings | false; behaviour?: Partial<Record<string, Behaviour>> } = {}) {
    const budget = options.budgetMs ?? 1000;
    const table = compileRoutingTable(buildRoutingTable({
        mode: "invoke",
        cells: [...BEHAVIOURS.map(b => ({ id: `cell-${b}`, state: "active" as const, functionName: `${b}:live`, budgetMs: budget })),
            { id: "cell-flaky", state: "active" as const, functionName: "flaky:live", budgetMs: budget }],
        pinned: { ...Object.fromEntries(BEHAVIOURS.map(b => [`${b}-customer`, `cell-${b}`])), "flaky-customer": "cell-flaky" },
    }));
    const clock = new ManualClock();
    const cells = new FakeCells({ ...Object.fromEntries(BEHAVIOURS.map(b => [`${b}:live`, b])), "flaky:live": "ok", ...options.behaviour } as Record<string, Behaviour>);
    const metrics = new RecordedMetrics();
    const router = createRouter({
        table, tenantClaim: TENANT_CLAIM, lambda: cells, logger: new Logger({ serviceName: "router" }), clock, metrics,
        ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
    });
    /** Sends a request for `<name>-customer` and lets it run as far as it can without the clock moving. */
    const start = (name: string, remainingMs = 15_000) => {
        let result: Result | undefined;
        const done = router(v2Event({ method: "GET", path: `/customers/${name}-customer/items` }), fakeContext(remainingMs))
            .then(r => { result = r as Result; return result; });
        return { done, get result() { return result; } };
    };
    const send = async (name: string) => {
        const request = start(name);
        await settle();
        assert.ok(request.result, `${name}: expected an answer without the clock moving`);
        return request.result;
    };
    return { clock, cells, metrics, router, start, send };
}

const BREAKER = { failureThreshold: 3, coolDownSeconds: 20 };
const body = (r: Result) => JSON.parse(r.body ?? "") as unknown;

describe("router bulkheads (handlers/router.ts)", () => {
    before(() => captureLogs());
    after(() => releaseLogs());
    beforeEach(() => { takeLogs(); });

    describe("the cell's time budget", () => {
        it("waits at most the cell's budget, then answers 504 and is free for the next request", async () => {
            const { clock, start, metrics } = setUp({ budgetMs: 250 });
            const request = start("hang");
            await settle();
            assert.deepEqual(clock.pending(), [250]);
            await clock.advance(249);
            assert.equal(request.result?.statusCode, undefined, "still waiting");
            await clock.advance(1);
            assert.equal(request.result?.statusCode, 504);
            assert.deepEqual(body(request.result!), { error: "the service did not respond in time" });
            assert.deepEqual(metrics.take(), [[["cell-hang", "Routed"], ["cell-hang", "CellTimeouts"]]]);
            assert.deepEqual(takeLogs().filter(l => l.level === "ERROR").map(l => [l.message, l.cellId, l.waitedMs]),
                [["the cell did not answer in time", "cell-hang", 250]]);
        });

        it("waits only until its own deadline less the margin when that comes before the cell's budget", async () => {
            const { clock, start } = setUp({ budgetMs: 5000 });
            const request = start("hang", 1200);
            await settle();
            assert.deepEqual(clock.pending(), [1200 - RESPONSE_MARGIN_MS]);
            await clock.advance(1200 - RESPONSE_MARGIN_MS);
            assert.equal(request.result?.statusCode, 504);
        });

        it("clears the wait when the cell answers in time", async () => {
            const { clock, send } = setUp();
            assert.equal((await send("ok")).statusCode, 200);
            assert.deepEqual(clock.pending(), []);
        });
    });

    describe("the cell's circuit breaker", () => {
        async function timeOut(t: ReturnType<typeof setUp>, name = "hang") {
            const request = t.start(name);
            await settle();
            await t.clock.advance(1000);
            assert.equal(request.result?.statusCode, 504);
        }

        it("opens after consecutive timeouts: the cell's customers then get 503 with Retry-After at once, without an invoke", async () => {
            const t = setUp({ breaker: BREAKER });
            for (let i = 0; i < 3; i++) await timeOut(t);
            const opened = takeLogs().filter(l => l.level === "WARN");
            assert.deepEqual(opened.map(l => [l.message, l.cellId, l.failureThreshold, l.coolDownSeconds, l.statusCode]),
                [["the cell's breaker opened", "cell-hang", 3, 20, 504]]);
            t.metrics.take();
            const calls = t.cells.calls.length;
            const refused = await t.send("hang");
            assert.deepEqual(refused, {
                statusCode: 503,
                headers: { "content-type": "application/json", "retry-after": "20" },
                body: JSON.stringify({ error: "the service is failing for this customer; try again later" }),
                isBase64Encoded: false,
            });
            assert.equal(t.cells.calls.length, calls, "no invoke while open");
            assert.deepEqual(t.metrics.take(), [[["cell-hang", "Routed"], ["cell-hang", "BreakerOpen"]]]);
            await t.clock.advance(5_000);
            assert.equal((await t.send("hang")).headers?.["retry-after"], "15");
        });

        it("never refuses another cell's customers for one cell's open breaker", async () => {
            const t = setUp({ breaker: BREAKER });
            for (let i = 0; i < 3; i++) await timeOut(t);
            assert.equal((await t.send("hang")).statusCode, 503);
            const calls = t.cells.calls.length;
            for (const name of ["ok", "cell-404", "ok"]) assert.ok([200, 404].includes((await t.send(name)).statusCode!), name);
            assert.deepEqual(t.cells.calls.slice(calls), ["ok:live", "cell-404:live", "ok:live"]);
        });

        it("counts every kind of 5xx from a cell: its own 500, a function error, an invalid answer, Lambda's timeout report", async () => {
            for (const behaviour of ["cell-500", "function-error", "invalid", "timed-out"] as const) {
                const t = setUp({ breaker: BREAKER });
                for (let i = 0; i < 3; i++) assert.ok((await t.send(behaviour)).statusCode! >= 500, behaviour);
                assert.equal((await t.send(behaviour)).statusCode, 503, behaviour);
            }
        });

        it("stays closed for a cell that answers 4xx or is throttled, and a success starts the count again", async () => {
            const t = setUp({ breaker: BREAKER });
            for (let i = 0; i < 10; i++) assert.equal((await t.send("cell-404")).statusCode, 404);
            for (let i = 0; i < 10; i++) assert.equal((await t.send("throttled")).statusCode, 429);
            assert.deepEqual(t.metrics.take().slice(-1), [[["cell-throttled", "Routed"], ["cell-throttled", "Shed"]]]);
            // Two failures, a success, two failures: never three in a row.
            const flaky = t.cells.behaviour;
            for (const b of ["cell-500", "cell-500", "ok", "cell-500", "cell-500", "ok"] as const) {
                flaky["flaky:live"] = b;
                assert.notEqual((await t.send("flaky")).statusCode, 503);
            }
        });

        it("lets one probe through after the cool-down: its success closes the breaker", async () => {
            const t = setUp({ breaker: BREAKER, behaviour: { "flaky:live": "cell-500" } });
            for (let i = 0; i < 3; i++) await t.send("flaky");
            assert.equal((await t.send("flaky")).statusCode, 503);
            await t.clock.advance(20_000);
            t.cells.behaviour["flaky:live"] = "ok";
            takeLogs();
            const calls = t.cells.calls.length;
            assert.equal((await t.send("flaky")).statusCode, 200);
            assert.equal((await t.send("flaky")).statusCode, 200);
            assert.equal(t.cells.calls.length, calls + 2);
            assert.deepEqual(takeLogs().filter(l => l.message !== "the cell did not answer in time").map(l => [l.level, l.message, l.cellId]), [
                ["INFO", "probing the cell after its breaker's cool-down", "cell-flaky"],
                ["INFO", "the cell's breaker closed", "cell-flaky"],
            ]);
        });

        it("opens again for a full cool-down when the probe fails", async () => {
            const t = setUp({ breaker: BREAKER });
            for (let i = 0; i < 3; i++) await timeOut(t);
            await t.clock.advance(20_000);
            const calls = t.cells.calls.length;
            await timeOut(t);
            assert.equal(t.cells.calls.length, calls + 1, "the probe invoked the cell");
            const refused = await t.send("hang");
            assert.equal(refused.statusCode, 503);
            assert.equal(refused.headers?.["retry-after"], "20", "a full cool-down again, from the probe's failure");
        });

        it("refuses a second request while the probe is out (one Node process may run several)", async () => {
            const t = setUp({ breaker: BREAKER });
            for (let i = 0; i < 3; i++) await timeOut(t);
            await t.clock.advance(20_000);
            const probe = t.start("hang");
            await settle();
            const second = await t.send("hang");
            assert.equal(second.statusCode, 503);
            assert.equal(second.headers?.["retry-after"], "1");
            await t.clock.advance(1000);
            assert.equal(probe.result?.statusCode, 504);
        });

        it("keeps every cell open to calls when the breakers are off", async () => {
            const t = setUp({ breaker: false });
            for (let i = 0; i < 10; i++) await timeOut(t);
            assert.equal(t.cells.calls.length, 10);
        });

        it("uses the default thresholds when none are given: five failures in a row", async () => {
            const t = setUp({ behaviour: { "flaky:live": "cell-500" } });
            for (let i = 0; i < 5; i++) assert.equal((await t.send("flaky")).statusCode, 500);
            assert.equal((await t.send("flaky")).statusCode, 503);
        });
    });

    describe("per-cell metrics", () => {
        it("counts every routed request once per invocation, with what became of it", async () => {
            const t = setUp({ breaker: BREAKER });
            await t.send("ok");
            await t.send("throttled");
            await t.send("timed-out");
            await t.router(v2Event({ method: "GET", path: "/customers/-bad/items" }), fakeContext());
            assert.deepEqual(t.metrics.take(), [
                [["cell-ok", "Routed"]],
                [["cell-throttled", "Routed"], ["cell-throttled", "Shed"]],
                [["cell-timed-out", "Routed"], ["cell-timed-out", "CellTimeouts"]],
                [],
            ]);
        });

        it("publishes one EMF document per invocation with the cell as its only dimension (Powertools)", async () => {
            const metrics = powertoolsRouterMetrics(new Metrics({ namespace: "cellular", serviceName: "router" }));
            const { metrics: documents } = await capture(async () => {
                metrics.count("cell-a", "Routed");
                metrics.count("cell-a", "CellTimeouts");
                metrics.flush();
                metrics.flush();
                metrics.count("cell-b", "Routed");
                metrics.flush();
            });
            const shape = documents.map(d => {
                const aws = d._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
                const [emf] = aws.CloudWatchMetrics;
                return { namespace: emf!.Namespace, dimensions: emf!.Dimensions, metrics: emf!.Metrics.map(m => `${m.Name}/${m.Unit}`), cell: d.cell, service: d.service };
            });
            assert.deepEqual(shape, [
                { namespace: "cellular", dimensions: [["cell"]], metrics: ["Routed/Count", "CellTimeouts/Count"], cell: "cell-a", service: undefined },
                { namespace: "cellular", dimensions: [["cell"]], metrics: ["Routed/Count"], cell: "cell-b", service: undefined },
            ]);
            assert.deepEqual(documents.map(d => [d.Routed, d.CellTimeouts]), [[1, 1], [1, undefined]]);
        });
    });
});
