/**
 * How a cell's asynchronously invoked functions retry, and where their failed (and, optionally, successful)
 * events go. Pure.
 */
import { ValuesOf, integer, oneOf, section } from "./fields";
import { LIMITS } from "./limits";

export const DESTINATION_KINDS = ["queue", "topic", "bus", "function"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const ASYNC_SECTION = section("How asynchronously invoked functions retry and where their events go", {
    maximumRetryAttempts: integer({ min: LIMITS.asyncRetries.min, max: LIMITS.asyncRetries.max, default: 2,
        description: "Retries after the first attempt" }),
    maximumEventAgeSeconds: integer({ min: LIMITS.maximumEventAgeSeconds.min, max: LIMITS.maximumEventAgeSeconds.max,
        default: 3600, description: "Events older than this go to the on-failure destination" }),
    onFailure: oneOf(DESTINATION_KINDS, { default: "queue",
        description: "Where failures go: the cell's failure queue, an SNS topic feeding it, the default event bus (with a rule feeding it), or the failure handler" }),
    onSuccess: oneOf(["none", ...DESTINATION_KINDS], { default: "none", description: "An optional on-success destination, as above" }),
});

export type AsyncSettings = ValuesOf<typeof ASYNC_SECTION.fields>;

/** Whether any of the cell's destinations is of this kind (so its target must exist). */
export function usesDestination(settings: AsyncSettings, kind: DestinationKind): boolean {
    return settings.onFailure === kind || settings.onSuccess === kind;
}
