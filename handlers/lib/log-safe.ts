/**
 * What a log line may say of an error: field names, error classes, ids and sizes, never a value of the input.
 * An error's message may quote what it failed on (a parser's "Unexpected token ... in {"card":"4111..."}", a
 * service's validation message), so it is logged only for this project's own errors, whose messages are written
 * to carry no value ({@link LogSafeError}). Pure.
 */

/** An error whose message names fields, ids and sizes only, so it may be logged (and returned in reports). */
export class LogSafeError extends Error {
    /** Read by {@link errorFields} (by property, not instanceof: handlers may hold another copy of this module). */
    readonly logSafe = true;
}

/** The loggable description of an error. */
export interface ErrorFields {
    errorType: string;
    /** Only for a {@link LogSafeError}. */
    errorMessage?: string;
    /** An AWS service error's request id and HTTP status (ids, for a support case). */
    awsRequestId?: string;
    httpStatus?: number;
}

export function errorFields(err: unknown): ErrorFields {
    if (!(err instanceof Error)) return { errorType: typeof err };
    const fields: ErrorFields = { errorType: err.name };
    if ((err as Partial<LogSafeError>).logSafe === true) fields.errorMessage = err.message;
    const metadata = (err as { $metadata?: { requestId?: unknown; httpStatusCode?: unknown } }).$metadata;
    if (typeof metadata?.requestId === "string") fields.awsRequestId = metadata.requestId;
    if (typeof metadata?.httpStatusCode === "number") fields.httpStatus = metadata.httpStatusCode;
    return fields;
}
