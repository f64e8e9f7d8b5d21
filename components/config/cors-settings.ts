/**
 * `cellular:router.cors`: which browser origins may call the router's API (and, in redirect mode, the cells' own
 * APIs), with which methods and headers. Off while `allowOrigins` is empty, which it is unless set. Pure.
 */
import { CorsPolicy, DEFAULT_ALLOW_HEADERS, DEFAULT_EXPOSE_HEADERS, DEFAULT_MAX_AGE_SECONDS, ORIGIN_PATTERN, SERVED_METHODS } from "../../handlers/lib/cors";
import { Field, ValuesOf, boolean, custom, integer, section } from "./fields";
import { Problems } from "./problems";

/** A header name: an RFC 9110 token, in lower case (header names are case-insensitive; API Gateway compares them so). */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** What API Gateway accepts as an HTTP API's `MaxAge` (apigatewayv2 API reference, Cors: -1 to 86400). */
export const MAX_AGE_LIMIT = 86400;

function stringList(o: { default: readonly string[]; description: string; allowed: string; item: (s: string) => boolean; what: string }): Field<string[], false> {
    return custom<string[]>({
        default: [...o.default], type: "list of strings", allowed: o.allowed, description: o.description,
        read(value: unknown, path: string, problems: Problems) {
            if (!Array.isArray(value)) {
                problems.add(path, value, `expected a list of ${o.what}`);
                return undefined;
            }
            let ok = true;
            value.forEach((v, i) => {
                if (typeof v !== "string" || !o.item(v)) {
                    problems.add(`${path}[${i}]`, v, o.allowed);
                    ok = false;
                }
            });
            if (ok && new Set(value).size !== value.length) {
                problems.add(path, value, `expected distinct ${o.what}`);
                ok = false;
            }
            return ok ? (value as string[]) : undefined;
        },
    });
}

const ORIGIN_ALLOWED = "expected `*` or an origin `scheme://host[:port]` in lower case, without a path or a trailing slash (e.g. https://app.example.com)";

export const CORS_SETTINGS = section("Browser clients (CORS) of the router's API and, in redirect mode, of the cells' own APIs", {
    allowOrigins: stringList({ default: [], what: "origins", item: v => v === "*" || ORIGIN_PATTERN.test(v),
        allowed: ORIGIN_ALLOWED,
        description: "Origins whose scripts may call the APIs (`Access-Control-Allow-Origin`); `[\"*\"]` for any (not with allowCredentials); CORS is off while this is empty" }),
    allowMethods: stringList({ default: SERVED_METHODS, what: "methods", item: v => (SERVED_METHODS as readonly string[]).includes(v),
        allowed: `expected methods the customer routes serve: ${SERVED_METHODS.join(", ")}`,
        description: "Methods a preflight allows (`Access-Control-Allow-Methods`)" }),
    allowHeaders: stringList({ default: DEFAULT_ALLOW_HEADERS, what: "header names", item: v => HEADER_NAME.test(v),
        allowed: "expected header names in lower case (letters, digits and !#$%&'*+.^_`|~-)",
        description: "Request headers a preflight allows (`Access-Control-Allow-Headers`); must include authorization" }),
    exposeHeaders: stringList({ default: DEFAULT_EXPOSE_HEADERS, what: "header names", item: v => HEADER_NAME.test(v),
        allowed: "expected header names in lower case (letters, digits and !#$%&'*+.^_`|~-)",
        description: "Response headers scripts may read (`Access-Control-Expose-Headers`)" }),
    maxAgeSeconds: integer({ min: 0, max: MAX_AGE_LIMIT, default: DEFAULT_MAX_AGE_SECONDS,
        description: "How long a browser keeps a preflight answer (`Access-Control-Max-Age`), in seconds" }),
    allowCredentials: boolean({ default: false,
        description: "Whether scripts may send cookies or HTTP authentication and read the answer (`Access-Control-Allow-Credentials`); bearer tokens do not need it" }),
}, (v, at) => {
    if (v.allowOrigins.includes("*") && v.allowOrigins.length > 1) {
        at.problem("allowOrigins", v.allowOrigins, "`*` allows every origin: list it alone, or list exact origins");
    }
    if (v.allowOrigins.includes("*") && v.allowCredentials) {
        at.problem("allowCredentials", v.allowCredentials,
            `browsers refuse credentials with the origin \`*\` (${at.path("allowOrigins")} is ["*"]): list the exact origins, or set allowCredentials to false`);
    }
    if (!v.allowHeaders.includes("authorization")) {
        at.problem("allowHeaders", v.allowHeaders, "must include authorization: every route needs a bearer token, which a browser sends only if the preflight allows it");
    }
});

export type CorsSettings = ValuesOf<typeof CORS_SETTINGS.fields>;

/** The policy the APIs apply, or undefined when CORS is off. */
export function corsPolicy(settings: CorsSettings): CorsPolicy | undefined {
    if (settings.allowOrigins.length === 0) return undefined;
    return { ...settings };
}
