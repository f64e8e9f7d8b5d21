/**
 * The orders API of examples/non-compliant, fixed: the function finishes within API Gateway's timeout, stays within
 * one vCPU of memory, its role grants the exact DynamoDB actions on the one table it uses, and its route requires
 * the caller to sign the request (AWS_IAM).
 *
 *   npm run plan -- --program examples/compliant
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const functionName = "orders-api";
const tableName = "orders";
const region = aws.getRegionOutput().region;
const account = aws.getCallerIdentityOutput().accountId;

const table = new aws.dynamodb.Table("orders-table", {
    name: tableName,
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    attributes: [{ name: "pk", type: "S" }],
});

const role = new aws.iam.Role("orders-role", {
    name: functionName,
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});

// Built from names, the region and the account (all known during preview), so the pack reads it on a pull request.
new aws.iam.RolePolicy("orders-policy", {
    role: role.name,
    policy: pulumi.all([region, account]).apply(([r, a]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `arn:aws:logs:${r}:${a}:log-group:/aws/lambda/${functionName}:*`,
            },
            {
                Sid: "Orders",
                Effect: "Allow",
                Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                Resource: `arn:aws:dynamodb:${r}:${a}:table/${tableName}`,
            },
            { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: "*" },
        ],
    })),
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
    timeout: 10,
    memorySize: 1024,
    environment: { variables: { TABLE_NAME: table.name } },
    tracingConfig: { mode: "Active" },
});

const api = new aws.apigatewayv2.Api("orders-api", { name: "orders", protocolType: "HTTP" });
const integration = new aws.apigatewayv2.Integration("orders-integration", {
    apiId: api.id,
    integrationType: "AWS_PROXY",
    integrationUri: fn.invokeArn,
    payloadFormatVersion: "2.0",
    timeoutMilliseconds: 15000,
});
new aws.apigatewayv2.Route("orders-route", {
    apiId: api.id,
    routeKey: "GET /orders",
    target: pulumi.interpolate`integrations/${integration.id}`,
    authorizationType: "AWS_IAM",
});
new aws.apigatewayv2.Stage("orders-stage", { apiId: api.id, name: "$default", autoDeploy: true });
new aws.lambda.Permission("orders-invoke", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
});

export const url = api.apiEndpoint;
