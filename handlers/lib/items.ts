/**
 * The one model of a customer's item, whoever writes it (the cell API, the queue worker, ingest): how it is
 * stored, what its entity tag is, and what a client's preconditions on it mean. Pure; the writes themselves are
 * in clients/item-store.ts.
 *
 * Stored (`CUSTOMER#<customerId>` / `ITEM#<itemId>`): `data`, the client's JSON object as text in the normal
 * form of lib/json-text.ts; `version`, 1 on creation and +1 per write; `incarnation`, a random token drawn when
 * the item is created and kept by every later write, so a deleted and re-created item never has an entity tag it
 * had before; `createdAt`, kept; `updatedAt`, set by every write; `writtenBy`, the write that made this version.
 *
 * Entity tags are strong: `"<version>.<incarnation>"`. Preconditions follow RFC 9110 section 13: `If-Match` (`*`
 * or a list) compares strongly, so a weak tag never matches and a write with only weak tags fails (412);
 * `If-None-Match` (`*` or a list) compares weakly; `If-Match` is evaluated first. A failed `If-None-Match` on GET
 * or HEAD is 304 Not Modified, on any other method 412.
 */
import { randomBytes } from "node:crypto";
import { ITEM_PREFIX } from "./table";

/** A customer's item as the table holds it. */
export interface ItemRecord {
    customerId: string;
    itemId: string;
    /** The client's JSON object, as text in normal form. */
    data: string;
    version: number;
    incarnation: string;
    createdAt: string;
    updatedAt: string;
    writtenBy?: string;
}

/** The attribute names of an item row (the key attributes are those of lib/table.ts). */
export const ITEM_ATTRIBUTES = {
    customerId: "customerId",
    itemId: "itemId",
    data: "data",
    version: "version",
    incarnation: "incarnation",
    createdAt: "createdAt",
    updatedAt: "updatedAt",
    writtenBy: "writtenBy",
} as const;

const INCARNATION = /^[A-Za-z0-9_-]{1,32}$/;

/** A fresh incarnation token: 72 random bits, base64url (valid inside an entity tag). */
export function newIncarnation(): string {
    return randomBytes(9).toString("base64url");
}

export function isItemRecord(value: unknown): value is ItemRecord {
    const v = value as Partial<ItemRecord> | undefined;
    return typeof v === "object" && v !== null && typeof v.itemId === "string" && typeof v.customerId === "string"
        && typeof v.data === "string" && typeof v.version === "number" && Number.isSafeInteger(v.version) && v.version >= 1
        && typeof v.incarnation === "string" && INCARNATION.test(v.incarnation)
        && typeof v.createdAt === "string" && typeof v.updatedAt === "string";
}

/** The item's strong entity tag, as the `ETag` header carries it. */
export function etagOf(item: Pick<ItemRecord, "version" | "incarnation">): string {
    return `"${item.version}.${item.incarnation}"`;
}

/**
 * The item as the API returns it. The stored JSON text is spliced in as is: it was normalised on the way in, and
 * not parsing it again means reading costs nothing per nesting level.
 */
export function itemJson(item: ItemRecord): string {
    return `{"id":${JSON.stringify(item.itemId)},"version":${item.version},"createdAt":${JSON.stringify(item.createdAt)},` +
        `"updatedAt":${JSON.stringify(item.updatedAt)},"data":${item.data}}`;
}

/** The item id of an item row's sort key, or `undefined` for another kind of row. */
export function itemIdOfSortKey(sk: unknown): string | undefined {
    return typeof sk === "string" && sk.startsWith(ITEM_PREFIX) ? sk.slice(ITEM_PREFIX.length) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Preconditions (RFC 9110 section 13)
// ---------------------------------------------------------------------------------------------------------------

export interface EntityTag {
    weak: boolean;
    /** The opaque tag without its quotes. */
    opaque: string;
}

/** `*`, or a list of entity tags. */
export type TagList = { any: true } | { any: false; tags: EntityTag[] };

export interface Preconditions {
    ifMatch?: TagList;
    ifNoneMatch?: TagList;
}

/** Entity tags accepted in one header (a longer list is refused as malformed: it would make the condition huge). */
export const MAX_LISTED_TAGS = 16;

export const PRECONDITION_MESSAGES = {
    ifMatch: `If-Match must be * or a list of up to ${MAX_LISTED_TAGS} entity tags, such as "3.Xy7_k2Lq0aBc"`,
    ifNoneMatch: `If-None-Match must be * or a list of up to ${MAX_LISTED_TAGS} entity tags, such as "3.Xy7_k2Lq0aBc"`,
} as const;

/** RFC 9110 `etagc`: visible ASCII except the double quote, and obs-text. */
const ETAGC = /^[\x21\x23-\x7e\x80-\xff]*$/;

/** `If-Match` / `If-None-Match`: `*` or `#entity-tag` (empty list elements ignored); `undefined` when malformed. */
export function parseTagList(header: string): TagList | undefined {
    const value = header.trim();
    if (value === "*") return { any: true };
    const tags: EntityTag[] = [];
    let i = 0;
    const skip = () => { while (i < value.length && (value[i] === " " || value[i] === "\t" || value[i] === ",")) i++; };
    skip();
    while (i < value.length) {
        const weak = value.startsWith("W/", i);
        if (weak) i += 2;
        if (value[i] !== "\"") return undefined;
        const end = value.indexOf("\"", i + 1);
        if (end < 0) return undefined;
        const opaque = value.slice(i + 1, end);
        if (!ETAGC.test(opaque)) return undefined;
        tags.push({ weak, opaque });
        i = end + 1;
        const before = i;
        skip();
        // Tags are separated by a comma, not merely by space.
        if (i < value.length && !value.slice(before, i).includes(",")) return undefined;
    }
    if (tags.length === 0 || tags.length > MAX_LISTED_TAGS) return undefined;
    return { any: false, tags };
}

/** Both headers read; a malformed one is named. */
export function parsePreconditions(headers: Readonly<Record<string, string>>): { ok: true; preconditions: Preconditions } | { ok: false; message: string } {
    const preconditions: Preconditions = {};
    const ifMatch = headers["if-match"];
    if (ifMatch !== undefined) {
        const list = parseTagList(ifMatch);
        if (list === undefined) return { ok: false, message: PRECONDITION_MESSAGES.ifMatch };
        preconditions.ifMatch = list;
    }
    const ifNoneMatch = headers["if-none-match"];
    if (ifNoneMatch !== undefined) {
        const list = parseTagList(ifNoneMatch);
        if (list === undefined) return { ok: false, message: PRECONDITION_MESSAGES.ifNoneMatch };
        preconditions.ifNoneMatch = list;
    }
    return { ok: true, preconditions };
}

export function hasPreconditions(p: Preconditions): boolean {
    return p.ifMatch !== undefined || p.ifNoneMatch !== undefined;
}

/** An item's version and incarnation, read from an opaque tag this API issued; `undefined` for any other tag. */
export function itemTag(opaque: string): { version: number; incarnation: string } | undefined {
    const m = /^([1-9][0-9]{0,14})\.([A-Za-z0-9_-]{1,32})$/.exec(opaque);
    return m ? { version: Number(m[1]), incarnation: m[2]! } : undefined;
}

/** Which precondition failed against the item's current state (`undefined` for none: the request proceeds). */
export function failedPrecondition(p: Preconditions, current: Pick<ItemRecord, "version" | "incarnation"> | undefined): "if-match" | "if-none-match" | undefined {
    const opaque = current === undefined ? undefined : etagOf(current).slice(1, -1);
    if (p.ifMatch !== undefined) {
        const holds = p.ifMatch.any ? current !== undefined : p.ifMatch.tags.some(t => !t.weak && t.opaque === opaque);
        if (!holds) return "if-match";
    }
    if (p.ifNoneMatch !== undefined) {
        const matches = p.ifNoneMatch.any ? current !== undefined : p.ifNoneMatch.tags.some(t => t.opaque === opaque);
        if (matches) return "if-none-match";
    }
    return undefined;
}

/** A DynamoDB condition (expression, names, values) over an item row. */
export interface Condition {
    expression: string;
    names: Record<string, string>;
    values: Record<string, string | number>;
}

/**
 * The preconditions as a condition on the item row, so that checking them and writing are one atomic request.
 * `false` when they can never hold (an `If-Match` naming only tags that cannot be the item's), `undefined` when
 * there is nothing to check.
 */
export function preconditionCondition(p: Preconditions): Condition | false | undefined {
    const names: Record<string, string> = {};
    const values: Record<string, string | number> = {};
    const parts: string[] = [];
    let n = 0;
    /** `(version = v AND incarnation = i) OR ...` for the tags that can name an item; undefined when none can. */
    const anyOf = (tags: readonly EntityTag[], strong: boolean): string | undefined => {
        const named = tags.filter(t => !(strong && t.weak)).map(t => itemTag(t.opaque)).filter(t => t !== undefined);
        if (named.length === 0) return undefined;
        names["#version"] = ITEM_ATTRIBUTES.version;
        names["#incarnation"] = ITEM_ATTRIBUTES.incarnation;
        const each = named.map(t => {
            const k = n++;
            values[`:v${k}`] = t.version;
            values[`:i${k}`] = t.incarnation;
            return `(#version = :v${k} AND #incarnation = :i${k})`;
        });
        // DynamoDB refuses redundant parentheses: only a list of several is wrapped.
        return each.length === 1 ? each[0] : `(${each.join(" OR ")})`;
    };
    if (p.ifMatch !== undefined) {
        if (p.ifMatch.any) {
            parts.push("attribute_exists(pk)");
        } else {
            const match = anyOf(p.ifMatch.tags, true);
            if (match === undefined) return false;
            parts.push(match);
        }
    }
    if (p.ifNoneMatch !== undefined) {
        if (p.ifNoneMatch.any) {
            parts.push("attribute_not_exists(pk)");
        } else {
            const match = anyOf(p.ifNoneMatch.tags, false);
            if (match !== undefined) parts.push(`(attribute_not_exists(pk) OR NOT ${match})`);
        }
    }
    return parts.length === 0 ? undefined : { expression: parts.join(" AND "), names, values };
}
