/**
 * CORS (the Fetch standard's cross-origin protocol) for browser clients: which origins may read the API's answers,
 * with which methods and headers, and what each answer must carry. One policy, read from `cellular:router.cors`,
 * used three ways: an HTTP API's built-in `corsConfiguration` (API Gateway answers preflight itself and adds the
 * headers to every answer), a REST API's MOCK `OPTIONS` methods and gateway responses (components/http-api.ts),
 * and the router function's own answers behind a REST API ({@link withCorsHeaders}). Pure.
 */
import type { ApiEvent, ApiResult } from "./http";

/** The methods the customer routes serve (handlers/cell-api.ts answers 405 for any other). */
export const SERVED_METHODS = ["DELETE", "GET", "HEAD", "PUT"] as const;

/** Request headers a browser client of the cell API sends beyond the CORS-safelisted ones. */
export const DEFAULT_ALLOW_HEADERS = ["authorization", "content-type", "if-match", "if-none-match"] as const;
/** Response headers a browser script may read beyond the safelisted ones: the entity tag, the throttling hint, a redirect's target. */
export const DEFAULT_EXPOSE_HEADERS = ["etag", "location", "retry-after"] as const;
/** How long a browser may keep a preflight answer, in seconds (Chromium caps it at 7200). */
export const DEFAULT_MAX_AGE_SECONDS = 600;

/** The environment variable that carries the policy (JSON) to the router behind a REST API. */
export const CORS_ENV = "CORS_POLICY";

export interface CorsPolicy {
    /** Exact origins (`https://app.example.com`), or `["*"]` (never with credentials). */
    allowOrigins: string[];
    allowMethods: string[];
    /** Lower case. */
    allowHeaders: string[];
    /** Lower case. */
    exposeHeaders: string[];
    maxAgeSeconds: number;
    allowCredentials: boolean;
}

/** `scheme://host[:port]` as a browser serialises an origin: lower case, no path, no trailing slash. */
export const ORIGIN_PATTERN = /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[1-9][0-9]{0,4})?$/;

/** What `Access-Control-Allow-Origin` says to a request from `origin`, or undefined when that origin is not allowed. */
export function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | undefined {
    if (policy.allowOrigins.includes("*")) return "*";
    if (origin === undefined) return undefined;
    return policy.allowOrigins.includes(origin) ? origin : undefined;
}

/** Whether the answer depends on the request's `Origin` (so caches must keep one answer per origin). */
export function variesByOrigin(policy: CorsPolicy): boolean {
    return !policy.allowOrigins.includes("*");
}

/** The headers an answer (not a preflight) to a request from `origin` carries; none for an origin not allowed. */
export function corsResponseHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
    const allowed = allowedOrigin(policy, origin);
    const vary: Record<string, string> = variesByOrigin(policy) ? { vary: "origin" } : {};
    if (allowed === undefined) return vary;
    return {
        "access-control-allow-origin": allowed,
        ...(policy.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
        ...(policy.exposeHeaders.length > 0 ? { "access-control-expose-headers": policy.exposeHeaders.join(",") } : {}),
        ...vary,
    };
}

/** The headers of a preflight answer (for every allowed origin alike, but `Access-Control-Allow-Origin`). */
export function preflightHeaders(policy: CorsPolicy): Record<string, string> {
    return {
        "access-control-allow-methods": policy.allowMethods.join(","),
        "access-control-allow-headers": policy.allowHeaders.join(","),
        "access-control-max-age": String(policy.maxAgeSeconds),
        ...(policy.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    };
}

/** The `Origin` header of an API Gateway event of either payload format (header names in any case). */
export function originOf(event: ApiEvent): string | undefined {
    const headers = (event as { headers?: Record<string, unknown> | null }).headers;
    if (typeof headers !== "object" || headers === null) return undefined;
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === "origin" && typeof v === "string") return v;
    return undefined;
}

function withHeaders(result: ApiResult, extra: Record<string, string>): ApiResult {
    const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
    for (const [k, v] of Object.entries(extra)) {
        const existing = Object.keys(headers).find(h => h.toLowerCase() === k);
        if (k === "vary" && existing !== undefined) {
            headers[existing] = `${String(headers[existing])},${v}`;
            continue;
        }
        if (existing !== undefined) delete headers[existing];
        headers[k] = v;
    }
    return { ...result, headers } as ApiResult;
}

/**
 * A handler whose every answer — errors and malformed events included — carries the CORS headers for the request's
 * origin. Used by the router behind a REST API, which (unlike an HTTP API) adds nothing to its integration's
 * answers. Preflight never reaches it: the REST API answers `OPTIONS` itself (a MOCK integration).
 */
export function withCorsHeaders<C>(policy: CorsPolicy | undefined, handler: (event: ApiEvent, context?: C) => Promise<ApiResult>):
    (event: ApiEvent, context?: C) => Promise<ApiResult> {
    if (policy === undefined) return handler;
    return async (event, context) => withHeaders(await handler(event, context), corsResponseHeaders(policy, originOf(event)));
}

/** The policy the program put in the environment, or undefined when CORS is off (or the value is not a policy). */
export function corsPolicyFromEnv(value: string | undefined): CorsPolicy | undefined {
    if (value === undefined || value === "") return undefined;
    try {
        const p = JSON.parse(value) as Partial<CorsPolicy>;
        const strings = (v: unknown) => Array.isArray(v) && v.every(s => typeof s === "string");
        if (strings(p.allowOrigins) && strings(p.allowMethods) && strings(p.allowHeaders) && strings(p.exposeHeaders)
            && typeof p.maxAgeSeconds === "number" && typeof p.allowCredentials === "boolean") return p as CorsPolicy;
    } catch {
        // Not JSON: treated as no policy.
    }
    return undefined;
}
