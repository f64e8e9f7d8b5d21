/**
 * Which cell serves a customer: `npm run route -- --stack dev <customerId> [--json]`.
 *
 * Reads the stack's config as `pulumi up` does (readStackConfig + loadSettings), builds the routing table with the
 * same function the program uses (buildRoutingTable, cells in configured order) and asks the router's own
 * decision function. Prints the cell, its state, whether the customer is pinned or hashed and, in invoke mode,
 * the function the router invokes. Exit codes: 0 found; 2 bad arguments, bad customer id or unknown stack;
 * 1 invalid stack configuration.
 */
import * as path from "path";
import { isConfigError, loadSettings } from "../components/config";
import { API_FUNCTION } from "../components/core-functions";
import { CUSTOMER_ID_RULE, LIVE_ALIAS, isValidCustomerId } from "../handlers/lib/identifiers";
import { CompiledRoutingTable, buildRoutingTable, cellIndexFor, routeCustomer } from "../handlers/lib/routing";
import type { CellState } from "../handlers/lib/routing-table";
import { readStackConfig, StackConfigError } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");

const USAGE = `usage: npm run route -- --stack <name> <customerId> [--json]

  --stack <name>   the stack whose Pulumi.<name>.yaml to read (dev, prod, ...)
  --json           print one JSON document`;

export interface RouteAnswer {
    project: string;
    stack: string;
    customerId: string;
    mode: "invoke" | "redirect";
    cell: { id: string; index: number; state: CellState };
    reason: "pinned" | "hash";
    /** Where the hash alone would send the customer (differs from `cell` only for a pin). */
    hashCell: string;
    cellCount: number;
    /** invoke mode: the alias-qualified function the router invokes. */
    functionName?: string;
}

export class RouteUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RouteUsageError";
    }
}

/** The routing decision for `customerId` on a stack. @throws RouteUsageError, StackConfigError, ConfigError */
export function routeOnStack(dir: string, stack: string, customerId: string): RouteAnswer {
    if (!isValidCustomerId(customerId)) throw new RouteUsageError(`invalid customer id ${JSON.stringify(customerId)}: ${CUSTOMER_ID_RULE}`);
    const stackConfig = readStackConfig(dir, stack);
    const settings = loadSettings(stackConfig.config, { project: stackConfig.project, stack: stackConfig.stack });
    const functionNameOf = (cellId: string) => `${settings.names.cellFunction(cellId, API_FUNCTION.kind)}:${LIVE_ALIAS}`;
    // The decision depends only on the cell order, states and pins. In redirect mode the program fills in each
    // cell's endpoint, an output known after deployment, so the table here carries the function names instead.
    const table = buildRoutingTable({
        mode: "invoke",
        cells: settings.cells.map(c => ({ id: c.id, state: c.state, functionName: functionNameOf(c.id) })),
        pinned: settings.router.pinned,
    });
    const decision = routeCustomer(table, customerId);
    return {
        project: settings.project,
        stack: settings.stack,
        customerId,
        mode: settings.router.mode,
        cell: { id: decision.cell.id, index: decision.index, state: decision.cell.state },
        reason: decision.reason,
        hashCell: hashCellOf(new CompiledRoutingTable(table), customerId),
        cellCount: table.cells.length,
        ...(settings.router.mode === "invoke" ? { functionName: decision.cell.functionName! } : {}),
    };
}

/** The cell the hash alone gives (standby cells are not part of it). */
function hashCellOf(table: CompiledRoutingTable, customerId: string): string {
    return table.cells[table.hashed[cellIndexFor(customerId, table.hashed.length)]!]!.id;
}

export function formatAnswer(a: RouteAnswer): string {
    const lines: Array<[string, string]> = [
        ["customer", a.customerId],
        ["stack", `${a.project}/${a.stack} (${a.cellCount} cells, router mode ${a.mode})`],
        ["cell", `${a.cell.id} (index ${a.cell.index} of the ordered cell list, counting from 0)`],
        ["state", a.cell.state === "active" ? "active" : a.cell.state === "standby" ? "standby: serves only the customers pinned or moved to it" : "disabled: the router answers 503 to this customer"],
        ["routed by", a.reason === "pinned"
            ? `pin (cellular:router.pinned; the hash alone would give ${a.hashCell})`
            : `hash (jump consistent hash of sha256 over ${a.cellCount} cells)`],
        a.mode === "invoke"
            ? ["function", a.functionName!]
            : ["redirect", "307 to the cell's own API endpoint (a stack output, known after deployment)"],
    ];
    const width = Math.max(...lines.map(([k]) => k.length));
    return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

export interface Output {
    log(text: string): void;
    error(text: string): void;
}

export function main(argv: readonly string[], out: Output = { log: t => console.log(t), error: t => console.error(t) }, dir = ROOT): number {
    let stack = "";
    let json = false;
    const positional: string[] = [];
    try {
        for (let i = 0; i < argv.length; i++) {
            const arg = argv[i]!;
            if (arg === "--stack" || arg === "-s") {
                const v = argv[++i];
                if (v === undefined || v.startsWith("--")) throw new RouteUsageError(`${arg} needs a value`);
                stack = v;
            } else if (arg.startsWith("--stack=")) {
                stack = arg.slice("--stack=".length);
            } else if (arg === "--json") {
                json = true;
            } else if (arg === "--help" || arg === "-h") {
                out.log(USAGE);
                return 0;
            } else if (arg.startsWith("--")) {
                throw new RouteUsageError(`unknown argument ${JSON.stringify(arg)}`);
            } else {
                positional.push(arg);
            }
        }
        if (stack === "") throw new RouteUsageError("--stack is required");
        if (positional.length !== 1) throw new RouteUsageError(`expected one customer id, got ${positional.length}`);
        const answer = routeOnStack(dir, stack, positional[0]!);
        out.log(json ? JSON.stringify(answer, null, 2) : formatAnswer(answer));
        return 0;
    } catch (err) {
        if (err instanceof RouteUsageError) {
            out.error(`error: ${err.message}\n\n${USAGE}`);
            return 2;
        }
        if (err instanceof StackConfigError) {
            out.error(`error: ${err.message}`);
            return 2;
        }
        if (isConfigError(err)) {
            out.error(`error: the ${stack} stack's ${err.message}`);
            return 1;
        }
        throw err;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
