import { strict as assert } from "assert";
import { UNKNOWN } from "../../../tools/lib/capture";
import {
    PlanGraph, PlanResource, T, UNKNOWN_VALUE, functionNameOf, logGroupNameOf, queueNameOf, streamNameOf, tableNameOf, topicNameOf,
} from "../../../tools/lib/cost/graph";
import { passes, streamFilterOf } from "../../../tools/lib/cost/model";

const r = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource =>
    ({ urn: `urn:pulumi:dev::p::${type}::${name}`, type, name, inputs, ...extra });

describe("the plan graph (tools/lib/cost/graph.ts)", () => {
    it("uses the engine's sentinel for unknown values, as the capture does", () => {
        assert.equal(UNKNOWN_VALUE, UNKNOWN);
    });

    it("reads names from names, ARNs, queue URLs and API Gateway invoke ARNs", () => {
        assert.equal(functionNameOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-api:live"), "cellular-dev-cell-a-api");
        assert.equal(functionNameOf("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:fn:live/invocations"), "fn");
        assert.equal(functionNameOf("plain-name"), "plain-name");
        assert.equal(functionNameOf("arn:aws:sqs:us-east-1:1:q"), undefined);
        assert.equal(queueNameOf("https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo"), "q.fifo");
        assert.equal(queueNameOf("arn:aws:sqs:us-east-1:1:q"), "q");
        assert.equal(topicNameOf("arn:aws:sns:eu-west-1:1:t"), "t");
        assert.equal(streamNameOf("arn:aws:kinesis:us-east-1:1:stream/s"), "s");
        assert.equal(tableNameOf("arn:aws:dynamodb:us-east-1:1:table/t/stream/2026"), "t");
        assert.equal(logGroupNameOf("arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*"), "/aws/lambda/x");
    });

    it("resolves a reference by its known value, else through the property's dependencies", () => {
        const queue = r(T.queue, "q", { name: "orders" });
        const fn = r(T.function, "f", { name: "worker" });
        const byValue = r(T.eventSourceMapping, "m1", { eventSourceArn: "arn:aws:sqs:us-east-1:1:orders", functionName: "worker" });
        const byDependency = r(T.eventSourceMapping, "m2", { eventSourceArn: UNKNOWN_VALUE, functionName: UNKNOWN_VALUE },
            { propertyDependencies: { eventSourceArn: [queue.urn], functionName: [fn.urn] } });
        const g = new PlanGraph([queue, fn, byValue, byDependency]);
        for (const m of [byValue, byDependency]) {
            assert.equal(g.ref(m, "eventSourceArn", [T.queue], queueNameOf), queue);
            assert.equal(g.functionRef(m, "functionName"), fn);
        }
    });

    it("puts a resource in the cell its parents lead to, and reads the region from the AWS provider", () => {
        const cell = r("cellular:index:Cell", "cell-a", {}, { outputs: { cellId: "cell-a", state: "disabled" } });
        const child = r(T.queue, "q", {}, { parent: cell.urn });
        const provider = r(T.provider, "default", { region: "eu-west-1" });
        const g = new PlanGraph([cell, child, provider, r(T.queue, "shared-q", {})]);
        assert.deepEqual(g.cellOf(child), { urn: cell.urn, id: "cell-a", state: "disabled" });
        assert.equal(g.owner(g.ofType(T.queue)[1]!), "shared");
        assert.equal(g.region(), "eu-west-1");
    });
});

describe("stream filters (tools/lib/cost/model.ts)", () => {
    it("reads the table stream's sort-key prefix filter and lets through only what matches", () => {
        const filter = streamFilterOf([JSON.stringify({ dynamodb: { Keys: { sk: { S: [{ prefix: "ITEM#" }] } } } })]);
        assert.deepEqual(filter, { kind: "keyPrefix", attribute: "sk", prefixes: ["ITEM#"] });
        assert.equal(passes(filter, "ITEM#42"), true);
        assert.equal(passes(filter, "COUNTER"), false);
        assert.deepEqual(streamFilterOf([]), { kind: "none" });
        assert.equal(passes({ kind: "none" }, "COUNTER"), true);
        const other = JSON.stringify({ eventName: ["INSERT"] });
        assert.deepEqual(streamFilterOf([other]), { kind: "unsupported", pattern: other });
    });
});
