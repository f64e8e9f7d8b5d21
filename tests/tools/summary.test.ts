import { strict as assert } from "assert";
import { enabledSources } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";
import { formatSummary, summarise } from "../../tools/lib/summary";
import { shippedStack, stackConfig } from "../fixtures/stack";

describe("the plan's summary (tools/lib/summary.ts)", () => {
    it("groups prod by cell, in registration order, with each cell's wave, state and event sources", async () => {
        const prod = await shippedStack("prod");
        const settings = loadSettings(stackConfig("prod"), { project: "cellular", stack: "prod" });
        const summary = summarise(prod.capture);
        const cells = summary.groups.filter(g => g.id !== "shared");
        assert.deepEqual(cells.map(g => [g.id, g.wave, g.state, g.eventSources]).sort(),
            settings.cells.map(c => [c.id, c.wave, c.state, enabledSources(c)]).sort());
        assert.deepEqual(cells[0]!.eventSources, ["queue", "topic", "bucket", "schedule", "tableStream"]);
        assert.equal(summary.totals.resources, prod.resources.length);
        const line = formatSummary(summary).split("\n").find(l => l.startsWith("cell cell-01 "));
        assert.equal(line, `cell cell-01 (wave 0, active): ${prod.inCell("cell-01").length + 1} resources; event sources: queue, topic, bucket, schedule, tableStream`);
    });
});
