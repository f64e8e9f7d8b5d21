/** The cost tags: `cell` (the cell id or `shared`), `cost-center`, `environment`, plus any from `cellular:tags`. */
import { CellularConfig, SHARED_CELL_TAG } from "./config";

export type Tags = Record<string, string>;

export function cellTags(config: CellularConfig, cellId: string): Tags {
    return { ...config.tags, cell: cellId };
}

export function sharedTags(config: CellularConfig): Tags {
    return { ...config.tags, cell: SHARED_CELL_TAG };
}

/** Adds the `memory-justification` tag the policy pack accepts for memory above one vCPU. */
export function withJustification(tags: Tags, justification: string | undefined): Tags {
    return justification ? { ...tags, "memory-justification": justification } : tags;
}
