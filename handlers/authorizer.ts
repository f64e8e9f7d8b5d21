/**
 * authorizer: the REST API's Lambda REQUEST authorizer for an external OIDC issuer (`cellular:auth.issuer` with
 * `cellular:router.api: rest`; an HTTP API uses API Gateway's own JWT authorizer, and Cognito a Cognito
 * authorizer). It verifies the bearer token with `aws-jwt-verify` — the signature against the issuer's JWKS (cached),
 * only asymmetric algorithms (`alg: none` and HS256 are refused), `iss`, `exp`, `nbf` — then checks what API
 * Gateway's JWT authorizer checks: `aud`, or `client_id` for access tokens without one, against `AUDIENCE`, and one
 * of `REQUIRED_SCOPES` in `scope` (or `scp`). It answers:
 * - a missing or invalid token: `Unauthorized` (API Gateway answers 401);
 * - a valid token without a required scope or without the tenant claim: a Deny policy (403);
 * - else an Allow policy for the API's methods, with the tenant in the context under `TENANT_CLAIM`, cached by API
 *   Gateway per token for the authorizer's TTL.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { JwtVerifier } from "aws-jwt-verify";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { requireEnv } from "./lib/events-env";
import { isValidCustomerId } from "./lib/identifiers";
import { AUTHORIZER_ENV } from "./lib/tenant";
import { traceTenant, tracedHandler } from "./clients/tracing";

/** What API Gateway answers 401 for: the only error message a REQUEST authorizer may throw to say so. */
export const UNAUTHORIZED = "Unauthorized";

type Claims = Record<string, unknown>;

export interface AuthorizerOptions {
    /** Verifies signature, issuer and lifetime; the audience and scope checks are this module's. */
    verify(token: string): Promise<Claims>;
    audiences: readonly string[];
    scopes: readonly string[];
    tenantClaim: string;
    logger: Pick<Logger, "info" | "warn">;
}

/** The scopes a token carries: `scope` (space-separated) or `scp` (a list, or space-separated). */
export function scopesOf(claims: Claims): string[] {
    const raw = claims.scope ?? claims.scp;
    if (typeof raw === "string") return raw.split(" ").filter(s => s !== "");
    if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
    return [];
}

/** Whether the token is for one of the audiences: its `aud` (a string or a list), or `client_id` when it has no `aud`. */
export function forAudience(claims: Claims, audiences: readonly string[]): boolean {
    const aud = claims.aud;
    const given = aud === undefined ? [claims.client_id] : Array.isArray(aud) ? aud : [aud];
    return given.some(a => typeof a === "string" && audiences.includes(a));
}

function bearer(event: APIGatewayRequestAuthorizerEvent): string | undefined {
    const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
    const m = typeof header === "string" ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header.trim()) : null;
    return m?.[1];
}

/** The policy for every method of the stage the request came to (results are cached per token, not per method). */
function policy(event: APIGatewayRequestAuthorizerEvent, effect: "Allow" | "Deny", principalId: string, context?: Record<string, string>): APIGatewayAuthorizerResult {
    // arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>
    const [api, stage] = event.methodArn.split("/");
    const resource = api && stage ? `${api}/${stage}/*` : event.methodArn;
    return {
        principalId,
        policyDocument: { Version: "2012-10-17", Statement: [{ Effect: effect, Action: "execute-api:Invoke", Resource: resource }] },
        ...(context ? { context } : {}),
    };
}

export function createAuthorizer(o: AuthorizerOptions): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
    return async event => {
        const token = bearer(event);
        if (token === undefined) throw new Error(UNAUTHORIZED);
        let claims: Claims;
        try {
            claims = await o.verify(token);
        } catch (err) {
            o.logger.info("token refused", { reason: err instanceof Error ? err.name : "unknown" });
            throw new Error(UNAUTHORIZED);
        }
        if (!forAudience(claims, o.audiences)) {
            o.logger.info("token refused", { reason: "audience" });
            throw new Error(UNAUTHORIZED);
        }
        const principal = typeof claims.sub === "string" ? claims.sub : "unknown";
        if (!scopesOf(claims).some(s => o.scopes.includes(s))) {
            o.logger.info("token denied", { reason: "scope" });
            return policy(event, "Deny", principal);
        }
        const tenant = claims[o.tenantClaim];
        if (!isValidCustomerId(tenant)) {
            o.logger.warn("token denied", { reason: "tenant claim" });
            return policy(event, "Deny", principal);
        }
        traceTenant(tenant);
        return policy(event, "Allow", principal, { [o.tenantClaim]: tenant });
    };
}

/** The deployed authorizer's verifier: the issuer's keys fetched once per instance and cached (aws-jwt-verify). */
export function issuerVerifier(issuer: string, jwksUri: string): (token: string) => Promise<Claims> {
    const verifier = JwtVerifier.create({ issuer, jwksUri, audience: null });
    return async token => (await verifier.verify(token)) as Claims;
}

const logger = new Logger({ serviceName: "authorizer" });
let deployed: ReturnType<typeof createAuthorizer> | undefined;

export const handler = tracedHandler(async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    deployed ??= createAuthorizer({
        verify: issuerVerifier(requireEnv(AUTHORIZER_ENV.issuer), requireEnv(AUTHORIZER_ENV.jwksUri)),
        audiences: JSON.parse(requireEnv(AUTHORIZER_ENV.audience)) as string[],
        scopes: JSON.parse(requireEnv(AUTHORIZER_ENV.scopes)) as string[],
        tenantClaim: requireEnv(AUTHORIZER_ENV.tenantClaim),
        logger,
    });
    return deployed(event);
});
