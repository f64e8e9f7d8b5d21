/**
 * A cell's API: CRUD on the customer's items in the cell's table (keys in lib/table.ts).
 *
 *   GET    /customers/{customerId}/items?limit=&next=   list, in item id order, paginated
 *   GET    /customers/{customerId}/items/{itemId}       one item (404 when missing)
 *   PUT    /customers/{customerId}/items/{itemId}       create or replace; body a JSON object; If-Match: "<version>"
 *   DELETE /customers/{customerId}/items/{itemId}       404 when missing; If-Match: "<version>"
 *
 * Items carry a version (1 on creation, +1 per write) returned as the ETag. Client mistakes are 4xx with
 * `{ "error": "..." }`; anything unexpected is logged with the cell id and request ids and answers 500 without
 * details. Invoked by the router (payload 2.0) or, in redirect mode, through the cell's own API (either format).
 *
 * Who may: the tenant of the verified token (lib/tenant.ts), and only for its own customer id (403 otherwise, 401
 * without a verified token); a tenant another cell owns gets 421 (lib/ownership.ts). Every table call uses the
 * tenant's own credentials (clients/tenant-tables.ts): IAM limits them to the tenant's partition.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { ApiEvent, ApiRequest, ApiResult, HttpResponse, INTERNAL_ERROR, apiHandler, errorResponse } from "./lib/http";
import { DocumentClient, TenantTables, deployedTenantTables } from "./clients/tenant-tables";
import { CUSTOMER_ID_RULE, ITEM_ID_RULE, isValidCustomerId, isValidItemId } from "./lib/identifiers";
import { Ownership, loadOwnership, ownsNoOne } from "./lib/ownership";
import { ENV, ITEM_PREFIX, keys } from "./lib/table";
import { TENANT_CLAIM_ENV, TENANT_TAG, forbidden, misdirected, tenantOf, unauthenticated } from "./lib/tenant";

/** Largest accepted PUT body, in bytes (after base64 decoding). */
export const MAX_BODY_BYTES = 64 * 1024;
export const LIST_LIMIT = { default: 25, max: 100 } as const;

export const MESSAGES = {
    notFound: "not found",
    itemNotFound: "item not found",
    methodNotAllowed: "method not allowed",
    badCustomerId: `invalid customer id: ${CUSTOMER_ID_RULE}`,
    badItemId: `invalid item id: ${ITEM_ID_RULE}`,
    badLimit: `limit must be an integer from 1 to ${LIST_LIMIT.max}`,
    badNext: "invalid next token",
    badIfMatch: "If-Match must be an item version in quotes, such as \"3\", or *",
    versionMismatch: "version mismatch: the item has changed",
    unsupportedMediaType: "the body must be sent as application/json",
    badBase64: "the body is not valid base64",
    badUtf8: "the body is not valid UTF-8",
    badJson: "the body is not valid JSON",
    notAnObject: "the body must be a JSON object",
    tooLarge: `the body is larger than ${MAX_BODY_BYTES} bytes`,
    internal: INTERNAL_ERROR,
} as const;

export interface CellApiOptions {
    cellId: string | undefined;
    tableName: string | undefined;
    /** The token claim that names the tenant. */
    tenantClaim: string;
    /** Which customers this cell serves. */
    ownership: Ownership;
    /** A client per tenant, limited by IAM to that tenant's items. */
    tables: TenantTables;
    logger: Logger;
}

export type CellApiHandler = (event: ApiEvent, context?: Context) => Promise<ApiResult>;

/** A stored item as DynamoDB holds it. `data` is the client's JSON text, kept verbatim. */
interface ItemRecord {
    itemId: string;
    data: string;
    version: number;
    createdAt: string;
    updatedAt: string;
}

/**
 * The item as the API returns it. The stored JSON text is spliced in as is: it was validated on the way in, and
 * not re-parsing it means no nesting depth of a client's document can exhaust the stack here.
 */
function itemJson(item: ItemRecord): string {
    return `{"id":${JSON.stringify(item.itemId)},"version":${item.version},"createdAt":${JSON.stringify(item.createdAt)},` +
        `"updatedAt":${JSON.stringify(item.updatedAt)},"data":${item.data}}`;
}

const etag = (version: number) => `"${version}"`;

function itemResponse(statusCode: number, item: ItemRecord): HttpResponse {
    return { statusCode, headers: { "content-type": "application/json", etag: etag(item.version) }, body: itemJson(item), isBase64Encoded: false };
}

function isItemRecord(value: unknown): value is ItemRecord {
    const v = value as Partial<ItemRecord> | undefined;
    return typeof v === "object" && v !== null && typeof v.itemId === "string" && typeof v.data === "string"
        && typeof v.version === "number" && typeof v.createdAt === "string" && typeof v.updatedAt === "string";
}

/** If-Match: `*`, `"3"` or `3` (weak tags never match: a write needs the strong version). */
type Precondition = { kind: "none" } | { kind: "exists" } | { kind: "version"; version: number };

function readIfMatch(header: string | undefined): Precondition | undefined {
    if (header === undefined) return { kind: "none" };
    const value = header.trim();
    if (value === "*") return { kind: "exists" };
    const m = /^"?([1-9][0-9]{0,14})"?$/.exec(value);
    if (!m || (value.startsWith("\"") !== value.endsWith("\""))) return undefined;
    return { kind: "version", version: Number(m[1]) };
}

/** The opaque list cursor: base64url of the last item id of the page. */
export function encodeNextToken(itemId: string): string {
    return Buffer.from(itemId, "utf8").toString("base64url");
}

export function decodeNextToken(token: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
    const itemId = Buffer.from(token, "base64url").toString("utf8");
    // Canonical encodings only, so one cursor has one spelling.
    if (!isValidItemId(itemId) || encodeNextToken(itemId) !== token) return undefined;
    return itemId;
}

/** By name, not instanceof: the client may come from another copy of the SDK than this module's. */
function isConditionFailure(err: unknown): boolean {
    return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

type BodyResult = { ok: true; json: string } | { ok: false; response: HttpResponse };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function readJsonObjectBody(request: ApiRequest): BodyResult {
    const fail = (status: number, message: string): BodyResult => ({ ok: false, response: errorResponse(status, message) });
    const contentType = request.headers["content-type"];
    if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i.test(contentType.trim())) {
        return fail(415, MESSAGES.unsupportedMediaType);
    }
    const raw = request.body ?? "";
    let text: string;
    if (request.isBase64Encoded) {
        // Checked before decoding, so an oversized body costs nothing to refuse.
        if (raw.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) return fail(413, MESSAGES.tooLarge);
        if (!BASE64.test(raw)) return fail(400, MESSAGES.badBase64);
        const bytes = Buffer.from(raw, "base64");
        if (bytes.length > MAX_BODY_BYTES) return fail(413, MESSAGES.tooLarge);
        try {
            text = utf8.decode(bytes);
        } catch {
            return fail(400, MESSAGES.badUtf8);
        }
    } else {
        if (raw.length > MAX_BODY_BYTES || Buffer.byteLength(raw, "utf8") > MAX_BODY_BYTES) return fail(413, MESSAGES.tooLarge);
        text = raw;
    }
    if (text.trim() === "") return fail(400, MESSAGES.notAnObject);
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return fail(400, MESSAGES.badJson);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(400, MESSAGES.notAnObject);
    return { ok: true, json: text.trim() };
}

/** The cell API's handler around a given table and client (the module's `handler` uses the deployed ones). */
export function createCellApi({ cellId, tableName, tenantClaim, ownership, tables, logger }: CellApiOptions): CellApiHandler {
    async function listItems(client: DocumentClient, customerId: string, request: ApiRequest): Promise<HttpResponse> {
        let limit: number = LIST_LIMIT.default;
        const rawLimit = request.query.limit;
        if (rawLimit !== undefined) {
            if (!/^[0-9]{1,3}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > LIST_LIMIT.max) {
                return errorResponse(400, MESSAGES.badLimit);
            }
            limit = Number(rawLimit);
        }
        let startAfter: string | undefined;
        const rawNext = request.query.next;
        if (rawNext !== undefined) {
            startAfter = decodeNextToken(rawNext);
            if (startAfter === undefined) return errorResponse(400, MESSAGES.badNext);
        }
        const { pk, skPrefix } = keys.customerItems(customerId);
        const out = await client.send(new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues: { ":pk": pk, ":prefix": skPrefix },
            Limit: limit,
            ...(startAfter === undefined ? {} : { ExclusiveStartKey: keys.item(customerId, startAfter) }),
        }));
        const items = (out.Items ?? []).filter(isItemRecord);
        const last = out.LastEvaluatedKey?.sk;
        const next = typeof last === "string" && last.startsWith(ITEM_PREFIX) ? encodeNextToken(last.slice(ITEM_PREFIX.length)) : undefined;
        const body = `{"items":[${items.map(itemJson).join(",")}]${next === undefined ? "" : `,"next":${JSON.stringify(next)}`}}`;
        return { statusCode: 200, headers: { "content-type": "application/json" }, body, isBase64Encoded: false };
    }

    async function getItem(client: DocumentClient, customerId: string, itemId: string): Promise<HttpResponse> {
        const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.item(customerId, itemId) }));
        if (!isItemRecord(out.Item)) return errorResponse(404, MESSAGES.itemNotFound);
        return itemResponse(200, out.Item);
    }

    async function putItem(client: DocumentClient, customerId: string, itemId: string, request: ApiRequest): Promise<HttpResponse> {
        const precondition = readIfMatch(request.headers["if-match"]);
        if (precondition === undefined) return errorResponse(400, MESSAGES.badIfMatch);
        const body = readJsonObjectBody(request);
        if (!body.ok) return body.response;
        const now = new Date().toISOString();
        const condition = precondition.kind === "version" ? { ConditionExpression: "#version = :expected" }
            : precondition.kind === "exists" ? { ConditionExpression: "attribute_exists(pk)" } : {};
        try {
            const out = await client.send(new UpdateCommand({
                TableName: tableName,
                Key: keys.item(customerId, itemId),
                UpdateExpression: "SET #data = :data, #itemId = :itemId, #customerId = :customerId, #updatedAt = :now, " +
                    "#createdAt = if_not_exists(#createdAt, :now) ADD #version :one",
                ExpressionAttributeNames: { "#data": "data", "#itemId": "itemId", "#customerId": "customerId",
                    "#updatedAt": "updatedAt", "#createdAt": "createdAt", "#version": "version" },
                ExpressionAttributeValues: { ":data": body.json, ":itemId": itemId, ":customerId": customerId, ":now": now,
                    ":one": 1, ...(precondition.kind === "version" ? { ":expected": precondition.version } : {}) },
                ...condition,
                ReturnValues: "ALL_NEW",
            }));
            if (!isItemRecord(out.Attributes)) throw new Error("the update returned no item");
            return itemResponse(out.Attributes.version === 1 ? 201 : 200, out.Attributes);
        } catch (err) {
            if (isConditionFailure(err)) return errorResponse(412, MESSAGES.versionMismatch);
            throw err;
        }
    }

    async function deleteItem(client: DocumentClient, customerId: string, itemId: string, request: ApiRequest): Promise<HttpResponse> {
        const precondition = readIfMatch(request.headers["if-match"]);
        if (precondition === undefined) return errorResponse(400, MESSAGES.badIfMatch);
        const key = keys.item(customerId, itemId);
        try {
            await client.send(new DeleteCommand({
                TableName: tableName,
                Key: key,
                ConditionExpression: precondition.kind === "version" ? "attribute_exists(pk) AND #version = :expected" : "attribute_exists(pk)",
                ...(precondition.kind === "version"
                    ? { ExpressionAttributeNames: { "#version": "version" }, ExpressionAttributeValues: { ":expected": precondition.version } }
                    : {}),
            }));
            return { statusCode: 204, headers: {}, body: "", isBase64Encoded: false };
        } catch (err) {
            if (!isConditionFailure(err)) throw err;
            if (precondition.kind !== "version") return errorResponse(404, MESSAGES.itemNotFound);
            // Missing, or there with another version: only a read tells which.
            const current = await client.send(new GetCommand({ TableName: tableName, Key: key, ProjectionExpression: "pk" }));
            return current.Item === undefined ? errorResponse(404, MESSAGES.itemNotFound) : errorResponse(412, MESSAGES.versionMismatch);
        }
    }

    async function handle(request: ApiRequest): Promise<HttpResponse> {
        const tenant = tenantOf(request.claims, tenantClaim);
        if (tenant === undefined) return unauthenticated();
        const s = request.segments;
        if (s[0] !== "customers" || s[2] !== "items" || (s.length !== 3 && s.length !== 4)) return errorResponse(404, MESSAGES.notFound);
        const customerId = s[1]!;
        const itemId = s[3];
        const method = request.method;
        const allowed = itemId === undefined ? ["GET"] : ["DELETE", "GET", "PUT"];
        if (!allowed.includes(method)) return errorResponse(405, MESSAGES.methodNotAllowed, { allow: allowed.join(", ") });
        if (!isValidCustomerId(customerId)) return errorResponse(400, MESSAGES.badCustomerId);
        if (itemId !== undefined && !isValidItemId(itemId)) return errorResponse(400, MESSAGES.badItemId);
        if (customerId !== tenant) return forbidden();
        logger.appendKeys({ customerId, ...(itemId === undefined ? {} : { itemId }) });
        if (!ownership.owns(tenant)) {
            logger.warn("misdirected request: the customer is another cell's", { owner: ownership.ownerOf(tenant) });
            return misdirected();
        }
        if (cellId === undefined || tableName === undefined) throw new Error(`${ENV.cellId} and ${ENV.tableName} must be set`);
        const client = await tables.clientFor(tenant);
        if (itemId === undefined) return listItems(client, customerId, request);
        if (method === "GET") return getItem(client, customerId, itemId);
        if (method === "PUT") return putItem(client, customerId, itemId, request);
        return deleteItem(client, customerId, itemId, request);
    }

    return apiHandler(logger, handle);
}

// ---------------------------------------------------------------------------------------------------------------
// The deployed function
// ---------------------------------------------------------------------------------------------------------------

const cellId = process.env[ENV.cellId] || undefined;
const tableName = process.env[ENV.tableName] || undefined;
const dataRoleArn = process.env[ENV.dataRoleArn] || undefined;
const logger = new Logger({ serviceName: "cell-api", persistentKeys: { cellId: cellId ?? "unknown" } });
if (cellId === undefined || tableName === undefined || dataRoleArn === undefined) {
    logger.error(`${ENV.cellId}, ${ENV.tableName} and ${ENV.dataRoleArn} must be set; every request will answer 500`);
}
const owned = cellId === undefined ? { error: `${ENV.cellId} is not set` } : loadOwnership(cellId, __dirname);
if ("error" in owned) logger.error("cannot load the ownership table: the cell serves no one", { error: owned.error });

export const handler: CellApiHandler = createCellApi({
    cellId,
    tableName,
    // Unset, no claim matches: every request is refused (401).
    tenantClaim: process.env[TENANT_CLAIM_ENV] ?? "",
    ownership: "error" in owned ? ownsNoOne(cellId ?? "unknown") : owned,
    tables: dataRoleArn === undefined
        ? { clientFor: () => Promise.reject(new Error(`${ENV.dataRoleArn} is not set`)) }
        : deployedTenantTables(dataRoleArn, TENANT_TAG),
    logger,
});
