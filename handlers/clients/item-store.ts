/**
 * Every write of a customer's item, whoever makes it (the cell API, the queue worker, ingest), goes through this
 * module: one conditional UpdateItem that stores the data's text, keeps `createdAt` and the incarnation, sets
 * `updatedAt` and `writtenBy`, and advances the version (lib/items.ts has the model). Reads and deletes are here
 * too, so the row's shape is known in one place.
 */
import { DeleteCommand, GetCommand, NativeAttributeValue, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ITEM_ATTRIBUTES, ItemRecord, Preconditions, failedPrecondition, isItemRecord, itemIdOfSortKey, newIncarnation, preconditionCondition } from "../lib/items";
import { isConditionalCheckFailed } from "../lib/idempotency";
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
     * Writes the item if `preconditions` hold (atomically: they are the request's condition). With `once`, a write
     * whose `writtenBy` is already the item's current writer is not applied again (a replayed row after a crash).
     */
    async put(write: ItemWrite, options: { preconditions?: Preconditions; once?: boolean } = {}): Promise<PutOutcome> {
        const condition = options.preconditions === undefined ? undefined : preconditionCondition(options.preconditions);
        if (condition === false) return { outcome: "precondition-failed" };
        const once = options.once
            ? { expression: "(attribute_not_exists(#writtenBy) OR #writtenBy <> :writtenBy)", names: {}, values: {} }
            : undefined;
        const combined = condition === undefined ? once
            : once === undefined ? condition
                : { expression: `${condition.expression} AND ${once.expression}`, names: condition.names, values: condition.values };
        try {
            const out = await this.client.send(new UpdateCommand({ ...this.update(write, combined), ReturnValues: "ALL_NEW" }));
            if (!isItemRecord(out.Attributes)) throw new Error("the item update returned no item");
            return { outcome: "written", item: out.Attributes, created: out.Attributes.version === 1 };
        } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
            return condition === undefined ? { outcome: "already-written" } : { outcome: "precondition-failed" };
        }
    }

    /**
     * The item write and `marker` in one TransactWriteItems: both or neither. The marker's put is conditional on
     * its absence and returns the existing marker when it is there (`ReturnValuesOnConditionCheckFailure`).
     */
    async putWithMarker(write: ItemWrite, marker: Record<string, NativeAttributeValue>): Promise<{ outcome: "written" } | { outcome: "marker-exists"; existing: Record<string, unknown> }> {
        try {
            await this.client.send(new TransactWriteCommand({
                TransactItems: [
                    { Put: { TableName: this.tableName, Item: marker, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
                    { Update: this.update(write) },
                ],
            }));
            return { outcome: "written" };
        } catch (err) {
            const reasons = cancellationReasons(err);
            if (reasons === undefined || reasons[0]?.Code !== "ConditionalCheckFailed" || reasons.slice(1).some(r => (r.Code ?? "None") !== "None")) throw err;
            return { outcome: "marker-exists", existing: plainAttributes(reasons[0].Item) };
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

    /** Deletes the item if it exists and `preconditions` hold. */
    async delete(customerId: string, itemId: string, preconditions: Preconditions = {}): Promise<DeleteOutcome> {
        const condition = preconditionCondition(preconditions);
        if (condition === false) return "precondition-failed";
        try {
            await this.client.send(new DeleteCommand({
                TableName: this.tableName,
                Key: keys.item(customerId, itemId),
                ConditionExpression: condition === undefined ? "attribute_exists(pk)" : `attribute_exists(pk) AND ${condition.expression}`,
                ...(condition === undefined || Object.keys(condition.names).length === 0 ? {} : { ExpressionAttributeNames: condition.names }),
                ...(condition === undefined || Object.keys(condition.values).length === 0 ? {} : { ExpressionAttributeValues: condition.values }),
            }));
            return "deleted";
        } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
            if (condition === undefined) return "missing";
            // Missing, or there and the preconditions failed: only a read tells which.
            const current = await this.get(customerId, itemId);
            return failedPrecondition(preconditions, current) !== undefined ? "precondition-failed" : "missing";
        }
    }
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
