import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAGS, lambda } from "../fixtures/policies/builders";
import { run, runBoth } from "../fixtures/policies/harness";

const TRACING = "lambda-tracing-active";
const RETENTION = "lambda-log-retention";

describe("lambda-tracing-active", () => {
    it("advises Active tracing", async () => {
        const outcome = await run(() => {
            lambda("untraced", { args: { tracingConfig: undefined } });
            lambda("passthrough", { args: { tracingConfig: { mode: "PassThrough" } } });
        });
        assert.deepEqual(outcome.lines(), [
            `advisory ${TRACING} passthrough-function: aws.lambda.Function "passthrough-function" (passthrough) has tracingConfig.mode ` +
            "\"PassThrough\", so it traces only requests that arrive traced; set it to \"Active\"",
            `advisory ${TRACING} untraced-function: aws.lambda.Function "untraced-function" (untraced) does not trace its requests with X-Ray; ` +
            "set tracingConfig.mode to \"Active\"",
        ]);
    });
});

describe("lambda-log-retention", () => {
    it("advises a log group with retention for every function", async () => {
        const outcome = await run(() => {
            lambda("none", { noLogGroup: true });
            const forever = lambda("forever", { noLogGroup: true });
            new aws.cloudwatch.LogGroup("forever-logs", { name: "/aws/lambda/forever", tags: TAGS }, { dependsOn: [forever.fn] });
            const logs = new aws.cloudwatch.LogGroup("shared-logs", { name: "/orders/functions", retentionInDays: 30, tags: TAGS });
            lambda("custom", { noLogGroup: true, args: { loggingConfig: { logFormat: "JSON", logGroup: logs.name } } });
        });
        assert.deepEqual(outcome.lines(), [
            `advisory ${RETENTION} forever-logs: aws.cloudwatch.LogGroup "forever-logs" (/aws/lambda/forever), the log group of ` +
            "aws.lambda.Function \"forever-function\" (forever), keeps its logs forever; set retentionInDays",
            `advisory ${RETENTION} none-function: aws.lambda.Function "none-function" (none) has no log group in this stack (/aws/lambda/none), ` +
            "so Lambda creates one that keeps its logs forever; create an aws.cloudwatch.LogGroup named /aws/lambda/none with retentionInDays",
        ]);
    });

    it("finds, in preview, the log group named after a function whose own name is not known yet", async () => {
        const { preview, update } = await runBoth(() => {
            const role = new aws.iam.Role("auto-role", { assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }), tags: TAGS });
            const fn = new aws.lambda.Function("auto", {
                role: role.arn, runtime: "nodejs22.x", handler: "index.handler", tracingConfig: { mode: "Active" }, tags: TAGS,
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
            });
            new aws.cloudwatch.LogGroup("auto-logs", { name: pulumi.interpolate`/aws/lambda/${fn.name}`, retentionInDays: 7, tags: TAGS });
        });
        assert.deepEqual(preview.of(RETENTION), []);
        assert.deepEqual(update.of(RETENTION), []);
    });
});
