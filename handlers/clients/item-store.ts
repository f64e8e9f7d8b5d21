/**
 * Every write of a customer's item, whoever makes it (the cell API, the queue worker, ingest), goes through this
 * module: it stores the data's text, keeps `createdAt` and the incarnation, sets `updatedAt` and `writtenBy`, and
 * advances the version (lib/items.ts has the model). Reads and deletes are here too, so the row's shape is known
 * in one place.
 *
 * Every write is one TransactWriteItems with a ConditionCheck on the customer's placement marker
 * (lib/placement.ts): a write to a customer being moved, or moved away, is refused atomically
 * ({@link PlacementRefusedError}), never applied to a copy that is no longer the customer's. A transaction returns
 * no values, so a put reads the item first and writes the next version on the condition that the item is still
 * the one read (compare-and-swap; re-read and retried when another write came first).
 */
import { GetCommand, NativeAttributeValue, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { ITEM_ATTRIBUTES, ItemRecord, Preconditions, failedPrecondition, isItemRecord, itemIdOfSortKey, newIncarnation, preconditionCondition } from "../lib/items";
import { refusalOf, writableCheck } from "../lib/placement";
import { keys } from "../lib/table";
import type { DocumentClient } from "./tenant-tables";

/** One write of an item: the data as normal-form JSON text (lib/json-text.ts). */
export interface ItemWrite {
    customerId: string;
    itemId: string;
    data: string;
    /** Who made this write (`api:<request id>`, `queue:<message id>`, `ingest:<object>#L<line>`), kept on the row. */
    writtenBy: string;
}

export type PutOutcome =
    | { outcome: "written"; item: ItemRecord; created: boolean }
    /** A precondition did not hold; nothing was written. */
    | { outcome: "precondition-failed" }
    /** `once` was asked and the item's current version is this very write's: nothing was written again. */
    | { outcome: "already-written" };

export type DeleteOutcome = "deleted" | "missing" | "precondition-failed";

/** An UpdateItem of an item write, as one request or as an entry of a transaction. */
interface ItemUpdate {
    TableName: string;
    Key: Record<string, string>;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, NativeAttributeValue>;
    ConditionExpression?: string;
}

const UPDATE_EXPRESSION = "SET #data = :data, #customerId = :customerId, #itemId = :itemId, #updatedAt = :now, #writtenBy = :writtenBy, " +
    "#createdAt = if_not_exists(#createdAt, :now), #incarnation = if_not_exists(#incarnation, :incarnation), " +
    "#version = if_not_exists(#version, :zero) + :one";

/** Compare-and-swap attempts of one write before it gives up (each lost only to another write of the same item). */
export const MAX_WRITE_ATTEMPTS = 32;

/** A write that lost its compare-and-swap {@link MAX_WRITE_ATTEMPTS} times in a row: retry later. */
export class WriteContentionError extends Error {
    constructor(readonly customerId: string, readonly itemId: string) {
        super(`the item was changed by other writes ${MAX_WRITE_ATTEMPTS} times while this write was being made`);
        this.name = "WriteContentionError";
    }
}

export class ItemStore {
    constructor(
        private readonly client: DocumentClient,
        private readonly tableName: string,
        private readonly now: () => Date = () => new Date(),
        private readonly incarnation: () => string = newIncarnation,
    ) {}

    /** The UpdateItem of a write, with an optional condition of the caller's. */
    update(write: ItemWrite, condition?: { expression: string; names: Record<string, string>; values: Record<string, NativeAttributeValue> }): ItemUpdate {
        return {
            TableName: this.tableName,
            Key: keys.item(write.customerId, write.itemId),
            UpdateExpression: UPDATE_EXPRESSION,
            ExpressionAttributeNames: {
                "#data": ITEM_ATTRIBUTES.data, "#customerId": ITEM_ATTRIBUTES.customerId, "#itemId": ITEM_ATTRIBUTES.itemId,
                "#updatedAt": ITEM_ATTRIBUTES.updatedAt, "#writtenBy": ITEM_ATTRIBUTES.writtenBy, "#createdAt": ITEM_ATTRIBUTES.createdAt,
                "#incarnation": ITEM_ATTRIBUTES.incarnation, "#version": ITEM_ATTRIBUTES.version,
                ...condition?.names,
            },
            ExpressionAttributeValues: {
                ":data": write.data, ":customerId": write.customerId, ":itemId": write.itemId, ":now": this.now().toISOString(),
                ":writtenBy": write.writtenBy, ":incarnation": this.incarnation(), ":zero": 0, ":one": 1,
                ...condition?.values,
            },
            ...(condition === undefined ? {} : { ConditionExpression: condition.expression }),
        };
    }

    /**
     * Writes the item if `preconditions` hold (atomically: the write is conditional on the item being the one they
     * were checked against). With `once`, a write whose `writtenBy` is already the item's current writer is not
     * applied again (a replayed row after a crash).
     *
     * @throws PlacementRefusedError when the customer is being moved or has moved; WriteContentionError.
     */
    async put(write: ItemWrite, options: { preconditions?: Preconditions; once?: boolean } = {}): Promise<PutOutcome> {
        if (options.preconditions !== undefined && preconditionCondition(options.preconditions) === false) return { outcome: "precondition-failed" };
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            const current = await this.get(write.customerId, write.itemId);
            if (options.preconditions !== undefined && failedPrecondition(options.preconditions, current) !== undefined) return { outcome: "precondition-failed" };
            if (options.once && current?.writtenBy === write.writtenBy) return { outcome: "already-written" };
            const now = this.now().toISOString();
            const item: ItemRecord = {
                customerId: write.customerId, itemId: write.itemId, data: write.data,
                version: (current?.version ?? 0) + 1,
                incarnation: current?.incarnation ?? this.incarnation(),
                createdAt: current?.createdAt ?? now,
                updatedAt: now,
                writtenBy: write.writtenBy,
            };
            const written = await this.swap(write.customerId, { Put: { TableName: this.tableName, Item: { ...keys.item(write.customerId, write.itemId), ...item }, ...unchangedSince(current) } });
            if (written) return { outcome: "written", item, created: item.version === 1 };
        }
        throw new WriteContentionError(write.customerId, write.itemId);
    }

    /**
     * The item write and `marker` in one TransactWriteItems: both or neither, and only while the customer's
     * placement allows writes. The marker's put is conditional on its absence and returns the existing marker when
     * it is there (`ReturnValuesOnConditionCheckFailure`).
     *
     * @throws PlacementRefusedError when the customer is being moved or has moved.
     */
    async putWithMarker(write: ItemWrite, marker: Record<string, NativeAttributeValue>): Promise<{ outcome: "written" } | { outcome: "marker-exists"; existing: Record<string, unknown> }> {
        try {
            await this.client.send(new TransactWriteCommand({
                TransactItems: [
                    writableCheck(this.tableName, write.customerId),
                    { Put: { TableName: this.tableName, Item: marker, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
                    { Update: this.update(write) },
                ],
            }));
            return { outcome: "written" };
        } catch (err) {
            const reasons = cancellationReasons(err);
            if (reasons === undefined) throw err;
            if (onlyFailed(reasons, 0)) throw refusalOf(write.customerId, plainAttributes(reasons[0]!.Item));
            if (!onlyFailed(reasons, 1)) throw err;
            return { outcome: "marker-exists", existing: plainAttributes(reasons[1]!.Item) };
        }
    }

    async get(customerId: string, itemId: string): Promise<ItemRecord | undefined> {
        const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.item(customerId, itemId), ConsistentRead: true }));
        return isItemRecord(out.Item) ? out.Item : undefined;
    }

    /** One page of a customer's items in item id order, after `startAfter`. */
    async list(customerId: string, limit: number, startAfter?: string): Promise<{ items: ItemRecord[]; lastItemId?: string }> {
        const { pk, skPrefix } = keys.customerItems(customerId);
        const out = await this.client.send(new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues: { ":pk": pk, ":prefix": skPrefix },
            Limit: limit,
            ...(startAfter === undefined ? {} : { ExclusiveStartKey: keys.item(customerId, startAfter) }),
        }));
        const lastItemId = itemIdOfSortKey(out.LastEvaluatedKey?.sk);
        return { items: (out.Items ?? []).filter(isItemRecord), ...(lastItemId === undefined ? {} : { lastItemId }) };
    }

    /**
     * Deletes the item if it exists and `preconditions` hold (checked against the item the delete is conditional on).
     *
     * @throws PlacementRefusedError when the customer is being moved or has moved; WriteContentionError.
     */
    async delete(customerId: string, itemId: string, preconditions: Preconditions = {}): Promise<DeleteOutcome> {
        if (preconditionCondition(preconditions) === false) return "precondition-failed";
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            const current = await this.get(customerId, itemId);
            if (failedPrecondition(preconditions, current) !== undefined) return "precondition-failed";
            if (current === undefined) return "missing";
            if (await this.swap(customerId, { Delete: { TableName: this.tableName, Key: keys.item(customerId, itemId), ...unchangedSince(current) } })) return "deleted";
        }
        throw new WriteContentionError(customerId, itemId);
    }

    /**
     * One write of an item, conditional on the item being unchanged, in a transaction with the check of the
     * customer's placement. `false` when the item changed first (the caller reads again).
     */
    private async swap(customerId: string, write: Record<string, unknown>): Promise<boolean> {
        try {
            await this.client.send(new TransactWriteCommand({ TransactItems: [writableCheck(this.tableName, customerId), write] }));
            return true;
        } catch (err) {
            const reasons = cancellationReasons(err);
            if (reasons === undefined) throw err;
            if (reasons[0]?.Code === "ConditionalCheckFailed") throw refusalOf(customerId, plainAttributes(reasons[0].Item));
            if (onlyFailed(reasons, 1) || reasons.some(r => r.Code === "TransactionConflict")) return false;
            throw err;
        }
    }
}

/** The condition that the item is still `current` (or still absent). */
function unchangedSince(current: ItemRecord | undefined): { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, NativeAttributeValue> } {
    if (current === undefined) return { ConditionExpression: "attribute_not_exists(pk)" };
    return {
        ConditionExpression: "#version = :expectedVersion AND #incarnation = :expectedIncarnation",
        ExpressionAttributeNames: { "#version": ITEM_ATTRIBUTES.version, "#incarnation": ITEM_ATTRIBUTES.incarnation },
        ExpressionAttributeValues: { ":expectedVersion": current.version, ":expectedIncarnation": current.incarnation },
    };
}

/** Whether only entry `index` of a cancelled transaction failed its condition. */
function onlyFailed(reasons: readonly CancellationReason[], index: number): boolean {
    return reasons[index]?.Code === "ConditionalCheckFailed" && reasons.every((r, i) => i === index || (r.Code ?? "None") === "None");
}

interface CancellationReason {
    Code?: string;
    Item?: Record<string, Record<string, unknown>>;
}

/** The per-item reasons of a cancelled TransactWriteItems, or `undefined` when `err` is not one. */
function cancellationReasons(err: unknown): CancellationReason[] | undefined {
    if (!(err instanceof Error) || err.name !== "TransactionCanceledException") return undefined;
    return (err as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

/** String and number attributes of a raw attribute map (what a cancellation reason carries), as plain values. */
function plainAttributes(item: Record<string, Record<string, unknown>> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(item ?? {})) {
        if (typeof value.S === "string") out[name] = value.S;
        else if (typeof value.N === "string") out[name] = Number(value.N);
    }
    return out;
}
