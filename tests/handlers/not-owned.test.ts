import { strict as assert } from "assert";
import type { KinesisStreamEvent, S3Event, SNSEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ownerOf, parseOwnershipTable } from "../../handlers/lib/ownership";
import { parseFailureMessage } from "../../handlers/lib/failure-record";
import { placementRow } from "../../handlers/lib/placement";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import type { FakeDynamo } from "./fakes/events-dynamo";
import { capture, fakeContext, FAILURE_QUEUE_URL, kinesisRecord, OWNERSHIP_TABLES, s3Event, snsEvent, sqsRecord } from "./fakes/events-lambda";
import type { FakeS3 } from "./fakes/events-s3";
import type { FakeSqs } from "./fakes/events-sqs";
import { EventFakes, loadHandler, startEventFakes } from "./fakes/handler-modules";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** cell-a and cell-b share the hash; `moved-out` is pinned to cell-b, `moved-in` to cell-a. */
const TABLE = parseOwnershipTable(JSON.parse(fs.readFileSync(OWNERSHIP_TABLES.twoCells, "utf8")));
const OURS = "moved-in";
const THEIRS = "moved-out";

describe("the event paths refuse another cell's customers: never written, kept on the failure path with the reason", () => {
    let fakes: EventFakes;
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let sqs: FakeSqs;

    before(async () => {
        fakes = await startEventFakes({ OWNERSHIP_TABLE_PATH: OWNERSHIP_TABLES.twoCells });
        ({ dynamo, s3, sqs } = fakes);
    });
    // Other test files load these handlers against their own fakes: stop() gives them back what they had.
    after(() => fakes.stop());
    beforeEach(async () => {
        sqs.sent.length = 0;
        sqs.failing = false;
        await dynamo.clear();
    });

    /** The partition keys written for a customer, whatever the row kind. */
    const rowsOf = async (customer: string) => (await dynamo.rows()).filter(r => String(r.pk).endsWith(`#${customer}`) || r.customerId === customer);
    /** What the refusals sent to the failure queue say, as the failure handler reads them. */
    const rejections = () => sqs.sent.map(m => {
        assert.equal(m.queueUrl, FAILURE_QUEUE_URL);
        const body = JSON.parse(m.body) as Json;
        return { parsed: parseFailureMessage({ body: m.body }), record: body.record };
    });

    it("uses an ownership table that splits customers between the two cells as the router does", () => {
        assert.equal(ownerOf(TABLE, OURS), "cell-a");
        assert.equal(ownerOf(TABLE, THEIRS), "cell-b");
    });

    it("queue-worker: applies its own customer's message and refuses the other's, reporting neither as failed", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/queue-worker")>("queue-worker");
        const theirs = JSON.stringify({ customerId: THEIRS, itemId: "i-1", data: { secret: 1 } });
        const captured = await capture(() => handler({ Records: [
            sqsRecord("m-ours", JSON.stringify({ customerId: OURS, itemId: "i-1", data: {} })),
            sqsRecord("m-theirs", theirs),
        ] } as SQSEvent, fakeContext()));
        assert.deepEqual(captured.result as SQSBatchResponse, { batchItemFailures: [] });
        assert.deepEqual(await rowsOf(THEIRS), []);
        assert.equal((await rowsOf(OURS)).filter(r => String(r.sk).startsWith("ITEM#")).length, 1);
        const [rejection, ...more] = rejections();
        assert.equal(more.length, 0);
        assert.deepEqual(rejection!.parsed, { kind: "rejected", source: "queue-worker", condition: "not-owned", customerId: THEIRS, owner: "cell-b",
            failedAt: rejection!.parsed.failedAt });
        assert.equal(rejection!.record, theirs);
    });

    it("queue-worker: a refusal that cannot be sent fails the message, so it is retried, not lost", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/queue-worker")>("queue-worker");
        sqs.failing = true;
        const captured = await capture(() => handler({ Records: [
            sqsRecord("m-ours", JSON.stringify({ customerId: OURS, itemId: "i-1", data: {} })),
            sqsRecord("m-theirs", JSON.stringify({ customerId: THEIRS, itemId: "i-1", data: {} })),
        ] } as SQSEvent, fakeContext()));
        assert.deepEqual(captured.result as SQSBatchResponse, { batchItemFailures: [{ itemIdentifier: "m-theirs" }] });
        assert.deepEqual(await rowsOf(THEIRS), []);
    });

    it("notifier: stores its own customer's notification and refuses the other's", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/notifier")>("notifier");
        const theirs = JSON.stringify({ customerId: THEIRS, type: "welcome", message: "hello" });
        const captured = await capture(() => handler(snsEvent([
            { messageId: "n-ours", message: JSON.stringify({ customerId: OURS, type: "welcome", message: "hello" }) },
            { messageId: "n-theirs", message: theirs },
        ]) as SNSEvent, fakeContext()));
        assert.equal(captured.error, undefined);
        assert.deepEqual(await rowsOf(THEIRS), []);
        assert.equal((await rowsOf(OURS)).length, 1);
        assert.deepEqual(rejections().map(r => [r.parsed.source, r.parsed.condition, r.parsed.customerId, r.parsed.owner, r.record]),
            [["notifier", "not-owned", THEIRS, "cell-b", theirs]]);
    });

    /** `OURS` as a move leaves it in this cell: moved to cell-b (control/move.ts writes this marker at the flip). */
    const markMovedAway = () => dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: placementRow({
        customerId: OURS, state: "moved", moveId: "mv-1", to: "cell-b", epoch: 2, at: "2026-12-02T00:00:00.000Z",
    }) }));

    it("queue-worker: a message for a customer moved away is never written here, and kept on the failure path naming the owner", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/queue-worker")>("queue-worker");
        await markMovedAway();
        const late = JSON.stringify({ customerId: OURS, itemId: "i-1", data: { n: 1 } });
        const captured = await capture(() => handler({ Records: [sqsRecord("m-late", late)] } as SQSEvent, fakeContext()));
        assert.deepEqual(captured.result as SQSBatchResponse, { batchItemFailures: [] });
        assert.deepEqual((await rowsOf(OURS)).map(r => r.sk), ["PLACEMENT"]);
        assert.deepEqual(rejections().map(r => [r.parsed.source, r.parsed.condition, r.parsed.customerId, r.parsed.owner, r.record]),
            [["queue-worker", "moved", OURS, "cell-b", late]]);
    });

    it("queue-worker: a moved customer's message whose refusal cannot be sent fails, so it is retried, not lost", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/queue-worker")>("queue-worker");
        await markMovedAway();
        sqs.failing = true;
        const captured = await capture(() => handler({ Records: [
            sqsRecord("m-late", JSON.stringify({ customerId: OURS, itemId: "i-1", data: {} })),
            sqsRecord("m-other", JSON.stringify({ customerId: "c-1", itemId: "i-1", data: {} })),
        ] } as SQSEvent, fakeContext()));
        assert.deepEqual(captured.result as SQSBatchResponse, { batchItemFailures: [{ itemIdentifier: "m-late" }] });
        assert.deepEqual((await rowsOf(OURS)).map(r => r.sk), ["PLACEMENT"]);
    });

    it("notifier: a notification for a customer moved away is never stored here, and kept on the failure path naming the owner", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/notifier")>("notifier");
        await markMovedAway();
        const late = JSON.stringify({ customerId: OURS, type: "welcome", message: "hello" });
        const captured = await capture(() => handler(snsEvent([{ messageId: "n-late", message: late }]) as SNSEvent, fakeContext()));
        assert.equal(captured.error, undefined);
        assert.deepEqual((await rowsOf(OURS)).map(r => r.sk), ["PLACEMENT"]);
        assert.deepEqual(rejections().map(r => [r.parsed.source, r.parsed.condition, r.parsed.customerId, r.parsed.owner, r.record]),
            [["notifier", "moved", OURS, "cell-b", late]]);
    });

    it("stream processor (Kinesis): counts its own customer's change and refuses the other's", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/stream-processor")>("stream-processor");
        const event = { Records: [
            kinesisRecord("1", { customerId: OURS, itemId: "i-1", action: "created", eventId: "e-1" }),
            kinesisRecord("2", { customerId: THEIRS, itemId: "i-1", action: "created", eventId: "e-2" }),
        ] } as KinesisStreamEvent;
        const captured = await capture(() => handler(event, fakeContext()));
        assert.deepEqual(captured.result, { batchItemFailures: [] });
        assert.deepEqual(await rowsOf(THEIRS), []);
        assert.ok((await rowsOf(OURS)).length > 0);
        assert.deepEqual(rejections().map(r => [r.parsed.source, r.parsed.condition, r.parsed.customerId, (r.record as Json).kinesis.sequenceNumber]),
            [["kinesis-stream", "not-owned", THEIRS, "2"]]);
    });

    it("ingest: writes its own customers' rows, refuses the others' row by row, and says how many", async () => {
        const { handler } = loadHandler<typeof import("../../handlers/ingest")>("ingest");
        const stored = s3.put("cell-a-ingest", "incoming/mixed.csv", `customerId,itemId,colour\n${OURS},i-1,red\n${THEIRS},i-2,blue\n${OURS},i-3,green\n`);
        const captured = await capture(() => handler(s3Event("cell-a-ingest", "incoming/mixed.csv", stored.etag) as S3Event, fakeContext()));
        assert.deepEqual((captured.result as Json[])[0], { bucket: "cell-a-ingest", key: "incoming/mixed.csv", status: "ingested", rows: 3, written: 2, malformed: 0, notOwned: 1 });
        assert.deepEqual(await rowsOf(THEIRS), []);
        assert.deepEqual((await rowsOf(OURS)).filter(r => String(r.sk).startsWith("ITEM#")).map(r => r.sk), ["ITEM#i-1", "ITEM#i-3"]);
        assert.deepEqual(rejections().map(r => [r.parsed.source, r.parsed.customerId, r.record]),
            [["ingest", THEIRS, { object: "s3://cell-a-ingest/incoming/mixed.csv", line: 3,
                // The row as a JSON Lines row: what to drop into the owning cell's bucket to replay it there.
                row: `{"customerId":"${THEIRS}","itemId":"i-2","data":{"colour":"blue"}}` }]]);
    });
});
