import { strict as assert } from "assert";
import * as path from "path";
import { main } from "../../tools/plan";

const ROOT = path.resolve(__dirname, "..", "..");
const CONFIGS = path.join("tests", "fixtures", "policies", "configs");

/** Runs the plan's CLI from the project root and returns its exit code and what it printed. */
async function plan(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
        const code = await main(argv, { out: text => void (stdout += text), err: text => void (stderr += text) });
        return { code, stdout, stderr };
    } finally {
        process.chdir(cwd);
    }
}

describe("npm run plan -- --program <dir>", () => {
    it("fails on examples/non-compliant with the matching messages, grouped as the CLI prints them", async () => {
        const { code, stdout } = await plan("--program", "examples/non-compliant");
        assert.equal(code, 1);
        const report = stdout.slice(stdout.indexOf("Policies:"));
        const lines = report.split("\n");
        assert.deepEqual(lines.slice(0, 2), ["Policies:", "    ❌ cellular-guardrails@v0.1.0 (local: policies)"]);
        assert.deepEqual(lines.filter(l => l.startsWith("        - ")), [
            "        - [mandatory]  lambda-least-privilege  (aws:iam/rolePolicy:RolePolicy: orders-policy)",
            "        - [mandatory]  lambda-least-privilege  (aws:iam/rolePolicy:RolePolicy: orders-policy)",
            "        - [mandatory]  apigateway-lambda-timeout  (aws:lambda/function:Function: orders-function)",
            "        - [mandatory]  lambda-memory-right-sized  (aws:lambda/function:Function: orders-function)",
            "        - [mandatory]  api-routes-authorized  (aws:apigatewayv2/route:Route: orders-route)",
        ]);
        for (const message of [
            "aws.iam.RolePolicy \"orders-policy\" of role orders-api: statement 2 (Sid \"Orders\") allows the wildcard action \"dynamodb:*\"; list the exact actions the function needs instead",
            "aws.iam.RolePolicy \"orders-policy\" of role orders-api: statement 2 (Sid \"Orders\") allows dynamodb:* on \"*\", which is every resource; name the exact resources (only the actions in wildcardResourceActions may use \"*\")",
            "aws.lambda.Function \"orders-function\" (orders-api) has a timeout of 40 s, but API Gateway invokes it (aws.apigatewayv2.Integration \"orders-integration\"); a function behind API Gateway must finish within 28 s, or the client gets a 504 while the function keeps running: set timeout to 28 or less",
            "aws.lambda.Function \"orders-function\" (orders-api) has 4096 MB of memory, more than 1769 MB (one full vCPU; a single-threaded Node.js handler cannot use a second one), and no memory-justification tag saying why; lower memorySize to 1769 or less, or tag it memory-justification with the reason",
        ]) {
            assert.ok(lines.includes(`          ${message}`), `missing: ${message}\n${report}`);
        }
        assert.match(report, /\n {4}5 mandatory violations, 0 advisory violations \(preview\); 11 resources analyzed in \d+ ms/);
    });

    it("passes with all levels advisory from a policy-pack-config file, and reports the diagnostics in --json", async () => {
        const { code, stdout } = await plan("--program", "examples/non-compliant", "--json", "--policy-pack-config", path.join(CONFIGS, "all-advisory.json"));
        assert.equal(code, 0);
        const doc = JSON.parse(stdout) as { policies: Array<{ violations: object; diagnostics: Array<{ policyName: string; enforcementLevel: string }> }> };
        assert.equal(doc.policies.length, 1);
        assert.deepEqual(doc.policies[0]!.violations, { mandatory: 0, advisory: 5 });
        assert.deepEqual(doc.policies[0]!.diagnostics.map(d => `${d.enforcementLevel} ${d.policyName}`), [
            "advisory lambda-least-privilege",
            "advisory lambda-least-privilege",
            "advisory apigateway-lambda-timeout",
            "advisory lambda-memory-right-sized",
            "advisory api-routes-authorized",
        ]);
    });

    it("skips the policies with --no-policies", async () => {
        const { code, stdout } = await plan("--program", "examples/non-compliant", "--no-policies");
        assert.equal(code, 0);
        assert.ok(!stdout.includes("Policies:"));
    });

    it("exits 1 with the problems of an invalid policy-pack-config file, before running anything", async () => {
        const { code, stderr } = await plan("--stack", "dev", "--policy-pack-config", path.join(CONFIGS, "invalid-level.json"));
        assert.equal(code, 1);
        assert.match(stderr, /^error: the policy pack config tests\/fixtures\/policies\/configs\/invalid-level.json is invalid:\n {2}- parsing enforcement level for "lambda-least-privilege"/);
    });

    it("exits 2 on usage errors", async () => {
        assert.equal((await plan("--program")).code, 2);
        assert.equal((await plan("--stack", "dev", "--no-policies", "--policy-pack-config", "x.json")).code, 2);
    });
});
