import { strict as assert } from "assert";
import { shippedStack, Stack } from "../../fixtures/stack";
import { TABLE, FAILURES, LOGS, TRACING, DELIVER_FAILED, statements, urn, FN, INVOKE_CONFIG, PERMISSION, REJECT_NOT_OWNED } from "../../fixtures/plan";

describe("event source topic (components/event-sources/topic.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("SNS topic", () => {
        it("delivers to the notifier through a permission scoped to the topic, with a redrive policy on the subscription", () => {
            const topic = dev.get("aws:sns/topic:Topic", "cell-a-topic");
            assert.equal(topic.inputs.name, "cellular-dev-cell-a-events");
            assert.equal(topic.inputs.kmsMasterKeyId, "alias/aws/sns");
            const permission = dev.get(PERMISSION, "cell-a-notifier-from-topic");
            assert.equal(permission.inputs.principal, "sns.amazonaws.com");
            assert.equal(permission.inputs.function, "cellular-dev-cell-a-notifier");
            assert.deepEqual(permission.propertyDependencies.sourceArn, [topic.urn]);
            const subscription = dev.get("aws:sns/topicSubscription:TopicSubscription", "cell-a-notifier-subscription");
            assert.equal(subscription.inputs.protocol, "lambda");
            assert.deepEqual(subscription.propertyDependencies.endpoint, [urn(dev, FN, "cell-a-notifier-function")]);
            assert.deepEqual(dev.json(subscription, "redrivePolicy"), { deadLetterTargetArn: FAILURES("cell-a") });
            assert.ok(subscription.dependencies.includes(permission.urn));
        });

        it("sends the notifier's failed events to the cell's failure queue after 2 retries", () => {
            const config = dev.get(INVOKE_CONFIG, "cell-a-notifier-async");
            assert.deepEqual(config.inputs, {
                functionName: "cellular-dev-cell-a-notifier",
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 3600,
                destinationConfig: { onFailure: { destination: FAILURES("cell-a") } },
            });
            assert.deepEqual(statements(dev, "cell-a", "notifier"), [
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:ConditionCheckItem", "dynamodb:PutItem"], Resource: [TABLE("cell-a")] },
                REJECT_NOT_OWNED("cell-a"),
                DELIVER_FAILED("cell-a"),
                LOGS("cellular-dev-cell-a-notifier"),
                TRACING,
            ]);
        });
    });
});
