/**
 * Resource properties in the form the engine sends them to an analyzer.
 *
 * The capture holds properties as the language SDK registered them (protobuf-struct JSON with special signatures).
 * The engine unmarshals them and marshals them again for `Analyze`/`AnalyzeStack` with `KeepUnknowns`,
 * `KeepSecrets` and `SkipInternalKeys`, but without `KeepResources` (sdk/go/common/resource/plugin/rpc.go):
 *
 * - unknowns stay the unknown sentinel;
 * - secrets stay `{sig: secret, value}` (the policy SDK unwraps them into plain values);
 * - a resource reference becomes its id (a custom resource; unknown while it is not created) or its URN;
 * - an output value becomes its value (a secret when it is one), or unknown;
 * - assets and archives keep their signature and their `path`/`text`/`uri`/`assets`;
 * - keys starting with `__` (the SDK's and providers' internal keys) are dropped, at every level.
 */
import { UNKNOWN } from "./captured";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/** The engine's sentinels for unknown values of other types (the SDK only ever sends the string one). */
const UNKNOWN_SENTINELS = new Set([
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function secret(value: Json): Json {
    return { [SIG_KEY]: SECRET_SIG, value };
}

function convertValue(value: unknown): Json | undefined {
    if (value === undefined) return undefined;
    if (value === null || typeof value === "boolean" || typeof value === "number") return value;
    if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    if (Array.isArray(value)) return value.map(v => convertValue(v) ?? null);
    if (typeof value !== "object") return String(value);
    const obj = value as Record<string, unknown>;
    switch (obj[SIG_KEY]) {
        case SECRET_SIG: {
            const inner = convertValue(obj.value);
            return secret(inner === undefined ? null : inner);
        }
        case RESOURCE_SIG: {
            if ("id" in obj) {
                const id = obj.id;
                return typeof id === "string" && id !== "" && !UNKNOWN_SENTINELS.has(id) ? id : UNKNOWN;
            }
            return String(obj.urn);
        }
        case OUTPUT_VALUE_SIG: {
            if (!("value" in obj)) return UNKNOWN;
            const inner = convertValue(obj.value);
            const plain = inner === undefined ? null : inner;
            return obj.secret === true ? secret(plain) : plain;
        }
        case ASSET_SIG:
        case ARCHIVE_SIG: {
            const out: Record<string, Json> = { [SIG_KEY]: obj[SIG_KEY] as string };
            for (const key of ["path", "text", "uri", "hash"]) if (typeof obj[key] === "string") out[key] = obj[key] as string;
            if (obj.assets && typeof obj.assets === "object") {
                out.assets = Object.fromEntries(Object.entries(obj.assets as Record<string, unknown>)
                    .map(([k, v]) => [k, convertValue(v) ?? null]));
            }
            return out;
        }
        default:
            return convertProperties(obj);
    }
}

/** A property map as the engine marshals it for an analyzer. */
export function convertProperties(props: Record<string, unknown>): { [key: string]: Json } {
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(props)) {
        if (key.startsWith("__")) continue;
        const converted = convertValue(value);
        if (converted !== undefined) out[key] = converted;
    }
    return out;
}
