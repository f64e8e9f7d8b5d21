/**
 * A CSV reader (RFC 4180 with the usual tolerances). Pure.
 *
 * - Fields are separated by `,` and records by CRLF or LF; a leading UTF-8 BOM is skipped; blank lines are not
 *   records.
 * - A quoted field may hold commas, quotes written as `""`, and line breaks (kept as written).
 * - A quote inside an unquoted field is kept literally (`5" screen`), as most exporters produce it.
 * - A malformed record (text after a closing quote, a quote never closed) is reported with the line it starts on
 *   and reading carries on at the next line, so one bad row never costs the rest of the file. An unclosed quote
 *   necessarily swallows the rest of the file: it is reported once.
 */

export interface CsvRecord {
    ok: true;
    /** 1-based line the record starts on. */
    line: number;
    fields: string[];
}

export interface CsvError {
    ok: false;
    line: number;
    reason: string;
}

export type CsvRow = CsvRecord | CsvError;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

export function* readCsv(text: string): Generator<CsvRow> {
    const n = text.length;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let line = 1;

    /** Length of the line break at `at` (1 for LF, 2 for CRLF), 0 when there is none. */
    const lineBreak = (at: number): number => {
        const c = text.charCodeAt(at);
        if (c === LF) return 1;
        if (c === CR && text.charCodeAt(at + 1) === LF) return 2;
        return 0;
    };
    /** Skips to just after the next line break, or to the end. */
    const skipLine = (): void => {
        while (i < n) {
            const br = lineBreak(i);
            if (br > 0) {
                i += br;
                line++;
                return;
            }
            i++;
        }
    };

    while (i < n) {
        const blank = lineBreak(i);
        if (blank > 0) {
            i += blank;
            line++;
            continue;
        }
        const start = line;
        const fields: string[] = [];
        let error: string | undefined;
        for (;;) {
            if (text.charCodeAt(i) === QUOTE) {
                let value = "";
                let closed = false;
                i++;
                while (i < n) {
                    const c = text.charCodeAt(i);
                    if (c === QUOTE) {
                        if (text.charCodeAt(i + 1) === QUOTE) {
                            value += '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    if (c === LF) line++;
                    value += text[i];
                    i++;
                }
                if (!closed) {
                    error = "a quoted field is never closed";
                    break;
                }
                fields.push(value);
                if (i >= n) break;
                if (text.charCodeAt(i) === COMMA) {
                    i++;
                    continue;
                }
                const br = lineBreak(i);
                if (br > 0) {
                    i += br;
                    line++;
                    break;
                }
                error = `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length}`;
                skipLine();
                break;
            }
            let j = i;
            while (j < n && text.charCodeAt(j) !== COMMA && lineBreak(j) === 0) j++;
            fields.push(text.slice(i, j));
            i = j;
            if (i >= n) break;
            if (text.charCodeAt(i) === COMMA) {
                i++;
                continue;
            }
            const br = lineBreak(i);
            i += br;
            line++;
            break;
        }
        yield error === undefined ? { ok: true, line: start, fields } : { ok: false, line: start, reason: error };
    }
}

/**
 * Writes one field so that {@link readCsv} reads it back: quoted when it holds a comma, quote or line break, and
 * when empty (a record of one empty field would otherwise be a blank line).
 */
export function csvField(value: string): string {
    return /[",\r\n]/.test(value) || value === "" ? `"${value.replace(/"/g, '""')}"` : value;
}
