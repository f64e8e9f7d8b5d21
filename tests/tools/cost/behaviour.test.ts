import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { AUTHORIZER_KIND, FUNCTION_KINDS, ROUTER_KIND, TOKEN_CLAIMS_KIND } from "../../../tools/cost";
import { BEHAVIOURS } from "../../../tools/lib/cost/behaviour";
import { KB } from "../../../tools/lib/cost/formulas";
import { PlanGraph } from "../../../tools/lib/cost/graph";
import { modelOf } from "../../../tools/lib/cost/model";
import { readUsage } from "../../../tools/lib/cost/usage";
import { ROOT, shippedStack } from "../../fixtures/stack";
import { variantStacks } from "../../fixtures/variants";

describe("what each handler does per unit of work (tools/lib/cost/behaviour.ts)", () => {
    it("covers every function kind the program has, and nothing else", () => {
        assert.deepEqual(Object.keys(BEHAVIOURS).sort(), [...FUNCTION_KINDS].sort());
    });

    it("knows the kind of every function of the shipped plans and of dev's variants (the router's, its authorizer's, the user pool's trigger's)", async () => {
        const seen = new Set<string>();
        const plans = [["dev", await shippedStack("dev")], ["prod", await shippedStack("prod")], ...await variantStacks()] as const;
        for (const [name, plan] of plans) {
            const kinds = new Set(modelOf(new PlanGraph(plan.resources)).functions.map(f => f.kind));
            assert.ok(kinds.has(ROUTER_KIND), name);
            for (const kind of kinds) {
                assert.ok(FUNCTION_KINDS.includes(kind), `${name}: ${kind}`);
                seen.add(kind);
            }
        }
        // Every kind the estimator knows is one some plan has.
        assert.deepEqual([...seen].sort(), [...FUNCTION_KINDS].sort());
        assert.ok(seen.has(AUTHORIZER_KIND) && seen.has(TOKEN_CLAIMS_KIND));
    });

    it("writes what the handlers write: the queue worker's marker and item in one transaction, ingest's rows and checkpoints", () => {
        const usage = readUsage({ table: { itemBytes: 2 * KB }, bucket: { rowsPerObject: 1000 } }, FUNCTION_KINDS);
        const ctx = { usage, environment: {}, eventBytes: KB };
        // A transaction doubles the units: the marker (1 KB → 2) and the 2 KB item (2 → 4).
        assert.deepEqual(BEHAVIOURS["queue-worker"]!(ctx).writes.map(w => [w.sortKey, w.count, w.units]), [["MESSAGE", 1, 2], ["ITEM#<item id>", 1, 4]]);
        // 1,000 rows in 40 batches of 25: a checkpoint every 10 batches and one at the end = 5.
        assert.deepEqual(BEHAVIOURS.ingest!(ctx).writes.map(w => [w.sortKey, w.count, w.units]), [["ITEM#<item id>", 1000, 2], ["CHECKPOINT", 5, 1]]);
        // The API takes the tenant's credentials from STS unless the warm instance holds them.
        const held = readUsage({ api: { credentialsCacheHitFraction: 0.75 } }, FUNCTION_KINDS);
        assert.equal(BEHAVIOURS.api!({ ...ctx, usage: held }).stsAssumeRoles, 0.25);
        assert.equal(BEHAVIOURS["queue-worker"]!(ctx).stsAssumeRoles, 0);
        // The scheduled job writes its summary only where it has a bucket.
        assert.equal(BEHAVIOURS.scheduled!(ctx).s3Puts, 0);
        assert.equal(BEHAVIOURS.scheduled!({ ...ctx, environment: { BUCKET_NAME: "b" } }).s3Puts, 1);
    });
});

describe("the estimator's layout", () => {
    it("keeps tools/lib/cost pure: no Pulumi, no AWS client, no capture; only the stack config's pure field table and the router's metric names", () => {
        const dir = path.join(ROOT, "tools", "lib", "cost");
        const allowed = new Set(["fs", "path", "../../../components/config/fields", "../../../components/config/problems", "../../../components/type-tokens",
            "../../../handlers/lib/router-metrics"]);
        for (const file of fs.readdirSync(dir).filter(f => f.endsWith(".ts"))) {
            const imports = ts.preProcessFile(fs.readFileSync(path.join(dir, file), "utf8"), true, true).importedFiles.map(i => i.fileName);
            for (const spec of imports) assert.ok(spec.startsWith("./") || allowed.has(spec), `${file} imports ${spec}`);
        }
    });
});
