/**
 * The policy table of policies/README.md, rendered from the pack's policies: each one's name, level, and settings
 * with their defaults, in the pack's order. Pure, and not loaded by the pack: `npm run docs:policies` writes the
 * table (policies/scripts/readme-table.ts), and tests/policies/policies.test.ts fails while the README differs.
 */

/** What the table shows of a policy; the SDK's `Policy` has these fields. */
export interface TablePolicy {
    name: string;
    enforcementLevel?: string;
    configSchema?: { properties: Record<string, unknown> };
}

/** The first line of the table, by which it is found in the README. */
export const TABLE_HEADER = "| policy | level | config (default) |";

/** The level a policy without one gets (the pack sets none of its own). */
const DEFAULT_LEVEL = "advisory";

function value(v: unknown): string {
    if (Array.isArray(v)) return v.map(value).join(", ");
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;
}

function setting(key: string, schema: unknown): string {
    const given = schema !== null && typeof schema === "object" ? (schema as { default?: unknown }).default : undefined;
    return given === undefined ? `\`${key}\`` : `\`${key}\` (${value(given)})`;
}

/** The table: its header, then a row per policy, in the order given. */
export function renderPolicyTable(policies: readonly TablePolicy[]): string {
    const rows = policies.map(p => {
        const config = Object.entries(p.configSchema?.properties ?? {}).map(([key, schema]) => setting(key, schema)).join(", ");
        return `| \`${p.name}\` | ${p.enforcementLevel ?? DEFAULT_LEVEL} |${config ? ` ${config} ` : " "}|`;
    });
    return [TABLE_HEADER, "|---|---|---|", ...rows].join("\n");
}

/** Where the table stands in the README's lines: from its header to the last `|` line after it. */
function locate(lines: readonly string[]): { start: number; end: number } {
    const start = lines.indexOf(TABLE_HEADER);
    if (start < 0) throw new Error(`the README has no policy table (no line "${TABLE_HEADER}")`);
    let end = start;
    while (end < lines.length && lines[end]!.startsWith("|")) end++;
    return { start, end };
}

/** The policy table of a README, as it stands. */
export function readPolicyTable(readme: string): string {
    const lines = readme.split("\n");
    const { start, end } = locate(lines);
    return lines.slice(start, end).join("\n");
}

/** The README with its policy table replaced by `table`; the rest is kept as it is. */
export function withPolicyTable(readme: string, table: string): string {
    const lines = readme.split("\n");
    const { start, end } = locate(lines);
    return [...lines.slice(0, start), table, ...lines.slice(end)].join("\n");
}
