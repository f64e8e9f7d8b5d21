import * as assert from "node:assert/strict";
import { ControlMap, ownershipWithMap, parseControlMap, routingTableWithMap } from "../../../handlers/lib/control-map";
import { CUSTOMER_ID_RULE } from "../../../handlers/lib/identifiers";
import { ownerOf } from "../../../handlers/lib/ownership";
import { routeCustomer } from "../../../handlers/lib/routing";
import type { RoutingTable } from "../../../handlers/lib/routing-table";

const PACKAGED: RoutingTable = {
    version: 1, mode: "invoke", pinned: { pinned: "cell-a" },
    cells: [
        { id: "cell-a", state: "active", functionName: "fn-a:live", budgetMs: 100 },
        { id: "cell-b", state: "active", functionName: "fn-b:live" },
        { id: "cell-c", state: "standby", functionName: "fn-c:live" },
    ],
};

const MAP: ControlMap = { version: 1, epoch: 4, cells: [{ id: "cell-a", state: "active" }, { id: "cell-b", state: "disabled" }], overrides: { moved: "cell-b" } };

describe("the live routing map (handlers/lib/control-map.ts)", () => {
    it("lists every problem of an invalid map", () => {
        assert.throws(() => parseControlMap({ version: 2, epoch: 0, cells: [{ id: "a", state: "on" }, { id: "" }], overrides: { "bad id": "a", ok: "zz" } }), {
            name: "ControlMapError",
            message: `invalid routing map: version is 2; expected 1; epoch is 0; expected a whole number from 1; cells[0].state is \"on\"; expected standby, active, disabled; ` +
                `cells[1].id must be a non-empty cell id; overrides \"bad id\": ${CUSTOMER_ID_RULE}; overrides.ok is \"zz\"; expected a cell of the map`,
        });
    });

    it("routes with the map's states and overrides, and the packaged functions and budgets; a cell deployed after the map keeps its packaged state", () => {
        const table = routingTableWithMap(PACKAGED, MAP);
        assert.deepEqual(table.cells, [
            { id: "cell-a", state: "active", functionName: "fn-a:live", budgetMs: 100 },
            { id: "cell-b", state: "disabled", functionName: "fn-b:live" },
            { id: "cell-c", state: "standby", functionName: "fn-c:live" },
        ]);
        assert.deepEqual(table.pinned, { pinned: "cell-a", moved: "cell-b" });
        assert.equal(routeCustomer(table, "moved").cell.id, "cell-b");
    });

    it("refuses a map naming a cell the function was not deployed with, or reordering the deployed cells", () => {
        assert.throws(() => routingTableWithMap(PACKAGED, { ...MAP, cells: [...MAP.cells, { id: "cell-x", state: "active" }] }),
            { message: "invalid routing map: the map names cells this function was not deployed with: cell-x" });
        assert.throws(() => routingTableWithMap(PACKAGED, { ...MAP, cells: [MAP.cells[1]!, MAP.cells[0]!] }),
            { message: "invalid routing map: the map orders the cells cell-b, cell-a; deployed: cell-a, cell-b, cell-c" });
    });

    it("gives a cell the same owner for every customer as the router (standby out of the hash until the map activates it)", () => {
        const packagedOwnership = { version: 1 as const, cells: ["cell-a", "cell-b"], standby: ["cell-c"], pinned: { pinned: "cell-a" } };
        const activated: ControlMap = { version: 1, epoch: 5, cells: [{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }, { id: "cell-c", state: "active" }], overrides: {} };
        for (const map of [MAP, activated]) {
            const ownership = ownershipWithMap(packagedOwnership, map);
            const table = routingTableWithMap(PACKAGED, map);
            for (let i = 0; i < 300; i++) assert.equal(ownerOf(ownership, `c-${i}`), routeCustomer(table, `c-${i}`).cell.id, `c-${i} at epoch ${map.epoch}`);
        }
    });
});
