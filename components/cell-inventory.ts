/**
 * What a cell has, from its settings alone: its functions (in the order the cell creates them) and the physical
 * name of everything it names. The cell builds from this, and the config checks (concurrency budget, quotas, name
 * lengths), the alarms and the dashboards count from it, so "which functions does a cell have" has one answer.
 */
import { usesDestination, usesSuccessQueue } from "./config/async-settings";
import type { CellSettings } from "./config/cell-settings";
import type { FunctionSettings } from "./config/function-settings";
import type { RouterMode } from "./config/router-settings";
import { API_FUNCTION, FAILURE_HANDLER } from "./core-functions";
import type { EventSourceKind } from "./event-sources/kind";
import { EVENT_SOURCE_KINDS, moduleOf } from "./event-sources/registry";
import { Names, PhysicalName } from "./names";
import { PRE_TRAFFIC_HOOK } from "./rollout/hook-function";

/** How a function is invoked: by API Gateway or the router, by Lambda's async queue, or by an event source mapping. */
export type Invocation = "sync" | "async" | "poll";

export interface CellFunction {
    /** The suffix of its physical name and its Powertools service name. */
    kind: string;
    /** `handlers/<handler>.ts`. */
    handler: string;
    settings: FunctionSettings;
    invocation: Invocation;
    /** The event source it serves, if it serves one. */
    source?: EventSourceKind;
}

/** The cell's alarms, by the suffix of their names. */
export const CELL_ALARMS = ["errors", "throttles", "failed-events"] as const;

/**
 * The cell's alarms that roll a deployment of its API back (with the router's breaker alarm of the cell): what new
 * code breaks at once. Failed events waiting in a queue may be old ones; the wave gate watches that alarm too.
 */
export const ROLLBACK_ALARMS = ["errors", "throttles"] as const satisfies readonly (typeof CELL_ALARMS)[number][];

/** The event sources a cell has switched on, in registry order. */
export function enabledSources(cell: CellSettings): EventSourceKind[] {
    return EVENT_SOURCE_KINDS.filter(kind => cell.eventSources[kind].enabled);
}

/** Every function of a cell with its settings: the API, one per enabled source, the failure handler. */
export function cellFunctions(cell: CellSettings): CellFunction[] {
    return [
        { ...API_FUNCTION, settings: cell.api, invocation: "sync" },
        ...enabledSources(cell).map((source): CellFunction => {
            const fn = moduleOf(source).function;
            return { kind: fn.kind, handler: fn.handler, settings: cell.eventSources[source], invocation: fn.invocation, source };
        }),
        // Drained from the failure queue; with the `function` destination also invoked asynchronously.
        { ...FAILURE_HANDLER, settings: cell.failureHandler, invocation: usesDestination(cell.async, "function") ? "async" : "poll" },
    ];
}

/** The physical names of every event-source resource of a cell. */
export function sourceNames(names: Names, cell: CellSettings): PhysicalName[] {
    return enabledSources(cell).flatMap(kind => Object.values(moduleOf(kind).names(names, cell.id, cell.eventSources[kind]) as Record<string, PhysicalName>));
}

/** Every physical name a cell gives its resources (`preTrafficHook`: with `cellular:rollout.preTrafficHook`). */
export function cellNames(names: Names, cell: CellSettings, routerMode: RouterMode, preTrafficHook = false): PhysicalName[] {
    const id = cell.id;
    const out: PhysicalName[] = [];
    for (const fn of [...cellFunctions(cell), ...(preTrafficHook ? [PRE_TRAFFIC_HOOK] : [])]) {
        const name = names.cellFunction(id, fn.kind);
        out.push({ kind: "function", name }, { kind: "role", name: names.functionRole(name) }, { kind: "logGroup", name: names.logGroup(name) });
    }
    out.push(
        { kind: "table", name: names.table(id) },
        { kind: "role", name: names.cellDataRole(id) },
        { kind: "queue", name: names.failureQueue(id) },
        { kind: "queue", name: names.lastResortQueue(id) },
        { kind: "dashboard", name: names.dashboard(id) },
        { kind: "parameter", name: names.dataParameter(id) },
        { kind: "codedeploy", name: names.deploymentGroup(id) },
        { kind: "role", name: names.codedeployRole(id) },
        ...CELL_ALARMS.map((what): PhysicalName => ({ kind: "alarm", name: names.alarm(id, what) })),
        ...sourceNames(names, cell),
    );
    if (usesDestination(cell.async, "topic")) out.push({ kind: "topic", name: names.failureTopic(id) });
    if (usesSuccessQueue(cell.async)) out.push({ kind: "queue", name: names.successQueue(id) });
    if (usesDestination(cell.async, "bus")) out.push({ kind: "eventRule", name: names.failureRule(id) });
    if (routerMode === "redirect") {
        out.push({ kind: "api", name: names.cellApi(id) }, { kind: "logGroup", name: names.accessLogGroup(names.cellApi(id)) });
    }
    return out;
}
