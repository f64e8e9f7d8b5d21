import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EvidenceInputError, parseArgs, recordEvidence } from "../../tools/memory-evidence";
import { readMemoryEvidence } from "../../policies/lib/memory-evidence";

const COMMIT = "c9734b131aaaaf5a54274582effb47b71b14a89c";
const OUTPUT = {
    power: 512, cost: 2.687e-7, duration: 40.3,
    stateMachine: { executionCost: 0.00045, lambdaCost: 0.0021, visualization: "https://lambda-power-tuning.show/#x" },
    stats: [{ value: 256, averagePrice: 2.87e-7, averageDuration: 86.1 }, { value: 512, averagePrice: 2.687e-7, averageDuration: 40.3 }],
};
const INPUT = { lambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:cellular-prod-cell-01-api", powerValues: [256, 512], num: 50, strategy: "cost", includeOutputResults: true };

describe("npm run memory-evidence (tools/memory-evidence.ts)", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "memory-evidence-tool-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, value: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(value));
        return file;
    };
    const options = (output: string, extra: string[] = []) =>
        parseArgs(["--stack", "prod", "--function", "cellular-prod-cell-*-api", "--dir", path.join(dir, "evidence"), "--commit", COMMIT, ...extra, output]);

    it("takes aws stepfunctions describe-execution as it prints: its input, its output and its stopDate", () => {
        const file = write("execution.json", {
            executionArn: "arn:aws:states:us-east-1:123456789012:execution:powerTuningStateMachine:run-1",
            status: "SUCCEEDED", startDate: "2026-11-30T22:58:00.000Z", stopDate: "2026-11-30T23:04:12.512Z",
            input: JSON.stringify(INPUT), output: JSON.stringify(OUTPUT),
        });
        const { content } = recordEvidence(options(file));
        assert.deepEqual(content, {
            version: 1, stack: "prod", measuredAt: "2026-11-30", commit: COMMIT,
            functions: { "cellular-prod-cell-*-api": { measuredAt: "2026-11-30", commit: COMMIT, input: INPUT, output: OUTPUT } },
        });
    });

    it("takes the console's output and scripts/execute.sh's { results }, and writes a file the policies read", () => {
        for (const form of [OUTPUT, { results: OUTPUT }]) {
            const { file, content } = recordEvidence(options(write("out.json", form), ["--measured-at", "2026-12-01"]), new Date("2026-12-02T00:00:00Z"));
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, JSON.stringify(content));
            const read = readMemoryEvidence(path.dirname(file), "prod");
            assert.ok(read.found && "evidence" in read, JSON.stringify(read));
            assert.deepEqual(read.evidence.functions.map(f => [f.key, f.measuredAt, f.output.power]), [["cellular-prod-cell-*-api", "2026-12-01", 512]]);
            fs.rmSync(file);
        }
    });

    it("refuses a failed execution and an output that would make the file invalid, naming the problem", () => {
        const failed = write("failed.json", { executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:run-2", status: "FAILED" });
        assert.throws(() => recordEvidence(options(failed)), new EvidenceInputError(`${failed}: the execution's status is "FAILED"; only a SUCCEEDED execution measured anything`));
        const edited = write("edited.json", { ...OUTPUT, power: 256 });
        assert.throws(() => recordEvidence(options(edited, ["--input", write("input.json", INPUT)])), (err: Error) => err instanceof EvidenceInputError &&
            err.message.endsWith("  - functions[\"cellular-prod-cell-*-api\"].output.power is 256, but its stats make 512 MB the optimum for the cost strategy the input names; " +
                "the output was edited or mixes two runs: measure again"));
    });

    it("keeps the other entries of an existing file and replaces the one of the same key", () => {
        const evidenceDir = path.join(dir, "evidence");
        fs.mkdirSync(evidenceDir);
        fs.writeFileSync(path.join(evidenceDir, "prod.json"), JSON.stringify({ version: 1, stack: "prod", measuredAt: "2026-10-01", commit: COMMIT, functions: {
            "cellular-prod-cell-*-api": { output: { power: 1024, cost: 1, duration: 1 } },
            "cellular-prod-router": { output: { power: 256, cost: 1, duration: 1 } },
        } }));
        const { content } = recordEvidence(options(write("out.json", OUTPUT), ["--measured-at", "2026-12-01"]));
        const functions = content.functions as Record<string, { output: { power: number } }>;
        assert.deepEqual(Object.entries(functions).map(([k, v]) => [k, v.output.power]), [["cellular-prod-cell-*-api", 512], ["cellular-prod-router", 256]]);
    });
});
