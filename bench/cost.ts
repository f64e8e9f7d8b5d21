/**
 * The `cost` group of `npm run bench`: the estimator's time on the 100-cell plan (every event source on, the dev
 * stack's settings), against the plan alone (the program's evaluation under mocks) in the same process.
 *
 *   node --require tsx/cjs bench/cost.ts child <cells> <runs>   one measured run, printing one JSON line
 *
 * The child evaluates the program once (timed, as bench/plan-child.ts does), then estimates it `runs` times with
 * no usage and with usage/dev.json (median of each); a fresh process per size, so nothing is warm from another.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { BenchRow, median } from "./lib";

const ROOT = path.resolve(__dirname, "..");

interface ChildResult {
    cells: number;
    resources: number;
    programMs: number;
    fixedMs: number;
    usageMs: number;
}

function child(cells: number, runs: number): ChildResult {
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", __filename, "child", String(cells), String(runs)], {
        cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`bench/cost.ts child ${cells} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as ChildResult;
}

const r1 = (n: number) => Number(n.toFixed(1));

export async function run(options: { quick?: boolean } = {}): Promise<BenchRow[]> {
    const cells = 100;
    const result = child(cells, options.quick ? 3 : 7);
    const label = `${cells} cells (${result.resources} resources)`;
    return [
        {
            group: "cost", name: `${label}: estimate, fixed cost only`, value: r1(result.fixedMs), unit: "ms",
            baseline: { name: "the plan alone (program evaluation)", value: r1(result.programMs) }, target: "<= 0.1x the plan", pass: result.fixedMs <= 0.1 * result.programMs,
        },
        {
            group: "cost", name: `${label}: estimate with usage/dev.json`, value: r1(result.usageMs), unit: "ms",
            baseline: { name: "the plan alone (program evaluation)", value: r1(result.programMs) }, target: "<= 0.1x the plan", pass: result.usageMs <= 0.1 * result.programMs,
        },
    ];
}

async function childMain(cells: number, runs: number): Promise<void> {
    // Loaded here, not at the top: the parent (bench/run.ts) needs none of it.
    const { FUNCTION_KINDS, estimatePlan } = require("../tools/cost") as typeof import("../tools/cost");
    const { capture } = require("../tools/lib/capture") as typeof import("../tools/lib/capture");
    const { programRunner } = require("../tools/lib/program") as typeof import("../tools/lib/program");
    const { readUsage, readUsageFile } = require("../tools/lib/cost/usage") as typeof import("../tools/lib/cost/usage");
    const { generatedConfig } = require("./plan-child") as typeof import("./plan-child");
    require("@pulumi/aws");
    require("../components/cellular");
    const program = programRunner(ROOT, { reload: "main" });
    const config = generatedConfig(cells);
    const start = process.hrtime.bigint();
    const plan = await capture(program, { project: "cellular", stack: "dev", preview: true, config });
    const programMs = Number(process.hrtime.bigint() - start) / 1e6;
    const none = readUsage({}, FUNCTION_KINDS);
    const dev = readUsageFile(path.join(ROOT, "usage", "dev.json"), FUNCTION_KINDS);
    const time = (usage: typeof none): number => median(Array.from({ length: runs }, () => {
        const t = process.hrtime.bigint();
        const e = estimatePlan(plan, usage);
        if (e.document.cells.length !== cells) throw new Error(`the estimate has ${e.document.cells.length} cells, not ${cells}`);
        return Number(process.hrtime.bigint() - t) / 1e6;
    }));
    const out: ChildResult = { cells, resources: plan.resources.length, programMs, fixedMs: time(none), usageMs: time(dev) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module && process.argv[2] === "child") {
    childMain(Number(process.argv[3]), Number(process.argv[4])).catch(err => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
