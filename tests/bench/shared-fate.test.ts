/**
 * The shared-fate model (bench/shared-fate-model.ts) on a short scenario small enough to reason about by hand: a router
 * of 10 instances in front of three cells of 5 executions each, two of them hung. Today two hung cells hold all 10
 * router instances; with the bulkheads the healthy cell's customers are all answered. The model itself is checked
 * against what Lambda documents (executions capped at the reserved concurrency, an abandoned execution runs on until
 * its timeout).
 */
import * as assert from "node:assert/strict";
import { loadSettings } from "../../components/config";
import { answeredInBudget, CASES, scenarioOf } from "../../bench/shared-fate";
import { answersOf, ModelResult, runScenario, Scenario, statusCounts, successRate } from "../../bench/shared-fate-model";
import { readStackConfig } from "../../tools/lib/stack-config";
import { ROOT } from "../fixtures/stack";

const BUDGET_MS = 100;
const CELL_TIMEOUT_MS = 2000;
const DURATION_MS = 10_000;

function scenario(bulkheads: boolean): Scenario {
    const cell = (id: string, health: "healthy" | "hung") => ({
        id, reservedConcurrency: 5, timeoutMs: CELL_TIMEOUT_MS, health, rps: 20, ...(bulkheads ? { budgetMs: BUDGET_MS } : {}),
    });
    return {
        routerReservedConcurrency: 10,
        routerTimeoutMs: 5000,
        cells: [cell("cell-a", "healthy"), cell("cell-b", "hung"), cell("cell-c", "hung")],
        healthyLatencyMs: 50,
        durationMs: DURATION_MS,
        breaker: bulkheads ? { failureThreshold: 2, coolDownSeconds: 1 } : false,
        seed: 7,
    };
}

describe("the shared-fate model (bench/shared-fate-model.ts) on a short scenario", () => {
    let today: ModelResult;
    let bulkheads: ModelResult;
    before(async () => {
        today = await runScenario(scenario(false));
        bulkheads = await runScenario(scenario(true));
    });

    it("today: the two hung cells hold every router instance, so the healthy cell's customers are throttled (API Gateway's 500)", () => {
        const healthy = today.cells["cell-a"]!;
        assert.ok(successRate(healthy.answers) < 0.5, `${successRate(healthy.answers)}`);
        assert.deepEqual(Object.keys(statusCounts(healthy.answers)).sort(), ["200", "500"]);
        assert.equal(statusCounts(healthy.answers)[500], healthy.routerThrottled);
        assert.equal(today.peakRouterConcurrency, 10);
        // Each hung request the router took waited for Lambda to end the cell at its timeout.
        for (const id of ["cell-b", "cell-c"]) {
            const timedOut = today.cells[id]!.answers.filter(a => a.status === 504);
            assert.ok(timedOut.length > 0);
            for (const a of timedOut) assert.ok(Math.abs(a.latencyMs - CELL_TIMEOUT_MS) < 1e-6, String(a.latencyMs));
        }
    });

    it("with the bulkheads: every healthy request is answered by its cell, and no router instance is ever short", () => {
        const healthy = bulkheads.cells["cell-a"]!;
        assert.deepEqual(statusCounts(healthy.answers), { 200: healthy.requests });
        for (const cell of Object.values(bulkheads.cells)) assert.equal(cell.routerThrottled, 0);
        assert.ok(bulkheads.peakRouterConcurrency < 10, String(bulkheads.peakRouterConcurrency));
    });

    it("with the bulkheads: the hung cells' customers get 503, 504 or 429 within the budget, and breakers open for them only", () => {
        const s = scenario(true);
        const hung = answersOf(s, bulkheads, "hung");
        assert.equal(answeredInBudget(hung, BUDGET_MS), 1);
        for (const id of ["cell-b", "cell-c"]) {
            const counts = statusCounts(bulkheads.cells[id]!.answers);
            assert.deepEqual(Object.keys(counts).sort(), ["429", "503", "504"], id);
        }
        assert.equal(bulkheads.cells["cell-a"]!.metrics.BreakerOpen, undefined);
    });

    it("counts in the router's metrics exactly what the customers got", () => {
        for (const [id, cell] of Object.entries(bulkheads.cells)) {
            const counts = statusCounts(cell.answers);
            assert.deepEqual(cell.metrics, {
                Routed: cell.requests,
                ...(counts[429] ? { Shed: counts[429] } : {}),
                ...(counts[503] ? { BreakerOpen: counts[503] } : {}),
                ...(counts[504] ? { CellTimeouts: counts[504] } : {}),
            }, id);
        }
    });

    it("behaves as Lambda documents: executions capped at the reserved concurrency, an abandoned one running on to its timeout", () => {
        for (const result of [today, bulkheads]) {
            for (const cell of Object.values(result.cells)) assert.ok(cell.peakExecutions <= 5);
            assert.ok(result.routerInstances <= 10);
            // 5 executions, each held for the full 2 s whether or not the router waited: 5 × 10 s / 2 s.
            for (const id of ["cell-b", "cell-c"]) assert.equal(result.cells[id]!.executions, 5 * DURATION_MS / CELL_TIMEOUT_MS);
        }
    });

    it("gives the same answers on every run of the same seed", async () => {
        assert.deepEqual(await runScenario(scenario(true)), bulkheads);
    });
});

describe("the shared-fate benchmark's scenarios (bench/shared-fate.ts)", () => {
    it("take the shipped stack's settings, hang its last cells, and leave the budgets and breakers out for today", () => {
        const config = readStackConfig(ROOT, "prod");
        const settings = loadSettings(config.config, config);
        const c = CASES.find(x => x.stack === "prod" && x.hung === 4 && x.hungRps === 50)!;
        const withBulkheads = scenarioOf(c, settings, true, 1000, 1);
        const without = scenarioOf(c, settings, false, 1000, 1);
        assert.equal(withBulkheads.routerReservedConcurrency, 150);
        assert.deepEqual(withBulkheads.cells.filter(x => x.health === "hung").map(x => x.id), ["cell-09", "cell-10", "cell-11", "cell-12"]);
        assert.deepEqual([...new Set(withBulkheads.cells.map(x => x.budgetMs))], [100]);
        assert.equal(withBulkheads.cells.filter(x => x.health === "healthy").reduce((sum, x) => sum + x.rps, 0), 1000);
        assert.deepEqual(withBulkheads.breaker, { failureThreshold: 5, coolDownSeconds: 10 });
        assert.equal(without.breaker, false);
        assert.ok(without.cells.every(x => x.budgetMs === undefined));
    });
});
