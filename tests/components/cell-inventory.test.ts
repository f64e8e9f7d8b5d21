import { strict as assert } from "assert";
import { cellFunctions, cellNames, enabledSources } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";
import { quotaUsage } from "../../components/config/checks";
import { EVENT_SOURCE_KINDS, EVENT_SOURCES } from "../../components/event-sources/registry";
import { edit, Json, Raw, stackConfig } from "../fixtures/stack";

function settingsOf(raw: Raw) {
    return loadSettings(raw, { project: "cellular", stack: "dev" });
}

/** dev with only these sources on, in every cell (cell-c's own FIFO queue dropped). */
const onlySources = (...kinds: string[]) => edit(edit(stackConfig("dev"), "defaults", d => {
    for (const [kind, source] of Object.entries(d.eventSources) as Array<[string, Json]>) source.enabled = kinds.includes(kind);
}), "cells", c => { c[2] = { id: "cell-c" }; });

describe("what a cell has (components/cell-inventory.ts)", () => {
    it("lists the API, one function per enabled source in registry order, then the failure handler", () => {
        const [cell] = settingsOf(stackConfig("dev")).cells;
        assert.deepEqual(cellFunctions(cell!).map(f => [f.kind, f.handler, f.invocation, f.source]), [
            ["api", "cell-api", "sync", undefined],
            // dev has every source on but the ALB (it has no listener for it).
            ...EVENT_SOURCE_KINDS.filter(kind => kind !== "alb").map(kind => [EVENT_SOURCES[kind].function.kind, EVENT_SOURCES[kind].function.handler, EVENT_SOURCES[kind].function.invocation, kind]),
            ["failure-handler", "failure-handler", "poll", undefined],
        ]);
        assert.deepEqual(cellFunctions(cell!).find(f => f.kind === "ingest")!.settings, cell!.eventSources.bucket);
    });

    it("leaves out the functions of the sources that are off", () => {
        const [cell] = settingsOf(onlySources("queue", "kinesis")).cells;
        assert.deepEqual(enabledSources(cell!), ["queue", "kinesis"]);
        assert.deepEqual(cellFunctions(cell!).map(f => f.kind), ["api", "queue-worker", "kinesis-stream", "failure-handler"]);
    });

    it("invokes the failure handler asynchronously only when it is a destination", () => {
        const raw = edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "function"; });
        assert.equal(cellFunctions(settingsOf(raw).cells[0]!).at(-1)!.invocation, "async");
    });

    it("names the FIFO queues with the .fifo suffix AWS requires", () => {
        const settings = settingsOf(stackConfig("dev"));
        const names = (i: number) => cellNames(settings.names, settings.cells[i]!, "invoke").filter(n => n.kind === "queue").map(n => n.name);
        assert.deepEqual(names(2), ["cellular-dev-cell-c-failures", "cellular-dev-cell-c-failures-last-resort", "cellular-dev-cell-c-queue.fifo", "cellular-dev-cell-c-queue-dlq.fifo"]);
        assert.deepEqual(names(0).slice(2), ["cellular-dev-cell-a-queue", "cellular-dev-cell-a-queue-dlq"]);
    });
});

describe("the quotas a stack uses (components/config/checks.ts quotaUsage)", () => {
    it("counts what each source declares it uses: shards of every Kinesis stream, a rule per schedule", () => {
        const raw = edit(onlySources("kinesis", "schedule"), "defaults", d => { d.eventSources.kinesis.shardCount = 4; });
        const settings = settingsOf(raw);
        const usage = quotaUsage(settings);
        assert.deepEqual(usage, {
            // 3 cells of 4 functions (API, stream, job, failure handler), a tenant data role and CodeDeploy's role; the
            // router, the Cognito trigger; 3 alarms per cell and the router's breaker alarm for each.
            iamRolesPerAccount: 3 * (4 + 2) + 2, managedPoliciesPerRole: 1, eventBridgeRulesPerBus: 3, kinesisShardsPerRegion: 12,
            vpcsPerRegion: 0, gatewayEndpointsPerRegion: 0, apisPerRegion: 1, dynamodbTablesPerRegion: 3, alarmsPerRegion: 3 * 3 + 3,
        });
    });
});
