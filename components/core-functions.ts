/** The two functions every cell has, whatever its event sources: the API and the failure handler. Pure. */

/** The cell's API: behind API Gateway (redirect mode) or invoked by the router through its `live` alias. */
export const API_FUNCTION = { kind: "api", handler: "cell-api" } as const;
/** Drains the cell's failure queue. */
export const FAILURE_HANDLER = { kind: "failure-handler", handler: "failure-handler" } as const;
