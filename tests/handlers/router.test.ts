import { LocalDynamo, startDynamo } from "./fakes/cell-api-dynamo";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type * as RouterModule from "../../handlers/router";
import type * as CellApiModule from "../../handlers/cell-api";
import { buildRoutingTable, compileRoutingTable, isRoutingTableError, routeCustomer } from "../../handlers/lib/routing";
import type { RoutingTable } from "../../handlers/lib/routing-table";
import { captureLogs, releaseLogs, takeLogs, takeMetrics } from "./fakes/routing-logs";
import { ownershipFor } from "../../handlers/lib/ownership";
import { lambdaContext, RequestSpec, TENANT_CLAIM, v1Event, v2Event } from "./fakes/routing-events";
import { FakeFunction, FakeLambda, reply, startFakeLambda } from "./fakes/router-fake-lambda";

type Result = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2;
type Handler = (event: never, context?: Context) => Promise<unknown>;

const fnName = (cellId: string) => `cellular-test-${cellId}-api:live`;
const tableOf = (cellId: string) => `cellular-test-${cellId}-data`;

const BAD_GATEWAY = { error: "the service failed to handle the request" };
const TIMEOUT = { error: "the service did not respond in time" };

/** The first `prefix-<n>` id the table routes (by hash) to `cellId`. */
function customerOn(table: RoutingTable, cellId: string, prefix = "customer"): string {
    for (let i = 0; i < 10_000; i++) {
        const id = `${prefix}-${i}`;
        const decision = routeCustomer(table, id);
        if (decision.reason === "hash" && decision.cell.id === cellId) return id;
    }
    throw new Error(`no customer hashes to ${cellId}`);
}

describe("router (handlers/router.ts) in front of a fake Lambda service running the real cell API", function () {
    let dynamo: LocalDynamo;
    let lambda: FakeLambda;
    let router: typeof RouterModule;
    let tmp: string;

    // The deployed table: three cells, the third disabled, one customer pinned against its hash.
    const deployedBase = buildRoutingTable({
        mode: "invoke",
        cells: ["cell-a", "cell-b", "cell-c"].map(id => ({ id, state: id === "cell-c" ? "disabled" as const : "active" as const, functionName: fnName(id) })),
        pinned: {},
    });
    const onA = customerOn(deployedBase, "cell-a");
    const onB = customerOn(deployedBase, "cell-b");
    const onC = customerOn(deployedBase, "cell-c");
    const pinnedToB = customerOn(deployedBase, "cell-a", "pinned");
    const deployed = buildRoutingTable({ ...deployedBase, pinned: { [pinnedToB]: "cell-b" } });

    // Cells that fail in every way Lambda can report, each with a pinned customer `<behaviour>-customer`.
    const behaviours: Record<string, FakeFunction> = {
        boom: () => reply.functionError("Error", "connect ECONNREFUSED db.internal.example:5432"),
        timeout: () => reply.timedOut(10),
        "legacy-timeout": () => ({ ...reply.timedOut(), body: JSON.stringify({ errorMessage: "2019-09-21T10:00:00.000Z 3f0c Task timed out after 3.00 seconds" }) }),
        throttled: () => reply.throttled(7),
        "throttled-bare": () => reply.throttled(),
        "service-error": () => reply.serviceError(500, "ServiceException", "internal failure at 10.0.0.12"),
        "too-large": () => reply.serviceError(413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation"),
        garbage: () => reply.raw("<html>not json</html>"),
        "no-status": () => reply.result({ body: "hi" }),
        "bad-headers": () => reply.result({ statusCode: 200, headers: { nested: { a: 1 } }, body: "" }),
        hang: () => "hang",
        echo: event => reply.result({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) }),
        teapot: () => reply.result({ statusCode: 418, headers: { "content-type": "text/plain", "x-cell": "kept", "x-count": 5, "x-flag": true }, body: "short and stout", cookies: ["a=1; Path=/", "b=2"] }),
        binary: () => reply.result({ statusCode: 200, headers: { "content-type": "image/png" }, body: "iVBORw0KGgo=", isBase64Encoded: true }),
        "cell-500": () => reply.result({ statusCode: 500, headers: { "content-type": "application/json" }, body: "{\"error\":\"internal error\"}" }),
        "cell-503": () => reply.result({ statusCode: 503, headers: { "content-type": "application/json", "retry-after": "30" }, body: "{\"error\":\"maintenance\"}" }),
    };
    const names = [...Object.keys(behaviours), "missing"];
    const behaviourTable = compileRoutingTable(buildRoutingTable({
        mode: "invoke",
        cells: names.map(b => ({ id: `cell-${b}`, state: "active" as const, functionName: `${b}:live` })),
        pinned: Object.fromEntries(names.map(b => [`${b}-customer`, `cell-${b}`])),
    }));
    let behaviourRouter: RouterModule.RouterHandler;

    before(async () => {
        captureLogs();
        dynamo = await startDynamo();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const cellApi = require("../../handlers/cell-api") as typeof CellApiModule;
        const functions: Record<string, FakeFunction> = {};
        for (const cellId of ["cell-a", "cell-b", "cell-c"]) {
            await dynamo.createTable(tableOf(cellId));
            const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint }));
            const handler = cellApi.createCellApi({
                cellId,
                tableName: tableOf(cellId),
                tenantClaim: TENANT_CLAIM,
                ownership: ownershipFor(cellId, { version: 1, cells: deployed.cells.map(c => c.id), pinned: deployed.pinned }),
                tables: { clientFor: async () => client },
                logger: new Logger({ serviceName: "cell-api", persistentKeys: { cellId } }),
            });
            functions[fnName(cellId)] = async event => reply.result(await handler(event as APIGatewayProxyEventV2, lambdaContext()));
        }
        for (const [name, fn] of Object.entries(behaviours)) functions[`${name}:live`] = fn;
        lambda = await startFakeLambda(functions);

        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "router-test-"));
        fs.writeFileSync(path.join(tmp, "routing.json"), JSON.stringify(deployed));
        process.env.ROUTING_TABLE_PATH = path.join(tmp, "routing.json");
        process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.endpoint;
        process.env.TENANT_CLAIM = TENANT_CLAIM;
        // The router reads routing.json at module load: load it now, afresh.
        delete require.cache[require.resolve("../../handlers/router")];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        router = require("../../handlers/router") as typeof RouterModule;
        behaviourRouter = router.createRouter({ table: behaviourTable, tenantClaim: TENANT_CLAIM, lambda: router.createLambdaClient(), logger: new Logger({ serviceName: "router" }) });
    });

    after(async () => {
        await lambda?.close();
        await dynamo?.close();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        delete process.env.AWS_ENDPOINT_URL_LAMBDA;
        delete process.env.ROUTING_TABLE_PATH;
        releaseLogs();
    });

    beforeEach(() => {
        takeLogs();
    });

    async function send(handler: Handler, spec: RequestSpec, version: "1.0" | "2.0" = "2.0", context: Context = lambdaContext()): Promise<Result> {
        const event = version === "2.0" ? v2Event(spec) : v1Event(spec);
        return await handler(event as never, context) as Result;
    }
    const deployedHandler = () => router.handler as Handler;
    const body = (result: Result): unknown => JSON.parse(result.body ?? "");
    const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { "content-type": "application/json" } });

    describe("invoke mode, end to end", () => {
        it("routes a customer to the cell the hash picks, which stores the item in its own table", async () => {
            const before = lambda.invocations.length;
            const put = await send(deployedHandler(), { method: "PUT", path: `/customers/${onA}/items/i1`, ...json({ hello: "world" }) });
            assert.equal(put.statusCode, 201, put.body);
            assert.equal(put.headers?.etag, "\"1\"");
            assert.deepEqual((body(put) as { data: unknown }).data, { hello: "world" });
            assert.deepEqual(lambda.invocations.slice(before).map(i => [i.functionName, i.invocationType]), [[fnName("cell-a"), "RequestResponse"]]);

            const key = { pk: `CUSTOMER#${onA}`, sk: "ITEM#i1" };
            assert.equal((await dynamo.client.send(new GetCommand({ TableName: tableOf("cell-a"), Key: key }))).Item?.data, "{\"hello\":\"world\"}");
            assert.equal((await dynamo.client.send(new GetCommand({ TableName: tableOf("cell-b"), Key: key }))).Item, undefined);

            const get = await send(deployedHandler(), { method: "GET", path: `/customers/${onA}/items/i1` });
            assert.equal(get.statusCode, 200);
            assert.deepEqual(body(get), body(put));
        });

        it("routes another customer to another cell", async () => {
            const before = lambda.invocations.length;
            assert.equal((await send(deployedHandler(), { method: "PUT", path: `/customers/${onB}/items/i1`, ...json({ b: 1 }) })).statusCode, 201);
            assert.deepEqual(lambda.invocations.slice(before).map(i => i.functionName), [fnName("cell-b")]);
        });

        it("routes a pinned customer to its pin, not where the hash would send it", async () => {
            const before = lambda.invocations.length;
            assert.equal((await send(deployedHandler(), { method: "GET", path: `/customers/${pinnedToB}/items` })).statusCode, 200);
            assert.deepEqual(lambda.invocations.slice(before).map(i => i.functionName), [fnName("cell-b")]);
        });

        it("relays the cell's 4xx answers unchanged", async () => {
            const missing = await send(deployedHandler(), { method: "GET", path: `/customers/${onA}/items/none` });
            assert.equal(missing.statusCode, 404);
            assert.deepEqual(body(missing), { error: "item not found" });
            const badJson = await send(deployedHandler(), { method: "PUT", path: `/customers/${onA}/items/x`, body: "{", headers: { "content-type": "application/json" } });
            assert.equal(badJson.statusCode, 400);
            assert.deepEqual(body(badJson), { error: "the body is not valid JSON" });
            const wrongMethod = await send(deployedHandler(), { method: "POST", path: `/customers/${onA}/items/x` });
            assert.equal(wrongMethod.statusCode, 405);
            assert.equal(wrongMethod.headers?.allow, "DELETE, GET, PUT");
            assert.deepEqual(body(wrongMethod), { error: "method not allowed" });
            const stale = await send(deployedHandler(), { method: "PUT", path: `/customers/${onA}/items/i1`, body: "{}", headers: { "if-match": "\"9\"" } });
            assert.equal(stale.statusCode, 412);
            assert.deepEqual(body(stale), { error: "version mismatch: the item has changed" });
        });

        it("answers 503 to a disabled cell's customers without invoking it, and keeps serving the others", async () => {
            const before = lambda.invocations.length;
            const disabled = await send(deployedHandler(), { method: "GET", path: `/customers/${onC}/items` });
            assert.equal(disabled.statusCode, 503);
            assert.deepEqual(body(disabled), { error: "the service is unavailable for this customer; try again later" });
            assert.equal(lambda.invocations.length, before);
            const logs = takeLogs();
            assert.deepEqual(logs.map(l => [l.level, l.message, l.service, l.cellId, l.customerId, l.routedBy]),
                [["INFO", "cell disabled", "router", "cell-c", onC, "hash"]]);
            assert.equal((await send(deployedHandler(), { method: "GET", path: `/customers/${onA}/items` })).statusCode, 200);
        });

        it("takes REST API (payload 1.0) events, invokes the cell with 2.0 and answers in the 1.0 shape", async () => {
            const put = await send(deployedHandler(), { method: "PUT", path: `/customers/${onB}/items/rest`, ...json({ via: "rest" }) }, "1.0");
            assert.equal(put.statusCode, 201, put.body);
            assert.equal(typeof put.body, "string");
            assert.deepEqual((body(put) as { data: unknown }).data, { via: "rest" });
            const sent = lambda.invocations[lambda.invocations.length - 1]!.event as APIGatewayProxyEventV2;
            assert.equal(sent.version, "2.0");
            assert.equal(sent.rawPath, `/prod/customers/${onB}/items/rest`);
            assert.equal(sent.requestContext.stage, "prod");
        });

        it("routes on the verified tenant only: 401 without one (nothing invoked), 403 for a path of another customer", async () => {
            const before = lambda.invocations.length;
            for (const version of ["2.0", "1.0"] as const) {
                const anonymous = await send(deployedHandler(), { method: "GET", path: `/customers/${onA}/items`, tenant: null }, version);
                assert.equal(anonymous.statusCode, 401, version);
                assert.equal(anonymous.headers?.["www-authenticate"], "Bearer");
                assert.deepEqual(body(anonymous), { error: "a valid bearer token is required" });
                const other = await send(deployedHandler(), { method: "PUT", path: `/customers/${onA}/items/x`, tenant: onB, ...json({ stolen: true }) }, version);
                assert.equal(other.statusCode, 403, version);
                assert.deepEqual(body(other), { error: "this token does not grant access to this customer" });
            }
            assert.equal(lambda.invocations.length, before);
        });

        it("passes the verified tenant to the cell in the event it invokes it with", async () => {
            await send(deployedHandler(), { method: "GET", path: `/customers/${onA}/items` });
            const sent = lambda.invocations[lambda.invocations.length - 1]!.event as { requestContext: { authorizer: { jwt: { claims: Record<string, string> } } } };
            assert.equal(sent.requestContext.authorizer.jwt.claims[TENANT_CLAIM], onA);
        });

        it("answers 400 for an invalid customer id and 404 for other paths, invoking nothing", async () => {
            const before = lambda.invocations.length;
            for (const id of ["-bad", "a%20b", "x".repeat(65), "%C3%A9"]) {
                const result = await send(deployedHandler(), { method: "GET", path: `/customers/${id}/items` });
                assert.equal(result.statusCode, 400, id);
                assert.deepEqual(body(result), { error: "invalid customer id: customer ids are 1-64 letters, digits, _ . - and start with a letter or digit" });
            }
            const empty = await send(deployedHandler(), { method: "GET", path: "/customers//items" });
            assert.equal(empty.statusCode, 400);
            assert.deepEqual(body(empty), { error: "malformed request path: empty, . and .. segments are not allowed" });
            for (const p of ["/", "/customers", "/health", "/Customers/acme", "/v1/customers/acme"]) {
                const result = await send(deployedHandler(), { method: "GET", path: p });
                assert.equal(result.statusCode, 404, p);
                assert.deepEqual(body(result), { error: "not found" });
            }
            assert.equal(lambda.invocations.length, before);
        });

        it("routes /customers/{customerId} itself (the cell decides what it serves)", async () => {
            const result = await send(deployedHandler(), { method: "GET", path: `/customers/${onA}` });
            assert.equal(result.statusCode, 404);
            assert.deepEqual(body(result), { error: "not found" });
            assert.equal(lambda.invocations[lambda.invocations.length - 1]!.functionName, fnName("cell-a"));
        });

        it("answers 400 to malformed events and paths", async () => {
            const malformed: unknown[] = [undefined, null, "x", [], {}, { version: "2.0", rawPath: "/customers/a" },
                { ...v2Event({ method: "GET", path: "/customers/a" }), rawPath: 5 },
                { ...v1Event({ method: "GET", path: "/customers/a" }), httpMethod: "" }];
            for (const event of malformed) {
                const result = await (router.handler as Handler)(event as never) as Result;
                assert.equal(result.statusCode, 400, JSON.stringify(event));
                assert.deepEqual(body(result), { error: "malformed request event" });
            }
            const badPath = await send(deployedHandler(), { method: "GET", path: "/customers/%ZZ/items" });
            assert.equal(badPath.statusCode, 400);
            assert.deepEqual(body(badPath), { error: "malformed request path" });
        });

        it("answers 413 for a request too large to invoke a function with, without invoking", async () => {
            const before = lambda.invocations.length;
            const result = await send(deployedHandler(), { method: "PUT", path: `/customers/${onA}/items/big`, body: "x".repeat(6 * 1024 * 1024) });
            assert.equal(result.statusCode, 413);
            assert.deepEqual(body(result), { error: "request too large" });
            assert.equal(lambda.invocations.length, before);
        });
    });

    describe("invoke mode, what the cell answers and how it fails", () => {
        const call = (behaviour: string, spec: Partial<RequestSpec> = {}, version: "1.0" | "2.0" = "2.0", context?: Context) =>
            send(behaviourRouter, { method: "GET", path: `/customers/${behaviour}-customer/items`, ...spec }, version, context);

        it("relays a cell's response faithfully: status, headers, body and cookies (2.0)", async () => {
            const result = await call("teapot");
            assert.deepEqual(result, {
                statusCode: 418,
                headers: { "content-type": "text/plain", "x-cell": "kept", "x-count": "5", "x-flag": "true" },
                body: "short and stout",
                isBase64Encoded: false,
                cookies: ["a=1; Path=/", "b=2"],
            });
        });

        it("relays a cell's cookies as Set-Cookie headers to a REST API (1.0)", async () => {
            const result = await call("teapot", {}, "1.0");
            assert.deepEqual(result, {
                statusCode: 418,
                headers: { "content-type": "text/plain", "x-cell": "kept", "x-count": "5", "x-flag": "true" },
                multiValueHeaders: { "set-cookie": ["a=1; Path=/", "b=2"] },
                body: "short and stout",
                isBase64Encoded: false,
            });
        });

        it("relays a base64 (binary) body as base64", async () => {
            assert.deepEqual(await call("binary"), { statusCode: 200, headers: { "content-type": "image/png" }, body: "iVBORw0KGgo=", isBase64Encoded: true });
        });

        it("relays a cell's own 5xx answers unchanged", async () => {
            assert.deepEqual(await call("cell-500"), { statusCode: 500, headers: { "content-type": "application/json" }, body: "{\"error\":\"internal error\"}", isBase64Encoded: false });
            assert.deepEqual(await call("cell-503"), { statusCode: 503, headers: { "content-type": "application/json", "retry-after": "30" }, body: "{\"error\":\"maintenance\"}", isBase64Encoded: false });
        });

        it("passes a 2.0 event to the cell exactly as received", async () => {
            const event = v2Event({ method: "POST", path: "/customers/echo-customer/items/x?a=1&a=2", headers: { "x-h": "v" }, body: "{\"k\":1}" });
            const result = await behaviourRouter(event, lambdaContext()) as Result;
            assert.equal(result.statusCode, 200);
            assert.deepEqual(body(result), event);
        });

        it("converts a 1.0 event to 2.0 for the cell: path with stage, query, headers, cookies, body", async () => {
            const event = v1Event({
                method: "PUT",
                path: "/customers/echo-customer/items/x",
                multiQuery: { a: ["1", "2"], "b c": ["x y"] },
                headers: { "Content-Type": "application/json", Cookie: "s=1; t=2" },
                multiHeaders: { "X-Multi": ["p", "q"] },
                body: "eyJrIjoxfQ==",
                isBase64Encoded: true,
                requestId: "rest-req-1",
            });
            const result = await behaviourRouter(event, lambdaContext()) as Result;
            assert.equal(result.statusCode, 200);
            const sent = body(result) as APIGatewayProxyEventV2;
            assert.deepEqual(sent, {
                version: "2.0",
                routeKey: "$default",
                rawPath: "/prod/customers/echo-customer/items/x",
                rawQueryString: "a=1&a=2&b%20c=x%20y",
                cookies: ["s=1", "t=2"],
                headers: { host: "api.example.com", "user-agent": "tests", "content-type": "application/json", "x-multi": "p,q" },
                queryStringParameters: { a: "1,2", "b c": "x y" },
                requestContext: {
                    accountId: "123456789012",
                    apiId: "rest1234",
                    domainName: "",
                    domainPrefix: "",
                    http: { method: "PUT", path: "/prod/customers/echo-customer/items/x", protocol: "HTTP/1.1", sourceIp: "198.51.100.9", userAgent: "tests" },
                    requestId: "rest-req-1",
                    routeKey: "$default",
                    // The Cognito authorizer's verified claims, in the shape the cell reads (an HTTP API's JWT authorizer).
                    authorizer: { jwt: { claims: { [TENANT_CLAIM]: "echo-customer", scope: "cellular/items", token_use: "access" }, scopes: [] } },
                    stage: "prod",
                    time: "26/Nov/2026:07:00:00 +0000",
                    timeEpoch: 1795676400000,
                },
                body: "eyJrIjoxfQ==",
                isBase64Encoded: true,
            });
        });

        it("answers 502 for a function error, without its details, and logs them with the cell and customer", async () => {
            const result = await call("boom");
            assert.equal(result.statusCode, 502);
            assert.deepEqual(body(result), BAD_GATEWAY);
            assert.ok(!JSON.stringify(result).includes("db.internal"));
            const errors = takeLogs().filter(l => l.level === "ERROR");
            assert.deepEqual(errors.map(l => [l.message, l.service, l.cellId, l.customerId, l.functionError, l.errorType, l.errorMessage]),
                [["the cell function failed", "router", "cell-boom", "boom-customer", "Unhandled", "Error", "connect ECONNREFUSED db.internal.example:5432"]]);
        });

        it("answers 504 when the cell timed out (Sandbox.Timedout, and the older message-only form)", async () => {
            for (const behaviour of ["timeout", "legacy-timeout"]) {
                const result = await call(behaviour);
                assert.equal(result.statusCode, 504, behaviour);
                assert.deepEqual(body(result), TIMEOUT);
            }
        });

        it("answers 429 with Lambda's Retry-After when the cell is throttled, invoking once (no retries)", async () => {
            const before = lambda.invocations.length;
            const result = await call("throttled");
            assert.equal(result.statusCode, 429);
            assert.equal(result.headers?.["retry-after"], "7");
            assert.deepEqual(body(result), { error: "too many requests; try again later" });
            assert.equal(lambda.invocations.length, before + 1);
            const warnings = takeLogs().filter(l => l.level === "WARN");
            assert.deepEqual(warnings.map(l => [l.message, l.cellId, l.reason, l.retryAfter]),
                [["the cell is throttled", "cell-throttled", "ReservedFunctionConcurrentInvocationLimitExceeded", 7]]);
        });

        it("answers 429 with Retry-After 1 when Lambda gives none", async () => {
            const result = await call("throttled-bare");
            assert.equal(result.statusCode, 429);
            assert.equal(result.headers?.["retry-after"], "1");
        });

        it("answers 502 for Lambda service errors and a missing function, invoking once", async () => {
            for (const behaviour of ["service-error", "missing"]) {
                const before = lambda.invocations.length;
                const result = await call(behaviour);
                assert.equal(result.statusCode, 502, behaviour);
                assert.deepEqual(body(result), BAD_GATEWAY);
                assert.ok(!JSON.stringify(result).includes("10.0.0.12") && !JSON.stringify(result).includes("arn:aws"));
                assert.equal(lambda.invocations.length, before + 1, behaviour);
            }
        });

        it("answers 413 when Lambda refuses the request as too large", async () => {
            const result = await call("too-large");
            assert.equal(result.statusCode, 413);
            assert.deepEqual(body(result), { error: "request too large" });
        });

        it("answers 502 when the cell's answer is not a proxy result", async () => {
            for (const behaviour of ["garbage", "no-status", "bad-headers"]) {
                const result = await call(behaviour);
                assert.equal(result.statusCode, 502, behaviour);
                assert.deepEqual(body(result), BAD_GATEWAY);
            }
        });

        it("gives up on a cell that does not answer before the router's own deadline (504)", async () => {
            const started = Date.now();
            const result = await call("hang", {}, "2.0", lambdaContext(router.RESPONSE_MARGIN_MS + 150));
            const took = Date.now() - started;
            assert.equal(result.statusCode, 504);
            assert.deepEqual(body(result), TIMEOUT);
            assert.ok(took >= 140 && took < 1000, `took ${took} ms`);
        });

        it("answers 504 at once, without invoking, when no time is left", async () => {
            const before = lambda.invocations.length;
            const result = await call("boom", {}, "2.0", lambdaContext(router.RESPONSE_MARGIN_MS - 100));
            assert.equal(result.statusCode, 504);
            assert.equal(lambda.invocations.length, before);
        });
    });

    describe("redirect mode", () => {
        const redirectTable = compileRoutingTable(buildRoutingTable({
            mode: "redirect",
            cells: [
                { id: "cell-a", state: "active", endpoint: "https://cell-a.example.com" },
                { id: "cell-b", state: "active", endpoint: "https://cell-b.example.com/v1" },
                { id: "cell-c", state: "disabled", endpoint: "https://cell-c.example.com" },
            ],
            pinned: { [pinnedToB]: "cell-b" },
        }));
        let redirector: RouterModule.RouterHandler;
        before(() => {
            redirector = router.createRouter({ table: redirectTable, tenantClaim: TENANT_CLAIM, lambda: router.createLambdaClient(), logger: new Logger({ serviceName: "router" }) });
        });

        it("redirects (307) to the customer's cell with the path and query, invoking nothing", async () => {
            const before = lambda.invocations.length;
            const result = await send(redirector, { method: "GET", path: `/customers/${onA}/items/x?limit=2&next=abc` });
            assert.deepEqual(result, { statusCode: 307, headers: { location: `https://cell-a.example.com/customers/${onA}/items/x?limit=2&next=abc` }, body: "", isBase64Encoded: false });
            const pinned = await send(redirector, { method: "PUT", path: `/customers/${pinnedToB}/items`, stage: "prod" });
            assert.equal(pinned.statusCode, 307);
            assert.equal(pinned.headers?.location, `https://cell-b.example.com/v1/customers/${pinnedToB}/items`);
            assert.equal(lambda.invocations.length, before);
        });

        it("rebuilds the query of a REST (1.0) event", async () => {
            const result = await send(redirector, { method: "GET", path: `/customers/${onA}/items?limit=2&q=a b` }, "1.0");
            assert.equal(result.statusCode, 307);
            assert.equal(result.headers?.location, `https://cell-a.example.com/customers/${onA}/items?limit=2&q=a%20b`);
        });

        it("cannot be made to write a header line or another host into Location", async () => {
            const event = v2Event({ method: "GET", path: `/customers/${onA}/items/x` });
            event.rawQueryString = "a=1\r\nSet-Cookie: x=1 \"é\"";
            const result = await redirector(event, lambdaContext()) as Result;
            assert.equal(result.statusCode, 307);
            assert.equal(result.headers?.location, `https://cell-a.example.com/customers/${onA}/items/x?a=1%0D%0ASet-Cookie:%20x=1%20%22%C3%A9%22`);
            const slashes = await send(redirector, { method: "GET", path: `/customers/${onA}/items/%2F%2Fevil.example` });
            assert.equal(slashes.headers?.location, `https://cell-a.example.com/customers/${onA}/items/%2F%2Fevil.example`);
        });

        it("never emits a dot segment in Location: a decoded . or .. (or an empty segment) is refused with 400", async () => {
            for (const path of [`/customers/${onA}/items/%2e%2e/%2e%2e/customers/${onB}/items`, `/customers/${onA}/%2E/items`, `/customers/${onA}/items//x`, `/customers/${onA}/../${onB}/items`]) {
                const result = await send(redirector, { method: "GET", path, tenant: onA });
                assert.equal(result.statusCode, 400, path);
                assert.deepEqual(body(result), { error: "malformed request path: empty, . and .. segments are not allowed" });
                assert.equal(result.headers?.location, undefined);
            }
        });

        it("redirects only the caller's own customer: 401 without a verified token, 403 for another tenant's path", async () => {
            const anonymous = await send(redirector, { method: "GET", path: `/customers/${onA}/items`, tenant: null });
            assert.equal(anonymous.statusCode, 401);
            assert.equal(anonymous.headers?.["www-authenticate"], "Bearer");
            const other = await send(redirector, { method: "GET", path: `/customers/${onA}/items`, tenant: onB });
            assert.equal(other.statusCode, 403);
            assert.equal(other.headers?.location, undefined);
        });

        it("answers 503 for a disabled cell's customers, 400 and 404 as in invoke mode", async () => {
            const disabled = await send(redirector, { method: "GET", path: `/customers/${onC}/items` });
            assert.equal(disabled.statusCode, 503);
            assert.deepEqual(body(disabled), { error: "the service is unavailable for this customer; try again later" });
            assert.equal((await send(redirector, { method: "GET", path: "/customers/-x" })).statusCode, 400);
            assert.equal((await send(redirector, { method: "GET", path: "/elsewhere" })).statusCode, 404);
        });
    });

    describe("the routing table file", () => {
        it("reads and validates routing.json", () => {
            const table = router.loadRoutingTable(path.join(tmp, "routing.json"));
            assert.deepEqual(table.cells, deployed.cells);
            assert.equal(table.mode, "invoke");
            assert.equal(table.pins.get(pinnedToB), 1);
        });

        it("reports a missing, unparsable or invalid file", () => {
            assert.throws(() => router.loadRoutingTable(path.join(tmp, "nope.json")), { code: "ENOENT" });
            fs.writeFileSync(path.join(tmp, "bad.json"), "{ nope");
            assert.throws(() => router.loadRoutingTable(path.join(tmp, "bad.json")), (err: unknown) =>
                isRoutingTableError(err) && err.problems.length === 1 && err.problems[0]!.startsWith(`${path.join(tmp, "bad.json")} is not valid JSON: `));
            fs.writeFileSync(path.join(tmp, "invalid.json"), JSON.stringify({ ...deployed, pinned: { acme: "cell-z" } }));
            assert.throws(() => router.loadRoutingTable(path.join(tmp, "invalid.json")), {
                name: "RoutingTableError",
                message: "invalid routing table (1 problem):\n  - pinned.acme is \"cell-z\"; expected one of the cell ids: cell-a, cell-b, cell-c",
            });
        });

        it("answers 500 and logs why when the deployed table cannot be loaded, still 400/404 for bad requests", async () => {
            const previous = process.env.ROUTING_TABLE_PATH;
            const modulePath = require.resolve("../../handlers/router");
            const loaded = require.cache[modulePath];
            try {
                process.env.ROUTING_TABLE_PATH = path.join(tmp, "missing-routing.json");
                delete require.cache[modulePath];
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const broken = require("../../handlers/router") as typeof RouterModule;
                const atLoad = takeLogs();
                assert.deepEqual(atLoad.map(l => [l.level, l.message, l.file]), [["ERROR", "cannot load the routing table", path.join(tmp, "missing-routing.json")]]);
                const result = await send(broken.handler as Handler, { method: "GET", path: `/customers/${onA}/items` });
                assert.equal(result.statusCode, 500);
                assert.deepEqual(body(result), { error: "internal error" });
                assert.deepEqual(takeLogs().map(l => [l.level, l.message, l.customerId]), [["ERROR", "no routing table", onA]]);
                assert.equal((await send(broken.handler as Handler, { method: "GET", path: "/customers/-x" })).statusCode, 400);
                assert.equal((await send(broken.handler as Handler, { method: "GET", path: "/x" })).statusCode, 404);
            } finally {
                process.env.ROUTING_TABLE_PATH = previous;
                if (loaded) require.cache[modulePath] = loaded;
            }
        });
    });

    describe("the deployed router's bulkheads (routing.json budgets, breaker thresholds from the environment)", () => {
        it("gives up on a hung cell at its budget through the real SDK client, and opens the cell's breaker at the configured threshold", async () => {
            const modulePath = require.resolve("../../handlers/router");
            const loaded = require.cache[modulePath];
            const previous = { table: process.env.ROUTING_TABLE_PATH, threshold: process.env.BREAKER_FAILURE_THRESHOLD, coolDown: process.env.BREAKER_COOL_DOWN_SECONDS };
            try {
                fs.writeFileSync(path.join(tmp, "bulkheads.json"), JSON.stringify(buildRoutingTable({
                    mode: "invoke",
                    cells: [{ id: "cell-hang", state: "active", functionName: "hang:live", budgetMs: 300 },
                        { id: "cell-boom", state: "active", functionName: "boom:live", budgetMs: 5000 },
                        { id: "cell-echo", state: "active", functionName: "echo:live", budgetMs: 5000 }],
                    pinned: { "hang-customer": "cell-hang", "boom-customer": "cell-boom", "echo-customer": "cell-echo" },
                })));
                process.env.ROUTING_TABLE_PATH = path.join(tmp, "bulkheads.json");
                process.env.BREAKER_FAILURE_THRESHOLD = "2";
                process.env.BREAKER_COOL_DOWN_SECONDS = "45";
                delete require.cache[modulePath];
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const deployed = require("../../handlers/router") as typeof RouterModule;
                takeMetrics();
                const get = (customer: string) => send(deployed.handler as Handler, { method: "GET", path: `/customers/${customer}/items` });

                // 15 s left: without the cell's 300 ms budget the router would wait 14.5 s.
                const started = Date.now();
                const hung = await get("hang-customer");
                assert.equal(hung.statusCode, 504);
                assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);

                const before = lambda.invocations.length;
                assert.equal((await get("boom-customer")).statusCode, 502);
                assert.equal((await get("boom-customer")).statusCode, 502);
                const refused = await get("boom-customer");
                assert.equal(refused.statusCode, 503);
                assert.equal(refused.headers?.["retry-after"], "45");
                assert.deepEqual(lambda.invocations.slice(before).map(i => i.functionName), ["boom:live", "boom:live"]);
                assert.equal((await get("echo-customer")).statusCode, 200);
                assert.deepEqual(takeLogs().filter(l => l.level === "WARN").map(l => [l.message, l.cellId]), [["the cell's breaker opened", "cell-boom"]]);
                // One EMF document per invocation, counted per cell.
                assert.deepEqual(takeMetrics().map(m => [m.cell, m.Routed, m.CellTimeouts, m.BreakerOpen]), [
                    ["cell-hang", 1, 1, undefined], ["cell-boom", 1, undefined, undefined], ["cell-boom", 1, undefined, undefined],
                    ["cell-boom", 1, undefined, 1], ["cell-echo", 1, undefined, undefined],
                ]);
            } finally {
                for (const [key, value] of [["ROUTING_TABLE_PATH", previous.table], ["BREAKER_FAILURE_THRESHOLD", previous.threshold], ["BREAKER_COOL_DOWN_SECONDS", previous.coolDown]] as const) {
                    if (value === undefined) delete process.env[key];
                    else process.env[key] = value;
                }
                if (loaded) require.cache[modulePath] = loaded;
            }
        });
    });

    describe("fuzzing the deployed router with the real cells behind it", () => {
        const customer = fc.constantFrom(onA, onB, onC, pinnedToB, "-bad", "", "x".repeat(65), "%41cme", "%ZZ");
        const rest = fc.oneof(fc.constant(""), fc.constantFrom("/items", "/items/a", "/items/b%20c", "/items/", "/other", "/items/a/b"),
            fc.string({ maxLength: 10 }).map(s => `/${s}`));
        const spec = fc.record({
            method: fc.oneof(fc.constantFrom("GET", "PUT", "DELETE", "POST", "HEAD"), fc.string({ minLength: 1, maxLength: 5 })),
            path: fc.oneof(fc.tuple(customer, rest).map(([c, r]) => `/customers/${c}${r}`), fc.string({ maxLength: 20 }).map(s => `/${s}`)),
            body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 30 })), { nil: undefined }),
            isBase64Encoded: fc.boolean(),
            ifMatch: fc.option(fc.constantFrom("\"1\"", "*", "bad"), { nil: undefined }),
            version: fc.constantFrom("1.0" as const, "2.0" as const),
        });
        const ALLOWED = new Set([200, 201, 204, 400, 404, 405, 412, 413, 415, 503]);

        it("never throws and never answers 5xx other than 503 (a disabled cell) to any request", async () => {
            await fc.assert(fc.asyncProperty(spec, async s => {
                const req: RequestSpec = { method: s.method, path: s.path, isBase64Encoded: s.isBase64Encoded, headers: s.ifMatch === undefined ? {} : { "if-match": s.ifMatch } };
                if (s.body !== undefined) req.body = s.body;
                const result = await send(deployedHandler(), req, s.version);
                assert.ok(ALLOWED.has(result.statusCode), `${result.statusCode} ${result.body}`);
                if (result.statusCode >= 400) assert.equal(typeof (body(result) as { error: unknown }).error, "string");
            }), { numRuns: 200 });
            assert.deepEqual(takeLogs().filter(l => l.level === "ERROR"), []);
        });

        it("answers 400 to any value that is not an API Gateway event", async () => {
            await fc.assert(fc.asyncProperty(fc.anything(), async value => {
                const result = await (router.handler as Handler)(value as never) as Result;
                assert.equal(result.statusCode, 400, result.body);
            }), { numRuns: 200 });
        });
    });
});
