/**
 * Reads a stack's configuration the way the Pulumi CLI hands it to a program: from `Pulumi.<stack>.yaml` (in the
 * project's `stackConfigDir`), merged with the project's own `config:` block, keys namespaced by project
 * (`cells` means `cellular:cells`), every value a string and objects/lists JSON-encoded as Go encodes them (sorted
 * keys) — the form `pulumi.runtime.allConfig()` returns.
 *
 * Secrets cannot be decrypted offline: a `secure:` value, at the top or nested anywhere in an object, is passed as
 * "[secret]" and its key is a secret key, as the CLI marks a key whose value holds any secret
 * (sdk/go/common/resource/config `object.Secure`).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ProjectError, readProject } from "./project";

export interface StackConfig {
    project: string;
    stack: string;
    /** `"<namespace>:<key>" -> string` as the Pulumi CLI passes it in PULUMI_CONFIG. */
    config: Record<string, string>;
    /** Keys whose values hold Pulumi secrets; they cannot be decrypted offline and are passed as "[secret]". */
    secretKeys: string[];
}

/** What a secret value is passed as offline. */
export const SECRET_VALUE = "[secret]";

export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

function project(dir: string) {
    try {
        return readProject(dir);
    } catch (err) {
        if (err instanceof ProjectError) throw new StackConfigError(err.message);
        throw err;
    }
}

export function readProjectName(dir: string): string {
    return project(dir).name;
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project's stack config directory. */
export function listStacks(dir: string): string[] {
    const configDir = project(dir).stackConfigDir;
    if (!fs.existsSync(configDir)) return [];
    return fs.readdirSync(configDir)
        .map(f => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

function stackFile(configDir: string, stack: string): string | undefined {
    // A stack name such as org/project/dev names its file by its last part.
    const base = stack.split("/").pop()!;
    return [`Pulumi.${base}.yaml`, `Pulumi.${base}.yml`].map(f => path.join(configDir, f)).find(f => fs.existsSync(f));
}

export function readStackConfig(dir: string, stack: string): StackConfig {
    const proj = project(dir);
    const file = stackFile(proj.stackConfigDir, stack);
    if (!file) {
        const known = listStacks(dir);
        throw new StackConfigError(`no stack ${JSON.stringify(stack)}: ${path.join(proj.stackConfigDir, `Pulumi.${stack}.yaml`)} does not exist` +
            (known.length ? `; stacks here: ${known.join(", ")}` : ""));
    }
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return { project: proj.name, stack, ...mergeProjectConfig(proj.name, stack, encodeConfig(proj.name, doc.config ?? {}), proj.config) };
}

/**
 * A program's stack config when it may have no stack file: its `Pulumi.<stack>.yaml` if there is one, else only the
 * project's config (as `pulumi stack init` leaves a new stack).
 */
export function programStackConfig(dir: string, stack: string): StackConfig {
    const proj = project(dir);
    if (stackFile(proj.stackConfigDir, stack)) return readStackConfig(dir, stack);
    return { project: proj.name, stack, ...mergeProjectConfig(proj.name, stack, { config: {}, secretKeys: [] }, proj.config) };
}

function isSecure(value: unknown): value is { secure: unknown } {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** A value with every nested secure value replaced by {@link SECRET_VALUE}; `found` says whether there was one. */
function withoutSecrets(value: unknown, found: { secret: boolean }): unknown {
    if (isSecure(value)) {
        found.secret = true;
        return SECRET_VALUE;
    }
    if (Array.isArray(value)) return value.map(v => withoutSecrets(v, found));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v, found)]));
    }
    return value;
}

/** JSON as Go's encoding/json writes it: object keys sorted, `<`, `>` and `&` escaped. */
export function goJson(value: unknown): string {
    const sorted = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sorted);
        if (v !== null && typeof v === "object") {
            return Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted((v as Record<string, unknown>)[k])]));
        }
        return v;
    };
    return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function fullKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Encodes a `config:` block (as parsed from YAML) the way the CLI does. */
export function encodeConfig(project: string, values: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const full = fullKey(project, key);
        const found = { secret: false };
        const plain = withoutSecrets(value, found);
        if (found.secret) secretKeys.push(full);
        config[full] = typeof plain === "string" ? plain : plain !== null && typeof plain === "object" ? goJson(plain) : String(plain);
    }
    return { config, secretKeys };
}

/**
 * The project's `config:` block applied as the CLI applies it (pkg/workspace/config.go `mergeConfig`): a key the stack
 * does not set takes the project's `value` or `default`; a short-hand `key: value` is a default for a key of the
 * project's namespace and a value for another namespace's; a key of the project's namespace with neither, that the
 * stack does not set, is an error.
 */
export function mergeProjectConfig(project: string, stack: string, stackConfig: { config: Record<string, string>; secretKeys: string[] },
    projectConfig: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
    const config = { ...stackConfig.config };
    const secretKeys = [...stackConfig.secretKeys];
    const missing: string[] = [];
    for (const key of Object.keys(projectConfig).sort()) {
        const full = fullKey(project, key);
        if (full in config) continue;
        const entry = projectConfig[key];
        const typed = entry !== null && typeof entry === "object" && !Array.isArray(entry) ? entry as Record<string, unknown> : undefined;
        const value = typed ? typed.default ?? typed.value : entry;
        if (value === undefined || value === null) {
            if (full.startsWith(`${project}:`)) missing.push(key);
            continue;
        }
        const encoded = encodeConfig(project, { [full]: value });
        config[full] = encoded.config[full]!;
        secretKeys.push(...encoded.secretKeys);
    }
    if (missing.length > 0) {
        const keys = missing.length === 1 ? `'${missing[0]}'`
            : `${missing.slice(0, -1).map(k => `'${k}'`).join(", ")} and '${missing[missing.length - 1]}'`;
        throw new StackConfigError(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${keys}`);
    }
    return { config, secretKeys };
}
