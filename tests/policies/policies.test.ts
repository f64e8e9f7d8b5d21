import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PACK_NAME } from "../../policies/lib/facts";
import { readPolicyTable, renderPolicyTable } from "../../policies/lib/readme-table";
import { policies } from "../../policies/policies";
import { policyPack } from "../fixtures/policies/harness";

const README = path.resolve(__dirname, "..", "..", "policies", "README.md");

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
