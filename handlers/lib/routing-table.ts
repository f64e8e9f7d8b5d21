/**
 * The routing table the router is deployed with (a file in its code package, so routing needs no call to any
 * other service). Pure types and constants shared by the program (which writes it) and the router (which reads it).
 */
export const ROUTING_TABLE_FILE = "routing.json";

export type RoutingMode = "invoke" | "redirect";
/**
 * A cell's lifecycle: `standby` (deployed, serves no one unless moved or pinned to it, not part of the hash), `active`,
 * `disabled` (part of the hash; its customers get 503).
 */
export type CellState = "standby" | "active" | "disabled";
export const ROUTED_CELL_STATES: readonly CellState[] = ["standby", "active", "disabled"];

/** Whether a cell in this state is one of the jump hash's buckets (a standby cell is not, until it is activated). */
export function isHashed(state: CellState): boolean {
    return state !== "standby";
}

export interface RoutedCell {
    /**
     * The cell id. The position among the hashed (non-standby) cells is what the hash maps to: cells are only ever
     * appended.
     */
    id: string;
    state: CellState;
    /** invoke mode: the function (alias-qualified name, e.g. `cellular-dev-cell-a-api:live`) the router invokes. */
    functionName?: string;
    /** redirect mode: the cell's own API base URL (no trailing slash) that the router redirects to. */
    endpoint?: string;
    /**
     * invoke mode: the longest the router waits for this cell, in milliseconds, before it answers 504 (the cell's
     * `router.cellTimeoutMs`). Absent: the router waits until its own deadline.
     */
    budgetMs?: number;
}

export interface RoutingTable {
    version: 1;
    mode: RoutingMode;
    /** Ordered; the order is part of the hash scheme. */
    cells: RoutedCell[];
    /** customer id -> cell id; overrides the hash. */
    pinned: Record<string, string>;
}
