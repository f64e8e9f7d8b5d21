/**
 * `npm run docs`: regenerates the parts of README.md that are generated from the code (the configuration
 * reference, from components/config; the usage file's keys, from tools/lib/cost/usage.ts; the deploy check's rules,
 * from tools/lib/deploy-check). A test fails when
 * README.md and the code disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { withReference } from "../components/config/reference";
import { FUNCTION_KINDS } from "./cost";
import { renderUsageReference, withUsageReference } from "./lib/cost/usage-reference";
import { withRules } from "./lib/deploy-check/readme";

const README = path.resolve(__dirname, "..", "README.md");

export function main(): number {
    const before = fs.readFileSync(README, "utf8");
    const after = withRules(withUsageReference(withReference(before), renderUsageReference(FUNCTION_KINDS)));
    if (after !== before) fs.writeFileSync(README, after);
    console.log(after === before ? "README.md is up to date" : "README.md: generated references regenerated");
    return 0;
}

if (require.main === module) process.exitCode = main();
