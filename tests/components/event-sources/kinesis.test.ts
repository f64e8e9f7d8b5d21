import { strict as assert } from "assert";
import { shippedStack, Stack } from "../../fixtures/stack";
import { arn, statements, MAPPING } from "../../fixtures/plan";

describe("event source kinesis (components/event-sources/kinesis.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("the cell's Kinesis stream", () => {
        it("maps the cell's encrypted Kinesis stream with a parallelization factor", () => {
            const stream = dev.get("aws:kinesis/stream:Stream", "cell-b-kinesis");
            assert.equal(stream.inputs.encryptionType, "KMS");
            assert.equal(stream.inputs.shardCount, 1);
            const mapping = dev.get(MAPPING, "cell-b-kinesis-mapping");
            assert.equal(mapping.inputs.parallelizationFactor, 2);
            assert.equal(mapping.inputs.bisectBatchOnFunctionError, true);
            assert.equal(mapping.inputs.maximumRetryAttempts, 5);
            assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [stream.urn]);
            assert.deepEqual(statements(dev, "cell-b", "kinesis-stream")[0], {
                Sid: "ReadOwnStream", Effect: "Allow",
                Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
                Resource: [arn("kinesis", "stream/cellular-dev-cell-b-stream")],
            });
        });
    });
});
