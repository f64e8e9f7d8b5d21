import { strict as assert } from "assert";
import { shippedStack, Stack, UNKNOWN } from "../../fixtures/stack";
import { TABLE, FAILURES, statements, urn, QUEUE, MAPPING } from "../../fixtures/plan";

describe("event source tableStream (components/event-sources/table-stream.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("the table's DynamoDB stream", () => {
        it("maps the table's stream (keys only, item rows only) with bisection, finite retries, a record age and the failure queue", () => {
            const table = dev.get("aws:dynamodb/table:Table", "cell-a-table");
            assert.equal(table.inputs.streamEnabled, true);
            assert.equal(table.inputs.streamViewType, "KEYS_ONLY");
            const mapping = dev.get(MAPPING, "cell-a-table-stream-mapping");
            assert.deepEqual({ ...mapping.inputs, tags: undefined }, {
                batchSize: 100,
                bisectBatchOnFunctionError: true,
                destinationConfig: { onFailure: { destinationArn: UNKNOWN } },
                eventSourceArn: UNKNOWN,
                filterCriteria: { filters: [{ pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"ITEM#"}]}}}}' }] },
                functionName: UNKNOWN,
                functionResponseTypes: ["ReportBatchItemFailures"],
                maximumRecordAgeInSeconds: 3600,
                maximumRetryAttempts: 5,
                parallelizationFactor: 1,
                startingPosition: "LATEST",
                tags: undefined,
            });
            assert.deepEqual(mapping.propertyDependencies.destinationConfig, [urn(dev, QUEUE, "cell-a-failures")]);
            assert.deepEqual(mapping.propertyDependencies.eventSourceArn, [table.urn]);
            assert.deepEqual(statements(dev, "cell-a", "table-stream").slice(0, 3), [
                { Sid: "ReadOwnTableStream", Effect: "Allow", Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], Resource: [`${TABLE("cell-a")}/stream/*`] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE("cell-a")] },
                { Sid: "DeliverFailedBatches", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [FAILURES("cell-a")] },
            ]);
        });
    });
});
