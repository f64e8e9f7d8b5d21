/**
 * The control table as the control plane writes it (handlers/lib/control-map.ts has the layout): the routing map,
 * changed only by compare-and-swap on its epoch, and one move record per customer, which is also the lock that
 * refuses a second, concurrent move of the same customer.
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { CONTROL_KEYS, ControlMap, MAP_ATTRIBUTES, controlMapText, parseControlMap } from "../handlers/lib/control-map";
import { isConditionalCheckFailed } from "../handlers/lib/idempotency";
import { ControlError } from "./errors";

/** The steps of a move, in order (control/move.ts). */
export const MOVE_STEPS = ["registered", "fenced", "copied", "verified", "flipped", "forgotten"] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

export interface MoveRecord {
    moveId: string;
    customerId: string;
    from: string;
    to: string;
    step: MoveStep;
    startedAt: string;
    /** Rows copied and their content hash (set at verify). */
    rows?: number;
    hash?: string;
    /** The map's epoch that sent the customer to `to` (set at flip). */
    epoch?: number;
    fencedAt?: string;
    flippedAt?: string;
}

export class ControlStore {
    constructor(private readonly client: DynamoDBDocumentClient, readonly tableName: string) {}

    /** The map, or `undefined` when none was written yet. @throws ControlError when the table cannot be read. */
    async readMap(): Promise<ControlMap | undefined> {
        let item: Record<string, unknown> | undefined;
        try {
            item = (await this.client.send(new GetCommand({ TableName: this.tableName, Key: CONTROL_KEYS.map, ConsistentRead: true }))).Item;
        } catch (err) {
            throw new ControlError(`the control table ${this.tableName} cannot be read (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}); nothing was changed`);
        }
        if (item === undefined) return undefined;
        return parseControlMap(JSON.parse(String(item[MAP_ATTRIBUTES.document])));
    }

    /**
     * Writes `next` if the map is still at `expectedEpoch` (0: no map yet); `next.epoch` must be one more.
     * `false` when another writer came first (read again and retry).
     */
    async swapMap(expectedEpoch: number, next: ControlMap): Promise<boolean> {
        if (next.epoch !== expectedEpoch + 1) throw new Error(`a map change goes from epoch ${expectedEpoch} to ${expectedEpoch + 1}, not ${next.epoch}`);
        parseControlMap(next);
        try {
            await this.client.send(new PutCommand({
                TableName: this.tableName,
                Item: { ...CONTROL_KEYS.map, [MAP_ATTRIBUTES.document]: controlMapText(next), [MAP_ATTRIBUTES.epoch]: next.epoch },
                ConditionExpression: expectedEpoch === 0 ? "attribute_not_exists(pk)" : "#epoch = :expected",
                ...(expectedEpoch === 0 ? {} : { ExpressionAttributeNames: { "#epoch": MAP_ATTRIBUTES.epoch }, ExpressionAttributeValues: { ":expected": expectedEpoch } }),
            }));
            return true;
        } catch (err) {
            if (isConditionalCheckFailed(err)) return false;
            throw err;
        }
    }

    /** Reads, changes and writes the map until the change lands on the latest epoch; the change may return `undefined` for "nothing to do". */
    async updateMap(change: (map: ControlMap) => ControlMap | undefined): Promise<ControlMap> {
        for (let attempt = 0; attempt < 20; attempt++) {
            const map = await this.readMap();
            if (map === undefined) throw new ControlError(`the control table ${this.tableName} holds no routing map; run \`npm run cells -- status\` to write the first one from the stack's config`);
            const next = change(map);
            if (next === undefined) return map;
            if (await this.swapMap(map.epoch, { ...next, epoch: map.epoch + 1 })) return { ...next, epoch: map.epoch + 1 };
        }
        throw new ControlError("the routing map kept changing under this change (20 attempts); try again");
    }

    async getMove(customerId: string): Promise<MoveRecord | undefined> {
        const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: CONTROL_KEYS.move(customerId), ConsistentRead: true }));
        return out.Item === undefined ? undefined : toRecord(out.Item);
    }

    /**
     * Registers `move` unless another unfinished move of the customer is registered: that one is returned (the
     * caller refuses, naming it, or resumes it when it is the same move).
     */
    async registerMove(move: MoveRecord): Promise<MoveRecord | undefined> {
        try {
            await this.client.send(new PutCommand({
                TableName: this.tableName,
                Item: { ...CONTROL_KEYS.move(move.customerId), ...move },
                ConditionExpression: "attribute_not_exists(pk) OR #step = :forgotten",
                ExpressionAttributeNames: { "#step": "step" },
                ExpressionAttributeValues: { ":forgotten": "forgotten" },
            }));
            return undefined;
        } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
            const existing = await this.getMove(move.customerId);
            if (existing === undefined) throw new ControlError(`the move record of ${move.customerId} changed while registering; try again`);
            return existing;
        }
    }

    /** Saves a move's progress, only if the record is still this move's. */
    async saveMove(move: MoveRecord): Promise<void> {
        await this.client.send(new PutCommand({
            TableName: this.tableName,
            Item: { ...CONTROL_KEYS.move(move.customerId), ...move },
            ConditionExpression: "#moveId = :moveId",
            ExpressionAttributeNames: { "#moveId": "moveId" },
            ExpressionAttributeValues: { ":moveId": move.moveId },
        }));
    }

    /** Forgets a move that was rolled back (only if the record is still this move's). */
    async dropMove(move: MoveRecord): Promise<void> {
        await this.client.send(new DeleteCommand({
            TableName: this.tableName,
            Key: CONTROL_KEYS.move(move.customerId),
            ConditionExpression: "attribute_not_exists(pk) OR #moveId = :moveId",
            ExpressionAttributeNames: { "#moveId": "moveId" },
            ExpressionAttributeValues: { ":moveId": move.moveId },
        }));
    }

    async listMoves(): Promise<MoveRecord[]> {
        const moves: MoveRecord[] = [];
        let start: Record<string, unknown> | undefined;
        do {
            const page = await this.client.send(new QueryCommand({
                TableName: this.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": CONTROL_KEYS.movePartition },
                ConsistentRead: true, ExclusiveStartKey: start,
            }));
            moves.push(...(page.Items ?? []).map(toRecord));
            start = page.LastEvaluatedKey;
        } while (start);
        return moves;
    }
}

function toRecord(item: Record<string, unknown>): MoveRecord {
    const { pk: _pk, sk: _sk, ...rest } = item;
    return rest as unknown as MoveRecord;
}
