/**
 * Memory evidence: a committed file per stack, `memory-evidence/<stack>.json`, holding AWS Lambda Power Tuning
 * results per function, with the date and the commit they were measured at. Read by the memory policies
 * (policies/memory.ts) and by the offline plan's cost difference (tools/lib/memory-evidence-cost.ts); produced with
 * `npm run memory-evidence` (tools/memory-evidence.ts). Pure but for {@link readMemoryEvidence}.
 *
 * ```json
 * {
 *   "version": 1,
 *   "stack": "prod",
 *   "measuredAt": "2026-12-01",
 *   "commit": "c9734b1...",
 *   "functions": {
 *     "cellular-prod-cell-*-api": {
 *       "input": { "lambdaARN": "...", "powerValues": [128, 256, 512, 1024], "num": 50, "strategy": "cost" },
 *       "output": { "power": 512, "cost": 2.7e-7, "duration": 40.1, "stateMachine": { ... }, "stats": [ ... ] }
 *     }
 *   }
 * }
 * ```
 * A key is a function's name, or a pattern where `*` stands for any characters (every cell's function of one kind
 * runs the same code with the same settings, so one measurement speaks for all). An exact name wins over patterns;
 * a function two patterns match is an error. `input` is the state machine's input (what decides the strategy the
 * `power` was picked by: Power Tuning's default is `cost`); `output` is its output as the execution returned it.
 * Each function may carry its own `measuredAt` and `commit`.
 */
import * as fs from "fs";
import * as path from "path";
import {
    Choice, DEFAULT_BALANCED_WEIGHT, DEFAULT_STRATEGY, PowerStat, PowerTuningInput, PowerTuningOutput, STRATEGIES, Strategy, clampWeight, describeChoice, optimalStat,
} from "./power-tuning";

export const EVIDENCE_VERSION = 1;


/** Lambda's memory range, MB. */
export const LAMBDA_MEMORY = { min: 128, max: 10_240 } as const;

export interface FunctionEvidence {
    /** The key in the file: a function name or a pattern. */
    key: string;
    measuredAt: string;
    commit: string;
    input: PowerTuningInput;
    output: PowerTuningOutput;
    /** How `output.power` was chosen (the input's strategy and weight, else Power Tuning's defaults). */
    measuredFor: Choice;
}

export interface MemoryEvidence {
    /** The file it came from (for messages). */
    file: string;
    stack: string;
    note?: string;
    functions: FunctionEvidence[];
}

export type EvidenceRead =
    | { found: false; file: string }
    | { found: true; file: string; evidence: MemoryEvidence }
    | { found: true; file: string; problems: string[] };

const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const COMMIT = /^[0-9a-f]{7,40}$/;
/** A Lambda function name (letters, digits, `-`, `_`; up to 64), with `*` allowed in a pattern. */
const FUNCTION_KEY = /^[A-Za-z0-9_*-]{1,64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

const show = (v: unknown) => v === undefined ? "missing" : `${JSON.stringify(v)}`;

/** A number as Power Tuning may write it (the README's example has `"power": "128"`): a number, or a numeric string. */
function numeric(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && /^\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(v.trim())) return Number(v);
    return undefined;
}

function isDate(v: unknown): v is string {
    return typeof v === "string" && DATE.test(v) && !Number.isNaN(Date.parse(v));
}

/** The file's name for a stack. */
export function evidenceFile(dir: string, stack: string): string {
    return path.join(dir, `${stack}.json`);
}

/** Checks a parsed file; every problem at once, each naming the field, the value and what is allowed. */
export function parseMemoryEvidence(raw: unknown, file: string, stack: string): { evidence: MemoryEvidence } | { problems: string[] } {
    const problems: string[] = [];
    if (!isRecord(raw)) return { problems: ["the file must hold a JSON object"] };
    if (raw.version !== EVIDENCE_VERSION) problems.push(`version is ${show(raw.version)}; expected ${EVIDENCE_VERSION}`);
    if (raw.stack !== stack) problems.push(`stack is ${show(raw.stack)}; expected ${JSON.stringify(stack)}, the stack the file is named after`);
    if (raw.note !== undefined && typeof raw.note !== "string") problems.push(`note is ${show(raw.note)}; expected a string`);
    const topDate = raw.measuredAt;
    const topCommit = raw.commit;
    if (topDate !== undefined && !isDate(topDate)) problems.push(`measuredAt is ${show(topDate)}; expected a date (YYYY-MM-DD, or an ISO 8601 time)`);
    if (topCommit !== undefined && !(typeof topCommit === "string" && COMMIT.test(topCommit))) {
        problems.push(`commit is ${show(topCommit)}; expected a git commit id (7 to 40 lowercase hex digits)`);
    }
    const functions: FunctionEvidence[] = [];
    if (!isRecord(raw.functions) || Object.keys(raw.functions).length === 0) {
        problems.push(`functions is ${show(raw.functions)}; expected an object of at least one function name (or pattern) to its Power Tuning result`);
    } else {
        for (const [key, entry] of Object.entries(raw.functions)) {
            const at = `functions[${JSON.stringify(key)}]`;
            if (!FUNCTION_KEY.test(key)) problems.push(`${at}: the key must be a function name or a pattern with * (letters, digits, -, _, *; up to 64 characters)`);
            const parsed = parseEntry(entry, at, topDate, topCommit, problems);
            if (parsed) functions.push({ key, ...parsed });
        }
    }
    if (problems.length > 0) return { problems };
    return { evidence: { file, stack, ...(typeof raw.note === "string" ? { note: raw.note } : {}), functions } };
}

function parseEntry(entry: unknown, at: string, topDate: unknown, topCommit: unknown, problems: string[]): Omit<FunctionEvidence, "key"> | undefined {
    if (!isRecord(entry)) {
        problems.push(`${at} is ${show(entry)}; expected { "input"?, "output", "measuredAt"?, "commit"? }`);
        return undefined;
    }
    const before = problems.length;
    const measuredAt = entry.measuredAt ?? topDate;
    const commit = entry.commit ?? topCommit;
    if (!isDate(measuredAt)) problems.push(`${at}.measuredAt is ${show(entry.measuredAt)} and the file has no valid measuredAt; expected a date (YYYY-MM-DD, or an ISO 8601 time)`);
    if (!(typeof commit === "string" && COMMIT.test(commit))) problems.push(`${at}.commit is ${show(entry.commit)} and the file has no valid commit; expected a git commit id (7 to 40 lowercase hex digits)`);

    const input = entry.input ?? {};
    let measuredFor: Choice = { strategy: DEFAULT_STRATEGY, balancedWeight: DEFAULT_BALANCED_WEIGHT };
    if (!isRecord(input)) {
        problems.push(`${at}.input is ${show(input)}; expected the state machine's input object`);
    } else {
        const strategy = input.strategy ?? DEFAULT_STRATEGY;
        const weight = input.balancedWeight ?? DEFAULT_BALANCED_WEIGHT;
        if (!STRATEGIES.includes(strategy as Strategy)) problems.push(`${at}.input.strategy is ${show(input.strategy)}; expected ${STRATEGIES.map(s => JSON.stringify(s)).join(", ")}`);
        if (typeof weight !== "number" || !Number.isFinite(weight)) problems.push(`${at}.input.balancedWeight is ${show(input.balancedWeight)}; expected a number from 0 to 1`);
        else measuredFor = { strategy: strategy as Strategy, balancedWeight: clampWeight(weight) };
    }

    const output = entry.output;
    if (!isRecord(output)) {
        problems.push(`${at}.output is ${show(output)}; expected the state machine's output ({ "power", "cost", "duration", "stats"? })`);
        return undefined;
    }
    const power = numeric(output.power);
    if (power === undefined || !Number.isInteger(power) || power < LAMBDA_MEMORY.min || power > LAMBDA_MEMORY.max) {
        problems.push(`${at}.output.power is ${show(output.power)}; expected a memory size in MB, an integer from ${LAMBDA_MEMORY.min} to ${LAMBDA_MEMORY.max}`);
    }
    const cost = numeric(output.cost);
    if (cost === undefined || cost < 0) problems.push(`${at}.output.cost is ${show(output.cost)}; expected the average cost of one invocation in USD (a number, 0 or more)`);
    const duration = numeric(output.duration);
    if (duration === undefined || duration < 0) problems.push(`${at}.output.duration is ${show(output.duration)}; expected the average duration in ms (a number, 0 or more)`);
    let stats: PowerStat[] | undefined;
    if (output.stats !== undefined) {
        if (!Array.isArray(output.stats) || output.stats.length === 0) {
            problems.push(`${at}.output.stats is ${show(output.stats)}; expected a non-empty list of { "value", "averagePrice", "averageDuration" } (run with includeOutputResults: true), or no stats`);
        } else {
            stats = [];
            const seen = new Set<number>();
            output.stats.forEach((s: unknown, i: number) => {
                const sat = `${at}.output.stats[${i}]`;
                if (!isRecord(s)) {
                    problems.push(`${sat} is ${show(s)}; expected { "value", "averagePrice", "averageDuration" }`);
                    return;
                }
                const value = numeric(s.value);
                const averagePrice = numeric(s.averagePrice);
                const averageDuration = numeric(s.averageDuration);
                if (value === undefined || !Number.isInteger(value) || value < LAMBDA_MEMORY.min || value > LAMBDA_MEMORY.max) {
                    problems.push(`${sat}.value is ${show(s.value)}; expected a memory size in MB, an integer from ${LAMBDA_MEMORY.min} to ${LAMBDA_MEMORY.max}`);
                } else if (seen.has(value)) {
                    problems.push(`${sat}.value is ${value}, measured twice in one run; expected each power value once`);
                } else {
                    seen.add(value);
                }
                if (averagePrice === undefined || averagePrice < 0) problems.push(`${sat}.averagePrice is ${show(s.averagePrice)}; expected a number, 0 or more (USD per invocation)`);
                if (averageDuration === undefined || averageDuration < 0) problems.push(`${sat}.averageDuration is ${show(s.averageDuration)}; expected a number, 0 or more (ms)`);
                if (value !== undefined && averagePrice !== undefined && averageDuration !== undefined) stats!.push({ value, averagePrice, averageDuration });
            });
        }
    }
    if (problems.length > before) return undefined;
    // The file's own optimum must follow from its stats, as Power Tuning picked it: else it was edited by hand or
    // mixes two runs, and judging by it would judge by a number nobody measured.
    if (stats !== undefined) {
        const picked = optimalStat(stats, measuredFor);
        if (picked === undefined) {
            problems.push(`${at}.output.stats has no entry with an average duration; Power Tuning measured nothing it could pick from`);
            return undefined;
        }
        if (picked.value !== power) {
            problems.push(`${at}.output.power is ${power}, but its stats make ${picked.value} MB the optimum for the ${describeChoice(measuredFor)} ` +
                "strategy the input names; the output was edited or mixes two runs: measure again");
            return undefined;
        }
    }
    return {
        measuredAt: measuredAt as string,
        commit: commit as string,
        input: input as PowerTuningInput,
        output: {
            power: power!, cost: cost!, duration: duration!,
            ...(isRecord(output.stateMachine) ? { stateMachine: output.stateMachine as PowerTuningOutput["stateMachine"] } : {}),
            ...(stats ? { stats } : {}),
        },
        measuredFor,
    };
}

/** `memory-evidence/prod.json`: the file as the project names it, for messages. */
export function shown(read: { file: string }): string {
    return `${path.basename(path.dirname(read.file))}/${path.basename(read.file)}`;
}

/** Reads `<dir>/<stack>.json` (`dir` relative to the working directory): not there (no evidence), checked, or its problems. */
export function readMemoryEvidence(dir: string, stack: string): EvidenceRead {
    const file = evidenceFile(path.resolve(dir), stack);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { found: false, file };
        return { found: true, file, problems: [`cannot be read: ${(err as Error).message}`] };
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        return { found: true, file, problems: [`is not JSON: ${(err as Error).message}`] };
    }
    const parsed = parseMemoryEvidence(raw, file, stack);
    return "problems" in parsed ? { found: true, file, problems: parsed.problems } : { found: true, file, evidence: parsed.evidence };
}

function patternRegExp(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map(part => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** The evidence for the function named `name`: its exact entry, else the one pattern that matches it. */
export function evidenceFor(evidence: MemoryEvidence, name: string): { entry: FunctionEvidence } | { ambiguous: string[] } | undefined {
    const exact = evidence.functions.find(f => f.key === name);
    if (exact) return { entry: exact };
    const matching = evidence.functions.filter(f => f.key.includes("*") && patternRegExp(f.key).test(name));
    if (matching.length === 1) return { entry: matching[0]! };
    if (matching.length > 1) return { ambiguous: matching.map(f => f.key) };
    return undefined;
}

/** Whether any of `names` has the entry as its evidence (an entry for no function is likely a renamed one). */
export function entryMatches(entry: FunctionEvidence, names: readonly string[]): boolean {
    return entry.key.includes("*") ? names.some(n => patternRegExp(entry.key).test(n)) : names.includes(entry.key);
}

/**
 * The optimum the evidence gives for `choice`: from the stats when the file has them; else the file's own `power`,
 * but only when it was picked by the same strategy (and weight).
 */
export function optimumFor(entry: FunctionEvidence, choice: Choice): { memoryMb: number; stat?: PowerStat } | { unanswerable: string } {
    if (entry.output.stats) {
        const stat = optimalStat(entry.output.stats, choice);
        // parseMemoryEvidence refused stats without a usable entry.
        return { memoryMb: stat!.value, stat: stat! };
    }
    const same = entry.measuredFor.strategy === choice.strategy &&
        (choice.strategy !== "balanced" || entry.measuredFor.balancedWeight === choice.balancedWeight);
    if (same) return { memoryMb: entry.output.power };
    return {
        unanswerable: `it was tuned for the ${describeChoice(entry.measuredFor)} strategy and has no stats to judge the ${describeChoice(choice)} ` +
            "strategy by; run Power Tuning with includeOutputResults: true, or with that strategy",
    };
}

/** Whole days from `measuredAt` to `now` (negative when it lies ahead). */
export function ageDays(measuredAt: string, now: number): number {
    return Math.floor((now - Date.parse(measuredAt)) / 86_400_000);
}

/** The stack a resource's URN belongs to (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m?.[1];
}
