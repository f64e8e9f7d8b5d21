/**
 * `npm run docs`: regenerates the parts of README.md that are generated from the code (the configuration
 * reference, from components/config; the deploy check's rules, from tools/lib/deploy-check). A test fails when
 * README.md and the code disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { withReference } from "../components/config/reference";
import { withRules } from "./lib/deploy-check/readme";

const README = path.resolve(__dirname, "..", "README.md");

export function main(): number {
    const before = fs.readFileSync(README, "utf8");
    const after = withRules(withReference(before));
    if (after !== before) fs.writeFileSync(README, after);
    console.log(after === before ? "README.md is up to date" : "README.md: configuration reference and deploy-check rules regenerated");
    return 0;
}

if (require.main === module) process.exitCode = main();
