import * as assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import type { InvokeCommand, InvokeCommandOutput } from "@aws-sdk/client-lambda";
import type { APIGatewayProxyResult } from "aws-lambda";
import { LiveMap } from "../../handlers/clients/live-map";
import { ControlMap, routingTableWithMap } from "../../handlers/lib/control-map";
import { CompiledRoutingTable, cellIndexFor } from "../../handlers/lib/routing";
import type { RoutingTable } from "../../handlers/lib/routing-table";
import { RoutingTableSource, createRouter } from "../../handlers/router";
import { v2Event } from "./fakes/routing-events";
import { STILL_CLOCK } from "../control/fakes/cells-world";

const PACKAGED: RoutingTable = {
    version: 1, mode: "invoke", pinned: {},
    cells: [{ id: "cell-a", state: "active", functionName: "fn-a:live" }, { id: "cell-b", state: "active", functionName: "fn-b:live" }],
};

/** A customer the hash over [a, b] sends to cell-a. */
const CUSTOMER = (() => { for (let i = 0; ; i++) if (cellIndexFor(`live-${i}`, 2) === 0) return `live-${i}`; })();

const MAP: ControlMap = { version: 1, epoch: 7, cells: [{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }], overrides: { [CUSTOMER]: "cell-b" } };

/** A router whose cells answer with their function's name; `read` is the control table. */
function routerWith(read: () => Promise<unknown>) {
    const live = new LiveMap<RoutingTableSource>({
        floor: new CompiledRoutingTable(PACKAGED), read, refreshMs: 5_000, readTimeoutMs: 20, now: () => clock,
        apply: m => new CompiledRoutingTable(routingTableWithMap(PACKAGED, m)),
    });
    const lambda = {
        async send(command: InvokeCommand): Promise<InvokeCommandOutput> {
            const body = JSON.stringify({ cell: command.input.FunctionName });
            return { $metadata: {}, StatusCode: 200, Payload: Buffer.from(JSON.stringify({ statusCode: 200, headers: {}, body })) as unknown as InvokeCommandOutput["Payload"] };
        },
    };
    const router = createRouter({ table: live.current(), liveMap: live, tenantClaim: "tenant_id", lambda, logger: new Logger({ logLevel: "SILENT" }), breaker: false, clock: STILL_CLOCK });
    return {
        live,
        async cellFor(customer: string): Promise<string> {
            const out = await router(v2Event({ method: "GET", path: `/customers/${customer}/items` })) as APIGatewayProxyResult;
            assert.equal(out.statusCode, 200);
            return (JSON.parse(out.body) as { cell: string }).cell;
        },
    };
}

let clock = 0;

describe("router: the live map with static stability (clients/live-map.ts)", () => {
    beforeEach(() => {
        clock = 0;
    });

    it("routes with the map from the control table once it has read it", async () => {
        const r = routerWith(async () => MAP);
        await r.live.refresh();
        assert.equal(await r.cellFor(CUSTOMER), "fn-b:live");
        assert.equal(r.live.epoch, 7);
    });

    it("keeps routing with the last good map while the control table is down, hangs or holds garbage", async () => {
        let answer: () => Promise<unknown> = async () => MAP;
        const r = routerWith(() => answer());
        await r.live.refresh();
        for (const broken of [
            () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { name: "ServiceUnavailable" })),
            () => new Promise<unknown>(() => undefined),
            async () => ({ version: 1, epoch: 8, cells: [], overrides: {} }),
            async () => ({ ...MAP, epoch: 3, overrides: {} }),
            async () => ({ ...MAP, epoch: 9, cells: [...MAP.cells, { id: "cell-unknown", state: "active" }] }),
        ]) {
            answer = broken;
            clock += 10_000;
            // The stale map starts a background read that fails, never returns or is refused: the request does not wait.
            assert.equal(await r.cellFor(CUSTOMER), "fn-b:live");
            assert.equal(r.live.epoch, 7);
            await r.live.refresh();
            assert.equal(r.live.epoch, 7);
        }
        // A hung read was given up: the next good map is still picked up.
        answer = async () => ({ ...MAP, epoch: 10, overrides: {} });
        clock += 10_000;
        await r.live.refresh();
        assert.equal(r.live.epoch, 10);
        assert.equal(await r.cellFor(CUSTOMER), "fn-a:live");
    });

    it("routes with the packaged table on a cold start while the control table is down", async () => {
        const r = routerWith(() => Promise.reject(new Error("control table unreachable")));
        assert.equal(await r.cellFor(CUSTOMER), "fn-a:live");
        await r.live.refresh();
        assert.equal(await r.cellFor(CUSTOMER), "fn-a:live");
        assert.equal(r.live.epoch, 0);
    });

    it("reads the control table at most once per refresh period, in the background", async () => {
        let reads = 0;
        const r = routerWith(async () => { reads++; return MAP; });
        await r.live.refresh();
        for (let i = 0; i < 5; i++) await r.cellFor(CUSTOMER);
        assert.equal(reads, 1);
        clock += 5_000;
        await r.cellFor(CUSTOMER);
        await r.live.refresh();
        assert.equal(reads, 3);
    });
});
