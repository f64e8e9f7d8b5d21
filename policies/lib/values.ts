/**
 * Reading resource properties that may be unknown.
 *
 * During `pulumi preview` the engine sends computed values of resources not created yet as unknowns, and the
 * policy SDK wraps properties in a proxy that throws `UnknownValueError` when one is read. These helpers read a
 * path and return {@link UNKNOWN} instead of throwing, so a policy decides what an unknown means: usually "relate
 * the resources through the dependency graph instead", sometimes "this cannot be decided before deploy".
 * Presence (`in`) never throws: a key whose value is unknown is still present.
 */
import { ReportViolation } from "@pulumi/policy";
import { displayType } from "./types";

// @pulumi/policy exports UnknownValueError at run time, but its proxy.d.ts is empty: read the class untyped.
const { UnknownValueError } = require("@pulumi/policy") as { UnknownValueError: new (...args: never[]) => Error };

/** A value that is not known before deploy. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export function isUnknownValueError(err: unknown): err is Error {
    return err instanceof UnknownValueError;
}

/** The value at `path` under `value`; undefined when absent, {@link UNKNOWN} when it (or a parent) is unknown. */
export function read(value: unknown, ...path: Array<string | number>): unknown {
    let current = value;
    for (const key of path) {
        if (current === UNKNOWN) return UNKNOWN;
        if (current === null || typeof current !== "object") return undefined;
        try {
            current = (current as Record<string | number, unknown>)[key];
        } catch (err) {
            if (isUnknownValueError(err)) return UNKNOWN;
            throw err;
        }
    }
    return current;
}

/** Whether `key` is present (its value may be unknown); never throws. */
export function has(value: unknown, key: string): boolean {
    return value !== null && typeof value === "object" && key in (value as object);
}

export function isKnown<T>(value: T | Unknown): value is T {
    return value !== UNKNOWN;
}

/** Whether a value was given: present and not empty (an unknown value is given). */
export function given(value: unknown): boolean {
    return value === UNKNOWN || (value !== undefined && value !== null && value !== "");
}

/** A string, {@link UNKNOWN}, or undefined for anything else. */
export function str(value: unknown): string | Unknown | undefined {
    if (value === UNKNOWN) return UNKNOWN;
    return typeof value === "string" ? value : undefined;
}

/** A number (numeric strings too, as the provider coerces them), {@link UNKNOWN}, or undefined. */
export function num(value: unknown): number | Unknown | undefined {
    if (value === UNKNOWN) return UNKNOWN;
    if (typeof value === "number") return value;
    if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
    return undefined;
}

/** The elements of an array (a single value counts as a one-element array), each read safely. */
export function items(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    if (value === UNKNOWN) return [UNKNOWN];
    if (!Array.isArray(value)) return [value];
    const out: unknown[] = [];
    const length = value.length;
    for (let i = 0; i < length; i++) out.push(read(value, i));
    return out;
}

/** An object's entries, each value read safely. */
export function entries(value: unknown): Array<[string, unknown]> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
    return Object.keys(value).map(k => [k, read(value, k)]);
}

/** A JSON document that may be given as a string or as an object. */
export function document(value: unknown): unknown {
    if (value === UNKNOWN || value === undefined || value === null) return value;
    if (typeof value === "string") {
        try {
            return JSON.parse(value) as unknown;
        } catch {
            return undefined;
        }
    }
    return value;
}

/** The tags a resource ends up with: its provider's `defaultTags`, then its own `tags`, then `tagsAll` when known. */
export function effectiveTags(props: unknown, providerProps: unknown): Map<string, unknown> {
    const tags = new Map<string, unknown>();
    const defaults = read(document(read(providerProps, "defaultTags")), "tags");
    const add = (source: unknown) => {
        if (source === UNKNOWN) return;
        for (const [k, v] of entries(document(source))) tags.set(k, v);
    };
    add(defaults);
    add(read(props, "tags"));
    const all = read(props, "tagsAll");
    if (all !== UNKNOWN) {
        for (const [k, v] of entries(all)) if (v !== UNKNOWN || !tags.has(k)) tags.set(k, v);
    }
    return tags;
}

/** Whether tags could be missing because a source of tags is unknown. */
export function tagSourcesUnknown(props: unknown, providerProps: unknown): boolean {
    return read(props, "tags") === UNKNOWN || read(providerProps, "defaultTags") === UNKNOWN ||
        read(document(read(providerProps, "defaultTags")), "tags") === UNKNOWN;
}

/** What a policy needs to know of a resource to name it in a message. */
export interface Subject {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
}

const PHYSICAL_NAME_KEYS = ["name", "bucket", "dashboardName"];

/** The resource's physical name when it is given and known. */
export function physicalName(subject: Subject): string | undefined {
    for (const key of PHYSICAL_NAME_KEYS) {
        const v = read(subject.props, key);
        if (typeof v === "string" && v !== "") return v;
        if (v !== undefined) return undefined;
    }
    return undefined;
}

/** `aws.lambda.Function "api-function" (cellular-dev-api)`: the logical name, and the physical one when known. */
export function describe(subject: Subject): string {
    const physical = subject.type.startsWith("pulumi:") ? undefined : physicalName(subject);
    return `${displayType(subject.type)} "${subject.name}"${physical && physical !== subject.name ? ` (${physical})` : ""}`;
}

/** The object form of a violation, which @pulumi/policy accepts at run time (its .d.ts only shows the string form). */
interface ViolationObject {
    message: string;
    urn?: string;
    enforcementLevel: "advisory";
}

/**
 * Reports violations of one policy, and what it could not decide during preview (as an advisory, worded like the
 * SDK's own "can't run policy ... during preview"), without letting one unknown value hide the other resources.
 */
export class Reporter {
    private readonly seen = new Set<string>();

    constructor(readonly policy: string, private readonly report: ReportViolation,
        /** Stack policies attribute violations to URNs; resource policies report on the resource analyzed. */
        private readonly stackLevel: boolean) {}

    violation(subject: { urn: string } | undefined, message: string): void {
        const key = `${subject?.urn ?? ""}\n${message}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        if (this.stackLevel && subject) this.report(message, subject.urn);
        else this.report(message);
    }

    /** `subject` cannot be judged before deploy: an advisory, whatever the policy's level. */
    undecided(subject: Subject, reason: string): void {
        const message = `can't run policy '${this.policy}' on ${describe(subject)} during preview: ${reason}`;
        const key = `${subject.urn}\n${message}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const violation: ViolationObject = { message, enforcementLevel: "advisory", ...(this.stackLevel ? { urn: subject.urn } : {}) };
        (this.report as unknown as (v: ViolationObject) => void)(violation);
    }

    /** Runs a check of one resource; an unknown value it had to read makes that resource undecided, not the policy. */
    guard(subject: Subject, check: () => void): void {
        try {
            check();
        } catch (err) {
            if (!isUnknownValueError(err)) throw err;
            this.undecided(subject, err.message);
        }
    }
}

/** `a, b and c`. */
export function list(values: readonly string[], conjunction = "and"): string {
    if (values.length <= 1) return values.join("");
    return `${values.slice(0, -1).join(", ")} ${conjunction} ${values[values.length - 1]}`;
}

/** `1 s`, `1.5 s`. */
export function seconds(value: number): string {
    return `${value} s`;
}
