/**
 * The routing table the router is deployed with (a file in its code package, so routing needs no call to any
 * other service). Pure types and constants shared by the program (which writes it) and the router (which reads it).
 */
export const ROUTING_TABLE_FILE = "routing.json";

export type RoutingMode = "invoke" | "redirect";
export type CellState = "active" | "disabled";

export interface RoutedCell {
    /** The cell id. The position in `cells` is what the hash maps to: cells are only ever appended. */
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
