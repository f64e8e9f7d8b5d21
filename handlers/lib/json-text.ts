/**
 * A client's JSON, kept as text: read without losing what `JSON.parse` loses, and written in one normal form, so
 * that the same document sent through any path (the API, a queue message, an ingested row) is stored as the same
 * text. Pure.
 *
 * - Numbers keep the digits they were written with (lossless-json's LosslessNumber): integers beyond 2^53,
 *   `1e-400`, `1.50` survive; `JSON.parse` would round, flush to 0 or drop the trailing zero.
 * - Keys are plain own keys whatever their name (`__proto__`, `constructor`): the parser defines them as
 *   properties instead of assigning through the prototype, and they are written back as keys.
 * - A key written twice keeps its last value (as `JSON.parse` does); keys keep the order they were written in.
 * - The normal form has no insignificant whitespace; strings are re-escaped as `JSON.stringify` escapes them.
 * - Nesting is bounded ({@link MAX_DEPTH}), checked before parsing: the parser is recursive, and a client's
 *   document must never be able to exhaust the stack.
 */
import { LosslessNumber, isLosslessNumber, parse, stringify } from "lossless-json";

/** Deepest nesting of objects and arrays accepted in a client's document. */
export const MAX_DEPTH = 256;

/** Why a text is not an acceptable JSON document: each names the problem, never the text. */
export const JSON_PROBLEMS = {
    notJson: "is not valid JSON",
    tooDeep: `nests objects and arrays deeper than ${MAX_DEPTH} levels`,
    notObject: "must be a JSON object",
} as const;

export type JsonProblem = keyof typeof JSON_PROBLEMS;

/** A JSON value as the lossless parser gives it: numbers as {@link LosslessNumber}. */
export type LosslessValue = null | boolean | string | LosslessNumber | LosslessValue[] | { [key: string]: LosslessValue };
export type LosslessObject = { [key: string]: LosslessValue };

export type JsonRead<T> = { ok: true; value: T } | { ok: false; problem: JsonProblem };

/** The deepest nesting of `[` and `{` outside strings, stopping early past `limit`. Any text, valid or not. */
export function nestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c) i++;
            else if (c === 0x22) inString = false;
        } else if (c === 0x22) {
            inString = true;
        } else if (c === 0x7b || c === 0x5b) {
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > limit) return deepest;
            }
        } else if (c === 0x7d || c === 0x5d) {
            depth--;
        }
    }
    return deepest;
}

/** Parses JSON text without loss; a problem instead of an exception for anything that is not acceptable. */
export function readJson(text: string): JsonRead<LosslessValue> {
    if (nestingDepth(text, MAX_DEPTH) > MAX_DEPTH) return { ok: false, problem: "tooDeep" };
    try {
        const value = parse(text, undefined, { onDuplicateKey: ({ newValue }) => newValue }) as LosslessValue;
        return { ok: true, value };
    } catch {
        return { ok: false, problem: "notJson" };
    }
}

export function isJsonObjectValue(value: unknown): value is LosslessObject {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** Parses text that must hold a JSON object. */
export function readJsonObject(text: string): JsonRead<LosslessObject> {
    const read = readJson(text);
    if (!read.ok) return read;
    return isJsonObjectValue(read.value) ? { ok: true, value: read.value } : { ok: false, problem: "notObject" };
}

/** The normal form of a parsed value (or of plain data: strings, booleans, arrays and objects of them). */
export function jsonText(value: LosslessValue | Record<string, string>): string {
    return stringify(value) as string;
}

/** The normal form of a JSON object given as text, or why it is not one. */
export function normaliseJsonObject(text: string): JsonRead<string> {
    const read = readJsonObject(text);
    return read.ok ? { ok: true, value: jsonText(read.value) } : read;
}
