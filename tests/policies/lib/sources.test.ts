import { strict as assert } from "assert";
import { StackGraph } from "../../../policies/lib/graph";
import { deadLetterQueues, mappingSource, redrivePolicies } from "../../../policies/lib/sources";
import { AWS } from "../../../policies/lib/types";
import { UNKNOWN } from "../../../policies/lib/values";
import { PolicyResource, UNKNOWN_STRING, resource } from "../../fixtures/policies/resources";

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const queue = (name: string, props: Record<string, unknown> = {}) => resource(AWS.queue, name, { props: { name, ...props } });

describe("lib/sources", () => {
    it("tells what a mapping reads from its known eventSourceArn", () => {
        const jobs = queue("jobs");
        const mapping = (eventSourceArn: string) => resource(AWS.eventSourceMapping, "m", { props: { eventSourceArn } });
        const graph = new StackGraph([jobs]);
        assert.deepEqual(mappingSource(graph, mapping(queueArn("jobs"))), { kind: "sqs", queues: [jobs] });
        assert.deepEqual(mappingSource(graph, mapping("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024")), { kind: "dynamodb", queues: [] });
        assert.deepEqual(mappingSource(graph, mapping("arn:aws:kafka:us-east-1:123456789012:cluster/c/1")), { kind: "other", queues: [] });
    });

    it("tells what a mapping reads from the resource an unknown eventSourceArn came from, or cannot", () => {
        const jobs = queue("jobs");
        const table = resource(AWS.table, "orders");
        const on = (deps: PolicyResource[]) => resource(AWS.eventSourceMapping, "m", { props: { eventSourceArn: UNKNOWN_STRING }, deps: { eventSourceArn: deps } });
        const graph = new StackGraph([jobs, table]);
        assert.deepEqual(mappingSource(graph, on([jobs])), { kind: "sqs", queues: [jobs] });
        assert.deepEqual(mappingSource(graph, on([table])), { kind: "dynamodb", queues: [] });
        assert.equal(mappingSource(graph, on([])), UNKNOWN);
    });

    it("finds the queues that are dead-letter queues of something", () => {
        const dlq = queue("jobs-dlq");
        const jobs = queue("jobs", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("jobs-dlq"), maxReceiveCount: 5 }) });
        const failures = queue("failures");
        const config = resource(AWS.invokeConfig, "async", { props: { destinationConfig: { onFailure: { destination: UNKNOWN_STRING } } }, deps: { destinationConfig: [failures] } });
        const plain = queue("plain");
        const graph = new StackGraph([dlq, jobs, failures, config, plain]);
        assert.deepEqual([...deadLetterQueues(graph)].sort(), [dlq.urn, failures.urn].sort());
    });

    it("gathers a queue's redrive policies: its own, and aws.sqs.RedrivePolicy resources on it", () => {
        const own = JSON.stringify({ deadLetterTargetArn: queueArn("dlq"), maxReceiveCount: 5 });
        const jobs = queue("jobs", { redrivePolicy: own });
        const separate = resource(AWS.redrivePolicy, "redrive", { props: { queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", redrivePolicy: "{}" } });
        const graph = new StackGraph([jobs, separate]);
        assert.deepEqual(redrivePolicies(graph, jobs), [own, "{}"]);
        assert.deepEqual(redrivePolicies(graph, queue("other")), []);
    });
});
