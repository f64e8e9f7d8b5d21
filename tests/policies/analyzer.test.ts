import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPack } from "../../tools/lib/analyzer";
import { UNKNOWN } from "../../tools/lib/capture";
import { ARCHIVE_SIG, ASSET_SIG, OUTPUT_VALUE_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY, convertProperties } from "../../tools/lib/policy-props";

describe("properties as the engine sends them to a policy pack", () => {
    it("keeps unknowns and secrets, and drops the SDK's internal keys at every level", () => {
        assert.deepEqual(convertProperties({
            name: "orders",
            arn: UNKNOWN,
            password: { [SIG_KEY]: SECRET_SIG, value: "hunter2" },
            nested: { __defaults: [], keep: [1, true, null, UNKNOWN] },
            __meta: "{}",
        }), {
            name: "orders",
            arn: UNKNOWN,
            password: { [SIG_KEY]: SECRET_SIG, value: "hunter2" },
            nested: { keep: [1, true, null, UNKNOWN] },
        });
    });

    it("turns a resource reference into the resource's id (unknown until it exists), or a component's URN", () => {
        const urn = "urn:pulumi:dev::p::aws:iam/role:Role::r";
        assert.deepEqual(convertProperties({
            created: { [SIG_KEY]: RESOURCE_SIG, urn, id: "orders-role" },
            pending: { [SIG_KEY]: RESOURCE_SIG, urn, id: "" },
            component: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:pulumi:dev::p::my:index:Thing::t" },
        }), { created: "orders-role", pending: UNKNOWN, component: "urn:pulumi:dev::p::my:index:Thing::t" });
    });

    it("turns an output value into its value (a secret when it is one), or an unknown", () => {
        assert.deepEqual(convertProperties({
            known: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "x", dependencies: ["urn:a"] },
            secret: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "s", secret: true },
            unknown: { [SIG_KEY]: OUTPUT_VALUE_SIG, dependencies: ["urn:a"] },
        }), { known: "x", secret: { [SIG_KEY]: SECRET_SIG, value: "s" }, unknown: UNKNOWN });
    });

    it("keeps assets and archives with their signatures and contents", () => {
        assert.deepEqual(convertProperties({
            code: { [SIG_KEY]: ARCHIVE_SIG, __pulumiArchive: true, assets: { "index.js": { [SIG_KEY]: ASSET_SIG, __pulumiAsset: true, text: "x" } } },
        }), { code: { [SIG_KEY]: ARCHIVE_SIG, assets: { "index.js": { [SIG_KEY]: ASSET_SIG, text: "x" } } } });
    });
});

describe("starting a policy pack", () => {
    it("says so when the directory is not a policy pack, or its dependencies are not installed", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
        try {
            await assert.rejects(PolicyPack.start({ packDir: dir, project: "p", stack: "dev", dryRun: true }),
                { name: "PolicyPackError", message: `no PulumiPolicy.yaml in ${dir}: not a policy pack` });
            fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
            await assert.rejects(PolicyPack.start({ packDir: dir, project: "p", stack: "dev", dryRun: true }), {
                name: "PolicyPackError",
                message: `it looks like the policy pack's dependencies are not installed; try running npm install in ${dir}`,
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
