import * as assert from "assert";
import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { IngestEntry, MAX_LINE_BYTES, readRows } from "../../handlers/lib/ingest-rows";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { awsEnv, capture, fakeContext, metricValues, s3Event, setEnv } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";

type Ingest = typeof import("../../handlers/ingest");
type Json = Record<string, unknown>;

const BUCKET = "cell-a-ingest";

/** The bytes of `text` in chunks of `size`, as a stream hands them over (a chunk may split a character or a CRLF). */
async function* chunked(body: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function entries(format: "csv" | "jsonl", body: string | Buffer, size = 7): Promise<IngestEntry[]> {
    const out: IngestEntry[] = [];
    for await (const entry of readRows(format, chunked(body, size))) out.push(entry);
    return out;
}

const row = (line: number, customerId: string, itemId: string, data: string): IngestEntry => ({ kind: "row", row: { line, item: { customerId, itemId, data } } });
const bad = (line: number, reason: string): IngestEntry => ({ kind: "error", error: { line, reason } });

describe("ingest rows (handlers/lib/ingest-rows.ts), read as a stream", () => {
    it("reads CSV quoted fields with commas, escaped quotes and line breaks, CRLF or LF, a BOM and blank lines, by the line each starts on", async () => {
        const text = '\uFEFFcustomerId,itemId,colour,note\r\nc-1,i-1,"x, y","say ""hi""\r\ntwice"\n\nc-2,i-2,,5" screen\nc-3,i-3,"a\n\nb",last';
        for (const size of [1, 3, 64]) {
            assert.deepStrictEqual(await entries("csv", text, size), [
                row(2, "c-1", "i-1", '{"colour":"x, y","note":"say \\"hi\\"\\r\\ntwice"}'),
                row(5, "c-2", "i-2", '{"colour":"","note":"5\\" screen"}'),
                row(6, "c-3", "i-3", '{"colour":"a\\n\\nb","note":"last"}'),
            ], `chunks of ${size}`);
        }
    });

    it("reports each malformed CSV record by its first line, without its values, and reads on", async () => {
        const text = "customerId,itemId,a\nc-1,i-1,x\nc-1,i-2\ncard=4111,i-3,x\nc-1,i-4,ok\nc-1,i-5,\"open\nmore\n";
        assert.deepStrictEqual(await entries("csv", text), [
            row(2, "c-1", "i-1", '{"a":"x"}'),
            bad(3, "expected 3 fields (as in the header), got 2"),
            bad(4, "customerId does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
            row(5, "c-1", "i-4", '{"a":"ok"}'),
            bad(6, "a quoted field is never closed"),
        ]);
    });

    it("isolates a CSV record that is not UTF-8, and refuses a file without a usable header", async () => {
        const latin1 = Buffer.concat([Buffer.from("customerId,itemId,v\nc-1,i-1,ok\nc-1,i-2,"), Buffer.from([0xe9, 0x28]), Buffer.from("\nc-1,i-3,fine\n")]);
        assert.deepStrictEqual(await entries("csv", latin1), [
            row(2, "c-1", "i-1", '{"v":"ok"}'), bad(3, "the record is not valid UTF-8"), row(4, "c-1", "i-3", '{"v":"fine"}'),
        ]);
        assert.deepStrictEqual(await entries("csv", "customer,item\nc-1,i-1\n"), [{ kind: "file-error", reason: "the header row (line 1) has no customerId or itemId column (it has 2)" }]);
        assert.deepStrictEqual(await entries("csv", "customerId,itemId,x,x\n"), [{ kind: "file-error", reason: "the header row (line 1) names a column twice (column 4)" }]);
        assert.deepStrictEqual(await entries("csv", ""), [{ kind: "file-error", reason: "the file has no header row" }]);
    });

    it("stops a CSV file at a line longer than 1 MiB, saying so, after the rows before it", async () => {
        const text = `customerId,itemId,v\nc-1,i-1,ok\nc-1,i-2,${"x".repeat(MAX_LINE_BYTES)}\nc-1,i-3,never\n`;
        assert.deepStrictEqual(await entries("csv", text, 65536), [
            row(2, "c-1", "i-1", '{"v":"ok"}'), bad(3, "the line is longer than 1048576 bytes; the file is not read past it"),
        ]);
    });

    it("reads JSON Lines without loss, line by line: a bad line costs only itself", async () => {
        const lines = [
            '{"customerId":"c-1","itemId":"i-1","data":{"big":123456789012345678901234567890,"tiny":1e-400,"__proto__":{"x":1},"constructor":{}}}\r',
            "{not json",
            "",
            '{"customerId":"c-1"}',
            Buffer.from([0x7b, 0xff, 0x7d]).toString("latin1"),
            `{"customerId":"c-2","itemId":"i-2","data":{"long":"${"y".repeat(MAX_LINE_BYTES)}"}}`,
            '{"customerId":"c-3","itemId":"i-3"}',
        ];
        const body = Buffer.concat(lines.map((l, i) => Buffer.concat([Buffer.from(l, i === 4 ? "latin1" : "utf8"), Buffer.from("\n")])));
        assert.deepStrictEqual(await entries("jsonl", body, 4096), [
            row(1, "c-1", "i-1", '{"big":123456789012345678901234567890,"tiny":1e-400,"__proto__":{"x":1},"constructor":{}}'),
            bad(2, "the line is not valid JSON"),
            bad(4, "itemId is missing"),
            bad(5, "the line is not valid UTF-8"),
            bad(6, "the line is longer than 1048576 bytes"),
            row(7, "c-3", "i-3", "{}"),
        ]);
    });

    it("reads back any table csv-stringify writes (an independent writer), whatever the line endings and chunking", async () => {
        const value = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\r", "\n", " ", "é", "🐢") });
        const table = fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,4}$/), value, value), { maxLength: 8 });
        await fc.assert(fc.asyncProperty(table, fc.constantFrom("\n", "\r\n"), fc.integer({ min: 1, max: 40 }), async (rows, eol, size) => {
            const text = stringify([["customerId", "itemId", "p", "q"], ...rows.map(([id, p, q]) => ["c-1", id, p, q])], { record_delimiter: eol === "\n" ? "unix" : "windows", quoted_empty: true, quoted_match: /[\r\n]/ });
            const read = await entries("csv", text, size);
            assert.deepStrictEqual(read.map(e => (e.kind === "row" ? [e.row.item.itemId, JSON.parse(e.row.item.data)] : e)),
                rows.map(([id, p, q]) => [id, { p, q }]));
            // Each row starts on the line after the previous one's last line.
            let line = 2;
            for (const [i, e] of read.entries()) {
                assert.equal(e.kind === "row" && e.row.line, line);
                line += 1 + (`${rows[i]![1]}${rows[i]![2]}`.match(/\n/g)?.length ?? 0);
            }
        }), { numRuns: 200 });
    });

    it("never throws, whatever the bytes", async () => {
        const bytes = fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)),
            fc.string({ unit: fc.constantFrom("a", ",", '"', "\r", "\n", "{", "}", ":") }).map(t => Buffer.from(`customerId,itemId\n${t}`)),
        );
        await fc.assert(fc.asyncProperty(bytes, fc.constantFrom("csv" as const, "jsonl" as const), fc.integer({ min: 1, max: 16 }), async (body, format, size) => {
            for (const e of await entries(format, body, size)) assert.ok(e.kind === "file-error" || (e.kind === "row" ? e.row.line : e.error.line) >= 1);
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
        .map(r => ({ pk: r.pk, sk: r.sk, data: r.data, version: r.version, writtenBy: r.writtenBy }));
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
    const writer = (key: string, line: number) => `ingest:s3://${BUCKET}/${key}@${s3.get(BUCKET, key)!.etag}#L${line}`;

    it("ingests a CSV through the item model (data as text, version 1), decoding a URL-encoded key", async () => {
        const key = "incoming/march a+b é.csv";
        const csv = 'customerId,itemId,colour,note\r\nc-1,i-1,red,"says ""hi"", twice"\r\nc-2,i-9,"bl\r\nue",\r\n';

        const { result, error } = await ingest(key, csv, { encodedKey: "incoming/march+a%2Bb+%C3%A9.csv" });

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 2, written: 2, malformed: 0 }]);
        assert.deepStrictEqual(await items(), [
            { pk: "CUSTOMER#c-1", sk: "ITEM#i-1", data: '{"colour":"red","note":"says \\"hi\\", twice"}', version: 1, writtenBy: writer(key, 2) },
            { pk: "CUSTOMER#c-2", sk: "ITEM#i-9", data: '{"colour":"bl\\r\\nue","note":""}', version: 1, writtenBy: writer(key, 3) },
        ]);
        assert.deepStrictEqual(await checkpoint(), {
            pk: `INGEST#${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, lastLine: 3, rowsWritten: 2, status: "complete",
        });
        assert.strictEqual(errorReport(key), undefined);
    });

    it("advances the version of an item the API or the queue wrote before, keeping createdAt and the incarnation", async () => {
        const key = "incoming/update.jsonl";
        await ingest(key, '{"customerId":"c-1","itemId":"i-1","data":{"v":1}}\n');
        const [before] = await dynamo.rows();
        await ingest("incoming/update-2.jsonl", '{"customerId":"c-1","itemId":"i-1","data":{"v":2}}\n{"customerId":"c-1","itemId":"i-1","data":{"v":3}}\n');
        const after = (await dynamo.rows()).find(r => r.sk === "ITEM#i-1")!;
        assert.deepStrictEqual([after.version, after.data, after.createdAt, after.incarnation], [3, '{"v":3}', before!.createdAt, before!.incarnation]);
    });

    it("skips malformed JSON Lines rows, logs them with line numbers and reasons (never values) and writes errors/<key>.json", async () => {
        const key = "incoming/batch.jsonl";
        const lines = [
            JSON.stringify({ customerId: "c-1", itemId: "i-1", data: { n: 1 } }),
            "{not json card=4111",
            JSON.stringify({ customerId: "c-1" }),
            "",
            JSON.stringify({ customerId: "c-2", itemId: "i-2" }),
            JSON.stringify({ customerId: "bob@example.com", itemId: "i-3", data: "x" }),
        ];

        const { result, error, logs } = await ingest(key, lines.join("\n"));

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 2, written: 2, malformed: 3 }]);
        assert.deepStrictEqual((await items()).map(i => `${i.pk} ${i.sk}`), ["CUSTOMER#c-1 ITEM#i-1", "CUSTOMER#c-2 ITEM#i-2"]);
        const errors = [
            { line: 2, reason: "the line is not valid JSON" },
            { line: 3, reason: "itemId is missing" },
            { line: 6, reason: "customerId does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$; data must be a JSON object" },
        ];
        assert.deepStrictEqual(errorReport(key), {
            object: `s3://${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, format: "jsonl", validRows: 2, written: 2, malformed: 3, errors,
        });
        const warning = logs.find(l => l.message === "rows skipped")!;
        assert.deepStrictEqual([warning.malformed, warning.unwritable, warning.errors, warning.cell], [3, 0, errors, "cell-a"]);
        assert.ok(!JSON.stringify(logs).includes("4111") && !JSON.stringify(logs).includes("bob@"));
    });

    it("reports a row DynamoDB refuses (ValidationException) in errors/<key>.json and writes the rest of the file", async () => {
        dynamo.failWhen(r => r.operation === "TransactWriteItems" && JSON.stringify(r.body).includes("ITEM#too-big"), "ValidationException");
        const key = "incoming/refused.csv";
        const { result, error } = await ingest(key, "customerId,itemId,v\nc-1,i-1,a\nc-1,too-big,b\nc-1,i-3,c\n");

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 3, written: 2, malformed: 0, unwritable: 1 }]);
        assert.deepStrictEqual((await items()).map(i => i.sk), ["ITEM#i-1", "ITEM#i-3"]);
        assert.deepStrictEqual(errorReport(key), {
            object: `s3://${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, format: "csv", validRows: 3, written: 2, malformed: 0, unwritable: 1,
            errors: [{ line: 3, reason: "DynamoDB refused the row (ValidationException)" }],
        });
    });

    it("answers a CSV without the required columns with a report, not an exception", async () => {
        const key = "incoming/wrong.csv";
        const { result, error, metrics } = await ingest(key, "customer,item\nc-1,i-1\n");

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "rejected" }]);
        assert.deepStrictEqual(await items(), []);
        assert.deepStrictEqual(errorReport(key), {
            object: `s3://${BUCKET}/${key}`, etag: s3.get(BUCKET, key)!.etag, format: "csv",
            fileError: "the header row (line 1) has no customerId or itemId column (it has 2)",
            validRows: 0, written: 0, malformed: 0, errors: [],
        });
        assert.deepStrictEqual(metricValues({ metrics }, "FilesRejected"), [{ value: 1, dimensions: { service: "ingest", cell: "cell-a" } }]);
    });

    it("answers a file that is not UTF-8 with a report, not an exception", async () => {
        const { result, error } = await ingest("incoming/binary.csv", Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(result, [{ bucket: BUCKET, key: "incoming/binary.csv", status: "rejected" }]);
        assert.strictEqual(errorReport("incoming/binary.csv")!.fileError, "the header row (line 1) is malformed: the record is not valid UTF-8");
    });

    it("reports CSV rows with the wrong number of fields or an unclosed quote by line", async () => {
        const key = "incoming/ragged.csv";
        const { result } = await ingest(key, 'customerId,itemId,a\nc-1,i-1,x\nc-1,i-2\nc-1,i-3,"x"y\nc-1,i-4,ok\nc-1,i-5,"open\n');

        assert.deepStrictEqual(result, [{ bucket: BUCKET, key, status: "ingested", rows: 3, written: 3, malformed: 2 }]);
        assert.deepStrictEqual(errorReport(key)!.errors, [
            { line: 3, reason: "expected 3 fields (as in the header), got 2" },
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

        it("stops between chunks when time runs low, saves the line reached, fails on purpose, and a retry resumes there", async () => {
            const key = "incoming/big.csv";
            // First read sizes the reserve (60 s → 10 s kept back); the check before the 3rd batch sees 4 s left.
            const first = await ingest(key, rows(100), { remaining: [60_000, 50_000, 4_000] });

            assert.ok(first.error instanceof Error);
            assert.strictEqual(first.error.name, "TimeBudgetExhaustedError");
            assert.strictEqual(first.error.message, `stopped ingesting s3://${BUCKET}/${key} after line 51, ` +
                "because only 4000 ms of the invocation remain; the checkpoint is saved and a retry resumes after line 51");
            assert.strictEqual((await items()).length, 50);
            const etag = s3.get(BUCKET, key)!.etag;
            assert.deepStrictEqual(await checkpoint(), { pk: `INGEST#${BUCKET}/${key}`, etag, lastLine: 51, rowsWritten: 50, status: "in-progress" });
            const firstWrites = new Map((await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#")).map(r => [r.sk, r.updatedAt]));

            dynamo.operations.length = 0;
            const retry = await invoke(key, etag);

            assert.strictEqual(retry.error, undefined);
            assert.deepStrictEqual(retry.result, [{ bucket: BUCKET, key, status: "ingested", rows: 100, written: 50, malformed: 0, resumedAfterLine: 51 }]);
            assert.strictEqual(dynamo.operations.filter(o => o === "TransactWriteItems").length, 50);
            const after = (await dynamo.rows()).filter(r => String(r.sk).startsWith("ITEM#"));
            assert.strictEqual(after.length, 100);
            for (const row of after) if (firstWrites.has(row.sk)) assert.strictEqual(row.updatedAt, firstWrites.get(row.sk), `${row.sk} rewritten`);
            assert.deepStrictEqual(await checkpoint(), { pk: `INGEST#${BUCKET}/${key}`, etag, lastLine: 101, rowsWritten: 100, status: "complete" });
        });

        it("always writes one chunk, so a very short budget still makes progress", async () => {
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

    it("stops the file when a write fails for a reason that is not the row's, and the retry resumes without writing any row twice", async () => {
        const key = "incoming/outage.jsonl";
        const body = Array.from({ length: 60 }, (_, i) => JSON.stringify({ customerId: "c-1", itemId: `i-${i}`, data: { i } })).join("\n");
        dynamo.failWhen(r => r.operation === "TransactWriteItems" && JSON.stringify(r.body).includes("ITEM#i-30\""));

        const first = await ingest(key, body);

        assert.strictEqual((first.error as Error).name, "AccessDeniedException");
        const etag = s3.get(BUCKET, key)!.etag;
        assert.deepStrictEqual(await checkpoint(), { pk: `INGEST#${BUCKET}/${key}`, etag, lastLine: 25, rowsWritten: 25, status: "in-progress" });
        // Rows 26-50 of the failed chunk other than i-30 were written before the invocation failed.
        const written = (await items()).length;
        assert.strictEqual(written, 49);

        dynamo.failWhen(undefined);
        const retry = await invoke(key, etag);

        assert.deepStrictEqual(retry.result, [{ bucket: BUCKET, key, status: "ingested", rows: 60, written: 35, malformed: 0, resumedAfterLine: 25 }]);
        const rows = await items();
        assert.strictEqual(rows.length, 60);
        // Written once each: the rows the failed chunk had already written were not applied again.
        assert.deepStrictEqual(rows.filter(r => r.version !== 1), []);
    });

    it("writes every row of an item in file order: each is a version, the last row's data wins", async () => {
        const key = "incoming/repeat.csv";
        await ingest(key, "customerId,itemId,v\nc-1,i-1,first\nc-1,i-1,second\nc-1,i-1,third\n");
        assert.deepStrictEqual((await items()).map(i => [i.data, i.version]), [['{"v":"third"}', 3]]);
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
        assert.deepStrictEqual((await items()).map(i => i.data), ['{"v":"2"}']);
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
