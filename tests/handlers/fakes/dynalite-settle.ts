/**
 * dynalite finishes creating and deleting tables on a later turn of its event loop (even with createTableMs and
 * deleteTableMs 0): a test that uses a table straight after creating it races it. These wait until it is done.
 */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The table's status, or undefined when it does not exist (any more). */
async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
    try {
        return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    } catch (err) {
        if ((err as Error).name === "ResourceNotFoundException") return undefined;
        throw err;
    }
}

/** Waits until the table is ACTIVE (`"active"`) or gone; bounded by checks, not by time, so load only slows it. */
export async function settled(client: DynamoDBClient, tableName: string, state: "active" | "gone", checks = 1000): Promise<void> {
    for (let i = 0; i < checks; i++) {
        const status = await tableStatus(client, tableName);
        if (state === "active" ? status === "ACTIVE" : status === undefined) return;
        await new Promise(resolve => setTimeout(resolve, 5));
    }
    throw new Error(`dynalite's table ${tableName} was not ${state} after ${checks} checks`);
}
