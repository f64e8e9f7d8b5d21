/**
 * The estimate as text: a table of cells and the shared part (fixed, variable, total a month), the services that
 * cost most, the cost per million API requests and of one more cell, what drives each cell's fixed cost, the
 * derived figures and what is not priced. Pure.
 */
import type { Estimate } from "./estimate";
import { SERVICES, serviceOf } from "./prices";
import { SHARED, isFixed } from "./ledger";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));
const left = (text: string, width: number) => (text.length >= width ? text : " ".repeat(width - text.length) + text);

export interface FormatOptions {
    /** Where the usage came from (a file), or undefined for no usage. */
    usageFile?: string;
    /** Resources' logical names, by URN (for "what drives the fixed cost"). */
    names: Map<string, string>;
}

export function formatEstimate(e: Estimate, o: FormatOptions): string {
    const d = e.document;
    const lines: string[] = [];
    lines.push(`Monthly cost of ${d.stack} in ${d.region} (prices of ${d.pricesDate}; ${o.usageFile ? `usage from ${o.usageFile}, per active cell` : "no usage file: the fixed cost alone"})`);
    lines.push("");
    const rows = [...d.cells.map(c => ({ name: `cell ${c.id}`, ...c })), { name: "shared (router, API, identity)", ...d.shared }];
    const width = Math.max(...rows.map(r => r.name.length), 10) + 2;
    const traffic = o.usageFile !== undefined;
    lines.push(`${pad("", width)}${left("fixed", 12)}${traffic ? `${left("variable", 12)}${left("total", 12)}` : ""}`);
    let fixed = 0;
    let variable = 0;
    for (const r of rows) {
        fixed += r.fixedMonthlyUsd;
        variable += r.variableMonthlyUsd;
        lines.push(`${pad(r.name, width)}${left(usd(r.fixedMonthlyUsd), 12)}${traffic ? `${left(usd(r.variableMonthlyUsd), 12)}${left(usd(r.fixedMonthlyUsd + r.variableMonthlyUsd), 12)}` : ""}`);
    }
    lines.push(`${pad("total", width)}${left(usd(fixed), 12)}${traffic ? `${left(usd(variable), 12)}${left(usd(d.totalMonthlyUsd), 12)}` : ""}`);
    lines.push("");
    const byService = SERVICES.map(s => [s, [...d.cells, d.shared].reduce((n, p) => n + p.byService[s], 0)] as const)
        .filter(([, v]) => v >= 0.005).sort((a, b) => b[1] - a[1]);
    lines.push(`By service: ${byService.map(([s, v]) => `${s} ${usd(v)}`).join(", ") || "nothing"}`);
    if (d.perMillionRequestsUsd !== null) {
        lines.push(`Per million API requests: ${usd(d.perMillionRequestsUsd)} (the total over ${e.entryRequests.toLocaleString("en-US")} requests a month)`);
    }
    lines.push(`One more cell: ${usd(d.marginalCellMonthlyUsd)} a month${e.marginalLike ? ` (like ${e.marginalLike}${traffic ? ", with its customers' share of the router, API and identity" : ""})` : ""}`);
    if (d.freeTier) lines.push(`Free tier (always free, per account; not in the figures above): -${usd(d.freeTier.monthlyUsd)} a month`);
    lines.push("");

    // What drives each cell's fixed cost, resource by resource, largest first; cells alike are named once.
    const groups = new Map<string, { cells: string[]; text: string }>();
    for (const cell of [...d.cells.map(c => c.id), SHARED]) {
        const drivers = new Map<string, number>();
        e.charges.forEach((c, i) => {
            if (c.owner === cell && isFixed(c.basis)) {
                const what = c.resource ? o.names.get(c.resource) ?? c.resource : c.basis === "clock" ? "scheduled runs" : serviceOf(c.key);
                drivers.set(what, (drivers.get(what) ?? 0) + e.costs[i]!);
            }
        });
        const generic = (what: string) => what.split(cell).join("*");
        const top = [...drivers].filter(([, v]) => v >= 0.005).sort((a, b) => b[1] - a[1] || generic(a[0]).localeCompare(generic(b[0])));
        if (top.length === 0) continue;
        const key = `${cell === SHARED}|${top.map(([what, v]) => `${generic(what)}=${v.toFixed(4)}`).join("|")}`;
        const group = groups.get(key);
        if (group) group.cells.push(cell);
        else groups.set(key, { cells: [cell], text: top.map(([what, v]) => `${what} ${usd(v)}`).join(", ") });
    }
    for (const { cells, text } of groups.values()) {
        const [first, ...alike] = cells;
        const who = first === SHARED ? "the shared part" : `cell ${first}${alike.length > 0 ? ` (and ${alike.join(", ")}, alike)` : ""}`;
        lines.push(`Fixed cost of ${who}: ${text}`);
    }
    lines.push("");
    lines.push("Derived:");
    for (const f of d.derived) {
        lines.push(`  - [${f.scope.join(", ")}] ${f.figure}: ${f.value.toLocaleString("en-US", { maximumFractionDigits: 4 })} ${f.unit} (${f.how})`);
    }
    if (e.notes.length > 0) {
        lines.push("");
        lines.push("Not priced, or assumed:");
        for (const n of e.notes) lines.push(`  - ${n}`);
    }
    return lines.join("\n");
}
