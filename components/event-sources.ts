/**
 * The event sources a cell enables from config (`eventSources` of the cell, defaulting from the stack's), each
 * wired into its own worker function with its own least-privilege statements, permissions scoped with
 * `sourceArn` (S3 also `sourceAccount`), cost tags, and a place for every failed event:
 *
 * | source       | invocation | a failed event ends up                                                        |
 * |--------------|------------|-------------------------------------------------------------------------------|
 * | queue (SQS)  | poll       | back on the queue; after `maxReceiveCount` receives, the queue's own DLQ       |
 * | topic (SNS)  | async      | Lambda retries, then the on-failure destination; undeliverable: the failure queue (subscription redrive) |
 * | bucket (S3)  | async      | Lambda retries, then the on-failure destination                                |
 * | schedule     | async      | Lambda retries, then the on-failure destination; undeliverable: the failure queue (target DLQ) |
 * | table stream | poll       | bisected and retried `maximumRetryAttempts` times, then the failure queue      |
 * | kinesis      | poll       | as the table stream                                                            |
 *
 * The on-failure destination is the cell's failure queue unless `async.onFailure` says otherwise; the failure
 * handler drains the failure queue (see components/cell.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ITEM_STREAM_FILTER, ENV } from "../handlers/lib/table";
import { Arns } from "./arns";
import type { CellScope } from "./cell";
import { KinesisSource, StreamSource } from "./config";
import { LambdaResources } from "./function";
import { allow, Statement } from "./iam";

/** SQS's visibility timeout should be at least six times the consumer's timeout (AWS's guidance). */
export const VISIBILITY_MULTIPLIER = 6;
/** Source queues keep messages four days (SQS's default); dead-letter and failure queues the maximum, fourteen. */
const SOURCE_RETENTION_SECONDS = 345600;
export const DLQ_RETENTION_SECONDS = 1209600;
/** Where the ingest function reads, and writes its error reports; where the daily job writes its summary. */
export const ERRORS_PREFIX = "errors/";
export const SUMMARIES_PREFIX = "summaries/";
/** Where the failure handler keeps failed events too large for a table row. */
export const FAILURES_PREFIX = "failures/";

export interface EventSourceResources {
    queue?: { queue: aws.sqs.Queue; dlq: aws.sqs.Queue; worker: LambdaResources; mapping: aws.lambda.EventSourceMapping };
    topic?: { topic: aws.sns.Topic; worker: LambdaResources; subscription: aws.sns.TopicSubscription };
    bucket?: { bucket: aws.s3.Bucket; worker: LambdaResources; notification: aws.s3.BucketNotification };
    schedule?: { rule: aws.cloudwatch.EventRule; worker: LambdaResources; target: aws.cloudwatch.EventTarget };
    tableStream?: { worker: LambdaResources; mapping: aws.lambda.EventSourceMapping };
    kinesis?: { stream: aws.kinesis.Stream; worker: LambdaResources; mapping: aws.lambda.EventSourceMapping };
    /** Services that deliver undeliverable events into the failure queue, and from which resource. */
    failureQueueSenders: Array<{ service: string; arn: (arns: Arns) => string }>;
}

/** What a transactional, conditional write (TransactWriteItems of puts and updates) needs. */
const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem"];

export function createEventSources(scope: CellScope): EventSourceResources {
    const sources = scope.cell.eventSources;
    const out: EventSourceResources = { failureQueueSenders: [] };
    // The bucket first: the daily job writes its summary there.
    if (sources.bucket.enabled) out.bucket = createBucketSource(scope);
    if (sources.queue.enabled) out.queue = createQueueSource(scope);
    if (sources.topic.enabled) {
        out.topic = createTopicSource(scope);
        out.failureQueueSenders.push({ service: "sns.amazonaws.com", arn: arns => arns.topic(scope.names.topic(scope.cell.id)) });
    }
    if (sources.schedule.enabled) {
        out.schedule = createScheduleSource(scope, out.bucket !== undefined);
        out.failureQueueSenders.push({ service: "events.amazonaws.com", arn: arns => arns.eventRule(scope.names.scheduleRule(scope.cell.id)) });
    }
    if (sources.tableStream.enabled) out.tableStream = createTableStreamSource(scope);
    if (sources.kinesis.enabled) out.kinesis = createKinesisSource(scope);
    return out;
}

function opts(scope: CellScope, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent: scope.parent, ...extra, dependsOn: [...scope.after, ...((extra.dependsOn as pulumi.Resource[] | undefined) ?? [])] };
}

function createQueueSource(scope: CellScope): NonNullable<EventSourceResources["queue"]> {
    const { cell, names, tags } = scope;
    const settings = cell.eventSources.queue;
    const id = cell.id;
    const queueName = names.sourceQueue(id, settings.fifo);
    const dlqName = names.sourceQueueDlq(id, settings.fifo);
    const fifo = settings.fifo ? { fifoQueue: true, contentBasedDeduplication: true } : {};

    const dlq = new aws.sqs.Queue(`${id}-queue-dlq`, {
        name: dlqName,
        ...fifo,
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: DLQ_RETENTION_SECONDS,
        redriveAllowPolicy: scope.context.apply(ctx => JSON.stringify({
            redrivePermission: "byQueue",
            sourceQueueArns: [new Arns(ctx).queue(queueName)],
        })),
        tags,
    }, opts(scope));
    const queue = new aws.sqs.Queue(`${id}-queue`, {
        name: queueName,
        ...fifo,
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: SOURCE_RETENTION_SECONDS,
        visibilityTimeoutSeconds: VISIBILITY_MULTIPLIER * settings.timeoutSeconds,
        redrivePolicy: scope.context.apply(ctx => JSON.stringify({
            deadLetterTargetArn: new Arns(ctx).queue(dlqName),
            maxReceiveCount: settings.maxReceiveCount,
        })),
        tags,
    }, opts(scope, { dependsOn: [dlq] }));

    // No destination: AWS supports none for SQS mappings; the redrive policy above is the safety net.
    const worker = scope.lambda("queue-worker", "queue-worker", settings, arns => [
        allow("ConsumeQueue", ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], [arns.queue(queueName)]),
        allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(scope.tableName)]),
    ]);
    const mapping = new aws.lambda.EventSourceMapping(`${id}-queue-mapping`, {
        eventSourceArn: queue.arn,
        functionName: worker.fn.arn,
        batchSize: settings.batchSize,
        ...(!settings.fifo && settings.batchingWindowSeconds > 0 ? { maximumBatchingWindowInSeconds: settings.batchingWindowSeconds } : {}),
        functionResponseTypes: ["ReportBatchItemFailures"],
        // Keep the poller from invoking more often than the reserved concurrency allows (throttles count as receives).
        ...(settings.reservedConcurrency >= 2 ? { scalingConfig: { maximumConcurrency: settings.reservedConcurrency } } : {}),
        tags,
    }, opts(scope, { dependsOn: [worker.policy] }));
    return { queue, dlq, worker, mapping };
}

function createTopicSource(scope: CellScope): NonNullable<EventSourceResources["topic"]> {
    const { cell, names, tags } = scope;
    const id = cell.id;
    const topicName = names.topic(id);
    const topic = new aws.sns.Topic(`${id}-topic`, {
        name: topicName,
        kmsMasterKeyId: "alias/aws/sns",
        tags,
    }, opts(scope));
    const worker = scope.asyncLambda("notifier", "notifier", cell.eventSources.topic, arns => [
        allow("WriteOwnTable", ["dynamodb:PutItem"], [arns.table(scope.tableName)]),
    ]);
    const permission = new aws.lambda.Permission(`${id}-notifier-from-topic`, {
        action: "lambda:InvokeFunction",
        function: worker.fn.name,
        principal: "sns.amazonaws.com",
        sourceArn: topic.arn,
    }, opts(scope));
    const subscription = new aws.sns.TopicSubscription(`${id}-notifier-subscription`, {
        topic: topic.arn,
        protocol: "lambda",
        endpoint: worker.fn.arn,
        // Messages SNS cannot deliver to the function (e.g. it was deleted or throttled past SNS's retries).
        // Built from the queue's name, so the document is known in preview.
        redrivePolicy: scope.context.apply(ctx => JSON.stringify({ deadLetterTargetArn: new Arns(ctx).queue(scope.failureQueueName) })),
    }, opts(scope, { dependsOn: [permission, scope.failureQueue] }));
    return { topic, worker, subscription };
}

/** The cell's bucket's name: unique per account (S3 names are global). */
export function bucketName(scope: CellScope, accountId: string): string {
    return scope.names.bucket(scope.cell.id, accountId);
}

function createBucketSource(scope: CellScope): NonNullable<EventSourceResources["bucket"]> {
    const { cell, tags } = scope;
    const settings = cell.eventSources.bucket;
    const id = cell.id;
    const name = scope.context.accountId.apply(account => bucketName(scope, account));
    const bucket = new aws.s3.Bucket(`${id}-bucket`, { bucket: name, tags }, opts(scope));
    new aws.s3.BucketPublicAccessBlock(`${id}-bucket-public-access`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    }, opts(scope));
    new aws.s3.BucketServerSideEncryptionConfiguration(`${id}-bucket-encryption`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, opts(scope));
    new aws.s3.BucketOwnershipControls(`${id}-bucket-ownership`, {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
    }, opts(scope));

    const worker = scope.asyncLambda("ingest", "ingest", settings, arns => {
        const b = bucketName(scope, arns.ctx.accountId);
        return [
            allow("ReadIncoming", ["s3:GetObject"], [arns.bucketObjects(b, settings.prefix)]),
            // Without it, a deleted object reads as "access denied" instead of "no such key".
            { ...allow("ListIncoming", ["s3:ListBucket"], [arns.bucket(b)]), Condition: { StringLike: { "s3:prefix": [`${settings.prefix}*`] } } },
            allow("WriteErrorReports", ["s3:PutObject"], [arns.bucketObjects(b, ERRORS_PREFIX)]),
            allow("WriteOwnTable", ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"], [arns.table(scope.tableName)]),
        ];
    }, { [ENV.bucketName]: name });
    const permission = new aws.lambda.Permission(`${id}-ingest-from-bucket`, {
        action: "lambda:InvokeFunction",
        function: worker.fn.name,
        principal: "s3.amazonaws.com",
        sourceArn: bucket.arn,
        sourceAccount: scope.context.accountId,
    }, opts(scope));
    const notification = new aws.s3.BucketNotification(`${id}-bucket-notification`, {
        bucket: bucket.id,
        lambdaFunctions: settings.suffixes.map(suffix => ({
            lambdaFunctionArn: worker.fn.arn,
            events: ["s3:ObjectCreated:*"],
            filterPrefix: settings.prefix,
            filterSuffix: suffix,
        })),
    }, opts(scope, { dependsOn: [permission] }));
    return { bucket, worker, notification };
}

function createScheduleSource(scope: CellScope, withBucket: boolean): NonNullable<EventSourceResources["schedule"]> {
    const { cell, names, tags } = scope;
    const settings = cell.eventSources.schedule;
    const id = cell.id;
    const rule = new aws.cloudwatch.EventRule(`${id}-schedule`, {
        name: names.scheduleRule(id),
        description: `Daily job of cell ${id}`,
        scheduleExpression: settings.expression,
        state: "ENABLED",
        tags,
    }, opts(scope));
    const worker = scope.asyncLambda("scheduled", "scheduled", settings, arns => {
        const statements: Statement[] = [allow("ReadOwnTable", ["dynamodb:Scan"], [arns.table(scope.tableName)])];
        if (withBucket) {
            statements.push(allow("WriteSummaries", ["s3:PutObject"], [arns.bucketObjects(bucketName(scope, arns.ctx.accountId), SUMMARIES_PREFIX)]));
        }
        return statements;
    }, withBucket ? { [ENV.bucketName]: scope.context.accountId.apply(a => bucketName(scope, a)) } : {});
    const permission = new aws.lambda.Permission(`${id}-scheduled-from-rule`, {
        action: "lambda:InvokeFunction",
        function: worker.fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
    }, opts(scope));
    const target = new aws.cloudwatch.EventTarget(`${id}-schedule-target`, {
        rule: rule.name,
        arn: worker.fn.arn,
        // Delivery failures (not function errors): retried, then kept in the failure queue.
        retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: scope.failureQueue.arn },
    }, opts(scope, { dependsOn: [permission] }));
    return { rule, worker, target };
}

function streamMapping(scope: CellScope, logicalName: string, eventSourceArn: pulumi.Input<string>, worker: LambdaResources,
    settings: StreamSource, filter?: object): aws.lambda.EventSourceMapping {
    return new aws.lambda.EventSourceMapping(logicalName, {
        eventSourceArn,
        functionName: worker.fn.arn,
        startingPosition: settings.startingPosition,
        batchSize: settings.batchSize,
        ...(settings.batchingWindowSeconds > 0 ? { maximumBatchingWindowInSeconds: settings.batchingWindowSeconds } : {}),
        maximumRetryAttempts: settings.maximumRetryAttempts,
        maximumRecordAgeInSeconds: settings.maximumRecordAgeSeconds,
        bisectBatchOnFunctionError: true,
        parallelizationFactor: settings.parallelizationFactor,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: scope.failureQueue.arn } },
        ...(filter ? { filterCriteria: { filters: [{ pattern: JSON.stringify(filter) }] } } : {}),
        tags: scope.tags,
    }, opts(scope, { dependsOn: [worker.policy] }));
}

function createTableStreamSource(scope: CellScope): NonNullable<EventSourceResources["tableStream"]> {
    const settings = scope.cell.eventSources.tableStream;
    const worker = scope.lambda("table-stream", "stream-processor", settings, arns => [
        allow("ReadOwnTableStream", ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            [arns.tableStreams(scope.tableName)]),
        allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(scope.tableName)]),
        allow("DeliverFailedBatches", ["sqs:SendMessage"], [arns.queue(scope.failureQueueName)]),
    ]);
    // Only item rows: the processor's own writes (counters, audit) never trigger it again.
    const mapping = streamMapping(scope, `${scope.cell.id}-table-stream-mapping`, scope.table.streamArn, worker, settings, ITEM_STREAM_FILTER);
    return { worker, mapping };
}

function createKinesisSource(scope: CellScope): NonNullable<EventSourceResources["kinesis"]> {
    const { cell, names, tags } = scope;
    const settings: KinesisSource = cell.eventSources.kinesis;
    const id = cell.id;
    const streamName = names.kinesisStream(id);
    const stream = new aws.kinesis.Stream(`${id}-kinesis`, {
        name: streamName,
        shardCount: settings.shardCount,
        streamModeDetails: { streamMode: "PROVISIONED" },
        retentionPeriod: 24,
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
        tags,
    }, opts(scope));
    const worker = scope.lambda("kinesis-stream", "stream-processor", settings, arns => [
        allow("ReadOwnStream", ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
            [arns.kinesisStream(streamName)]),
        allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(scope.tableName)]),
        allow("DeliverFailedBatches", ["sqs:SendMessage"], [arns.queue(scope.failureQueueName)]),
    ]);
    const mapping = streamMapping(scope, `${id}-kinesis-mapping`, stream.arn, worker, settings);
    return { stream, worker, mapping };
}
