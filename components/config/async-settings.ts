/**
 * How a cell's asynchronously invoked functions retry, and where their failed (and, optionally, successful)
 * events go. Pure.
 */
import { ValuesOf, integer, oneOf, section } from "./fields";
import { LIMITS } from "./limits";

export const DESTINATION_KINDS = ["queue", "topic", "bus", "function"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
/**
 * Where on-success records may go: their own sink, never the failure path (they would raise the failed-events
 * alarm, or pile up in the last-resort queue). `queue`: the cell's success queue; `bus`: the default event bus,
 * where the cell's failure rule does not match them.
 */
export const SUCCESS_DESTINATION_KINDS = ["queue", "bus"] as const;
export type SuccessDestinationKind = (typeof SUCCESS_DESTINATION_KINDS)[number];

export const ASYNC_SECTION = section("How asynchronously invoked functions retry and where their events go", {
    maximumRetryAttempts: integer({ min: LIMITS.asyncRetries.min, max: LIMITS.asyncRetries.max, default: 2,
        description: "Retries after the first attempt" }),
    maximumEventAgeSeconds: integer({ min: LIMITS.maximumEventAgeSeconds.min, max: LIMITS.maximumEventAgeSeconds.max,
        default: 3600, description: "Events older than this go to the on-failure destination" }),
    onFailure: oneOf(DESTINATION_KINDS, { default: "queue",
        description: "Where failures go: the cell's failure queue, an SNS topic feeding it, the default event bus (with a rule feeding it), or the failure handler" }),
    onSuccess: oneOf(["none", ...SUCCESS_DESTINATION_KINDS], { default: "none",
        description: "Where on-success records go, if anywhere: the cell's own success queue, or the default event bus; never the failure path" }),
});

export type AsyncSettings = ValuesOf<typeof ASYNC_SECTION.fields>;

/** Whether the cell's on-failure destination is of this kind (so its target must exist). */
export function usesDestination(settings: AsyncSettings, kind: DestinationKind): boolean {
    return settings.onFailure === kind;
}

/** Whether on-success records go to the cell's success queue (so the cell creates it). */
export function usesSuccessQueue(settings: AsyncSettings): boolean {
    return settings.onSuccess === "queue";
}
