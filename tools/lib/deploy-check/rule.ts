/**
 * What a deploy-check rule is, and builders for the common kinds (a name's length and characters, a number's
 * range, a value from a list), so that the table in rules.ts reads as data. Pure.
 */
import type { Plan, PlannedResource } from "./plan";
import { at, known, list, show } from "./values";

/** One input that AWS or the provider would reject. */
export interface Problem {
    /** The input's path: `memorySize`, `loggingConfig.logGroup`, `tags["aws:owner"]`. */
    input: string;
    /** The value, as given. */
    value: unknown;
    /** What is allowed, for the message: `128 to 10240 MB`. */
    allowed: string;
    /** How the value reads in the message when not as `show(value)`: `10512 characters without white space`. */
    shown?: string;
}

/** A limit that is an account quota rather than a hard limit: AWS's default, and the most a request gets. */
export interface Quota {
    /** The quota's key in the stack's `cellular:quotas` where it has one (components/config/quotas.ts). */
    key: string;
    default: number;
    max?: number;
}

/** Every AWS type: for rules about inputs many types share (tags). */
export const ANY_AWS_TYPE = "aws:*";

export interface Rule {
    /** kebab-case, unique. */
    id: string;
    /** The type tokens it reads, or {@link ANY_AWS_TYPE}. */
    types: readonly string[];
    /** What it checks, in a sentence fragment for the README. */
    what: string;
    /** Where the limit comes from: the provider's file and validator, or AWS's documentation page. */
    source: string;
    /** Set when the limit is an account quota. */
    quota?: Quota;
    /**
     * The problems of one resource of one of `types`. `limit` is the quota in effect (AWS's default unless the
     * stack raised it) for a rule with a quota. Unknown values are skipped.
     */
    check(resource: PlannedResource, plan: Plan, limit: number): Problem[];
}

/** Where a rule reads its value for each type: one input path or several. */
export type InputsByType = Readonly<Record<string, string | readonly string[]>>;

/** The known values a rule reads of a resource: [path, value] for each path of its type that is set and known. */
export function valuesOf(resource: PlannedResource, inputs: InputsByType): Array<[string, unknown]> {
    const paths = inputs[resource.type];
    if (paths === undefined) return [];
    return (typeof paths === "string" ? [paths] : paths)
        .map(path => [path, at(resource.inputs, path)] as [string, unknown])
        .filter(([, value]) => known(value));
}

interface Common {
    id: string;
    what: string;
    source: string;
    inputs: InputsByType;
}

/** An integer in [min, max]. */
export function rangeRule(spec: Common & { min: number; max: number; allowed?: string }): Rule {
    const allowed = spec.allowed ?? `an integer from ${spec.min} to ${spec.max}`;
    return {
        id: spec.id, what: spec.what, source: spec.source, types: Object.keys(spec.inputs),
        check(resource) {
            return valuesOf(resource, spec.inputs)
                .filter(([, v]) => typeof v !== "number" || !Number.isInteger(v) || v < spec.min || v > spec.max)
                .map(([input, value]) => ({ input, value, allowed }));
        },
    };
}

/** Several inputs of one type, each an integer in its own [min, max] (or one of `also`). */
export function rangesRule(spec: Omit<Common, "inputs"> & { type: string; ranges: ReadonlyArray<{ input: string; min: number; max: number; also?: readonly number[]; allowed: string }> }): Rule {
    return {
        id: spec.id, what: spec.what, source: spec.source, types: [spec.type],
        check(resource) {
            return spec.ranges.flatMap(({ input, min, max, also, allowed }) => {
                const value = at(resource.inputs, input);
                if (!known(value) || also?.includes(value as number)) return [];
                return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? [] : [{ input, value, allowed }];
            });
        },
    };
}

/** One of a list of values; for a list input, each element. */
export function enumRule(spec: Common & { values: readonly (string | number)[]; allowed?: string }): Rule {
    const allowed = spec.allowed ?? `one of ${spec.values.join(", ")}`;
    const ok = new Set<unknown>(spec.values);
    return {
        id: spec.id, what: spec.what, source: spec.source, types: Object.keys(spec.inputs),
        check(resource) {
            const problems: Problem[] = [];
            for (const [input, value] of valuesOf(resource, spec.inputs)) {
                const each = Array.isArray(value) ? list(value).map((v, i) => [`${input}[${i}]`, v] as const) : [[input, value] as const];
                for (const [path, v] of each) {
                    if (!ok.has(v)) problems.push({ input: path, value: v, allowed });
                }
            }
            return problems;
        },
    };
}

/**
 * A name: `min` to `max` characters matching `pattern` (whose characters `chars` describes), and whatever else
 * `more` says is wrong with it (each a sentence of what is allowed).
 */
export function nameRule(spec: Common & { min: number; max: number; pattern: RegExp; chars: string; more?: (name: string, resource: PlannedResource) => string[] }): Rule {
    const allowed = `${spec.min} to ${spec.max} characters: ${spec.chars}`;
    return {
        id: spec.id, what: spec.what, source: spec.source, types: Object.keys(spec.inputs),
        check(resource) {
            const problems: Problem[] = [];
            for (const [input, value] of valuesOf(resource, spec.inputs)) {
                if (typeof value !== "string") {
                    problems.push({ input, value, allowed });
                    continue;
                }
                const shown = `${show(value)} (${value.length} characters)`;
                if (value.length < spec.min || value.length > spec.max || !spec.pattern.test(value)) {
                    problems.push({ input, value, allowed, shown });
                }
                for (const more of spec.more?.(value, resource) ?? []) problems.push({ input, value, allowed: more, shown });
            }
            return problems;
        },
    };
}
