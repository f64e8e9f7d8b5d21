/**
 * Where things live in a cell's bucket: the key prefixes the handlers read and write, and the program grants on.
 * Each prefix is written here once. Pure.
 */

/** Ingest's error reports: `errors/<object key>.json`. */
export const ERRORS_PREFIX = "errors/";
/** The daily job's summaries: `summaries/<yyyy-mm-dd>.json`. */
export const SUMMARIES_PREFIX = "summaries/";
/** Failed events too large for a table row: `failures/<yyyy-mm-dd>/<message id>.json`. */
export const FAILURES_PREFIX = "failures/";
/** What the cell writes into its own bucket; ingest never reads these back as input. */
export const OWN_PREFIXES: readonly string[] = [ERRORS_PREFIX, SUMMARIES_PREFIX, FAILURES_PREFIX];

export const errorReportKey = (objectKey: string) => `${ERRORS_PREFIX}${objectKey}.json`;
export const summaryKey = (date: string) => `${SUMMARIES_PREFIX}${date}.json`;
export const failureKey = (day: string, messageId: string) => `${FAILURES_PREFIX}${day}/${messageId}.json`;
