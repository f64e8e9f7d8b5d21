import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { TAGS, arn, lambda, onFailureQueue, queueWithDlq, sqsMapping } from "../fixtures/policies/builders";
import { MODES, compareConfig, run, runBoth } from "../fixtures/policies/harness";

const FAILURES = "event-source-failure-handling";
const VISIBILITY = "sqs-visibility-timeout";

/** A DynamoDB table with a stream, and a mapping of `w` on it with `args`. */
function streamMapping(args: Partial<aws.lambda.EventSourceMappingArgs>) {
    return () => {
        const w = lambda("w");
        const table = new aws.dynamodb.Table("orders", {
            name: "orders", billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [{ name: "pk", type: "S" }],
            streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES", tags: TAGS,
        });
        new aws.lambda.EventSourceMapping("m", { eventSourceArn: table.streamArn, functionName: w.fn.arn, startingPosition: "LATEST", tags: TAGS, ...args });
    };
}

const COMPLIANT_STREAM: Partial<aws.lambda.EventSourceMappingArgs> = {
    maximumRetryAttempts: 5,
    bisectBatchOnFunctionError: true,
    functionResponseTypes: ["ReportBatchItemFailures"],
    destinationConfig: { onFailure: { destinationArn: arn.queue("stream-failures") } },
};

describe("event-source-failure-handling", () => {
    it("accepts an SQS mapping without a destination, whose queue redrives to a DLQ, in both modes", async () => {
        const outcomes = await runBoth(() => {
            const { queue } = queueWithDlq("jobs");
            sqsMapping("m", queue, lambda("w").fn);
        });
        for (const mode of MODES) assert.deepEqual(outcomes[mode].lines(), [], mode);
    });

    it("rejects an SQS mapping that does not report partial batch failures", async () => {
        const outcome = await run(() => {
            const { queue } = queueWithDlq("jobs");
            sqsMapping("m", queue, lambda("w").fn, { functionResponseTypes: [] });
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${FAILURES} m: aws.lambda.EventSourceMapping "m" (SQS queue) does not report partial batch failures, so one failed ` +
            "message returns its whole batch to the queue; add \"ReportBatchItemFailures\" to functionResponseTypes and return batchItemFailures from the handler",
        ]);
    });

    for (const mode of MODES) {
        it(`rejects a source queue without a redrive policy (${mode})`, async () => {
            const outcome = await run(() => {
                const queue = new aws.sqs.Queue("jobs", { name: "jobs", visibilityTimeoutSeconds: 60, tags: TAGS });
                sqsMapping("m", queue, lambda("w").fn);
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${FAILURES} jobs: aws.sqs.Queue "jobs" feeds aws.lambda.EventSourceMapping "m" but has no redrivePolicy, so a ` +
                "message that keeps failing is received again and again until it expires; set redrivePolicy with a deadLetterTargetArn and a " +
                "maxReceiveCount of at least 5",
            ]);
        });
    }

    it("rejects a maxReceiveCount below 5, in the queue or in an aws.sqs.RedrivePolicy", async () => {
        const outcome = await run(() => {
            const { queue } = queueWithDlq("jobs", {}, 2);
            sqsMapping("m", queue, lambda("w").fn);
            const other = new aws.sqs.Queue("other", { name: "other", visibilityTimeoutSeconds: 60, tags: TAGS });
            new aws.sqs.RedrivePolicy("other-redrive", { queueUrl: other.url, redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn.queue("jobs-dlq"), maxReceiveCount: 1 }) });
            sqsMapping("n", other, lambda("v").fn);
        });
        const low = (name: string, count: string) => `mandatory ${FAILURES} ${name}: aws.sqs.Queue "${name}" moves a failing message to its ` +
            `dead-letter queue after ${count}; set redrivePolicy.maxReceiveCount to at least 5, so that a message that was throttled or failed briefly is retried first`;
        assert.deepEqual(outcome.lines(), [low("jobs", "2 receives"), low("other", "1 receive")]);
    });

    it("requires no redrive policy of a queue that is itself a dead-letter queue", async () => {
        const outcome = await run(() => {
            // The failed events of an asynchronously invoked function go to a queue that another function drains.
            const notifier = lambda("notifier");
            const failures = onFailureQueue("notifier", notifier.fn);
            sqsMapping("drain", failures, lambda("handler").fn);
            // A source queue's DLQ, drained too.
            const { dlq } = queueWithDlq("jobs");
            sqsMapping("redrive", dlq, lambda("replay").fn);
        });
        assert.deepEqual(outcome.of(FAILURES), []);
    });

    it("accepts a stream mapping with a destination, finite retries, bisection and partial batch failures, in both modes", async () => {
        const outcomes = await runBoth(streamMapping(COMPLIANT_STREAM));
        for (const mode of MODES) assert.deepEqual(outcomes[mode].lines(), [], mode);
    });

    for (const mode of MODES) {
        it(`rejects a DynamoDB stream mapping with none of them (${mode})`, async () => {
            const outcome = await run(streamMapping({}), { mode });
            const m = "aws.lambda.EventSourceMapping \"m\" (DynamoDB stream)";
            assert.deepEqual(outcome.lines(), [
                `mandatory ${FAILURES} m: ${m} does not report partial batch failures, so one failed record fails its whole batch; add ` +
                "\"ReportBatchItemFailures\" to functionResponseTypes and return batchItemFailures from the handler",
                `mandatory ${FAILURES} m: ${m} does not set bisectBatchOnFunctionError, so one bad record fails its whole batch on every retry; ` +
                "set bisectBatchOnFunctionError to true",
                `mandatory ${FAILURES} m: ${m} has no on-failure destination, so a batch that exhausts its retries is dropped; set ` +
                "destinationConfig.onFailure.destinationArn to an SQS queue or SNS topic",
                `mandatory ${FAILURES} m: ${m} leaves maximumRetryAttempts unset (-1), so a failing batch is retried until its records expire, ` +
                "blocking its shard; set it to a finite value from 0 to 10000",
            ]);
        });
    }

    it("rejects infinite or out-of-range retries of a Kinesis mapping", async () => {
        const outcome = await run(() => {
            const stream = new aws.kinesis.Stream("events", { name: "events", shardCount: 1, tags: TAGS });
            const w = lambda("w");
            for (const [name, retries] of [["k1", -1], ["k2", 20000]] as const) {
                new aws.lambda.EventSourceMapping(name, {
                    ...COMPLIANT_STREAM, eventSourceArn: stream.arn, functionName: w.fn.arn, startingPosition: "LATEST", maximumRetryAttempts: retries, tags: TAGS,
                });
            }
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${FAILURES} k1: aws.lambda.EventSourceMapping "k1" (Kinesis stream) sets maximumRetryAttempts to -1, so a failing batch ` +
            "is retried until its records expire, blocking its shard; set it to a finite value from 0 to 10000",
            `mandatory ${FAILURES} k2: aws.lambda.EventSourceMapping "k2" (Kinesis stream) sets maximumRetryAttempts to 20000; set it to a ` +
            "finite value from 0 to 10000",
        ]);
    });

    it("cannot tell what a mapping reads from a queue outside the stack before deploy; decides once it is known", async () => {
        const program = () => {
            const external = aws.sqs.Queue.get("external", "https://sqs.us-east-1.amazonaws.com/123456789012/external");
            sqsMapping("m", external, lambda("w").fn, { functionResponseTypes: [] });
        };
        const { preview, update } = await runBoth(program);
        assert.deepEqual(preview.of(FAILURES), [
            `advisory ${FAILURES} m: can't run policy '${FAILURES}' on aws.lambda.EventSourceMapping "m" during preview: its eventSourceArn ` +
            "can't be known during preview and depends on no queue, table or stream of this stack",
        ]);
        assert.deepEqual(update.of(FAILURES), [
            `mandatory ${FAILURES} m: aws.lambda.EventSourceMapping "m" (SQS queue) does not report partial batch failures, so one failed ` +
            "message returns its whole batch to the queue; add \"ReportBatchItemFailures\" to functionResponseTypes and return batchItemFailures from the handler",
        ]);
    });

    it("minMaxReceiveCount, changed in a config file, changes the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => {
            const { queue } = queueWithDlq("jobs", {}, 8);
            sqsMapping("m", queue, lambda("w").fn);
        }, "receive-count-10.json", FAILURES);
        assert.deepEqual(defaults, []);
        assert.deepEqual(configured, [
            "mandatory event-source-failure-handling jobs: aws.sqs.Queue \"jobs\" moves a failing message to its dead-letter queue after 8 " +
            "receives; set redrivePolicy.maxReceiveCount to at least 10, so that a message that was throttled or failed briefly is retried first",
        ]);
    });
});

describe("sqs-visibility-timeout", () => {
    for (const mode of MODES) {
        it(`rejects a queue whose visibility timeout is below 6 × its consumer's timeout (${mode})`, async () => {
            const outcome = await run(() => {
                const w = lambda("w");
                for (const [name, visibility] of [["jobs", undefined], ["slow", 59], ["fine", 60]] as const) {
                    const { queue } = queueWithDlq(name, { visibilityTimeoutSeconds: visibility });
                    sqsMapping(`${name}-mapping`, queue, w.fn);
                }
            }, { mode });
            const below = (name: string, setting: string) => `mandatory ${VISIBILITY} ${name}: aws.sqs.Queue "${name}" has ${setting}, less than ` +
                "6 × the 10 s timeout of aws.lambda.Function \"w-function\" (w) that consumes it, so a message can reappear while it is still " +
                "being processed; set visibilityTimeoutSeconds to at least 60";
            assert.deepEqual(outcome.lines(), [
                below("jobs", "the default visibility timeout of 30 s"),
                below("slow", "a visibility timeout of 59 s"),
            ]);
        });
    }

    it("multiplier, changed in a config file, changes the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => {
            const { queue } = queueWithDlq("jobs", { visibilityTimeoutSeconds: 30 });
            sqsMapping("m", queue, lambda("w").fn);
        }, "visibility-3x.json", VISIBILITY);
        assert.equal(defaults.length, 1);
        assert.deepEqual(configured, []);
    });
});
