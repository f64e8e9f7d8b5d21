/**
 * Writes the policy table of policies/README.md from the pack's policies: `npm run docs:policies`.
 * tests/policies/policies.test.ts fails while the README's table differs from what this writes.
 */
import * as fs from "fs";
import * as path from "path";
import { renderPolicyTable, withPolicyTable } from "../lib/readme-table";
import { policies } from "../policies";

const README = path.resolve(__dirname, "..", "README.md");
const shown = path.relative(process.cwd(), README);

const before = fs.readFileSync(README, "utf8");
const after = withPolicyTable(before, renderPolicyTable(policies));
if (after !== before) fs.writeFileSync(README, after);
console.log(after === before ? `${shown} is up to date` : `${shown}: policy table regenerated`);
