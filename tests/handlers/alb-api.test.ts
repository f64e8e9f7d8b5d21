/**
 * The cell API behind an Application Load Balancer (handlers/alb-api.ts): ALB events as the target group delivers
 * them (the shapes of @types/aws-lambda and AWS's "Lambda functions as targets" examples, single and multi-value),
 * the real cell API on a local DynamoDB, and tokens made and signed locally (jose) and verified with aws-jwt-verify
 * as the deployed function does. The ALB has no authorizer: the function is the only gate.
 */
import { startDynamo, LocalDynamo, TEST_CELL_ID, TEST_TABLE } from "./fakes/cell-api-dynamo";
import * as assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import type { ALBEvent, ALBResult } from "aws-lambda";
import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK } from "jose";
import { createAlbApi, AlbApiHandler } from "../../handlers/alb-api";
import { createCellApi } from "../../handlers/cell-api";
import { ownershipFor } from "../../handlers/lib/ownership";
import { captureLogs, releaseLogs } from "./fakes/routing-logs";

const ISSUER = "https://login.example.com/";
const AUDIENCE = "cellular-api";
const SCOPE = "cellular/items";
const TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cellular-dev-cell-a-alb-tg/49e9d65c45c6791a";

type Claims = Record<string, unknown>;

/** An ALB event as the target group sends it (AWS's example, with this request's method, path, query and headers). */
function albEvent(o: { method: string; path: string; query?: Record<string, string[]>; headers?: Record<string, string[]>; body?: string; multi: boolean }): ALBEvent {
    const headers: Record<string, string[]> = {
        accept: ["application/json"], "accept-encoding": ["gzip"], connection: ["keep-alive"], host: ["internal-cellular-dev-cell-a-alb-123578498.us-east-1.elb.amazonaws.com"],
        "user-agent": ["tests"], "x-amzn-trace-id": ["Root=1-5c536348-3d683b8b04734faae651f476"], "x-forwarded-for": ["10.0.3.7"],
        "x-forwarded-port": ["443"], "x-forwarded-proto": ["https"], ...o.headers,
    };
    const query = o.query ?? {};
    // Without multi-value headers the ALB sends the last value of a repeated header or parameter.
    const last = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[v.length - 1]!]));
    return {
        requestContext: { elb: { targetGroupArn: TARGET_GROUP } },
        httpMethod: o.method,
        path: o.path,
        ...(o.multi ? { multiValueQueryStringParameters: query, multiValueHeaders: headers } : { queryStringParameters: last(query), headers: last(headers) }),
        body: o.body ?? "",
        isBase64Encoded: false,
    };
}

describe("the cell API behind an ALB (handlers/alb-api.ts)", function () {
    let dynamo: LocalDynamo;
    let alb: AlbApiHandler;
    let sign: (claims: Claims, options?: { key?: Parameters<SignJWT["sign"]>[0]; exp?: number; alg?: string }) => Promise<string>;
    let otherKey: Parameters<SignJWT["sign"]>[0];
    const VALID: Claims = { iss: ISSUER, client_id: AUDIENCE, sub: "user-1", tenant_id: "acme", scope: SCOPE, token_use: "access" };

    before(async () => {
        captureLogs();
        dynamo = await startDynamo();
        await dynamo.createTable(TEST_TABLE);
        const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
        otherKey = (await generateKeyPair("RS256")).privateKey;
        const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
        const jwksUri = `${ISSUER}.well-known/jwks.json`;
        const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => {
            if (uri !== jwksUri) throw new Error(`unexpected fetch of ${uri}`);
            return new TextEncoder().encode(JSON.stringify({ keys: [jwk] })).buffer as ArrayBuffer;
        } } });
        const verifier = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri }, { jwksCache });
        const now = Math.floor(Date.now() / 1000);
        sign = async (claims, options = {}) => new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? "RS256", kid: "key-1" })
            .setIssuedAt(now).setExpirationTime(options.exp ?? now + 600).sign(options.key ?? privateKey);
        const api = createCellApi({
            cellId: TEST_CELL_ID, tableName: TEST_TABLE, tenantClaim: "tenant_id",
            ownership: ownershipFor(TEST_CELL_ID, { version: 1, cells: [TEST_CELL_ID], pinned: {} }),
            tables: { clientFor: async () => dynamo.client as never },
            logger: new Logger({ serviceName: "cell-api" }),
        });
        alb = createAlbApi({ api, verify: async t => (await verifier.verify(t)) as Claims, audiences: [AUDIENCE], scopes: [SCOPE], tenantClaim: "tenant_id",
            logger: new Logger({ serviceName: "alb-api" }) });
    });

    after(async () => {
        await dynamo?.close();
        releaseLogs();
    });

    const bearer = (token: string) => ({ authorization: [`Bearer ${token}`] });

    for (const multi of [false, true]) {
        const mode = multi ? "multi-value headers" : "single-value headers";
        it(`serves the cell API with a verified token (${mode}): create, read, list, in the result shape the target group expects`, async () => {
            const token = await sign(VALID);
            const item = multi ? "multi" : "single";
            const put = await alb(albEvent({ method: "PUT", path: `/customers/acme/items/${item}`, multi, body: "{\"n\": 1}",
                headers: { ...bearer(token), "content-type": ["application/json"], "if-none-match": ["*"] } }));
            assert.equal(put.statusCode, 201);
            assert.equal(put.statusDescription, "201 Created");
            const etag = String(multi ? put.multiValueHeaders!.etag![0]! : put.headers!.etag);
            assert.match(etag, /^"1\.[A-Za-z0-9_-]+"$/);
            assert.equal(multi ? put.headers : put.multiValueHeaders, undefined, "the ALB reads only the shape the target group is set to");
            const body = JSON.parse(put.body!) as Record<string, unknown>;
            assert.deepEqual({ id: body.id, data: body.data, version: body.version }, { id: item, data: { n: 1 }, version: 1 });

            const get = await alb(albEvent({ method: "GET", path: `/customers/acme/items/${item}`, multi, headers: { ...bearer(token), "if-none-match": [etag] } }));
            assert.equal(get.statusCode, 304);
            assert.equal(get.statusDescription, "304 Not Modified");

            const list = await alb(albEvent({ method: "GET", path: "/customers/acme/items", multi, headers: bearer(token), query: { limit: ["1"] } }));
            assert.equal(list.statusCode, 200);
            assert.equal(list.isBase64Encoded, false);
            assert.equal((JSON.parse(list.body!) as { items: unknown[] }).items.length, 1);
        });
    }

    it("decodes query parameters exactly once: the ALB passes them as the client encoded them", async () => {
        const token = await sign(VALID);
        // `%32` is "2": decoded once it is a valid limit; `%2532` decoded once is "%32", which is not.
        const once = await alb(albEvent({ method: "GET", path: "/customers/acme/items", multi: false, headers: bearer(token), query: { limit: ["%32"] } }));
        assert.equal(once.statusCode, 200);
        const twice = await alb(albEvent({ method: "GET", path: "/customers/acme/items", multi: true, headers: bearer(token), query: { limit: ["%2532"] } }));
        assert.equal(twice.statusCode, 400);
        assert.deepEqual(JSON.parse(twice.body!), { error: "limit must be an integer from 1 to 100" });
        // An encoded separator stays inside its value: `1%26limit%3D100` is one value, not a second parameter.
        const smuggled = await alb(albEvent({ method: "GET", path: "/customers/acme/items", multi: false, headers: bearer(token), query: { limit: ["1%26limit%3D100"] } }));
        assert.equal(smuggled.statusCode, 400);
    });

    it("refuses every caller without a verified token of the right audience and scope, with the API's 401 and 403", async () => {
        const now = Math.floor(Date.now() / 1000);
        const cases: Array<[string, Record<string, string[]>, number]> = [
            ["no token", {}, 401],
            ["not a bearer token", { authorization: ["Basic dXNlcjpwdw=="] }, 401],
            ["signed by another key", bearer(await sign(VALID, { key: otherKey })), 401],
            ["alg none", bearer(new UnsecuredJWT(VALID).setIssuedAt(now).setExpirationTime(now + 600).encode()), 401],
            ["expired", bearer(await sign(VALID, { exp: now - 60 })), 401],
            ["another issuer", bearer(await sign({ ...VALID, iss: "https://evil.example.com/" })), 401],
            ["another audience", bearer(await sign({ ...VALID, client_id: "other-app" })), 401],
            ["no scope (an ID token)", bearer(await sign({ ...VALID, scope: "openid" })), 403],
            ["no tenant claim", bearer(await sign({ ...VALID, tenant_id: undefined })), 403],
            ["another customer's path", bearer(await sign({ ...VALID, tenant_id: "other" })), 403],
        ];
        for (const [what, headers, status] of cases) {
            const result = await alb(albEvent({ method: "GET", path: "/customers/acme/items", multi: false, headers }));
            assert.equal(result.statusCode, status, what);
            assert.deepEqual(JSON.parse(result.body!), { error: status === 401 ? "a valid bearer token is required" : "this token does not grant access to this customer" }, what);
            if (status === 401) assert.equal(result.headers!["www-authenticate"], "Bearer", what);
        }
    });

    it("takes the tenant from the verified token only: claims smuggled into the event or its headers count for nothing", async () => {
        const forged = { ...albEvent({ method: "GET", path: "/customers/acme/items", multi: false, headers: { "x-tenant-id": ["acme"], tenant_id: ["acme"] } }),
            requestContext: { elb: { targetGroupArn: TARGET_GROUP }, authorizer: { jwt: { claims: { tenant_id: "acme" } } } } } as unknown as ALBEvent;
        const result = await alb(forged);
        assert.equal(result.statusCode, 401);
        // A token for acme cannot reach another customer's items by path, whatever the headers say.
        const token = await sign(VALID);
        const other = await alb(albEvent({ method: "GET", path: "/customers/other/items", multi: true, headers: { ...bearer(token), "x-tenant-id": ["other"] } }));
        assert.equal(other.statusCode, 403);
    });

    it("answers a malformed event 400 and an unexpected failure 500, without details", async () => {
        const bad: ALBResult = await alb({ requestContext: { elb: { targetGroupArn: TARGET_GROUP } }, httpMethod: "GET", path: "no-slash", headers: {}, body: "", isBase64Encoded: false } as ALBEvent);
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(JSON.parse(bad.body!), { error: "malformed request event" });
        const failing = createAlbApi({ api: () => Promise.reject(new Error("secret detail")), verify: async () => VALID, audiences: [AUDIENCE], scopes: [SCOPE],
            tenantClaim: "tenant_id", logger: new Logger({ serviceName: "alb-api" }) });
        const result = await failing(albEvent({ method: "GET", path: "/customers/acme/items", multi: true, headers: bearer("a.b.c") }));
        assert.equal(result.statusCode, 500);
        assert.deepEqual(result.multiValueHeaders, { "content-type": ["application/json"] });
        assert.deepEqual(JSON.parse(result.body!), { error: "internal error" });
    });
});
