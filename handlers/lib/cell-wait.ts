/**
 * How long the router waits for a cell before it answers 504 and frees itself. Pure.
 *
 * The cell's time budget (`router.cellTimeoutMs`, written into the routing table by the program) bounds how long
 * one request can hold a router instance, so a hung cell holds the shared router for at most that long per request;
 * the router's own remaining time (less a margin to answer) bounds it too, so the router answers before Lambda ends
 * it.
 */

/** Time kept back from the router's own deadline to answer 504 before Lambda ends the router. */
export const RESPONSE_MARGIN_MS = 500;

/**
 * The wait for one cell call, in milliseconds: the smaller of the cell's budget and the router's remaining time less
 * the margin; `undefined` when neither is known (no budget, no Lambda context). Zero or less: no time is left, so
 * the router must answer 504 without invoking.
 */
export function cellWaitMs(cellBudgetMs: number | undefined, remainingMs: number | undefined, marginMs = RESPONSE_MARGIN_MS): number | undefined {
    const limits = [cellBudgetMs, remainingMs === undefined ? undefined : remainingMs - marginMs].filter((v): v is number => v !== undefined);
    return limits.length === 0 ? undefined : Math.min(...limits);
}
