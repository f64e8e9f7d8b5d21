import * as assert from "node:assert/strict";
import { ANNOTATION_VALUE_LIMIT, inSubsegment, invocationAnnotations, tracedHandler, tracer } from "../../../handlers/clients/tracing";

describe("trace annotations (handlers/clients/tracing.ts)", () => {
    it("names the cell and the one tenant of an invocation", () => {
        assert.deepEqual(invocationAnnotations({ cell: "cell-a", tenants: new Set(["acme"]) }),
            { cell_id: "cell-a", tenant_id: "acme", tenant_ids: ",acme,", tenant_count: 1 });
    });

    it("gives a batch of several tenants no single tenant_id, but all of them, sorted, delimited on both sides", () => {
        assert.deepEqual(invocationAnnotations({ cell: "cell-a", tenants: new Set(["globex", "acme"]) }),
            { cell_id: "cell-a", tenant_ids: ",acme,globex,", tenant_count: 2 });
    });

    it("says nothing of tenants when there were none, and nothing of a cell outside every cell", () => {
        assert.deepEqual(invocationAnnotations({ cell: undefined, tenants: new Set() }), {});
    });

    it("cuts tenant_ids at whole ids within X-Ray's 1,000 characters; tenant_count keeps the real number", () => {
        const tenants = Array.from({ length: 200 }, (_, i) => `customer-${String(i).padStart(4, "0")}`);
        const out = invocationAnnotations({ cell: "cell-a", tenants: new Set(tenants) });
        const list = out.tenant_ids as string;
        assert.ok(list.length <= ANNOTATION_VALUE_LIMIT);
        // 14 characters per id and its comma, after the leading comma: 71 ids fit.
        assert.equal(list.length, 1 + 71 * 14);
        assert.deepEqual(list.split(",").slice(1, -1), tenants.slice(0, 71));
        assert.equal(out.tenant_count, 200);
    });

    it("passes handlers and subsegments through when tracing is off (outside Lambda)", async () => {
        assert.equal(tracer.isTracingEnabled(), false);
        const handler = async (event: number) => event + 1;
        assert.equal(tracedHandler(handler), handler);
        assert.equal(await inSubsegment("### x", { cell_id: "cell-a" }, async () => 42), 42);
    });
});
