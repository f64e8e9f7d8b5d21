/**
 * `queue`: an SQS queue (standard or FIFO) drained by the queue worker through an event source mapping with
 * partial batch failures. Failed messages return to the queue and, after `maxReceiveCount` receives, move to the
 * queue's own dead-letter queue: AWS supports no destination on SQS mappings, so the redrive policy is the safety net.
 */
import * as aws from "@pulumi/aws";
import { Arns } from "../arns";
import { ValuesOf, boolean, integer } from "../config/fields";
import { LIMITS } from "../config/limits";
import { allow } from "../iam";
import { Names } from "../names";
import { DLQ_RETENTION_SECONDS, SOURCE_RETENTION_SECONDS, VISIBILITY_MULTIPLIER } from "../queues";
import { eventSource } from "./kind";
import { sourceSettings } from "./settings";
import { TABLE_WRITE_ACTIONS } from "./table-access";
import { rejectionEnvironment, rejectNotOwned } from "./rejections";

const settings = sourceSettings("An SQS queue drained by the queue worker", {
    fifo: boolean({ default: false, description: "A FIFO queue (and FIFO dead-letter queue)" }),
    batchSize: integer({ min: LIMITS.sqsBatchSize.min, max: LIMITS.sqsBatchSize.max, default: 10,
        allowed: `${LIMITS.sqsBatchSize.min}–${LIMITS.sqsBatchSize.max}; FIFO ≤ ${LIMITS.sqsFifoBatchSize}; > ${LIMITS.sqsBatchWithoutWindow} needs a window`,
        description: "Messages per batch" }),
    batchingWindowSeconds: integer({ min: LIMITS.batchingWindowSeconds.min, max: LIMITS.batchingWindowSeconds.max, default: 0,
        allowed: `${LIMITS.batchingWindowSeconds.min}–${LIMITS.batchingWindowSeconds.max}; FIFO 0`,
        description: "How long Lambda gathers messages into a batch" }),
    maxReceiveCount: integer({ min: LIMITS.maxReceiveCount.min, max: LIMITS.maxReceiveCount.max, default: 5,
        why: `expected ${LIMITS.maxReceiveCount.min} to ${LIMITS.maxReceiveCount.max} (fewer receives send messages to the dead-letter queue on a passing throttle)`,
        description: "Receives before a message moves to the queue's dead-letter queue" }),
}, { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 2 }, (v, at) => {
    if (v.fifo && v.batchSize > LIMITS.sqsFifoBatchSize) {
        at.problem("batchSize", v.batchSize, `a FIFO queue delivers at most ${LIMITS.sqsFifoBatchSize} messages per batch; expected 1 to ${LIMITS.sqsFifoBatchSize}`);
    }
    if (v.fifo && v.batchingWindowSeconds !== 0) {
        at.problem("batchingWindowSeconds", v.batchingWindowSeconds, "FIFO queues do not support a batching window; expected 0");
    }
    if (!v.fifo && v.batchSize > LIMITS.sqsBatchWithoutWindow && v.batchingWindowSeconds < 1) {
        at.problem("batchingWindowSeconds", v.batchingWindowSeconds,
            `a batch size above ${LIMITS.sqsBatchWithoutWindow} (${v.batchSize}) needs a batching window of at least 1 s`);
    }
});

export type QueueSettings = ValuesOf<typeof settings.fields>;

const names = (n: Names, cellId: string, s: QueueSettings) => ({
    // AWS requires the .fifo suffix on FIFO queues.
    queue: n.cellResource("queue", cellId, `queue${s.fifo ? ".fifo" : ""}`),
    dlq: n.cellResource("queue", cellId, `queue-dlq${s.fifo ? ".fifo" : ""}`),
});

export const queue = eventSource({
    settings,
    function: { kind: "queue-worker", handler: "queue-worker", invocation: "poll" },
    names,
    grants(arns, cell, s) {
        const { queue: q } = names(cell.names, cell.cellId, s);
        return [
            allow("ConsumeQueue", ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], [arns.queue(q.name)]),
            allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(cell.tableName)]),
            rejectNotOwned(arns, cell),
        ];
    },
    environment: rejectionEnvironment,
    failedEventQueues(n, cellId, s) {
        return [names(n, cellId, s).dlq.name];
    },
    wire(cell, worker, s) {
        const id = cell.cellId;
        const { queue: queueName, dlq: dlqName } = names(cell.names, id, s);
        const fifo = s.fifo ? { fifoQueue: true, contentBasedDeduplication: true } : {};
        const dlq = new aws.sqs.Queue(`${id}-queue-dlq`, {
            name: dlqName.name,
            ...fifo,
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            redriveAllowPolicy: cell.context.apply(ctx => JSON.stringify({
                redrivePermission: "byQueue",
                sourceQueueArns: [new Arns(ctx).queue(queueName.name)],
            })),
            tags: cell.tags,
        }, cell.opts());
        const source = new aws.sqs.Queue(`${id}-queue`, {
            name: queueName.name,
            ...fifo,
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: SOURCE_RETENTION_SECONDS,
            visibilityTimeoutSeconds: VISIBILITY_MULTIPLIER * s.timeoutSeconds,
            redrivePolicy: cell.context.apply(ctx => JSON.stringify({
                deadLetterTargetArn: new Arns(ctx).queue(dlqName.name),
                maxReceiveCount: s.maxReceiveCount,
            })),
            tags: cell.tags,
        }, cell.opts({ dependsOn: [dlq] }));
        new aws.lambda.EventSourceMapping(`${id}-queue-mapping`, {
            eventSourceArn: source.arn,
            functionName: worker.fn.arn,
            batchSize: s.batchSize,
            ...(!s.fifo && s.batchingWindowSeconds > 0 ? { maximumBatchingWindowInSeconds: s.batchingWindowSeconds } : {}),
            functionResponseTypes: ["ReportBatchItemFailures"],
            // Keep the poller from invoking more often than the reserved concurrency allows (throttles count as receives).
            ...(s.reservedConcurrency >= 2 ? { scalingConfig: { maximumConcurrency: s.reservedConcurrency } } : {}),
            tags: cell.tags,
        }, cell.opts({ dependsOn: [worker.policy] }));
    },
});
