import * as assert from "assert";
import fc from "fast-check";
import { csvField, readCsv } from "../../handlers/lib/csv";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { awsEnv, capture, fakeContext, jsonError, metricValues, s3Event, setEnv } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";

type Ingest = typeof import("../../handlers/ingest");
type Json = Record<string, unknown>;

const BUCKET = "cell-a-ingest";

describe("csv reader", () => {
    const read = (text: string) => [...readCsv(text)];

    it("reads quoted fields with commas, escaped quotes and line breaks, CRLF or LF, and skips a BOM and blank lines", () => {
        const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\n\n1,,3\n"",last,';
        assert.deepStrictEqual(read(text), [
            { ok: true, line: 1, fields: ["a", "b", "c"] },
            { ok: true, line: 2, fields: ["x, y", 'say "hi"', "two\r\nlines"] },
            { ok: true, line: 5, fields: ["1", "", "3"] },
            { ok: true, line: 6, fields: ["", "last", ""] },
        ]);
    });

    it("reports a malformed record by its first line and carries on with the next line", () => {
        assert.deepStrictEqual(read('a,b\n"x"y,1\nok,2\n5" screen,3\n'), [
            { ok: true, line: 1, fields: ["a", "b"] },
            { ok: false, line: 2, reason: 'unexpected "y" after the closing quote of field 1' },
            { ok: true, line: 3, fields: ["ok", "2"] },
            { ok: true, line: 4, fields: ['5" screen', "3"] },
        ]);
        assert.deepStrictEqual(read('a\n"never closed\nb\n'), [
            { ok: true, line: 1, fields: ["a"] },
            { ok: false, line: 2, reason: "a quoted field is never closed" },
        ]);
    });

    it("reads back any table written with csvField, whatever the line endings", () => {
        const table = fc.array(fc.array(fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\r", "\n", " ", "é") }), { minLength: 1, maxLength: 5 }), { maxLength: 8 });
        fc.assert(fc.property(table, fc.constantFrom("\n", "\r\n"), fc.boolean(), (rows, eol, trailing) => {
            const text = rows.map(r => r.map(csvField).join(",")).join(eol) + (trailing && rows.length > 0 ? eol : "");
            const read = [...readCsv(text)];
            assert.deepStrictEqual(read.map(r => (r.ok ? r.fields : r)), rows);
        }), { numRuns: 300 });
    });

    it("never throws, whatever the text", () => {
        fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', "\r", "\n") }), text => {
            for (const row of readCsv(text)) assert.ok(row.line >= 1);
        }), { numRuns: 300 });
    });
});

describe("ingest handler", () => {
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let restoreEnv: () => void;
    let handler: Ingest["handler"];

    before(async () => {
        [dynamo, s3] = await Promise.all([startFakeDynamo(), startFakeS3()]);
        restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint }, { BUCKET_NAME: BUCKET }));
        handler = (require("../../handlers/ingest") as Ingest).handler;
    });
    after(async () => {
        restoreEnv();
        await Promise.all([dynamo.close(), s3.close()]);
    });
    beforeEach(async () => {
        dynamo.failWhen(undefined);
        dynamo.leaveUnprocessed(0, 0);
        s3.clear();
        await dynamo.clear();
    });

    /** Puts an object and invokes the handler with its event (key given URL-encoded, as S3 sends it). */
    const ingest = async (key: string, body: string | Buffer, options: { remaining?: number[]; encodedKey?: string; withEtag?: boolean } = {}) => {
        const stored = s3.put(BUCKET, key, body);
        return invoke(options.encodedKey ?? key, options.withEtag === false ? undefined : stored.etag, options.remaining);
    };
    const invoke = async (encodedKey: string, etag?: string, remaining: number[] = [60_000]) =>
        capture(() => handler(s3Event(BUCKET, encodedKey, etag), fakeContext(remaining)));
    const items = async () => (await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#"))
        .map(r => ({ pk: r.pk, sk: r.sk, data: r.data, source: r.source }));
    const checkpoint = async () => {
        const row = (await dynamo.rows()).find(r => r.sk === "CHECKPOINT");
        if (!row) return undefined;
        const { pk, etag, lastLine, rowsWritten, status } = row;
        return { pk, etag, lastLine, rowsWritten, status };
    };
    const errorReport = (key: string) => {
        const object = s3.get(BUCKET, `errors/${key}.json`);
        if (!object) return undefined;
        const { checkedAt, ...rest } = JSON.parse(object.body.toString("utf8")) as Json;
        assert.strictEqual(typeof checkedAt, "string");
        return rest;
    };

    it("ingests a CSV with quoted fields, escaped quotes and CRLF, decoding a URL-encoded key", async () => {
        const key = "incoming/march a+b é.csv";
        const csv = 'customerId,itemId,colour,note\r\nc-1,i-1,red,"says ""hi"", twice"\r\nc-2,i-9,"bl\r\nue",\r\n';

        const { result, error } = await ingest(key, csv, { encodedKey: "incoming/march+a%2Bb+%C3%A9.csv" });

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 2, written: 2, malformed: 0 }]);
        assert.deepStrictEqual(await items(), [
            { pk: "CUSTOMER#c-1", sk: "ITEM#i-1", data: { colour: "red", note: 'says "hi", twice' }, source: `s3://${BUCKET}/${key}#L2` },
            { pk: "CUSTOMER#c-2", sk: "ITEM#i-9", data: { colour: "bl\r\nue", note: "" }, source: `s3://${BUCKET}/${key}#L3` },
        ]);
        assert.deepStrictEqual(await checkpoint(), {
            pk: `INGEST#${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, lastLine: 3, rowsWritten: 2, status: "complete",
        });
        assert.strictEqual(errorReport(key), undefined);
    });

    it("skips malformed JSON Lines rows, logs them with line numbers and writes errors/<key>.json", async () => {
        const key = "incoming/batch.jsonl";
        const lines = [
            JSON.stringify({ customerId: "c-1", itemId: "i-1", data: { n: 1 } }),
            "{not json",
            JSON.stringify({ customerId: "c-1" }),
            "",
            JSON.stringify({ customerId: "c-2", itemId: "i-2" }),
            JSON.stringify({ customerId: "c 3", itemId: "i-3", data: "x" }),
        ];

        const { result, error, logs } = await ingest(key, lines.join("\n"));

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 2, written: 2, malformed: 3 }]);
        assert.deepStrictEqual((await items()).map(i => `${i.pk} ${i.sk}`), ["CUSTOMER#c-1 ITEM#i-1", "CUSTOMER#c-2 ITEM#i-2"]);
        const errors = [
            { line: 2, reason: `the line is not JSON (${jsonError("{not json")})` },
            { line: 3, reason: "itemId is missing" },
            { line: 6, reason: `customerId "c 3" does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$; data must be a JSON object` },
        ];
        assert.deepStrictEqual(errorReport(key), {
            object: `s3://${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, format: "jsonl", validRows: 2, written: 2, malformed: 3, errors,
        });
        const warning = logs.find(l => l.message === "malformed rows skipped")!;
        assert.deepStrictEqual([warning.malformed, warning.errors, warning.cell], [3, errors, "cell-a"]);
    });

    it("answers a CSV without the required columns with a report, not an exception", async () => {
        const key = "incoming/wrong.csv";
        const { result, error, metrics } = await ingest(key, "customer,item\nc-1,i-1\n");

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "rejected" }]);
        assert.deepStrictEqual(await items(), []);
        assert.deepStrictEqual(errorReport(key), {
            object: `s3://${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, format: "csv",
            fileError: "the header row (line 1) has no customerId or itemId column (columns: customer, item)",
            validRows: 0, written: 0, malformed: 0, errors: [],
        });
        assert.deepStrictEqual(metricValues({ metrics }, "FilesRejected"), [{ value: 1, dimensions: { service: "ingest", cell: "cell-a" } }]);
    });

    it("answers a file that is not UTF-8 with a report, not an exception", async () => {
        const { result, error } = await ingest("incoming/binary.csv", Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key: "incoming/binary.csv", status: "rejected" }]);
        assert.strictEqual(errorReport("incoming/binary.csv")!.fileError, "the object is not valid UTF-8 text");
    });

    it("reports CSV rows with the wrong number of fields or an unclosed quote by line", async () => {
        const key = "incoming/ragged.csv";
        const { result } = await ingest(key, 'customerId,itemId,a\nc-1,i-1,x\nc-1,i-2\nc-1,i-3,"x"y\nc-1,i-4,ok\nc-1,i-5,"open\n');

        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 2, written: 2, malformed: 3 }]);
        assert.deepStrictEqual(errorReport(key)!.errors, [
            { line: 3, reason: "expected 3 fields (as in the header), got 2" },
            { line: 4, reason: 'unexpected "y" after the closing quote of field 3' },
            { line: 6, reason: "a quoted field is never closed" },
        ]);
    });

    it("ignores keys it does not read, and its own reports, without touching the object", async () => {
        s3.put(BUCKET, "incoming/readme.txt", "hello");
        s3.put(BUCKET, "errors/incoming/x.csv.json", "{}");
        s3.put(BUCKET, "errors/loop.csv", "customerId,itemId\nc,i\n");

        const results = [];
        const messages = [];
        for (const key of ["incoming/readme.txt", "errors/loop.csv"]) {
            const { result, logs } = await invoke(key);
            results.push(result);
            messages.push(...logs.map(l => [l.message, l.location]));
        }

        assert.deepStrictEqual(results, [
            [{ bucket: BUCKET, key: "incoming/readme.txt", status: "ignored" }],
            [{ bucket: BUCKET, key: "errors/loop.csv", status: "ignored" }],
        ]);
        assert.deepStrictEqual(messages, [
            ["key is not an ingestible .csv, .jsonl or .ndjson object; ignored", `s3://${BUCKET}/incoming/readme.txt`],
            ["key is under a prefix the cell's handlers write to; ignored", `s3://${BUCKET}/errors/loop.csv`],
        ]);
        assert.deepStrictEqual(s3.requests.filter(r => r.startsWith("GET")), []);
        assert.deepStrictEqual(await dynamo.rows(), []);
    });

    describe("time budget", () => {
        const rows = (n: number) => ["customerId,itemId", ...Array.from({ length: n }, (_, i) => `c-${i % 3},i-${i}`)].join("\n");

        it("stops between batches when time runs low, saves the line reached, fails on purpose, and a retry resumes there", async () => {
            const key = "incoming/big.csv";
            // First read sizes the reserve (60 s → 10 s kept back); the check before the 3rd batch sees 4 s left.
            const first = await ingest(key, rows(100), { remaining: [60_000, 50_000, 4_000] });

            assert.ok(first.error instanceof Error);
            assert.strictEqual(first.error.name, "TimeBudgetExhaustedError");
            assert.strictEqual(first.error.message, `stopped ingesting s3://${BUCKET}/${key} after line 51 with 50 rows left, ` +
                "because only 4000 ms of the invocation remain; the checkpoint is saved and a retry resumes after line 51");
            assert.strictEqual((await items()).length, 50);
            const etag = s3.get(BUCKET, key)!.etag;
            assert.deepStrictEqual(await checkpoint(), { pk: `INGEST#${BUCKET}/${key}`, etag, lastLine: 51, rowsWritten: 50, status: "in-progress" });
            const firstWrites = new Map((await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#")).map(r => [r.sk, r.updatedAt]));

            dynamo.operations.length = 0;
            const retry = await invoke(key, etag);

            assert.strictEqual(retry.error, undefined);
            assert.deepStrictEqual(retry.result, [{ bucket: BUCKET, key, status: "ingested", rows: 100, written: 50, malformed: 0, resumedAfterLine: 51 }]);
            assert.strictEqual(dynamo.operations.filter(o => o === "BatchWriteItem").length, 2);
            const after = (await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#"));
            assert.strictEqual(after.length, 100);
            for (const row of after) if (firstWrites.has(row.sk)) assert.strictEqual(row.updatedAt, firstWrites.get(row.sk), `${row.sk} rewritten`);
            assert.deepStrictEqual(await checkpoint(), { pk: `INGEST#${BUCKET}/${key}`, etag, lastLine: 101, rowsWritten: 100, status: "complete" });
        });

        it("always writes one batch, so a very short budget still makes progress", async () => {
            const key = "incoming/tight.csv";
            const { error } = await ingest(key, rows(30), { remaining: [400] });
            assert.strictEqual((error as Error).name, "TimeBudgetExhaustedError");
            assert.strictEqual((await items()).length, 25);
        });

        it("ignores a duplicate event for an object already ingested, without reading it", async () => {
            const key = "incoming/once.csv";
            const { result } = await ingest(key, rows(3));
            assert.strictEqual((result as Array<{ status: string }>)[0].status, "ingested");
            s3.requests.length = 0;

            const again = await invoke(key, s3.get(BUCKET, key)!.etag);

            assert.deepStrictEqual(again.result, [{ bucket: BUCKET, key, status: "duplicate" }]);
            assert.deepStrictEqual(s3.requests, []);
        });
    });

    it("retries UnprocessedItems with backoff until every row is written", async () => {
        dynamo.leaveUnprocessed(10, 2);
        const key = "incoming/throttled.jsonl";
        const body = Array.from({ length: 25 }, (_, i) => JSON.stringify({ customerId: "c-1", itemId: `i-${i}` })).join("\n");

        const { result, error } = await ingest(key, body);

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 25, written: 25, malformed: 0 }]);
        assert.strictEqual((await items()).length, 25);
        assert.strictEqual(dynamo.operations.filter(o => o === "BatchWriteItem").length, 3);
    });

    it("writes an item repeated within a batch once, the later row winning", async () => {
        const key = "incoming/repeat.csv";
        await ingest(key, "customerId,itemId,v\nc-1,i-1,first\nc-1,i-1,second\n");
        assert.deepStrictEqual((await items()).map(i => i.data), [{ v: "second" }]);
    });

    it("ingests the current version of an object overwritten since the event; the newer event is then a duplicate", async () => {
        const older = s3.put(BUCKET, "incoming/x.csv", "customerId,itemId,v\nc,i,1\n");
        const newer = s3.put(BUCKET, "incoming/x.csv", "customerId,itemId,v\nc,i,2\n");

        const stale = await invoke("incoming/x.csv", older.etag);
        const current = await invoke("incoming/x.csv", newer.etag);

        assert.deepStrictEqual([stale.result, current.result], [
            [{ bucket: BUCKET, key: "incoming/x.csv", status: "ingested", rows: 1, written: 1, malformed: 0 }],
            [{ bucket: BUCKET, key: "incoming/x.csv", status: "duplicate" }],
        ]);
        assert.deepStrictEqual((await items()).map(i => i.data), [{ v: "2" }]);
    });

    it("does nothing for an object deleted before the event was handled", async () => {
        const { result, error } = await invoke("incoming/gone.csv", "0123456789abcdef0123456789abcdef");
        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key: "incoming/gone.csv", status: "missing" }]);
    });

    it("fails the invocation (for Lambda to retry) when the object cannot be read", async () => {
        s3.denyWhen(method => method === "GET");
        const { error } = await ingest("incoming/locked.csv", "customerId,itemId\n");
        assert.strictEqual((error as Error).name, "AccessDenied");
    });

    it("never throws for any file content: malformed input yields a result and, when needed, a report", async () => {
        const content = fc.oneof(
            fc.uint8Array({ maxLength: 200 }).map(b => Buffer.from(b)),
            fc.array(fc.oneof(fc.constant("customerId,itemId"), fc.constant("c-1,i-1"), fc.string()), { maxLength: 6 }).map(l => Buffer.from(l.join("\n"))),
        );
        let n = 0;
        await fc.assert(fc.asyncProperty(content, fc.constantFrom("csv", "jsonl"), async (body, suffix) => {
            const key = `incoming/fuzz-${n++}.${suffix}`;
            const { result, error } = await ingest(key, body);
            assert.strictEqual(error, undefined);
            const [only] = result as Array<{ status: string; malformed?: number }>;
            assert.ok(only.status === "ingested" || only.status === "rejected", only.status);
            const hasReport = s3.get(BUCKET, `errors/${key}.json`) !== undefined;
            assert.strictEqual(hasReport, only.status === "rejected" || (only.malformed ?? 0) > 0);
        }), { numRuns: 40 });
    });
});
