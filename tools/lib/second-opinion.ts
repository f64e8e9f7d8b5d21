/**
 * `--mode both`: what update mode decides where preview could not. A policy that reads a value unknown in preview
 * (a role policy built from `table.arn`) can only say "can't run policy ... during preview"; the plan then runs the
 * program again as `pulumi up` would see it (outputs computed by the offline provider) and reports, for each
 * undecided policy and resource, update mode's verdict — a second opinion, reported as such, since the outputs it
 * rests on are the offline provider's (tools/lib/mock-aws.ts), not the account's.
 */
import { PolicyDiagnostic } from "./analyzer";

export interface SecondOpinion {
    policyName: string;
    policyPackName: string;
    urn: string;
    resourceType: string;
    resourceName: string;
    /** Why preview could not decide. */
    undecided: string;
    /** What update mode reports for this policy and resource; none means it finds no violation. */
    verdicts: PolicyDiagnostic[];
}

/** A diagnostic saying a policy could not run on unknown values (the SDK's wording, which this pack's reuses). */
export function isUndecided(d: PolicyDiagnostic): boolean {
    return d.enforcementLevel === "advisory" && /can't run policy '[^']+' .*during preview/.test(d.message);
}

/** Update mode's verdict on each policy and resource that preview left undecided. */
export function secondOpinions(preview: readonly PolicyDiagnostic[], update: readonly PolicyDiagnostic[]): SecondOpinion[] {
    const seen = new Set<string>();
    const opinions: SecondOpinion[] = [];
    for (const d of preview.filter(isUndecided)) {
        const key = `${d.policyPackName}\u0000${d.policyName}\u0000${d.urn}`;
        if (seen.has(key)) continue;
        seen.add(key);
        opinions.push({
            policyName: d.policyName, policyPackName: d.policyPackName, urn: d.urn, resourceType: d.resourceType, resourceName: d.resourceName,
            undecided: d.message,
            verdicts: update.filter(u => u.policyPackName === d.policyPackName && u.policyName === d.policyName && u.urn === d.urn && !isUndecided(u)),
        });
    }
    return opinions;
}

/** Second opinions that find a mandatory violation. */
export function mandatoryOpinions(opinions: readonly SecondOpinion[]): SecondOpinion[] {
    return opinions.filter(o => o.verdicts.some(v => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate"));
}

const INDENT = "          ";

/** The second opinions as text, or nothing when preview decided everything. */
export function formatSecondOpinions(opinions: readonly SecondOpinion[]): string {
    if (opinions.length === 0) return "";
    const lines = [`Second opinion: what update mode decides where preview could not (${opinions.length}), on the offline provider's outputs:`];
    for (const o of opinions) {
        lines.push(`        - ${o.policyName}  (${o.resourceType}: ${o.resourceName})`);
        if (o.verdicts.length === 0) {
            lines.push(`${INDENT}update mode: no violation`);
            continue;
        }
        for (const v of o.verdicts) {
            const text = v.message.startsWith(`${v.description}\n`) ? v.message.slice(v.description.length + 1) : v.message;
            lines.push(`${INDENT}update mode: [${v.enforcementLevel}] ${text.split("\n").join(`\n${INDENT}`)}`);
        }
    }
    return lines.join("\n");
}
