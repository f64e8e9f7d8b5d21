/**
 * Adding a cell without stranding anyone: the new cell is deployed `standby` (not part of the hash), `rebalance`
 * moves exactly the customers the jump hash over the cells *with* the new one would send to it, and `activate`
 * makes it part of the hash and drops the overrides that the hash now agrees with. Customers created in an old cell
 * while a rebalance runs are found by the next pass: {@link rebalance} repeats until a pass finds no one, and
 * {@link activate} runs a last pass itself.
 */
import type { ControlMap } from "../handlers/lib/control-map";
import type { CellState } from "../handlers/lib/routing-table";
import { ControlError } from "./errors";
import { ControlPlane, MoveOptions, hashOwner, moveCustomer, ownerInMap } from "./move";

export interface PlannedMove {
    customerId: string;
    from: string;
    to: string;
    /** Data rows in the source cell. */
    rows: number;
}

/** The map's cells with `cellId` made active (where the hash will be once it is activated). */
export function cellsWithActive(map: ControlMap, cellId: string): ControlMap["cells"] {
    const cell = map.cells.find(c => c.id === cellId);
    if (cell === undefined) throw new ControlError(`cell ${cellId} is not in the routing map (cells: ${map.cells.map(c => c.id).join(", ")})`);
    if (cell.state !== "standby") throw new ControlError(`cell ${cellId} is ${cell.state}; only a standby cell is rebalanced onto and activated`);
    return map.cells.map(c => (c.id === cellId ? { id: c.id, state: "active" as CellState } : c));
}

/** The standby cell a rebalance or activation means: the one named, or the only standby cell. */
export function standbyCell(map: ControlMap, named?: string): string {
    if (named !== undefined) return named;
    const standby = map.cells.filter(c => c.state === "standby").map(c => c.id);
    if (standby.length !== 1) throw new ControlError(standby.length === 0 ? "there is no standby cell to rebalance onto" : `there are several standby cells (${standby.join(", ")}); name one`);
    return standby[0]!;
}

/**
 * Who would move to `cellId` when it is activated: every customer with data in another cell whom the map sends
 * there now (not pinned elsewhere) and the hash over the cells with `cellId` active sends to `cellId`.
 */
export async function planRebalance(plane: ControlPlane, cellId: string): Promise<PlannedMove[]> {
    const map = await plane.store.readMap();
    if (map === undefined) throw new ControlError("the control table holds no routing map; run `npm run cells -- status` first");
    const next = cellsWithActive(map, cellId);
    const planned: PlannedMove[] = [];
    for (const [from, table] of Object.entries(plane.cells)) {
        if (from === cellId) continue;
        for (const [customerId, rows] of await table.customers()) {
            if (rows === 0 || ownerInMap(map, customerId) !== from) continue;
            // A pinned customer stays where the pin says.
            if (Object.hasOwn(map.overrides, customerId)) continue;
            if (hashOwner(next, customerId) !== cellId) continue;
            const marker = await table.marker(customerId);
            if (marker?.state === "moved") continue;
            planned.push({ customerId, from, to: cellId, rows });
        }
    }
    return planned.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

export interface RebalanceProgress {
    pass: number;
    done: number;
    total: number;
    customerId: string;
}

/** Moves every planned customer, pass after pass, until a pass finds no one. Returns the moves made. */
export async function rebalance(plane: ControlPlane, cellId: string, options: MoveOptions & { onProgress?: (p: RebalanceProgress) => void; maxPasses?: number } = {}): Promise<PlannedMove[]> {
    const made: PlannedMove[] = [];
    for (let pass = 1; pass <= (options.maxPasses ?? 10); pass++) {
        const planned = await planRebalance(plane, cellId);
        if (planned.length === 0) return made;
        let done = 0;
        for (const p of planned) {
            await moveCustomer(plane, p.customerId, cellId, options);
            made.push(p);
            options.onProgress?.({ pass, done: ++done, total: planned.length, customerId: p.customerId });
        }
    }
    throw new ControlError(`customers kept arriving in the old cells for ${options.maxPasses ?? 10} passes; run rebalance again`);
}

/**
 * Makes the standby `cellId` part of the hash (epoch + 1) after a last rebalance pass, and drops every override the
 * hash now agrees with. Returns the new map.
 */
export async function activate(plane: ControlPlane, cellId: string, options: MoveOptions & { onProgress?: (p: RebalanceProgress) => void } = {}): Promise<{ map: ControlMap; moved: PlannedMove[]; dropped: string[] }> {
    const moved = await rebalance(plane, cellId, options);
    let dropped: string[] = [];
    const map = await plane.store.updateMap(m => {
        const cells = cellsWithActive(m, cellId);
        const overrides: Record<string, string> = {};
        dropped = [];
        for (const [customer, cell] of Object.entries(m.overrides)) {
            if (hashOwner(cells, customer) === cell) dropped.push(customer);
            else overrides[customer] = cell;
        }
        return { ...m, cells, overrides };
    });
    return { map, moved, dropped };
}
