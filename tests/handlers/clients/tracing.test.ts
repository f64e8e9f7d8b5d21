import * as assert from "node:assert/strict";
import { ANNOTATION_VALUE_LIMIT, inSubsegment, invocationAnnotations, tracedHandler, tracer, tracingWanted } from "../../../handlers/clients/tracing";

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

    it("traces where Powertools would: in Lambda, not in SAM local or Amplify's mock, not with POWERTOOLS_TRACE_ENABLED=false", () => {
        const lambda = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };
        assert.deepEqual([
            tracingWanted(lambda), tracingWanted({}), tracingWanted({ ...lambda, AWS_SAM_LOCAL: "true" }),
            tracingWanted({ AWS_EXECUTION_ENV: "AWS_Lambda_amplify-mock" }), tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: "FALSE" }),
            tracingWanted({ ...lambda, POWERTOOLS_TRACE_ENABLED: "true" }),
        ], [true, false, false, false, false, true]);
    });

    it("outside Lambda loads no tracer (nor the X-Ray SDK's async hook) and passes handlers and subsegments through", async () => {
        assert.equal(tracer, undefined);
        assert.equal(Object.keys(require.cache).some(f => f.includes(`${"aws-xray-sdk-core"}`)), false);
        const handler = async (event: number) => event + 1;
        assert.equal(tracedHandler(handler), handler);
        assert.equal(await inSubsegment("### x", { cell_id: "cell-a" }, async () => 42), 42);
    });
});
