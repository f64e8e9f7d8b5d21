import { strict as assert } from "assert";
import { edit, Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../fixtures/stack";
import { arn, queueArn, FAILURES, statements, urn, FN, QUEUE, MAPPING, INVOKE_CONFIG } from "../fixtures/plan";

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
        // Lambda checks a destination when the invoke config is put (the provider retries for two minutes only), so
        // each config waits for what it delivers to, whatever the order the cell creates them in.
        const DESTINATION_OF: Record<string, [string, string]> = {
            queue: [QUEUE, "failures"], topic: ["aws:sns/topic:Topic", "failure-events"], function: ["aws:lambda/function:Function", "failure-handler-function"],
        };
        for (const kind of ["queue", "topic", "function"]) {
            it(`creates every source's invoke config after its destination (onFailure: ${kind}), the failure handler's after the last-resort queue`, async () => {
                const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = kind; }) });
                const [type, suffix] = DESTINATION_OF[kind]!;
                for (const cell of ["cell-a", "cell-b", "cell-c"]) {
                    const destination = stack.get(type, `${cell}-${suffix}`);
                    const configs = stack.inCell(cell).filter(r => r.type === INVOKE_CONFIG);
                    for (const c of configs.filter(c => c.name !== `${cell}-failure-handler-async`)) {
                        assert.ok(c.dependencies.includes(destination.urn), `${c.name} waits for ${destination.name}`);
                    }
                    const own = configs.find(c => c.name === `${cell}-failure-handler-async`);
                    if (own) assert.ok(own.dependencies.includes(urn(stack, QUEUE, `${cell}-failures-last-resort`)), own.name);
                    assert.equal(configs.length, kind === "function" ? 4 : 3);
                }
            });
        }

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

        it("puts failure records on the default bus and routes them back into the failure queue (onFailure: bus); the rule matches failures only", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; }) });
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-scheduled-async").inputs.destinationConfig, {
                onFailure: { destination: arn("events", "event-bus/default") },
            });
            const rule = stack.get("aws:cloudwatch/eventRule:EventRule", "cell-a-failure-records");
            const pattern = stack.json(rule, "eventPattern");
            assert.deepEqual(pattern["detail-type"], ["Lambda Function Invocation Result - Failure"]);
            assert.ok((pattern.resources as Json[]).some(r => r.prefix === arn("lambda", "function:cellular-dev-cell-a-scheduled")));
            assert.deepEqual(stack.get("aws:cloudwatch/eventTarget:EventTarget", "cell-a-failure-records-to-queue").propertyDependencies.arn, [urn(stack, QUEUE, "cell-a-failures")]);
        });
    });

    describe("on-success records: their own sink, never the failure path", () => {
        it("sends them to the cell's own success queue (onSuccess: queue), which no failure alarm watches, and gives the failure handler none", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "function"; d.async.onSuccess = "queue"; }) });
            const successes = queueArn("cellular-dev-cell-a-successes");
            const queue = stack.get(QUEUE, "cell-a-successes");
            assert.deepEqual([queue.inputs.name, queue.inputs.sqsManagedSseEnabled, queue.inputs.messageRetentionSeconds], ["cellular-dev-cell-a-successes", true, 1209600]);
            for (const kind of ["ingest", "notifier", "scheduled"]) {
                const config = stack.get(INVOKE_CONFIG, `cell-a-${kind}-async`);
                assert.deepEqual(config.inputs.destinationConfig, {
                    onFailure: { destination: arn("lambda", "function:cellular-dev-cell-a-failure-handler") },
                    onSuccess: { destination: successes },
                }, kind);
                assert.ok(config.dependencies.includes(queue.urn), kind);
            }
            assert.deepEqual(statements(stack, "cell-a", "notifier").filter(st => String(st.Sid).startsWith("Deliver")), [
                { Sid: "DeliverFailedEvents", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [arn("lambda", "function:cellular-dev-cell-a-failure-handler")] },
                { Sid: "DeliverSucceededEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [successes] },
            ]);
            const own = stack.get(INVOKE_CONFIG, "cell-a-failure-handler-async");
            assert.deepEqual(Object.keys(own.inputs.destinationConfig as Json), ["onFailure"]);
            assert.deepEqual(own.propertyDependencies.destinationConfig, [urn(stack, QUEUE, "cell-a-failures-last-resort")]);
            const alarm = stack.get("aws:cloudwatch/metricAlarm:MetricAlarm", "cell-a-failed-events-alarm");
            const watched = (alarm.inputs.metricQueries as Json[]).flatMap(q => (q.metric ? [q.metric.dimensions.QueueName] : []));
            assert.ok(!watched.includes("cellular-dev-cell-a-successes"));
        });

        it("puts them on the default bus (onSuccess: bus), where the failure rule does not match them", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; d.async.onSuccess = "bus"; }) });
            assert.deepEqual(stack.get(INVOKE_CONFIG, "cell-a-ingest-async").inputs.destinationConfig, {
                onFailure: { destination: arn("events", "event-bus/default") },
                onSuccess: { destination: arn("events", "event-bus/default") },
            });
            assert.deepEqual(statements(stack, "cell-a", "ingest").filter(st => String(st.Sid).startsWith("Deliver")).map(st => st.Sid), ["DeliverFailedEvents"]);
            assert.equal(stack.has(QUEUE, "cell-a-successes"), false);
            const pattern = stack.json(stack.get("aws:cloudwatch/eventRule:EventRule", "cell-a-failure-records"), "eventPattern");
            assert.deepEqual(pattern["detail-type"], ["Lambda Function Invocation Result - Failure"]);
        });
    });

    describe("the failure path never chokes", () => {
        it("caps the failure handler's poller at its reserved concurrency (2 by default), so no batch is throttled back into the queue", async () => {
            const mapping = dev.get(MAPPING, "cell-a-failure-handler-mapping");
            assert.deepEqual(mapping.inputs.scalingConfig, { maximumConcurrency: 2 });
            assert.equal(dev.get(FN, "cell-a-failure-handler-function").inputs.reservedConcurrentExecutions, 2);
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.failureHandler.reservedConcurrency = 4; }) });
            assert.deepEqual(stack.get(MAPPING, "cell-b-failure-handler-mapping").inputs.scalingConfig, { maximumConcurrency: 4 });
            assert.equal(stack.get(FN, "cell-b-failure-handler-function").inputs.reservedConcurrentExecutions, 4);
        });

        it("tells the failure handler how long its FAILURE# rows live (the table's TTL attribute is on)", () => {
            const env = (dev.get(FN, "cell-a-failure-handler-function").inputs.environment as Json).variables;
            assert.equal(env.FAILURE_RETENTION_DAYS, "30");
            assert.deepEqual(dev.get("aws:dynamodb/table:Table", "cell-a-table").inputs.ttl, { attributeName: "expiresAt", enabled: true });
        });

        it("watches the last-resort queue with the cell's failed-events alarm (the alarm's actions are not set here)", () => {
            const alarm = dev.get("aws:cloudwatch/metricAlarm:MetricAlarm", "cell-a-failed-events-alarm");
            const watched = (alarm.inputs.metricQueries as Json[]).flatMap(q => (q.metric ? [q.metric.dimensions.QueueName] : []));
            assert.ok(watched.includes("cellular-dev-cell-a-failures-last-resort"));
            assert.ok(watched.includes("cellular-dev-cell-a-failures"));
        });
    });
});
