/**
 * The live routing map as a router or cell function holds it, with static stability: what it was deployed with (the
 * packaged table) is the floor; the map in the control table (lib/control-map.ts) is read in the background when
 * the one held is older than `refreshMs`, and replaces it only when it is valid, fits the deployed cells and has
 * an epoch at least as high. A control table that is down, slow or holds garbage changes nothing: the last good map
 * goes on being used, and no request waits for the control table unless it asks to ({@link LiveMap.refresh}).
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { CONTROL_KEYS, ControlMap, MAP_ATTRIBUTES, parseControlMap } from "../lib/control-map";
import type { DocumentClient } from "./tenant-tables";

/** Reads the map's document; `undefined` when there is none yet. */
export type MapReader = () => Promise<unknown>;

/** The reader of the deployed functions: one strongly consistent GetItem of the map item. */
export function controlTableReader(client: DocumentClient, tableName: string): MapReader {
    return async () => {
        const out = await client.send(new GetCommand({ TableName: tableName, Key: CONTROL_KEYS.map, ConsistentRead: true }));
        const text = out.Item?.[MAP_ATTRIBUTES.document];
        if (out.Item === undefined) return undefined;
        if (typeof text !== "string") throw new Error(`the map item has no ${MAP_ATTRIBUTES.document} text`);
        return JSON.parse(text) as unknown;
    };
}

export interface LiveMapOptions<T> {
    /** What the function was deployed with; used until a map is read (and if none ever is). */
    floor: T;
    read: MapReader;
    /** The deployed view under a map. @throws when the map does not fit what was deployed. */
    apply(map: ControlMap): T;
    /** @default 5000 */
    refreshMs?: number;
    /** A read that takes longer is given up (so a hung control table cannot stop later reads). @default 1000 */
    readTimeoutMs?: number;
    now?: () => number;
    /** Why a map was not used (logged by the caller); the last good one stays. */
    onRejected?: (reason: string) => void;
}

export class LiveMap<T> {
    private view: T;
    private epochHeld = 0;
    private readAt = Number.NEGATIVE_INFINITY;
    private inFlight: Promise<void> | undefined;
    private readonly refreshMs: number;
    private readonly readTimeoutMs: number;
    private readonly now: () => number;

    constructor(private readonly options: LiveMapOptions<T>) {
        this.view = options.floor;
        this.refreshMs = options.refreshMs ?? 5_000;
        this.readTimeoutMs = options.readTimeoutMs ?? 1_000;
        this.now = options.now ?? Date.now;
    }

    /** The epoch of the map in use (0: the packaged floor). */
    get epoch(): number {
        return this.epochHeld;
    }

    /** The view to use now; starts a background read when the one held is stale. Never waits, never throws. */
    current(): T {
        if (this.now() - this.readAt >= this.refreshMs && this.inFlight === undefined) void this.refresh();
        return this.view;
    }

    /** Reads the map now (one read at a time; a caller arriving during a read shares it). Never throws. */
    refresh(): Promise<void> {
        if (this.inFlight !== undefined) return this.inFlight;
        this.inFlight = this.readOnce().finally(() => {
            this.inFlight = undefined;
        });
        return this.inFlight;
    }

    private async readOnce(): Promise<void> {
        // Stamped before the read: a store that hangs or fails is asked again only after refreshMs.
        this.readAt = this.now();
        try {
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`the control table did not answer within ${this.readTimeoutMs} ms`)), this.readTimeoutMs);
                timer.unref?.();
            });
            const raw = await Promise.race([this.options.read(), timeout]).finally(() => clearTimeout(timer));
            if (raw === undefined) return;
            const map = parseControlMap(raw);
            if (map.epoch < this.epochHeld) {
                this.options.onRejected?.(`the map's epoch ${map.epoch} is below the one in use (${this.epochHeld})`);
                return;
            }
            const view = this.options.apply(map);
            this.view = view;
            this.epochHeld = map.epoch;
        } catch (err) {
            this.options.onRejected?.(err instanceof Error ? err.message : String(err));
        }
    }
}
