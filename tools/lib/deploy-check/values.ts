/**
 * Reading captured inputs as the engine registered them: unknowns are Pulumi's sentinel string (anywhere in a
 * value, during preview), secrets are wrapped in a signature object. Pure: no Pulumi import, so the engine's wire
 * constants are repeated here, and tests/tools/deploy-check/values.test.ts checks that they agree with the capture's.
 */

/** The string the engine sends for a value that is not known yet (tools/lib/capture.ts UNKNOWN). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key of Pulumi's special objects (secrets, assets, archives, resource references). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;

function isObject(value: unknown): value is Props {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSecret(value: unknown): value is Props {
    return isObject(value) && value[SIG_KEY] === SECRET_SIG;
}

function hasSecret(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasSecret);
    if (!isObject(value)) return false;
    return isSecret(value) || (!(SIG_KEY in value) && Object.values(value).some(hasSecret));
}

/** A secret's value, unwrapped (at every level); any other value as it is (the same object when it holds no secret). */
export function plain(value: unknown): unknown {
    if (!hasSecret(value)) return value;
    if (isSecret(value)) return plain(value.value);
    if (Array.isArray(value)) return value.map(plain);
    return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [k, plain(v)]));
}

/** True when the value, or anything inside it, is not known yet. */
export function hasUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (isObject(value)) return Object.values(value).some(hasUnknown);
    return false;
}

/** Set and fully known. */
export function known(value: unknown): boolean {
    return value !== undefined && value !== null && !hasUnknown(value);
}

/**
 * The value at a dotted path of inputs (`loggingConfig.logGroup`, `settings.throttlingRateLimit`), secrets
 * unwrapped; undefined when any step is missing.
 */
export function at(inputs: Props, path: string): unknown {
    let current: unknown = inputs;
    for (const key of path.split(".")) {
        while (isSecret(current)) current = current.value;
        if (!isObject(current)) return undefined;
        current = current[key];
    }
    return plain(current);
}

/** An object input (or {} when it is not one). */
export function obj(value: unknown): Props {
    const v = plain(value);
    return isObject(v) ? v : {};
}

/** An array input (or [] when it is not one). */
export function list(value: unknown): unknown[] {
    const v = plain(value);
    return Array.isArray(v) ? v : [];
}

/** A value as a message shows it: strings quoted, lists and objects as JSON (long ones shortened), numbers as they are. */
export function show(value: unknown): string {
    if (value === undefined) return "not set";
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A JSON string input parsed, or undefined when it is not valid JSON. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

/** UTF-8 bytes of a string. */
export function bytes(text: string): number {
    return Buffer.byteLength(text, "utf8");
}

/** Characters IAM counts in a policy document: everything but white space. */
export function iamLength(document: string): number {
    return document.replace(/\s/g, "").length;
}
