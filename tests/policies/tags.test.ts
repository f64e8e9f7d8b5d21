import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cell, TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, compareConfig, run, runBoth } from "../fixtures/policies/harness";

const POLICY = "cell-cost-tags";

describe("cell-cost-tags", () => {
    for (const mode of MODES) {
        it(`rejects a taggable resource with missing or empty cost tags (${mode})`, async () => {
            const outcome = await run(() => {
                new Cell("cell-a", "cell-a");
                new aws.sqs.Queue("jobs", { name: "jobs" });
                new aws.dynamodb.Table("orders", {
                    name: "orders", billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [{ name: "pk", type: "S" }],
                    tags: { ...TAGS, environment: "" },
                });
                new aws.ec2.Eip("egress", { domain: "vpc", tags: { owner: "platform" } });
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${POLICY} egress: aws.ec2.Eip "egress" lacks the required tags cell, cost-center and environment (missing or empty); ` +
                "add them to its tags, or to its provider's defaultTags",
                `mandatory ${POLICY} jobs: aws.sqs.Queue "jobs" lacks the required tags cell, cost-center and environment (missing or empty); ` +
                "add them to its tags, or to its provider's defaultTags",
                `mandatory ${POLICY} orders: aws.dynamodb.Table "orders" lacks the required tag environment (missing or empty); add it to its ` +
                "tags, or to its provider's defaultTags",
            ]);
        });
    }

    it("requires the cost tags of every type whose args take tags, when the program sets none (CloudFront, Firehose, Glue)", async () => {
        // The shape of pulumi/examples programs that failed to be flagged: taggable types the program leaves untagged.
        const outcome = await run(() => {
            const bucket = new aws.s3.Bucket("site", { bucket: "site", tags: TAGS });
            new aws.cloudfront.Distribution("cdn", {
                enabled: true,
                origins: [{ domainName: bucket.bucketRegionalDomainName, originId: "s3" }],
                defaultCacheBehavior: {
                    targetOriginId: "s3", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"],
                    forwardedValues: { queryString: false, cookies: { forward: "none" } },
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
            });
            new aws.kinesis.FirehoseDeliveryStream("events", {
                name: "events", destination: "extended_s3",
                extendedS3Configuration: { roleArn: "arn:aws:iam::123456789012:role/firehose", bucketArn: bucket.arn },
            });
            new aws.glue.CatalogDatabase("analytics", { name: "analytics" });
        });
        const lacks = (type: string, name: string) => `mandatory ${POLICY} ${name}: ${type} "${name}" lacks the required tags cost-center and ` +
            "environment (missing or empty); add them to its tags, or to its provider's defaultTags";
        assert.deepEqual(outcome.of(POLICY), [
            lacks("aws.glue.CatalogDatabase", "analytics"),
            lacks("aws.cloudfront.Distribution", "cdn"),
            lacks("aws.kinesis.FirehoseDeliveryStream", "events"),
        ]);
    });

    it("requires no cell tag of a stack that has no cell, unless requireCellTag is always", async () => {
        const { defaults, configured } = await compareConfig(() => {
            new aws.sqs.Queue("jobs", { name: "jobs", tags: { "cost-center": "cc-orders", environment: "dev" } });
        }, { [POLICY]: { requireCellTag: "always" } }, POLICY);
        assert.deepEqual(defaults, []);
        assert.deepEqual(configured, [
            `mandatory ${POLICY} jobs: aws.sqs.Queue "jobs" lacks the required tag cell (missing or empty); add it to its tags, or to its ` +
            "provider's defaultTags",
        ]);
    });

    it("requires no tags of the types that take none", async () => {
        const outcome = await run(() => {
            const { fn } = lambda("w");
            const topic = new aws.sns.Topic("t", { name: "t", tags: TAGS });
            const rule = new aws.cloudwatch.EventRule("r", { name: "r", scheduleExpression: "rate(1 hour)", tags: TAGS });
            new aws.lambda.Permission("from-topic", { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topic.arn });
            new aws.sns.TopicSubscription("subscription", { topic: topic.arn, protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:123456789012:q" });
            new aws.cloudwatch.EventTarget("target", { rule: rule.name, arn: topic.arn });
            new aws.cloudwatch.Dashboard("board", { dashboardName: "board", dashboardBody: JSON.stringify({ widgets: [] }) });
        });
        assert.deepEqual(outcome.of(POLICY), []);
    });

    it("counts the tags an explicit provider adds through defaultTags", async () => {
        const outcome = await run(() => {
            const provider = new aws.Provider("tagged", { region: "us-east-1", defaultTags: { tags: TAGS } });
            new aws.sqs.Queue("jobs", { name: "jobs" }, { provider });
            new aws.sqs.Queue("partly", { name: "partly", tags: { cell: "shared" } }, { provider });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    for (const mode of MODES) {
        it(`counts the tags the default provider adds through aws:defaultTags (${mode})`, async () => {
            const outcome = await run(() => {
                new aws.sqs.Queue("jobs", { name: "jobs" });
            }, { mode, stackConfig: { "aws:defaultTags": JSON.stringify({ tags: TAGS }) } });
            assert.deepEqual(outcome.lines(), []);
        });

        it(`requires the cell tag to name the resource's cell, or "shared" outside every cell (${mode})`, async () => {
            const outcome = await run(() => {
                const cell = new Cell("cell-a", "cell-a");
                const inCell = { ...TAGS, cell: "cell-a" };
                new aws.sqs.Queue("right", { name: "right", tags: inCell }, { parent: cell });
                new aws.sqs.Queue("wrong", { name: "wrong", tags: { ...TAGS, cell: "cell-b" } }, { parent: cell });
                // Deeper in the cell: through another component.
                const group = new pulumi.ComponentResource("test:index:Group", "group", {}, { parent: cell });
                new aws.sqs.Queue("deep", { name: "deep", tags: inCell }, { parent: group });
                new aws.sqs.Queue("stray", { name: "stray", tags: inCell });
                new aws.sqs.Queue("shared", { name: "shared", tags: TAGS });
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${POLICY} stray: aws.sqs.Queue "stray" is outside every cell but its cell tag is "cell-a"; set it to "shared"`,
                `mandatory ${POLICY} wrong: aws.sqs.Queue "wrong" belongs to cell cell-a but its cell tag is "cell-b"; set it to "cell-a"`,
            ]);
        });
    }

    it("cannot judge a tag whose value is unknown in preview; decides once it is known", async () => {
        const { preview, update } = await runBoth(() => {
            const table = new aws.dynamodb.Table("orders", {
                name: "orders", billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [{ name: "pk", type: "S" }], tags: TAGS,
            });
            new aws.sqs.Queue("jobs", { name: "jobs", tags: { ...TAGS, "cost-center": table.arn } });
        });
        assert.deepEqual(preview.lines(), [
            `advisory ${POLICY} jobs: can't run policy '${POLICY}' on aws.sqs.Queue "jobs" during preview: its tag cost-center can't be known during preview`,
        ]);
        assert.deepEqual(update.lines(), []);
    });

    it("requiredTags, cellTag and sharedCellValue, changed in a config file, change the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => {
            const cell = new Cell("cell-a", "cell-a");
            new aws.sqs.Queue("in-cell", { name: "in-cell", tags: { ...TAGS, cell: "cell-a", "cell-id": "cell-a", owner: "orders" } }, { parent: cell });
            new aws.sqs.Queue("common", { name: "common", tags: { ...TAGS, "cell-id": "common", owner: "orders" } });
            new aws.sqs.Queue("unowned", { name: "unowned", tags: { ...TAGS, "cell-id": "shared" } });
        }, "tags-owner.json", POLICY);
        assert.deepEqual(defaults, []);
        assert.deepEqual(configured, [
            "mandatory cell-cost-tags unowned: aws.sqs.Queue \"unowned\" is outside every cell but its cell-id tag is \"shared\"; set it to \"common\"",
            "mandatory cell-cost-tags unowned: aws.sqs.Queue \"unowned\" lacks the required tag owner (missing or empty); add it to its tags, or " +
            "to its provider's defaultTags",
        ]);
    });
});
