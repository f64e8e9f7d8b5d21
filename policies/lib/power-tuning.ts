/**
 * AWS Lambda Power Tuning (github.com/alexcasalboni/aws-lambda-power-tuning): what its state machine returns, and
 * how it picks the optimal memory ("power") from its measurements — its own three strategies, ported from
 * `lambda/analyzer.js` with the same order, ties and filtering, so a file's `power` can be checked against its
 * `stats` and the optimum recomputed for another strategy. Pure.
 *
 * The state machine's output (`OutputPath: $.analysis`):
 * `{ power, cost, duration, stateMachine: { executionCost, lambdaCost, visualization }, stats? }`, `stats` only with
 * the input `includeOutputResults: true`: one `{ value, averagePrice, averageDuration }` per power value tested
 * (the executor's own entries also carry `totalCost`).
 */

export const STRATEGIES = ["cost", "speed", "balanced"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Power Tuning's defaults when the input names no strategy or weight. */
export const DEFAULT_STRATEGY: Strategy = "cost";
export const DEFAULT_BALANCED_WEIGHT = 0.5;

/** One tested power value. */
export interface PowerStat {
    /** Memory, MB. */
    value: number;
    /** Average cost of one invocation, USD. */
    averagePrice: number;
    /** Average duration of one invocation, ms. */
    averageDuration: number;
    totalCost?: number;
}

export interface PowerTuningOutput {
    power: number;
    cost: number;
    duration: number;
    stateMachine?: { executionCost?: number; lambdaCost?: number; visualization?: string };
    stats?: PowerStat[];
}

/** The state machine input's fields that decide how the optimum was chosen (the rest is kept as given). */
export interface PowerTuningInput {
    lambdaARN?: string;
    powerValues?: number[];
    num?: number;
    strategy?: Strategy;
    balancedWeight?: number;
    [key: string]: unknown;
}

export interface Choice {
    strategy: Strategy;
    /** Only for `balanced`: 0 is speed, 1 is cost. */
    balancedWeight: number;
}

interface Candidate {
    power: number;
    cost: number;
    duration: number;
}

/** As the analyzer's `getBalancedWeight`: clamped to [0, 1]. */
export function clampWeight(weight: number): number {
    return Math.min(Math.max(weight, 0), 1);
}

/**
 * The stat Power Tuning would pick for `choice`, or undefined when no stat counts (the analyzer drops entries
 * without an average duration, as it does for an executor's empty results).
 */
export function optimalStat(stats: readonly PowerStat[], choice: Choice): PowerStat | undefined {
    const candidates: Array<Candidate & { stat: PowerStat }> = stats
        .filter(s => s && s.averageDuration)
        .map(s => ({ power: s.value, cost: s.averagePrice, duration: s.averageDuration, stat: s }));
    if (candidates.length === 0) return undefined;
    // Array.prototype.sort is stable (ES2019), as in the Node.js runtimes the analyzer runs on.
    if (choice.strategy === "cost") {
        candidates.sort((a, b) => a.cost === b.cost ? a.duration - b.duration : a.cost - b.cost);
    } else if (choice.strategy === "speed") {
        candidates.sort((a, b) => a.duration === b.duration ? a.cost - b.cost : a.duration - b.duration);
    } else {
        const weight = clampWeight(choice.balancedWeight);
        const maxCost = Math.max(...candidates.map(c => c.cost));
        const maxDuration = Math.max(...candidates.map(c => c.duration));
        const value = (c: Candidate) => weight * c.cost / maxCost + (1 - weight) * c.duration / maxDuration;
        candidates.sort((a, b) => value(a) - value(b));
    }
    return candidates[0]!.stat;
}

/** How `choice` reads in a message: `cost`, `speed`, `balanced (weight 0.5)`. */
export function describeChoice(choice: Choice): string {
    return choice.strategy === "balanced" ? `balanced (weight ${choice.balancedWeight})` : choice.strategy;
}
