/**
 * The environment of the cell API and router tests, and a local DynamoDB (dynalite, in memory) with cell tables.
 *
 * Importing this module sets the variables the handlers read at module load (region, dummy credentials, cell id,
 * table name), so import it before any handler.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { settled } from "./dynalite-settle";
import { startFakeDynamo } from "./events-dynamo";

export const TEST_CELL_ID = "cell-test";
export const TEST_TABLE = "cellular-test-cell-test-data";

process.env.AWS_REGION = "us-east-1";
process.env.AWS_ACCESS_KEY_ID = "AKIDTESTTESTTEST";
process.env.AWS_SECRET_ACCESS_KEY = "test-secret";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.CELL_ID = TEST_CELL_ID;
process.env.TABLE_NAME = TEST_TABLE;

export interface LocalDynamo {
    endpoint: string;
    /** A document client on the emulator, for preparing and reading tables. */
    client: DynamoDBDocumentClient;
    /** Creates a table with the cell layout (pk/sk strings). */
    createTable(name: string): Promise<void>;
    deleteTable(name: string): Promise<void>;
    close(): Promise<void>;
}

/** dynalite behind the proxy of events-dynamo.ts, which adds the transactions every item write makes. */
export async function startDynamo(): Promise<LocalDynamo> {
    const fake = await startFakeDynamo("cellular-test-bootstrap");
    const endpoint = fake.endpoint;
    const raw = new DynamoDBClient({ endpoint });
    return {
        endpoint,
        client: DynamoDBDocumentClient.from(raw),
        async createTable(name) {
            await raw.send(new CreateTableCommand({
                TableName: name,
                BillingMode: "PAY_PER_REQUEST",
                AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
                KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
            }));
            await settled(raw, name, "active");
        },
        async deleteTable(name) {
            await raw.send(new DeleteTableCommand({ TableName: name }));
            await settled(raw, name, "gone");
        },
        async close() {
            raw.destroy();
            await fake.close();
        },
    };
}
