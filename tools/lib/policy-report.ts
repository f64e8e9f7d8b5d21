/**
 * The policy report, printed the way `pulumi preview` prints policy results: one block per pack (✅ no
 * violations, ⚠️ advisory only, ❌ mandatory), then each violation as `- [level]  policy  (type: name)` with the
 * policy's description and the message under it. Violations are grouped by level (mandatory first) and, within a
 * level, by resource in registration order.
 */
import * as path from "path";
import { AnalysisResult, PolicyDiagnostic } from "./analyzer";

const INDENT = "          ";

function rank(d: PolicyDiagnostic): number {
    return d.enforcementLevel === "mandatory" || d.enforcementLevel === "remediate" ? 0 : 1;
}

/** Diagnostics in report order: by level, then by resource (registration order), then by policy and message. */
export function sortDiagnostics(diagnostics: readonly PolicyDiagnostic[], urnOrder: readonly string[] = []): PolicyDiagnostic[] {
    const position = new Map(urnOrder.map((urn, i) => [urn, i]));
    const at = (d: PolicyDiagnostic) => position.get(d.urn) ?? Number.MAX_SAFE_INTEGER;
    return [...diagnostics].sort((a, b) => rank(a) - rank(b) || at(a) - at(b) || a.urn.localeCompare(b.urn) ||
        a.policyName.localeCompare(b.policyName) || a.message.localeCompare(b.message));
}

export function countByLevel(diagnostics: readonly PolicyDiagnostic[]): { mandatory: number; advisory: number } {
    const mandatory = diagnostics.filter(d => rank(d) === 0).length;
    return { mandatory, advisory: diagnostics.length - mandatory };
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export interface ReportOptions {
    /** URNs in registration order, to group violations by resource in that order. */
    urnOrder?: readonly string[];
    /** How long the program took to evaluate, to print next to the policy evaluation. */
    programMs?: number;
    /** How long the pack took to start (when it was started for this run). */
    startMs?: number;
    /** Print the `Policies:` heading (the first of several packs only, as the CLI prints them). @default true */
    heading?: boolean;
}

export function formatPolicyReport(result: AnalysisResult, options: ReportOptions = {}): string {
    const { mandatory, advisory } = countByLevel(result.diagnostics);
    const icon = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️ " : "✅";
    const where = path.relative(process.cwd(), result.pack.dir) || ".";
    const lines = [...(options.heading ?? true ? ["Policies:"] : []), `    ${icon} ${result.pack.name}@v${result.pack.version} (local: ${where})`];
    for (const d of sortDiagnostics(result.diagnostics, options.urnOrder)) {
        lines.push(`        - [${d.enforcementLevel}]  ${d.policyName}  (${d.resourceType}: ${d.resourceName})`);
        for (const line of d.message.split("\n")) lines.push(`${INDENT}${line}`);
    }
    lines.push("");
    const verdict = result.diagnostics.length === 0 ? "no policy violations"
        : `${plural(mandatory, "mandatory violation")}, ${plural(advisory, "advisory violation")}`;
    const t = result.timings;
    const timing = [
        `${result.resources} resources analyzed in ${Math.round(t.totalMs)} ms (${t.perResourceMs.toFixed(1)} ms per resource: ` +
        `Analyze ${Math.round(t.analyzeMs)} ms, AnalyzeStack ${Math.round(t.analyzeStackMs)} ms)`,
        ...(options.startMs !== undefined ? [`pack started in ${Math.round(options.startMs)} ms`] : []),
        ...(options.programMs !== undefined ? [`program evaluated in ${Math.round(options.programMs)} ms`] : []),
    ].join("; ");
    lines.push(`    ${verdict} (${result.mode}); ${timing}`);
    return lines.join("\n");
}
