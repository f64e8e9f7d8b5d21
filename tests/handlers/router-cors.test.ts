/**
 * The router behind a REST API with CORS (handlers/router.ts + lib/cors.ts): every answer — the cell's relayed
 * answer, the router's own 4xx and 5xx, a malformed event's 400 — carries the CORS headers for an allowed origin,
 * and none for another. Preflight is the REST API's own MOCK answer (tests/components/cors.test.ts): it never reaches
 * the router, let alone a cell.
 */
import * as assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import type { InvokeCommand, InvokeCommandOutput } from "@aws-sdk/client-lambda";
import type { APIGatewayProxyResult } from "aws-lambda";
import { CorsPolicy, corsPolicyFromEnv } from "../../handlers/lib/cors";
import { buildRoutingTable, compileRoutingTable } from "../../handlers/lib/routing";
import { createRouter } from "../../handlers/router";
import { fakeContext } from "./fakes/events-lambda";
import { v1Event } from "./fakes/routing-events";

const APP = "https://app.example.com";
const ADMIN = "https://admin.example.com:8443";
const POLICY: CorsPolicy = {
    allowOrigins: [APP, ADMIN], allowMethods: ["DELETE", "GET", "HEAD", "PUT"],
    allowHeaders: ["authorization", "content-type", "if-match", "if-none-match"], exposeHeaders: ["etag", "location", "retry-after"],
    maxAgeSeconds: 600, allowCredentials: true,
};
const CORS_FOR = (origin: string) => ({
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "etag,location,retry-after",
    vary: "origin",
});

function setUp(answer: (command: InvokeCommand) => InvokeCommandOutput | Promise<never>) {
    const invoked: string[] = [];
    const table = compileRoutingTable(buildRoutingTable({
        mode: "invoke",
        cells: [{ id: "cell-a", state: "active", functionName: "cell-a:live" }, { id: "cell-off", state: "disabled", functionName: "cell-off:live" }],
        pinned: { "off-customer": "cell-off", acme: "cell-a" },
    }));
    const router = createRouter({
        table, tenantClaim: "tenant_id", logger: new Logger({ serviceName: "router" }), cors: POLICY, breaker: false,
        lambda: { send: async (command: InvokeCommand) => { invoked.push(String(command.input.FunctionName)); return answer(command); } },
    });
    return { router, invoked };
}

const cellAnswer = (statusCode: number, headers: Record<string, string>, body: string): InvokeCommandOutput => ({
    $metadata: {}, StatusCode: 200, Payload: Buffer.from(JSON.stringify({ statusCode, headers, body, isBase64Encoded: false })) as never,
});

describe("the router's answers behind a REST API with CORS (handlers/lib/cors.ts withCorsHeaders)", () => {
    it("adds the headers for an allowed origin to the cell's relayed answer, keeping its own headers", async () => {
        const { router, invoked } = setUp(() => cellAnswer(200, { "content-type": "application/json", etag: "\"1.a\"", vary: "accept" }, "{}"));
        const result = await router(v1Event({ method: "GET", path: "/customers/acme/items/x", headers: { Origin: ADMIN } }), fakeContext()) as APIGatewayProxyResult;
        assert.equal(result.statusCode, 200);
        assert.deepEqual(result.headers, { "content-type": "application/json", etag: "\"1.a\"", ...CORS_FOR(ADMIN), vary: "accept,origin" });
        assert.deepEqual(invoked, ["cell-a:live"]);
    });

    it("adds them to the router's own errors: 401 without a verified tenant, 403 for another customer, 503 for a disabled cell, 502 for a failed cell", async () => {
        const { router } = setUp(() => Promise.reject(Object.assign(new Error("boom"), { name: "ServiceException" })));
        const cases: Array<[Parameters<typeof v1Event>[0], number]> = [
            [{ method: "GET", path: "/customers/acme/items", tenant: null }, 401],
            [{ method: "GET", path: "/customers/acme/items", tenant: "other" }, 403],
            [{ method: "GET", path: "/customers/off-customer/items" }, 503],
            [{ method: "GET", path: "/customers/acme/items" }, 502],
        ];
        for (const [spec, status] of cases) {
            const result = await router(v1Event({ ...spec, headers: { origin: APP } }), fakeContext()) as APIGatewayProxyResult;
            assert.equal(result.statusCode, status, spec.path);
            assert.deepEqual(result.headers, { "content-type": "application/json", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}), ...CORS_FOR(APP) }, String(status));
        }
    });

    it("adds them to the 400 of a malformed event", async () => {
        const { router } = setUp(() => cellAnswer(200, {}, ""));
        const result = await router({ httpMethod: "GET", path: "no-slash", headers: { Origin: APP } } as never) as APIGatewayProxyResult;
        assert.equal(result.statusCode, 400);
        assert.deepEqual(result.headers, { "content-type": "application/json", ...CORS_FOR(APP) });
    });

    it("gives an origin that is not allowed (or a request without one) no CORS headers but Vary: origin, so a cache keeps them apart", async () => {
        const { router } = setUp(() => cellAnswer(200, {}, "{}"));
        for (const headers of [{ Origin: "https://evil.example.com" }, { Origin: "https://app.example.com.evil.example" }, { Origin: "null" }, {}] as Array<Record<string, string>>) {
            const result = await router(v1Event({ method: "GET", path: "/customers/acme/items", headers }), fakeContext()) as APIGatewayProxyResult;
            assert.deepEqual(result.headers, { vary: "origin" }, JSON.stringify(headers));
        }
    });

    it("reads the policy the program puts in CORS_POLICY, and nothing else", () => {
        assert.deepEqual(corsPolicyFromEnv(JSON.stringify(POLICY)), POLICY);
        assert.equal(corsPolicyFromEnv(undefined), undefined);
        assert.equal(corsPolicyFromEnv("{not json"), undefined);
        assert.equal(corsPolicyFromEnv(JSON.stringify({ ...POLICY, allowOrigins: "*" })), undefined);
    });
});
