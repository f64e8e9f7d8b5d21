/**
 * Where a customer's data is, as the cell holding it sees it: the placement marker, one row in the customer's own
 * partition (`CUSTOMER#<customerId>` / `PLACEMENT`) that the control plane (control/move.ts) writes while it moves
 * the customer between cells. Pure: the row's shape, the condition every write checks, and what a marker means.
 *
 * | state      | written on            | the cell then                                                                |
 * |------------|-----------------------|------------------------------------------------------------------------------|
 * | (none)     |                       | serves the customer if the routing map says it is this cell's               |
 * | `fenced`   | the source, first     | serves reads; refuses writes (503, Retry-After): the copy is being made      |
 * | `incoming` | the target, at copy   | refuses reads and writes (503): the copy is not the customer's data yet     |
 * | `owned`    | the target, at flip   | serves the customer, whatever the routing map says                           |
 * | `moved`    | the source, at flip   | refuses (421 naming `to`; events are forwarded to the owner, never dropped)  |
 *
 * Every write of the customer's partition checks the marker in the same TransactWriteItems (a ConditionCheck with
 * {@link WRITABLE_CONDITION}), so no write lands in a fenced, incoming or moved copy, however it races the move.
 */
import { keys } from "./table";

export const PLACEMENT_STATES = ["fenced", "incoming", "owned", "moved"] as const;
export type PlacementState = (typeof PLACEMENT_STATES)[number];

/** How long a client is told to wait before retrying a write refused by a fence, in seconds. */
export const FENCE_RETRY_AFTER_SECONDS = 1;

export interface PlacementMarker {
    customerId: string;
    state: PlacementState;
    /** The move that wrote the marker (control/move.ts `moveId`). */
    moveId: string;
    /** The cell the customer is moving from (on the target's marker). */
    from?: string;
    /** The cell the customer is moving or moved to (on the source's marker). */
    to?: string;
    /** The routing map's epoch that made the move (set at the flip). */
    epoch?: number;
    /** When the marker was last written (ISO 8601). */
    at: string;
}

export const placementKey = (customerId: string) => keys.placement(customerId);

/** The marker's attribute that holds its state (`state` is a DynamoDB reserved word, so a name of our own). */
export const PLACEMENT_STATE_ATTRIBUTE = "placement";

/** The condition on the marker row under which the customer's partition may be written: no marker, or `owned`. */
export const WRITABLE_CONDITION = {
    expression: "attribute_not_exists(pk) OR #placement = :owned",
    names: { "#placement": PLACEMENT_STATE_ATTRIBUTE },
    values: { ":owned": "owned" },
} as const;

/** The ConditionCheck entry of a transaction that writes `customerId`'s partition in `tableName`. */
export function writableCheck(tableName: string, customerId: string) {
    return {
        ConditionCheck: {
            TableName: tableName,
            Key: placementKey(customerId),
            ConditionExpression: WRITABLE_CONDITION.expression,
            ExpressionAttributeNames: { ...WRITABLE_CONDITION.names },
            ExpressionAttributeValues: { ...WRITABLE_CONDITION.values },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
        },
    };
}

/** The marker row as the table stores it. */
export function placementRow(m: PlacementMarker): Record<string, string | number> {
    return {
        ...placementKey(m.customerId),
        customerId: m.customerId,
        [PLACEMENT_STATE_ATTRIBUTE]: m.state,
        moveId: m.moveId,
        ...(m.from === undefined ? {} : { from: m.from }),
        ...(m.to === undefined ? {} : { to: m.to }),
        ...(m.epoch === undefined ? {} : { epoch: m.epoch }),
        at: m.at,
    };
}

/** A stored row read back as a marker; `undefined` for no row or a row that is not one. */
export function parsePlacement(row: Record<string, unknown> | undefined): PlacementMarker | undefined {
    if (row === undefined) return undefined;
    const state = row[PLACEMENT_STATE_ATTRIBUTE];
    if (typeof row.customerId !== "string" || !PLACEMENT_STATES.includes(state as PlacementState) || typeof row.moveId !== "string") return undefined;
    return {
        customerId: row.customerId,
        state: state as PlacementState,
        moveId: row.moveId,
        ...(typeof row.from === "string" ? { from: row.from } : {}),
        ...(typeof row.to === "string" ? { to: row.to } : {}),
        ...(typeof row.epoch === "number" ? { epoch: row.epoch } : {}),
        at: typeof row.at === "string" ? row.at : "",
    };
}

/** What a cell does with a customer given its marker (`undefined`: no marker, the routing map decides). */
export type PlacementVerdict =
    | { kind: "map" }
    | { kind: "serve" }
    /** Reads are served, writes refused with 503 (a fence). */
    | { kind: "read-only"; moveId: string }
    /** Neither reads nor writes (the copy being made). */
    | { kind: "unavailable"; moveId: string }
    /** The customer is another cell's now. */
    | { kind: "moved"; owner: string };

export function placementVerdict(marker: PlacementMarker | undefined): PlacementVerdict {
    if (marker === undefined) return { kind: "map" };
    switch (marker.state) {
        case "owned": return { kind: "serve" };
        case "fenced": return { kind: "read-only", moveId: marker.moveId };
        case "incoming": return { kind: "unavailable", moveId: marker.moveId };
        case "moved": return { kind: "moved", owner: marker.to ?? "unknown" };
    }
}

/**
 * A write refused because of the customer's marker: `fenced` (a move is copying the customer: retry shortly) or
 * `moved` (the customer is `owner`'s now: send it there).
 */
export class PlacementRefusedError extends Error {
    constructor(readonly customerId: string, readonly verdict: Exclude<PlacementVerdict, { kind: "map" } | { kind: "serve" }>) {
        super(verdict.kind === "moved"
            ? `customer ${customerId} has moved to cell ${verdict.owner}`
            : `customer ${customerId} is being moved (move ${verdict.moveId}); retry in ${FENCE_RETRY_AFTER_SECONDS} s`);
        this.name = "PlacementRefusedError";
    }
}

export function isPlacementRefused(err: unknown): err is PlacementRefusedError {
    return err instanceof PlacementRefusedError || (err instanceof Error && err.name === "PlacementRefusedError" && "verdict" in err);
}

/** The error for a write whose ConditionCheck on the marker failed, from the marker the cancellation returned. */
export function refusalOf(customerId: string, markerRow: Record<string, unknown> | undefined): PlacementRefusedError {
    const verdict = placementVerdict(parsePlacement(markerRow));
    // A failed check always has a marker in a refusing state; an unreadable one is treated as a fence (retried).
    if (verdict.kind === "map" || verdict.kind === "serve") return new PlacementRefusedError(customerId, { kind: "read-only", moveId: "unknown" });
    return new PlacementRefusedError(customerId, verdict);
}
