import { strict as assert } from "assert";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK } from "jose";
import { createAuthorizer, forAudience, scopesOf, UNAUTHORIZED } from "../../handlers/authorizer";

const ISSUER = "https://login.example.com/";
const AUDIENCE = "cellular-api";
const SCOPE = "cellular/items";
const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/live/GET/customers/acme/items";

type Claims = Record<string, unknown>;

describe("the REST API's Lambda authorizer (handlers/authorizer.ts): a token attack matrix", () => {
    let sign: (claims: Claims, options?: { alg?: string; kid?: string; key?: Parameters<SignJWT["sign"]>[0]; exp?: number; nbf?: number }) => Promise<string>;
    let authorize: ReturnType<typeof createAuthorizer>;
    let publicJwk: JWK;
    const logs: Array<{ message: string; reason: unknown }> = [];

    before(async () => {
        // The issuer's key pair and its JWKS, made locally; the verifier gets the JWKS as if it had fetched it.
        const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
        publicJwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
        // The issuer's JWKS, served as if fetched from its URI (an unknown kid makes the verifier fetch it again).
        const jwksUri = `${ISSUER}.well-known/jwks.json`;
        const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => {
            if (uri !== jwksUri) throw new Error(`unexpected fetch of ${uri}`);
            return new TextEncoder().encode(JSON.stringify({ keys: [publicJwk] })).buffer as ArrayBuffer;
        } } });
        const verifier = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri }, { jwksCache });
        const now = Math.floor(Date.now() / 1000);
        sign = async (claims, options = {}) => new SignJWT(claims)
            .setProtectedHeader({ alg: options.alg ?? "RS256", kid: options.kid ?? "key-1" })
            .setIssuedAt(now)
            .setExpirationTime(options.exp ?? now + 600)
            .setNotBefore(options.nbf ?? now - 10)
            .sign(options.key ?? privateKey);
        authorize = createAuthorizer({
            verify: async token => (await verifier.verify(token)) as Claims,
            audiences: [AUDIENCE],
            scopes: [SCOPE],
            tenantClaim: "tenant_id",
            logger: { info: (message: string, extra?: { reason?: unknown }) => { logs.push({ message, reason: extra?.reason }); }, warn: (message: string, extra?: { reason?: unknown }) => { logs.push({ message, reason: extra?.reason }); } } as never,
        });
    });

    const VALID: Claims = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", tenant_id: "acme", scope: `openid ${SCOPE}`, token_use: "access" };
    const event = (token?: string): APIGatewayRequestAuthorizerEvent => ({
        type: "REQUEST", methodArn: METHOD_ARN, resource: "/customers/{customerId}/{proxy+}", path: "/customers/acme/items", httpMethod: "GET",
        headers: token === undefined ? {} : { Authorization: `Bearer ${token}` }, multiValueHeaders: {}, pathParameters: {}, queryStringParameters: {},
        multiValueQueryStringParameters: {}, stageVariables: {}, requestContext: {} as never,
    });
    const outcome = async (token?: string): Promise<string> => {
        try {
            const result = await authorize(event(token));
            const effect = (result.policyDocument.Statement[0] as { Effect: string }).Effect;
            return effect === "Allow" ? `Allow ${String(result.context?.tenant_id)}` : "Deny";
        } catch (err) {
            return (err as Error).message;
        }
    };

    it("allows a valid access token, for the whole stage (the answer is cached per token), with the tenant in the context", async () => {
        const result = await authorize(event(await sign(VALID)));
        assert.deepEqual(result, {
            principalId: "user-1",
            policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/live/*" }] },
            context: { tenant_id: "acme" },
        });
    });

    const cases: Array<{ name: string; token: () => Promise<string | undefined>; expected: string }> = [
        { name: "no token", token: async () => undefined, expected: UNAUTHORIZED },
        { name: "not a bearer JWT", token: async () => "not-a-jwt", expected: UNAUTHORIZED },
        { name: "a forged signature (another key)", expected: UNAUTHORIZED, token: async () => sign(VALID, { key: (await generateKeyPair("RS256")).privateKey }) },
        { name: "alg: none", expected: UNAUTHORIZED, token: async () => new UnsecuredJWT(VALID).setIssuedAt().setExpirationTime("10m").encode() },
        { name: "HS256 signed with the RSA public key as the secret", expected: UNAUTHORIZED,
            token: async () => sign(VALID, { alg: "HS256", key: new TextEncoder().encode(JSON.stringify(publicJwk)) }) },
        { name: "a wrong iss", expected: UNAUTHORIZED, token: async () => sign({ ...VALID, iss: "https://evil.example.com/" }) },
        { name: "a wrong aud", expected: UNAUTHORIZED, token: async () => sign({ ...VALID, aud: "another-api" }) },
        { name: "an expired token", expected: UNAUTHORIZED, token: async () => sign(VALID, { exp: Math.floor(Date.now() / 1000) - 60, nbf: Math.floor(Date.now() / 1000) - 600 }) },
        { name: "nbf in the future", expected: UNAUTHORIZED, token: async () => sign(VALID, { nbf: Math.floor(Date.now() / 1000) + 300 }) },
        { name: "an unknown key id", expected: UNAUTHORIZED, token: async () => sign(VALID, { kid: "key-2" }) },
        { name: "a token without the tenant claim", expected: "Deny", token: async () => sign({ ...VALID, tenant_id: undefined }) },
        { name: "a tenant claim that is not a customer id", expected: "Deny", token: async () => sign({ ...VALID, tenant_id: "../acme" }) },
        { name: "an ID token (no scopes)", expected: "Deny", token: async () => sign({ ...VALID, scope: undefined, token_use: "id" }) },
        { name: "an access token for another API's scope", expected: "Deny", token: async () => sign({ ...VALID, scope: "other/items" }) },
    ];
    for (const c of cases) {
        it(`refuses ${c.name}: ${c.expected === UNAUTHORIZED ? "401" : "403"}; the same request with a valid token is allowed`, async () => {
            assert.equal(await outcome(await c.token()), c.expected);
            assert.equal(await outcome(await sign(VALID)), "Allow acme");
        });
    }

    it("accepts an access token without aud by its client_id, and scopes given as scp (as API Gateway's JWT authorizer does)", async () => {
        const { aud, scope, ...rest } = VALID;
        assert.ok(aud && scope);
        assert.equal(await outcome(await sign({ ...rest, client_id: AUDIENCE, scp: [SCOPE] })), "Allow acme");
        assert.equal(await outcome(await sign({ ...rest, client_id: "someone-else", scp: [SCOPE] })), UNAUTHORIZED);
    });

    it("logs why, never the token or its claims", async () => {
        logs.length = 0;
        await outcome(await sign({ ...VALID, aud: "another-api" }));
        assert.deepEqual(logs, [{ message: "token refused", reason: "audience" }]);
    });

    it("reads scopes and audiences as the JWT specs allow them", () => {
        assert.deepEqual(scopesOf({ scope: "a b  c" }), ["a", "b", "c"]);
        assert.deepEqual(scopesOf({ scp: ["a", 1, "b"] }), ["a", "b"]);
        assert.deepEqual(scopesOf({}), []);
        assert.ok(forAudience({ aud: ["x", AUDIENCE] }, [AUDIENCE]));
        assert.ok(!forAudience({ aud: "x", client_id: AUDIENCE }, [AUDIENCE]));
    });
});
