import * as assert from "assert";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { awsEnv, capture, fakeContext, metricValues, scheduledEvent, setEnv } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";

type Scheduled = typeof import("../../handlers/scheduled");
const MODULE = "../../handlers/scheduled";
const BUCKET = "cell-a-ingest";

describe("scheduled handler", () => {
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let restoreEnv: () => void;
    let handler: Scheduled["handler"];

    before(async () => {
        [dynamo, s3] = await Promise.all([startFakeDynamo(), startFakeS3()]);
        restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint }, { BUCKET_NAME: BUCKET }));
        handler = (require(MODULE) as Scheduled).handler;
    });
    after(async () => {
        restoreEnv();
        await Promise.all([dynamo.close(), s3.close()]);
    });
    beforeEach(async () => {
        dynamo.pageSize(undefined);
        s3.clear();
        await dynamo.clear();
    });

    const put = (item: Record<string, unknown>) => dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: item }));
    const counters = async (counts: Record<string, number>) => {
        for (const [customer, itemCount] of Object.entries(counts)) await put({ pk: `CUSTOMER#${customer}`, sk: "COUNTER", customerId: customer, itemCount });
    };
    const run = (remaining: number[] = [60_000], invoke = handler) =>
        capture(() => invoke(scheduledEvent("2026-11-26T03:00:00Z"), fakeContext(remaining)));
    const summaryObject = () => {
        const object = s3.get(BUCKET, "summaries/2026-11-26.json");
        if (!object) return undefined;
        const { generatedAt, ...rest } = JSON.parse(object.body.toString("utf8")) as Record<string, unknown>;
        assert.strictEqual(typeof generatedAt, "string");
        return rest;
    };

    it("counts customers with items and their items from the COUNTER rows only, writes the summary and publishes metrics", async () => {
        await counters({ "c-1": 3, "c-2": 0, "c-3": 5 });
        await put({ pk: "CUSTOMER#c-1", sk: "ITEM#i-1", itemCount: 100 });
        await put({ pk: "AUDIT#c-1", sk: "2026-11-26T00:00:00.000Z#e", delta: 1 });

        const captured = await run();

        assert.strictEqual(captured.error, undefined);
        const expected = { cell: "cell-a", date: "2026-11-26", complete: true, customers: 2, items: 8, counterRows: 3, pagesScanned: 1 };
        assert.deepStrictEqual(summaryObject(), expected);
        const { generatedAt, ...returned } = captured.result!;
        assert.strictEqual(typeof generatedAt, "string");
        assert.deepStrictEqual(returned, expected);
        const dimensions = { service: "scheduled", cell: "cell-a" };
        assert.deepStrictEqual(metricValues(captured, "Customers"), [{ value: 2, dimensions }]);
        assert.deepStrictEqual(metricValues(captured, "Items"), [{ value: 8, dimensions }]);
    });

    it("follows the Scan's pages to the end", async () => {
        dynamo.pageSize(2);
        await counters({ a: 1, b: 2, c: 3, d: 4, e: 5 });

        const { result } = await run();

        assert.deepStrictEqual([result!.complete, result!.customers, result!.items, result!.pagesScanned], [true, 5, 15, 3]);
    });

    it("stops between pages when time runs low: writes a partial summary, publishes no counts and fails on purpose", async () => {
        dynamo.pageSize(1);
        // Equal counts: which rows a Scan page holds is up to the table.
        await counters({ a: 2, b: 2, c: 2, d: 2 });

        // The first read sizes the reserve (10 s), then one read per page boundary: the third page is not started.
        const captured = await run([60_000, 50_000, 2_000]);

        assert.ok(captured.error instanceof Error);
        assert.strictEqual(captured.error.name, "SummaryIncompleteError");
        assert.strictEqual(captured.error.message, "the summary scan stopped after 2 pages with 2000 ms of the invocation left; " +
            "a partial summary (complete: false) was written and no metrics were published");
        assert.deepStrictEqual(summaryObject(), { cell: "cell-a", date: "2026-11-26", complete: false, customers: 2, items: 4, counterRows: 2, pagesScanned: 2 });
        assert.deepStrictEqual(metricValues(captured, "Items"), []);
        assert.deepStrictEqual(metricValues(captured, "SummaryIncomplete"), [{ value: 1, dimensions: { service: "scheduled", cell: "cell-a" } }]);
    });

    it("writes no object when BUCKET_NAME is unset, and still publishes the metrics", async () => {
        await counters({ a: 2 });
        const restore = setEnv({ BUCKET_NAME: undefined });
        let fresh: Scheduled["handler"];
        try {
            delete require.cache[require.resolve(MODULE)];
            fresh = (require(MODULE) as Scheduled).handler;
        } finally {
            restore();
            delete require.cache[require.resolve(MODULE)];
        }

        const captured = await run([60_000], fresh);

        assert.strictEqual(captured.error, undefined);
        assert.deepStrictEqual(s3.requests, []);
        assert.deepStrictEqual(metricValues(captured, "Items"), [{ value: 2, dimensions: { service: "scheduled", cell: "cell-a" } }]);
        assert.deepStrictEqual(captured.logs.map(l => l.message), ["BUCKET_NAME is not set; summary not written", "cell summarised"]);
    });
});
