import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { ACCOUNT, TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, run } from "../fixtures/policies/harness";

const PERMISSION = "lambda-permission-source-arn";

describe("lambda-permission-source-arn", () => {
    for (const mode of MODES) {
        it(`rejects principal "*" and a service principal without sourceArn; accepts S3 with sourceAccount (${mode})`, async () => {
            const outcome = await run(() => {
                const { fn } = lambda("w");
                const topic = new aws.sns.Topic("t", { name: "t", tags: TAGS });
                new aws.lambda.Permission("anyone", { action: "lambda:InvokeFunction", function: fn.name, principal: "*" });
                new aws.lambda.Permission("any-topic", { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com" });
                new aws.lambda.Permission("one-topic", { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topic.arn });
                new aws.lambda.Permission("any-bucket", { action: "lambda:InvokeFunction", function: fn.name, principal: "s3.amazonaws.com" });
                new aws.lambda.Permission("own-buckets", { action: "lambda:InvokeFunction", function: fn.name, principal: "s3.amazonaws.com", sourceAccount: ACCOUNT });
                new aws.lambda.Permission("account", { action: "lambda:InvokeFunction", function: fn.name, principal: ACCOUNT });
            }, { mode });
            assert.deepEqual(outcome.of(PERMISSION), [
                `mandatory ${PERMISSION} any-bucket: aws.lambda.Permission "any-bucket" lets s3.amazonaws.com invoke function w on behalf of any ` +
                "resource of any account (a confused deputy); set sourceArn to the bucket that calls it (or sourceAccount to the bucket's account)",
                `mandatory ${PERMISSION} any-topic: aws.lambda.Permission "any-topic" lets sns.amazonaws.com invoke function w on behalf of any ` +
                "resource of any account (a confused deputy); set sourceArn to the topic that calls it",
                `mandatory ${PERMISSION} anyone: aws.lambda.Permission "anyone" lets anyone (principal "*") invoke function w; name the calling ` +
                "service (with sourceArn) or account as the principal",
            ]);
        });
    }
});
