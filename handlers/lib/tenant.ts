/**
 * Who the caller is, as the API functions see it: the tenant is the value of one claim of the token an authorizer
 * verified (lib/http.ts `claims`), and nothing else — never the path, a header or the body. The error contract for
 * callers without a verified tenant, or with another tenant's, is here too. Pure.
 */
import type { ClaimsAndScopeOverrideDetails } from "aws-lambda";
import { HttpResponse, errorResponse } from "./http";
import { isValidCustomerId } from "./identifiers";

/** The Cognito user attribute that holds a user's tenant (set by an administrator; users cannot write it). */
export const TENANT_ATTRIBUTE = "custom:tenant_id";

/** Environment of the Cognito trigger that puts the tenant claim and the scopes into access tokens. */
export const TOKEN_CLAIMS_ENV = { tenantClaim: "TENANT_CLAIM", scopes: "REQUIRED_SCOPES" } as const;

/** Environment of the REST API's Lambda authorizer (an external issuer). */
export const AUTHORIZER_ENV = {
    issuer: "ISSUER", jwksUri: "JWKS_URI", audience: "AUDIENCE", scopes: "REQUIRED_SCOPES", tenantClaim: "TENANT_CLAIM",
} as const;

/** The session tag that carries the tenant when a cell's API assumes its data role (`aws:PrincipalTag/tenant`). */
export const TENANT_TAG = "tenant";

/** Environment of the API functions (router, cell API): which claim names the tenant. */
export const TENANT_CLAIM_ENV = "TENANT_CLAIM";

export const AUTH_MESSAGES = {
    unauthenticated: "a valid bearer token is required",
    forbidden: "this token does not grant access to this customer",
    misdirected: "this cell does not serve this customer",
    moving: "this customer is being moved to another cell; try again shortly",
} as const;

/** The header of a 421 that names the cell which serves the customer now (the router retries there once). */
export const OWNER_CELL_HEADER = "x-cellular-owner";

/** The verified tenant of a request: its token's `tenantClaim`, or undefined when no authorizer verified one. */
export function tenantOf(claims: Readonly<Record<string, string>>, tenantClaim: string): string | undefined {
    const tenant = Object.hasOwn(claims, tenantClaim) ? claims[tenantClaim] : undefined;
    return tenant === undefined || tenant === "" ? undefined : tenant;
}

/** 401: no verified token. */
export function unauthenticated(): HttpResponse {
    return errorResponse(401, AUTH_MESSAGES.unauthenticated, { "www-authenticate": "Bearer" });
}

/** 403: a verified token, for another customer. */
export function forbidden(): HttpResponse {
    return errorResponse(403, AUTH_MESSAGES.forbidden);
}

/** 421: the customer is served by another cell. */
export function misdirected(owner?: string): HttpResponse {
    return errorResponse(421, AUTH_MESSAGES.misdirected, owner === undefined ? {} : { [OWNER_CELL_HEADER]: owner });
}

/** 503: the customer's data is being moved between cells (lib/placement.ts); retry after `seconds`. */
export function moving(seconds: number): HttpResponse {
    return errorResponse(503, AUTH_MESSAGES.moving, { "retry-after": String(seconds) });
}

/**
 * What the Cognito trigger (handlers/token-claims.ts) answers for a user's attributes: the tenant claim in both
 * tokens and the scopes in the access token, or — without a valid tenant — neither.
 */
export function tokenOverrides(attributes: Readonly<Record<string, string>>, tenantClaim: string, scopes: readonly string[]): ClaimsAndScopeOverrideDetails {
    const tenant = Object.hasOwn(attributes, TENANT_ATTRIBUTE) ? attributes[TENANT_ATTRIBUTE] : undefined;
    if (!isValidCustomerId(tenant)) {
        // No tenant, no access: and no claim of that name can come from anywhere else.
        return { idTokenGeneration: { claimsToSuppress: [tenantClaim] }, accessTokenGeneration: { claimsToSuppress: [tenantClaim], scopesToSuppress: [...scopes] } };
    }
    return {
        idTokenGeneration: { claimsToAddOrOverride: { [tenantClaim]: tenant } },
        accessTokenGeneration: { claimsToAddOrOverride: { [tenantClaim]: tenant }, scopesToAdd: [...scopes] },
    };
}
