/**
 * `kinesis`: the cell's own encrypted Kinesis stream (provisioned shards), consumed by the stream processor with the
 * same mapping as the table stream: bisection, finite retries, a record age and the failure queue.
 */
import * as aws from "@pulumi/aws";
import { ValuesOf, integer } from "../config/fields";
import { LIMITS } from "../config/limits";
import { allow } from "../iam";
import { Names } from "../names";
import { eventSource } from "./kind";
import { rejectionEnvironment } from "./rejections";
import { sourceSettings } from "./settings";
import { STREAM_FUNCTION, streamFields, streamMapping } from "./stream";
import { TABLE_WRITE_ACTIONS } from "./table-access";

const settings = sourceSettings("The cell's Kinesis stream, consumed by the stream processor", {
    shardCount: integer({ min: LIMITS.kinesisShards.min, max: LIMITS.kinesisShards.max, default: 1, description: "Provisioned shards of the cell's stream" }),
    ...streamFields(),
}, STREAM_FUNCTION);

export type KinesisSettings = ValuesOf<typeof settings.fields>;

const names = (n: Names, cellId: string) => ({ stream: n.cellResource("kinesisStream", cellId, "stream") });

export const kinesis = eventSource({
    settings,
    function: { kind: "kinesis-stream", handler: "stream-processor", invocation: "poll" },
    names,
    grants: (arns, cell) => [
        allow("ReadOwnStream", ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
            [arns.kinesisStream(names(cell.names, cell.cellId).stream.name)]),
        allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(cell.tableName)]),
        // Failed batches (the mapping's on-failure records) and refused records (another cell's customers).
        allow("DeliverFailedBatches", ["sqs:SendMessage"], [arns.queue(cell.failureQueueName)]),
    ],
    environment: rejectionEnvironment,
    quotaUsage: s => ({ kinesisShardsPerRegion: s.shardCount }),
    wire(cell, worker, s) {
        const id = cell.cellId;
        const stream = new aws.kinesis.Stream(`${id}-kinesis`, {
            name: names(cell.names, id).stream.name,
            shardCount: s.shardCount,
            streamModeDetails: { streamMode: "PROVISIONED" },
            retentionPeriod: 24,
            encryptionType: "KMS",
            kmsKeyId: "alias/aws/kinesis",
            tags: cell.tags,
        }, cell.opts());
        streamMapping(cell, `${id}-kinesis-mapping`, stream.arn, worker, s);
    },
});
