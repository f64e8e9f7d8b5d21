import { strict as assert } from "assert";
import * as path from "path";
import { parseMemoryEvidence } from "../../policies/lib/memory-evidence";
import { evidenceCost } from "../../tools/lib/memory-evidence-cost";
import { memoryEvidenceSection } from "../../tools/plan";
import { edit, runStack, shippedStack, stackConfig } from "../fixtures/stack";

/** AWS's on-demand arm64 duration price in us-east-1, first tier (aws.amazon.com/lambda/pricing). */
const ARM64_PER_GB_SECOND = 0.0000133334;
const ROOT = path.resolve(__dirname, "..", "..");

const evidence = (() => {
    const parsed = parseMemoryEvidence({
        version: 1, stack: "dev", measuredAt: "2026-12-01", commit: "c9734b1", functions: {
            "fn-*": { output: { power: 512, cost: 2.687e-7, duration: 40.3, stats: [
                { value: 256, averagePrice: 2.87e-7, averageDuration: 86.1 },
                { value: 512, averagePrice: 2.687e-7, averageDuration: 40.3 },
                { value: 1024, averagePrice: 5.053e-7, averageDuration: 37.9 },
            ] } },
        },
    }, "dev.json", "dev");
    assert.ok("evidence" in parsed);
    return parsed.evidence;
})();
const COST = { strategy: "cost", balancedWeight: 0.5 } as const;

describe("the monthly cost difference memory evidence implies (tools/lib/memory-evidence-cost.ts)", () => {
    it("prices both memories from the measured durations, billed to the millisecond", () => {
        const out = evidenceCost([{ name: "fn-a", memoryMb: 1024, architecture: "arm64" }], evidence, COST, () => 1_000_000, () => ARM64_PER_GB_SECOND);
        // 1M × 1 GB × 0.038 s against 1M × 0.5 GB × 0.041 s.
        const current = 1_000_000 * 1 * 0.038 * ARM64_PER_GB_SECOND;
        const optimum = 1_000_000 * 0.5 * 0.041 * ARM64_PER_GB_SECOND;
        assert.deepEqual(out.rows.map(r => [r.optimumMb, r.monthlyUsd]), [[512, { current: Number(current.toFixed(4)), optimum: Number(optimum.toFixed(4)), difference: Number((current - optimum).toFixed(4)) }]]);
        assert.equal(out.monthlyDifferenceUsd, Number((current - optimum).toFixed(4)));
    });

    it("prices nothing for a memory the run did not measure, or without a month of invocations, and says why", () => {
        const out = evidenceCost([
            { name: "fn-b", memoryMb: 640, architecture: "arm64" },
            { name: "fn-c", memoryMb: 512, architecture: "arm64" },
            { name: "other", memoryMb: 512, architecture: "arm64" },
        ], evidence, COST, name => name === "fn-b" ? 10 : undefined, () => ARM64_PER_GB_SECOND);
        assert.deepEqual(out.rows.map(r => [r.function, r.monthlyUsd, r.why]), [
            ["fn-b", null, "640 MB was not measured (measured: 256, 512, 1024 MB)"],
            ["fn-c", null, "no month of invocations (the stack has no usage file)"],
        ]);
        assert.equal(out.monthlyDifferenceUsd, null);
    });

    it("in the prod plan: no difference as shipped; every cell's API at 1024 MB costs what 5M requests a cell say it does", async () => {
        const shipped = memoryEvidenceSection((await shippedStack("prod")).capture, ROOT);
        assert.ok(shipped.found && "rows" in shipped);
        assert.deepEqual([shipped.file, shipped.usageFile, shipped.rows.length, shipped.monthlyDifferenceUsd], ["memory-evidence/prod.json", path.join("usage", "prod.json"), 24, 0]);
        const doubled = memoryEvidenceSection((await runStack("prod", { config: edit(stackConfig("prod"), "defaults", d => { d.memoryMb = 1024; }) })).capture, ROOT);
        assert.ok(doubled.found && "rows" in doubled);
        // usage/prod.json: 5,000,000 API requests a cell a month; 37.9 ms at 1024 MB (billed 38), 40.3 ms at 512 (billed 41).
        const perCell = 5_000_000 * (1 * 0.038 - 0.5 * 0.041) * ARM64_PER_GB_SECOND;
        const api = doubled.rows.filter(r => r.key === "cellular-prod-cell-*-api");
        assert.equal(api.length, 12);
        for (const r of api) assert.equal(r.monthlyUsd?.difference, Number(perCell.toFixed(4)));
        assert.ok(Math.abs(doubled.monthlyDifferenceUsd! - 12 * perCell) < 0.001, String(doubled.monthlyDifferenceUsd));
    });
});
