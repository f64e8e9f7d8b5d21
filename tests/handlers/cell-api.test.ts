import { LocalDynamo, startDynamo, TEST_CELL_ID, TEST_TABLE } from "./fakes/cell-api-dynamo";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tenantDataPolicy } from "../../components/cell";
import type * as CellApiModule from "../../handlers/cell-api";
import { ownershipFor } from "../../handlers/lib/ownership";
import { StsTenantTables } from "../../handlers/clients/tenant-tables";
import { STSClient } from "@aws-sdk/client-sts";
import { captureLogs, releaseLogs, takeLogs } from "./fakes/routing-logs";
import { lambdaContext, RequestSpec, TENANT_CLAIM, v1Event, v2Event } from "./fakes/routing-events";
import { FakeSts, IamGuard, startFakeSts, startIamGuard } from "./fakes/tenant-iam";

const TABLE_ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${TEST_TABLE}`;
const DATA_ROLE_ARN = "arn:aws:iam::123456789012:role/cellular-test-cell-test-tenant";
/** The test cell is the only one: it owns every customer (tests of other cells' customers build their own API). */
const OWNERSHIP = { version: 1 as const, cells: [TEST_CELL_ID], pinned: {} };

interface Reply {
    status: number;
    headers: Record<string, string>;
    /** The body parsed as JSON when it is JSON, else the text. */
    body: unknown;
    raw: APIGatewayProxyResult;
}

describe("cell API (handlers/cell-api.ts) on a local DynamoDB", function () {
    let dynamo: LocalDynamo;
    let api: typeof CellApiModule;
    let sts: FakeSts;
    let guard: IamGuard;
    let tmp: string;

    before(async () => {
        captureLogs();
        dynamo = await startDynamo();
        await dynamo.createTable(TEST_TABLE);
        // The handler's tenant credentials come from STS; IAM (the guard) enforces the data role's policy on them.
        sts = await startFakeSts();
        guard = await startIamGuard(dynamo.endpoint, sts, tenantDataPolicy(TABLE_ARN), table => `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`);
        process.env.AWS_ENDPOINT_URL_DYNAMODB = guard.endpoint;
        process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cell-api-"));
        fs.writeFileSync(path.join(tmp, "ownership.json"), JSON.stringify(OWNERSHIP));
        // The handler reads its environment at module load: load it now, afresh, whatever other test files set.
        process.env.CELL_ID = TEST_CELL_ID;
        process.env.TABLE_NAME = TEST_TABLE;
        process.env.DATA_ROLE_ARN = DATA_ROLE_ARN;
        process.env.TENANT_CLAIM = TENANT_CLAIM;
        process.env.OWNERSHIP_TABLE_PATH = path.join(tmp, "ownership.json");
        delete require.cache[require.resolve("../../handlers/cell-api")];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        api = require("../../handlers/cell-api") as typeof CellApiModule;
    });

    after(async () => {
        await guard?.close();
        await sts?.close();
        await dynamo?.close();
        for (const v of ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "DATA_ROLE_ARN", "TENANT_CLAIM", "OWNERSHIP_TABLE_PATH"]) delete process.env[v];
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        releaseLogs();
    });

    beforeEach(() => {
        takeLogs();
    });

    async function call(spec: RequestSpec, version: "1.0" | "2.0" = "2.0"): Promise<Reply> {
        const event = version === "2.0" ? v2Event(spec) : v1Event(spec);
        const raw = await api.handler(event, lambdaContext()) as APIGatewayProxyResult;
        let body: unknown = raw.body;
        try {
            body = JSON.parse(raw.body);
        } catch {
            // not JSON
        }
        return { status: raw.statusCode, headers: (raw.headers ?? {}) as Record<string, string>, body, raw };
    }

    const json = (body: unknown, headers: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
    const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

    /** A strong entity tag of this API: `"<version>.<incarnation>"`. */
    const tagOf = (version: number) => new RegExp(`^"${version}\\.[A-Za-z0-9_-]{12}"$`);

    function assertItem(reply: Reply, status: number, id: string, version: number, data: unknown): void {
        assert.equal(reply.status, status, JSON.stringify(reply.body));
        assert.match(reply.headers.etag ?? "", tagOf(version));
        assert.equal(reply.headers["content-type"], "application/json");
        const body = reply.body as { createdAt: string; updatedAt: string };
        assert.match(body.createdAt, ISO);
        assert.match(body.updatedAt, ISO);
        assert.deepEqual(reply.body, { id, version, createdAt: body.createdAt, updatedAt: body.updatedAt, data });
    }

    const PRECONDITION_FAILED = { error: "precondition failed: the item's current entity tag does not satisfy If-Match or If-None-Match" };

    describe("items", () => {
        it("creates an item with PUT (201, version 1) and reads it back with GET", async () => {
            const data = { name: "widget", tags: ["a", "b"], nested: { n: 1.5, ok: true, none: null }, unicode: "żółw 🐢" };
            const created = await call({ method: "PUT", path: "/customers/acme/items/widget-1", ...json(data) });
            assertItem(created, 201, "widget-1", 1, data);
            const read = await call({ method: "GET", path: "/customers/acme/items/widget-1" });
            assertItem(read, 200, "widget-1", 1, data);
            assert.deepEqual(read.body, created.body);
            assert.equal(read.headers.etag, created.headers.etag);
        });

        it("stores the item under the cell's key layout, its data as normal-form JSON text", async () => {
            const put = await call({ method: "PUT", path: "/customers/acme/items/layout", body: "{ \"a\" : 1 ,\n \"b\": [ 1.50 ] }", headers: { "content-type": "application/json" } });
            const out = await dynamo.client.send(new GetCommand({ TableName: TEST_TABLE, Key: { pk: "CUSTOMER#acme", sk: "ITEM#layout" } }));
            assert.equal(out.Item?.data, "{\"a\":1,\"b\":[1.50]}");
            assert.equal(out.Item?.version, 1);
            assert.equal(out.Item?.customerId, "acme");
            assert.equal(out.Item?.itemId, "layout");
            assert.equal(out.Item?.writtenBy, "api:req-v2");
            assert.equal(put.headers.etag, `"1.${out.Item?.incarnation}"`);
        });

        it("keeps every value exactly: integers beyond 2^53, numbers below 1e-130, keys __proto__ and constructor", async () => {
            const text = "{\"big\":123456789012345678901234567890,\"tiny\":1e-400,\"__proto__\":{\"polluted\":true},\"constructor\":{\"prototype\":1},\"neg\":-0.000}";
            assert.equal((await call({ method: "PUT", path: "/customers/acme/items/hostile", body: text })).status, 201);
            const read = await call({ method: "GET", path: "/customers/acme/items/hostile" });
            assert.ok(read.raw.body.endsWith(`"data":${text}}`), read.raw.body);
            assert.equal(({} as Record<string, unknown>).polluted, undefined);
        });

        it("replaces an item with PUT (200), counting the version up and keeping createdAt and the incarnation", async () => {
            const first = await call({ method: "PUT", path: "/customers/acme/items/counter", ...json({ v: 1 }) });
            const second = await call({ method: "PUT", path: "/customers/acme/items/counter", ...json({ v: 2 }) });
            assertItem(second, 200, "counter", 2, { v: 2 });
            assert.equal((second.body as { createdAt: string }).createdAt, (first.body as { createdAt: string }).createdAt);
            assert.equal(second.headers.etag!.split(".")[1], first.headers.etag!.split(".")[1]);
        });

        it("answers 404 for a missing item", async () => {
            const reply = await call({ method: "GET", path: "/customers/acme/items/nope" });
            assert.equal(reply.status, 404);
            assert.deepEqual(reply.body, { error: "item not found" });
        });

        it("keeps customers apart: another customer's item id is not found", async () => {
            await call({ method: "PUT", path: "/customers/acme/items/private", ...json({ secret: 1 }) });
            const reply = await call({ method: "GET", path: "/customers/globex/items/private" });
            assert.equal(reply.status, 404);
        });

        it("writes with a matching If-Match tag (200) and refuses a stale one (412), leaving the item as it was", async () => {
            const v1 = await call({ method: "PUT", path: "/customers/acme/items/cas", ...json({ v: 1 }) });
            const ok = await call({ method: "PUT", path: "/customers/acme/items/cas", ...json({ v: 2 }, { "if-match": v1.headers.etag! }) });
            assertItem(ok, 200, "cas", 2, { v: 2 });
            const stale = await call({ method: "PUT", path: "/customers/acme/items/cas", ...json({ v: 3 }, { "if-match": v1.headers.etag! }) });
            assert.equal(stale.status, 412);
            assert.deepEqual(stale.body, PRECONDITION_FAILED);
            assertItem(await call({ method: "GET", path: "/customers/acme/items/cas" }), 200, "cas", 2, { v: 2 });
        });

        it("takes If-Match lists (any tag matches) and *, and never matches a weak tag on a write (412)", async () => {
            const v1 = await call({ method: "PUT", path: "/customers/acme/items/star", ...json({ v: 1 }) });
            const tag = v1.headers.etag!;
            assert.equal((await call({ method: "PUT", path: "/customers/acme/items/star", ...json({ v: 9 }, { "if-match": `W/${tag}` }) })).status, 412);
            assertItem(await call({ method: "PUT", path: "/customers/acme/items/star", ...json({ v: 2 }, { "if-match": `"1.other", , ${tag}` }) }), 200, "star", 2, { v: 2 });
            assertItem(await call({ method: "PUT", path: "/customers/acme/items/star", ...json({ v: 3 }, { "if-match": "*" }) }), 200, "star", 3, { v: 3 });
            assert.equal((await call({ method: "DELETE", path: "/customers/acme/items/star", headers: { "if-match": `W/"3.${tag.slice(3, -1)}"` } })).status, 412);
        });

        it("refuses a conditional PUT of a missing item (412) and creates nothing", async () => {
            for (const ifMatch of ["\"1.AAAAAAAAAAAA\"", "*"]) {
                const reply = await call({ method: "PUT", path: "/customers/acme/items/ghost", ...json({ v: 1 }, { "if-match": ifMatch }) });
                assert.equal(reply.status, 412, ifMatch);
                assert.deepEqual(reply.body, PRECONDITION_FAILED);
            }
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/ghost" })).status, 404);
        });

        it("creates only with If-None-Match: * (412 when the item exists, which stays as it was)", async () => {
            assertItem(await call({ method: "PUT", path: "/customers/acme/items/once", ...json({ v: 1 }, { "if-none-match": "*" }) }), 201, "once", 1, { v: 1 });
            const again = await call({ method: "PUT", path: "/customers/acme/items/once", ...json({ v: 2 }, { "if-none-match": "*" }) });
            assert.equal(again.status, 412);
            assert.deepEqual(again.body, PRECONDITION_FAILED);
            assertItem(await call({ method: "GET", path: "/customers/acme/items/once" }), 200, "once", 1, { v: 1 });
        });

        it("lets exactly one of 40 concurrent create-only PUTs win", async () => {
            const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
                call({ method: "PUT", path: "/customers/acme/items/race", ...json({ writer: i }, { "if-none-match": "*" }) })));
            const won = replies.filter(r => r.status === 201);
            assert.equal(won.length, 1);
            assert.deepEqual(replies.filter(r => r.status !== 201).map(r => r.status), Array(39).fill(412));
            assert.deepEqual((await call({ method: "GET", path: "/customers/acme/items/race" })).body, won[0]!.body);
        });

        it("never repeats an entity tag across a delete and a re-create: the old tag cannot touch the new item", async () => {
            const first = await call({ method: "PUT", path: "/customers/acme/items/reborn", ...json({ life: 1 }) });
            assert.equal((await call({ method: "DELETE", path: "/customers/acme/items/reborn" })).status, 204);
            const second = await call({ method: "PUT", path: "/customers/acme/items/reborn", ...json({ life: 2 }) });
            assertItem(second, 201, "reborn", 1, { life: 2 });
            assert.notEqual(second.headers.etag, first.headers.etag);
            const stale = await call({ method: "PUT", path: "/customers/acme/items/reborn", ...json({ life: 3 }, { "if-match": first.headers.etag! }) });
            assert.equal(stale.status, 412);
            assert.equal((await call({ method: "DELETE", path: "/customers/acme/items/reborn", headers: { "if-match": first.headers.etag! } })).status, 412);
            assertItem(await call({ method: "GET", path: "/customers/acme/items/reborn" }), 200, "reborn", 1, { life: 2 });
        });

        it("answers a GET whose If-None-Match matches (weakly) with 304 and the tag, and one whose If-Match fails with 412", async () => {
            const put = await call({ method: "PUT", path: "/customers/acme/items/cached", ...json({ c: 1 }) });
            const tag = put.headers.etag!;
            for (const ifNoneMatch of [tag, `W/${tag}`, `"0.x", ${tag}`, "*"]) {
                const reply = await call({ method: "GET", path: "/customers/acme/items/cached", headers: { "if-none-match": ifNoneMatch } });
                assert.equal(reply.status, 304, ifNoneMatch);
                assert.equal(reply.headers.etag, tag);
                assert.equal(reply.raw.body, "");
            }
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/cached", headers: { "if-none-match": "\"9.stale\"" } })).status, 200);
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/cached", headers: { "if-match": "\"9.stale\"" } })).status, 412);
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/cached", headers: { "if-match": tag } })).status, 200);
        });

        it("answers HEAD as GET without the body", async () => {
            await call({ method: "PUT", path: "/customers/acme/items/headed", ...json({ h: 1 }) });
            const get = await call({ method: "GET", path: "/customers/acme/items/headed" });
            const head = await call({ method: "HEAD", path: "/customers/acme/items/headed" });
            assert.deepEqual([head.status, head.headers, head.raw.body], [200, get.headers, ""]);
            const missing = await call({ method: "HEAD", path: "/customers/acme/items/no-such" });
            assert.deepEqual([missing.status, missing.raw.body], [404, ""]);
            const list = await call({ method: "HEAD", path: "/customers/acme/items" });
            assert.deepEqual([list.status, list.headers["content-type"], list.raw.body], [200, "application/json", ""]);
        });

        it("rejects a malformed If-Match or If-None-Match (400)", async () => {
            for (const ifMatch of ["\"1", "abc", "3", "", "\"1.a\" \"2.b\"", "W/", "*, \"1.a\"", Array.from({ length: 17 }, (_, i) => `"${i + 1}.a"`).join(",")]) {
                const reply = await call({ method: "PUT", path: "/customers/acme/items/x", ...json({}, { "if-match": ifMatch }) });
                assert.equal(reply.status, 400, ifMatch);
                assert.deepEqual(reply.body, { error: "If-Match must be * or a list of up to 16 entity tags, such as \"3.Xy7_k2Lq0aBc\"" });
            }
            const reply = await call({ method: "GET", path: "/customers/acme/items/x", headers: { "if-none-match": "nope" } });
            assert.equal(reply.status, 400);
            assert.deepEqual(reply.body, { error: "If-None-Match must be * or a list of up to 16 entity tags, such as \"3.Xy7_k2Lq0aBc\"" });
        });

        it("deletes an item (204, empty body); a second DELETE answers 404", async () => {
            await call({ method: "PUT", path: "/customers/acme/items/gone", ...json({ v: 1 }) });
            const deleted = await call({ method: "DELETE", path: "/customers/acme/items/gone" });
            assert.equal(deleted.status, 204);
            assert.equal(deleted.raw.body, "");
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/gone" })).status, 404);
            const again = await call({ method: "DELETE", path: "/customers/acme/items/gone" });
            assert.equal(again.status, 404);
            assert.deepEqual(again.body, { error: "item not found" });
        });

        it("deletes conditionally: a stale If-Match is 412 and keeps the item, a current one deletes, If-Match on a missing item is 412 (RFC 9110)", async () => {
            const v1 = await call({ method: "PUT", path: "/customers/acme/items/cond", ...json({ v: 1 }) });
            const v2 = await call({ method: "PUT", path: "/customers/acme/items/cond", ...json({ v: 2 }) });
            const stale = await call({ method: "DELETE", path: "/customers/acme/items/cond", headers: { "if-match": v1.headers.etag! } });
            assert.equal(stale.status, 412);
            assert.deepEqual(stale.body, PRECONDITION_FAILED);
            assert.equal((await call({ method: "GET", path: "/customers/acme/items/cond" })).status, 200);
            assert.equal((await call({ method: "DELETE", path: "/customers/acme/items/cond", headers: { "if-match": v2.headers.etag! } })).status, 204);
            assert.equal((await call({ method: "DELETE", path: "/customers/acme/items/cond", headers: { "if-match": v2.headers.etag! } })).status, 412);
            const missing = await call({ method: "DELETE", path: "/customers/acme/items/cond", headers: { "if-none-match": "*" } });
            assert.equal(missing.status, 404);
            assert.deepEqual(missing.body, { error: "item not found" });
        });

        it("serves REST API (payload 1.0) events and answers in the 1.0 shape", async () => {
            const put = await call({ method: "PUT", path: "/customers/rest-customer/items/r1", ...json({ via: "rest" }) }, "1.0");
            assertItem(put, 201, "r1", 1, { via: "rest" });
            assert.equal(put.raw.isBase64Encoded, false);
            assertItem(await call({ method: "GET", path: "/customers/rest-customer/items/r1" }, "1.0"), 200, "r1", 1, { via: "rest" });
        });

        it("strips a named stage from the 2.0 rawPath", async () => {
            await call({ method: "PUT", path: "/customers/staged/items/s1", stage: "prod", ...json({ s: 1 }) });
            assertItem(await call({ method: "GET", path: "/customers/staged/items/s1" }), 200, "s1", 1, { s: 1 });
        });

        it("decodes percent-encoded path segments", async () => {
            await call({ method: "PUT", path: "/customers/acme/items/enc%2Eoded", ...json({ e: 1 }) });
            assertItem(await call({ method: "GET", path: "/customers/acme/items/enc.oded" }), 200, "enc.oded", 1, { e: 1 });
        });
    });

    describe("listing", () => {
        before(async () => {
            for (const id of ["e", "a", "c", "b", "d"]) await call({ method: "PUT", path: `/customers/lister/items/${id}`, ...json({ id }) });
            await call({ method: "PUT", path: "/customers/lister2/items/z", ...json({ id: "z" }) });
        });

        it("lists a customer's items in id order, page by page with the next token", async () => {
            const seen: string[] = [];
            let next: string | undefined;
            const pages: number[] = [];
            for (let page = 0; page < 5; page++) {
                const reply = await call({ method: "GET", path: `/customers/lister/items?limit=2${next ? `&next=${next}` : ""}` });
                assert.equal(reply.status, 200);
                const body = reply.body as { items: Array<{ id: string; version: number; data: unknown }>; next?: string };
                for (const item of body.items) {
                    assert.deepEqual(item.data, { id: item.id });
                    assert.equal(item.version, 1);
                }
                seen.push(...body.items.map(i => i.id));
                pages.push(body.items.length);
                next = body.next;
                if (next === undefined) break;
            }
            assert.deepEqual(seen, ["a", "b", "c", "d", "e"]);
            assert.deepEqual(pages, [2, 2, 1]);
        });

        it("lists with the default limit, and an empty list for a customer without items", async () => {
            const reply = await call({ method: "GET", path: "/customers/lister/items" });
            assert.deepEqual((reply.body as { items: Array<{ id: string }> }).items.map(i => i.id), ["a", "b", "c", "d", "e"]);
            assert.equal((reply.body as { next?: string }).next, undefined);
            const empty = await call({ method: "GET", path: "/customers/nobody/items" });
            assert.equal(empty.status, 200);
            assert.deepEqual(empty.body, { items: [] });
        });

        it("treats query parameters named like Object properties as plain parameters", async () => {
            const reply = await call({ method: "GET", path: "/customers/lister/items?valueOf=1&__proto__=x&constructor=y&limit=2" }, "1.0");
            assert.equal(reply.status, 200);
            assert.deepEqual((reply.body as { items: Array<{ id: string }> }).items.map(i => i.id), ["a", "b"]);
            const v2 = await call({ method: "GET", path: "/customers/lister/items?toString=1&limit=1", headers: { "__proto__": "x", hasOwnProperty: "y" } });
            assert.equal(v2.status, 200);
            assert.deepEqual((v2.body as { items: Array<{ id: string }> }).items.map(i => i.id), ["a"]);
        });

        it("rejects a limit that is not an integer from 1 to 100 (400)", async () => {
            for (const limit of ["0", "101", "abc", "1.5", "-1", "", "1e2"]) {
                const reply = await call({ method: "GET", path: `/customers/lister/items?limit=${limit}` });
                assert.equal(reply.status, 400, limit);
                assert.deepEqual(reply.body, { error: "limit must be an integer from 1 to 100" });
            }
            assert.equal((await call({ method: "GET", path: "/customers/lister/items?limit=100" })).status, 200);
        });

        it("rejects a next token it did not issue (400)", async () => {
            const forged = [
                "!!!",
                Buffer.from("has space").toString("base64url"),
                Buffer.from("-leading-dash").toString("base64url"),
                "YQ=", // padded: not canonical base64url
                "YR", // decodes to "a" but is not the canonical spelling of it ("YQ")
                "x".repeat(201),
            ];
            for (const next of forged) {
                const reply = await call({ method: "GET", path: `/customers/lister/items?next=${encodeURIComponent(next)}` });
                assert.equal(reply.status, 400, next);
                assert.deepEqual(reply.body, { error: "invalid next token" });
            }
        });

        it("never pages into another customer's items with a token", async () => {
            const reply = await call({ method: "GET", path: `/customers/lister2/items?next=${api.encodeNextToken("a")}` });
            assert.deepEqual((reply.body as { items: Array<{ id: string }> }).items.map(i => i.id), ["z"]);
        });
    });

    describe("request bodies", () => {
        const put = (spec: Partial<RequestSpec>) => call({ method: "PUT", path: "/customers/acme/items/body", headers: { "content-type": "application/json" }, ...spec });

        it("rejects a body that is not JSON (400)", async () => {
            for (const body of ["{", "{'a':1}", "undefined", "{\"a\":1}}"]) {
                const reply = await put({ body });
                assert.equal(reply.status, 400, body);
                assert.deepEqual(reply.body, { error: "the body is not valid JSON" });
            }
        });

        it("rejects JSON that is not an object, and an empty body (400)", async () => {
            for (const body of ["[1,2]", "null", "42", "\"text\"", "true", "", "   "]) {
                const reply = await put({ body });
                assert.equal(reply.status, 400, body);
                assert.deepEqual(reply.body, { error: "the body must be a JSON object" });
            }
            const none = await call({ method: "PUT", path: "/customers/acme/items/body" });
            assert.equal(none.status, 400);
            assert.deepEqual(none.body, { error: "the body must be a JSON object" });
        });

        it("accepts a body of exactly 64 KiB and rejects one byte more (413)", async () => {
            const exact = `{"p":"${"x".repeat(65536 - 8)}"}`;
            assert.equal(Buffer.byteLength(exact), 65536);
            assert.equal((await put({ body: exact })).status, 201);
            const over = `{"p":"${"x".repeat(65536 - 7)}"}`;
            const reply = await put({ body: over });
            assert.equal(reply.status, 413);
            assert.deepEqual(reply.body, { error: "the body is larger than 65536 bytes" });
            // Multi-byte characters count as bytes.
            const wide = await put({ body: `{"p":"${"é".repeat(33000)}"}` });
            assert.equal(wide.status, 413);
        });

        it("decodes a base64 body; rejects bad base64 (400), bad UTF-8 (400) and an oversized one (413)", async () => {
            const good = await put({ body: Buffer.from("{\"b64\":true}").toString("base64"), isBase64Encoded: true });
            assert.equal(good.status, 200);
            assert.deepEqual((good.body as { data: unknown }).data, { b64: true });
            for (const body of ["not base64!", "abc", "YWJj=", "YW Jj"]) {
                const reply = await put({ body, isBase64Encoded: true });
                assert.equal(reply.status, 400, body);
                assert.deepEqual(reply.body, { error: "the body is not valid base64" });
            }
            const latin1 = await put({ body: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]).toString("base64"), isBase64Encoded: true });
            assert.equal(latin1.status, 400);
            assert.deepEqual(latin1.body, { error: "the body is not valid UTF-8" });
            const big = await put({ body: Buffer.from(`{"p":"${"x".repeat(70000)}"}`).toString("base64"), isBase64Encoded: true });
            assert.equal(big.status, 413);
            assert.deepEqual(big.body, { error: "the body is larger than 65536 bytes" });
        });

        it("takes JSON media types and refuses others (415)", async () => {
            for (const type of ["application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON"]) {
                assert.equal((await put({ body: "{}", headers: { "content-type": type } })).status, 200, type);
            }
            for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"]) {
                const reply = await put({ body: "{}", headers: { "content-type": type } });
                assert.equal(reply.status, 415, type);
                assert.deepEqual(reply.body, { error: "the body must be sent as application/json" });
            }
        });

        it("returns a document nested 256 levels deep exactly as stored, and refuses one level more (400)", async () => {
            const nested = (depth: number) => "{\"a\":".repeat(depth - 1) + "[1]" + "}".repeat(depth - 1);
            assert.equal((await put({ body: nested(256) })).status, 200);
            const reply = await call({ method: "GET", path: "/customers/acme/items/body" });
            assert.equal(reply.status, 200);
            assert.ok(reply.raw.body.endsWith(`"data":${nested(256)}}`));
            for (const deep of [nested(257), "[".repeat(30000) + "]".repeat(30000), "{\"a\":".repeat(13000)]) {
                const refused = await put({ body: deep });
                assert.equal(refused.status, 400);
                assert.deepEqual(refused.body, { error: "the body nests objects and arrays deeper than 256 levels" });
            }
        });
    });

    describe("routes, methods and ids", () => {
        it("answers 404 for paths it does not serve", async () => {
            for (const path of ["/", "/customers", "/customers/acme", "/customers/acme/things", "/customers/acme/items/a/b", "/other/acme/items"]) {
                const reply = await call({ method: "GET", path });
                assert.equal(reply.status, 404, path);
                assert.deepEqual(reply.body, { error: "not found" });
            }
        });

        it("answers 405 with Allow for a method a route does not take", async () => {
            for (const method of ["POST", "PATCH", "OPTIONS"]) {
                const item = await call({ method, path: "/customers/acme/items/x" });
                assert.equal(item.status, 405, method);
                assert.equal(item.headers.allow, "DELETE, GET, HEAD, PUT");
                assert.deepEqual(item.body, { error: "method not allowed" });
            }
            for (const method of ["PUT", "DELETE", "POST"]) {
                const list = await call({ method, path: "/customers/acme/items" });
                assert.equal(list.status, 405, method);
                assert.equal(list.headers.allow, "GET, HEAD");
            }
        });

        it("rejects an invalid customer id (400)", async () => {
            for (const id of ["-acme", ".x", "a%20b", "x".repeat(65), "%C3%A9"]) {
                const reply = await call({ method: "GET", path: `/customers/${id}/items` });
                assert.equal(reply.status, 400, id);
                assert.deepEqual(reply.body, { error: "invalid customer id: customer ids are 1-64 letters, digits, _ . - and start with a letter or digit" });
            }
        });

        it("rejects an invalid item id (400)", async () => {
            for (const id of ["", "_x", "a%20b", "x".repeat(129), "a%2Fb"]) {
                const reply = await call({ method: "GET", path: `/customers/acme/items/${id}` });
                assert.equal(reply.status, 400, id);
                assert.deepEqual(reply.body, { error: "invalid item id: item ids are 1-128 letters, digits, _ . - and start with a letter or digit" });
            }
            assert.equal((await call({ method: "GET", path: `/customers/acme/items/${"x".repeat(128)}` })).status, 404);
        });

        it("rejects malformed events and paths (400)", async () => {
            const malformed: unknown[] = [null, 42, "GET /", [], {}, { version: "2.0" }, { version: "3.0", rawPath: "/" },
                { ...v2Event({ method: "GET", path: "/customers/a/items" }), rawPath: "customers/a/items" },
                { ...v2Event({ method: "GET", path: "/customers/a/items" }), body: 42 },
                { ...v2Event({ method: "GET", path: "/customers/a/items" }), requestContext: { http: {} } },
                { ...v1Event({ method: "GET", path: "/customers/a/items" }), path: 7 },
                { ...v1Event({ method: "GET", path: "/customers/a/items" }), isBase64Encoded: "yes" }];
            for (const event of malformed) {
                const reply = await api.handler(event as never) as APIGatewayProxyResult;
                assert.equal(reply.statusCode, 400, JSON.stringify(event));
                assert.deepEqual(JSON.parse(reply.body), { error: "malformed request event" });
            }
            const badPath = await call({ method: "GET", path: "/customers/acme/items/%E0%A4%A" });
            assert.equal(badPath.status, 400);
            assert.deepEqual(badPath.body, { error: "malformed request path" });
        });
    });

    describe("failures", () => {
        it("logs an unexpected error with the cell id and request ids, and answers 500 without details", async () => {
            const logger = new Logger({ serviceName: "cell-api", persistentKeys: { cellId: "cell-broken" } });
            const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint }));
            const broken = api.createCellApi({ cellId: "cell-broken", tableName: "no-such-table", tenantClaim: TENANT_CLAIM,
                ownership: ownershipFor("cell-broken", { version: 1, cells: ["cell-broken"], pinned: {} }), tables: { clientFor: async () => client }, logger });
            const reply = await broken(v2Event({ method: "GET", path: "/customers/acme/items/x", requestId: "api-req-9" }), lambdaContext(15_000, "lambda-req-9")) as APIGatewayProxyResult;
            assert.equal(reply.statusCode, 500);
            assert.deepEqual(JSON.parse(reply.body), { error: "internal error" });
            assert.ok(!reply.body.includes("no-such-table"));
            const errors = takeLogs().filter(l => l.level === "ERROR");
            assert.equal(errors.length, 1);
            assert.equal(errors[0]!.message, "unexpected error");
            assert.equal(errors[0]!.service, "cell-api");
            assert.equal(errors[0]!.cellId, "cell-broken");
            assert.equal(errors[0]!.customerId, "acme");
            assert.equal(errors[0]!.itemId, "x");
            assert.equal(errors[0]!.apiRequestId, "api-req-9");
            assert.equal(errors[0]!.function_request_id, "lambda-req-9");
            assert.deepEqual(Object.keys(errors[0]!.error as object).sort(), ["awsRequestId", "errorType", "httpStatus"]);
            assert.equal((errors[0]!.error as { errorType: string }).errorType, "ResourceNotFoundException");
        });

        it("answers 500 when CELL_ID or TABLE_NAME is missing", async () => {
            const logger = new Logger({ serviceName: "cell-api" });
            const unconfigured = api.createCellApi({ cellId: undefined, tableName: undefined, tenantClaim: TENANT_CLAIM,
                ownership: ownershipFor("cell-test", OWNERSHIP), tables: { clientFor: async () => dynamo.client }, logger });
            const reply = await unconfigured(v2Event({ method: "GET", path: "/customers/acme/items/x" })) as APIGatewayProxyResult;
            assert.equal(reply.statusCode, 500);
            assert.deepEqual(JSON.parse(reply.body), { error: "internal error" });
            const errors = takeLogs().filter(l => l.level === "ERROR");
            assert.equal(errors.length, 1);
            assert.deepEqual(errors[0]!.error, { errorType: "UnconfiguredError", errorMessage: "CELL_ID and TABLE_NAME must be set" });
        });

        it("the deployed handler's logs carry the cell id from CELL_ID (the table vanishes under it)", async () => {
            await dynamo.deleteTable(TEST_TABLE);
            try {
                const reply = await call({ method: "GET", path: "/customers/acme/items/x" });
                assert.equal(reply.status, 500);
                const errors = takeLogs().filter(l => l.level === "ERROR");
                assert.equal(errors.length, 1);
                assert.equal(errors[0]!.cellId, TEST_CELL_ID);
                assert.equal(errors[0]!.service, "cell-api");
            } finally {
                await dynamo.createTable(TEST_TABLE);
            }
        });
    });

    describe("who may: the verified tenant, for its own customer, in its own cell, with its own credentials", () => {
        it("answers 401 with WWW-Authenticate: Bearer without a verified token, and writes nothing", async () => {
            const reply = await call({ method: "PUT", path: "/customers/acme/items/a1", tenant: null, ...json({ v: 1 }) });
            assert.equal(reply.status, 401);
            assert.equal(reply.headers["www-authenticate"], "Bearer");
            assert.deepEqual(reply.body, { error: "a valid bearer token is required" });
            const stored = await dynamo.client.send(new GetCommand({ TableName: TEST_TABLE, Key: { pk: "CUSTOMER#acme", sk: "ITEM#a1" } }));
            assert.equal(stored.Item, undefined);
        });

        it("answers 403 to a valid token of another tenant, for any method, and reveals nothing", async () => {
            await call({ method: "PUT", path: "/customers/victim/items/secret", ...json({ pin: 1234 }) });
            for (const method of ["GET", "PUT", "DELETE"]) {
                const reply = await call({ method, path: "/customers/victim/items/secret", tenant: "attacker", ...json({ pin: 0 }) });
                assert.equal(reply.status, 403, method);
                assert.deepEqual(reply.body, { error: "this token does not grant access to this customer" });
            }
            const list = await call({ method: "GET", path: "/customers/victim/items", tenant: "attacker" });
            assert.equal(list.status, 403);
            assert.equal(((await call({ method: "GET", path: "/customers/victim/items/secret" })).body as { data: { pin: number } }).data.pin, 1234);
        });

        it("answers 421 for a customer another cell owns, even with that customer's valid token, and writes nothing", async () => {
            const logger = new Logger({ serviceName: "cell-api" });
            let asked = 0;
            const other = api.createCellApi({ cellId: TEST_CELL_ID, tableName: TEST_TABLE, tenantClaim: TENANT_CLAIM, logger,
                ownership: ownershipFor(TEST_CELL_ID, { version: 1, cells: [TEST_CELL_ID, "cell-other"], pinned: { elsewhere: "cell-other", here: TEST_CELL_ID } }),
                tables: { clientFor: async () => { asked++; return dynamo.client; } } });
            const misrouted = await other(v2Event({ method: "PUT", path: "/customers/elsewhere/items/x", body: "{}" })) as APIGatewayProxyResult;
            assert.equal(misrouted.statusCode, 421);
            assert.deepEqual(JSON.parse(misrouted.body), { error: "this cell does not serve this customer" });
            // Only its placement marker is read (a customer moved here would be served); nothing is written.
            assert.equal(asked, 1);
            assert.equal((await dynamo.client.send(new GetCommand({ TableName: TEST_TABLE, Key: { pk: "CUSTOMER#elsewhere", sk: "ITEM#x" } }))).Item, undefined);
            const ours = await other(v2Event({ method: "PUT", path: "/customers/here/items/x", body: "{}" })) as APIGatewayProxyResult;
            assert.equal(ours.statusCode, 201);
        });

        it("reaches the table only with the tenant's own STS session, once per tenant while it lasts", async () => {
            const before = sts.calls.length;
            for (let i = 0; i < 5; i++) {
                assert.equal((await call({ method: "PUT", path: `/customers/sts-a/items/i${i}`, ...json({ i }) })).status, 201);
                assert.equal((await call({ method: "GET", path: `/customers/sts-b/items/i${i}` })).status, 404);
            }
            const calls = sts.calls.slice(before);
            assert.deepEqual(calls.map(c => [c.roleArn, c.tags]), [[DATA_ROLE_ARN, { tenant: "sts-a" }], [DATA_ROLE_ARN, { tenant: "sts-b" }]]);
            assert.deepEqual(guard.denied, []);
        });

        it("is stopped by IAM if the code ever used one tenant's credentials for another's items (the data role's LeadingKeys)", async () => {
            // A cell API whose code forgot the tenant: every request uses acme's session.
            const acme = new StsTenantTables({ roleArn: DATA_ROLE_ARN, tagKey: "tenant", sts: new STSClient({ endpoint: sts.endpoint }),
                clientWith: credentials => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: guard.endpoint, credentials })) });
            const buggy = api.createCellApi({ cellId: TEST_CELL_ID, tableName: TEST_TABLE, tenantClaim: TENANT_CLAIM, logger: new Logger({ serviceName: "cell-api" }),
                ownership: ownershipFor(TEST_CELL_ID, OWNERSHIP), tables: { clientFor: () => acme.clientFor("acme") } });
            const own = await buggy(v2Event({ method: "PUT", path: "/customers/acme/items/ok", body: "{}" })) as APIGatewayProxyResult;
            assert.equal(own.statusCode, 201);
            const theirs = await buggy(v2Event({ method: "PUT", path: "/customers/globex/items/stolen", body: "{}" })) as APIGatewayProxyResult;
            assert.equal(theirs.statusCode, 500);
            // The first call for a customer reads its placement marker (lib/placement.ts): that is what IAM stops.
            assert.deepEqual(guard.denied.at(-1), { operation: "GetItem", tenant: "acme", keys: ["CUSTOMER#globex"] });
            const stored = await dynamo.client.send(new GetCommand({ TableName: TEST_TABLE, Key: { pk: "CUSTOMER#globex", sk: "ITEM#stolen" } }));
            assert.equal(stored.Item, undefined);
        });
    });

    describe("fuzzing", () => {
        const segment = fc.oneof(
            fc.constantFrom("customers", "items", "acme", "fuzz-customer", "item-1", "", "%", "%2F", "%E0%A4%A", "..", "-x", "x".repeat(70)),
            fc.string({ maxLength: 12 }).map(s => encodeURIComponent(s)),
            fc.string({ unit: "binary", maxLength: 8 }),
        );
        const path = fc.oneof(
            fc.tuple(fc.constantFrom("acme", "fuzz-customer", "-bad"), fc.option(fc.constantFrom("item-1", "item-2", "bad id", "x".repeat(130)), { nil: undefined }))
                .map(([c, i]) => `/customers/${c}/items${i === undefined ? "" : `/${encodeURIComponent(i)}`}`),
            fc.array(segment, { maxLength: 5 }).map(s => `/${s.join("/")}`),
        );
        const query = fc.oneof(fc.constant(""), fc.constantFrom("limit=2", "limit=0", "limit=abc", "next=YQ", "next=!!", "limit=1&next=aXRlbS0x"),
            fc.string({ maxLength: 20 }));
        const body = fc.oneof(
            fc.constant(undefined),
            fc.jsonValue({ maxDepth: 3 }).map(v => JSON.stringify(v)),
            fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })).map(v => JSON.stringify(v)),
            fc.string({ maxLength: 50 }),
            fc.string({ unit: "binary", maxLength: 50 }),
        );
        const headers = fc.record({
            "content-type": fc.constantFrom("application/json", "text/plain", "application/x+json", ";;;"),
            "if-match": fc.constantFrom("\"1\"", "\"2\"", "*", "W/\"1\"", "\"", "99999999999999999999", "\"1.AAAAAAAAAAAA\", W/\"2.x\""),
            "if-none-match": fc.constantFrom("*", "\"1.AAAAAAAAAAAA\"", "W/\"1.x\"", "x"),
        }, { requiredKeys: [] });
        const spec = fc.record({
            method: fc.oneof(fc.constantFrom("GET", "PUT", "DELETE", "POST", "PATCH", "HEAD", "OPTIONS", "get"), fc.string({ minLength: 1, maxLength: 6 })),
            path,
            query,
            headers,
            body,
            isBase64Encoded: fc.boolean(),
            version: fc.constantFrom("1.0" as const, "2.0" as const),
        });
        const ALLOWED = new Set([200, 201, 204, 304, 400, 404, 405, 412, 413, 415]);

        it("answers every generated request with a 2xx or 4xx and a JSON error body, never 500 and never a throw", async () => {
            await fc.assert(fc.asyncProperty(spec, async s => {
                const req: RequestSpec = { method: s.method, path: s.query === "" ? s.path : `${s.path}?${s.query}`, headers: s.headers as Record<string, string>, isBase64Encoded: s.isBase64Encoded };
                if (s.body !== undefined) req.body = s.body;
                const event = s.version === "2.0" ? v2Event(req) : v1Event(req);
                const reply = await api.handler(event, lambdaContext()) as APIGatewayProxyResult;
                assert.ok(ALLOWED.has(reply.statusCode), `${reply.statusCode} ${reply.body}`);
                if (reply.statusCode >= 400 && s.method !== "HEAD") {
                    const parsed = JSON.parse(reply.body) as { error: unknown };
                    assert.equal(typeof parsed.error, "string");
                }
            }), { numRuns: 300 });
            assert.deepEqual(takeLogs().filter(l => l.level === "ERROR"), []);
        });

        it("answers 400 to any value that is not an API Gateway event", async () => {
            await fc.assert(fc.asyncProperty(fc.anything(), async value => {
                const reply = await api.handler(value as never) as APIGatewayProxyResult;
                assert.equal(reply.statusCode, 400, reply.body);
            }), { numRuns: 300 });
        });
    });
});
