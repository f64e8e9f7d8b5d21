import { strict as assert } from "assert";
import { arnService, awsManagedPolicyName, broadResource, glob, iamName, parseArn, parseFunctionRef, queueName } from "../../../policies/lib/arn";

const FN = "arn:aws:lambda:us-east-1:123456789012:function:orders";

describe("lib/arn", () => {
    it("parses an ARN into its fields, the resource part keeping its own colons", () => {
        assert.deepEqual(parseArn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders:*"), {
            partition: "aws", service: "logs", region: "us-east-1", account: "123456789012", resource: "log-group:/aws/lambda/orders:*",
        });
        assert.equal(parseArn("orders"), undefined);
        assert.equal(parseArn("arn:aws:s3"), undefined);
    });

    it("reads a function reference from a name, a qualified name, a (partial) function ARN or an API Gateway invoke ARN", () => {
        assert.deepEqual(parseFunctionRef("orders"), { name: "orders" });
        assert.deepEqual(parseFunctionRef("orders:live"), { name: "orders", qualifier: "live" });
        assert.deepEqual(parseFunctionRef(FN), { name: "orders" });
        assert.deepEqual(parseFunctionRef(`${FN}:$LATEST`), { name: "orders", qualifier: "$LATEST" });
        assert.deepEqual(parseFunctionRef("123456789012:function:orders:7"), { name: "orders", qualifier: "7" });
        assert.deepEqual(parseFunctionRef(`arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:live/invocations`),
            { name: "orders", qualifier: "live" });
        assert.equal(parseFunctionRef("arn:aws:sqs:us-east-1:123456789012:orders"), undefined);
        assert.equal(parseFunctionRef("not a name"), undefined);
    });

    it("names an IAM role or policy from its name or ARN, dropping the path", () => {
        assert.equal(iamName("arn:aws:iam::123456789012:role/service/orders", "role"), "orders");
        assert.equal(iamName("orders", "role"), "orders");
        assert.equal(iamName("arn:aws:iam::123456789012:policy/orders", "role"), undefined);
        assert.equal(iamName("service/orders", "role"), undefined);
    });

    it("tells an AWS-managed policy by its ARN's account, aws", () => {
        assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), "service-role/AWSLambdaBasicExecutionRole");
        assert.equal(awsManagedPolicyName("arn:aws:iam::123456789012:policy/orders"), undefined);
    });

    it("names a queue from its ARN or URL, and the service of an event source ARN", () => {
        assert.equal(queueName("arn:aws:sqs:us-east-1:123456789012:jobs"), "jobs");
        assert.equal(queueName("https://sqs.us-east-1.amazonaws.com/123456789012/jobs"), "jobs");
        assert.equal(queueName("arn:aws:sns:us-east-1:123456789012:jobs"), undefined);
        assert.equal(arnService("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024"), "dynamodb");
        assert.equal(arnService("jobs"), undefined);
    });

    it("matches IAM wildcards: * any run, ? one character, everything else literally", () => {
        assert.ok(glob("dynamodb:Get*", "dynamodb:GetItem"));
        assert.ok(glob("s3:?etObject", "s3:GetObject"));
        assert.ok(!glob("dynamodb:Get*", "dynamodb:Query"));
        assert.ok(!glob("orders.v1-*", "orders-v1-a"), "a dot is literal");
        assert.ok(glob("orders.v1-*", "orders.v1-a"));
        assert.ok(glob("LAMBDA:invoke*", "lambda:InvokeFunction", true));
        assert.ok(!glob("LAMBDA:invoke*", "lambda:InvokeFunction"));
    });

    it("says why a Resource pattern covers more than one resource", () => {
        const broad: Array<[string, string]> = [
            ["*", "every resource"],
            ["arn:aws:dynamodb:*:123456789012:table/orders", "its region field is \"*\""],
            ["arn:aws:dynamodb:us-east-1:123456789012:table/*", "the whole table name is \"*\""],
            ["arn:aws:dynamodb:us-east-1:123456789012:table/orders-*", "the table name \"orders-*\" has a wildcard"],
            ["arn:aws:lambda:us-east-1:123456789012:function:*", "the whole function name is \"*\""],
            ["arn:aws:s3:::*", "the whole resource name is \"*\""],
            ["arn:aws:sqs:us-east-1:123456789012:jobs-*", "the resource name \"jobs-*\" has a wildcard"],
            ["orders-*", "a wildcard that is not in an ARN"],
        ];
        for (const [pattern, reason] of broad) assert.equal(broadResource(pattern), reason, pattern);
    });

    it("accepts a sub-path under one named resource", () => {
        for (const pattern of [
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*",
            "arn:aws:s3:::orders-bucket/*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders:*",
            `${FN}:*`,
            "arn:aws:ssm:us-east-1:123456789012:parameter/orders/db/password",
        ]) assert.equal(broadResource(pattern), undefined, pattern);
    });
});
