/**
 * Validation of the customer items that event handlers write (queue-worker messages, ingest rows). Pure.
 *
 * An item input is `{ customerId, itemId, data? }`: ids follow the rules of lib/identifiers.ts, `data` is a JSON
 * object stored as the item's `data` map.
 */

import { CUSTOMER_ID, ITEM_ID } from "./identifiers";

/** A record that can never succeed as it is (bad JSON, missing or invalid fields): retrying it will not help. */
export class InvalidRecordError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(problems.join("; "));
        this.name = "InvalidRecordError";
    }
}

export type JsonObject = Record<string, unknown>;

export interface ItemInput {
    customerId: string;
    itemId: string;
    data: JsonObject;
}

export function isJsonObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses JSON text; a syntax error becomes an {@link InvalidRecordError} naming `what`. */
export function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch (err) {
        throw new InvalidRecordError([`${what} is not JSON (${(err as Error).message})`]);
    }
}

/** Checks one id field and returns a problem, or `undefined` when it is fine. */
export function idProblem(value: unknown, field: string, pattern: RegExp): string | undefined {
    if (value === undefined || value === null) return `${field} is missing`;
    if (typeof value !== "string") return `${field} must be a string, got ${typeof value}`;
    if (!pattern.test(value)) return `${field} ${JSON.stringify(value.slice(0, 80))} does not match ${pattern.source}`;
    return undefined;
}

/** Collects every problem of an item input; empty when it is valid. */
export function itemProblems(value: JsonObject): string[] {
    const problems: string[] = [];
    const customer = idProblem(value.customerId, "customerId", CUSTOMER_ID);
    if (customer) problems.push(customer);
    const item = idProblem(value.itemId, "itemId", ITEM_ID);
    if (item) problems.push(item);
    if (value.data !== undefined && !isJsonObject(value.data)) problems.push("data must be a JSON object");
    return problems;
}

/** Validates an item input; throws {@link InvalidRecordError} listing every problem. */
export function toItemInput(value: unknown): ItemInput {
    if (!isJsonObject(value)) throw new InvalidRecordError([`expected a JSON object, got ${describeValue(value)}`]);
    const problems = itemProblems(value);
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return {
        customerId: value.customerId as string,
        itemId: value.itemId as string,
        data: (value.data as JsonObject | undefined) ?? {},
    };
}

export function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    return typeof value;
}
