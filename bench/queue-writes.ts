/**
 * Write throughput of the queue worker against dynalite (through the tests' fake, which adds TransactWriteItems),
 * with the write path before the one item model as the baseline, in the same run: the same messages, the same
 * batches through Powertools' batch processor, the same table.
 *
 * Before: `JSON.parse` of the body, a TransactWriteItems of the global `MESSAGE#<key>` mark and an UpdateItem that
 * stores `data` as a map (what handlers/queue-worker.ts sent until the item model). After: the deployed handler
 * itself (lossless parse, normal form, payload fingerprint, the mark in the customer's partition, the versioned
 * conditional update).
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { startFakeDynamo } from "../tests/handlers/fakes/events-dynamo";
import { awsEnv, fakeContext, setEnv, sqsRecord } from "../tests/handlers/fakes/events-lambda";
import { BenchRow, median } from "./lib";

const BATCH = 10;

function messages(n: number, round: number): SQSRecord[] {
    return Array.from({ length: n }, (_, i) => sqsRecord(`r${round}-m${i}`, JSON.stringify({
        customerId: `c-${i % 20}`,
        itemId: `i-${i % 50}`,
        idempotencyKey: `order-${round}-${i}`,
        data: { name: `item ${i}`, quantity: i, price: 19.99, tags: ["a", "b"], nested: { ok: true, n: [1, 2, 3] } },
    })));
}

/** The write path before the item model, as the handler sent it. */
function legacyHandler(tableName: string, ddb: DynamoDBDocumentClient): (event: SQSEvent, context: Context) => Promise<unknown> {
    const processor = new BatchProcessor(EventType.SQS);
    const apply = async (record: SQSRecord): Promise<void> => {
        const message = JSON.parse(record.body) as { customerId: string; itemId: string; data?: object; idempotencyKey?: string };
        const key = message.idempotencyKey ?? record.messageId;
        const now = new Date();
        await ddb.send(new TransactWriteCommand({
            TransactItems: [
                { Put: { TableName: tableName, Item: { pk: `MESSAGE#${key}`, sk: "MESSAGE", messageId: record.messageId, customerId: message.customerId,
                    itemId: message.itemId, processedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + 15 * 24 * 3600 },
                ConditionExpression: "attribute_not_exists(pk)" } },
                { Update: { TableName: tableName, Key: { pk: `CUSTOMER#${message.customerId}`, sk: `ITEM#${message.itemId}` },
                    UpdateExpression: "SET customerId = :customerId, itemId = :itemId, #data = :data, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)",
                    ExpressionAttributeNames: { "#data": "data" },
                    ExpressionAttributeValues: { ":customerId": message.customerId, ":itemId": message.itemId, ":data": message.data ?? {}, ":now": now.toISOString() } } },
            ],
        }));
    };
    return (event, context) => processPartialResponse(event, apply, processor, { context });
}

async function throughput(handler: (event: SQSEvent, context: Context) => Promise<unknown>, records: SQSRecord[]): Promise<number> {
    const start = process.hrtime.bigint();
    for (let i = 0; i < records.length; i += BATCH) {
        const result = await handler({ Records: records.slice(i, i + BATCH) }, fakeContext()) as { batchItemFailures: unknown[] };
        if (result.batchItemFailures.length > 0) throw new Error("a benchmark message failed");
    }
    return records.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

export async function run(options: { messages?: number; runs?: number } = {}): Promise<BenchRow[]> {
    const n = options.messages ?? 1000;
    const runs = options.runs ?? 5;
    const dynamo = await startFakeDynamo();
    const restore = setEnv(awsEnv({ dynamodb: dynamo.endpoint }));
    // The handler logs a line per invocation at most (metrics): keep the table readable.
    const write = process.stdout.write.bind(process.stdout);
    try {
        const after = (require("../handlers/queue-worker") as { handler: (event: SQSEvent, context: Context) => Promise<unknown> }).handler;
        const before = legacyHandler(dynamo.tableName, DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint })));
        process.stdout.write = (() => true) as typeof process.stdout.write;
        // Warm both paths (module code, connections, the fake's table) before anything is counted.
        await throughput(before, messages(50, -2));
        await throughput(after, messages(50, -1));
        const afterRates: number[] = [];
        const beforeRates: number[] = [];
        // Interleaved, so a slower stretch of the machine costs both alike.
        for (let round = 0; round < runs; round++) {
            beforeRates.push(await throughput(before, messages(n, 2 * round)));
            afterRates.push(await throughput(after, messages(n, 2 * round + 1)));
        }
        process.stdout.write = write;
        const a = Math.round(median(afterRates));
        const b = Math.round(median(beforeRates));
        return [{
            group: "writes", name: `queue worker write throughput, ${n} messages in batches of ${BATCH} (dynalite)`, value: a, unit: "msg/s",
            baseline: { name: "the write path before the item model", value: b }, target: ">= 0.7x", pass: a >= 0.7 * b,
        }];
    } finally {
        process.stdout.write = write;
        restore();
        await dynamo.close();
    }
}
