/**
 * The deploy check's cost on the 100-cell plan against the plan alone (the program evaluated under mocks), measured
 * in the same fresh process: the program first, then the check as `npm run plan` runs it (once, its code not yet
 * warm), then the check again warm. Medians over several processes.
 *
 *   node --require tsx/cjs bench/deploy-check.ts <cells>   one measured run, printing one JSON line
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { BenchRow, median } from "./lib";

const ROOT = path.resolve(__dirname, "..");

interface Run {
    resources: number;
    programMs: number;
    checkMs: number;
    warmCheckMs: number;
    findings: number;
}

function child(cells: number): Run {
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", __filename, String(cells)], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`bench/deploy-check.ts ${cells} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as Run;
}

const r1 = (n: number) => Number(n.toFixed(1));

export async function run(options: { samples?: number; cells?: number } = {}): Promise<BenchRow[]> {
    const cells = options.cells ?? 100;
    const runs = Array.from({ length: options.samples ?? 3 }, () => child(cells));
    const resources = runs[0]!.resources;
    const program = median(runs.map(r => r.programMs));
    const check = median(runs.map(r => r.checkMs));
    const warm = median(runs.map(r => r.warmCheckMs));
    const label = `${cells} cells (${resources} resources)`;
    return [
        { group: "deploy-check", name: `${label}: deploy check, as the plan runs it`, value: Math.round(check), unit: "ms",
            baseline: { name: "program evaluation (the plan alone)", value: Math.round(program) }, target: "<= 0.15x the program", pass: check <= 0.15 * program },
        { group: "deploy-check", name: `${label}: deploy check, warm`, value: Math.round(warm), unit: "ms",
            baseline: { name: "program evaluation (the plan alone)", value: Math.round(program) } },
        { group: "deploy-check", name: `${label}: deploy check, per resource`, value: r1((check / resources) * 1000), unit: "µs" },
    ];
}

async function main(): Promise<void> {
    const cells = Number(process.argv[2]);
    // Loaded before the clock starts, as bench/plan-child.ts does: the timed part is the evaluation alone.
    require("@pulumi/aws");
    const { generatedConfig } = require("./plan-child") as typeof import("./plan-child");
    const { capture } = require("../tools/lib/capture") as typeof import("../tools/lib/capture");
    const { programRunner } = require("../tools/lib/program") as typeof import("../tools/lib/program");
    const { deployCheck } = require("../tools/lib/deploy-check") as typeof import("../tools/lib/deploy-check");
    const { loadSettings } = require("../components/config") as typeof import("../components/config");
    const config = generatedConfig(cells);
    const quotas = loadSettings(config, { project: "cellular", stack: "dev" }).quotas;
    const program = programRunner(ROOT, { reload: "main" });
    require("../components/cellular");
    let start = performance.now();
    const result = await capture(program, { project: "cellular", stack: "dev", preview: true, config });
    const programMs = performance.now() - start;
    start = performance.now();
    const first = deployCheck(result.resources, { quotas });
    const checkMs = performance.now() - start;
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
        start = performance.now();
        deployCheck(result.resources, { quotas });
        warm.push(performance.now() - start);
    }
    const out: Run = { resources: result.resources.length, programMs, checkMs, warmCheckMs: median(warm), findings: first.findings.length };
    process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
    main().catch(err => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
