import * as assert from "node:assert/strict";
import { LocalDynamo, startDynamo } from "../handlers/fakes/cell-api-dynamo";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { main, progressBar } from "../../tools/cells";
import { cellIndexFor } from "../../handlers/lib/routing";
import { keys } from "../../handlers/lib/table";

function capture() {
    const lines: string[] = [];
    const errors: string[] = [];
    return { out: { log: (t: string) => lines.push(t), error: (t: string) => errors.push(t), progress: () => undefined }, lines, errors };
}

describe("npm run cells (tools/cells.ts) against a local DynamoDB", function () {
    this.timeout(60_000);
    let dynamo: LocalDynamo;
    before(async () => {
        dynamo = await startDynamo();
        for (const t of ["cellular-dev-cell-a-data", "cellular-dev-cell-b-data", "cellular-dev-cell-c-data", "cellular-dev-control"]) await dynamo.createTable(t);
    });
    after(async () => {
        await dynamo?.close();
    });

    it("exits 2 naming the problem for bad arguments", async () => {
        const c = capture();
        assert.equal(await main(["move", "acme", "--stack", "dev"], c.out), 2);
        assert.match(c.errors[0]!, /^error: move needs one customer id and --to <cell> \(or --rollback\)\n\nusage: npm run cells/);
        assert.equal(await main(["status"], c.out), 2);
        assert.match(c.errors[1]!, /^error: --stack is required/);
    });

    it("writes the first map from the stack's config, dry-runs a move with its cost, moves, and refuses a disabled or unknown target", async () => {
        const endpoint = ["--endpoint", dynamo.endpoint];
        const c = capture();
        assert.equal(await main(["status", "--stack", "dev", ...endpoint], c.out), 0);
        assert.deepEqual(c.lines.slice(0, 2), [
            "wrote the first routing map (epoch 1) from the dev stack's config",
            "routing map epoch 1: cell-a active, cell-b active, cell-c active; 1 override(s)",
        ]);
        let customer = "";
        for (let i = 0; ; i++) if (cellIndexFor(`cli-${i}`, 3) === 0) { customer = `cli-${i}`; break; }
        for (const item of ["a", "b"]) {
            await dynamo.client.send(new PutCommand({ TableName: "cellular-dev-cell-a-data", Item: { ...keys.item(customer, item), customerId: customer, itemId: item, data: "{}", version: 1, incarnation: "abc", createdAt: "t", updatedAt: "t" } }));
        }
        const dry = capture();
        assert.equal(await main(["move", customer, "--to", "cell-b", "--stack", "dev", "--dry-run", ...endpoint], dry.out), 0);
        // 2 small rows: fence 4 R / 3 W, copy 2 / 4, verify 2 / 1, flip 1 / 4, forget 1 / 3; 23 calls at 10 ms;
        // 10 x $0.125 + 15 x $0.625 per million units (us-east-1 on demand).
        assert.deepEqual(dry.lines, [`would move ${customer} from cell-a to cell-b: 1 customer(s), 2 row(s); about 0.2 s one after another; 10 read and 15 write request units, about $0.000011 on demand`]);

        const moved = capture();
        assert.equal(await main(["move", customer, "--to", "cell-b", "--stack", "dev", ...endpoint], moved.out), 0);
        assert.match(moved.lines[0]!, new RegExp(`^moved mv-[0-9a-f-]+: ${customer} cell-a -> cell-b, 2 rows verified, map epoch 2$`));

        const refused = capture();
        assert.equal(await main(["move", customer, "--to", "cell-z", "--stack", "dev", ...endpoint], refused.out), 1);
        assert.deepEqual(refused.errors, [`error: cannot move ${customer} to cell-z: no such cell (cells: cell-a, cell-b, cell-c)`]);
    });

    it("exits 1 with a clear error when the control table cannot be reached", async () => {
        const c = capture();
        assert.equal(await main(["status", "--stack", "dev", "--endpoint", "http://127.0.0.1:9"], c.out), 1);
        assert.match(c.errors[0]!, /^error: the control table cellular-dev-control cannot be read \(.+\); nothing was changed$/);
    });

    it("draws a progress bar", () => {
        assert.equal(progressBar(3, 12, 12), "[###.........] 3/12");
        assert.equal(progressBar(0, 0, 4), "[####] 0/0");
    });
});
