/**
 * alb-api: the cell's items API behind an Application Load Balancer (components/event-sources/alb.ts). It runs the
 * cell API's own handler (handlers/cell-api.ts) on the same request, with the same identity rules; only the way in
 * and out differ:
 *
 * - Identity: an ALB has no JWT authorizer, so this function verifies the bearer token itself, as the REST API's
 *   Lambda authorizer does (handlers/authorizer.ts): the signature against the issuer's JWKS with aws-jwt-verify
 *   (asymmetric algorithms only), `iss`, `exp`, `nbf`, then `aud` (or `client_id`), one of the required scopes and a
 *   valid tenant claim. The cell API receives only the verified tenant, where API Gateway puts verified claims;
 *   nothing a client sends can stand in for it. No or a bad token: 401; a valid one without the scope or a tenant: 403.
 * - Events: `ALBEvent` with single or multi-value headers and query parameters (the target group's setting). The
 *   ALB does not URL-decode the query string: its parameters arrive as the client encoded them, so they are joined
 *   back into the raw query string the cell API decodes, exactly once. Without multi-value headers, a repeated
 *   header or parameter arrives with its last value only (the ALB's rule).
 * - Results: `ALBResult` with a status description, in `multiValueHeaders` when the event had them (the ALB then
 *   reads only those), else `headers`.
 */
import { STATUS_CODES } from "node:http";
import { Logger } from "@aws-lambda-powertools/logger";
import type { ALBEvent, ALBResult, APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { forAudience, issuerVerifier, scopesOf } from "./authorizer";
import { CellApiHandler, cellApi } from "./cell-api";
import { tracedHandler } from "./clients/tracing";
import { requireEnv } from "./lib/events-env";
import { errorResponse, HttpResponse } from "./lib/http";
import { isValidCustomerId } from "./lib/identifiers";
import { errorFields } from "./lib/log-safe";
import { AUTHORIZER_ENV, TENANT_CLAIM_ENV, forbidden, unauthenticated } from "./lib/tenant";

type Claims = Record<string, unknown>;

export interface AlbApiOptions {
    /** The cell API's handler (payload 2.0 in and out). */
    api: CellApiHandler;
    /** Verifies signature, issuer and lifetime; throws for a token that does not verify. */
    verify(token: string): Promise<Claims>;
    audiences: readonly string[];
    scopes: readonly string[];
    tenantClaim: string;
    logger: Pick<Logger, "info" | "warn" | "error">;
}

export type AlbApiHandler = (event: ALBEvent, context?: Context) => Promise<ALBResult>;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Header or parameter lists of either shape, last value kept in the single-value shape (as the ALB sends them). */
function lists(multi: unknown, single: unknown): Array<[string, string[]]> {
    if (isRecord(multi)) {
        return Object.entries(multi).filter((e): e is [string, unknown[]] => Array.isArray(e[1]))
            .map(([k, v]) => [k, v.filter((s): s is string => typeof s === "string")]);
    }
    if (isRecord(single)) return Object.entries(single).filter((e): e is [string, string] => typeof e[1] === "string").map(([k, v]) => [k, [v]]);
    return [];
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** The ALB's event as the cell API reads a request: payload 2.0, with the verified tenant where an authorizer puts it. */
export function toApiEvent(event: ALBEvent, headers: Record<string, string>, query: Array<[string, string[]]>, claims: Record<string, string>): APIGatewayProxyEventV2 {
    // Still percent-encoded, as the client sent it: the cell API decodes each parameter once.
    const rawQueryString = query.flatMap(([k, values]) => values.map(v => `${k}=${v}`)).join("&");
    const sourceIp = (headers["x-forwarded-for"] ?? "").split(",")[0]!.trim();
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath: event.path,
        rawQueryString,
        headers,
        requestContext: {
            accountId: "", apiId: "", domainName: headers.host ?? "", domainPrefix: "",
            http: { method: event.httpMethod, path: event.path, protocol: "HTTP/1.1", sourceIp, userAgent: headers["user-agent"] ?? "" },
            requestId: headers["x-amzn-trace-id"] ?? "",
            routeKey: "$default",
            stage: "$default",
            time: "",
            timeEpoch: 0,
            authorizer: { jwt: { claims, scopes: [] } },
        },
        ...(typeof event.body === "string" && event.body !== "" ? { body: event.body } : {}),
        isBase64Encoded: event.isBase64Encoded === true,
    } as APIGatewayProxyEventV2;
}

/** A result in the shape the target group expects: multi-value headers exactly when the event had them. */
export function toAlbResult(result: { statusCode: number; headers?: Record<string, string | number | boolean>; body?: string; isBase64Encoded?: boolean; cookies?: string[] }, multi: boolean): ALBResult {
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const cookies = result.cookies ?? [];
    return {
        statusCode: result.statusCode,
        statusDescription: `${result.statusCode} ${STATUS_CODES[result.statusCode] ?? "Unknown"}`,
        ...(multi
            ? { multiValueHeaders: { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), ...(cookies.length > 0 ? { "set-cookie": cookies } : {}) } }
            : { headers: { ...headers, ...(cookies.length > 0 ? { "set-cookie": cookies[cookies.length - 1]! } : {}) } }),
        body: result.body ?? "",
        isBase64Encoded: result.isBase64Encoded === true,
    };
}

export function createAlbApi(o: AlbApiOptions): AlbApiHandler {
    /** The verified tenant's claims, or the answer for a caller without them. */
    async function identify(headers: Record<string, string>): Promise<{ claims: Record<string, string> } | { refused: HttpResponse }> {
        const match = BEARER.exec((headers.authorization ?? "").trim());
        if (match === null) return { refused: unauthenticated() };
        let claims: Claims;
        try {
            claims = await o.verify(match[1]!);
        } catch (err) {
            o.logger.info("token refused", { reason: err instanceof Error ? err.name : "unknown" });
            return { refused: unauthenticated() };
        }
        if (!forAudience(claims, o.audiences)) {
            o.logger.info("token refused", { reason: "audience" });
            return { refused: unauthenticated() };
        }
        if (!scopesOf(claims).some(s => o.scopes.includes(s))) {
            o.logger.info("token denied", { reason: "scope" });
            return { refused: forbidden() };
        }
        const tenant = claims[o.tenantClaim];
        if (!isValidCustomerId(tenant)) {
            o.logger.warn("token denied", { reason: "tenant claim" });
            return { refused: forbidden() };
        }
        return { claims: { [o.tenantClaim]: tenant } };
    }

    return async (event, context) => {
        const multi = isRecord(event) && isRecord(event.multiValueHeaders);
        if (!isRecord(event) || typeof event.httpMethod !== "string" || event.httpMethod === "" || typeof event.path !== "string" || !event.path.startsWith("/")) {
            return toAlbResult(errorResponse(400, "malformed request event"), multi);
        }
        const headers: Record<string, string> = Object.create(null) as Record<string, string>;
        for (const [k, values] of lists(event.multiValueHeaders, event.headers)) if (values.length > 0) headers[k.toLowerCase()] = values.join(",");
        try {
            const who = await identify(headers);
            if ("refused" in who) return toAlbResult(who.refused, multi);
            const query = lists(event.multiValueQueryStringParameters, event.queryStringParameters);
            const result = await o.api(toApiEvent(event, { ...headers }, query, who.claims), context) as APIGatewayProxyStructuredResultV2;
            return toAlbResult({ ...result, statusCode: result.statusCode ?? 200 }, multi);
        } catch (err) {
            o.logger.error("unexpected error", { error: errorFields(err) });
            return toAlbResult(errorResponse(500, "internal error"), multi);
        }
    };
}

// ---------------------------------------------------------------------------------------------------------------
// The deployed function
// ---------------------------------------------------------------------------------------------------------------

const logger = new Logger({ serviceName: "alb-api", persistentKeys: { cellId: process.env.CELL_ID ?? "unknown" } });
let deployed: AlbApiHandler | undefined;

export const handler: AlbApiHandler = tracedHandler(async (event: ALBEvent, context?: Context) => {
    deployed ??= createAlbApi({
        api: cellApi,
        verify: issuerVerifier(requireEnv(AUTHORIZER_ENV.issuer), requireEnv(AUTHORIZER_ENV.jwksUri)),
        audiences: JSON.parse(requireEnv(AUTHORIZER_ENV.audience)) as string[],
        scopes: JSON.parse(requireEnv(AUTHORIZER_ENV.scopes)) as string[],
        // Unset, no claim matches: every request is refused (403) rather than served on a guess.
        tenantClaim: process.env[TENANT_CLAIM_ENV] ?? "",
        logger,
    });
    return deployed(event, context);
});
