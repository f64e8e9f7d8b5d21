import { strict as assert } from "assert";
import { StackGraph, stackGraph, unique } from "../../../policies/lib/graph";
import { AWS } from "../../../policies/lib/types";
import { UNKNOWN } from "../../../policies/lib/values";
import { PolicyResource, UNKNOWN_STRING, resource } from "../../fixtures/policies/resources";

const FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders";

function fn(name: string, props: Record<string, unknown> = {}, deps: Record<string, PolicyResource[]> = {}): PolicyResource {
    return resource(AWS.function, `${name}-function`, { props: { name, ...props }, deps });
}

describe("lib/graph: stackGraph", () => {
    it("shares one graph among the callers given the same resources array; another array (another AnalyzeStack call) gets another", () => {
        const resources = [resource("pulumi:pulumi:Stack", "policy-test-dev"), fn("orders")];
        const first = stackGraph({ resources });
        const second = stackGraph({ resources });
        const otherCall = stackGraph({ resources: [...resources] });

        assert.equal(second, first);
        assert.notEqual(otherCall, first);
        assert.equal(first.resources, resources);
        assert.equal(otherCall.ofType(AWS.function)[0], resources[1]);
    });
});

describe("lib/graph: StackGraph", () => {
    it("finds the root stack, and resources by type", () => {
        const stack = resource("pulumi:pulumi:Stack", "policy-test-dev");
        const orders = fn("orders");
        const graph = new StackGraph([stack, orders, resource(AWS.queue, "jobs")]);
        assert.equal(graph.stack, stack);
        assert.deepEqual(graph.ofType(AWS.function), [orders]);
        assert.deepEqual(graph.ofType(AWS.table), []);
    });

    it("resolves a function by its known name, ARN or qualified ARN", () => {
        const orders = fn("orders");
        const mapping = resource(AWS.eventSourceMapping, "m", { props: { functionName: `${FN_ARN}:live`, other: "orders" } });
        const graph = new StackGraph([orders, mapping]);
        assert.deepEqual(graph.functions(mapping, "functionName"), { targets: [{ fn: orders, qualifier: "live" }], decided: true });
        assert.deepEqual(graph.functions(mapping, "other"), { targets: [{ fn: orders }], decided: true });
    });

    it("resolves an unknown reference through the property's dependencies, an alias to its function and name", () => {
        const orders = fn("orders");
        const alias = resource(AWS.alias, "orders-live", { props: { name: "live", functionName: UNKNOWN_STRING }, deps: { functionName: [orders] } });
        const viaFunction = resource(AWS.eventSourceMapping, "direct", { props: { functionName: UNKNOWN_STRING }, deps: { functionName: [orders] } });
        const viaAlias = resource(AWS.restIntegration, "api", { props: { uri: UNKNOWN_STRING }, deps: { uri: [alias] } });
        const graph = new StackGraph([orders, alias, viaFunction, viaAlias]);
        assert.deepEqual(graph.functions(viaFunction, "functionName"), { targets: [{ fn: orders }], decided: true });
        assert.deepEqual(graph.functions(viaAlias, "uri"), { targets: [{ fn: orders, qualifier: "live" }], decided: true });
    });

    it("cannot decide an unknown reference that depends on nothing of the stack, and decides one that depends on no function", () => {
        const queue = resource(AWS.queue, "jobs");
        const orphan = resource(AWS.eventSourceMapping, "orphan", { props: { functionName: UNKNOWN_STRING } });
        const onQueue = resource(AWS.eventSourceMapping, "on-queue", { props: { functionName: UNKNOWN_STRING }, deps: { functionName: [queue] } });
        const graph = new StackGraph([queue, orphan, onQueue]);
        assert.deepEqual(graph.functions(orphan, "functionName"), { targets: [], decided: false });
        assert.deepEqual(graph.functions(onQueue, "functionName"), { targets: [], decided: true });
    });

    it("resolves roles by name or ARN (a list too), queues by ARN or URL", () => {
        const role = resource(AWS.role, "orders-role", { props: { name: "orders", arn: "arn:aws:iam::123456789012:role/service/orders" } });
        const queue = resource(AWS.queue, "jobs", { props: { name: "jobs" } });
        const attachment = resource(AWS.policyAttachment, "attach", { props: { roles: ["orders", "arn:aws:iam::123456789012:role/service/orders"] } });
        const redrive = resource(AWS.redrivePolicy, "redrive", { props: { queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" } });
        const graph = new StackGraph([role, queue, attachment, redrive]);
        assert.deepEqual(graph.roles(attachment, "roles"), { targets: [role], decided: true });
        assert.deepEqual(graph.queues(redrive, "queueUrl"), { targets: [queue], decided: true });
        assert.deepEqual(graph.queues(redrive, "queueUrl", "arn:aws:sqs:us-east-1:123456789012:jobs"), { targets: [queue], decided: true });
    });

    it("names the functions that assume a role", () => {
        const role = resource(AWS.role, "orders-role", { props: { name: "orders" } });
        const orders = fn("orders", { role: "arn:aws:iam::123456789012:role/orders" });
        const other = fn("other", { role: "arn:aws:iam::123456789012:role/other" });
        const graph = new StackGraph([role, orders, other]);
        assert.deepEqual(graph.functionsOfRole(role), [orders]);
    });

    it("finds a resource's cell through its ancestors, with the cell's registered cellId, its name without one, or UNKNOWN", () => {
        const cell = resource("cellular:index:Cell", "cell-a", { props: { cellId: "a" } });
        const component = resource("cellular:index:Api", "api", { parent: cell });
        const inCell = fn("in-cell", {});
        const nested = resource(AWS.queue, "q", { parent: component });
        const unnamed = resource("cellular:index:Cell", "cell-b");
        const pending = resource("cellular:index:Cell", "cell-c", { props: { cellId: UNKNOWN_STRING } });
        const graph = new StackGraph([cell, component, inCell, nested, unnamed, pending]);
        assert.deepEqual(graph.cellOf(nested), { cell, id: "a" });
        assert.equal(graph.cellOf(inCell), undefined);
        assert.deepEqual(graph.cellOf(resource(AWS.queue, "b", { parent: unnamed })), { cell: unnamed, id: "cell-b" });
        assert.deepEqual(graph.cellOf(resource(AWS.queue, "c", { parent: pending })), { cell: pending, id: UNKNOWN });
    });
});

describe("lib/graph: unique", () => {
    it("keeps the first value of each key, in order", () => {
        assert.deepEqual(unique([{ k: "a", n: 1 }, { k: "b", n: 2 }, { k: "a", n: 3 }], v => v.k), [{ k: "a", n: 1 }, { k: "b", n: 2 }]);
    });
});
