import { strict as assert } from "assert";
import { edit, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../../fixtures/stack";
import { queueArn, TABLE, LOGS, TRACING, statements, urn, FN, QUEUE, MAPPING, INVOKE_CONFIG, REJECT_NOT_OWNED } from "../../fixtures/plan";

describe("event source queue (components/event-sources/queue.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("SQS queue (standard, cell-a)", () => {
        it("redrives to its own encrypted dead-letter queue after 5 receives, with a visibility of 6x the worker's timeout", () => {
            const queue = dev.get(QUEUE, "cell-a-queue");
            const dlq = dev.get(QUEUE, "cell-a-queue-dlq");
            const worker = dev.get(FN, "cell-a-queue-worker-function");
            assert.equal(queue.inputs.name, "cellular-dev-cell-a-queue");
            assert.equal(queue.inputs.sqsManagedSseEnabled, true);
            assert.equal(queue.inputs.visibilityTimeoutSeconds, 180);
            assert.ok((queue.inputs.visibilityTimeoutSeconds as number) >= 6 * (worker.inputs.timeout as number));
            assert.deepEqual(dev.json(queue, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-a-queue-dlq"), maxReceiveCount: 5 });
            assert.ok(queue.dependencies.includes(dlq.urn));
            assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
            assert.equal(dlq.inputs.messageRetentionSeconds, 1209600);
            assert.equal(dlq.inputs.fifoQueue, undefined);
            assert.deepEqual(dev.json(dlq, "redriveAllowPolicy"), { redrivePermission: "byQueue", sourceQueueArns: [queueArn("cellular-dev-cell-a-queue")] });
        });

        it("maps the queue to its worker with partial batch failures and no destination (AWS supports none for SQS)", () => {
            const mapping = dev.get(MAPPING, "cell-a-queue-mapping");
            assert.deepEqual({ ...mapping.inputs, tags: undefined }, {
                batchSize: 10,
                eventSourceArn: UNKNOWN,
                functionName: UNKNOWN,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: 2 },
                tags: undefined,
            });
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [urn(dev, QUEUE, "cell-a-queue")]);
            assert.deepEqual(mapping.propertyDependencies.functionName, [urn(dev, FN, "cell-a-queue-worker-function")]);
            assert.ok(mapping.dependencies.includes(urn(dev, "aws:iam/rolePolicy:RolePolicy", "cell-a-queue-worker-policy")));
            assert.equal(dev.has(INVOKE_CONFIG, "cell-a-queue-worker-async"), false);
        });

        it("caps the mapping's pollers at the worker's reserved concurrency, whatever it is set to", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.eventSources.queue.reservedConcurrency = 7; }) });
            for (const cell of ["cell-a", "cell-c"]) {
                assert.deepEqual(stack.get(MAPPING, `${cell}-queue-mapping`).inputs.scalingConfig, { maximumConcurrency: 7 }, cell);
                assert.equal(stack.get(FN, `${cell}-queue-worker-function`).inputs.reservedConcurrentExecutions, 7, cell);
            }
        });

        it("lets the worker consume its queue and write its table, nothing more", () => {
            assert.deepEqual(statements(dev, "cell-a", "queue-worker"), [
                { Sid: "ConsumeQueue", Effect: "Allow", Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], Resource: [queueArn("cellular-dev-cell-a-queue")] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE("cell-a")] },
                REJECT_NOT_OWNED("cell-a"),
                LOGS("cellular-dev-cell-a-queue-worker"),
                TRACING,
            ]);
        });
    });
    describe("SQS queue (FIFO, cell-c)", () => {
        it("uses FIFO queues for the source and its dead-letter queue, batches of at most 10 and no window", () => {
            const queue = dev.get(QUEUE, "cell-c-queue");
            const dlq = dev.get(QUEUE, "cell-c-queue-dlq");
            assert.equal(queue.inputs.name, "cellular-dev-cell-c-queue.fifo");
            assert.equal(queue.inputs.fifoQueue, true);
            assert.equal(queue.inputs.contentBasedDeduplication, true);
            assert.equal(dlq.inputs.name, "cellular-dev-cell-c-queue-dlq.fifo");
            assert.equal(dlq.inputs.fifoQueue, true);
            assert.deepEqual(dev.json(queue, "redrivePolicy"), { deadLetterTargetArn: queueArn("cellular-dev-cell-c-queue-dlq.fifo"), maxReceiveCount: 5 });
            const mapping = dev.get(MAPPING, "cell-c-queue-mapping");
            assert.equal(mapping.inputs.batchSize, 10);
            assert.equal("maximumBatchingWindowInSeconds" in mapping.inputs, false);
            assert.equal("destinationConfig" in mapping.inputs, false);
            assert.deepEqual(statements(dev, "cell-c", "queue-worker")[0]!.Resource, [queueArn("cellular-dev-cell-c-queue.fifo")]);
        });
    });
});
