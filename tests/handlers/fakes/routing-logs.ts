/**
 * Captures the Powertools structured log lines handlers write (one JSON object per line on stdout/stderr), and the
 * EMF metric documents (those with `_aws`), so tests can assert on them and the test output stays readable. Other
 * output passes through untouched.
 */
export type LogLine = Record<string, unknown>;

const captured: LogLine[] = [];
const metrics: LogLine[] = [];
let users = 0;
let restore: Array<() => void> = [];

function intercept(stream: NodeJS.WriteStream): () => void {
    const original = stream.write;
    const write = original.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
        if (text !== undefined && text.startsWith("{")) {
            try {
                const line = JSON.parse(text) as unknown;
                const log = typeof line === "object" && line !== null && "level" in line && "service" in line;
                const emf = typeof line === "object" && line !== null && "_aws" in line;
                if (log || emf) {
                    (log ? captured : metrics).push(line as LogLine);
                    const callback = rest.find(r => typeof r === "function") as (() => void) | undefined;
                    callback?.();
                    return true;
                }
            } catch {
                // not a log line
            }
        }
        return write(chunk, ...rest);
    }) as typeof stream.write;
    return () => {
        stream.write = original;
    };
}

/** Starts capturing; pair every call with {@link releaseLogs} (in `after`), so other test files see the streams as they were. */
export function captureLogs(): void {
    if (users++ === 0) restore = [intercept(process.stdout), intercept(process.stderr)];
}

export function releaseLogs(): void {
    if (users > 0 && --users === 0) {
        for (const undo of restore) undo();
        restore = [];
        captured.length = 0;
        metrics.length = 0;
    }
}

/** The lines captured since the last call, then forgets them. */
export function takeLogs(): LogLine[] {
    return captured.splice(0, captured.length);
}

/** The EMF metric documents captured since the last call, then forgets them. */
export function takeMetrics(): LogLine[] {
    return metrics.splice(0, metrics.length);
}
