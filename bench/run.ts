/**
 * `npm run bench [-- --quick] [-- --write] [-- --only <group>[,<group>]]`: every benchmark, one table.
 *
 * Groups: routing, bundles, tracer (each bundle's load with Powertools Tracer against the same bundle without it),
 * writes (the queue worker's write throughput against the write path before the item model), moves (moving a
 * customer of 10/100/1,000 items between cells and its write unavailability, against a plain copy of the same rows),
 * plan (scaling with policies, peak memory, program overhead against bare registration,
 * the capture's levers against the naive mock runtime), deploy-check (its cost on the 100-cell plan against the plan
 * alone), shared-fate (hung cells against the healthy ones through the router, without and with its bulkheads), cost
 * (the estimator on the 100-cell plan, against the plan), pack-start (the policy pack's start-up compiled, against its
 * TypeScript sources), tests (npm test and the type check). Each figure comes
 * with a baseline measured in the same run; times are medians of several runs. `--write` records the run in
 * BENCHMARKS.md with the machine and the date.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BenchRow, median } from "./lib";

const ROOT = path.resolve(__dirname, "..");

interface Options {
    quick: boolean;
    write: boolean;
    only?: Set<string>;
}

function parseArgs(argv: string[]): Options {
    const options: Options = { quick: false, write: false };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--quick") options.quick = true;
        else if (argv[i] === "--write") options.write = true;
        else if (argv[i] === "--only") options.only = new Set((argv[++i] ?? "").split(","));
        else throw new Error(`unknown argument ${argv[i]}; expected --quick, --write or --only <groups>`);
    }
    return options;
}

interface ChildResult {
    kind: string;
    ms: number;
    resources: number;
    maxRssMb: number;
    packStartMs?: number;
    policyMs?: number;
    policyPerResourceMs?: number;
    totalMs?: number;
}

/** One run of bench/plan-child.ts in a fresh process. */
function child(kind: string, arg: string, env: Record<string, string> = {}): ChildResult {
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "plan-child.ts"), kind, arg], {
        cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`plan-child ${kind} ${arg} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as ChildResult;
}

function medianOf(runs: ChildResult[], key: keyof ChildResult): number {
    return median(runs.map(r => r[key] as number));
}

const r1 = (n: number) => Number(n.toFixed(1));
const r2 = (n: number) => Number(n.toFixed(2));

async function planRows(options: Options): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const sizes = options.quick ? [3, 12, 100] : [3, 12, 100, 500];
    const perResource = new Map<number, number>();
    const policyPerResource = new Map<number, number>();
    for (const cells of sizes) {
        const runs = Array.from({ length: cells >= 500 || options.quick ? 1 : 3 }, () => child("plan", String(cells)));
        const resources = runs[0]!.resources;
        const ms = medianOf(runs, "ms");
        const total = medianOf(runs, "totalMs");
        const rss = medianOf(runs, "maxRssMb");
        perResource.set(cells, ms / resources);
        policyPerResource.set(cells, medianOf(runs, "policyPerResourceMs"));
        const label = `${cells} cells (${resources} resources)`;
        rows.push({ group: "plan", name: `${label}: program evaluation`, value: r1(ms / 1000), unit: "s" });
        rows.push({ group: "plan", name: `${label}: program, per resource`, value: r2(ms / resources), unit: "ms" });
        rows.push({
            group: "plan", name: `${label}: policy evaluation, per resource`, value: r2(policyPerResource.get(cells)!), unit: "ms",
            baseline: { name: "program evaluation per resource", value: r2(ms / resources) },
        });
        rows.push({
            group: "plan", name: `${label}: plan with policies, wall time`, value: r1(total / 1000), unit: "s",
            ...(cells === 100 ? { target: "< 30 s", pass: total < 30000 } : {}),
            ...(cells === 500 ? { target: "completes with Node's default heap limit", pass: true } : {}),
        });
        rows.push({
            group: "plan", name: `${label}: peak memory (our process)`, value: Math.round(rss), unit: "MB",
            ...(cells === 100 ? { target: "< 1.5 GB", pass: rss < 1536 } : {}),
        });
    }
    const largest = sizes[sizes.length - 1]!;
    rows.push({
        group: "plan", name: `program per resource, ${largest} vs 12 cells`, value: r2(perResource.get(largest)!), unit: "ms",
        baseline: { name: "12 cells", value: r2(perResource.get(12)!) }, target: "<= 1.2x (linear growth)",
        pass: perResource.get(largest)! <= 1.2 * perResource.get(12)!,
    });
    rows.push({
        group: "plan", name: `policies per resource, ${largest} vs 12 cells`, value: r2(policyPerResource.get(largest)!), unit: "ms",
        baseline: { name: "12 cells", value: r2(policyPerResource.get(12)!) }, target: "<= 1.2x (linear growth)",
        pass: policyPerResource.get(largest)! <= 1.2 * policyPerResource.get(12)!,
    });

    // The program's own cost: the same resources registered bare, in the same run.
    for (const cells of [12, 100]) {
        const file = path.join(os.tmpdir(), `cellular-bench-capture-${cells}.json`);
        const runs = options.quick ? 1 : 3;
        const program: number[] = [];
        const baseline: number[] = [];
        for (let i = 0; i < runs; i++) {
            program.push(child("program", String(cells), { BENCH_CAPTURE_OUT: file }).ms);
            baseline.push(child("baseline", file).ms);
        }
        fs.rmSync(file, { force: true });
        const ours = median(program);
        const bare = median(baseline);
        rows.push({
            group: "plan", name: `program overhead, ${cells} cells`, value: Math.round(ours), unit: "ms",
            baseline: { name: "same resources registered bare", value: Math.round(bare) }, target: "<= 1.3x", pass: ours <= 1.3 * bare,
        });
    }

    // The capture's levers: the same program with them off (Pulumi's promise debugging, stack traces, source maps).
    const naiveCells = 100;
    const lean = child("program", String(naiveCells));
    const naive = child("naive", String(naiveCells));
    rows.push({
        group: "plan", name: `${naiveCells} cells, capture levers on: time`, value: Math.round(lean.ms), unit: "ms",
        baseline: { name: "levers off (mock runtime as shipped)", value: Math.round(naive.ms) }, target: "about half", pass: lean.ms <= 0.6 * naive.ms,
    });
    rows.push({
        group: "plan", name: `${naiveCells} cells, capture levers on: peak memory`, value: Math.round(lean.maxRssMb), unit: "MB",
        baseline: { name: "levers off", value: Math.round(naive.maxRssMb) },
    });
    return rows;
}

function timeCommand(command: string, args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${(result.stdout + result.stderr).slice(-2000)}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
}

async function testRows(): Promise<BenchRow[]> {
    const dir = path.join(ROOT, ".cellular", "bench");
    fs.mkdirSync(dir, { recursive: true });
    // The naive way: import @pulumi/aws at the top and let tsc check every declaration file.
    const naive = path.join(dir, "naive.ts");
    fs.writeFileSync(naive, "import * as aws from \"@pulumi/aws\";\nexport const bucket = new aws.s3.Bucket(\"b\");\n");
    const empty = path.join(dir, "empty.test.ts");
    fs.writeFileSync(empty, "describe(\"nothing\", () => { it(\"runs\", () => undefined); });\n");
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const typecheck = timeCommand(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"]);
    const naiveCheck = timeCommand(process.execPath, [tsc, "--noEmit", "--strict", "--target", "ES2022", "--module", "commonjs", "--types", "node", naive]);
    const mochaBin = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
    const mochaStart = timeCommand(process.execPath, [mochaBin, empty]);
    const npmTest = timeCommand("npm", ["test", "--silent"]);
    return [
        { group: "tests", name: "type check of the program (tsc, skipLibCheck)", value: r1(typecheck / 1000), unit: "s",
            baseline: { name: "a one-line program importing @pulumi/aws, full check", value: r1(naiveCheck / 1000) } },
        { group: "tests", name: "npm test (type checks + every test)", value: r1(npmTest / 1000), unit: "s",
            baseline: { name: "mocha + tsx running one empty test", value: r1(mochaStart / 1000) }, target: "well under a few minutes", pass: npmTest < 180000 },
    ];
}

function format(rows: BenchRow[]): string {
    const header = ["group", "measurement", "value", "baseline (same run)", "ratio", "target", "met"];
    const lines = rows.map(r => {
        const ratio = r.ratio ?? (r.baseline && r.baseline.value !== 0 ? r.value / r.baseline.value : undefined);
        return [
            r.group, r.name, `${r.value} ${r.unit}`,
            r.baseline ? `${r.baseline.value} ${r.unit} (${r.baseline.name})` : "",
            ratio === undefined ? "" : `${ratio.toFixed(2)}x`,
            r.target ?? "",
            r.pass === undefined ? "" : r.pass ? "yes" : "NO",
        ];
    });
    return [
        `| ${header.join(" | ")} |`,
        `|${header.map(() => "---").join("|")}|`,
        ...lines.map(l => `| ${l.map(c => c.replace(/\|/g, "\\|")).join(" | ")} |`),
    ].join("\n");
}

function machine(): string {
    const cpus = os.cpus();
    return `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

async function main(): Promise<void> {
    const options = parseArgs(process.argv.slice(2));
    const wanted = (g: string) => !options.only || options.only.has(g);
    const rows: BenchRow[] = [];
    const started = new Date();
    // Loaded on demand: the bundle benchmark loads Pulumi, the routing one does not need to.
    if (wanted("routing")) rows.push(...await (require("./routing") as typeof import("./routing")).run(options.quick ? { keys: 200_000, runs: 3 } : {}));
    if (wanted("bundles")) rows.push(...await (require("./bundles") as typeof import("./bundles")).run(options.quick ? { samples: 3 } : {}));
    if (wanted("tracer")) rows.push(...await (require("./tracer") as typeof import("./tracer")).run(options.quick ? { samples: 3 } : {}));
    if (wanted("writes")) rows.push(...await (require("./queue-writes") as typeof import("./queue-writes")).run(options.quick ? { messages: 300, runs: 3 } : {}));
    if (wanted("moves")) rows.push(...await (require("./moves") as typeof import("./moves")).run(options.quick ? { sizes: [10, 100, 1000], runs: 1 } : {}));
    if (wanted("plan")) rows.push(...await planRows(options));
    if (wanted("deploy-check")) rows.push(...await (require("./deploy-check") as typeof import("./deploy-check")).run(options.quick ? { samples: 1 } : {}));
    if (wanted("shared-fate")) rows.push(...await (require("./shared-fate") as typeof import("./shared-fate")).run(options.quick ? { durationMs: 20_000 } : {}));
    if (wanted("cost")) rows.push(...await (require("./cost") as typeof import("./cost")).run(options));
    if (wanted("pack-start")) rows.push(...await (require("./pack-start") as typeof import("./pack-start")).run(options.quick ? { samples: 3 } : {}));
    if (wanted("tests")) rows.push(...await testRows());
    const table = format(rows);
    console.log(table);
    const failed = rows.filter(r => r.pass === false);
    console.log(`\n${rows.length} figures; ${rows.filter(r => r.pass !== undefined).length} with a target, ${failed.length} not met${failed.length ? `: ${failed.map(r => r.name).join("; ")}` : ""}`);
    if (options.write) {
        const git = (() => { try { return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim(); } catch { return "unknown"; } })();
        const doc = [
            "# Benchmarks",
            "",
            `Recorded by \`npm run bench -- --write${options.quick ? " --quick" : ""}\` on ${started.toISOString().slice(0, 10)} at commit ${git}.`,
            `Machine: ${machine()}; load average at the start ${os.loadavg().map(l => l.toFixed(2)).join(", ")}.`,
            "",
            "Every figure has its baseline measured in the same run (absolute times drift on a shared machine; the",
            "ratios are what to compare). Times are medians of several runs, except the 500-cell plan (one run).",
            "",
            table,
            "",
            fs.existsSync(path.join(__dirname, "NOTES.md")) ? fs.readFileSync(path.join(__dirname, "NOTES.md"), "utf8") : "",
        ].join("\n");
        fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), doc);
        console.log("wrote BENCHMARKS.md");
    }
}

main().catch(err => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
