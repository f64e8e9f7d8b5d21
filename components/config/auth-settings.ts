/**
 * Who a caller is (`cellular:auth`): every API route requires a verified JWT from the stack's issuer — an OIDC
 * issuer of the user's, or a Cognito user pool the stack creates — with one of the required scopes, and the tenant
 * is the value of one claim of that token. There is no anonymous mode: a stack without `cellular:auth` is a config
 * error. Pure.
 */
import { ValuesOf, boolean, custom, optionalCustom, section, text } from "./fields";
import { Problems, isPlainObject } from "./problems";

/** The resource server the Cognito pool gets: scopes are `<identifier>/<name>`. */
export const COGNITO_RESOURCE_SERVER = "cellular";
export const DEFAULT_SCOPES = [`${COGNITO_RESOURCE_SERVER}/items`];
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const CLAIM = /^[A-Za-z_][A-Za-z0-9_:.-]{0,127}$/;
const AUDIENCE = /^[\x21-\x7E]{1,256}$/;
/** What Cognito accepts as a resource server's scope name. */
const COGNITO_SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;
/** Said when `cellular:auth` (given as `raw`) names no issuer at all. */
export function namesNoIssuer(raw: unknown): boolean {
    return !isPlainObject(raw) || (raw.cognito !== true && raw.issuer === undefined);
}

/** Said when `cellular:auth` names no issuer at all. */
export const NO_ISSUER = "set cognito: true (the stack creates a Cognito user pool) or issuer: <an OIDC issuer URL>; there is no anonymous mode";

function httpsUrl(value: unknown): value is string {
    if (typeof value !== "string" || value.length > 2048) return false;
    try {
        const url = new URL(value);
        return url.protocol === "https:" && url.hostname !== "" && url.search === "" && url.hash === "";
    } catch {
        return false;
    }
}

function stringList(pattern: RegExp, what: string) {
    return (value: unknown, path: string, problems: Problems): string[] | undefined => {
        if (Array.isArray(value) && value.length > 0 && value.every(v => typeof v === "string" && pattern.test(v)) && new Set(value).size === value.length) {
            return value as string[];
        }
        problems.add(path, value, `expected a non-empty list of distinct ${what}`);
        return undefined;
    };
}

export const AUTH_SETTINGS = section("Who a caller is: the issuer of the tokens every route requires, and the claim that names the tenant", {
    cognito: boolean({ default: false, description: "The stack creates a Cognito user pool (with a resource server for the scopes and an app client) and trusts its tokens" }),
    issuer: optionalCustom<string>({ type: "string", allowed: "an https URL without query or fragment, the `iss` of the tokens",
        description: "An external OIDC issuer instead of `cognito` (API Gateway reads its keys from `<issuer>/.well-known/openid-configuration`)",
        read(value, path, problems) {
            if (httpsUrl(value)) return value;
            problems.add(path, value, "expected the issuer's https URL, without query or fragment, as the tokens' iss claim has it");
            return undefined;
        } }),
    jwksUri: optionalCustom<string>({ type: "string", allowed: "an https URL",
        description: "With `issuer` and a REST API: where the router's authorizer reads the issuer's keys (default `<issuer>/.well-known/jwks.json`)",
        read(value, path, problems) {
            if (httpsUrl(value)) return value;
            problems.add(path, value, "expected the https URL of the issuer's JSON Web Key Set");
            return undefined;
        } }),
    audience: optionalCustom<string[]>({ type: "list", allowed: "with `issuer`: required; with `cognito`: the app client, set by the program",
        description: "The `aud` (or, for access tokens without one, `client_id`) values accepted",
        read: stringList(AUDIENCE, "audience values") }),
    tenantClaim: text({ default: "tenant_id", pattern: CLAIM, allowed: "expected a claim name: letters, digits, _ : . - starting with a letter or _",
        description: "The token claim that names the tenant: the customer id the caller may use" }),
    requiredScopes: custom<string[]>({ default: DEFAULT_SCOPES, type: "list", allowed: "one or more scopes; with `cognito`, each `cellular/<name>`",
        description: "A token must carry one of these scopes: an ID token, or a token for another API, is refused",
        read: stringList(SCOPE, "OAuth scopes") }),
}, (v, at) => {
    // Neither at all is checked where the raw section is seen (an issuer given but invalid is reported once).
    if (v.cognito && v.issuer !== undefined) at.problem("issuer", v.issuer, "set either cognito: true or an issuer, not both");
    if (v.issuer !== undefined && !v.cognito && v.audience === undefined) {
        at.problem("audience", undefined, "an external issuer needs the audience its tokens are for (their aud or client_id), as a list");
    }
    if (v.cognito && v.audience !== undefined) {
        at.problem("audience", v.audience, "with cognito: true the audience is the app client the stack creates; leave it out");
    }
    if (v.issuer === undefined && v.jwksUri !== undefined) {
        at.problem("jwksUri", v.jwksUri, "only an external issuer has a JWKS URI to set");
    }
    if (v.cognito) {
        if (v.requiredScopes.some(s => cognitoScopeName(s) === undefined)) {
            at.problem("requiredScopes", v.requiredScopes, `with cognito: true the scopes are the stack's resource server's: ${COGNITO_RESOURCE_SERVER}/<name>`);
        }
    }
});

export type AuthSettings = ValuesOf<typeof AUTH_SETTINGS.fields>;

/** The scope's name on the stack's Cognito resource server (`cellular/items` → `items`), or undefined if it is not one. */
export function cognitoScopeName(scope: string): string | undefined {
    const prefix = `${COGNITO_RESOURCE_SERVER}/`;
    const name = scope.startsWith(prefix) ? scope.slice(prefix.length) : undefined;
    return name !== undefined && COGNITO_SCOPE_NAME.test(name) ? name : undefined;
}
