import { PutCommand } from "@aws-sdk/lib-dynamodb";
import * as assert from "assert";
import fc from "fast-check";
import { FakeDynamo, resetFakeDynamo, startHandlerOnFakeDynamo } from "./fakes/events-dynamo";
import { capture, fakeContext, metricValues, snsEvent } from "./fakes/events-lambda";

type Notifier = typeof import("../../handlers/notifier");
const TOPIC = "arn:aws:sns:us-east-1:123456789012:cellular-test-cell-a-topic";

describe("notifier handler", () => {
    let dynamo: FakeDynamo;
    let handler: Notifier["handler"];
    let stop: () => Promise<void>;

    before(async () => {
        ({ dynamo, handler, stop } = await startHandlerOnFakeDynamo<Notifier["handler"]>("notifier"));
    });
    after(() => stop());
    beforeEach(() => resetFakeDynamo(dynamo));

    const run = (messages: Array<{ messageId: string; message: string }>) => capture(() => handler(snsEvent(messages), fakeContext()));
    const notification = (customerId: string, type: string, message: string) => JSON.stringify({ customerId, type, message });
    const rows = async () => (await dynamo.rows()).map(({ storedAt, ...rest }) => {
        assert.strictEqual(typeof storedAt, "string");
        return rest;
    });

    it("stores the notification under the customer, keyed by the SNS message id", async () => {
        const { error } = await run([{ messageId: "sns-1", message: notification("c-1", "order.shipped", "Your order is on its way") }]);

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(await rows(), [{
            pk: "CUSTOMER#c-1", sk: "NOTIFICATION#sns-1", customerId: "c-1", type: "order.shipped", message: "Your order is on its way",
            snsMessageId: "sns-1", topicArn: TOPIC, publishedAt: "2026-11-26T12:00:00.000Z",
        }]);
    });

    it("treats a redelivered notification as a no-op that succeeds", async () => {
        await run([{ messageId: "sns-1", message: notification("c-1", "t", "first") }]);
        const before = await dynamo.rows();

        const { error, metrics } = await run([{ messageId: "sns-1", message: notification("c-1", "t", "first") }]);

        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(await dynamo.rows(), before);
        assert.deepStrictEqual(metricValues({ metrics }, "DuplicateNotifications"),
            [{ value: 1, dimensions: { service: "notifier", cell: "cell-a" } }]);
    });

    it("fails the invocation for a malformed message, naming the record and the reason (never a value), and stores the valid ones", async () => {
        const { error, logs } = await run([
            { messageId: "sns-ok", message: notification("c-1", "t", "hello") },
            { messageId: "sns-bad", message: JSON.stringify({ customerId: "c-1", type: "has space" }) },
            { messageId: "sns-text", message: "plain text" },
        ]);

        assert.ok(error instanceof Error);
        assert.strictEqual(error.name, "NotificationFailedError");
        assert.strictEqual(error.message, "2 notification(s) not stored: " +
            "sns-bad (InvalidRecordError: type does not match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$; message must be a non-empty string); " +
            "sns-text (InvalidRecordError: the SNS message is not valid JSON)");
        assert.deepStrictEqual(logs.filter(l => l.level === "ERROR").map(l => [l.snsMessageId, l.topicArn, l.cell]), [
            ["sns-bad", TOPIC, "cell-a"],
            ["sns-text", TOPIC, "cell-a"],
        ]);
        assert.deepStrictEqual((await dynamo.rows()).map(r => r.sk), ["NOTIFICATION#sns-ok"]);
    });

    it("fails the invocation for a customer being moved (its fence), storing nothing, so Lambda retries it after the move", async () => {
        await dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: { pk: "CUSTOMER#c-moving", sk: "PLACEMENT", customerId: "c-moving", placement: "fenced", moveId: "mv-1", to: "cell-b", at: "t" } }));
        const { error } = await run([{ messageId: "sns-f", message: notification("c-moving", "t", "x") }]);
        assert.strictEqual((error as Error).message, "1 notification(s) not stored: sns-f (PlacementRefusedError)");
        assert.deepStrictEqual((await dynamo.rows()).map(r => r.sk), ["PLACEMENT"]);
    });

    it("fails the invocation when the write fails, so Lambda retries it", async () => {
        dynamo.failWhen(r => r.operation === "TransactWriteItems");
        const { error } = await run([{ messageId: "sns-1", message: notification("c-1", "t", "x") }]);
        assert.strictEqual((error as Error).message, "1 notification(s) not stored: sns-1 (AccessDeniedException)");
    });

    it("for any message, either stores it exactly once or fails the invocation: never a silent drop", async () => {
        const message = fc.oneof(
            fc.record({ customerId: fc.constantFrom("c-1", "c 2", ""), type: fc.constantFrom("t", "a b"), message: fc.constantFrom("m", "") }).map(v => JSON.stringify(v)),
            fc.string(),
        );
        let n = 0;
        await fc.assert(fc.asyncProperty(message, async text => {
            const messageId = `sns-${n++}`;
            const first = await run([{ messageId, message: text }]);
            const second = await run([{ messageId, message: text }]);
            const stored = (await dynamo.rows()).filter(r => r.sk === `NOTIFICATION#${messageId}`);
            if (first.error === undefined) {
                assert.strictEqual(second.error, undefined);
                assert.strictEqual(stored.length, 1);
            } else {
                assert.ok(second.error instanceof Error);
                assert.strictEqual(stored.length, 0);
            }
        }), { numRuns: 40 });
    });
});
