/**
 * API Gateway proxy events in and out, for the router and the cell API. Pure (no AWS clients): reads payload
 * format 2.0 (HTTP API) and 1.0 (REST API, or HTTP API with the 1.0 format) events defensively — anything can
 * arrive in a Lambda event, and a malformed one must become a 400, never an exception — and converts 1.0 to 2.0,
 * the one format cells speak.
 */
import type {
    Context,
    APIGatewayEventRequestContextV2,
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    APIGatewayProxyResult,
    APIGatewayProxyStructuredResultV2,
} from "aws-lambda";

export type ApiEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyStructuredResultV2 | APIGatewayProxyResult;
export type PayloadVersion = "1.0" | "2.0";

export interface ApiRequest {
    version: PayloadVersion;
    /** Upper case. */
    method: string;
    /** The request path as received (percent-encoded), without a named stage's `/<stage>` prefix. */
    path: string;
    /** The path's segments, percent-decoded: `/customers/a%2Eb/items` -> ["customers", "a.b", "items"]. */
    segments: string[];
    /** Without the `?`; percent-encoded. */
    rawQueryString: string;
    /** Query parameters, decoded; a repeated parameter keeps its first value. */
    query: Record<string, string>;
    /** Header names in lower case; repeated headers joined with ",". */
    headers: Record<string, string>;
    body: string | undefined;
    isBase64Encoded: boolean;
    /** API Gateway's request id, when the event has one. */
    requestId: string | undefined;
    /**
     * The claims an authorizer verified, as API Gateway hands them over: an HTTP API's JWT authorizer
     * (`requestContext.authorizer.jwt.claims`), a REST API's Cognito authorizer (`requestContext.authorizer.claims`)
     * or a Lambda authorizer's context (`requestContext.authorizer`). Empty without an authorizer. Only API Gateway
     * (or, in invoke mode, the router, which alone may invoke a cell) builds `requestContext`: a client cannot set it.
     */
    claims: Record<string, string>;
    /** The event as payload format 2.0 (1.0 events converted): what a cell is invoked with. */
    toEventV2(): APIGatewayProxyEventV2;
}

export type ParseResult = { ok: true; request: ApiRequest } | { ok: false; error: string };

export interface HttpResponse {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
    isBase64Encoded: boolean;
    /** Set-Cookie values (payload 2.0 style). */
    cookies?: string[];
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

const optional = (v: unknown, type: "string" | "boolean"): boolean => v === undefined || v === null || typeof v === type;

/** String-valued entries of a header or parameter map; other values (not sent by API Gateway) are dropped. */
function stringEntries(value: unknown): Array<[string, string]> {
    if (!isRecord(value)) return [];
    return Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string");
}

function listEntries(value: unknown): Array<[string, string[]]> {
    if (!isRecord(value)) return [];
    return Object.entries(value)
        .filter((e): e is [string, unknown[]] => Array.isArray(e[1]))
        .map(([k, v]) => [k, v.filter((s): s is string => typeof s === "string")]);
}

function decodeSegments(path: string): string[] | undefined {
    const raw = path.split("/").slice(1);
    const out: string[] = [];
    for (const segment of raw) {
        try {
            out.push(decodeURIComponent(segment));
        } catch {
            return undefined;
        }
    }
    return out;
}

/** The string-valued claims of an authorizer's output (numbers and booleans as their text, as API Gateway does). */
function stringClaims(value: unknown): Record<string, string> {
    const out = record();
    if (!isRecord(value)) return out;
    for (const [k, v] of Object.entries(value)) {
        if (typeof v === "string") out[k] = v;
        else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    }
    return out;
}

/** A record without a prototype: client-chosen keys such as `__proto__` or `valueOf` are plain keys. */
function record(): Record<string, string> {
    return Object.create(null) as Record<string, string>;
}

function parseQuery(raw: string): Record<string, string> {
    const query = record();
    for (const [k, v] of new URLSearchParams(raw)) if (!Object.hasOwn(query, k)) query[k] = v;
    return query;
}

function encodeQuery(entries: Array<[string, string[]]>): string {
    return entries.flatMap(([k, values]) => values.map(v => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&");
}

const MALFORMED_EVENT = "malformed request event";
const MALFORMED_PATH = "malformed request path";

/** Reads an API Gateway proxy event of either payload format. */
export function parseApiEvent(event: unknown): ParseResult {
    if (!isRecord(event)) return { ok: false, error: MALFORMED_EVENT };
    if (event.version === "2.0") return parseV2(event);
    if (event.version === "1.0" || (event.version === undefined && typeof event.httpMethod === "string")) return parseV1(event);
    return { ok: false, error: MALFORMED_EVENT };
}

function parseV2(event: Rec): ParseResult {
    const ctx = event.requestContext;
    const http = isRecord(ctx) ? ctx.http : undefined;
    if (!isRecord(ctx) || !isRecord(http) || typeof http.method !== "string" || http.method === ""
        || typeof event.rawPath !== "string" || !event.rawPath.startsWith("/")
        || !optional(event.rawQueryString, "string") || !optional(event.body, "string")
        || !optional(event.isBase64Encoded, "boolean")) {
        return { ok: false, error: MALFORMED_EVENT };
    }
    // A named stage's name is the first segment of rawPath; the $default stage adds nothing.
    let path = event.rawPath;
    const stage = ctx.stage;
    if (typeof stage === "string" && stage !== "" && stage !== "$default" && path.startsWith(`/${stage}/`)) {
        path = path.slice(stage.length + 1);
    }
    const segments = decodeSegments(path);
    if (segments === undefined) return { ok: false, error: MALFORMED_PATH };
    const rawQueryString = (event.rawQueryString as string | undefined | null) ?? "";
    const headers = record();
    for (const [k, v] of stringEntries(event.headers)) headers[k.toLowerCase()] = v;
    const request: ApiRequest = {
        version: "2.0",
        method: http.method.toUpperCase(),
        path,
        segments,
        rawQueryString,
        query: parseQuery(rawQueryString),
        headers,
        body: (event.body as string | null | undefined) ?? undefined,
        isBase64Encoded: event.isBase64Encoded === true,
        requestId: typeof ctx.requestId === "string" ? ctx.requestId : undefined,
        claims: stringClaims(isRecord(ctx.authorizer) && isRecord(ctx.authorizer.jwt) ? ctx.authorizer.jwt.claims : undefined),
        toEventV2: () => event as unknown as APIGatewayProxyEventV2,
    };
    return { ok: true, request };
}

function parseV1(event: Rec): ParseResult {
    if (typeof event.httpMethod !== "string" || event.httpMethod === "" || typeof event.path !== "string"
        || !event.path.startsWith("/") || !optional(event.body, "string") || !optional(event.isBase64Encoded, "boolean")
        || !(event.requestContext === undefined || event.requestContext === null || isRecord(event.requestContext))) {
        return { ok: false, error: MALFORMED_EVENT };
    }
    const ctx: Rec = isRecord(event.requestContext) ? event.requestContext : {};
    const path = event.path;
    const segments = decodeSegments(path);
    if (segments === undefined) return { ok: false, error: MALFORMED_PATH };

    // Multi-value maps hold every value; the single-value maps only the last one.
    const headerLists = new Map<string, string[]>();
    for (const [k, v] of listEntries(event.multiValueHeaders)) headerLists.set(k.toLowerCase(), v);
    for (const [k, v] of stringEntries(event.headers)) if (!headerLists.has(k.toLowerCase())) headerLists.set(k.toLowerCase(), [v]);
    const headers = record();
    for (const [k, v] of headerLists) if (v.length > 0) headers[k] = v.join(",");

    let queryLists = listEntries(event.multiValueQueryStringParameters);
    if (queryLists.length === 0) queryLists = stringEntries(event.queryStringParameters).map(([k, v]) => [k, [v]]);
    const rawQueryString = encodeQuery(queryLists);
    const query = record();
    for (const [k, values] of queryLists) if (values.length > 0 && !Object.hasOwn(query, k)) query[k] = values[0]!;

    const method = event.httpMethod.toUpperCase();
    const body = (event.body as string | null | undefined) ?? undefined;
    const isBase64Encoded = event.isBase64Encoded === true;
    const requestId = typeof ctx.requestId === "string" ? ctx.requestId : undefined;
    const authorizer = isRecord(ctx.authorizer) ? ctx.authorizer : {};
    // A Cognito authorizer puts the claims under `claims`; a Lambda authorizer's context is the authorizer object.
    const claims = isRecord(authorizer.claims) ? stringClaims(authorizer.claims) : stringClaims(authorizer);
    const request: ApiRequest = {
        version: "1.0",
        method,
        path,
        segments,
        rawQueryString,
        query,
        headers,
        body,
        isBase64Encoded,
        requestId,
        claims,
        toEventV2: () => {
            const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
            const identity: Rec = isRecord(ctx.identity) ? ctx.identity : {};
            const stage = str(ctx.stage, "$default");
            // As an HTTP API delivers it: a named stage prefixes rawPath; cookies move out of the headers.
            const rawPath = stage === "$default" ? path : `/${stage}${path}`;
            const { cookie, ...otherHeaders } = headers;
            const cookies = cookie === undefined ? undefined : cookie.split(/;\s*/).filter(c => c !== "");
            const requestContext: APIGatewayEventRequestContextV2 = {
                accountId: str(ctx.accountId),
                apiId: str(ctx.apiId),
                domainName: str(ctx.domainName),
                domainPrefix: str(ctx.domainPrefix),
                http: {
                    method,
                    path: rawPath,
                    protocol: str(ctx.protocol, "HTTP/1.1"),
                    sourceIp: str(identity.sourceIp),
                    userAgent: str(identity.userAgent, headers["user-agent"] ?? ""),
                },
                requestId: requestId ?? "",
                routeKey: "$default",
                // The verified claims travel on in the shape of an HTTP API's JWT authorizer, the one cells read.
                ...(Object.keys(claims).length > 0 ? { authorizer: { jwt: { claims: { ...claims }, scopes: [] } } } : {}),
                stage,
                time: str(ctx.requestTime),
                timeEpoch: typeof ctx.requestTimeEpoch === "number" ? ctx.requestTimeEpoch : 0,
            };
            const queryStringParameters = Object.fromEntries(queryLists.filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.join(",")]));
            const pathParameters = Object.fromEntries(stringEntries(event.pathParameters));
            const stageVariables = Object.fromEntries(stringEntries(event.stageVariables));
            return {
                version: "2.0",
                routeKey: "$default",
                rawPath,
                rawQueryString,
                ...(cookies && cookies.length > 0 ? { cookies } : {}),
                headers: otherHeaders,
                ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
                ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
                ...(Object.keys(stageVariables).length > 0 ? { stageVariables } : {}),
                requestContext,
                ...(body === undefined ? {} : { body }),
                isBase64Encoded,
            };
        },
    };
    return { ok: true, request };
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
    return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), isBase64Encoded: false };
}

/** The error body every handler answers with: `{ "error": "..." }`. */
export function errorResponse(statusCode: number, message: string, headers: Record<string, string> = {}): HttpResponse {
    return jsonResponse(statusCode, { error: message }, headers);
}

/** The response in the shape API Gateway expects for the event's payload format. */
export function toApiResult(response: HttpResponse, version: PayloadVersion): ApiResult {
    const { statusCode, headers, body, isBase64Encoded, cookies } = response;
    if (version === "2.0") {
        return { statusCode, headers, body, isBase64Encoded, ...(cookies && cookies.length > 0 ? { cookies } : {}) };
    }
    return {
        statusCode,
        headers,
        ...(cookies && cookies.length > 0 ? { multiValueHeaders: { "set-cookie": cookies } } : {}),
        body,
        isBase64Encoded,
    };
}

/** What apiHandler needs of a logger (Powertools' Logger has it). */
export interface RequestLogger {
    addContext(context: Context): void;
    appendKeys(keys: Record<string, unknown>): void;
    error(message: string, error: Error): void;
    resetKeys(): void;
}

export const INTERNAL_ERROR = "internal error";

/**
 * The entry point of an API function: parses the event (a malformed one gets a 400 in the 1.0 result shape, which
 * both payload formats accept), runs `handle` with request-scoped log keys, and turns an unexpected error into a
 * 500 without internals, logged with the request id.
 */
export function apiHandler(logger: RequestLogger, handle: (request: ApiRequest, context?: Context) => Promise<HttpResponse>):
    (event: ApiEvent, context?: Context) => Promise<ApiResult> {
    return async (event, context) => {
        const parsed = parseApiEvent(event);
        if (!parsed.ok) return toApiResult(errorResponse(400, parsed.error), "1.0");
        try {
            if (context) logger.addContext(context);
            if (parsed.request.requestId !== undefined) logger.appendKeys({ apiRequestId: parsed.request.requestId });
            return toApiResult(await handle(parsed.request, context), parsed.request.version);
        } catch (err) {
            logger.error("unexpected error", err as Error);
            return toApiResult(errorResponse(500, INTERNAL_ERROR), parsed.request.version);
        } finally {
            logger.resetKeys();
        }
    };
}
