/**
 * Which cell owns a customer, as a cell sees it: the ordered cell ids and the pins, the same inputs the router
 * routes on (routing.ts), shipped in every cell function's code package as `ownership.json`. A cell serves, and
 * writes for, only the customers this says are its own; a request or record for anyone else is refused (421 on the
 * API, the failure path with the reason `not-owned` on the event paths), never served from the wrong cell.
 *
 * It carries no function names or endpoints (a cell's endpoint is known only once that cell exists, and every
 * cell's code would then depend on every other cell). Pure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CUSTOMER_ID_RULE, isValidCustomerId } from "./identifiers";
import { cellIndexFor } from "./routing";

export const OWNERSHIP_FILE = "ownership.json";

export interface OwnershipTable {
    version: 1;
    /** The hashed cells' ids (every cell but the standby ones), in hash order. */
    cells: string[];
    /** Standby cells: deployed, not part of the hash; they own only the customers pinned or moved to them. */
    standby?: string[];
    /** customer id -> cell id. */
    pinned: Record<string, string>;
}

/** A table that cannot be used: every problem, one per line. */
export class OwnershipTableError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid ownership table: ${problems.join("; ")}`);
        this.name = "OwnershipTableError";
    }
}

/** Checks an untyped value (ownership.json as parsed). @throws OwnershipTableError */
export function parseOwnershipTable(value: unknown): OwnershipTable {
    const problems: string[] = [];
    const v = value as Partial<OwnershipTable> | null;
    if (typeof v !== "object" || v === null) throw new OwnershipTableError(["expected an object with version, cells and pinned"]);
    if (v.version !== 1) problems.push("version must be 1");
    const cells = Array.isArray(v.cells) && v.cells.length > 0 && v.cells.every(c => typeof c === "string" && c !== "") ? v.cells : undefined;
    if (cells === undefined) problems.push("cells must be a non-empty list of cell ids");
    else if (new Set(cells).size !== cells.length) problems.push("cell ids must be unique");
    const standby = v.standby === undefined ? [] : Array.isArray(v.standby) && v.standby.every(c => typeof c === "string" && c !== "") ? v.standby : undefined;
    if (standby === undefined) problems.push("standby must be a list of cell ids");
    else if (cells !== undefined && new Set([...cells, ...standby]).size !== cells.length + standby.length) problems.push("cell ids must be unique across cells and standby");
    const known = [...(cells ?? []), ...(standby ?? [])];
    const pinned: Record<string, string> = {};
    if (typeof v.pinned !== "object" || v.pinned === null || Array.isArray(v.pinned)) {
        problems.push("pinned must be a map of customer ids to cell ids");
    } else {
        for (const [customer, cell] of Object.entries(v.pinned as Record<string, unknown>)) {
            if (!isValidCustomerId(customer)) problems.push(`pinned ${JSON.stringify(customer)}: ${CUSTOMER_ID_RULE}`);
            else if (typeof cell !== "string" || !known.includes(cell)) problems.push(`pinned.${customer} names no cell of the table`);
            else pinned[customer] = cell;
        }
    }
    if (problems.length > 0) throw new OwnershipTableError(problems);
    return { version: 1, cells: cells!, ...(standby!.length > 0 ? { standby: standby! } : {}), pinned };
}

/** The id of the cell that owns `customerId`: its pin, else the jump hash over the ordered cells. */
export function ownerOf(table: OwnershipTable, customerId: string): string {
    const pinned = Object.hasOwn(table.pinned, customerId) ? table.pinned[customerId] : undefined;
    return pinned ?? table.cells[cellIndexFor(customerId, table.cells.length)]!;
}

/** What a cell function knows of ownership: whether a customer is its own, and if not, whose. */
export interface Ownership {
    readonly cellId: string;
    /** The table it was built from (absent for an ownership that owns no one). */
    readonly table?: OwnershipTable;
    owns(customerId: string): boolean;
    ownerOf(customerId: string): string;
}

export function ownershipFor(cellId: string, table: OwnershipTable): Ownership {
    if (!table.cells.includes(cellId) && !(table.standby ?? []).includes(cellId)) throw new OwnershipTableError([`cell ${JSON.stringify(cellId)} is not in the table`]);
    return { cellId, table, owns: customer => ownerOf(table, customer) === cellId, ownerOf: customer => ownerOf(table, customer) };
}

/**
 * The deployed ownership: `ownership.json` next to the handler (or `OWNERSHIP_TABLE_PATH`). A cell that cannot
 * read it owns no one, so it refuses every customer rather than serve the wrong ones.
 */
export function loadOwnership(cellId: string, dir: string, env: NodeJS.ProcessEnv = process.env): Ownership | { error: string } {
    const file = env.OWNERSHIP_TABLE_PATH || path.join(dir, OWNERSHIP_FILE);
    try {
        return ownershipFor(cellId, parseOwnershipTable(JSON.parse(fs.readFileSync(file, "utf8"))));
    } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
    }
}

/**
 * The deployed function's ownership: its table, or — when it cannot be read — an ownership that owns no one, so
 * every customer is refused (and the refusal seen) rather than served or written in the wrong cell.
 */
export function deployedOwnership(cellId: string, dir: string, onError: (error: string) => void): Ownership {
    const loaded = loadOwnership(cellId, dir);
    if (!("error" in loaded)) return loaded;
    onError(loaded.error);
    return ownsNoOne(cellId);
}

/** An ownership that owns no one (what a cell falls back to when its table is unusable). */
export function ownsNoOne(cellId: string): Ownership {
    return { cellId, owns: () => false, ownerOf: () => "unknown" };
}
