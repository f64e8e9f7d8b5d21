import * as assert from "node:assert/strict";
import { LocalDynamo, startDynamo } from "../handlers/fakes/cell-api-dynamo";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ControlStore } from "../../control/store";
import { InjectedCrashError } from "../../control/errors";
import { forgetMoves, moveCustomer, ownerInMap, rollBackMove } from "../../control/move";
import { activate, planRebalance, rebalance } from "../../control/rebalance";
import { cellIndexFor } from "../../handlers/lib/routing";
import { World, buildWorld } from "./fakes/cells-world";

/** A customer the hash over [a, b] sends to `cell`. */
function customerIn(cell: "cell-a" | "cell-b", n: number, from = 0): string {
    const found: string[] = [];
    for (let i = from; found.length < n; i++) if (cellIndexFor(`cust-${i}`, 2) === (cell === "cell-a" ? 0 : 1)) found.push(`cust-${i}`);
    return found[n - 1]!;
}

const JSON_HEADERS = { "content-type": "application/json" };

describe("control plane: moving a customer between cells (control/move.ts)", function () {
    this.timeout(30_000);
    let dynamo: LocalDynamo;
    let run = 0;
    before(async () => {
        dynamo = await startDynamo();
    });
    after(async () => {
        await dynamo?.close();
    });

    async function world(cells: Array<{ id: string; state: "active" | "standby" | "disabled" }> = [{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }]): Promise<World> {
        return buildWorld(dynamo, `mv${run++}`, cells);
    }

    it("moves a customer online: the data is copied and verified, the map flips (epoch + 1), and the router sends the customer to the new cell", async () => {
        const w = await world();
        const customer = customerIn("cell-a", 1);
        for (const item of ["x", "y", "z"]) assert.equal((await w.request("PUT", customer, item, JSON_HEADERS, `{"v":"${item}"}`)).status, 201);
        const before = JSON.parse((await w.request("GET", customer, "y")).body) as { version: number };

        const { move, resumed } = await moveCustomer(w.plane, customer, "cell-b");

        assert.equal(resumed, false);
        assert.equal(move.step, "flipped");
        assert.equal(move.rows, 3);
        const map = (await w.plane.store.readMap())!;
        assert.equal(map.epoch, 2);
        assert.deepEqual(map.overrides, { [customer]: "cell-b" });
        // The router still has the epoch-1 map it read on its first request: the source answers 421 naming cell-b,
        // the router reads the map again and retries there.
        assert.equal(w.routerMap.epoch, 1);
        const got = await w.request("GET", customer, "y");
        assert.equal(got.status, 200);
        assert.deepEqual(JSON.parse(got.body).version, before.version);
        assert.equal(w.routerMap.epoch, 2);
        const put = await w.request("PUT", customer, "y", JSON_HEADERS, "{\"v\":\"after\"}");
        assert.equal(put.status, 200);
        const inB = await dynamo.client.send(new GetCommand({ TableName: w.tables["cell-b"], Key: { pk: `CUSTOMER#${customer}`, sk: "ITEM#y" } }));
        assert.equal(inB.Item?.data, "{\"v\":\"after\"}");
        const inA = await dynamo.client.send(new GetCommand({ TableName: w.tables["cell-a"], Key: { pk: `CUSTOMER#${customer}`, sk: "ITEM#y" } }));
        assert.equal(inA.Item?.data, "{\"v\":\"y\"}", "the source keeps its copy until forget");
    });

    it("refuses writes during the fence with 503 and Retry-After, and serves reads", async () => {
        const w = await world();
        const customer = customerIn("cell-a", 2);
        assert.equal((await w.request("PUT", customer, "x", JSON_HEADERS, "{}")).status, 201);
        await assert.rejects(moveCustomer(w.plane, customer, "cell-b", { crashAfter: "fenced" }), InjectedCrashError);

        const put = await w.request("PUT", customer, "x", JSON_HEADERS, "{\"late\":true}");
        assert.equal(put.status, 503);
        assert.equal(put.headers["retry-after"], "1");
        assert.deepEqual(JSON.parse(put.body), { error: "this customer is being moved to another cell; try again shortly" });
        assert.equal((await w.request("DELETE", customer, "x")).status, 503);
        assert.equal((await w.request("PUT", customer, "new", JSON_HEADERS, "{}")).status, 503);
        assert.equal((await w.request("GET", customer, "x")).status, 200);
        const item = await dynamo.client.send(new GetCommand({ TableName: w.tables["cell-a"], Key: { pk: `CUSTOMER#${customer}`, sk: "ITEM#x" } }));
        assert.equal(item.Item?.data, "{}");
    });

    for (const step of ["registered", "fenced", "copied", "verified", "flip-target", "flip-source"] as const) {
        it(`finishes a move that crashed after ${step} when it is run again, with every row once in the new cell`, async () => {
            const w = await world();
            const customer = customerIn("cell-a", 3);
            for (const item of ["p", "q"]) await w.request("PUT", customer, item, JSON_HEADERS, `{"i":"${item}"}`);
            await assert.rejects(moveCustomer(w.plane, customer, "cell-b", { crashAfter: step }), InjectedCrashError);
            const { move, resumed } = await moveCustomer(w.plane, customer, "cell-b");
            assert.equal(resumed, true);
            assert.equal(move.step, "flipped");
            const list = JSON.parse((await w.request("GET", customer, undefined)).body) as { items: Array<{ id: string; data: unknown }> };
            assert.deepEqual(list.items.map(i => [i.id, i.data]), [["p", { i: "p" }], ["q", { i: "q" }]]);
            assert.equal(ownerInMap((await w.plane.store.readMap())!, customer), "cell-b");
        });
    }

    it("rolls back a move that crashed before the flip: the source takes writes again, the target holds nothing", async () => {
        const w = await world();
        const customer = customerIn("cell-a", 4);
        await w.request("PUT", customer, "x", JSON_HEADERS, "{}");
        await assert.rejects(moveCustomer(w.plane, customer, "cell-b", { crashAfter: "verified" }), InjectedCrashError);
        const undone = await rollBackMove(w.plane, customer);
        assert.equal(undone?.step, "verified");
        assert.deepEqual(await w.plane.cells["cell-b"]!.customerRows(customer), []);
        assert.equal(await w.plane.cells["cell-b"]!.marker(customer), undefined);
        assert.equal((await w.request("PUT", customer, "x", JSON_HEADERS, "{\"again\":1}")).status, 200);
        assert.equal((await w.plane.store.readMap())!.epoch, 1);
    });

    it("refuses to roll back a half-flipped move, and finishes it when run again", async () => {
        const w = await world();
        const customer = customerIn("cell-a", 5);
        await w.request("PUT", customer, "x", JSON_HEADERS, "{}");
        await assert.rejects(moveCustomer(w.plane, customer, "cell-b", { crashAfter: "flip-target" }), InjectedCrashError);
        await assert.rejects(rollBackMove(w.plane, customer), { name: "ControlError", message: /is half flipped \(cell-b owns cust-\d+\); run the move again to finish it/ });
        assert.equal((await moveCustomer(w.plane, customer, "cell-b")).move.step, "flipped");
    });

    it("refuses bad moves with a clear error and changes nothing", async () => {
        const w = await world([{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }, { id: "cell-c", state: "disabled" }]);
        const hashed = (id: string) => ["cell-a", "cell-b", "cell-c"][cellIndexFor(id, 3)];
        let customer = "";
        for (let i = 0; ; i++) if (hashed(`bad-${i}`) === "cell-a") { customer = `bad-${i}`; break; }
        await w.request("PUT", customer, "x", JSON_HEADERS, "{}");
        await assert.rejects(moveCustomer(w.plane, customer, "cell-c"), { name: "ControlError", message: `cannot move ${customer} to cell-c: the cell is disabled; a customer can be moved only to a standby or active cell` });
        await assert.rejects(moveCustomer(w.plane, customer, "cell-z"), { name: "ControlError", message: `cannot move ${customer} to cell-z: no such cell (cells: cell-a, cell-b, cell-c)` });
        await assert.rejects(moveCustomer(w.plane, customer, "cell-a"), { name: "ControlError", message: `${customer} is already served by cell-a` });
        let ghost = "";
        for (let i = 0; ; i++) if (hashed(`ghost-${i}`) === "cell-a") { ghost = `ghost-${i}`; break; }
        await assert.rejects(moveCustomer(w.plane, ghost, "cell-b"), { name: "ControlError", message: `customer ${ghost} does not exist: no data in its cell cell-a` });
        assert.equal(await w.plane.store.getMove(customer), undefined);
        assert.equal(await w.plane.cells["cell-a"]!.marker(customer), undefined);
        assert.equal((await w.plane.store.readMap())!.epoch, 1);
    });

    it("refuses a concurrent move of the same customer, naming the move in progress", async () => {
        const w = await world([{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }, { id: "cell-c", state: "standby" }]);
        const customer = customerIn("cell-a", 6);
        await w.request("PUT", customer, "x", JSON_HEADERS, "{}");
        await assert.rejects(moveCustomer(w.plane, customer, "cell-b", { crashAfter: "copied" }), InjectedCrashError);
        const moveId = (await w.plane.store.getMove(customer))!.moveId;
        await assert.rejects(moveCustomer(w.plane, customer, "cell-c"), {
            name: "ControlError",
            message: `${customer} is already being moved: ${moveId} from cell-a to cell-b, at step copied; run that move again to finish it, or roll it back`,
        });
        assert.equal(await w.plane.cells["cell-c"]!.marker(customer), undefined);
    });

    it("answers a clear error when the control table cannot be read, and changes nothing", async () => {
        const w = await world();
        const broken = { ...w.plane, store: new ControlStore(dynamo.client, "no-such-control-table") };
        await assert.rejects(moveCustomer(broken, customerIn("cell-a", 1), "cell-b"), {
            name: "ControlError", message: /^the control table no-such-control-table cannot be read \(ResourceNotFoundException: .*\); nothing was changed$/,
        });
    });

    it("forgets the source copy after the grace period only, keeping the marker that redirects", async () => {
        const w = await world();
        const customer = customerIn("cell-a", 7);
        await w.request("PUT", customer, "x", JSON_HEADERS, "{}");
        let now = new Date("2026-12-02T00:00:00Z");
        w.plane.now = () => now;
        await moveCustomer(w.plane, customer, "cell-b");
        assert.deepEqual(await forgetMoves(w.plane, 3_600_000), []);
        now = new Date("2026-12-02T01:00:01Z");
        const forgotten = await forgetMoves(w.plane, 3_600_000);
        assert.deepEqual(forgotten.map(m => m.customerId), [customer]);
        assert.deepEqual(await w.plane.cells["cell-a"]!.customerRows(customer), []);
        assert.equal((await w.plane.cells["cell-a"]!.marker(customer))?.state, "moved");
        assert.equal((await w.request("GET", customer, "x")).status, 200);
    });

    it("adds a cell: standby moves no one, rebalance moves exactly the customers the hash over the new list sends to it, activate drops the redundant overrides", async () => {
        const w = await world([{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }, { id: "cell-c", state: "standby" }]);
        const customers = Array.from({ length: 24 }, (_, i) => `grow-${i}`);
        for (const c of customers) assert.equal((await w.request("PUT", c, "x", JSON_HEADERS, `{"c":"${c}"}`)).status, 201);
        // Standby: every customer is where the hash over [a, b] says.
        for (const c of customers) assert.equal(ownerInMap((await w.plane.store.readMap())!, c), ["cell-a", "cell-b"][cellIndexFor(c, 2)]);
        const expected = customers.filter(c => cellIndexFor(c, 3) === 2).sort();
        assert.ok(expected.length > 0);
        assert.deepEqual((await planRebalance(w.plane, "cell-c")).map(p => p.customerId), expected);

        const moved = await rebalance(w.plane, "cell-c");
        assert.deepEqual(moved.map(p => p.customerId).sort(), expected);
        // A customer created while the cell is still standby lands in an old cell; activate's last pass moves it.
        let late = "";
        for (let i = 0; ; i++) if (cellIndexFor(`late-${i}`, 3) === 2) { late = `late-${i}`; break; }
        assert.equal((await w.request("PUT", late, "x", JSON_HEADERS, "{}")).status, 201);

        const { map, moved: last, dropped } = await activate(w.plane, "cell-c");
        assert.deepEqual(last.map(p => p.customerId), [late]);
        assert.deepEqual(map.cells.map(c => c.state), ["active", "active", "active"]);
        assert.deepEqual(map.overrides, {});
        assert.deepEqual(dropped.sort(), [...expected, late].sort());
        await w.routerMap.refresh();
        for (const c of [...customers, late]) {
            const got = await w.request("GET", c, "x");
            assert.equal(got.status, 200, c);
            assert.equal(ownerInMap(map, c), ["cell-a", "cell-b", "cell-c"][cellIndexFor(c, 3)]);
        }
    });
});
