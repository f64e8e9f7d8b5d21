/**
 * A local server that speaks the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) the way
 * Lambda answers it, for the router tests: the SDK client is pointed at it with AWS_ENDPOINT_URL_LAMBDA.
 *
 * - a function's result: 200 with the payload;
 * - a function error: 200 with `X-Amz-Function-Error: Unhandled` and the runtime's error document;
 * - service errors: the HTTP status and `X-Amzn-ErrorType` / `__type` Lambda sends (429 TooManyRequestsException
 *   with Retry-After, 413 RequestTooLargeException, 404 ResourceNotFoundException for an unknown function, ...);
 * - `hang`: never answers (the caller has to give up).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LambdaReply {
    status: number;
    headers: Record<string, string>;
    body: string;
}

export type FakeFunction = (event: unknown) => Promise<LambdaReply | "hang"> | LambdaReply | "hang";

export interface Invocation {
    /** The function name as sent, qualifier included (`name:alias`). */
    functionName: string;
    invocationType: string | undefined;
    event: unknown;
    /** The `X-Amzn-Trace-Id` header the caller sent (a traced client sends its trace, so the callee joins it). */
    traceHeader: string | undefined;
}

export interface FakeLambda {
    endpoint: string;
    invocations: Invocation[];
    close(): Promise<void>;
}

const json = { "content-type": "application/json" };

export const reply = {
    /** What the function returned. */
    result: (value: unknown): LambdaReply => ({ status: 200, headers: { ...json, "x-amz-executed-version": "1" }, body: JSON.stringify(value) }),
    /** A raw payload, e.g. one that is not JSON. */
    raw: (body: string): LambdaReply => ({ status: 200, headers: { ...json, "x-amz-executed-version": "1" }, body }),
    /** The function threw (Node.js runtime error document). */
    functionError: (errorType: string, errorMessage: string): LambdaReply => ({
        status: 200,
        headers: { ...json, "x-amz-function-error": "Unhandled", "x-amz-executed-version": "1" },
        body: JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, "    at Runtime.handler (/var/task/index.js:1:1)"] }),
    }),
    /** The function ran out of time. */
    timedOut: (seconds = 10): LambdaReply => ({
        status: 200,
        headers: { ...json, "x-amz-function-error": "Unhandled", "x-amz-executed-version": "1" },
        body: JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: `RequestId: 8f5e Error: Task timed out after ${seconds.toFixed(2)} seconds` }),
    }),
    serviceError: (status: number, type: string, message: string, extraHeaders: Record<string, string> = {}, extraBody: Record<string, unknown> = {}): LambdaReply => ({
        status,
        headers: { ...json, "x-amzn-errortype": `${type}:`, "x-amzn-requestid": "fake-request-id", ...extraHeaders },
        body: JSON.stringify({ Type: "User", message, __type: type, ...extraBody }),
    }),
    throttled: (retryAfterSeconds?: number): LambdaReply => reply.serviceError(429, "TooManyRequestsException", "Rate Exceeded.",
        retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
        { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" }),
};

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

export async function startFakeLambda(functions: Record<string, FakeFunction>): Promise<FakeLambda> {
    const invocations: Invocation[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            void (async () => {
                const match = req.method === "POST" ? INVOKE_PATH.exec(req.url ?? "") : null;
                let answer: LambdaReply | "hang";
                if (!match) {
                    answer = reply.serviceError(404, "UnknownOperationException", `no operation ${req.method} ${req.url}`);
                } else {
                    const functionName = decodeURIComponent(match[1]!);
                    const text = Buffer.concat(chunks).toString("utf8");
                    let event: unknown = text;
                    try {
                        event = JSON.parse(text);
                    } catch {
                        // recorded as text
                    }
                    invocations.push({ functionName, invocationType: req.headers["x-amz-invocation-type"] as string | undefined, event, traceHeader: req.headers["x-amzn-trace-id"] as string | undefined });
                    const fn = functions[functionName];
                    answer = fn === undefined
                        ? reply.serviceError(404, "ResourceNotFoundException", `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${functionName}`)
                        : await fn(event);
                }
                if (answer === "hang") return;
                res.writeHead(answer.status, answer.headers);
                res.end(answer.body);
            })().catch(err => {
                res.writeHead(500, json);
                res.end(JSON.stringify({ __type: "ServiceException", message: String(err) }));
            });
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        invocations,
        async close() {
            server.closeAllConnections();
            await new Promise<void>(resolve => server.close(() => resolve()));
        },
    };
}
