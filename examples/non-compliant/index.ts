/**
 * An orders API that breaks four guardrails of the policy pack (policies/), as code often does when no config
 * validation stands in the way:
 *
 * - the function behind the HTTP API has a timeout of 40 s: API Gateway gives up after 29-30 s, the client gets a
 *   504 and the function keeps running (apigateway-lambda-timeout);
 * - it has 4096 MB of memory, more than one vCPU's worth, and no tag saying why (lambda-memory-right-sized);
 * - its role allows `dynamodb:*` on every resource, in the second statement of its policy, where scanners that
 *   read only the first one miss it (lambda-least-privilege);
 * - its route has no authorizer: anyone on the internet can call it (api-routes-authorized).
 *
 *   npm run plan -- --program examples/non-compliant      # fails with the violations
 *   npm run plan -- --program examples/compliant          # the same API, fixed
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const functionName = "orders-api";

const role = new aws.iam.Role("orders-role", {
    name: functionName,
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});

new aws.iam.RolePolicy("orders-policy", {
    role: role.name,
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${functionName}:*`,
            },
            { Sid: "Orders", Effect: "Allow", Action: "dynamodb:*", Resource: "*" },
        ],
    }),
});

new aws.cloudwatch.LogGroup("orders-logs", { name: `/aws/lambda/${functionName}`, retentionInDays: 14 });

const fn = new aws.lambda.Function("orders-function", {
    name: functionName,
    role: role.arn,
    runtime: "nodejs22.x",
    architectures: ["arm64"],
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200, body: '[]' });"),
    }),
    timeout: 40,
    memorySize: 4096,
    tracingConfig: { mode: "Active" },
});

const api = new aws.apigatewayv2.Api("orders-api", { name: "orders", protocolType: "HTTP" });
const integration = new aws.apigatewayv2.Integration("orders-integration", {
    apiId: api.id,
    integrationType: "AWS_PROXY",
    integrationUri: fn.invokeArn,
    payloadFormatVersion: "2.0",
});
new aws.apigatewayv2.Route("orders-route", { apiId: api.id, routeKey: "GET /orders", target: pulumi.interpolate`integrations/${integration.id}` });
new aws.apigatewayv2.Stage("orders-stage", { apiId: api.id, name: "$default", autoDeploy: true });
new aws.lambda.Permission("orders-invoke", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
});

export const url = api.apiEndpoint;
