/**
 * The synthetic request a cell's pre-traffic hook sends to a new version of the cell's API before CodeDeploy shifts
 * any traffic to it, and the only answer that passes. The request carries no token, so the right answer is the 401
 * every unauthenticated caller gets: it proves the version starts (bundle, environment, ownership table), parses a
 * router's request and routes it, and it reads and writes no tenant's data. Pure.
 */
import { AUTH_MESSAGES } from "./tenant";

/** The hook's environment: the function and the version it probes (the version Pulumi just published). */
export const HOOK_ENV = { targetFunction: "TARGET_FUNCTION", targetVersion: "TARGET_VERSION" } as const;

/** A customer id no tenant can have been given (ids are lowercase; see lib/identifiers.ts), only for the probe. */
export const PROBE_CUSTOMER = "rollout-probe";

/** The request as the router sends it: API Gateway's payload 2.0, without an authorizer's claims. */
export function probeEvent(requestId: string): object {
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath: `/customers/${PROBE_CUSTOMER}/items`,
        rawQueryString: "",
        headers: { accept: "application/json", "user-agent": "cellular-pre-traffic-hook" },
        requestContext: { http: { method: "GET", path: `/customers/${PROBE_CUSTOMER}/items`, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "cellular-pre-traffic-hook" },
            requestId, routeKey: "$default", stage: "$default", timeEpoch: 0 },
        isBase64Encoded: false,
    };
}

/** What the version answered, as Lambda returned it. */
export interface ProbeReply {
    functionError?: string;
    payload: string;
}

/** Why the answer is wrong, or undefined when it is the one expected. */
export function wrongAnswer(reply: ProbeReply): string | undefined {
    if (reply.functionError !== undefined) return `the version failed (${reply.functionError}): ${reply.payload.slice(0, 300)}`;
    let result: { statusCode?: unknown; body?: unknown; headers?: Record<string, unknown> };
    try {
        result = JSON.parse(reply.payload);
    } catch {
        return `the version answered something that is not JSON: ${reply.payload.slice(0, 300)}`;
    }
    if (result?.statusCode !== 401) return `expected status 401 for a request without a token, got ${JSON.stringify(result?.statusCode)}`;
    let body: unknown;
    try {
        body = JSON.parse(String(result.body));
    } catch {
        body = undefined;
    }
    if ((body as { error?: unknown } | undefined)?.error !== AUTH_MESSAGES.unauthenticated) {
        return `expected the body {"error":${JSON.stringify(AUTH_MESSAGES.unauthenticated)}}, got ${String(result.body).slice(0, 300)}`;
    }
    return undefined;
}
