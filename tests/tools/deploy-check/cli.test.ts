import { strict as assert } from "assert";
import * as path from "path";
import { RULES } from "../../../tools/lib/deploy-check/rules";
import { main } from "../../../tools/plan";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PROGRAM = path.join("tests", "fixtures", "deploy-check-program");

/** Runs `npm run plan -- <argv>` in-process from the project root: its exit code and what it printed. */
async function plan(...argv: string[]): Promise<{ code: number; stdout: string }> {
    const out: string[] = [];
    const { log } = console;
    const write = process.stdout.write;
    const cwd = process.cwd();
    console.log = (...args: unknown[]) => void out.push(args.join(" "));
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.chdir(ROOT);
    try {
        return { code: await main(argv), stdout: out.join("\n") };
    } finally {
        console.log = log;
        process.stdout.write = write;
        process.chdir(cwd);
    }
}

describe("the deploy check in npm run plan (tools/plan.ts)", () => {
    it("prints one line after the summary when nothing would be refused, and exits 0", async () => {
        const { code, stdout } = await plan("--program", "examples/compliant", "--no-policies");
        assert.equal(code, 0);
        assert.ok(stdout.includes(`\nDeploy check:\n    no findings (${RULES.length} rules over 12 resources)`), stdout);
    });

    it("prints each finding and exits 1, as a mandatory policy violation does", async () => {
        const { code, stdout } = await plan("--program", PROGRAM, "--no-policies");
        assert.equal(code, 1);
        const section = stdout.slice(stdout.indexOf("Deploy check:")).split("\n");
        assert.deepEqual(section.slice(0, 3), [
            "Deploy check:",
            `    2 findings (${RULES.length} rules over 4 resources): the provider or AWS would refuse these, or race on them`,
            "        - [sqs-queue-name]  (aws:sqs/queue:Queue: orders-dlq)",
        ]);
        assert.ok(section.includes("        - [sqs-redrive-same-kind]  (aws:sqs/queue:Queue: orders)"), stdout);
    });

    it("puts the rules, the resources and the findings in --json's deployCheck", async () => {
        const { code, stdout } = await plan("--program", PROGRAM, "--no-policies", "--json", "--mode", "update");
        assert.equal(code, 1);
        const doc = JSON.parse(stdout) as { deployCheck: { rules: number; resources: number; findings: Array<{ rule: string; name: string; input: string; value: unknown }> } };
        assert.equal(doc.deployCheck.rules, RULES.length);
        assert.equal(doc.deployCheck.resources, 4);
        assert.deepEqual(doc.deployCheck.findings.map(f => [f.rule, f.name, f.input, f.value]), [
            ["sqs-queue-name", "orders-dlq", "name", "orders-dlq"],
            ["sqs-redrive-same-kind", "orders", "redrivePolicy.deadLetterTargetArn", "aws:sqs/queue:Queue orders-dlq"],
        ]);
    });
});
