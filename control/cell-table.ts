/**
 * One cell's table as the control plane touches it while moving a customer: the customer's partition (every row
 * but the placement marker is the customer's data: items, counters, notifications, processed-message marks), its
 * content hash, and the placement marker (handlers/lib/placement.ts), each marker change conditional on the move.
 */
import { createHash } from "node:crypto";
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../handlers/lib/idempotency";
import { PLACEMENT_STATE_ATTRIBUTE, PlacementMarker, PlacementState, parsePlacement, placementKey, placementRow } from "../handlers/lib/placement";
import { keys } from "../handlers/lib/table";

export type Row = Record<string, unknown>;

/** DynamoDB's limit on one BatchWriteItem. */
const BATCH = 25;

export class CellTable {
    constructor(private readonly client: DynamoDBDocumentClient, readonly cellId: string, readonly tableName: string) {}

    /** Every data row of the customer's partition (the marker excluded), in sort key order. */
    async customerRows(customerId: string, limit?: number): Promise<Row[]> {
        const rows: Row[] = [];
        let start: Record<string, unknown> | undefined;
        do {
            const page = await this.client.send(new QueryCommand({
                TableName: this.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.customerPartition(customerId).pk },
                ConsistentRead: true, ExclusiveStartKey: start, ...(limit === undefined ? {} : { Limit: limit + 1 }),
            }));
            rows.push(...(page.Items ?? []).filter(r => r.sk !== placementKey(customerId).sk));
            start = page.LastEvaluatedKey;
        } while (start && (limit === undefined || rows.length < limit));
        return limit === undefined ? rows : rows.slice(0, limit);
    }

    /** Writes `rows` (BatchWriteItem, unprocessed items retried). */
    async putRows(rows: Row[]): Promise<void> {
        await this.batch(rows.map(Item => ({ PutRequest: { Item } })));
    }

    async deleteRows(rows: Row[]): Promise<void> {
        await this.batch(rows.map(r => ({ DeleteRequest: { Key: { pk: r.pk, sk: r.sk } } })));
    }

    private async batch(requests: Array<Record<string, unknown>>): Promise<void> {
        for (let i = 0; i < requests.length; i += BATCH) {
            let pending: Array<Record<string, unknown>> = requests.slice(i, i + BATCH);
            for (let attempt = 0; pending.length > 0; attempt++) {
                if (attempt > 10) throw new Error(`${this.tableName}: ${pending.length} writes stayed unprocessed after 10 retries`);
                if (attempt > 0) await new Promise(r => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
                const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
                pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Array<Record<string, unknown>>;
            }
        }
    }

    async marker(customerId: string): Promise<PlacementMarker | undefined> {
        const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: placementKey(customerId), ConsistentRead: true }));
        return parsePlacement(out.Item);
    }

    /**
     * Writes `marker` if the current marker is absent or in one of `replaces`, or already this move's in one of
     * `resumes`. Returns the marker found when it refused.
     */
    async setMarker(marker: PlacementMarker, allowed: { absent: boolean; replaces: PlacementState[]; resumes: PlacementState[] }): Promise<{ ok: true } | { ok: false; found: PlacementMarker | undefined }> {
        const parts: string[] = [];
        const values: Record<string, unknown> = { ":moveId": marker.moveId };
        if (allowed.absent) parts.push("attribute_not_exists(pk)");
        allowed.replaces.forEach((s, i) => { parts.push(`#placement = :r${i}`); values[`:r${i}`] = s; });
        allowed.resumes.forEach((s, i) => { parts.push(`(#placement = :s${i} AND #moveId = :moveId)`); values[`:s${i}`] = s; });
        try {
            await this.client.send(new PutCommand({
                TableName: this.tableName, Item: placementRow(marker),
                ConditionExpression: parts.join(" OR "),
                ExpressionAttributeNames: { "#placement": PLACEMENT_STATE_ATTRIBUTE, "#moveId": "moveId" },
                ExpressionAttributeValues: values,
            }));
            return { ok: true };
        } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
            return { ok: false, found: await this.marker(marker.customerId) };
        }
    }

    /** Deletes the marker if it is still move `moveId`'s. */
    async deleteMarker(customerId: string, moveId: string): Promise<void> {
        try {
            await this.client.send(new DeleteCommand({
                TableName: this.tableName, Key: placementKey(customerId),
                ConditionExpression: "#moveId = :moveId", ExpressionAttributeNames: { "#moveId": "moveId" }, ExpressionAttributeValues: { ":moveId": moveId },
            }));
        } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
        }
    }

    /** Customer ids with a partition in this table and their data rows (a Scan of keys only); a marker-only partition counts 0. */
    async customers(): Promise<Map<string, number>> {
        const counts = new Map<string, number>();
        let start: Record<string, unknown> | undefined;
        do {
            const page = await this.client.send(new ScanCommand({
                TableName: this.tableName, ProjectionExpression: "pk, sk", ExclusiveStartKey: start,
                FilterExpression: "begins_with(pk, :p)", ExpressionAttributeValues: { ":p": "CUSTOMER#" },
            }));
            for (const r of page.Items ?? []) {
                const customer = String(r.pk).slice("CUSTOMER#".length);
                if (r.sk === placementKey(customer).sk) {
                    if (!counts.has(customer)) counts.set(customer, 0);
                    continue;
                }
                counts.set(customer, (counts.get(customer) ?? 0) + 1);
            }
            start = page.LastEvaluatedKey;
        } while (start);
        return counts;
    }
}

/**
 * The content hash of a customer's rows: sha256 over each row's attributes in name order (values as JSON), rows in
 * sort key order. Two copies with the same hash hold the same rows, attribute for attribute.
 */
export function contentHash(rows: readonly Row[]): string {
    const hash = createHash("sha256");
    for (const row of [...rows].sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : String(a.sk) > String(b.sk) ? 1 : 0))) {
        hash.update(JSON.stringify(Object.keys(row).sort().map(k => [k, row[k]])));
        hash.update("\n");
    }
    return hash.digest("base64url");
}
