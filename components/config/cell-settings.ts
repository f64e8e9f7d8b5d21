/**
 * A cell's settings: what `cellular:defaults` holds for every cell, and each entry of `cellular:cells` on top (its
 * id, wave and state besides). Pure.
 */
import { EventSourceKind } from "../event-sources/kind";
import { EVENT_SOURCE_KINDS, EVENT_SOURCES, EventSourceModules } from "../event-sources/registry";
import { ASYNC_SECTION, AsyncSettings } from "./async-settings";
import { ValuesOf, custom, integer, oneOf, section } from "./fields";
import { FunctionSettings, SynchronousFunctionSettings, checkFunction, checkSqsFedFunction, checkSynchronousFunction, functionFields, logRetentionField, synchronousFunctionFields } from "./function-settings";
import { LIMITS } from "./limits";

export const CELL_ID = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
export const CELL_ID_RULE = `cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most ${LIMITS.cellIdLength} characters`;
export const CELL_STATES = ["standby", "active", "disabled"] as const;
export type CellState = (typeof CELL_STATES)[number];

const API_CALLER = "a cell's API function is behind API Gateway or invoked synchronously by the router, so it";

/** How the router treats one cell (invoke mode): `cellular:defaults.router` and `cellular:cells[i].router`. */
export const CELL_ROUTER_SECTION = section("How the router treats the cell (invoke mode)", {
    cellTimeoutMs: integer({ min: 1, max: LIMITS.synchronousTimeoutSeconds * 1000, default: 1000,
        allowed: `1–${LIMITS.synchronousTimeoutSeconds * 1000}; at most the cell's timeoutSeconds`,
        description: "The cell's time budget: the longest the router waits for it before answering 504 and freeing itself, so a hung cell holds the shared router at most this long per request" }),
});

const eventSourceSections = Object.fromEntries(EVENT_SOURCE_KINDS.map(kind => [kind, EVENT_SOURCES[kind].settings])) as
    { [K in EventSourceKind]: EventSourceModules[K]["settings"] };

/** The settings of every cell (`cellular:defaults`), and of one (an entry of `cellular:cells`). */
export const CELL_SETTINGS = section("A cell's settings", {
    ...synchronousFunctionFields({ memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 10, provisionedConcurrency: 0 },
        "; in invoke mode, below the router's"),
    logRetentionDays: logRetentionField(30, "Retention of every log group of the cell, in days"),
    eventSources: section("The cell's event sources; each is off unless enabled", eventSourceSections),
    async: ASYNC_SECTION,
    failureHandler: section("The function that drains the cell's failure queue", {
        ...functionFields({ memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 2 }),
        retentionDays: integer({ min: LIMITS.failureRetentionDays.min, max: LIMITS.failureRetentionDays.max, default: 30,
            description: "How long a failed event is kept, in days: its FAILURE# row (the table's TTL) and its body under the bucket's failures/ (a lifecycle rule)" }),
    }, (v, at) => {
        checkFunction(v, at);
        checkSqsFedFunction(v, at);
    }),
    router: CELL_ROUTER_SECTION,
}, (v, at) => checkSynchronousFunction(v, at, API_CALLER));

/** What an entry of `cellular:cells` holds besides the cell's settings. */
export const CELL_ENTRY = section("One cell", {
    id: custom<string>({
        default: "", type: "string", required: CELL_ID_RULE, allowed: `DNS-safe, ≤ ${LIMITS.cellIdLength} characters, unique`,
        description: "The cell's id: part of every physical name of the cell",
        read(value, path, problems) {
            if (typeof value !== "string" || !CELL_ID.test(value)) {
                problems.add(path, value, CELL_ID_RULE);
                return undefined;
            }
            if (value.length > LIMITS.cellIdLength) problems.add(path, value, `cell ids are at most ${LIMITS.cellIdLength} characters`);
            return value;
        },
    }),
    wave: integer({ min: 0, max: LIMITS.waves.max, default: 0, allowed: "waves numbered from 0 without gaps",
        description: "Deployment wave: wave 0 (the canary) rolls out first, then 1, 2, ..." }),
    state: oneOf(CELL_STATES, { default: "active", description: "A `standby` cell is deployed but serves no one and is not part of the hash (add new cells so, then `npm run cells -- rebalance` and `activate`); a `disabled` cell answers 503 to its own customers only" }),
});

export type EventSources = { [K in EventSourceKind]: ValuesOf<EventSourceModules[K]["settings"]["fields"]> };

/** One cell's settings, read and validated. */
export interface CellSettings {
    id: string;
    /** Position in the ordered cell list (the routing hash depends on it: cells are only ever appended). */
    index: number;
    /** Deployment wave: wave 0 (the canary) rolls out first, then 1, 2, ... */
    wave: number;
    /**
     * `standby`: deployed, not part of the hash, serves only customers moved or pinned to it; `disabled`: answers 503
     * to its own customers; no other cell is affected.
     */
    state: CellState;
    /** The API function: behind API Gateway, or invoked by the router. */
    api: SynchronousFunctionSettings;
    logRetentionDays: number;
    eventSources: EventSources;
    async: AsyncSettings;
    failureHandler: FailureHandlerSettings;
    router: CellRouterSettings;
}

/** The failure handler's function settings, and how long the failed events it records are kept. */
export type FailureHandlerSettings = FunctionSettings & { retentionDays: number };

export type CellRouterSettings = ValuesOf<typeof CELL_ROUTER_SECTION.fields>;

export type CellSettingsValues = ValuesOf<typeof CELL_SETTINGS.fields>;

/** Splits the section's values into the typed cell (the API function's settings are the cell's top-level ones). */
export function toCellSettings(entry: ValuesOf<typeof CELL_ENTRY.fields>, index: number, v: CellSettingsValues): CellSettings {
    const { memoryMb, timeoutSeconds, reservedConcurrency, provisionedConcurrency, memoryJustification } = v;
    return {
        id: entry.id === "" ? `cell-${index}` : entry.id,
        index,
        wave: entry.wave,
        state: entry.state,
        api: { memoryMb, timeoutSeconds, reservedConcurrency, provisionedConcurrency, ...(memoryJustification === undefined ? {} : { memoryJustification }) },
        logRetentionDays: v.logRetentionDays,
        eventSources: v.eventSources as EventSources,
        async: v.async,
        failureHandler: v.failureHandler,
        router: v.router,
    };
}

