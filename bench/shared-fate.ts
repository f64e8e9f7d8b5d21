/**
 * Shared-fate benchmark: how much do hung cells hurt the healthy ones, through the router they share? The five
 * scenarios of issue #12 on the shipped stacks' settings (read with loadSettings from Pulumi.<stack>.yaml), each run
 * in the same run twice on the model of Lambda's concurrency (bench/shared-fate-model.ts), driven by the real router:
 *
 * - today: the router without bulkheads (no per-cell budget: it waits until Lambda ends the cell at its timeout;
 *   breakers off);
 * - bulkheads: each cell's budget from its `router.cellTimeoutMs`, the stack's `router.breaker` thresholds.
 *
 * Healthy cells answer in 50 ms; prod's healthy cells share 1,000 requests/s, dev's one healthy cell gets 20. The hung
 * cells are the last ones (prod's wave 2), hung from the first second. Figures: the share of healthy requests the
 * cells answered (goal >= 99 %), and the share of the hung cells' requests answered with 503, 504 or 429 within the
 * cell's budget (goal: all of them). One more row shows dev with the router main had (10), which the sizing check
 * now rejects.
 *
 * `node --import tsx bench/shared-fate.ts` prints the rows.
 */
import * as path from "node:path";
import { loadSettings, StackSettings } from "../components/config";
import { readStackConfig } from "../tools/lib/stack-config";
import { BenchRow } from "./lib";
import { Answer, answersOf, ModelCell, runScenario, Scenario, statusCounts, successRate } from "./shared-fate-model";

const GROUP = "shared fate";
const ROOT = path.resolve(__dirname, "..");
const HEALTHY_LATENCY_MS = 50;

interface Case {
    stack: "dev" | "prod";
    hung: number;
    hungRps: number;
    healthyRps: number;
    /** Overrides the shipped router's reserved concurrency (the extra dev row). */
    routerReservedConcurrency?: number;
    note?: string;
}

export const CASES: Case[] = [
    { stack: "prod", hung: 1, hungRps: 4, healthyRps: 1000 },
    { stack: "prod", hung: 3, hungRps: 50, healthyRps: 1000 },
    { stack: "prod", hung: 4, hungRps: 4, healthyRps: 1000 },
    { stack: "prod", hung: 4, hungRps: 50, healthyRps: 1000 },
    { stack: "dev", hung: 2, hungRps: 50, healthyRps: 20 },
    { stack: "dev", hung: 2, hungRps: 50, healthyRps: 20, routerReservedConcurrency: 10, note: "main's router 10, now rejected by the sizing check" },
];

export interface SharedFateOptions {
    /** Simulated seconds of traffic per run (default 60). */
    durationMs?: number;
    seed?: number;
}

function shipped(stack: string): StackSettings {
    const config = readStackConfig(ROOT, stack);
    return loadSettings(config.config, config);
}

/** The scenario of a case on a stack's settings, with or without the bulkheads. */
export function scenarioOf(c: Case, settings: StackSettings, bulkheads: boolean, durationMs: number, seed: number): Scenario {
    const n = settings.cells.length;
    const cells: ModelCell[] = settings.cells.map((cell, i) => {
        const hung = i >= n - c.hung;
        return {
            id: cell.id,
            reservedConcurrency: cell.api.reservedConcurrency,
            timeoutMs: cell.api.timeoutSeconds * 1000,
            ...(bulkheads ? { budgetMs: cell.router.cellTimeoutMs } : {}),
            health: hung ? "hung" : "healthy",
            rps: hung ? c.hungRps : c.healthyRps / (n - c.hung),
        };
    });
    return {
        routerReservedConcurrency: c.routerReservedConcurrency ?? settings.router.reservedConcurrency,
        routerTimeoutMs: settings.router.timeoutSeconds * 1000,
        cells,
        healthyLatencyMs: HEALTHY_LATENCY_MS,
        durationMs,
        breaker: bulkheads ? { failureThreshold: settings.router.breaker.failureThreshold, coolDownSeconds: settings.router.breaker.coolDownSeconds } : false,
        seed,
    };
}

/** Scaled time adds arrival gaps in floating point: a wait of exactly the budget can come out a few picoseconds over. */
const TIME_EPSILON_MS = 1e-6;

/** The share of the hung cells' answers that were 503, 504 or 429 within `budgetMs`. */
export function answeredInBudget(answers: readonly Answer[], budgetMs: number): number {
    const inBudget = answers.filter(a => [429, 503, 504].includes(a.status) && a.latencyMs <= budgetMs + TIME_EPSILON_MS);
    return answers.length === 0 ? 1 : inBudget.length / answers.length;
}

const pct = (share: number) => Number((share * 100).toFixed(2));

function breakdown(answers: readonly Answer[]): string {
    const counts = statusCounts(answers);
    return Object.entries(counts).map(([status, count]) => `${status} ${Math.round((count / answers.length) * 100)}%`).join(", ");
}

export async function run(options: SharedFateOptions = {}): Promise<BenchRow[]> {
    const durationMs = options.durationMs ?? 60_000;
    const seed = options.seed ?? 1;
    const rows: BenchRow[] = [];
    for (const c of CASES) {
        const settings = shipped(c.stack);
        const today = scenarioOf(c, settings, false, durationMs, seed);
        const bulkheads = scenarioOf(c, settings, true, durationMs, seed);
        const [before, after] = [await runScenario(today), await runScenario(bulkheads)];
        const reserved = bulkheads.routerReservedConcurrency;
        const label = `${c.stack}: ${c.hung} of ${settings.cells.length} cells hung at ${c.hungRps} rps, router ${reserved}${c.note ? ` (${c.note})` : ""}`;
        const healthyToday = successRate(answersOf(today, before, "healthy"));
        const healthyAfter = successRate(answersOf(bulkheads, after, "healthy"));
        rows.push({
            group: GROUP, name: `${label}: healthy requests answered (peak router use ${after.peakRouterConcurrency}, today ${before.peakRouterConcurrency})`,
            value: pct(healthyAfter), unit: "%", baseline: { name: "today: no budgets, breakers off", value: pct(healthyToday) },
            ...(c.note ? {} : { target: ">= 99 %", pass: healthyAfter >= 0.99 }),
        });
        const budgetMs = Math.max(...bulkheads.cells.filter(cell => cell.health === "hung").map(cell => cell.budgetMs!));
        const hungAfter = answersOf(bulkheads, after, "hung");
        const hungToday = answersOf(today, before, "hung");
        rows.push({
            group: GROUP, name: `${label}: hung cells' requests answered 503/504/429 within ${budgetMs} ms (${breakdown(hungAfter)}; today ${breakdown(hungToday)})`,
            value: pct(answeredInBudget(hungAfter, budgetMs)), unit: "%",
            baseline: { name: `today, within the same ${budgetMs} ms`, value: pct(answeredInBudget(hungToday, budgetMs)) },
            ...(c.note ? {} : { target: "100 %", pass: answeredInBudget(hungAfter, budgetMs) === 1 }),
        });
    }
    return rows;
}

if (require.main === module) {
    void run({ durationMs: Number(process.argv[2] ?? 60_000) }).then(rows => {
        for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit} (${r.baseline?.name} ${r.baseline?.value} ${r.unit})`);
    });
}
