/**
 * The router's metrics per cell: what the router publishes (handlers/router.ts, as Powertools EMF) and what the
 * dashboards and the breaker alarms read (components/router.ts, components/cell.ts). Pure: names only.
 *
 * Every metric is a count in the `cellular` namespace with exactly one dimension, `cell` (the cell id).
 */

/** The dimension that names the cell. */
export const CELL_DIMENSION = "cell";

export const ROUTER_METRICS = {
    /** Every request routed to the cell, whatever happened next. */
    routed: "Routed",
    /** Answered 429 at once: the cell's reserved concurrency was full, so Lambda shed the call. */
    shed: "Shed",
    /** Answered 503 at once, without invoking: the cell's breaker was open. */
    breakerOpen: "BreakerOpen",
    /** Answered 504: the cell did not answer within its time budget (or Lambda reported that it timed out). */
    cellTimeouts: "CellTimeouts",
} as const;

export type RouterMetricName = (typeof ROUTER_METRICS)[keyof typeof ROUTER_METRICS];

/** Where the router counts; one document per invocation is published by `flush`. */
export interface RouterMetrics {
    count(cellId: string, metric: RouterMetricName): void;
    /** Publishes what was counted during the invocation (called once at its end). */
    flush(): void;
}
