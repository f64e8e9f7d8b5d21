/**
 * Turns the text of an ingested object into customer items. Pure.
 *
 * By key suffix (case-insensitive):
 * - `.csv`: a header row naming the columns, then one item per row. `customerId` and `itemId` columns are
 *   required; every other column becomes a string field of the item's `data`.
 * - `.jsonl` / `.ndjson`: one JSON object per line, `{ "customerId", "itemId", "data"?: {...} }`.
 *
 * Every malformed row is reported with its 1-based line number; a problem with the file as a whole (no usable
 * header) is reported as `fileError` and yields no rows.
 */
import { readCsv } from "./csv";
import { InvalidRecordError, ItemInput, parseJson, toItemInput } from "./events-items";

export type IngestFormat = "csv" | "jsonl";

export interface IngestRow {
    line: number;
    item: ItemInput;
}

export interface RowError {
    line: number;
    reason: string;
}

export interface ParsedObject {
    format: IngestFormat;
    rows: IngestRow[];
    errors: RowError[];
    /** Set when nothing in the file can be read (e.g. the CSV header lacks a required column). */
    fileError?: string;
}

const REQUIRED_COLUMNS = ["customerId", "itemId"] as const;

/** The format an object key asks for, or `undefined` when the key is not one the ingest function reads. */
export function formatOf(key: string): IngestFormat | undefined {
    const lower = key.toLowerCase();
    if (lower.endsWith(".csv")) return "csv";
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
    return undefined;
}

export function parseObject(format: IngestFormat, text: string): ParsedObject {
    return format === "csv" ? parseCsvItems(text) : parseJsonLines(text);
}

function reasonOf(err: unknown): string {
    return err instanceof InvalidRecordError ? err.message : String(err);
}

function parseCsvItems(text: string): ParsedObject {
    const out: ParsedObject = { format: "csv", rows: [], errors: [] };
    let header: string[] | undefined;
    for (const row of readCsv(text)) {
        if (header === undefined) {
            if (!row.ok) return { ...out, fileError: `the header row (line ${row.line}) is malformed: ${row.reason}` };
            header = row.fields.map(f => f.trim());
            const problem = headerProblem(header);
            if (problem) return { ...out, fileError: `the header row (line ${row.line}) ${problem}` };
            continue;
        }
        if (!row.ok) {
            out.errors.push({ line: row.line, reason: row.reason });
            continue;
        }
        if (row.fields.length !== header.length) {
            out.errors.push({ line: row.line, reason: `expected ${header.length} fields (as in the header), got ${row.fields.length}` });
            continue;
        }
        // fromEntries defines own properties, so a column named `__proto__` stays a plain field.
        const data = Object.fromEntries(header.flatMap((column, index) =>
            (REQUIRED_COLUMNS as readonly string[]).includes(column) ? [] : [[column, row.fields[index]]]));
        const record = {
            customerId: row.fields[header.indexOf("customerId")],
            itemId: row.fields[header.indexOf("itemId")],
            data,
        };
        try {
            out.rows.push({ line: row.line, item: toItemInput(record) });
        } catch (err) {
            out.errors.push({ line: row.line, reason: reasonOf(err) });
        }
    }
    return out;
}

function headerProblem(header: string[]): string | undefined {
    const missing = REQUIRED_COLUMNS.filter(c => !header.includes(c));
    if (missing.length > 0) return `has no ${missing.join(" or ")} column (columns: ${header.join(", ")})`;
    const empty = header.findIndex(c => c === "");
    if (empty >= 0) return `has an unnamed column (column ${empty + 1})`;
    const duplicate = header.find((c, i) => header.indexOf(c) !== i);
    if (duplicate !== undefined) return `names column ${JSON.stringify(duplicate)} twice`;
    return undefined;
}

function parseJsonLines(text: string): ParsedObject {
    const out: ParsedObject = { format: "jsonl", rows: [], errors: [] };
    const lines = text.split("\n");
    lines.forEach((raw, index) => {
        const line = index + 1;
        const content = (index === 0 ? raw.replace(/^\uFEFF/, "") : raw).replace(/\r$/, "");
        if (content.trim() === "") return;
        try {
            out.rows.push({ line, item: toItemInput(parseJson(content, "the line")) });
        } catch (err) {
            out.errors.push({ line, reason: reasonOf(err) });
        }
    });
    return out;
}
