/**
 * Validation of the customer items that event handlers write (queue-worker messages, ingest rows), and of the
 * records they read. Pure.
 *
 * An item input is `{ customerId, itemId, data? }`: ids follow the rules of lib/identifiers.ts, `data` is a JSON
 * object, read without loss and kept as normal-form text (lib/json-text.ts), as the cell API keeps it.
 *
 * Problems name the field and the rule, never the value: they are logged, and a value may be anything a producer
 * sent (a card number, an e-mail address in the place of an id).
 */
import { CUSTOMER_ID, ITEM_ID } from "./identifiers";
import { JSON_PROBLEMS, LosslessObject, isJsonObjectValue, jsonText, readJsonObject } from "./json-text";
import { LogSafeError } from "./log-safe";

/** A record that can never succeed as it is (bad JSON, missing or invalid fields): retrying it will not help. */
export class InvalidRecordError extends LogSafeError {
    constructor(readonly problems: readonly string[]) {
        super(problems.join("; "));
        this.name = "InvalidRecordError";
    }
}

export type JsonObject = Record<string, unknown>;

export interface ItemInput {
    customerId: string;
    itemId: string;
    /** The item's data: a JSON object as normal-form text. */
    data: string;
}

export function isJsonObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses JSON text with `JSON.parse`; a syntax error becomes an {@link InvalidRecordError} naming `what`. */
export function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new InvalidRecordError([`${what} ${JSON_PROBLEMS.notJson}`]);
    }
}

/** Parses text that must hold a JSON object, without loss; throws {@link InvalidRecordError} naming `what`. */
export function parseLosslessObject(text: string, what: string): LosslessObject {
    const read = readJsonObject(text);
    if (!read.ok) throw new InvalidRecordError([`${what} ${JSON_PROBLEMS[read.problem]}`]);
    return read.value;
}

/** Checks one id field and returns a problem, or `undefined` when it is fine. */
export function idProblem(value: unknown, field: string, pattern: RegExp): string | undefined {
    if (value === undefined || value === null) return `${field} is missing`;
    if (typeof value !== "string") return `${field} must be a string, got ${describeValue(value)}`;
    if (!pattern.test(value)) return `${field} does not match ${pattern.source}`;
    return undefined;
}

/** Collects every problem of an item input; empty when it is valid. */
export function itemProblems(value: LosslessObject | JsonObject): string[] {
    const problems: string[] = [];
    const customer = idProblem(value.customerId, "customerId", CUSTOMER_ID);
    if (customer) problems.push(customer);
    const item = idProblem(value.itemId, "itemId", ITEM_ID);
    if (item) problems.push(item);
    if (value.data !== undefined && !isJsonObjectValue(value.data)) problems.push("data must be a JSON object");
    return problems;
}

/** Validates an item input parsed without loss; throws {@link InvalidRecordError} listing every problem. */
export function toItemInput(value: LosslessObject): ItemInput {
    const problems = itemProblems(value);
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return {
        customerId: value.customerId as string,
        itemId: value.itemId as string,
        data: value.data === undefined ? "{}" : jsonText(value.data),
    };
}

/** The item as one JSON Lines row of an ingest file (what a refused row is kept as, to replay in its own cell). */
export function itemRowJson(item: ItemInput): string {
    return `{"customerId":${JSON.stringify(item.customerId)},"itemId":${JSON.stringify(item.itemId)},"data":${item.data}}`;
}

export function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object" && (value as { isLosslessNumber?: unknown }).isLosslessNumber === true) return "number";
    return typeof value;
}
