import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PACK_NAME } from "../../policies/lib/facts";
import { readPolicyTable, renderPolicyTable } from "../../policies/lib/readme-table";
import { RULE_FILES, policies } from "../../policies/policies";
import { policyPack } from "../fixtures/policies/harness";

const PACK_DIR = path.resolve(__dirname, "..", "..", "policies");
const README = path.join(PACK_DIR, "README.md");

/** The rule files: every `policies/<area>.ts` but the pack's entry point and its registry. */
const AREAS = fs.readdirSync(PACK_DIR).filter(f => f.endsWith(".ts") && f !== "index.ts" && f !== "policies.ts").map(f => f.slice(0, -3)).sort();

/** What a TypeScript file imports or requires. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:\bfrom\s+|\brequire\()\s*"([^"]+)"/g)].map(m => m[1]!);
}

/**
 * The policy names users' --policy-pack-config files refer to, in the pack's order (the order the CLI reports
 * violations in), pinned here and only here. A new policy needs no entry; a name leaves only when it is retired on purpose.
 */
const CONTRACT = [
    "lambda-least-privilege",
    "apigateway-lambda-timeout",
    "async-lambda-dlq",
    "event-source-failure-handling",
    "sqs-visibility-timeout",
    "lambda-memory-right-sized",
    "cell-cost-tags",
    "lambda-permission-source-arn",
    "no-secrets-in-environment",
    "reserved-concurrency-budget",
    "lambda-tracing-active",
    "lambda-log-retention",
];

/** The defaults a policy's config schema declares. */
function defaultsOf(policy: (typeof policies)[number]): Record<string, unknown> {
    const properties = Object.entries(policy.configSchema?.properties ?? {}) as Array<[string, { default?: unknown }]>;
    return Object.fromEntries(properties.filter(([, schema]) => schema.default !== undefined).map(([key, schema]) => [key, schema.default]));
}

describe("the pack's policies (policies/policies.ts)", () => {
    it("keep every name of the contract, in the contract's order", () => {
        const names = policies.map(p => p.name);
        assert.deepEqual(names.filter(name => CONTRACT.includes(name)), CONTRACT,
            "a policy of the contract was renamed, dropped or moved: users' policy-pack-config files name it");
    });

    it("have no two of one name", () => {
        const names = policies.map(p => p.name);
        assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), []);
    });

    it("are what the pack serves the CLI: the same names, levels and config defaults", async () => {
        const pack = await policyPack();
        assert.equal(pack.name, PACK_NAME);
        assert.deepEqual(pack.policies.map(p => p.name), policies.map(p => p.name));
        assert.deepEqual(pack.reconcile({}), Object.fromEntries(policies.map(p => [p.name, {
            enforcementLevel: p.enforcementLevel,
            properties: defaultsOf(p),
        }])));
    });

    it("are listed, with their levels and config defaults, in the table of policies/README.md", () => {
        const table = readPolicyTable(fs.readFileSync(README, "utf8"));
        assert.equal(table, renderPolicyTable(policies),
            "the policy table of policies/README.md differs from the pack's policies: run `npm run docs:policies` and review the diff");
    });
});

describe("the pack's layout", () => {
    it("registers every rule file in policies.ts, and nothing else", () => {
        assert.deepEqual(Object.keys(RULE_FILES).sort(), AREAS);
        for (const area of AREAS) {
            const file = require(path.join(PACK_DIR, area)) as { policies: unknown };
            assert.equal(RULE_FILES[area as keyof typeof RULE_FILES].policies, file.policies, area);
        }
    });

    it("has a test file for every rule file", () => {
        const missing = AREAS.filter(area => !fs.existsSync(path.join(__dirname, `${area}.test.ts`)));
        assert.deepEqual(missing, [], "every policies/<area>.ts is tested in tests/policies/<area>.test.ts");
    });

    it("lets rule files import only policies/lib and @pulumi/policy, and lib no rule file", () => {
        const wrong: string[] = [];
        for (const area of AREAS) {
            for (const spec of importsOf(path.join(PACK_DIR, `${area}.ts`))) {
                if (spec !== "@pulumi/policy" && !spec.startsWith("./lib/")) wrong.push(`${area}.ts imports ${spec}`);
            }
        }
        for (const file of fs.readdirSync(path.join(PACK_DIR, "lib"))) {
            for (const spec of importsOf(path.join(PACK_DIR, "lib", file))) {
                if (spec.startsWith("../")) wrong.push(`lib/${file} imports ${spec}`);
            }
        }
        assert.deepEqual(wrong, []);
    });

    it("builds stack graphs only through stackGraph(args)", () => {
        const building = AREAS.filter(area => fs.readFileSync(path.join(PACK_DIR, `${area}.ts`), "utf8").includes("new StackGraph("));
        assert.deepEqual(building, []);
    });

    it("loads no @pulumi/aws (it matches type tokens as strings)", () => {
        const files = [...AREAS.map(a => `${a}.ts`), "index.ts", "policies.ts", ...fs.readdirSync(path.join(PACK_DIR, "lib")).map(f => `lib/${f}`)];
        assert.deepEqual(files.filter(f => importsOf(path.join(PACK_DIR, f)).some(spec => spec.startsWith("@pulumi/aws"))), []);
    });
});
