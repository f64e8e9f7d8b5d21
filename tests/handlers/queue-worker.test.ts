import * as assert from "assert";
import fc from "fast-check";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { FakeDynamo, resetFakeDynamo, startHandlerOnFakeDynamo } from "./fakes/events-dynamo";
import { capture, failedItems, fakeContext, metricValues, sqsRecord } from "./fakes/events-lambda";
import { payloadHash } from "../../handlers/lib/idempotency";
import { PutCommand } from "@aws-sdk/lib-dynamodb";

type QueueWorker = typeof import("../../handlers/queue-worker");

describe("queue-worker handler", () => {
    let dynamo: FakeDynamo;
    let handler: QueueWorker["handler"];
    let stop: () => Promise<void>;

    before(async () => {
        ({ dynamo, handler, stop } = await startHandlerOnFakeDynamo<QueueWorker["handler"]>("queue-worker"));
    });
    after(() => stop());
    beforeEach(() => resetFakeDynamo(dynamo));

    const run = async (records: SQSRecord[]) => {
        const captured = await capture(() => handler({ Records: records } as SQSEvent, fakeContext()));
        const { ids, fullBatchFailure } = failedItems(captured, records.map(r => r.messageId));
        return { ...captured, response: captured.result as SQSBatchResponse, failed: ids, fullBatchFailure };
    };
    const body = (customerId: string, itemId: string, data: object = {}, idempotencyKey?: string) =>
        JSON.stringify({ customerId, itemId, data, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) });
    /** Rows with the times the handler takes from the clock replaced by their type. */
    const stableRows = async () => (await dynamo.rows()).map(row => Object.fromEntries(Object.entries(row)
        .map(([k, v]) => (["updatedAt", "createdAt", "processedAt", "expiresAt"].includes(k) ? [k, typeof v] : [k, v]))));


    it("writes the item through the item model (data as text, version, incarnation) and a per-customer processed-message mark with a TTL", async () => {
        const { response } = await run([sqsRecord("m-1", body("c-1", "i-1", { colour: "red" }))]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        const rows = await dynamo.rows();
        const incarnation = rows[0]!.incarnation;
        assert.match(String(incarnation), /^[A-Za-z0-9_-]{12}$/);
        assert.deepStrictEqual(await stableRows(), [
            { pk: "CUSTOMER#c-1", sk: "ITEM#i-1", customerId: "c-1", itemId: "i-1", data: "{\"colour\":\"red\"}", version: 1, incarnation,
                writtenBy: "queue:m-1", createdAt: "string", updatedAt: "string" },
            { pk: "CUSTOMER#c-1", sk: "MESSAGE#m-1", customerId: "c-1", idempotencyKey: "m-1", messageId: "m-1", itemId: "i-1",
                payloadHash: payloadHash("i-1", "{\"colour\":\"red\"}"), processedAt: "string", expiresAt: "number" },
        ]);
        const marker = rows.find(r => r.sk === "MESSAGE#m-1")!;
        const ttl = (marker.expiresAt as number) - Date.parse(marker.processedAt as string) / 1000;
        assert.ok(ttl > 14 * 24 * 3600 && ttl <= 15 * 24 * 3600, `marker TTL ${ttl} s`);
    });

    it("advances the version of an existing item and keeps createdAt and the incarnation", async () => {
        await run([sqsRecord("m-1", body("c-1", "i-1", { n: 1 }))]);
        const [first] = await dynamo.rows();
        await run([sqsRecord("m-2", body("c-1", "i-1", { n: 2 }))]);
        const [second] = await dynamo.rows();
        assert.deepStrictEqual([second!.version, second!.data, second!.createdAt, second!.incarnation, second!.writtenBy],
            [2, "{\"n\":2}", first!.createdAt, first!.incarnation, "queue:m-2"]);
    });

    it("keeps every value exactly: integers beyond 2^53, numbers below 1e-130, keys __proto__ and constructor", async () => {
        const data = "{\"big\":123456789012345678901234567890,\"tiny\":1e-400,\"__proto__\":{\"x\":1},\"constructor\":{\"prototype\":{}},\"s\":\"\\u00e9\"}";
        const { response } = await run([sqsRecord("m-1", `{"customerId":"c-1","itemId":"i-1","data":${data}}`)]);
        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.equal((await dynamo.rows())[0]!.data, "{\"big\":123456789012345678901234567890,\"tiny\":1e-400,\"__proto__\":{\"x\":1},\"constructor\":{\"prototype\":{}},\"s\":\"é\"}");
    });

    it("treats a redelivered message as a no-op that succeeds: the table does not change", async () => {
        await run([sqsRecord("m-1", body("c-1", "i-1", { n: 1 }))]);
        const before = await dynamo.rows();

        const { response } = await run([sqsRecord("m-1", body("c-1", "i-1", { n: 1 }), { receiveCount: 2 })]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual(await dynamo.rows(), before);
    });

    it("applies a message sent twice with the same idempotencyKey and payload once (the second is a duplicate)", async () => {
        await run([sqsRecord("m-1", body("c-1", "i-1", { n: 1 }, "order-7"))]);
        const before = await dynamo.rows();

        const { response, metrics } = await run([sqsRecord("m-2", JSON.stringify({ idempotencyKey: "order-7", data: { n: 1 }, itemId: "i-1", customerId: "c-1" }))]);

        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual(await dynamo.rows(), before);
        assert.deepStrictEqual(metricValues({ metrics }, "DuplicateMessages"),
            [{ value: 1, dimensions: { service: "queue-worker", cell: "cell-a" } }]);
    });

    it("reports the same idempotencyKey with another payload as a failed message (a conflict), changing nothing", async () => {
        await run([sqsRecord("m-1", body("c-1", "i-1", { n: 1 }, "order-7"))]);
        const before = await dynamo.rows();

        const { failed, logs, metrics } = await run([
            sqsRecord("m-2", body("c-1", "i-1", { n: 2 }, "order-7")),
            sqsRecord("m-3", body("c-1", "i-2", { n: 1 }, "order-7")),
            sqsRecord("m-4", body("c-1", "i-9", {}, "order-8")),
        ]);

        assert.deepStrictEqual(failed, ["m-2", "m-3"]);
        assert.deepStrictEqual((await dynamo.rows()).filter(r => r.sk !== "ITEM#i-9" && r.sk !== "MESSAGE#order-8"), before);
        assert.deepStrictEqual(logs.filter(l => l.message === "message failed").map(l => [l.messageId, l.errorType]),
            [["m-2", "IdempotencyConflictError"], ["m-3", "IdempotencyConflictError"]]);
        assert.deepStrictEqual(metricValues({ metrics }, "IdempotencyConflicts").map(m => m.value), [2]);
    });

    it("keeps idempotency keys per customer: another customer's message with the same key is its own write", async () => {
        const { response } = await run([
            sqsRecord("m-1", body("c-1", "i-1", { n: 1 }, "order-1")),
            sqsRecord("m-2", body("c-2", "i-1", { n: 2 }, "order-1")),
        ]);
        assert.deepStrictEqual(response, { batchItemFailures: [] });
        assert.deepStrictEqual((await dynamo.rows()).map(r => `${r.pk} ${r.sk} ${r.data ?? r.messageId}`), [
            "CUSTOMER#c-1 ITEM#i-1 {\"n\":1}", "CUSTOMER#c-1 MESSAGE#order-1 m-1", "CUSTOMER#c-2 ITEM#i-1 {\"n\":2}", "CUSTOMER#c-2 MESSAGE#order-1 m-2",
        ]);
    });

    it("reports exactly the bad messages, with the field and rule (never the value) in the log, and applies the others", async () => {
        const records = [
            sqsRecord("good-1", body("c-1", "i-1")),
            sqsRecord("not-json", "{customerId: c-1"),
            sqsRecord("no-customer", JSON.stringify({ itemId: "i-2", data: {} })),
            sqsRecord("bad-data", JSON.stringify({ customerId: "c-1", itemId: "i-3", data: [1, 2] })),
            sqsRecord("bad-key", JSON.stringify({ customerId: "c-1", itemId: "i-4", idempotencyKey: 7 })),
            sqsRecord("array", "[1]"),
            sqsRecord("email-id", JSON.stringify({ customerId: "bob@example.com", itemId: "i-5" })),
            sqsRecord("too-deep", `{"customerId":"c-1","itemId":"i-6","data":${"[".repeat(300)}${"]".repeat(300)}}`),
            sqsRecord("good-2", body("c-2", "i-1")),
        ];

        const { failed, logs } = await run(records);

        assert.deepStrictEqual(failed, ["not-json", "no-customer", "bad-data", "bad-key", "array", "email-id", "too-deep"]);
        assert.deepStrictEqual((await dynamo.rows()).map(r => `${r.pk} ${r.sk}`), [
            "CUSTOMER#c-1 ITEM#i-1", "CUSTOMER#c-1 MESSAGE#good-1", "CUSTOMER#c-2 ITEM#i-1", "CUSTOMER#c-2 MESSAGE#good-2",
        ]);
        const reasons = Object.fromEntries(logs.filter(l => l.message === "message failed").map(l => [l.messageId, `${l.errorType}: ${l.errorMessage}`]));
        assert.deepStrictEqual(reasons, {
            "not-json": "InvalidRecordError: the message body is not valid JSON",
            "no-customer": "InvalidRecordError: customerId is missing",
            "bad-data": "InvalidRecordError: data must be a JSON object",
            "bad-key": "InvalidRecordError: idempotencyKey must be a string of 1-256 characters",
            array: "InvalidRecordError: the message body must be a JSON object",
            "email-id": "InvalidRecordError: customerId does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
            "too-deep": "InvalidRecordError: the message body nests objects and arrays deeper than 256 levels",
        });
        assert.ok(!JSON.stringify(logs).includes("bob@example.com"));
    });

    it("fails the message of a customer being moved (its fence, lib/placement.ts), writing nothing, so it is redelivered; the others are applied", async () => {
        await dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: { pk: "CUSTOMER#c-moving", sk: "PLACEMENT", customerId: "c-moving", placement: "fenced", moveId: "mv-1", to: "cell-b", at: "t" } }));
        const { response } = await run([sqsRecord("m-fenced", body("c-moving", "i-1")), sqsRecord("m-ok", body("c-1", "i-1"))]);
        assert.deepStrictEqual(response, { batchItemFailures: [{ itemIdentifier: "m-fenced" }] });
        assert.deepStrictEqual((await dynamo.rows()).filter(r => r.pk === "CUSTOMER#c-moving").map(r => r.sk), ["PLACEMENT"]);
        assert.ok((await dynamo.rows()).some(r => r.sk === "ITEM#i-1" && r.pk === "CUSTOMER#c-1"));
    });

    it("reports a message whose write fails and applies the rest of the batch", async () => {
        dynamo.failWhen(r => r.operation === "TransactWriteItems" && JSON.stringify(r.body).includes("CUSTOMER#c-broken"));

        const { response } = await run([
            sqsRecord("m-1", body("c-1", "i-1")),
            sqsRecord("m-2", body("c-broken", "i-1")),
            sqsRecord("m-3", body("c-3", "i-1")),
        ]);

        assert.deepStrictEqual(response, { batchItemFailures: [{ itemIdentifier: "m-2" }] });
        assert.deepStrictEqual((await dynamo.rows()).map(r => `${r.pk} ${r.sk}`), ["CUSTOMER#c-1 ITEM#i-1", "CUSTOMER#c-1 MESSAGE#m-1", "CUSTOMER#c-3 ITEM#i-1", "CUSTOMER#c-3 MESSAGE#m-3"]);
    });

    it("fails the invocation when every message fails, so all are retried and the Errors metric sees it", async () => {
        const { error, logs, metrics } = await run([sqsRecord("a", "x"), sqsRecord("b", "y")]);

        assert.ok(error instanceof Error);
        assert.strictEqual(error.name, "FullBatchFailureError");
        assert.deepStrictEqual(logs.filter(l => l.level === "ERROR").map(l => [l.message, l.records]),
            [["every message of the batch failed; the invocation fails and all are retried", 2]]);
        assert.deepStrictEqual(metricValues({ metrics }, "MessagesFailed"), [{ value: 2, dimensions: { service: "queue-worker", cell: "cell-a" } }]);
    });

    it("on a FIFO queue fails the rest of the batch after the first failure, and applies nothing after it", async () => {
        const fifo = { queue: "cellular-test-cell-a-queue.fifo", groupId: "g-1" };
        const { response } = await run([
            sqsRecord("f-1", body("c-1", "i-1"), fifo),
            sqsRecord("f-2", "not json", fifo),
            sqsRecord("f-3", body("c-1", "i-3"), fifo),
            sqsRecord("f-4", body("c-1", "i-4"), { ...fifo, groupId: "g-2" }),
        ]);

        assert.deepStrictEqual(response.batchItemFailures.map(f => f.itemIdentifier), ["f-2", "f-3", "f-4"]);
        assert.deepStrictEqual((await dynamo.rows()).map(r => `${r.pk} ${r.sk}`), ["CUSTOMER#c-1 ITEM#i-1", "CUSTOMER#c-1 MESSAGE#f-1"]);
    });

    it("logs every line with the cell id and the service name", async () => {
        const { logs } = await run([sqsRecord("a", "x"), sqsRecord("b", body("c-1", "i-1"))]);
        assert.ok(logs.length >= 2);
        for (const line of logs) {
            assert.strictEqual(line.cell, "cell-a");
            assert.strictEqual(line.service, "queue-worker");
        }
    });

    it("for any batch, reports exactly the bad messages and applies every good one exactly once", async () => {
        const message = fc.oneof(
            fc.record({
                kind: fc.constant("good" as const),
                customer: fc.constantFrom("c-1", "c-2", "c-3"),
                item: fc.stringMatching(/^[a-z0-9]{1,6}$/),
                n: fc.integer(),
                redelivered: fc.boolean(),
            }),
            fc.record({
                kind: fc.constant("bad" as const),
                text: fc.oneof(
                    fc.string().filter(s => { try { JSON.parse(s); return false; } catch { return true; } }),
                    fc.constant(JSON.stringify({ customerId: "#bad", itemId: "i" })),
                    fc.constant(JSON.stringify({ customerId: "c-1" })),
                    fc.constant("null"),
                ),
            }),
        );
        await fc.assert(fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 10 }), async messages => {
            await dynamo.clear();
            const records = messages.map((m, i) => sqsRecord(`m-${i}`, m.kind === "good"
                ? body(m.customer, m.item, { n: m.n })
                : m.text));
            // A redelivery of an earlier good message: same id, same body.
            const redeliveries = messages.flatMap((m, i) => (m.kind === "good" && m.redelivered ? [records[i]] : []));

            const first = await run(records);
            const second = await run(redeliveries);

            const bad = messages.flatMap((m, i) => (m.kind === "bad" ? [`m-${i}`] : []));
            assert.deepStrictEqual(first.failed, bad);
            assert.strictEqual(first.fullBatchFailure, bad.length === messages.length);
            assert.deepStrictEqual(second.failed, []);
            const rows = await dynamo.rows();
            const good = messages.flatMap((m, i) => (m.kind === "good" ? [i] : []));
            assert.deepStrictEqual(rows.filter(r => String(r.sk).startsWith("MESSAGE#")).map(r => r.sk).sort(), good.map(i => `MESSAGE#m-${i}`).sort());
            // The last good write to each item wins (standard queues do not order; each message lands exactly once).
            const items = new Set(good.map(i => {
                const m = messages[i] as { customer: string; item: string };
                return `CUSTOMER#${m.customer} ITEM#${m.item}`;
            }));
            assert.deepStrictEqual(rows.filter(r => String(r.sk).startsWith("ITEM#")).map(r => `${r.pk} ${r.sk}`).sort(), [...items].sort());
        }), { numRuns: 25 });
    });
});
