import { strict as assert } from "assert";
import { Json, shippedStack, Stack } from "../../fixtures/stack";
import { ACCOUNT, TABLE, BUCKET, DELIVER_FAILED, statements, urn, FN, QUEUE, PERMISSION } from "../../fixtures/plan";

describe("event source schedule (components/event-sources/schedule.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("EventBridge schedule", () => {
        it("runs the daily job with a permission scoped to the rule, and keeps undeliverable events in the failure queue", () => {
            const rule = dev.get("aws:cloudwatch/eventRule:EventRule", "cell-a-schedule");
            assert.equal(rule.inputs.scheduleExpression, "cron(0 3 * * ? *)");
            assert.equal(rule.inputs.name, "cellular-dev-cell-a-daily");
            const permission = dev.get(PERMISSION, "cell-a-scheduled-from-rule");
            assert.equal(permission.inputs.principal, "events.amazonaws.com");
            assert.deepEqual(permission.propertyDependencies.sourceArn, [rule.urn]);
            const target = dev.get("aws:cloudwatch/eventTarget:EventTarget", "cell-a-schedule-target");
            assert.deepEqual(target.inputs.retryPolicy, { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 8 });
            assert.deepEqual(target.propertyDependencies.deadLetterConfig, [urn(dev, QUEUE, "cell-a-failures")]);
            assert.deepEqual(target.propertyDependencies.arn, [urn(dev, FN, "cell-a-scheduled-function")]);
            assert.deepEqual(statements(dev, "cell-a", "scheduled").slice(0, 3), [
                { Sid: "ReadOwnTable", Effect: "Allow", Action: ["dynamodb:Scan"], Resource: [TABLE("cell-a")] },
                { Sid: "WriteSummaries", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${BUCKET("cell-a")}/summaries/*`] },
                DELIVER_FAILED("cell-a"),
            ]);
            assert.equal((dev.get(FN, "cell-a-scheduled-function").inputs.environment as Json).variables.BUCKET_NAME, `cellular-dev-cell-a-${ACCOUNT}-use1`);
        });
    });
});
