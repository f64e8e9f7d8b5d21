import { strict as assert } from "assert";
import { runStack, shippedStack, stackConfig, UNKNOWN } from "../fixtures/stack";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("who hears the alarms (components/alarm-topic.ts)", () => {
    it("with emails, creates the stack's topic (unencrypted: CloudWatch cannot use the AWS managed key) and subscribes each address", async () => {
        const dev = await shippedStack("dev");
        const topic = dev.get("aws:sns/topic:Topic", "alarms");
        assert.equal(topic.inputs.name, "cellular-dev-alarms");
        assert.equal(topic.inputs.kmsMasterKeyId, undefined);
        const subscriptions = dev.ofType("aws:sns/topicSubscription:TopicSubscription").filter(s => s.name.startsWith("alarms-"));
        assert.deepEqual(subscriptions.map(s => [s.inputs.protocol, s.inputs.endpoint]), [["email", "dev-oncall@example.com"]]);
        assert.deepEqual(subscriptions[0]!.propertyDependencies.topic, [topic.urn]);
    });

    for (const stackName of ["dev", "prod"]) {
        it(`gives every alarm of ${stackName} the topic for its ALARM and OK transitions`, async () => {
            const stack = await shippedStack(stackName);
            const topic = stack.get("aws:sns/topic:Topic", "alarms");
            const alarms = stack.ofType(ALARM);
            // 3 per cell and the router's breaker alarm per cell.
            assert.equal(alarms.length, 4 * stack.ofType("cellular:index:Cell").length);
            for (const a of alarms) {
                assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [[UNKNOWN], [UNKNOWN]], a.name);
                assert.deepEqual(a.propertyDependencies.alarmActions, [topic.urn], a.name);
            }
        });
    }

    it("with topicArn, notifies the user's topic and creates none", async () => {
        const arn = "arn:aws:sns:us-east-1:123456789012:paging";
        const stack = await runStack("dev", { config: { ...stackConfig("dev"), "cellular:alarms": JSON.stringify({ topicArn: arn }) } });
        assert.deepEqual(stack.ofType("aws:sns/topic:Topic").filter(t => t.name === "alarms"), []);
        for (const a of stack.ofType(ALARM)) assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [[arn], [arn]], a.name);
    });
});
