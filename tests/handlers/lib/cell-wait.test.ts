import * as assert from "node:assert/strict";
import { cellWaitMs, RESPONSE_MARGIN_MS } from "../../../handlers/lib/cell-wait";

describe("how long the router waits for a cell (handlers/lib/cell-wait.ts)", () => {
    it("waits the cell's budget when the router has more time left than that", () => {
        assert.equal(cellWaitMs(1000, 15_000), 1000);
    });

    it("waits only until its own deadline less the margin to answer, when that comes first", () => {
        assert.equal(cellWaitMs(1000, 1200), 1200 - RESPONSE_MARGIN_MS);
        assert.equal(cellWaitMs(undefined, 15_000), 15_000 - RESPONSE_MARGIN_MS);
        assert.equal(cellWaitMs(250, 800, 100), 250);
        assert.equal(cellWaitMs(250, 300, 100), 200);
    });

    it("says no time is left (0 or less) once the margin is all that remains", () => {
        assert.equal(cellWaitMs(1000, RESPONSE_MARGIN_MS), 0);
        assert.equal(cellWaitMs(1000, 100), 100 - RESPONSE_MARGIN_MS);
    });

    it("has no limit without a budget and without a Lambda context", () => {
        assert.equal(cellWaitMs(undefined, undefined), undefined);
        assert.equal(cellWaitMs(700, undefined), 700);
    });
});
