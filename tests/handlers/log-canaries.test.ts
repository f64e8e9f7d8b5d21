/**
 * Logs carry no customer data: hostile values are planted in the inputs of every handler (valid data, invalid ids,
 * text that is not JSON, preconditions, failures of every kind) and no line any handler prints may contain them.
 * The root hook at the end scans every line captured by every handler test of the run, so a canary planted
 * anywhere else (tests/handlers/all-writers.test.ts plants one in a document every writer stores) is caught too.
 */
import * as assert from "assert";
import { Logger } from "@aws-lambda-powertools/logger";
import type { KinesisStreamEvent, S3Event, SNSEvent, SQSEvent } from "aws-lambda";
import type * as CellApiModule from "../../handlers/cell-api";
import { ownershipFor } from "../../handlers/lib/ownership";
import type { FakeDynamo } from "./fakes/events-dynamo";
import { capture, fakeContext, kinesisRecord, s3Event, snsEvent, sqsRecord } from "./fakes/events-lambda";
import type { FakeS3 } from "./fakes/events-s3";
import { EventFakes, loadHandler, startEventFakes } from "./fakes/handler-modules";
import { capturedLines } from "./fakes/log-sink";
import { v2Event } from "./fakes/routing-events";

/** The planted value: it may sit in any input, and must never reach a log line. */
export const CANARY = "CANARY-1c6b";

type Handler<E> = (event: E, context: ReturnType<typeof fakeContext>) => Promise<unknown>;

/** Lines of `printed` that hold the canary (as is, or as JSON escapes it). */
function leaks(printed: readonly string[]): string[] {
    return printed.filter(line => line.includes(CANARY));
}

describe("logs carry no customer data: planted canaries never appear in a log line", () => {
    let fakes: EventFakes;
    let dynamo: FakeDynamo;
    let s3: FakeS3;

    before(async () => {
        fakes = await startEventFakes();
        ({ dynamo, s3 } = fakes);
    });
    after(() => fakes.stop());
    beforeEach(() => {
        dynamo.failWhen(undefined);
    });

    it("cell API: data, a body that is not JSON, a malformed precondition, an unexpected error quoting a value", async () => {
        const { createCellApi } = loadHandler<typeof CellApiModule>("cell-api");
        const logger = new Logger({ serviceName: "cell-api" });
        const make = (clientFor: () => Promise<typeof dynamo.client>) => createCellApi({ cellId: "cell-a", tableName: dynamo.tableName, tenantClaim: "tenant_id", logger,
            ownership: ownershipFor("cell-a", { version: 1, cells: ["cell-a"], pinned: {} }), tables: { clientFor } });
        const api = make(async () => dynamo.client);
        const broken = make(async () => { throw new Error(`cannot reach the table for {"card":"${CANARY}"}`); });
        const put = (body: string, headers: Record<string, string> = {}) => v2Event({ method: "PUT", path: "/customers/acme/items/i-1", body, headers });
        const out = await capture(async () => [
            await api(put(`{"card":"4111 ${CANARY}"}`)),
            await api(put(`{not json ${CANARY}`)),
            await api(put("{}", { "if-match": CANARY })),
            await api(put(`{"deep":${"[".repeat(300)}"${CANARY}"${"]".repeat(300)}}`)),
            await broken(put(`{"x":"${CANARY}"}`)),
        ].map(r => (r as { statusCode: number }).statusCode));
        assert.deepEqual(out.result, [201, 400, 400, 400, 500]);
        assert.ok(out.logs.some(l => l.message === "unexpected error"));
        assert.deepEqual(leaks(out.lines.map(l => JSON.stringify(l))), []);
    });

    it("queue worker: an e-mail as customer id, text that is not JSON, planted data, a conflict, a failed write", async () => {
        const { handler } = loadHandler<{ handler: Handler<SQSEvent> }>("queue-worker");
        dynamo.failWhen(r => r.operation === "TransactWriteItems" && JSON.stringify(r.body).includes("ITEM#broken"));
        const out = await capture(() => handler({ Records: [
            sqsRecord("m-1", JSON.stringify({ customerId: `bob@${CANARY}.example`, itemId: "i-1" })),
            sqsRecord("m-2", `card=4111 ${CANARY}`),
            sqsRecord("m-3", JSON.stringify({ customerId: "c-1", itemId: "i-1", data: { card: CANARY }, idempotencyKey: "k-1" })),
            sqsRecord("m-4", JSON.stringify({ customerId: "c-1", itemId: "i-1", data: { card: `${CANARY}-other` }, idempotencyKey: "k-1" })),
            sqsRecord("m-5", JSON.stringify({ customerId: "c-1", itemId: "broken", data: { card: CANARY } })),
            sqsRecord("m-6", JSON.stringify({ customerId: "c-1", itemId: `${CANARY} id`, data: {} })),
        ] } as SQSEvent, fakeContext()));
        // m-3 and m-4 share a key with different payloads; the batch runs them concurrently, so either may win.
        const failed = (out.result as { batchItemFailures: Array<{ itemIdentifier: string }> }).batchItemFailures.map(f => f.itemIdentifier).sort();
        assert.equal(failed.length, 5);
        assert.deepEqual(failed.filter(id => id !== "m-3" && id !== "m-4"), ["m-1", "m-2", "m-5", "m-6"]);
        assert.deepEqual(leaks(out.lines.map(l => JSON.stringify(l))), []);
    });

    it("ingest: invalid ids, lines that are not JSON, planted data, a row DynamoDB refuses, in CSV and JSON Lines", async () => {
        const { handler } = loadHandler<{ handler: Handler<S3Event> }>("ingest");
        dynamo.failWhen(r => r.operation === "UpdateItem" && JSON.stringify(r.body).includes("ITEM#refused"), "ValidationException");
        const files = {
            "incoming/canary.jsonl": [
                `{"customerId":"${CANARY}@x","itemId":"i-1"}`, `{${CANARY}`, `{"customerId":"c-1","itemId":"i-2","data":{"card":"${CANARY}"}}`,
                `{"customerId":"c-1","itemId":"refused","data":{"card":"${CANARY}"}}`,
            ].join("\n"),
            "incoming/canary.csv": `customerId,itemId,card\nc-1,i-3,${CANARY}\n${CANARY}@x,i-4,x\nc-1,i-5\nc-1,refused,${CANARY}\nc-1,i-6,"${CANARY}\n`,
        };
        for (const [key, body] of Object.entries(files)) {
            const stored = s3.put("cell-a-ingest", key, body);
            const out = await capture(() => handler(s3Event("cell-a-ingest", key, stored.etag), fakeContext()));
            assert.equal(out.error, undefined, key);
            assert.equal((out.result as Array<{ status: string }>)[0]!.status, "ingested", key);
            assert.deepEqual(leaks(out.lines.map(l => JSON.stringify(l))), [], key);
            // The report names lines and reasons, never values either.
            assert.deepEqual(leaks([s3.get("cell-a-ingest", `errors/${key}.json`)!.body.toString("utf8")]), [], key);
        }
    });

    it("notifier and stream processor: planted messages and records that are refused", async () => {
        const notifier = loadHandler<{ handler: Handler<SNSEvent> }>("notifier").handler;
        const streams = loadHandler<{ handler: Handler<KinesisStreamEvent> }>("stream-processor").handler;
        const out = await capture(async () => {
            await notifier(snsEvent([
                { messageId: "n-1", message: JSON.stringify({ customerId: "c-1", type: `${CANARY} type`, message: "m" }) },
                { messageId: "n-2", message: `plain ${CANARY}` },
                { messageId: "n-3", message: JSON.stringify({ customerId: "c-1", type: "t", message: CANARY }) },
            ]), fakeContext()).catch(() => undefined);
            await streams({ Records: [
                kinesisRecord("1", { customerId: "c-1", itemId: "i-1", action: CANARY }),
                kinesisRecord("2", `not json ${CANARY}`),
            ] } as KinesisStreamEvent, fakeContext()).catch(() => undefined);
        });
        assert.ok(out.logs.some(l => l.service === "notifier") && out.logs.some(l => l.service === "stream-processor"));
        assert.deepEqual(leaks(out.lines.map(l => JSON.stringify(l))), []);
    });

    it("failure handler: a failed event whose error message and payload quote values, a dead-letter body and its attributes", async () => {
        const { handler } = loadHandler<{ handler: Handler<SQSEvent> }>("failure-handler");
        const asyncFailure = JSON.stringify({
            version: "1.0", timestamp: "2026-11-26T12:29:59.000Z",
            requestContext: { requestId: "req-1", functionArn: "arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-ingest:$LATEST", condition: "RetriesExhausted", approximateInvokeCount: 3 },
            requestPayload: { card: CANARY }, responseContext: { statusCode: 200, functionError: "Unhandled" },
            responsePayload: { errorType: "SyntaxError", errorMessage: `Unexpected token in {"card":"${CANARY}"}` },
        });
        const out = await capture(() => handler({ Records: [
            sqsRecord("f-1", asyncFailure, { queue: "cellular-dev-cell-a-failures" }),
            sqsRecord("f-2", `{"card":"${CANARY}"}`, { queue: "cellular-dev-cell-a-failures", attributes: { ERROR_CODE: "X", ERROR_MESSAGE: `failed on ${CANARY}` } }),
            sqsRecord("f-3", `raw ${CANARY}`, { queue: "cellular-dev-cell-a-failures", system: { DeadLetterQueueSourceArn: "arn:aws:sqs:us-east-1:123456789012:q" } }),
        ] } as SQSEvent, fakeContext()));
        assert.deepEqual((out.result as { batchItemFailures: unknown[] }).batchItemFailures, []);
        assert.equal(out.logs.filter(l => l.message === "failed event recorded").length, 3);
        assert.deepEqual(leaks(out.lines.map(l => JSON.stringify(l))), []);
    });
});

// A root hook: after every test file of the run, every line any handler test captured.
after("no handler test printed a planted canary", () => {
    assert.deepEqual(leaks(capturedLines()), []);
});
