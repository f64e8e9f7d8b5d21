/** The cost tags: `cell` (the cell id or `shared`), `cost-center`, `environment`, plus any from `cellular:tags`. */
import { SHARED_CELL_TAG } from "./config/tags";

export type Tags = Record<string, string>;

export function cellTags(settings: { tags: Tags }, cellId: string): Tags {
    return { ...settings.tags, cell: cellId };
}

export function sharedTags(settings: { tags: Tags }): Tags {
    return { ...settings.tags, cell: SHARED_CELL_TAG };
}

/** Adds the `memory-justification` tag the policy pack accepts for memory above one vCPU. */
export function withJustification(tags: Tags, justification: string | undefined): Tags {
    return justification ? { ...tags, "memory-justification": justification } : tags;
}
