import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { ACCOUNT, TAGS, arn, httpApi, lambda, LambdaParts, onFailureQueue, queueWithDlq, sqsMapping } from "../fixtures/policies/builders";
import { MODES, run } from "../fixtures/policies/harness";

const DLQ = "async-lambda-dlq";

/** SNS delivers to `fn` (a topic, the permission scoped to it, a `lambda` subscription). */
function snsTrigger(name: string, target: LambdaParts, qualifier?: string): void {
    const topic = new aws.sns.Topic(`${name}-topic`, { name: `${name}-topic`, tags: TAGS });
    const permission = new aws.lambda.Permission(`${name}-from-topic`, {
        action: "lambda:InvokeFunction",
        function: target.fn.name,
        ...(qualifier ? { qualifier } : {}),
        principal: "sns.amazonaws.com",
        sourceArn: topic.arn,
    });
    new aws.sns.TopicSubscription(`${name}-subscription`, {
        topic: topic.arn,
        protocol: "lambda",
        endpoint: qualifier ? `${arn.fn(target.name)}:${qualifier}` : target.fn.arn,
    }, { dependsOn: [permission] });
}

const noDlq = (fnName: string, triggers: string) =>
    `mandatory ${DLQ} ${fnName}-function: aws.lambda.Function "${fnName}-function" (${fnName}) is invoked asynchronously (by ${triggers}) ` +
    "but has neither a dead-letter queue nor an on-failure destination, so events it still fails on after Lambda's retries are lost; " +
    "set deadLetterConfig.targetArn, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination";

const SNS_TRIGGERS = "aws.lambda.Permission \"n-from-topic\" for sns.amazonaws.com, aws.sns.TopicSubscription \"n-subscription\"";

describe("async-lambda-dlq", () => {
    for (const mode of MODES) {
        it(`rejects a function SNS invokes without a DLQ or an on-failure destination (${mode})`, async () => {
            const outcome = await run(() => snsTrigger("n", lambda("n")), { mode });
            assert.deepEqual(outcome.lines(), [noDlq("n", SNS_TRIGGERS)]);
        });

        it(`accepts a dead-letter queue and an on-failure destination alike (${mode})`, async () => {
            const outcome = await run(() => {
                const dlq = new aws.sqs.Queue("n-dlq", { name: "n-dlq", tags: TAGS });
                snsTrigger("n", lambda("n", { args: { deadLetterConfig: { targetArn: dlq.arn } } }));
                const d = lambda("d");
                onFailureQueue("d", d.fn);
                snsTrigger("d", d);
            }, { mode });
            assert.deepEqual(outcome.lines(), []);
        });
    }

    it("does not count an EventBridge target's own dead-letter queue, which catches delivery failures only", async () => {
        const outcome = await run(() => {
            const s = lambda("s");
            const rule = new aws.cloudwatch.EventRule("s-rule", { name: "s-rule", scheduleExpression: "rate(1 day)", tags: TAGS });
            new aws.lambda.Permission("s-from-rule", { action: "lambda:InvokeFunction", function: s.fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn });
            const deliveries = new aws.sqs.Queue("s-deliveries", { name: "s-deliveries", tags: TAGS });
            new aws.cloudwatch.EventTarget("s-target", { rule: rule.name, arn: s.fn.arn, deadLetterConfig: { arn: deliveries.arn } });
        });
        assert.deepEqual(outcome.lines(), [
            noDlq("s", "aws.lambda.Permission \"s-from-rule\" for events.amazonaws.com, aws.cloudwatch.EventTarget \"s-target\""),
        ]);
    });

    it("rejects a function an S3 bucket notification invokes, and accepts it with an invoke config", async () => {
        const outcome = await run(() => {
            for (const name of ["i", "j"]) {
                const target = lambda(name);
                if (name === "j") onFailureQueue(name, target.fn);
                const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: `${name}-bucket`, tags: TAGS });
                const permission = new aws.lambda.Permission(`${name}-from-bucket`, {
                    action: "lambda:InvokeFunction", function: target.fn.name, principal: "s3.amazonaws.com", sourceArn: bucket.arn, sourceAccount: ACCOUNT,
                });
                new aws.s3.BucketNotification(`${name}-notification`, {
                    bucket: bucket.id,
                    lambdaFunctions: [{ lambdaFunctionArn: target.fn.arn, events: ["s3:ObjectCreated:*"] }],
                }, { dependsOn: [permission] });
            }
        });
        assert.deepEqual(outcome.lines(), [
            noDlq("i", "aws.lambda.Permission \"i-from-bucket\" for s3.amazonaws.com, aws.s3.BucketNotification \"i-notification\""),
        ]);
    });

    it("accepts an invoke config on the alias the trigger invokes, not on another alias", async () => {
        const outcome = await run(() => {
            for (const [name, configured] of [["a", "live"], ["b", "blue"]] as const) {
                const target = lambda(name, { args: { publish: true } });
                new aws.lambda.Alias(`${name}-live`, { name: "live", functionName: target.fn.name, functionVersion: target.fn.version });
                onFailureQueue(name, target.fn, { qualifier: configured });
                snsTrigger(name, target, "live");
            }
        });
        assert.deepEqual(outcome.lines(), [
            noDlq("b", "aws.lambda.Permission \"b-from-topic\" for sns.amazonaws.com, aws.sns.TopicSubscription \"b-subscription\""),
        ]);
    });

    it("requires nothing of a function invoked only synchronously or through an event source mapping", async () => {
        const outcome = await run(() => {
            httpApi("front", lambda("api").fn);
            const { queue } = queueWithDlq("jobs");
            sqsMapping("jobs-mapping", queue, lambda("worker").fn);
        });
        assert.deepEqual(outcome.lines(), []);
    });
});
