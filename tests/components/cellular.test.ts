import { strict as assert } from "assert";
import { loadSettings } from "../../components/config";
import { expectedCellCounts, total } from "../fixtures/cell-resources";
import { shippedStack, stackConfig } from "../fixtures/stack";

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

describe("the stack's assembly (components/cellular.ts)", () => {
    it("rolls prod out in waves: wave 1 waits for the canary, wave 2 for wave 1", async () => {
        const prod = await shippedStack("prod");
        const gate1 = prod.get(DYNAMIC, "wave-1-gate");
        const gate2 = prod.get(DYNAMIC, "wave-2-gate");
        const canary = prod.inCell("cell-01").filter(r => r.custom);
        const perCell = total(expectedCellCounts(loadSettings(stackConfig("prod"), { project: "cellular", stack: "prod" }).cells[0]!));
        assert.equal(canary.length, perCell);
        for (const r of canary) {
            assert.ok(gate1.dependencies.includes(r.urn), r.name);
            assert.ok(!r.dependencies.includes(gate1.urn), r.name);
        }
        for (const r of prod.inCell("cell-02").filter(x => x.custom)) assert.ok(r.dependencies.includes(gate1.urn), r.name);
        for (const r of prod.inCell("cell-05").filter(x => x.custom)) {
            assert.ok(r.dependencies.includes(gate2.urn), r.name);
            assert.ok(!r.dependencies.includes(gate1.urn), r.name);
        }
        // The gate of wave 2 waits for the 3 cells of wave 1, not for the canary again.
        assert.equal(gate2.dependencies.length, 3 * perCell);
    });

    it("opens a wave's gate with what the previous wave's deployments did", async () => {
        const prod = await shippedStack("prod");
        const gate2 = prod.get(DYNAMIC, "wave-2-gate");
        assert.deepEqual(gate2.propertyDependencies.deployments, ["cell-02", "cell-03", "cell-04"].map(c => prod.get(DYNAMIC, `${c}-deployment`).urn));
    });
});
