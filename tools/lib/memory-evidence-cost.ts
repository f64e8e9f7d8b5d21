/**
 * What the stack's memory evidence implies for the bill: for each function its Power Tuning evidence measured
 * (policies/lib/memory-evidence.ts), its memory and the optimum for the strategy, and — with a month of
 * invocations from the cost estimate — the monthly Lambda duration cost at both, from the measured average
 * durations: invocations × GB × billed seconds × the region's price per GB-second. Pure.
 *
 * Only duration is compared: requests cost the same at any memory. A memory the run did not measure has no
 * duration to price, so no difference (it says which values were measured).
 */
import { FunctionEvidence, MemoryEvidence, evidenceFor, optimumFor } from "../../policies/lib/memory-evidence";
import { Choice, describeChoice } from "../../policies/lib/power-tuning";
import { billedMs, gbSeconds } from "./cost/formulas";

export interface PlannedFunction {
    name: string;
    memoryMb: number;
    architecture: "x86_64" | "arm64";
}

export interface EvidenceCostRow {
    function: string;
    /** The evidence entry (a name or a pattern). */
    key: string;
    measuredAt: string;
    commit: string;
    memoryMb: number;
    optimumMb: number | null;
    invocationsPerMonth: number | null;
    /** Monthly duration cost now, at the optimum, and now minus optimum (what moving to the optimum saves). */
    monthlyUsd: { current: number; optimum: number; difference: number } | null;
    /** Why there is no optimum or no cost. */
    why?: string;
}

export interface EvidenceCost {
    strategy: string;
    rows: EvidenceCostRow[];
    /** The sum of the rows' differences (null when no row could be priced). */
    monthlyDifferenceUsd: number | null;
}

const round = (n: number) => Math.round(n * 10000) / 10000;

function durationAt(entry: FunctionEvidence, memoryMb: number): number | undefined {
    const stat = entry.output.stats?.find(s => s.value === memoryMb);
    if (stat) return stat.averageDuration;
    return entry.output.power === memoryMb ? entry.output.duration : undefined;
}

function measuredValues(entry: FunctionEvidence): string {
    const values = entry.output.stats ? entry.output.stats.map(s => s.value) : [entry.output.power];
    return values.sort((a, b) => a - b).join(", ");
}

export function evidenceCost(functions: readonly PlannedFunction[], evidence: MemoryEvidence, choice: Choice,
    invocationsOf: (name: string) => number | undefined, pricePerGbSecond: (architecture: PlannedFunction["architecture"]) => number): EvidenceCost {
    const rows: EvidenceCostRow[] = [];
    for (const fn of functions) {
        const found = evidenceFor(evidence, fn.name);
        if (found === undefined) continue;
        if ("ambiguous" in found) {
            rows.push({ function: fn.name, key: found.ambiguous.join(" | "), measuredAt: "", commit: "", memoryMb: fn.memoryMb, optimumMb: null,
                invocationsPerMonth: null, monthlyUsd: null, why: `matched by ${found.ambiguous.length} patterns` });
            continue;
        }
        const { entry } = found;
        const base = { function: fn.name, key: entry.key, measuredAt: entry.measuredAt, commit: entry.commit, memoryMb: fn.memoryMb };
        const optimum = optimumFor(entry, choice);
        const invocations = invocationsOf(fn.name);
        if ("unanswerable" in optimum) {
            rows.push({ ...base, optimumMb: null, invocationsPerMonth: invocations ?? null, monthlyUsd: null, why: optimum.unanswerable });
            continue;
        }
        const row: EvidenceCostRow = { ...base, optimumMb: optimum.memoryMb, invocationsPerMonth: invocations ?? null, monthlyUsd: null };
        const now = durationAt(entry, fn.memoryMb);
        const best = durationAt(entry, optimum.memoryMb);
        if (invocations === undefined) {
            row.why = "no month of invocations (the stack has no usage file)";
        } else if (now === undefined || best === undefined) {
            row.why = `${fn.memoryMb} MB was not measured (measured: ${measuredValues(entry)} MB)`;
        } else {
            const price = pricePerGbSecond(fn.architecture);
            const current = gbSeconds(invocations, billedMs(now), fn.memoryMb) * price;
            const atOptimum = gbSeconds(invocations, billedMs(best), optimum.memoryMb) * price;
            row.monthlyUsd = { current: round(current), optimum: round(atOptimum), difference: round(current - atOptimum) };
        }
        rows.push(row);
    }
    const priced = rows.filter(r => r.monthlyUsd !== null);
    return {
        strategy: describeChoice(choice),
        rows,
        monthlyDifferenceUsd: priced.length === 0 ? null : round(priced.reduce((sum, r) => sum + r.monthlyUsd!.difference, 0)),
    };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The plan's text section: one line per evidence entry (every cell's function of a kind shares one). */
export function formatEvidenceCost(cost: EvidenceCost, file: string): string {
    if (cost.rows.length === 0) return `Memory evidence (${file}): no function of the plan is measured in it.`;
    const byKey = new Map<string, EvidenceCostRow[]>();
    for (const r of cost.rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    const lines = [`Memory evidence (${file}, ${cost.strategy} strategy): ${cost.rows.length} function(s) measured` +
        (cost.monthlyDifferenceUsd === null ? "" : `; at the measured optimum the month's Lambda duration would cost ${usd(Math.abs(cost.monthlyDifferenceUsd))} ` +
            `${cost.monthlyDifferenceUsd >= 0 ? "less" : "more"}`)];
    for (const [key, rows] of byKey) {
        const first = rows[0]!;
        const memories = [...new Set(rows.map(r => r.memoryMb))].join("/");
        const sum = (pick: (m: NonNullable<EvidenceCostRow["monthlyUsd"]>) => number) => rows.reduce((s, r) => s + (r.monthlyUsd ? pick(r.monthlyUsd) : 0), 0);
        const money = rows.every(r => r.monthlyUsd !== null)
            ? `: ${usd(sum(m => m.current))}/month now, ${usd(sum(m => m.optimum))} at the optimum (difference ${usd(sum(m => m.difference))})`
            : first.why ? ` (${first.why})` : "";
        lines.push(`  ${key} (${rows.length} function${rows.length === 1 ? "" : "s"}, measured ${first.measuredAt} at ${first.commit.slice(0, 12)}): ` +
            `${memories} MB, optimum ${first.optimumMb ?? "unknown"} MB${money}`);
    }
    return lines.join("\n");
}
