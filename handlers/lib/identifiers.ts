/**
 * The identifier rules and well-known names that the handlers, the program, the config validation and the tools
 * share: each is written here once. Pure (no imports), so a handler bundle can include it.
 */

/** Customer ids: the partition key, the routing key and a path segment of every API route. */
export const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const CUSTOMER_ID_RULE = "customer ids are 1-64 letters, digits, _ . - and start with a letter or digit";

/** Item ids, unique within one customer. */
export const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const ITEM_ID_RULE = "item ids are 1-128 letters, digits, _ . - and start with a letter or digit";

export function isValidCustomerId(value: unknown): value is string {
    return typeof value === "string" && CUSTOMER_ID.test(value);
}

export function isValidItemId(value: unknown): value is string {
    return typeof value === "string" && ITEM_ID.test(value);
}

/**
 * The alias callers invoke: it points at the published version, and provisioned concurrency lives on it. The router
 * invokes `<cell api function>:live`.
 */
export const LIVE_ALIAS = "live";
