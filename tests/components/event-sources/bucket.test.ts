import { strict as assert } from "assert";
import { edit, Json, runStack, shippedStack, Stack, stackConfig } from "../../fixtures/stack";
import { ACCOUNT, TABLE, BUCKET, LOGS, TRACING, DELIVER_FAILED, statements, urn, INVOKE_CONFIG, PERMISSION, REJECT_NOT_OWNED } from "../../fixtures/plan";

describe("event source bucket (components/event-sources/bucket.ts, dev, preview)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("S3 bucket", () => {
        it("is encrypted, private and owned by the bucket owner", () => {
            assert.equal(dev.get("aws:s3/bucket:Bucket", "cell-b-bucket").inputs.bucket, `cellular-dev-cell-b-${ACCOUNT}-use1`);
            assert.deepEqual({ ...dev.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cell-b-bucket-public-access").inputs, bucket: undefined },
                { bucket: undefined, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
            assert.deepEqual(dev.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cell-b-bucket-encryption").inputs.rules,
                [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }]);
        });

        it("notifies the ingest function of new objects under incoming/ ending in .csv or .jsonl, after the permission exists", () => {
            const permission = dev.get(PERMISSION, "cell-b-ingest-from-bucket");
            assert.equal(permission.inputs.principal, "s3.amazonaws.com");
            assert.equal(permission.inputs.sourceAccount, ACCOUNT);
            assert.deepEqual(permission.propertyDependencies.sourceArn, [urn(dev, "aws:s3/bucket:Bucket", "cell-b-bucket")]);
            const notification = dev.get("aws:s3/bucketNotification:BucketNotification", "cell-b-bucket-notification");
            assert.deepEqual((notification.inputs.lambdaFunctions as Json[]).map(f => ({ ...f, lambdaFunctionArn: undefined })), [
                { events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/", filterSuffix: ".csv", lambdaFunctionArn: undefined },
                { events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/", filterSuffix: ".jsonl", lambdaFunctionArn: undefined },
            ]);
            assert.ok(notification.dependencies.includes(permission.urn));
        });

        it("expires the failure handler's large failures (failures/) after the cell's failureHandler.retentionDays", async () => {
            const lifecycle = dev.get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cell-a-bucket-lifecycle");
            assert.deepEqual(lifecycle.inputs.rules, [{ id: "expire-failed-events", status: "Enabled", filter: { prefix: "failures/" }, expiration: { days: 30 } }]);
            assert.deepEqual(lifecycle.propertyDependencies.bucket, [urn(dev, "aws:s3/bucket:Bucket", "cell-a-bucket")]);
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "defaults", d => { d.failureHandler.retentionDays = 7; }) });
            assert.deepEqual((stack.get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cell-b-bucket-lifecycle").inputs.rules as Json[])[0]!.expiration, { days: 7 });
        });

        it("lets ingest read incoming/, write errors/ and its table, and deliver its failures", () => {
            assert.deepEqual(statements(dev, "cell-b", "ingest"), [
                { Sid: "ReadIncoming", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${BUCKET("cell-b")}/incoming/*`] },
                { Sid: "ListIncoming", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [BUCKET("cell-b")], Condition: { StringLike: { "s3:prefix": ["incoming/*"] } } },
                { Sid: "WriteErrorReports", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${BUCKET("cell-b")}/errors/*`] },
                { Sid: "WriteOwnTable", Effect: "Allow", Action: ["dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE("cell-b")] },
                REJECT_NOT_OWNED("cell-b"),
                DELIVER_FAILED("cell-b"),
                LOGS("cellular-dev-cell-b-ingest"),
                TRACING,
            ]);
            assert.equal(dev.get(INVOKE_CONFIG, "cell-b-ingest-async").inputs.maximumRetryAttempts, 2);
        });
    });
});
