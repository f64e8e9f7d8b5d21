/**
 * Every writer of customer items against one table: the cell API, the queue worker and ingest, in any order, with
 * duplicates and idempotency keys reused across customers. The model below is independent of the item module: it
 * counts versions itself and knows the normal form of each document as text written by hand.
 */
import * as assert from "assert";
import fc from "fast-check";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyResult, S3Event, SQSEvent, SQSRecord } from "aws-lambda";
import type * as CellApiModule from "../../handlers/cell-api";
import { ownershipFor } from "../../handlers/lib/ownership";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { awsEnv, capture, failedItems, fakeContext, s3Event, setEnv, sqsRecord } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";
import { loadHandler, restoreHandlers } from "./fakes/handler-modules";
import { v2Event } from "./fakes/routing-events";

const BUCKET = "cell-a-ingest";
const CUSTOMERS = ["c-1", "c-2"] as const;
const ITEMS = ["i-1", "i-2"] as const;

/** Documents as a client writes them, and their normal form as the cell must keep it (written by hand). */
const DOCUMENTS: ReadonlyArray<readonly [string, string]> = [
    ["{}", "{}"],
    ['{ "n" : 1 }', '{"n":1}'],
    ['{"big": 123456789012345678901234567890, "neg": -98765432109876543210}', '{"big":123456789012345678901234567890,"neg":-98765432109876543210}'],
    ['{"tiny":1e-400,"also":2.5E-131,"kept":1.50}', '{"tiny":1e-400,"also":2.5E-131,"kept":1.50}'],
    ['{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'],
    ['{"s":"\\u00e9\\n\\"q\\"","list":[true,null,{"k":[]}]}', '{"s":"é\\n\\"q\\"","list":[true,null,{"k":[]}]}'],
    ['{"dup":1,"dup":2}', '{"dup":2}'],
    // A canary (tests/handlers/log-canaries.test.ts): stored by every writer, printed by none.
    ['{"card" : "4111 CANARY-1c6b"}', '{"card":"4111 CANARY-1c6b"}'],
];

type Precondition = "none" | "current" | "stale" | "create-only";
type Op =
    | { kind: "put"; customer: string; item: string; doc: number; precondition: Precondition }
    | { kind: "delete"; customer: string; item: string; precondition: Exclude<Precondition, "create-only"> }
    | { kind: "queue"; customer: string; item: string; doc: number; key?: string; redeliver: boolean }
    | { kind: "ingest"; rows: Array<{ customer: string; item: string; doc: number } | { malformed: string }>; again: boolean };

const customer = fc.constantFrom(...CUSTOMERS);
const item = fc.constantFrom(...ITEMS);
const doc = fc.integer({ min: 0, max: DOCUMENTS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("put" as const), customer, item, doc, precondition: fc.constantFrom<Precondition>("none", "current", "stale", "create-only") }),
    fc.record({ kind: fc.constant("delete" as const), customer, item, precondition: fc.constantFrom("none" as const, "current" as const, "stale" as const) }),
    fc.record({ kind: fc.constant("queue" as const), customer, item, doc, key: fc.option(fc.constantFrom("order-1", "order-2"), { nil: undefined }), redeliver: fc.boolean() }),
    fc.record({
        kind: fc.constant("ingest" as const),
        rows: fc.array(fc.oneof(
            { arbitrary: fc.record({ customer, item, doc }), weight: 4 },
            { arbitrary: fc.record({ malformed: fc.constantFrom("{oops", '{"customerId":"c-1"}', '{"customerId":"not an id","itemId":"i-1"}') }), weight: 1 },
        ), { minLength: 1, maxLength: 5 }),
        again: fc.boolean(),
    }),
);

interface ModelItem {
    version: number;
    data: string;
}

describe("every writer keeps every write (API, queue worker, ingest on one table)", () => {
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let restoreEnv: () => void;
    let queueWorker: (event: SQSEvent, context: ReturnType<typeof fakeContext>) => Promise<unknown>;
    let ingest: (event: S3Event, context: ReturnType<typeof fakeContext>) => Promise<unknown>;
    let api: CellApiModule.CellApiHandler;

    before(async () => {
        [dynamo, s3] = await Promise.all([startFakeDynamo(), startFakeS3()]);
        restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint }, { BUCKET_NAME: BUCKET }));
        queueWorker = loadHandler<{ handler: typeof queueWorker }>("queue-worker").handler;
        ingest = loadHandler<{ handler: typeof ingest }>("ingest").handler;
        const cellApi = loadHandler<typeof CellApiModule>("cell-api");
        api = cellApi.createCellApi({
            cellId: "cell-a", tableName: dynamo.tableName, tenantClaim: "tenant_id", logger: new Logger({ serviceName: "cell-api" }),
            ownership: ownershipFor("cell-a", { version: 1, cells: ["cell-a"], pinned: {} }), tables: { clientFor: async () => dynamo.client },
        });
    });
    after(async () => {
        restoreEnv();
        restoreHandlers();
        await Promise.all([dynamo.close(), s3.close()]);
    });

    /** One API request, its output not captured (for a caller that captures around many at once). */
    const request = async (method: string, customerId: string, itemId: string, headers: Record<string, string> = {}, body?: string) => {
        const result = await api(v2Event({ method, path: `/customers/${customerId}/items/${itemId}`, headers, ...(body === undefined ? {} : { body }) })) as APIGatewayProxyResult;
        return { status: result.statusCode, etag: (result.headers as Record<string, string> | undefined)?.etag, body: result.body };
    };
    const call = async (...args: Parameters<typeof request>) => (await capture(() => request(...args))).result!;

    /** What the API answers for an item must be exactly the model's: absent, or this version and this text. */
    const assertVisible = async (model: Map<string, ModelItem>, c: string, i: string): Promise<string | undefined> => {
        const got = await call("GET", c, i);
        const expected = model.get(`${c}/${i}`);
        if (expected === undefined) {
            assert.equal(got.status, 404, `${c}/${i} should be absent: ${got.body}`);
            return undefined;
        }
        assert.equal(got.status, 200, `${c}/${i}: ${got.body}`);
        const body = JSON.parse(got.body) as { version: number };
        assert.equal(body.version, expected.version, `${c}/${i} version`);
        assert.ok(got.body.endsWith(`"data":${expected.data}}`), `${c}/${i} data: ${got.body}`);
        assert.match(got.etag!, new RegExp(`^"${expected.version}\\.[A-Za-z0-9_-]{12}"$`));
        return got.etag;
    };

    it("for any interleaving, every acknowledged write is visible with the right version, none is applied twice, every refused one is reported", async () => {
        let run = 0;
        await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async ops => {
            run++;
            await dynamo.clear();
            s3.clear();
            const model = new Map<string, ModelItem>();
            /** Processed-message marks: customer/key -> what the message asked to write. */
            const marks = new Map<string, string>();
            /** Every entity tag the API ever answered, per item: the stale ones to try. */
            const seen = new Map<string, string[]>();
            const sent: Array<{ record: SQSRecord; customer: string; key: string; payload: string }> = [];
            const apply = (c: string, i: string, data: string) => {
                const current = model.get(`${c}/${i}`);
                model.set(`${c}/${i}`, { version: (current?.version ?? 0) + 1, data });
            };
            for (const [n, o] of ops.entries()) {
                if (o.kind === "put" || o.kind === "delete") {
                    const id = `${o.customer}/${o.item}`;
                    const current = await assertVisible(model, o.customer, o.item);
                    const stale = (seen.get(id) ?? []).find(t => t !== current) ?? "\"1.AAAAAAAAAAAA\"";
                    const headers: Record<string, string> = o.precondition === "current" ? { "if-match": current ?? "\"1.AAAAAAAAAAAA\"" }
                        : o.precondition === "stale" ? { "if-match": stale }
                            : o.precondition === "create-only" ? { "if-none-match": "*" } : {};
                    const exists = model.has(id);
                    const holds = o.precondition === "none" || (o.precondition === "current" && exists) || (o.precondition === "create-only" && !exists);
                    if (o.kind === "put") {
                        const [text, normal] = DOCUMENTS[o.doc]!;
                        const reply = await call("PUT", o.customer, o.item, { "content-type": "application/json", ...headers }, text);
                        if (holds) {
                            assert.equal(reply.status, exists ? 200 : 201, `op ${n} ${JSON.stringify(o)}: ${reply.body}`);
                            apply(o.customer, o.item, normal);
                            seen.set(id, [...(seen.get(id) ?? []), reply.etag!]);
                        } else {
                            assert.equal(reply.status, 412, `op ${n} ${JSON.stringify(o)}: ${reply.body}`);
                        }
                    } else {
                        const reply = await call("DELETE", o.customer, o.item, headers);
                        const expected = !holds ? 412 : exists ? 204 : o.precondition === "none" ? 404 : 412;
                        assert.equal(reply.status, expected, `op ${n} ${JSON.stringify(o)}: ${reply.body}`);
                        if (reply.status === 204) model.delete(id);
                    }
                } else if (o.kind === "queue") {
                    const previous = o.redeliver ? sent.at(-1) : undefined;
                    const message = previous ?? (() => {
                        const [text, normal] = DOCUMENTS[o.doc]!;
                        const body = `{"customerId":"${o.customer}","itemId":"${o.item}","data":${text}${o.key === undefined ? "" : `,"idempotencyKey":"${o.key}"`}}`;
                        const record = sqsRecord(`m-${run}-${n}`, body);
                        const entry = { record, customer: o.customer, key: o.key ?? record.messageId, payload: `${o.item}\u0000${normal}`, item: o.item, normal };
                        sent.push(entry);
                        return entry;
                    })();
                    const captured = await capture(() => queueWorker({ Records: [message.record] } as SQSEvent, fakeContext()));
                    const { ids } = failedItems(captured as never, [message.record.messageId]);
                    const mark = marks.get(`${message.customer}/${message.key}`);
                    if (mark === undefined) {
                        assert.deepEqual(ids, [], `op ${n}: a first message is applied`);
                        marks.set(`${message.customer}/${message.key}`, message.payload);
                        const [itemId, normal] = message.payload.split("\u0000") as [string, string];
                        apply(message.customer, itemId, normal);
                    } else if (mark === message.payload) {
                        assert.deepEqual(ids, [], `op ${n}: a duplicate succeeds without a write`);
                    } else {
                        assert.deepEqual(ids, [message.record.messageId], `op ${n}: the same key with another payload is reported`);
                    }
                } else {
                    const key = `incoming/run-${run}-op-${n}.jsonl`;
                    const lines = o.rows.map(r => ("malformed" in r ? r.malformed
                        : `{"customerId":"${r.customer}","itemId":"${r.item}","data":${DOCUMENTS[r.doc]![0]}}`));
                    const stored = s3.put(BUCKET, key, lines.join("\n"));
                    const invocations = o.again ? 2 : 1;
                    for (let k = 0; k < invocations; k++) {
                        const captured = await capture(() => ingest(s3Event(BUCKET, key, stored.etag), fakeContext()));
                        assert.equal(captured.error, undefined, `op ${n}: ${String(captured.error)}`);
                        assert.equal((captured.result as Array<{ status: string }>)[0]!.status, k === 0 ? "ingested" : "duplicate");
                    }
                    for (const r of o.rows) if (!("malformed" in r)) apply(r.customer, r.item, DOCUMENTS[r.doc]![1]);
                    const malformed = o.rows.flatMap((r, i) => ("malformed" in r ? [i + 1] : []));
                    const report = s3.get(BUCKET, `errors/${key}.json`);
                    assert.deepEqual(report === undefined ? [] : (JSON.parse(report.body.toString("utf8")) as { errors: Array<{ line: number }> }).errors.map(e => e.line), malformed);
                }
            }
            for (const c of CUSTOMERS) for (const i of ITEMS) await assertVisible(model, c, i);
            // Nothing hidden: the table's item rows are exactly the model's.
            const rows = (await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#"));
            assert.deepEqual(rows.map(r => `${r.customerId}/${r.itemId}:${r.version}`).sort(),
                [...model].map(([id, m]) => `${id}:${m.version}`).sort());
        }), { numRuns: 40 });
    });

    it("keeps every concurrent write of one item: API writes with If-Match, queue messages and ingest rows race, and the final version counts them all", async () => {
        await dynamo.clear();
        const created = await call("PUT", "c-1", "hot", { "content-type": "application/json" }, "{\"v\":0}");
        const tag = created.etag!;
        // One capture around all of them: captures do not nest.
        const all = await capture(async () => {
            const apiWrites = Array.from({ length: 8 }, (_, i) => request("PUT", "c-1", "hot", { "content-type": "application/json", "if-match": tag }, `{"api":${i}}`));
            const blind = Array.from({ length: 6 }, (_, i) => request("PUT", "c-1", "hot", { "content-type": "application/json" }, `{"blind":${i}}`));
            const messages = Array.from({ length: 6 }, (_, i) => queueWorker({ Records: [sqsRecord(`race-${i}`, `{"customerId":"c-1","itemId":"hot","data":{"q":${i}}}`)] } as SQSEvent, fakeContext()));
            const file = s3.put(BUCKET, "incoming/race.jsonl", Array.from({ length: 4 }, (_, i) => `{"customerId":"c-1","itemId":"hot","data":{"row":${i}}}`).join("\n"));
            const rows = ingest(s3Event(BUCKET, "incoming/race.jsonl", file.etag), fakeContext());
            return Promise.all([Promise.all(apiWrites), Promise.all(blind), Promise.all(messages), rows]);
        });
        assert.equal(all.error, undefined, String(all.error));
        const [conditional, unconditional, queued] = all.result!;
        // Of the writers holding the same tag, one at most wins; the others are told (412), never silently lost.
        assert.ok(conditional.filter(r => r.status === 200).length <= 1);
        assert.deepEqual(conditional.filter(r => r.status !== 200).map(r => r.status), Array(conditional.filter(r => r.status !== 200).length).fill(412));
        assert.deepEqual(unconditional.map(r => r.status), Array(6).fill(200));
        for (const q of queued) assert.deepEqual((q as { batchItemFailures: unknown[] }).batchItemFailures, []);
        const acknowledged = 1 + conditional.filter(r => r.status === 200).length + 6 + 6 + 4;
        const final = JSON.parse((await call("GET", "c-1", "hot")).body) as { version: number };
        assert.equal(final.version, acknowledged);
        // Every acknowledged API write got its own version: no two writes were applied as one.
        const versions = [...conditional, ...unconditional].filter(r => r.status === 200).map(r => (JSON.parse(r.body) as { version: number }).version);
        assert.equal(new Set(versions).size, versions.length);
    });
});
