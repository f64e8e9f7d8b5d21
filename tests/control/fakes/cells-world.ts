/**
 * A small stack on a local DynamoDB for the control-plane tests: cell tables and a control table, the real cell API
 * of each cell, and the real router in invoke mode in front of them, calling the cells in process. Every DynamoDB
 * call (the cell APIs', the router's map reads, the control plane's) can pass a {@link Gate}, which the property test
 * uses to run the actors one call at a time in an order it chooses.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { InvokeCommand, InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import { createCellApi } from "../../../handlers/cell-api";
import { LiveMap } from "../../../handlers/clients/live-map";
import { controlTableReader } from "../../../handlers/clients/live-map";
import { ControlMap, ownershipWithMap, routingTableWithMap } from "../../../handlers/lib/control-map";
import { Ownership, OwnershipTable, ownershipFor } from "../../../handlers/lib/ownership";
import { CompiledRoutingTable } from "../../../handlers/lib/routing";
import type { RoutingTable } from "../../../handlers/lib/routing-table";
import { RouterClock, RoutingTableSource, createRouter } from "../../../handlers/router";
import { CellTable } from "../../../control/cell-table";
import type { ControlPlane } from "../../../control/move";
import { ControlStore } from "../../../control/store";
import type { LocalDynamo } from "../../handlers/fakes/cell-api-dynamo";
import { TENANT_CLAIM, v2Event } from "../../handlers/fakes/routing-events";

/** Something every DynamoDB call waits on before it is sent, and tells when it is done. */
export interface Gate {
    enter(what: string): Promise<void>;
    leave(): void;
}

export const OPEN_GATE: Gate = { enter: () => Promise.resolve(), leave: () => undefined };

/** A document client whose every call passes `gate` (`observe` sees each call that succeeded, in order). */
export function gatedClient(client: DynamoDBDocumentClient, gate: () => Gate, observe?: (input: Record<string, unknown>, name: string) => void): DynamoDBDocumentClient {
    return new Proxy(client, {
        get(target, prop, receiver) {
            if (prop !== "send") return Reflect.get(target, prop, receiver);
            return async (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
                const g = gate();
                await g.enter(command.constructor.name);
                try {
                    const out = await (target.send as (c: unknown) => Promise<unknown>)(command);
                    observe?.(command.input, command.constructor.name);
                    return out;
                } finally {
                    g.leave();
                }
            };
        },
    });
}

/** A clock whose timers never fire: the router then always waits for the map read it asked for. */
export const STILL_CLOCK: RouterClock = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined };

export interface World {
    plane: ControlPlane;
    cells: string[];
    tables: Record<string, string>;
    controlTable: string;
    /** The router's answer to one request by the customer itself. */
    request(method: string, customerId: string, itemId: string | undefined, headers?: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string>; body: string }>;
    /** The router's live map (to make it read the control table, or see its epoch). */
    routerMap: LiveMap<RoutingTableSource>;
}

export function initialMap(cells: Array<{ id: string; state: "active" | "standby" | "disabled" }>): ControlMap {
    return { version: 1, epoch: 1, cells, overrides: {} };
}

/**
 * Tables `<prefix>-<cell>` and `<prefix>-control` (created), the map written at epoch 1, a cell API per cell and a
 * router. `gate` is asked for the gate of each call (so a test can change it between phases).
 */
export async function buildWorld(dynamo: LocalDynamo, prefix: string, cells: Array<{ id: string; state: "active" | "standby" | "disabled" }>,
    options: { gate?: () => Gate; observe?: (input: Record<string, unknown>, name: string) => void; createTables?: boolean } = {}): Promise<World> {
    const gate = options.gate ?? (() => OPEN_GATE);
    const client = gatedClient(dynamo.client, gate, options.observe);
    const tables = Object.fromEntries(cells.map(c => [c.id, `${prefix}-${c.id}`]));
    const controlTable = `${prefix}-control`;
    if (options.createTables !== false) for (const name of [...Object.values(tables), controlTable]) await dynamo.createTable(name);
    const store = new ControlStore(client, controlTable);
    const map = initialMap(cells);
    if (!(await store.swapMap(0, map))) throw new Error("the map was written before");
    const plane: ControlPlane = { store, cells: Object.fromEntries(cells.map(c => [c.id, new CellTable(client, c.id, tables[c.id]!)])) };

    // What each function was deployed with: the packaged tables, as the program writes them (standby out of the hash).
    const packagedOwnership: OwnershipTable = {
        version: 1, cells: cells.filter(c => c.state !== "standby").map(c => c.id), standby: cells.filter(c => c.state === "standby").map(c => c.id), pinned: {},
    };
    const packagedRouting: RoutingTable = { version: 1, mode: "invoke", cells: cells.map(c => ({ id: c.id, state: c.state, functionName: `fn-${c.id}:live` })), pinned: {} };
    const logger = new Logger({ serviceName: "cells-world", logLevel: "SILENT" });
    const reader = controlTableReader(client, controlTable);
    const apis = new Map(cells.map(c => {
        const ownershipMap = new LiveMap<Ownership>({
            floor: ownershipFor(c.id, packagedOwnership), read: reader, refreshMs: Number.POSITIVE_INFINITY,
            apply: m => ownershipFor(c.id, ownershipWithMap(packagedOwnership, m)),
        });
        const ownership: Ownership = { cellId: c.id, owns: id => ownershipMap.current().owns(id), ownerOf: id => ownershipMap.current().ownerOf(id) };
        return [`fn-${c.id}:live`, createCellApi({ cellId: c.id, tableName: tables[c.id], tenantClaim: TENANT_CLAIM, logger, ownership, tables: { clientFor: async () => client } })];
    }));
    const routerMap = new LiveMap<RoutingTableSource>({
        floor: new CompiledRoutingTable(packagedRouting), read: reader, refreshMs: Number.POSITIVE_INFINITY,
        apply: m => new CompiledRoutingTable(routingTableWithMap(packagedRouting, m)),
    });
    const lambda = {
        async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
            const api = apis.get(String(command.input.FunctionName));
            if (api === undefined) throw Object.assign(new Error("no such function"), { name: "ResourceNotFoundException" });
            const event = JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString("utf8"));
            const result = await api(event);
            return { $metadata: {}, StatusCode: 200, Payload: Buffer.from(JSON.stringify(result)) as unknown as InvokeCommandOutput["Payload"] };
        },
    };
    const router = createRouter({ table: routerMap.current(), liveMap: routerMap, tenantClaim: TENANT_CLAIM, lambda, logger, breaker: false, clock: STILL_CLOCK });
    let n = 0;
    return {
        plane, cells: cells.map(c => c.id), tables, controlTable, routerMap,
        async request(method, customerId, itemId, headers = {}, body) {
            const event = v2Event({
                method, path: `/customers/${customerId}/items${itemId === undefined ? "" : `/${itemId}`}`, headers, body,
                requestId: `${prefix}-r${n++}`,
            });
            const out = await router(event) as APIGatewayProxyResult;
            return { status: out.statusCode, headers: Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])), body: out.body };
        },
    };
}
