/**
 * The deploy check in the plan's output: a "Deploy check:" section (one line when nothing would be refused, else
 * each finding under its rule and resource) and the `deployCheck` field of `--json`. Pure.
 */
import type { DeployCheck, Finding } from "./check";

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The section as the plan prints it. */
export function formatDeployCheck(check: DeployCheck): string {
    const scope = `${plural(check.rules, "rule")} over ${plural(check.resources, "resource")}`;
    if (check.findings.length === 0) return `Deploy check:\n    no findings (${scope})`;
    const lines = ["Deploy check:", `    ${plural(check.findings.length, "finding")} (${scope}): the provider or AWS would refuse these, or race on them`];
    for (const f of check.findings) {
        lines.push(`        - [${f.rule}]  (${f.type}: ${f.name})`);
        lines.push(`          ${f.message}`);
    }
    return lines.join("\n");
}

/** The `deployCheck` field of the plan's JSON document. */
export function deployCheckJson(check: DeployCheck): { rules: number; resources: number; findings: Finding[] } {
    return { rules: check.rules, resources: check.resources, findings: check.findings };
}
