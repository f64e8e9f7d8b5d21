import { strict as assert } from "assert";
import type { Context } from "aws-lambda";
import { INTERNAL_ERROR, apiHandler, errorResponse, parseApiEvent, RequestLogger, toApiResult } from "../../../handlers/lib/http";

const v2 = (over: Record<string, unknown> = {}) => ({
    version: "2.0", routeKey: "$default", rawPath: "/customers/c1/items", rawQueryString: "limit=5&limit=6",
    headers: { "Content-Type": "application/json", "If-Match": "\"2\"" },
    requestContext: { http: { method: "put", path: "/customers/c1/items" }, requestId: "r-1", stage: "$default" },
    body: "{}", isBase64Encoded: false, ...over,
});

const v1 = (over: Record<string, unknown> = {}) => ({
    httpMethod: "GET", path: "/customers/c%2E1/items", headers: { Cookie: "a=1; b=2", Host: "h" },
    multiValueHeaders: { Accept: ["text/plain", "application/json"] },
    queryStringParameters: { limit: "5" }, multiValueQueryStringParameters: { limit: ["5", "6"], q: ["x y"] },
    requestContext: { requestId: "r-2", stage: "live", identity: { sourceIp: "10.0.0.1" } }, body: null, isBase64Encoded: false, ...over,
});

function logger(): RequestLogger & { errors: unknown[]; keys: Record<string, unknown>[] } {
    const errors: unknown[] = [];
    const keys: Record<string, unknown>[] = [];
    return { errors, keys, addContext: () => undefined, appendKeys: k => { keys.push(k); }, error: (m, fields) => { errors.push([m, fields]); }, resetKeys: () => undefined };
}

describe("API Gateway events (handlers/lib/http.ts)", () => {
    it("reads a payload 2.0 event: method upper case, lower-case headers, decoded segments, the first of a repeated query", () => {
        const parsed = parseApiEvent(v2());
        assert.ok(parsed.ok);
        const r = parsed.request;
        assert.deepEqual([r.version, r.method, r.path, r.segments, r.rawQueryString, { ...r.query }, r.headers["if-match"], r.requestId],
            ["2.0", "PUT", "/customers/c1/items", ["customers", "c1", "items"], "limit=5&limit=6", { limit: "5" }, "\"2\"", "r-1"]);
    });

    it("drops a named stage's prefix from a 2.0 path", () => {
        const parsed = parseApiEvent(v2({ rawPath: "/prod/customers/c1", requestContext: { http: { method: "GET" }, stage: "prod" } }));
        assert.ok(parsed.ok);
        assert.equal(parsed.request.path, "/customers/c1");
    });

    it("reads a payload 1.0 event with every value of repeated headers and queries, and converts it to 2.0", () => {
        const parsed = parseApiEvent(v1());
        assert.ok(parsed.ok);
        const r = parsed.request;
        assert.deepEqual(r.segments, ["customers", "c.1", "items"]);
        assert.equal(r.headers.accept, "text/plain,application/json");
        assert.equal(r.rawQueryString, "limit=5&limit=6&q=x%20y");
        const e = r.toEventV2();
        assert.equal(e.rawPath, "/live/customers/c%2E1/items");
        assert.deepEqual(e.cookies, ["a=1", "b=2"]);
        assert.equal(e.headers.cookie, undefined);
        assert.equal(e.requestContext.http.sourceIp, "10.0.0.1");
        assert.equal(e.requestContext.http.method, "GET");
    });

    it("keeps client-chosen keys such as __proto__ as plain keys", () => {
        const parsed = parseApiEvent(v2({ rawQueryString: "__proto__=x&constructor=y", headers: { __proto__: "h" } }));
        assert.ok(parsed.ok);
        assert.equal(parsed.request.query.__proto__, "x");
        assert.equal(parsed.request.query.constructor, "y");
        assert.equal(Object.getPrototypeOf(parsed.request.query), null);
    });

    it("refuses malformed events and paths instead of throwing", () => {
        for (const bad of [null, 1, "x", {}, { version: "2.0" }, v2({ rawPath: "no-slash" }), v2({ body: 5 }), v1({ path: 7 }), v1({ requestContext: [] })]) {
            assert.deepEqual(parseApiEvent(bad), { ok: false, error: "malformed request event" }, JSON.stringify(bad));
        }
        assert.deepEqual(parseApiEvent(v2({ rawPath: "/customers/%E0%A4%A" })), { ok: false, error: "malformed request path" });
    });

    it("answers in the shape of the event's payload format, cookies included", () => {
        const response = { ...errorResponse(418, "teapot"), cookies: ["c=1"] };
        assert.deepEqual(toApiResult(response, "2.0"), { statusCode: 418, headers: { "content-type": "application/json" }, body: "{\"error\":\"teapot\"}", isBase64Encoded: false, cookies: ["c=1"] });
        assert.deepEqual(toApiResult(response, "1.0"), { statusCode: 418, headers: { "content-type": "application/json" }, multiValueHeaders: { "set-cookie": ["c=1"] }, body: "{\"error\":\"teapot\"}", isBase64Encoded: false });
    });

    it("answers 400 to a malformed event and 500 without internals to an unexpected error, logged with its class and the request id, never its message", async () => {
        const log = logger();
        const handler = apiHandler(log, async () => { throw new Error("secret detail"); });
        assert.deepEqual(await handler({} as never), { statusCode: 400, headers: { "content-type": "application/json" }, body: "{\"error\":\"malformed request event\"}", isBase64Encoded: false });
        const result = await handler(v2() as never, {} as Context);
        assert.deepEqual(result, { statusCode: 500, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: INTERNAL_ERROR }), isBase64Encoded: false });
        assert.deepEqual(log.errors, [["unexpected error", { error: { errorType: "Error" } }]]);
        assert.deepEqual(log.keys, [{ apiRequestId: "r-1" }]);
    });
});
