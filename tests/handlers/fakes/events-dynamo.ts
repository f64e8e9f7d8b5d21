/**
 * A local DynamoDB for the event-handler tests: dynalite (in memory) behind a small HTTP proxy that adds what
 * dynalite 4 lacks and what the tests need to provoke.
 *
 * - TransactWriteItems (dynalite has no transactions): emulated on top of dynalite's single-item calls. Items
 *   are applied in order with their conditions (a ConditionCheck as a conditional write of the item as it is, so
 *   dynalite evaluates the condition and nothing changes); when one fails, the ones already applied are rolled back to
 *   their snapshot and the call answers `TransactionCanceledException` with per-item `CancellationReasons`
 *   (with the item as it was, for `ReturnValuesOnConditionCheckFailure: ALL_OLD`), as DynamoDB does. Every write
 *   (transactions and single-item writes) is serialised with the others, so a transaction is atomic to any
 *   concurrent writer, as on DynamoDB; reads are not held back.
 * - Fault injection: {@link FakeDynamo.failWhen} answers chosen requests with a non-retryable error,
 *   {@link FakeDynamo.leaveUnprocessed} makes BatchWriteItem return part of its items as UnprocessedItems, and
 *   {@link FakeDynamo.pageSize} makes Scan answer in small pages.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { settled } from "./dynalite-settle";
import { awsEnv, setEnv } from "./events-lambda";

// dynalite ships no types.
const dynalite = require("dynalite") as (options: { createTableMs: number; deleteTableMs?: number; updateTableMs?: number }) => http.Server;

type Json = Record<string, unknown>;
type AttributeMap = Record<string, Json>;

export interface DynamoRequest {
    /** The operation, e.g. `PutItem`, `TransactWriteItems`. */
    operation: string;
    body: Json;
}

export interface FakeDynamo {
    endpoint: string;
    tableName: string;
    /** A document client on the fake (for preparing and reading the table in tests). */
    client: DynamoDBDocumentClient;
    /** Every row of the table, sorted by pk then sk. */
    rows(): Promise<Json[]>;
    /** Empties the table (between tests) and forgets the operations seen. */
    clear(): Promise<void>;
    /**
     * Answers requests matching `match` with `AccessDeniedException` (or `error`: e.g. `ValidationException`, as
     * DynamoDB answers an item that is too large; neither is retried by the SDK); `undefined` stops it.
     */
    failWhen(match: ((request: DynamoRequest) => boolean) | undefined, error?: "AccessDeniedException" | "ValidationException"): void;
    /** Caps every Scan page at `limit` items (DynamoDB may end a page early at any time), `undefined` lifts it. */
    pageSize(limit: number | undefined): void;
    /** The next `times` BatchWriteItem calls store only their first `keep` items and return the rest as unprocessed. */
    leaveUnprocessed(keep: number, times: number): void;
    /** Operations seen so far (names only), for asserting how a handler talked to the table. */
    operations: string[];
    close(): Promise<void>;
}

const TARGET_PREFIX = "DynamoDB_20120810.";
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);

export async function startFakeDynamo(tableName = "cell-table"): Promise<FakeDynamo> {
    const backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await listen(backend);
    const backendPort = (backend.address() as AddressInfo).port;

    let failMatcher: ((request: DynamoRequest) => boolean) | undefined;
    let failError = "AccessDeniedException";
    let unprocessed: { keep: number; times: number } | undefined;
    let scanLimit: number | undefined;
    const operations: string[] = [];
    let writeQueue: Promise<unknown> = Promise.resolve();
    /** Runs one write after every write before it has finished. */
    const serialised = <T>(write: () => Promise<T>): Promise<T> => {
        const run = writeQueue.then(write);
        writeQueue = run.catch(() => undefined);
        return run;
    };
    const agent = new http.Agent({ keepAlive: true });

    /** Sends one call straight to dynalite. */
    const call = async (operation: string, body: Json, headers: http.IncomingHttpHeaders): Promise<{ status: number; body: Json }> => {
        const payload = Buffer.from(JSON.stringify(body));
        return new Promise((resolve, reject) => {
            const req = http.request({
                host: "127.0.0.1",
                port: backendPort,
                agent,
                method: "POST",
                path: "/",
                headers: {
                    "content-type": "application/x-amz-json-1.0",
                    "x-amz-target": TARGET_PREFIX + operation,
                    "x-amz-date": headers["x-amz-date"] ?? "",
                    authorization: headers.authorization ?? "",
                    "content-length": payload.length,
                },
            }, res => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    resolve({ status: res.statusCode ?? 500, body: text === "" ? {} : (JSON.parse(text) as Json) });
                });
            });
            req.on("error", reject);
            req.end(payload);
        });
    };

    const transact = async (body: Json, headers: http.IncomingHttpHeaders): Promise<{ status: number; body: Json }> => {
        const items = (body.TransactItems ?? []) as Array<Record<string, Json>>;
        const ops = items.map(entry => {
            const [kind, op] = Object.entries(entry)[0] as [string, Json];
            const table = op.TableName as string;
            // The table's key is pk + sk (handlers/lib/table.ts).
            const key = kind === "Put" ? pick(op.Item as AttributeMap) : (op.Key as AttributeMap);
            return { kind, op, table, key };
        });
        const seen = new Set(ops.map(o => `${o.table}|${JSON.stringify(o.key)}`));
        if (seen.size !== ops.length) {
            return error(400, "com.amazon.coral.validate#ValidationException",
                "Transaction request cannot include multiple operations on one item");
        }
        const snapshots: Array<AttributeMap | undefined> = [];
        for (const o of ops) {
            const got = await call("GetItem", { TableName: o.table, Key: o.key, ConsistentRead: true }, headers);
            snapshots.push(got.body.Item as AttributeMap | undefined);
        }
        for (let index = 0; index < ops.length; index++) {
            const { kind, op } = ops[index];
            let single: Json = { ...op };
            delete single.ReturnValuesOnConditionCheckFailure;
            let operation = kind === "Put" ? "PutItem" : kind === "Update" ? "UpdateItem" : "DeleteItem";
            if (kind === "ConditionCheck") {
                // The item written back as it is (or, absent, a delete of nothing), under the check's condition.
                const { Key, ...rest } = single;
                single = snapshots[index] === undefined ? { ...rest, Key } : { ...rest, Item: snapshots[index] };
                operation = snapshots[index] === undefined ? "DeleteItem" : "PutItem";
            }
            const result = await call(operation, single, headers);
            if (result.status === 200) continue;
            for (let undo = index - 1; undo >= 0; undo--) {
                const snapshot = snapshots[undo];
                if (snapshot) await call("PutItem", { TableName: ops[undo].table, Item: snapshot }, headers);
                else await call("DeleteItem", { TableName: ops[undo].table, Key: ops[undo].key }, headers);
            }
            const type = String(result.body.__type ?? "");
            const code = type.endsWith("ConditionalCheckFailedException") ? "ConditionalCheckFailed" : "ValidationError";
            const old = ops[index].op.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && code === "ConditionalCheckFailed" ? snapshots[index] : undefined;
            const reasons = ops.map((_, i) => (i === index
                ? { Code: code, Message: String(result.body.message ?? result.body.Message ?? ""), ...(old ? { Item: old } : {}) }
                : { Code: "None" }));
            return {
                status: 400,
                body: {
                    __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map(r => r.Code).join(", ")}]`,
                    CancellationReasons: reasons,
                },
            };
        }
        return { status: 200, body: {} };
    };

    const proxy = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            void (async () => {
                const raw = Buffer.concat(chunks);
                const operation = String(req.headers["x-amz-target"] ?? "").replace(TARGET_PREFIX, "");
                const body = raw.length === 0 ? {} : (JSON.parse(raw.toString("utf8")) as Json);
                operations.push(operation);
                if (operation === "Scan" && scanLimit !== undefined && body.Limit === undefined) body.Limit = scanLimit;
                let answer: { status: number; body: Json };
                if (failMatcher?.({ operation, body })) {
                    const namespace = failError === "ValidationException" ? "com.amazon.coral.validate" : "com.amazon.coral.service";
                    answer = error(400, `${namespace}#${failError}`, `injected failure of ${operation}`);
                } else if (operation === "TransactWriteItems") {
                    answer = await serialised(() => transact(body, req.headers));
                } else if (WRITES.has(operation) && !(operation === "BatchWriteItem" && unprocessed && unprocessed.times > 0)) {
                    answer = await serialised(() => call(operation, body, req.headers));
                } else if (operation === "BatchWriteItem" && unprocessed && unprocessed.times > 0) {
                    unprocessed.times--;
                    const requestItems = body.RequestItems as Record<string, Json[]>;
                    const kept: Record<string, Json[]> = {};
                    const left: Record<string, Json[]> = {};
                    for (const [table, writes] of Object.entries(requestItems)) {
                        kept[table] = writes.slice(0, unprocessed.keep);
                        if (writes.length > unprocessed.keep) left[table] = writes.slice(unprocessed.keep);
                    }
                    const stored = Object.values(kept).some(w => w.length > 0)
                        ? await call("BatchWriteItem", { RequestItems: Object.fromEntries(Object.entries(kept).filter(([, w]) => w.length > 0)) }, req.headers)
                        : { status: 200, body: {} };
                    answer = stored.status === 200 ? { status: 200, body: { UnprocessedItems: left } } : stored;
                } else {
                    answer = await call(operation, body, req.headers);
                }
                const out = Buffer.from(JSON.stringify(answer.body));
                res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.0", "content-length": out.length, "x-amzn-requestid": randomUUID() });
                res.end(out);
            })().catch(err => {
                res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
                res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String(err) }));
            });
        });
    });
    await listen(proxy);
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const low = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const createTable = () => low.send(new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
    }));
    await createTable();
    await settled(low, tableName, "active");
    const client = DynamoDBDocumentClient.from(low);

    const rows = async (): Promise<Json[]> => {
        const out: Json[] = [];
        let start: Record<string, unknown> | undefined;
        do {
            const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
            out.push(...(page.Items ?? []));
            start = page.LastEvaluatedKey;
        } while (start);
        return out.sort((a, b) => `${a.pk}\u0000${a.sk}`.localeCompare(`${b.pk}\u0000${b.sk}`));
    };

    return {
        endpoint,
        tableName,
        client,
        rows,
        operations,
        async clear() {
            // Recreating the table is quicker than deleting its rows; dynalite finishes both on a later turn of its
            // event loop, so wait for each to be done rather than racing it.
            await low.send(new DeleteTableCommand({ TableName: tableName }));
            await settled(low, tableName, "gone");
            await createTable();
            await settled(low, tableName, "active");
            operations.length = 0;
        },
        failWhen(match, error = "AccessDeniedException") {
            failMatcher = match;
            failError = error;
        },
        pageSize(limit) {
            scanLimit = limit;
        },
        leaveUnprocessed(keep, times) {
            unprocessed = { keep, times };
        },
        async close() {
            low.destroy();
            agent.destroy();
            await Promise.all([close(proxy), close(backend)]);
        },
    };
}

function pick(item: AttributeMap): AttributeMap {
    return { pk: item.pk, sk: item.sk };
}

function error(status: number, type: string, message: string): { status: number; body: Json } {
    return { status, body: { __type: type, message } };
}

function listen(server: http.Server): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
}

function close(server: http.Server): Promise<void> {
    return new Promise(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
    });
}

/**
 * A handler module loaded against a fresh fake table: its environment points the SDK at the fake before the module
 * is required (handlers read their environment and create their clients at import). `stop` undoes both.
 */
export async function startHandlerOnFakeDynamo<H>(handlerName: string): Promise<{ dynamo: FakeDynamo; handler: H; stop(): Promise<void> }> {
    const dynamo = await startFakeDynamo();
    const restoreEnv = setEnv(awsEnv({ dynamodb: dynamo.endpoint }));
    const handler = (require(`../../../handlers/${handlerName}`) as { handler: H }).handler;
    return {
        dynamo,
        handler,
        async stop() {
            restoreEnv();
            await dynamo.close();
        },
    };
}

/** Between tests: no injected failures, an empty table. */
export async function resetFakeDynamo(dynamo: FakeDynamo): Promise<void> {
    dynamo.failWhen(undefined);
    await dynamo.clear();
}

