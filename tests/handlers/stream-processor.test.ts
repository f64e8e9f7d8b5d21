import * as assert from "assert";
import fc from "fast-check";
import type { DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { FakeDynamo, resetFakeDynamo, startHandlerOnFakeDynamo } from "./fakes/events-dynamo";
import { capture, dynamoRecord, failedItems, fakeContext, kinesisRecord } from "./fakes/events-lambda";

type StreamProcessor = typeof import("../../handlers/stream-processor");
type Response = { batchItemFailures: Array<{ itemIdentifier: string }> };

describe("stream-processor handler", () => {
    let dynamo: FakeDynamo;
    let handler: StreamProcessor["handler"];
    let stop: () => Promise<void>;

    before(async () => {
        ({ dynamo, handler, stop } = await startHandlerOnFakeDynamo<StreamProcessor["handler"]>("stream-processor"));
    });
    after(() => stop());
    beforeEach(() => resetFakeDynamo(dynamo));

    const sequenceNumberOf = (r: DynamoDBRecord | KinesisStreamRecord) => ("kinesis" in r ? r.kinesis.sequenceNumber : r.dynamodb!.SequenceNumber!);
    const run = async (records: Array<DynamoDBRecord | KinesisStreamRecord>) => {
        const captured = await capture(() => handler({ Records: records } as DynamoDBStreamEvent | KinesisStreamEvent, fakeContext()));
        const { ids, fullBatchFailure } = failedItems(captured, records.map(sequenceNumberOf));
        return { ...captured, response: captured.result as Response, failed: ids, fullBatchFailure };
    };
    const counters = async () => Object.fromEntries((await dynamo.rows()).filter(r => r.sk === "COUNTER").map(r => [r.customerId, r.itemCount]));
    const audit = async () => (await dynamo.rows()).filter(r => String(r.pk).startsWith("AUDIT#"))
        .map(({ recordedAt, ...rest }) => (typeof recordedAt === "string" ? rest : { ...rest, recordedAt }));

    describe("DynamoDB Streams", () => {
        it("counts INSERT up and REMOVE down, audits every change, and leaves MODIFY uncounted", async () => {
            const { response } = await run([
                dynamoRecord("100", "INSERT", "c-1", "i-1"),
                dynamoRecord("200", "INSERT", "c-1", "i-2"),
                dynamoRecord("300", "MODIFY", "c-1", "i-2"),
                dynamoRecord("400", "REMOVE", "c-1", "i-1"),
                dynamoRecord("500", "INSERT", "c-2", "i-1"),
            ]);

            assert.deepStrictEqual(response, { batchItemFailures: [] });
            assert.deepStrictEqual(await counters(), { "c-1": 1, "c-2": 1 });
            const at = "2026-11-26T10:00:00.000Z";
            const row = (customer: string, item: string, seq: string, action: string, delta: number) => ({
                pk: `AUDIT#${customer}`, sk: `${at}#ddb-${seq}`, customerId: customer, itemId: item, action, delta,
                source: "dynamodb", eventId: `ddb-${seq}`, sequenceNumber: seq, changedAt: at,
            });
            assert.deepStrictEqual(await audit(), [
                row("c-1", "i-1", "100", "INSERT", 1),
                row("c-1", "i-2", "200", "INSERT", 1),
                row("c-1", "i-2", "300", "MODIFY", 0),
                row("c-1", "i-1", "400", "REMOVE", -1),
                row("c-2", "i-1", "500", "INSERT", 1),
            ]);
        });

        it("does not count twice when Lambda retries a batch it already applied", async () => {
            const batch = [dynamoRecord("100", "INSERT", "c-1", "i-1"), dynamoRecord("200", "MODIFY", "c-1", "i-1"), dynamoRecord("300", "INSERT", "c-1", "i-2")];
            await run(batch);
            const before = await dynamo.rows();

            const { response } = await run(batch);

            assert.deepStrictEqual(response, { batchItemFailures: [] });
            assert.deepStrictEqual(await dynamo.rows(), before);
            assert.deepStrictEqual(await counters(), { "c-1": 2 });
        });

        it("reports the failed record and every record after it by sequence number, applying none of them", async () => {
            dynamo.failWhen(r => JSON.stringify(r.body).includes("ddb-300"));

            const { response } = await run([
                dynamoRecord("100", "INSERT", "c-1", "i-1"),
                dynamoRecord("200", "INSERT", "c-1", "i-2"),
                dynamoRecord("300", "INSERT", "c-1", "i-3"),
                dynamoRecord("400", "INSERT", "c-1", "i-4"),
                dynamoRecord("500", "REMOVE", "c-1", "i-1"),
            ]);

            assert.deepStrictEqual(response.batchItemFailures, [{ itemIdentifier: "300" }, { itemIdentifier: "400" }, { itemIdentifier: "500" }]);
            assert.deepStrictEqual(await counters(), { "c-1": 2 });
            assert.deepStrictEqual((await audit()).map(r => r.sequenceNumber), ["100", "200"]);
        });

        it("skips a row that is not a customer item (the mapping's filter should have dropped it)", async () => {
            const { response, logs } = await run([dynamoRecord("100", "INSERT", "c-1", "x", { pk: "CUSTOMER#c-1", sk: "COUNTER" })]);

            assert.deepStrictEqual(response, { batchItemFailures: [] });
            assert.deepStrictEqual(await dynamo.rows(), []);
            assert.deepStrictEqual(logs.map(l => l.message), ["not a customer item row; skipped (is the mapping's filter missing?)"]);
        });
    });

    describe("Kinesis", () => {
        it("applies created/updated/deleted events, keyed by the producer's eventId and time when given", async () => {
            const { response } = await run([
                kinesisRecord("1", { customerId: "c-1", itemId: "i-1", action: "created", eventId: "e-1", at: "2026-11-26T10:00:00Z" }),
                kinesisRecord("2", { customerId: "c-1", itemId: "i-2", action: "created" }, 1795687201.25),
                kinesisRecord("3", { customerId: "c-1", itemId: "i-2", action: "updated", eventId: "e-3", at: "2026-11-26T10:00:01.5+01:00" }),
                kinesisRecord("4", { customerId: "c-1", itemId: "i-1", action: "deleted", eventId: "e-4", at: "2026-11-26T10:00:02Z" }),
            ]);

            assert.deepStrictEqual(response, { batchItemFailures: [] });
            assert.deepStrictEqual(await counters(), { "c-1": 1 });
            assert.deepStrictEqual((await audit()).map(r => `${r.sk} ${r.action} ${r.delta}`), [
                "2026-11-26T09:00:01.500Z#e-3 updated 0",
                "2026-11-26T10:00:00.000Z#e-1 created 1",
                "2026-11-26T10:00:01.250Z#shardId-000000000000:2 created 1",
                "2026-11-26T10:00:02.000Z#e-4 deleted -1",
            ]);
        });

        it("counts an event published twice by the producer (same eventId and at) once", async () => {
            const event = { customerId: "c-1", itemId: "i-1", action: "created", eventId: "e-1", at: "2026-11-26T10:00:00Z" };
            const { response } = await run([kinesisRecord("1", event), kinesisRecord("2", event, 1795687999)]);

            assert.deepStrictEqual(response, { batchItemFailures: [] });
            assert.deepStrictEqual(await counters(), { "c-1": 1 });
        });

        it("stops at invalid data: reports it and the rest by sequence number, with the reason in the log", async () => {
            const { response, logs } = await run([
                kinesisRecord("1", { customerId: "c-1", itemId: "i-1", action: "created" }),
                kinesisRecord("2", { customerId: "c-1", itemId: "i-2", action: "exploded" }),
                kinesisRecord("3", { customerId: "c-1", itemId: "i-3", action: "created" }),
            ]);

            assert.deepStrictEqual(response.batchItemFailures, [{ itemIdentifier: "2" }, { itemIdentifier: "3" }]);
            assert.deepStrictEqual(await counters(), { "c-1": 1 });
            assert.deepStrictEqual(logs.filter(l => l.level === "WARN").map(l => [l.message, l.sequenceNumber, l.errorType === undefined ? l.retryFrom : `${l.errorType}: ${l.errorMessage}`]), [
                ["record failed; it and the rest of the batch are reported for retry", "2",
                    "InvalidRecordError: action is not one of created, updated, deleted"],
                ["batch stopped at a failed record", undefined, "2"],
            ]);
        });

        it("fails the invocation when the first record fails (so the whole batch is retried, or bisected)", async () => {
            const { error, logs } = await run([kinesisRecord("7", "{oops"), kinesisRecord("8", { customerId: "c-1", itemId: "i-1", action: "created" })]);

            assert.strictEqual((error as Error).name, "FullBatchFailureError");
            assert.deepStrictEqual(await dynamo.rows(), []);
            assert.deepStrictEqual(logs.filter(l => l.level !== "INFO").map(l => [l.message, l.sequenceNumber]), [
                ["record failed; it and the rest of the batch are reported for retry", "7"],
                ["the first record of the batch failed; the invocation fails and the batch is retried", undefined],
            ]);
        });

        it("rejects data that is not a JSON object", async () => {
            const { failed } = await run([kinesisRecord("1", { customerId: "c-1", itemId: "i-1", action: "created" }), kinesisRecord("8", [1])]);
            assert.deepStrictEqual(failed, ["8"]);
        });

        it("for any batch and any transient write failures, Lambda's retry-from-failure ends with every change counted once", async () => {
            const change = fc.record({
                customer: fc.constantFrom("c-1", "c-2"),
                action: fc.constantFrom("created", "updated", "deleted"),
                failsFirst: fc.boolean(),
            });
            await fc.assert(fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 12 }), async changes => {
                await dynamo.clear();
                const records = changes.map((c, i) => kinesisRecord(String(1000 + i), { customerId: c.customer, itemId: `i-${i}`, action: c.action, eventId: `e-${i}`, at: "2026-11-26T10:00:00Z" }));
                const failing = new Set(changes.flatMap((c, i) => (c.failsFirst ? [`e-${i}`] : [])));
                dynamo.failWhen(r => [...failing].some(id => JSON.stringify(r.body).includes(`#${id}"`)));

                // Lambda: invoke with the records from the checkpoint; on failures, retry from the first reported one.
                let from = 0;
                for (let attempt = 0; from < records.length; attempt++) {
                    assert.ok(attempt <= records.length, "no progress");
                    const { failed } = await run(records.slice(from));
                    const firstFailing = changes.findIndex((_, i) => i >= from && failing.has(`e-${i}`));
                    const expected = firstFailing < 0 ? [] : records.slice(firstFailing).map(r => r.kinesis.sequenceNumber);
                    assert.deepStrictEqual(failed, expected);
                    if (firstFailing < 0) break;
                    failing.delete(`e-${firstFailing}`); // transient: the next attempt succeeds
                    from = firstFailing;
                }
                dynamo.failWhen(undefined);
                // Redelivery of the whole batch afterwards changes nothing.
                await run(records);

                const delta = { created: 1, updated: 0, deleted: -1 } as const;
                const expected: Record<string, number> = {};
                changes.forEach(c => {
                    if (delta[c.action] !== 0) expected[c.customer] = (expected[c.customer] ?? 0) + delta[c.action];
                });
                assert.deepStrictEqual(await counters(), expected);
                assert.deepStrictEqual((await audit()).map(r => r.eventId).sort(), changes.map((_, i) => `e-${i}`).sort());
            }), { numRuns: 15 });
        });
    });

    it("rejects records from another source", async () => {
        const { error } = await capture(() => handler({ Records: [{ eventSource: "aws:sqs" }] } as unknown as KinesisStreamEvent, fakeContext()));
        assert.ok(error instanceof Error);
        assert.strictEqual(error.name, "UnsupportedStreamError");
        assert.strictEqual(error.message, 'records from "aws:sqs" are not handled: expected aws:dynamodb or aws:kinesis');
    });

    it("answers an empty batch with no failures", async () => {
        assert.deepStrictEqual((await run([])).response, { batchItemFailures: [] });
    });
});
