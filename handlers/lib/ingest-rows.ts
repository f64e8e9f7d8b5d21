/**
 * Turns the bytes of an ingested object, as they stream in, into customer items, one row at a time. Pure (no AWS
 * client: it reads any async iterable of bytes, such as an S3 object's body).
 *
 * By key suffix (case-insensitive):
 * - `.csv`: a header row naming the columns, then one item per record (RFC 4180, read by csv-parse: quoted fields
 *   with commas, `""` and line breaks; a quote inside an unquoted field kept as written; CRLF or LF; a leading
 *   BOM and blank lines skipped). `customerId` and `itemId` columns are required; every other column becomes a
 *   string field of the item's `data`.
 * - `.jsonl` / `.ndjson`: one JSON object per line, `{ "customerId", "itemId", "data"?: {...} }`, read without
 *   loss (lib/json-text.ts).
 *
 * Each row stands alone: a malformed one (bad JSON, missing or invalid fields, the wrong number of fields, bytes
 * that are not UTF-8, a line longer than {@link MAX_LINE_BYTES}) is reported with its 1-based line and the rest is
 * read on. A problem with the file as a whole (no usable CSV header) is a file error and yields no rows. Reasons
 * name fields and rules, never a value.
 */
import { Readable } from "node:stream";
import { parse as csvParser, type CsvError } from "csv-parse";
import { ItemInput, InvalidRecordError, parseLosslessObject, toItemInput } from "./events-items";
import { jsonText } from "./json-text";

export type IngestFormat = "csv" | "jsonl";

export interface IngestRow {
    /** The line the row starts on. */
    line: number;
    item: ItemInput;
}

export interface RowError {
    line: number;
    reason: string;
}

export type IngestEntry =
    | { kind: "row"; row: IngestRow }
    | { kind: "error"; error: RowError }
    /** Nothing in the file can be read (it is the last entry). */
    | { kind: "file-error"; reason: string };

/** A line longer than this is not read (a row of an item can hold at most 400 KB anyway). */
export const MAX_LINE_BYTES = 1024 * 1024;
/** A CSV record longer than this, in characters, is malformed (it could never be stored). */
export const MAX_RECORD_CHARS = 512 * 1024;

const REQUIRED_COLUMNS = ["customerId", "itemId"] as const;

/** The format an object key asks for, or `undefined` when the key is not one the ingest function reads. */
export function formatOf(key: string): IngestFormat | undefined {
    const lower = key.toLowerCase();
    if (lower.endsWith(".csv")) return "csv";
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
    return undefined;
}

export function readRows(format: IngestFormat, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<IngestEntry> {
    return format === "csv" ? readCsvRows(bytes) : readJsonLines(bytes);
}

interface TextLine {
    line: number;
    /** Decoded text without its line break; for a line that is not UTF-8, decoded with replacement characters. */
    text: string;
    /** `\n`, `\r\n`, or "" for the last line. */
    eol: string;
    problem?: "not-utf8" | "too-long";
}

const LINE_PROBLEMS: Record<NonNullable<TextLine["problem"]>, string> = {
    "not-utf8": "the line is not valid UTF-8",
    "too-long": `the line is longer than ${MAX_LINE_BYTES} bytes`,
};

/**
 * The lines of a byte stream. A line feed byte never occurs inside a multi-byte UTF-8 sequence, so splitting the
 * bytes first and decoding each line on its own is exact, and a bad byte costs only its line. A line over the
 * limit is not buffered past it.
 */
async function* textLines(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<TextLine> {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const lenient = new TextDecoder("utf-8");
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let tooLong = false;
    let line = 1;
    const finish = (ended: boolean): TextLine => {
        let data = Buffer.concat(pending);
        let eol = ended ? "\n" : "";
        if (ended && data.length > 0 && data[data.length - 1] === 0x0d) {
            data = data.subarray(0, data.length - 1);
            eol = "\r\n";
        }
        const out: TextLine = { line, text: "", eol };
        if (tooLong) {
            out.problem = "too-long";
        } else {
            try {
                out.text = strict.decode(data);
            } catch {
                out.text = lenient.decode(data);
                out.problem = "not-utf8";
            }
            if (line === 1 && out.text.charCodeAt(0) === 0xfeff) out.text = out.text.slice(1);
        }
        pending = [];
        pendingBytes = 0;
        tooLong = false;
        line++;
        return out;
    };
    for await (const chunk of bytes) {
        const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        let start = 0;
        for (;;) {
            const lf = buffer.indexOf(0x0a, start);
            const piece = buffer.subarray(start, lf < 0 ? buffer.length : lf);
            if (!tooLong) {
                if (pendingBytes + piece.length > MAX_LINE_BYTES) {
                    tooLong = true;
                    pending = [];
                    pendingBytes = 0;
                } else {
                    pending.push(Buffer.from(piece));
                    pendingBytes += piece.length;
                }
            }
            if (lf < 0) break;
            yield finish(true);
            start = lf + 1;
        }
    }
    if (pendingBytes > 0 || tooLong) yield finish(false);
}

function reasonOf(err: unknown): string {
    return err instanceof InvalidRecordError ? err.message : "the row is malformed";
}

async function* readJsonLines(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<IngestEntry> {
    for await (const { line, text, problem } of textLines(bytes)) {
        if (problem !== undefined) {
            yield { kind: "error", error: { line, reason: LINE_PROBLEMS[problem] } };
            continue;
        }
        if (text.trim() === "") continue;
        try {
            yield { kind: "row", row: { line, item: toItemInput(parseLosslessObject(text, "the line")) } };
        } catch (err) {
            yield { kind: "error", error: { line, reason: reasonOf(err) } };
        }
    }
}

const CSV_ERRORS: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
    CSV_MAX_RECORD_SIZE: `the record is longer than ${MAX_RECORD_CHARS} characters`,
};

type CsvEntry =
    | { start: number; fields: string[]; problem?: string }
    /** `last`: the parser cannot go on from here; nothing after it is read. */
    | { start: number; error: string; last: boolean };

/**
 * CSV records with the line each starts on. The lines are counted here, from the raw text of each record (one
 * line plus the line breaks inside its quoted fields), not by the parser, whose count differs for a CRLF inside
 * a quoted field.
 */
async function* csvRecords(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<CsvEntry> {
    const badLines = new Map<number, string>();
    let tooLong: number | undefined;
    async function* texts(): AsyncGenerator<string> {
        for await (const l of textLines(bytes)) {
            if (l.problem === "too-long") {
                // Its bytes were not kept, so nothing after it can be placed in the CSV structure: stop here.
                tooLong = l.line;
                return;
            }
            if (l.problem !== undefined) badLines.set(l.line, LINE_PROBLEMS[l.problem]);
            yield l.text + l.eol;
        }
    }
    // What the parser skipped, and how many records it had handed over before: the order the two come in.
    const skipped: Array<{ code: string; after: number }> = [];
    const parser = csvParser({
        relax_quotes: true,
        relax_column_count: true,
        skip_records_with_error: true,
        record_delimiter: ["\r\n", "\n"],
        max_record_size: MAX_RECORD_CHARS,
        raw: true,
        on_skip: (err: CsvError | undefined) => {
            if (err) skipped.push({ code: err.code, after: Number(err.records) || 0 });
        },
    });
    const source = Readable.from(texts());
    source.on("error", err => parser.destroy(err));
    source.pipe(parser);
    let next = 1;
    let handed = 0;
    try {
        for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
            if (skipped.length > 0 && skipped[0]!.after <= handed) break;
            handed++;
            const breaks = (raw.match(/\n/g)?.length ?? 0) - (raw.endsWith("\n") ? 1 : 0);
            const start = next;
            next = start + breaks + 1;
            let problem: string | undefined;
            for (let l = start; l < next && problem === undefined; l++) problem = badLines.get(l)?.replace("the line", "the record");
            yield { start, fields: record, ...(problem === undefined ? {} : { problem }) };
        }
    } finally {
        parser.destroy();
        source.destroy();
    }
    if (tooLong !== undefined) {
        yield { start: tooLong, error: `${LINE_PROBLEMS["too-long"]}; the file is not read past it`, last: true };
    } else if (skipped.length > 0) {
        const code = skipped[0]!.code;
        // An unclosed quote can only be noticed at the end of the file; any other error leaves the parser lost.
        const reason = CSV_ERRORS[code] ?? `the record is malformed (${code})`;
        yield { start: next, error: code === "CSV_QUOTE_NOT_CLOSED" ? reason : `${reason}; the file is not read past it`, last: true };
    }
}

async function* readCsvRows(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<IngestEntry> {
    let header: string[] | undefined;
    for await (const r of csvRecords(bytes)) {
        if ("error" in r) {
            if (header === undefined) {
                yield { kind: "file-error", reason: `the header row (line ${r.start}) is malformed: ${r.error}` };
                return;
            }
            yield { kind: "error", error: { line: r.start, reason: r.error } };
            continue;
        }
        const { start, fields, problem } = r;
        if (fields.length === 1 && fields[0] === "") continue;
        if (header === undefined) {
            const wrong = problem ?? headerProblem(fields.map(f => f.trim()));
            if (wrong !== undefined) {
                yield { kind: "file-error", reason: `the header row (line ${start}) ${problem === undefined ? wrong : `is malformed: ${problem}`}` };
                return;
            }
            header = fields.map(f => f.trim());
            continue;
        }
        if (problem !== undefined) {
            yield { kind: "error", error: { line: start, reason: problem } };
            continue;
        }
        if (fields.length !== header.length) {
            yield { kind: "error", error: { line: start, reason: `expected ${header.length} fields (as in the header), got ${fields.length}` } };
            continue;
        }
        // fromEntries defines own properties, so a column named `__proto__` stays a plain field.
        const data = Object.fromEntries(header.flatMap((column, index) =>
            (REQUIRED_COLUMNS as readonly string[]).includes(column) ? [] : [[column, fields[index]!]]));
        try {
            const item = toItemInput({ customerId: fields[header.indexOf("customerId")]!, itemId: fields[header.indexOf("itemId")]!, data: {} });
            yield { kind: "row", row: { line: start, item: { ...item, data: jsonText(data) } } };
        } catch (err) {
            yield { kind: "error", error: { line: start, reason: reasonOf(err) } };
        }
    }
    if (header === undefined) yield { kind: "file-error", reason: "the file has no header row" };
}

function headerProblem(header: string[]): string | undefined {
    const missing = REQUIRED_COLUMNS.filter(c => !header.includes(c));
    if (missing.length > 0) return `has no ${missing.join(" or ")} column (it has ${header.length})`;
    const empty = header.findIndex(c => c === "");
    if (empty >= 0) return `has an unnamed column (column ${empty + 1})`;
    const duplicate = header.findIndex((c, i) => header.indexOf(c) !== i);
    if (duplicate >= 0) return `names a column twice (column ${duplicate + 1})`;
    return undefined;
}
