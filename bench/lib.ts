/**
 * Shared pieces of the benchmark suite (`npm run bench`). Every figure is reported as a ratio against a baseline
 * measured in the same run, with the absolute numbers for context; times are medians of several runs.
 */

export interface BenchRow {
    /** The table section: "routing", "bundles", "plan", "policies", "tests". */
    group: string;
    /** What was measured, e.g. "decision time, N=100 (jump hash)". */
    name: string;
    /** The measured value and its unit ("µs", "ms", "MB", "%", "keys", "x"). */
    value: number;
    unit: string;
    /** The baseline measured in the same run, when the row compares against one. */
    baseline?: { name: string; value: number };
    /** value / baseline.value (computed by the runner when absent). */
    ratio?: number;
    /** The target as text, e.g. "< 2 µs" or "<= 1.1/(N+1)", and whether it is met. */
    target?: string;
    pass?: boolean;
}

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of nothing");
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `runs` times and returns the median wall time in milliseconds. */
export async function medianMs(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await fn();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(times);
}
