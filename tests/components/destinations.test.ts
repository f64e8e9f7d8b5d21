import { strict as assert } from "assert";
import { edit, Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../fixtures/stack";
import { arn, queueArn, FAILURES, statements, urn, QUEUE, MAPPING, INVOKE_CONFIG } from "../fixtures/plan";

describe("where failures go: the failure queue and the destinations (dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("the failure queue", () => {
        it("is drained by the failure handler, redrives to a last-resort queue, and accepts deliveries only from the cell's topic and rule", () => {
            const failures = dev.get(QUEUE, "cell-a-failures");
            assert.equal(failures.inputs.visibilityTimeoutSeconds, 6 * 30);
            assert.deepEqual(dev.json(failures, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-a-failures-last-resort"), maxReceiveCount: 5 });
            const mapping = dev.get(MAPPING, "cell-a-failure-handler-mapping");
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [failures.urn]);
            assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
            const policy = dev.json(dev.get("aws:sqs/queuePolicy:QueuePolicy", "cell-a-failures-policy"), "policy");
            assert.deepEqual(policy.Statement, [
                { Sid: "FromSNS", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: FAILURES("cell-a"),
                    Condition: { ArnEquals: { "aws:SourceArn": [arn("sns", "cellular-dev-cell-a-events")] } } },
                { Sid: "FromEVENTS", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: FAILURES("cell-a"),
                    Condition: { ArnEquals: { "aws:SourceArn": [arn("events", "rule/cellular-dev-cell-a-daily")] } } },
            ]);
        });

        it("gives an invoke config with an on-failure destination to every asynchronously invoked function, and to no other", () => {
            const configured = dev.ofType(INVOKE_CONFIG).map(c => c.inputs.functionName).sort();
            assert.deepEqual(configured, ["a", "b", "c"].flatMap(c => ["ingest", "notifier", "scheduled"].map(k => `cellular-dev-cell-${c}-${k}`)).sort());
        });
    });
    describe("destinations by config", () => {
        it("sends failures to an SNS topic that feeds the failure queue (onFailure: topic)", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "topic"; }) });
            const topicArn = arn("sns", "cellular-dev-cell-a-failure-events");
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-notifier-async").inputs.destinationConfig, { onFailure: { destination: topicArn } });
            assert.deepEqual(statements(stack, "cell-a", "notifier")[2], { Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["sns:Publish"], Resource: [topicArn] });
            const sub = stack.get("aws:sns/topicSubscription:TopicSubscription", "cell-a-failure-events-to-queue");
            assert.equal(sub.inputs.protocol, "sqs");
            assert.equal(sub.inputs.rawMessageDelivery, true);
            assert.deepEqual(sub.propertyDependencies.endpoint, [urn(stack, QUEUE, "cell-a-failures")]);
            const policy = stack.json(stack.get("aws:sqs/queuePolicy:QueuePolicy", "cell-a-failures-policy"), "policy");
            assert.deepEqual(policy.Statement[0].Condition.ArnEquals["aws:SourceArn"], [topicArn, arn("sns", "cellular-dev-cell-a-events")]);
        });

        it("invokes the failure handler, whose own failures go to the last-resort queue (onFailure: function)", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "function"; }) });
            const handlerArn = arn("lambda", "function:cellular-dev-cell-a-failure-handler");
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-ingest-async").inputs.destinationConfig, { onFailure: { destination: handlerArn } });
            assert.deepEqual(statements(stack, "cell-a", "ingest")[5], { Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [handlerArn] });
            const own = stack.get(INVOKE_CONFIG, "cell-a-failure-handler-async");
            assert.equal((own.inputs.destinationConfig as Json).onFailure.destination, UNKNOWN);
            assert.deepEqual(own.propertyDependencies.destinationConfig, [urn(stack, QUEUE, "cell-a-failures-last-resort")]);
        });

        it("puts failure records on the default bus and routes them back into the failure queue (onFailure: bus), with an on-success destination", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; d.async.onSuccess = "queue"; }) });
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-scheduled-async").inputs.destinationConfig, {
                onFailure: { destination: arn("events", "event-bus/default") },
                onSuccess: { destination: FAILURES("cell-a") },
            });
            const rule = stack.get("aws:cloudwatch/eventRule:EventRule", "cell-a-failure-records");
            const pattern = stack.json(rule, "eventPattern");
            assert.deepEqual(pattern["detail-type"], ["Lambda Function Invocation Result - Failure"]);
            assert.ok((pattern.resources as Json[]).some(r => r.prefix === arn("lambda", "function:cellular-dev-cell-a-scheduled")));
            assert.deepEqual(stack.get("aws:cloudwatch/eventTarget:EventTarget", "cell-a-failure-records-to-queue").propertyDependencies.arn, [urn(stack, QUEUE, "cell-a-failures")]);
        });
    });
});
