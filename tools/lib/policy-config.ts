/**
 * Policy pack configuration, reconciled as the Pulumi CLI does (pkg/resource/analyzer/config.go):
 *
 * 1. every policy starts from its level and the `default`s of its config schema (GetAnalyzerInfo);
 * 2. the pack's initial config, then the `--policy-pack-config` file, are applied on top: `"all"` sets every
 *    policy's level, `"<policy>": "<level>"` one policy's level, `"<policy>": {"enforcementLevel": ..., ...props}`
 *    its level and properties;
 * 3. the result is validated against each policy's schema.
 *
 * Beyond the CLI, a policy name or a property the pack does not have is an error (the CLI ignores it, so a typo
 * silently changes nothing). Every problem is reported at once.
 */
import * as fs from "fs";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A JSON schema, as far as policy config schemas use it. */
export interface JsonSchema {
    type?: string | string[];
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    exclusiveMaximum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    items?: JsonSchema;
    minItems?: number;
    maxItems?: number;
    uniqueItems?: boolean;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    default?: unknown;
    description?: string;
}

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, JsonSchema>; required: string[] };
}

export interface PolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** One policy's entry of a config file, parsed. */
export interface GivenPolicyConfig {
    enforcementLevel?: EnforcementLevel;
    properties: Record<string, unknown>;
}

export class PolicyConfigError extends Error {
    constructor(readonly source: string, readonly problems: string[]) {
        super(`the policy pack config ${source} is invalid:\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "PolicyConfigError";
    }
}

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Parses a config in the CLI's JSON format (an object, or its JSON text); `source` names it in errors. */
export function parsePolicyPackConfig(input: unknown, source = "given"): Record<string, GivenPolicyConfig> {
    let value = input;
    if (typeof input === "string") {
        if (input.trim() === "") return {};
        try {
            value = JSON.parse(input) as unknown;
        } catch (err) {
            throw new PolicyConfigError(source, [`it is not valid JSON: ${(err as Error).message}`]);
        }
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new PolicyConfigError(source, ["it must be a JSON object whose keys are policy names (or \"all\")"]);
    }
    const problems: string[] = [];
    const out: Record<string, GivenPolicyConfig> = {};
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        if (typeof entry === "string") {
            if (!isLevel(entry)) {
                problems.push(`parsing enforcement level for "${name}": "${entry}" is not a valid enforcement level; use one of ${ENFORCEMENT_LEVELS.join(", ")}`);
                continue;
            }
            out[name] = { enforcementLevel: entry, properties: {} };
        } else if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
            const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
                problems.push(`parsing enforcement level for "${name}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; ` +
                    `use one of ${ENFORCEMENT_LEVELS.join(", ")}`);
                continue;
            }
            out[name] = { ...(enforcementLevel === undefined ? {} : { enforcementLevel }), properties };
        } else {
            problems.push(`parsing "${name}": ${JSON.stringify(entry)} is not a valid value; must be a string or object`);
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(source, problems);
    return out;
}

/** Reads a `--policy-pack-config` file and checks its form (the pack's schemas are checked on reconciling). */
export function readPolicyPackConfigFile(file: string): string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new PolicyConfigError(file, [`it cannot be read: ${(err as Error).message}`]);
    }
    parsePolicyPackConfig(text, file);
    return text;
}

function jsonType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
    const actual = jsonType(value);
    return expected === actual || (expected === "number" && actual === "integer");
}

/** Validates `value` against `schema`, with messages in the words of gojsonschema (the CLI's validator). */
export function validateSchema(schema: JsonSchema, value: unknown, path: string): string[] {
    const at = (p: string, message: string) => `${p}: ${message}`;
    const problems: string[] = [];
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        if (!types.some(t => typeMatches(t, value))) {
            return [at(path, `Invalid type. Expected: ${types.join(", ")}, given: ${jsonType(value)}`)];
        }
    }
    if (schema.enum && !schema.enum.some(e => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(at(path, `${path} must be one of the following: ${schema.enum.map(e => JSON.stringify(e)).join(", ")}`));
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(at(path, `Must be greater than or equal to ${schema.minimum}`));
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(at(path, `Must be less than or equal to ${schema.maximum}`));
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) problems.push(at(path, `Must be greater than ${schema.exclusiveMinimum}`));
        if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) problems.push(at(path, `Must be less than ${schema.exclusiveMaximum}`));
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(at(path, `String length must be greater than or equal to ${schema.minLength}`));
        if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(at(path, `String length must be less than or equal to ${schema.maxLength}`));
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) problems.push(at(path, `Does not match pattern '${schema.pattern}'`));
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(at(path, `Array must have at least ${schema.minItems} items`));
        if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(at(path, `Array must have at most ${schema.maxItems} items`));
        if (schema.uniqueItems) {
            const seen = new Map<string, number>();
            value.forEach((v, i) => {
                const key = JSON.stringify(v);
                const first = seen.get(key);
                if (first !== undefined) problems.push(at(path, `array items[${first},${i}] must be unique`));
                else seen.set(key, i);
            });
        }
        if (schema.items) value.forEach((v, i) => problems.push(...validateSchema(schema.items!, v, `${path}.${i}`)));
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        for (const r of schema.required ?? []) if (!(r in obj)) problems.push(at(path, `${r} is required`));
        for (const [k, s] of Object.entries(schema.properties ?? {})) {
            if (k in obj) problems.push(...validateSchema(s, obj[k], path ? `${path}.${k}` : k));
        }
    }
    return problems;
}

function defaultsOf(policies: readonly PolicyInfo[]): Record<string, PolicyConfig> {
    const result: Record<string, PolicyConfig> = {};
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) properties[k] = structuredClone(schema.default);
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    return result;
}

function apply(result: Record<string, PolicyConfig>, given: Record<string, GivenPolicyConfig>): void {
    const all = given.all?.enforcementLevel;
    if (all) for (const k of Object.keys(result)) result[k] = { ...result[k]!, enforcementLevel: all };
    for (const [name, config] of Object.entries(given)) {
        const current = result[name] ?? { enforcementLevel: config.enforcementLevel ?? "advisory", properties: {} };
        result[name] = {
            enforcementLevel: config.enforcementLevel ?? current.enforcementLevel,
            properties: { ...current.properties, ...config.properties },
        };
    }
}

/**
 * The config to send with Configure: defaults, then `initial` (the pack's own), then `given` (the file),
 * validated. Throws PolicyConfigError listing every problem.
 */
export function reconcilePolicyConfig(policies: readonly PolicyInfo[], packName: string,
    given: Record<string, GivenPolicyConfig> = {}, initial: Record<string, GivenPolicyConfig> = {},
    source = "given"): Record<string, PolicyConfig> {
    const problems: string[] = [];
    const known = new Map(policies.map(p => [p.name, p]));
    for (const [name, config] of Object.entries(given)) {
        if (name === "all") {
            if (Object.keys(config.properties).length > 0) problems.push("\"all\" takes only an enforcement level");
            continue;
        }
        const policy = known.get(name);
        if (!policy) {
            problems.push(`"${name}" is not a policy of ${packName}; its policies are: ${[...known.keys()].sort().join(", ")}`);
            continue;
        }
        const props = Object.keys(policy.configSchema?.properties ?? {});
        for (const k of Object.keys(config.properties)) {
            if (!props.includes(k)) {
                problems.push(`${name}: ${k} is not a property of this policy (${props.length ? `it has: ${props.join(", ")}` : "it has none"})`);
            }
        }
    }
    const result = defaultsOf(policies);
    apply(result, initial);
    apply(result, given);
    for (const policy of policies) {
        if (!policy.configSchema) continue;
        const schema: JsonSchema = { type: "object", properties: policy.configSchema.properties, required: policy.configSchema.required };
        for (const p of validateSchema(schema, result[policy.name]!.properties, "")) problems.push(`${policy.name}: ${p.replace(/^: /, "")}`);
    }
    if (problems.length > 0) throw new PolicyConfigError(source, problems);
    return result;
}
