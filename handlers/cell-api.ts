/**
 * A cell's API: CRUD on the customer's items in the cell's table (the item model is lib/items.ts).
 *
 *   GET    /customers/{customerId}/items?limit=&next=   list, in item id order, paginated
 *   GET    /customers/{customerId}/items/{itemId}       one item (404 when missing)
 *   PUT    /customers/{customerId}/items/{itemId}       create or replace; body a JSON object
 *   DELETE /customers/{customerId}/items/{itemId}       404 when missing
 *   HEAD   either GET route: as GET, without the body
 *
 * Every item has a strong entity tag `"<version>.<incarnation>"` (the `ETag` header), unique across a delete and
 * a re-create. `If-Match` and `If-None-Match` follow RFC 9110: a PUT with `If-None-Match: *` only creates; a write
 * with `If-Match` (one tag or a list; weak tags never match) happens only on that very version, atomically (the
 * precondition is the write's condition), else 412; a GET whose `If-None-Match` matches is 304. The body is stored
 * in the normal form of lib/json-text.ts: numbers keep their digits, any key is a plain key. Client mistakes are
 * 4xx with `{ "error": "..." }`; anything unexpected is logged with the cell id and request ids (never a value
 * of the request) and answers 500 without details. Invoked by the router (payload 2.0) or, in redirect mode,
 * through the cell's own API (either format).
 *
 * Who may: the tenant of the verified token (lib/tenant.ts), and only for its own customer id (403 otherwise, 401
 * without a verified token); a tenant another cell owns gets 421 (lib/ownership.ts). Every table call uses the
 * tenant's own credentials (clients/tenant-tables.ts): IAM limits them to the tenant's partition.
 *
 * While the control plane moves a customer (lib/placement.ts), the customer's placement marker decides before
 * the routing map: a fenced customer's writes get 503 with Retry-After (reads are served), a customer being copied
 * in gets 503, a moved-away customer gets 421 naming the new owner (`x-cellular-owner`), and a moved-in customer
 * is served here whatever the map says. Every write checks the marker atomically (clients/item-store.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { ApiEvent, ApiRequest, ApiResult, HttpResponse, INTERNAL_ERROR, apiHandler, errorResponse } from "./lib/http";
import { TenantTables, deployedTenantTables } from "./clients/tenant-tables";
import { ItemStore, WriteContentionError } from "./clients/item-store";
import { traceTenant, tracedHandler } from "./clients/tracing";
import { FENCE_RETRY_AFTER_SECONDS, isPlacementRefused, parsePlacement, placementKey, placementVerdict } from "./lib/placement";
import { CUSTOMER_ID_RULE, ITEM_ID_RULE, isValidCustomerId, isValidItemId } from "./lib/identifiers";
import { ItemRecord, Preconditions, etagOf, failedPrecondition, hasPreconditions, itemJson, parsePreconditions } from "./lib/items";
import { JSON_PROBLEMS, normaliseJsonObject } from "./lib/json-text";
import { LogSafeError } from "./lib/log-safe";
import { Ownership, OwnershipTable, loadOwnership, ownershipFor, ownsNoOne } from "./lib/ownership";
import { CONTROL_ENV, DEFAULT_REFRESH_MS, ownershipWithMap } from "./lib/control-map";
import { LiveMap, controlTableReader } from "./clients/live-map";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { ENV } from "./lib/table";
import { TENANT_CLAIM_ENV, TENANT_TAG, forbidden, misdirected, moving, tenantOf, unauthenticated } from "./lib/tenant";

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
    preconditionFailed: "precondition failed: the item's current entity tag does not satisfy If-Match or If-None-Match",
    unsupportedMediaType: "the body must be sent as application/json",
    badBase64: "the body is not valid base64",
    badUtf8: "the body is not valid UTF-8",
    badJson: `the body ${JSON_PROBLEMS.notJson}`,
    tooDeep: `the body ${JSON_PROBLEMS.tooDeep}`,
    notAnObject: `the body ${JSON_PROBLEMS.notObject}`,
    tooLarge: `the body is larger than ${MAX_BODY_BYTES} bytes`,
    contention: "the item is being changed by many writes at once; try again shortly",
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

/** The function's environment lacks what the program sets: every request answers 500. */
class UnconfiguredError extends LogSafeError {
    override readonly name = "UnconfiguredError";
}

function itemResponse(statusCode: number, item: ItemRecord): HttpResponse {
    return { statusCode, headers: { "content-type": "application/json", etag: etagOf(item) }, body: itemJson(item), isBase64Encoded: false };
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

type BodyResult = { ok: true; data: string } | { ok: false; response: HttpResponse };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The body as the item's data: a JSON object, in normal form. */
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
    const data = normaliseJsonObject(text);
    if (!data.ok) return fail(400, { notJson: MESSAGES.badJson, tooDeep: MESSAGES.tooDeep, notObject: MESSAGES.notAnObject }[data.problem]);
    return { ok: true, data: data.value };
}

const EMPTY = (statusCode: number, headers: Record<string, string> = {}): HttpResponse => ({ statusCode, headers, body: "", isBase64Encoded: false });

/** HEAD answers as GET would, without the body. */
function withoutBody(response: HttpResponse): HttpResponse {
    return { ...response, body: "" };
}

/** The cell API's handler around a given table and client (the module's `handler` uses the deployed ones). */
export function createCellApi({ cellId, tableName, tenantClaim, ownership, tables, logger }: CellApiOptions): CellApiHandler {
    async function listItems(store: ItemStore, customerId: string, request: ApiRequest): Promise<HttpResponse> {
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
        const page = await store.list(customerId, limit, startAfter);
        const next = page.lastItemId === undefined ? undefined : encodeNextToken(page.lastItemId);
        const body = `{"items":[${page.items.map(itemJson).join(",")}]${next === undefined ? "" : `,"next":${JSON.stringify(next)}`}}`;
        return { statusCode: 200, headers: { "content-type": "application/json" }, body, isBase64Encoded: false };
    }

    async function getItem(store: ItemStore, customerId: string, itemId: string, preconditions: Preconditions): Promise<HttpResponse> {
        const item = await store.get(customerId, itemId);
        const failed = failedPrecondition(preconditions, item);
        if (failed === "if-match") return errorResponse(412, MESSAGES.preconditionFailed);
        if (item === undefined) return errorResponse(404, MESSAGES.itemNotFound);
        if (failed === "if-none-match") return EMPTY(304, { etag: etagOf(item) });
        return itemResponse(200, item);
    }

    async function putItem(store: ItemStore, customerId: string, itemId: string, request: ApiRequest, preconditions: Preconditions): Promise<HttpResponse> {
        const body = readJsonObjectBody(request);
        if (!body.ok) return body.response;
        const writtenBy = `api:${request.requestId ?? "unknown"}`;
        const out = await store.put({ customerId, itemId, data: body.data, writtenBy }, hasPreconditions(preconditions) ? { preconditions } : {});
        if (out.outcome !== "written") return errorResponse(412, MESSAGES.preconditionFailed);
        return itemResponse(out.created ? 201 : 200, out.item);
    }

    async function deleteItem(store: ItemStore, customerId: string, itemId: string, preconditions: Preconditions): Promise<HttpResponse> {
        const outcome = await store.delete(customerId, itemId, preconditions);
        if (outcome === "deleted") return EMPTY(204);
        return outcome === "missing" ? errorResponse(404, MESSAGES.itemNotFound) : errorResponse(412, MESSAGES.preconditionFailed);
    }

    async function handle(request: ApiRequest): Promise<HttpResponse> {
        const tenant = tenantOf(request.claims, tenantClaim);
        if (tenant === undefined) return unauthenticated();
        const s = request.segments;
        if (s[0] !== "customers" || s[2] !== "items" || (s.length !== 3 && s.length !== 4)) return errorResponse(404, MESSAGES.notFound);
        const customerId = s[1]!;
        const itemId = s[3];
        const method = request.method;
        const allowed = itemId === undefined ? ["GET", "HEAD"] : ["DELETE", "GET", "HEAD", "PUT"];
        if (!allowed.includes(method)) return errorResponse(405, MESSAGES.methodNotAllowed, { allow: allowed.join(", ") });
        if (!isValidCustomerId(customerId)) return errorResponse(400, MESSAGES.badCustomerId);
        if (itemId !== undefined && !isValidItemId(itemId)) return errorResponse(400, MESSAGES.badItemId);
        if (customerId !== tenant) return forbidden();
        const parsed = parsePreconditions(request.headers);
        if (!parsed.ok) return errorResponse(400, parsed.message);
        logger.appendKeys({ customerId, ...(itemId === undefined ? {} : { itemId }) });
        traceTenant(tenant);
        if (cellId === undefined || tableName === undefined) throw new UnconfiguredError(`${ENV.cellId} and ${ENV.tableName} must be set`);
        const client = await tables.clientFor(tenant);
        const marker = parsePlacement((await client.send(new GetCommand({ TableName: tableName, Key: placementKey(tenant), ConsistentRead: true }))).Item);
        const verdict = placementVerdict(marker);
        if (verdict.kind === "moved") {
            logger.info("the customer has moved to another cell", { owner: verdict.owner });
            return misdirected(verdict.owner);
        }
        if (verdict.kind === "unavailable") return moving(FENCE_RETRY_AFTER_SECONDS);
        if (verdict.kind === "map" && !ownership.owns(tenant)) {
            logger.warn("misdirected request: the customer is another cell's", { owner: ownership.ownerOf(tenant) });
            return misdirected();
        }
        const store = new ItemStore(client, tableName);
        const read = method === "GET" || method === "HEAD";
        try {
            const response = itemId === undefined ? await listItems(store, customerId, request)
                : read ? await getItem(store, customerId, itemId, parsed.preconditions)
                    : method === "PUT" ? await putItem(store, customerId, itemId, request, parsed.preconditions)
                        : await deleteItem(store, customerId, itemId, parsed.preconditions);
            return method === "HEAD" ? withoutBody(response) : response;
        } catch (err) {
            if (isPlacementRefused(err)) {
                logger.info("write refused by the customer's placement", { verdict: err.verdict.kind });
                return err.verdict.kind === "moved" ? misdirected(err.verdict.owner) : moving(FENCE_RETRY_AFTER_SECONDS);
            }
            if (err instanceof WriteContentionError) return errorResponse(503, MESSAGES.contention, { "retry-after": String(FENCE_RETRY_AFTER_SECONDS) });
            throw err;
        }
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

/**
 * Ownership under the live routing map (clients/live-map.ts), the packaged ownership.json as the floor: a cell
 * activated by the control plane owns its share of the hash without a deploy.
 */
function liveOwnership(packaged: Ownership, packagedTable: OwnershipTable | undefined, controlTable: string | undefined): Ownership {
    if (controlTable === undefined || packagedTable === undefined) return packaged;
    const live = new LiveMap<Ownership>({
        floor: packaged,
        refreshMs: Number(process.env[CONTROL_ENV.refreshMs]) || DEFAULT_REFRESH_MS,
        // Not traced: the map is read in the background, outside every invocation's segment.
        read: controlTableReader(DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 2 })), controlTable),
        apply: map => ownershipFor(packaged.cellId, ownershipWithMap(packagedTable, map)),
        onRejected: reason => logger.warn("the routing map was not used; ownership stays as it was", { reason }),
    });
    return { cellId: packaged.cellId, owns: c => live.current().owns(c), ownerOf: c => live.current().ownerOf(c) };
}

/** The cell's API as deployed, not traced on its own: alb-api.ts traces its invocations and calls this. */
export const cellApi: CellApiHandler = createCellApi({
    cellId,
    tableName,
    // Unset, no claim matches: every request is refused (401).
    tenantClaim: process.env[TENANT_CLAIM_ENV] ?? "",
    ownership: "error" in owned ? ownsNoOne(cellId ?? "unknown") : liveOwnership(owned, owned.table, process.env[CONTROL_ENV.tableName] || undefined),
    tables: dataRoleArn === undefined
        ? { clientFor: () => Promise.reject(new Error(`${ENV.dataRoleArn} is not set`)) }
        : deployedTenantTables(dataRoleArn, TENANT_TAG),
    logger,
});

export const handler: CellApiHandler = tracedHandler(cellApi);
