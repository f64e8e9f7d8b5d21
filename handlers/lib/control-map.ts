/**
 * The live routing map: what the control plane (control/) changes without a deploy — the cells' order and states,
 * the overrides of moved or pinned customers, and an epoch that only grows. It lives in the stack's control table
 * (one DynamoDB item, {@link CONTROL_KEYS}.map), outside every cell. Pure: the document, its validation, and how it
 * combines with the routing table packaged with the router (the floor, routing-table.ts) and with a cell's
 * ownership table (ownership.ts).
 *
 * Control table layout (keys `pk`/`sk`, as a cell's table):
 *
 * | what                    | pk        | sk            | read by                         |
 * |-------------------------|-----------|---------------|---------------------------------|
 * | the routing map         | `ROUTING` | `MAP`         | the router, the cells, tooling  |
 * | a move in progress/done | `MOVE`    | `<customer>`  | tooling only                    |
 */
import { CUSTOMER_ID_RULE, isValidCustomerId } from "./identifiers";
import type { OwnershipTable } from "./ownership";
import { CellState, ROUTED_CELL_STATES, RoutingTable, isHashed } from "./routing-table";

export const CONTROL_KEYS = {
    map: { pk: "ROUTING", sk: "MAP" },
    move: (customerId: string) => ({ pk: "MOVE", sk: customerId }),
    movePartition: "MOVE",
} as const;

/** The map item's attributes: `map` (the document as JSON text) and `epoch` (a number, for compare-and-swap). */
export const MAP_ATTRIBUTES = { document: "map", epoch: "epoch" } as const;

/** Environment of the functions that read the map: the control table, and how long a read map is fresh. */
export const CONTROL_ENV = { tableName: "CONTROL_TABLE_NAME", refreshMs: "CONTROL_MAP_REFRESH_MS" } as const;

/** How long a router or cell uses a map before it reads it again in the background, by default. */
export const DEFAULT_REFRESH_MS = 5_000;

export interface ControlMap {
    version: 1;
    /** Grows by one with every change; a reader never goes back to a lower epoch. */
    epoch: number;
    /** Every cell, in hash order (standby cells included: they are skipped by the hash). */
    cells: Array<{ id: string; state: CellState }>;
    /** customer id -> cell id: moved or pinned customers. */
    overrides: Record<string, string>;
}

export class ControlMapError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid routing map: ${problems.join("; ")}`);
        this.name = "ControlMapError";
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks an untyped value (the map item's document, parsed). @throws ControlMapError listing every problem. */
export function parseControlMap(value: unknown): ControlMap {
    if (!isRecord(value)) throw new ControlMapError(["expected an object with version, epoch, cells and overrides"]);
    const problems: string[] = [];
    if (value.version !== 1) problems.push(`version is ${JSON.stringify(value.version)}; expected 1`);
    const epoch = value.epoch;
    if (!(typeof epoch === "number" && Number.isSafeInteger(epoch) && epoch >= 1)) problems.push(`epoch is ${JSON.stringify(epoch)}; expected a whole number from 1`);
    const cells: ControlMap["cells"] = [];
    if (!Array.isArray(value.cells) || value.cells.length === 0) {
        problems.push("cells must be a non-empty list of { id, state }");
    } else {
        value.cells.forEach((c: unknown, i) => {
            if (!isRecord(c) || typeof c.id !== "string" || c.id === "") problems.push(`cells[${i}].id must be a non-empty cell id`);
            else if (!ROUTED_CELL_STATES.includes(c.state as CellState)) problems.push(`cells[${i}].state is ${JSON.stringify(c.state)}; expected ${ROUTED_CELL_STATES.join(", ")}`);
            else if (cells.some(k => k.id === c.id)) problems.push(`cells[${i}].id ${c.id} is listed twice`);
            else cells.push({ id: c.id, state: c.state as CellState });
        });
        if (cells.length > 0 && !cells.some(c => isHashed(c.state))) problems.push("at least one cell must be active or disabled");
    }
    const overrides: Record<string, string> = {};
    if (!isRecord(value.overrides)) {
        problems.push("overrides must be a map of customer ids to cell ids");
    } else {
        for (const [customer, cell] of Object.entries(value.overrides)) {
            if (!isValidCustomerId(customer)) problems.push(`overrides ${JSON.stringify(customer)}: ${CUSTOMER_ID_RULE}`);
            else if (typeof cell !== "string" || !cells.some(c => c.id === cell)) problems.push(`overrides.${customer} is ${JSON.stringify(cell)}; expected a cell of the map`);
            else overrides[customer] = cell;
        }
    }
    if (problems.length > 0) throw new ControlMapError(problems);
    return { version: 1, epoch: epoch as number, cells, overrides };
}

/** The map as the control table stores it (the document's JSON text, keys in a fixed order). */
export function controlMapText(map: ControlMap): string {
    return JSON.stringify({ version: 1, epoch: map.epoch, cells: map.cells.map(c => ({ id: c.id, state: c.state })), overrides: map.overrides });
}

/**
 * The routing table to route with: the packaged table's cells (their function names, endpoints and budgets) in
 * the map's order and states, and the map's overrides over the packaged pins. A cell deployed after the map was
 * last written (in the package, not in the map) keeps its packaged state, after the map's cells.
 *
 * @throws ControlMapError when the map names a cell the package does not have, or orders the packaged cells
 *   differently (the hash would change: the map is not used).
 */
export function routingTableWithMap(packaged: RoutingTable, map: ControlMap): RoutingTable {
    const byId = new Map(packaged.cells.map(c => [c.id, c]));
    const unknown = map.cells.filter(c => !byId.has(c.id)).map(c => c.id);
    if (unknown.length > 0) throw new ControlMapError([`the map names cells this function was not deployed with: ${unknown.join(", ")}`]);
    const order = packaged.cells.map(c => c.id).filter(id => map.cells.some(c => c.id === id));
    if (order.some((id, i) => map.cells[i]!.id !== id)) throw new ControlMapError([`the map orders the cells ${map.cells.map(c => c.id).join(", ")}; deployed: ${packaged.cells.map(c => c.id).join(", ")}`]);
    const inMap = new Set(map.cells.map(c => c.id));
    return {
        version: 1,
        mode: packaged.mode,
        cells: [...map.cells.map(c => ({ ...byId.get(c.id)!, state: c.state })), ...packaged.cells.filter(c => !inMap.has(c.id))],
        pinned: { ...packaged.pinned, ...map.overrides },
    };
}

/** A cell's ownership table under the map (the packaged ownership.json is the floor, as for the router). */
export function ownershipWithMap(packaged: OwnershipTable, map: ControlMap): OwnershipTable {
    const deployed = [...packaged.cells, ...(packaged.standby ?? [])];
    const unknown = map.cells.filter(c => !deployed.includes(c.id)).map(c => c.id);
    if (unknown.length > 0) throw new ControlMapError([`the map names cells this function was not deployed with: ${unknown.join(", ")}`]);
    const inMap = new Set(map.cells.map(c => c.id));
    const extra = deployed.filter(id => !inMap.has(id));
    const cells = [...map.cells.filter(c => isHashed(c.state)).map(c => c.id), ...packaged.cells.filter(id => extra.includes(id))];
    const standby = [...map.cells.filter(c => !isHashed(c.state)).map(c => c.id), ...(packaged.standby ?? []).filter(id => extra.includes(id))];
    return { version: 1, cells, ...(standby.length > 0 ? { standby } : {}), pinned: { ...packaged.pinned, ...map.overrides } };
}
