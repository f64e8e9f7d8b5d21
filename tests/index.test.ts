import { strict as assert } from "assert";
import { countByType, edit, ProgramError, runStack, shippedStack, Stack, stackConfig } from "./fixtures/stack";

/** What every function brings: its role, its inline policy, its log group and itself. */
const PER_FUNCTION = 4;

/** One cell of dev: every event source on (8 functions). */
const DEV_CELL = {
    "aws:cloudwatch/dashboard:Dashboard": 1,
    "aws:cloudwatch/eventRule:EventRule": 1,
    "aws:cloudwatch/eventTarget:EventTarget": 1,
    "aws:cloudwatch/logGroup:LogGroup": 8,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
    "aws:dynamodb/table:Table": 1,
    "aws:iam/role:Role": 8,
    "aws:iam/rolePolicy:RolePolicy": 8,
    "aws:kinesis/stream:Stream": 1,
    "aws:lambda/alias:Alias": 1,
    "aws:lambda/eventSourceMapping:EventSourceMapping": 4,
    "aws:lambda/function:Function": 8,
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 3,
    "aws:lambda/permission:Permission": 3,
    "aws:s3/bucket:Bucket": 1,
    "aws:s3/bucketNotification:BucketNotification": 1,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
    "aws:sns/topic:Topic": 1,
    "aws:sns/topicSubscription:TopicSubscription": 1,
    "aws:sqs/queue:Queue": 4,
    "aws:sqs/queuePolicy:QueuePolicy": 1,
};

/** One cell of prod: no Kinesis (7 functions), provisioned concurrency on the API alias. */
const PROD_CELL = {
    ...DEV_CELL,
    "aws:cloudwatch/logGroup:LogGroup": 7,
    "aws:iam/role:Role": 7,
    "aws:iam/rolePolicy:RolePolicy": 7,
    "aws:lambda/eventSourceMapping:EventSourceMapping": 3,
    "aws:lambda/function:Function": 7,
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": 1,
} as Record<string, number>;
delete PROD_CELL["aws:kinesis/stream:Stream"];

/** Outside every cell: the stack, the default provider, the router and its API. */
const SHARED = {
    "aws:apigatewayv2/api:Api": 1,
    "aws:apigatewayv2/integration:Integration": 1,
    "aws:apigatewayv2/route:Route": 2,
    "aws:apigatewayv2/stage:Stage": 1,
    "aws:cloudwatch/logGroup:LogGroup": 2,
    "aws:iam/policy:Policy": 1,
    "aws:iam/role:Role": 1,
    "aws:iam/rolePolicy:RolePolicy": 1,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    "aws:lambda/alias:Alias": 1,
    "aws:lambda/function:Function": 1,
    "aws:lambda/permission:Permission": 1,
    "cellular:index:CellRouter": 1,
    "pulumi:providers:aws": 1,
    "pulumi:pulumi:Stack": 1,
} as Record<string, number>;

function sum(counts: Record<string, number>): number {
    return Object.values(counts).reduce((a, b) => a + b, 0);
}

function shared(stack: Stack) {
    return stack.resources.filter(r => stack.cellOf(r) === undefined);
}

describe("the program under mocks", () => {
    describe("dev", () => {
        let stack: Stack;
        before(async () => {
            stack = await shippedStack("dev");
        });

        it("registers the same resources in each of the 3 cells", () => {
            for (const cell of ["cell-a", "cell-b", "cell-c"]) {
                assert.deepEqual(countByType(stack.inCell(cell)), DEV_CELL, cell);
            }
            assert.equal(sum(DEV_CELL), 63);
            assert.equal(DEV_CELL["aws:lambda/function:Function"] * PER_FUNCTION, 32);
        });

        it("registers the router and its API outside every cell", () => {
            assert.deepEqual(countByType(shared(stack)), SHARED);
        });

        it("registers 3 cells x 63 + 3 Cell components + 17 shared = 209 resources in total", () => {
            assert.equal(stack.ofType("cellular:index:Cell").length, 3);
            assert.equal(stack.resources.length, 3 * 63 + 3 + sum(SHARED));
            assert.equal(stack.resources.length, 209);
        });

        it("exports the router URL (unknown in preview) and the cells", () => {
            const outputs = stack.capture.stackOutputs;
            assert.equal(outputs.url, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
            assert.deepEqual(outputs.cells, [
                { id: "cell-a", wave: 0, state: "active", table: "cellular-dev-cell-a-data", function: "cellular-dev-cell-a-api:live" },
                { id: "cell-b", wave: 0, state: "active", table: "cellular-dev-cell-b-data", function: "cellular-dev-cell-b-api:live" },
                { id: "cell-c", wave: 0, state: "active", table: "cellular-dev-cell-c-data", function: "cellular-dev-cell-c-api:live" },
            ]);
            assert.equal(outputs.reservedConcurrency, 52);
        });
    });

    describe("prod", () => {
        let stack: Stack;
        before(async () => {
            stack = await shippedStack("prod");
        });

        it("registers the same resources in each of the 12 cells", () => {
            const cells = stack.ofType("cellular:index:Cell").map(c => c.outputs.cellId as string);
            assert.equal(cells.length, 12);
            for (const cell of cells) assert.deepEqual(countByType(stack.inCell(cell)), PROD_CELL, cell);
            assert.equal(sum(PROD_CELL), 58);
        });

        it("gates waves 1 and 2 and adds the router's provisioned concurrency outside the cells", () => {
            assert.deepEqual(countByType(shared(stack)), {
                ...SHARED,
                "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": 1,
                "aws:ssm/parameter:Parameter": 2,
            });
        });

        it("registers 12 cells x 58 + 12 Cell components + 20 shared = 728 resources in total", () => {
            assert.equal(stack.resources.length, 12 * 58 + 12 + 20);
        });
    });

    describe("with an invalid config", () => {
        it("registers no resource besides the stack itself, and fails with every problem", async () => {
            let raw = edit(stackConfig("dev"), "defaults", d => { d.timeoutSeconds = 40; });
            raw = edit(raw, "cells", c => { c[0].id = "Cell_A"; });
            await assert.rejects(runStack("dev", { config: raw }), (err: unknown) => {
                assert.ok(err instanceof ProgramError);
                assert.equal((err.cause as Error).message, "invalid stack configuration (2 problems):\n" +
                    '  - cellular:cells[0].id is "Cell_A"; cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 20 characters\n' +
                    "  - cellular:defaults.timeoutSeconds is 40; a cell's API function is behind API Gateway or invoked synchronously by the router, so it must finish within 28 s");
                assert.deepEqual(err.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
                return true;
            });
        });
    });
});
