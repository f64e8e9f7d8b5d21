/**
 * `topic`: an SNS topic delivering to the notifier, which Lambda invokes asynchronously (so it retries and then
 * sends the event to the cell's on-failure destination). What SNS cannot deliver at all goes to the cell's failure
 * queue through the subscription's redrive policy.
 */
import * as aws from "@pulumi/aws";
import { Arns } from "../arns";
import { ValuesOf } from "../config/fields";
import { allow } from "../iam";
import { Names } from "../names";
import { allowInvoke } from "./invoke-permission";
import { eventSource } from "./kind";
import { rejectionEnvironment, rejectNotOwned } from "./rejections";
import { sourceSettings } from "./settings";

const settings = sourceSettings("An SNS topic delivering to the notifier", {}, { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 2 });

export type TopicSettings = ValuesOf<typeof settings.fields>;

const names = (n: Names, cellId: string) => ({ topic: n.cellResource("topic", cellId, "events") });

export const topic = eventSource({
    settings,
    function: { kind: "notifier", handler: "notifier", invocation: "async" },
    names,
    grants: (arns, cell) => [allow("WriteOwnTable", ["dynamodb:ConditionCheckItem", "dynamodb:PutItem"], [arns.table(cell.tableName)]), rejectNotOwned(arns, cell)],
    environment: rejectionEnvironment,
    failureQueueSenders: (n, cellId) => [{ service: "sns.amazonaws.com", arn: arns => arns.topic(names(n, cellId).topic.name) }],
    wire(cell, worker) {
        const id = cell.cellId;
        const source = new aws.sns.Topic(`${id}-topic`, {
            name: names(cell.names, id).topic.name,
            kmsMasterKeyId: "alias/aws/sns",
            tags: cell.tags,
        }, cell.opts());
        const permission = allowInvoke(cell, `${id}-notifier-from-topic`, worker, "sns.amazonaws.com", source.arn);
        new aws.sns.TopicSubscription(`${id}-notifier-subscription`, {
            topic: source.arn,
            protocol: "lambda",
            endpoint: worker.fn.arn,
            // Messages SNS cannot deliver to the function (e.g. it was deleted or throttled past SNS's retries).
            // Built from the queue's name, so the document is known in preview.
            redrivePolicy: cell.context.apply(ctx => JSON.stringify({ deadLetterTargetArn: new Arns(ctx).queue(cell.failureQueueName) })),
        }, cell.opts({ dependsOn: [permission, cell.failureQueue] }));
    },
});
