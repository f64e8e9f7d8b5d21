import { strict as assert } from "assert";
import { Plan } from "../../../tools/lib/deploy-check/plan";
import { TYPES as T } from "../../../tools/lib/deploy-check/types";
import { resource } from "../../fixtures/deploy-check";

describe("the deploy check's view of a plan (tools/lib/deploy-check/plan.ts)", () => {
    const queue = resource(T.queue, "failures", { name: "orders-failures" });
    const created = resource(T.queue, "created", { name: "other" }, { outputs: { arn: "arn:aws:sqs:us-east-1:123456789012:renamed-by-aws" } });
    const fn = resource(T.function, "fn", { name: "orders" });
    const policy = resource(T.rolePolicy, "policy", { name: "p", role: "orders" });
    const mapping = resource(T.mapping, "mapping", { eventSourceArn: "x" }, { from: { eventSourceArn: [queue] }, dependsOn: [fn] });
    const config = resource(T.invokeConfig, "async", {}, { dependsOn: [mapping] });
    const plan = new Plan([queue, created, fn, policy, mapping, config]);

    it("finds a resource by the ARN the provider returned (update), or by the name an ARN carries (preview)", () => {
        assert.equal(plan.byArn("arn:aws:sqs:us-east-1:123456789012:renamed-by-aws"), created);
        assert.equal(plan.byArn("arn:aws:sqs:us-east-1:123456789012:orders-failures"), queue);
        assert.equal(plan.byArn("arn:aws:lambda:us-east-1:123456789012:function:orders:live"), fn);
        assert.equal(plan.byArn("arn:aws:sqs:us-east-1:123456789012:unknown-queue"), undefined);
        assert.equal(plan.byArn("not an arn"), undefined);
    });

    it("follows an input to the resources it came from", () => {
        assert.deepEqual(plan.referenced(mapping, "eventSourceArn"), [queue]);
        assert.deepEqual(plan.referenced(mapping, "eventSourceArn", T.function), []);
        assert.deepEqual(plan.referenced(mapping, "functionName"), []);
    });

    it("knows who waits for whom, directly and transitively, and not the other way round", () => {
        assert.equal(plan.dependsOn(mapping, queue), true);
        assert.equal(plan.dependsOn(config, queue), true);
        assert.equal(plan.dependsOn(config, fn), true);
        assert.equal(plan.dependsOn(queue, mapping), false);
        assert.equal(plan.dependsOn(config, policy), false);
    });

    it("names resources by the input that holds their physical name", () => {
        assert.equal(plan.physicalName(fn), "orders");
        assert.equal(new Plan([resource(T.bucket, "b", { bucket: "my-bucket" })]).physicalName(resource(T.bucket, "b", { bucket: "my-bucket" })), "my-bucket");
        assert.equal(plan.named(T.queue, "orders-failures"), queue);
    });

    it("parses a JSON input once per plan", () => {
        const text = "{\"a\":1}";
        assert.equal(plan.json(text), plan.json(text));
        assert.equal(plan.json("{not json"), undefined);
    });
});
