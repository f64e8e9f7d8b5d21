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

    it("says a public function URL needs AWS_IAM authorization, not a sourceArn", async () => {
        // The shape of pulumi/examples aws-ts-nextjs: a URL with authorizationType NONE and the permission it needs.
        const outcome = await run(() => {
            const { fn } = lambda("w");
            new aws.lambda.FunctionUrl("w-url", { functionName: fn.name, authorizationType: "NONE" });
            new aws.lambda.Permission("public-url", { action: "lambda:InvokeFunctionUrl", function: fn.name, principal: "*", functionUrlAuthType: "NONE" });
            new aws.lambda.Permission("iam-url", { action: "lambda:InvokeFunctionUrl", function: fn.name, principal: "*", functionUrlAuthType: "AWS_IAM" });
            new aws.lambda.Permission("account-url", { action: "lambda:InvokeFunctionUrl", function: fn.name, principal: ACCOUNT, functionUrlAuthType: "AWS_IAM" });
        });
        assert.deepEqual(outcome.of(PERMISSION), [
            `mandatory ${PERMISSION} iam-url: aws.lambda.Permission "iam-url" lets the principals of any AWS account call the URL of function w; ` +
            "name the account or role that calls it as the principal",
            `mandatory ${PERMISSION} public-url: aws.lambda.Permission "public-url" makes the URL of function w public (functionUrlAuthType NONE, ` +
            "principal \"*\"): anyone on the internet can invoke it; set authorizationType to AWS_IAM on its aws.lambda.FunctionUrl and grant " +
            "lambda:InvokeFunctionUrl to the callers (or put it behind CloudFront with origin access control)",
        ]);
    });
});
