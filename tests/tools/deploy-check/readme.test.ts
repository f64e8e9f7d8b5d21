import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderRules, RULES_END, RULES_START, withRules } from "../../../tools/lib/deploy-check/readme";
import { RULES } from "../../../tools/lib/deploy-check/rules";

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "README.md"), "utf8");

describe("the README's list of the deploy check's rules (tools/lib/deploy-check/readme.ts)", () => {
    it("is in README.md exactly as the table renders it (npm run docs regenerates it)", () => {
        assert.equal(withRules(README), README, "README.md's deploy-check rules are out of date: run npm run docs");
    });

    it("lists every rule by its id, with its types and source", () => {
        const table = README.slice(README.indexOf(RULES_START), README.indexOf(RULES_END));
        for (const rule of RULES) assert.ok(table.includes(`| \`${rule.id}\` |`), rule.id);
        assert.ok(table.includes("| `lambda-memory` | Lambda memory | aws.lambda.Function | terraform-provider-aws internal/service/lambda/function.go memory_size: validation.IntBetween(128, 10240) |"));
        assert.ok(table.includes("| `tags` | Tags: at most 50, keys 1-128 characters not starting with `aws:`, values at most 256 | every AWS resource |"));
        assert.ok(table.includes("| `iam-managed-policies-per-role` | Managed policies attached to one role within the account's quota (an account quota) | aws.iam.Role |"));
        assert.equal(renderRules().split("\n").length, RULES.length + 2);
    });

    it("refuses a README without its markers", () => {
        assert.throws(() => withRules("# no markers"), { message: `README.md has no ${RULES_START} ... ${RULES_END} markers` });
    });
});
