import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policies/policies";
import { programRunner } from "../../tools/lib/program";
import { readStackConfig } from "../../tools/lib/stack-config";
import { allow, lambda } from "../fixtures/policies/builders";
import { CONFIG_DIR, policyPack, run } from "../fixtures/policies/harness";

const NON_COMPLIANT = path.resolve(__dirname, "..", "..", "examples", "non-compliant");

function nonCompliant() {
    return { program: programRunner(NON_COMPLIANT), stackConfig: readStackConfig(NON_COMPLIANT, "dev").config };
}

describe("policy pack config (--policy-pack-config)", () => {
    it("turns every mandatory violation into an advisory with \"all\": \"advisory\"", async () => {
        const { program, stackConfig } = nonCompliant();
        const defaults = await run(program, { stackConfig });
        const advisory = await run(nonCompliant().program, { stackConfig, configFile: "all-advisory.json" });
        assert.equal(defaults.mandatory().length, 5);
        assert.deepEqual(advisory.mandatory(), []);
        assert.deepEqual(advisory.lines(), defaults.lines().map(l => l.replace(/^mandatory /, "advisory ")).sort());
    });

    it("reports violations of \"remediate\" policies as mandatory (the pack remediates nothing)", async () => {
        const { program, stackConfig } = nonCompliant();
        const defaults = await run(program, { stackConfig });
        const remediate = await run(nonCompliant().program, { stackConfig, config: { all: "remediate" } });
        assert.deepEqual(remediate.lines(), defaults.lines());
    });

    it("sets one policy's level: disabled, advisory, or mandatory", async () => {
        const outcome = await run(() => {
            lambda("w", { statements: [allow("All", "s3:*", "*")], args: { memorySize: 4096, tracingConfig: undefined } });
        }, { configFile: "levels.json" });
        assert.deepEqual(outcome.diagnostics.map(d => `${d.enforcementLevel} ${d.policyName}`).sort(), [
            "advisory lambda-memory-right-sized",
            "mandatory lambda-tracing-active",
        ]);
    });

    it("rejects a config that does not fit the pack's schemas, with every problem at once", async () => {
        const pack = await policyPack();
        const text = fs.readFileSync(path.join(CONFIG_DIR, "invalid.json"), "utf8");
        assert.throws(() => pack.reconcile(text, "invalid.json"), {
            name: "PolicyConfigError",
            message: [
                "the policy pack config invalid.json is invalid:",
                "  - cell-cost-tags: tagz is not a property of this policy (it has: cellTag, requireCellTag, requiredTags, sharedCellValue)",
                `  - "lambda-timeouts" is not a policy of cellular-guardrails; its policies are: ${policies.map(p => p.name).sort().join(", ")}`,
                "  - \"all\" takes only an enforcement level",
                "  - apigateway-lambda-timeout: maxTimeoutSeconds: Invalid type. Expected: integer, given: string",
                "  - sqs-visibility-timeout: multiplier: Must be greater than or equal to 1",
                "  - cell-cost-tags: requiredTags: array items[0,1] must be unique",
                "  - cell-cost-tags: requiredTags.2: Invalid type. Expected: string, given: integer",
            ].join("\n"),
        });
    });

    it("rejects invalid enforcement levels and values as the CLI does", async () => {
        const pack = await policyPack();
        const text = fs.readFileSync(path.join(CONFIG_DIR, "invalid-level.json"), "utf8");
        assert.throws(() => pack.reconcile(text, "invalid-level.json"), {
            message: [
                "the policy pack config invalid-level.json is invalid:",
                "  - parsing enforcement level for \"lambda-least-privilege\": \"strict\" is not a valid enforcement level; use one of advisory, mandatory, remediate, disabled",
                "  - parsing enforcement level for \"async-lambda-dlq\": 1 is not a valid enforcement level; use one of advisory, mandatory, remediate, disabled",
                "  - parsing \"cell-cost-tags\": 5 is not a valid value; must be a string or object",
            ].join("\n"),
        });
        assert.throws(() => pack.reconcile("{ \"all\": ", "broken.json"), /^PolicyConfigError: the policy pack config broken.json is invalid:\n {2}- it is not valid JSON: /);
    });
});
