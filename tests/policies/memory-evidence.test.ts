import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TAGS, lambda } from "../fixtures/policies/builders";
import { line, policyPack, run } from "../fixtures/policies/harness";
import { edit, runStack, shippedStack, stackConfig } from "../fixtures/stack";
import { parseMemoryEvidence } from "../../policies/lib/memory-evidence";

const MEMORY = "lambda-memory-right-sized";
const AGE = "lambda-memory-evidence-current";
const COMMIT = "c9734b1f00d5e1b0a8e2a1d6f3c4b5a697887766";

/** An API-like function measured on arm64: 512 MB is cheapest, 1769 MB fastest, 512 MB the balanced pick (weight 0.5). */
const API_STATS = [
    { value: 128, averagePrice: 3.04e-7, averageDuration: 182.4 },
    { value: 256, averagePrice: 2.87e-7, averageDuration: 86.1 },
    { value: 512, averagePrice: 2.687e-7, averageDuration: 40.3 },
    { value: 1024, averagePrice: 5.053e-7, averageDuration: 37.9 },
    { value: 1769, averagePrice: 8.568e-7, averageDuration: 37.2 },
];
const apiOutput = (stats = true) => ({
    power: 512, cost: 2.687e-7, duration: 40.3,
    stateMachine: { executionCost: 0.00045, lambdaCost: 0.0021, visualization: "https://lambda-power-tuning.show/#x" },
    ...(stats ? { stats: API_STATS } : {}),
});

function daysAgo(days: number): string {
    return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

let dirs: string[] = [];
/** A directory holding `dev.json` (the harness's stack is dev) with `content`. */
function evidenceDir(content: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "memory-evidence-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "dev.json"), typeof content === "string" ? content : JSON.stringify(content));
    return dir;
}

function evidence(functions: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { version: 1, stack: "dev", measuredAt: daysAgo(10), commit: COMMIT, functions, ...extra };
}

const measured = (mb: number) => lambda(`api-${mb}`, { args: { memorySize: mb } });

/** The memory policy's and the age policy's lines for a program of functions, with evidence in `dir`. */
async function verdict(program: () => void, dir: string, memoryConfig: Record<string, unknown> = {}, ageConfig: Record<string, unknown> = {}) {
    const outcome = await run(program, { config: { [MEMORY]: { evidenceDir: dir, ...memoryConfig }, [AGE]: { evidenceDir: dir, ...ageConfig } } });
    return { memory: outcome.of(MEMORY), age: outcome.of(AGE) };
}

describe("lambda-memory-right-sized with Power Tuning evidence (memory-evidence/<stack>.json)", () => {
    after(() => {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        dirs = [];
    });

    it("accepts memory that agrees with the measured optimum, and memory within the tolerance of it", async () => {
        const dir = evidenceDir(evidence({ "api-*": { input: { strategy: "cost" }, output: apiOutput() } }));
        const { memory, age } = await verdict(() => { measured(512); measured(576); }, dir);
        assert.deepEqual([memory, age], [[], []]);
    });

    it("rejects memory beyond the tolerance, naming the file, entry, date, commit, strategy and distance", async () => {
        const dir = evidenceDir(evidence({ "api-*": { input: { strategy: "cost" }, output: apiOutput() } }));
        const { memory } = await verdict(() => { measured(1024); measured(256); measured(576); }, dir, { tolerancePercent: 10 });
        const file = `${path.basename(dir)}/dev.json`;
        const line = (mb: number, away: number) => `mandatory ${MEMORY} api-${mb}-function: aws.lambda.Function "api-${mb}-function" (api-${mb}) has ${mb} MB ` +
            `of memory; its Power Tuning evidence (${file} "api-*", measured ${daysAgo(10)} at commit c9734b1f00d5) finds 512 MB the optimum for the cost ` +
            `strategy, ${away}% away, more than tolerancePercent (10%); set memorySize to 512, or measure again and commit the new evidence`;
        assert.deepEqual(memory, [line(1024, 100), line(256, 50), line(576, 12.5)]);
    });

    it("recomputes the optimum from the stats for the configured strategy (speed, balanced), as Power Tuning would", async () => {
        const dir = evidenceDir(evidence({ "api-*": { input: { strategy: "cost" }, output: apiOutput() } }));
        const speed = await verdict(() => { measured(512); measured(1769); }, dir, { strategy: "speed" });
        assert.deepEqual(speed.memory.map(l => l.split(" has ")[0]), [`mandatory ${MEMORY} api-512-function: aws.lambda.Function "api-512-function" (api-512)`]);
        assert.ok(speed.memory[0]!.includes("finds 1769 MB the optimum for the speed strategy, 71.1% away"), speed.memory[0]);
        const balanced = await verdict(() => { measured(512); }, dir, { strategy: "balanced", balancedWeight: 0.5 });
        assert.deepEqual(balanced.memory, []);
    });

    it("lets evidence replace the one-vCPU rule: 1769+ MB measured as the optimum needs no justification tag", async () => {
        const dir = evidenceDir(evidence({ "api-*": { input: { strategy: "speed" }, output: { ...apiOutput(), power: 1769, cost: 8.568e-7, duration: 37.2 } } }));
        const { memory } = await verdict(() => { lambda("api-big", { args: { memorySize: 2048, tags: TAGS } }); }, dir, { strategy: "speed" });
        // 2048 is 15.8% above 1769: within the default 20%.
        assert.deepEqual(memory, []);
    });

    it("without stats, judges only by the strategy the run was tuned for, and says so for another", async () => {
        const dir = evidenceDir(evidence({ "api-*": { output: apiOutput(false) } }));
        const cost = await verdict(() => { measured(512); }, dir);
        assert.deepEqual(cost.memory, []);
        const speed = await verdict(() => { measured(512); }, dir, { strategy: "speed" });
        assert.deepEqual(speed.memory, [`mandatory ${MEMORY} api-512-function: aws.lambda.Function "api-512-function" (api-512) cannot be judged by its ` +
            `Power Tuning evidence (${path.basename(dir)}/dev.json "api-*", measured ${daysAgo(10)} at commit c9734b1f00d5): it was tuned for the cost ` +
            "strategy and has no stats to judge the speed strategy by; run Power Tuning with includeOutputResults: true, or with that strategy"]);
    });

    it("keeps today's rule for a function without evidence; an exact name wins over a pattern; two patterns are ambiguous", async () => {
        const dir = evidenceDir(evidence({
            "api-*": { output: apiOutput() },
            "api-4096": { input: { strategy: "speed" }, output: { ...apiOutput(), power: 1769, cost: 8.568e-7, duration: 37.2 } },
            "*-twice": { output: apiOutput() },
            "api-*-twice": { output: apiOutput() },
        }));
        const { memory } = await verdict(() => {
            lambda("worker", { args: { memorySize: 4096 } });
            measured(4096);
            lambda("api-x-twice", { args: { memorySize: 512 } });
        }, dir, { strategy: "speed" });
        assert.equal(memory.length, 3);
        assert.match(memory[0]!, /api-4096-function.*has 4096 MB of memory; .*"api-4096".* finds 1769 MB the optimum for the speed strategy, 131\.5% away/);
        assert.equal(memory[1], `mandatory ${MEMORY} api-x-twice-function: aws.lambda.Function "api-x-twice-function" (api-x-twice) matches "api-*", "*-twice" and "api-*-twice" in ` +
            `${path.basename(dir)}/dev.json, so its evidence is ambiguous; give it an entry of its own name, or narrow the patterns`);
        assert.match(memory[2]!, /worker-function.*has 4096 MB of memory, more than 1769 MB \(one full vCPU/);
    });

    it("reports an invalid file with every problem, and judges every function by the one-vCPU rule meanwhile", async () => {
        const dir = evidenceDir(evidence({
            "api-*": { output: { power: 1024, cost: 1e-7, duration: 40, stats: API_STATS } },
            "bad name!": { output: { power: 64, cost: -1, duration: "slow", stats: [{ value: 512, averagePrice: 1, averageDuration: 1 }, { value: 512, averagePrice: 1, averageDuration: 2 }] } },
        }, { stack: "prod", commit: "HEAD" }));
        const { memory } = await verdict(() => { lambda("api-big", { args: { memorySize: 4096 } }); }, dir);
        const file = `${path.basename(dir)}/dev.json`;
        assert.deepEqual(memory, [
            `mandatory ${MEMORY} api-big-function: aws.lambda.Function "api-big-function" (api-big) has 4096 MB of memory, more than 1769 MB (one full vCPU; a ` +
            "single-threaded Node.js handler cannot use a second one), and no memory-justification tag saying why; lower memorySize to 1769 or less, or tag it " +
            "memory-justification with the reason",
            `mandatory ${MEMORY} policy-test-dev: ${file} is not valid memory evidence, so no function is judged by it:\n` +
            "  - stack is \"prod\"; expected \"dev\", the stack the file is named after\n" +
            "  - commit is \"HEAD\"; expected a git commit id (7 to 40 lowercase hex digits)\n" +
            "  - functions[\"api-*\"].commit is missing and the file has no valid commit; expected a git commit id (7 to 40 lowercase hex digits)\n" +
            "  - functions[\"bad name!\"]: the key must be a function name or a pattern with * (letters, digits, -, _, *; up to 64 characters)\n" +
            "  - functions[\"bad name!\"].commit is missing and the file has no valid commit; expected a git commit id (7 to 40 lowercase hex digits)\n" +
            "  - functions[\"bad name!\"].output.power is 64; expected a memory size in MB, an integer from 128 to 10240\n" +
            "  - functions[\"bad name!\"].output.cost is -1; expected the average cost of one invocation in USD (a number, 0 or more)\n" +
            "  - functions[\"bad name!\"].output.duration is \"slow\"; expected the average duration in ms (a number, 0 or more)\n" +
            "  - functions[\"bad name!\"].output.stats[1].value is 512, measured twice in one run; expected each power value once\n" +
            "fix the file (npm run memory-evidence writes valid ones)",
        ]);
    });

    it("refuses an output whose power does not follow from its own stats (edited by hand, or two runs mixed)", () => {
        const out = parseMemoryEvidence(evidence({ "api-*": { input: { strategy: "cost" }, output: { ...apiOutput(), power: 1024 } } }), "dev.json", "dev");
        assert.deepEqual(out, { problems: ["functions[\"api-*\"].output.power is 1024, but its stats make 512 MB the optimum for the cost strategy the input " +
            "names; the output was edited or mixes two runs: measure again"] });
    });

    it("reads Power Tuning's numbers as it writes them (its README's \"power\": \"128\"), and a file that is not JSON as a problem", async () => {
        const parsed = parseMemoryEvidence(evidence({ f: { output: { power: "512", cost: "2.687e-7", duration: 40.3 } } }), "dev.json", "dev");
        assert.ok("evidence" in parsed);
        assert.deepEqual(parsed.evidence.functions[0]!.output, { power: 512, cost: 2.687e-7, duration: 40.3 });
        const dir = evidenceDir("{ not json");
        const { memory } = await verdict(() => { measured(512); }, dir);
        assert.equal(memory.length, 1);
        assert.match(memory[0]!, /dev\.json is not valid memory evidence, so no function is judged by it:\n {2}- is not JSON: /);
    });
});

describe("lambda-memory-evidence-current (advisory)", () => {
    after(() => {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        dirs = [];
    });

    it("reports evidence older than maxEvidenceAgeDays, dated in the future, or naming no function; fresh evidence passes", async () => {
        const dir = evidenceDir(evidence({
            "api-*": { output: apiOutput() },
            "api-old": { measuredAt: daysAgo(200), output: apiOutput() },
            "api-ahead": { measuredAt: daysAgo(-3), output: apiOutput() },
            "renamed-fn": { output: apiOutput() },
        }));
        const { age } = await verdict(() => { measured(512); lambda("api-old", { args: { memorySize: 512 } }); lambda("api-ahead", { args: { memorySize: 512 } }); }, dir);
        const file = `${path.basename(dir)}/dev.json`;
        assert.deepEqual(age, [
            `advisory ${AGE} policy-test-dev: ${file} "api-ahead" (measured ${daysAgo(-3)} at commit c9734b1f00d5) is dated in the future; correct measuredAt`,
            `advisory ${AGE} policy-test-dev: ${file} "api-old" (measured ${daysAgo(200)} at commit c9734b1f00d5) is 200 days old, more than maxEvidenceAgeDays (90); ` +
            "the code and its dependencies have changed since: run Power Tuning again and commit the new evidence",
            `advisory ${AGE} policy-test-dev: ${file} "renamed-fn" (measured ${daysAgo(10)} at commit c9734b1f00d5) names no function of this stack (renamed?), so it ` +
            "judges nothing; correct the name or remove the entry",
        ]);
        const relaxed = await verdict(() => { measured(512); lambda("api-old", { args: { memorySize: 512 } }); lambda("api-ahead", { args: { memorySize: 512 } }); }, dir, {}, { maxEvidenceAgeDays: 365 });
        assert.equal(relaxed.age.filter(l => l.includes("days old")).length, 0);
    });

    it("is silent without an evidence file", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "memory-evidence-"));
        dirs.push(dir);
        const { memory, age } = await verdict(() => { measured(512); }, dir);
        assert.deepEqual([memory, age], [[], []]);
    });
});

describe("the shipped evidence (memory-evidence/prod.json) judges the shipped prod stack", () => {
    it("agrees with the shipped memory, and refuses every cell's API at 1024 MB (100% above the measured 512 MB)", async () => {
        const pack = await policyPack();
        const shipped = await pack.analyze((await shippedStack("prod")).capture, pack.reconcile({}));
        assert.deepEqual(shipped.diagnostics.map(line).filter(l => l.includes(MEMORY) || l.includes(AGE)), []);
        const doubled = await runStack("prod", { config: edit(stackConfig("prod"), "defaults", d => { d.memoryMb = 1024; }) });
        const lines = (await pack.analyze(doubled.capture, pack.reconcile({}))).diagnostics.map(line).filter(l => l.includes(MEMORY)).sort();
        const cells = Array.from({ length: 12 }, (_, i) => `cell-${String(i + 1).padStart(2, "0")}`);
        assert.deepEqual(lines, cells.map(cell => `mandatory ${MEMORY} ${cell}-api-function: aws.lambda.Function "${cell}-api-function" ` +
            `(cellular-prod-${cell}-api) has 1024 MB of memory; its Power Tuning evidence (memory-evidence/prod.json "cellular-prod-cell-*-api", measured ` +
            "2026-12-01 at commit c9734b131aaa) finds 512 MB the optimum for the cost strategy, 100% away, more than tolerancePercent (20%); set memorySize to 512, " +
            "or measure again and commit the new evidence"));
    });
});
