import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, arn, Cell, lambda, LAMBDA_TRUST, TAGS } from "../fixtures/policies/builders";
import { MODES, run } from "../fixtures/policies/harness";

const ROUTES = "api-routes-authorized";
const DATA = "tenant-scoped-data-access";
const TABLE = arn.table("orders");
const ITEMS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"];
const LEADING_KEYS = { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["CUSTOMER#${aws:PrincipalTag/tenant}"] } };

/** An HTTP API with one route of each authorization type, the API tagged as given. */
function httpRoutes(name: string, tags: Record<string, string> = TAGS) {
    const api = new aws.apigatewayv2.Api(`${name}-api`, { name, protocolType: "HTTP", tags });
    const authorizer = new aws.apigatewayv2.Authorizer(`${name}-jwt`, { apiId: api.id, authorizerType: "JWT", identitySources: ["$request.header.Authorization"],
        jwtConfiguration: { issuer: "https://login.example.com/", audiences: ["a"] } });
    new aws.apigatewayv2.Route(`${name}-open`, { apiId: api.id, routeKey: "GET /open" });
    new aws.apigatewayv2.Route(`${name}-none`, { apiId: api.id, routeKey: "GET /none", authorizationType: "NONE" });
    new aws.apigatewayv2.Route(`${name}-jwt-route`, { apiId: api.id, routeKey: "GET /jwt", authorizationType: "JWT", authorizerId: authorizer.id });
    new aws.apigatewayv2.Route(`${name}-iam`, { apiId: api.id, routeKey: "GET /iam", authorizationType: "AWS_IAM" });
}

describe("api-routes-authorized", () => {
    for (const mode of MODES) {
        it(`rejects HTTP API routes without an authorizer, accepts JWT and AWS_IAM (${mode})`, async () => {
            const outcome = await run(() => httpRoutes("orders"), { mode });
            const open = (route: string, key: string, type: string) => `mandatory ${ROUTES} ${route}: aws.apigatewayv2.Route "${route}" (${key}) has ` +
                `authorizationType ${type}: anyone can call it; set authorizationType to JWT (with an authorizer), CUSTOM or AWS_IAM, or tag its API ` +
                "public-route=<why it is public> if it is meant to be";
            assert.deepEqual(outcome.of(ROUTES), [open("orders-none", "GET /none", "NONE"), open("orders-open", "GET /open", "NONE")]);
        });
    }

    it("accepts a route whose API is tagged public-route with a reason, not with an empty one", async () => {
        const outcome = await run(() => {
            httpRoutes("status", { ...TAGS, "public-route": "the status page is public" });
            httpRoutes("blank", { ...TAGS, "public-route": " " });
        });
        assert.deepEqual(outcome.of(ROUTES).map(l => l.split(":")[0]), [`mandatory ${ROUTES} blank-none`, `mandatory ${ROUTES} blank-open`]);
    });

    it("rejects a REST method with authorization NONE, accepts a Cognito or custom authorizer", async () => {
        const outcome = await run(() => {
            const api = new aws.apigateway.RestApi("rest", { name: "rest", tags: TAGS });
            const resource = new aws.apigateway.Resource("rest-items", { restApi: api.id, parentId: api.rootResourceId, pathPart: "items" });
            new aws.apigateway.Method("rest-open", { restApi: api.id, resourceId: resource.id, httpMethod: "GET", authorization: "NONE" });
            new aws.apigateway.Method("rest-cognito", { restApi: api.id, resourceId: resource.id, httpMethod: "PUT", authorization: "COGNITO_USER_POOLS", authorizerId: "a1" });
            new aws.apigateway.Method("rest-custom", { restApi: api.id, resourceId: resource.id, httpMethod: "POST", authorization: "CUSTOM", authorizerId: "a2" });
        });
        assert.deepEqual(outcome.of(ROUTES), [
            `mandatory ${ROUTES} rest-open: aws.apigateway.Method "rest-open" (GET) has authorization NONE: anyone can call it; use COGNITO_USER_POOLS, ` +
            "CUSTOM or AWS_IAM with an authorizer (a CORS preflight: OPTIONS with a MOCK integration), or tag its API public-route=<why it is public> if it is meant to be",
        ]);
    });

    for (const mode of MODES) {
        it(`accepts a CORS preflight (OPTIONS, authorization NONE, MOCK integration), not an OPTIONS method that reaches a function or has no integration (${mode})`, async () => {
            const outcome = await run(() => {
                const api = new aws.apigateway.RestApi("cors", { name: "cors", tags: TAGS });
                const resource = (part: string) => new aws.apigateway.Resource(`cors-${part}`, { restApi: api.id, parentId: api.rootResourceId, pathPart: part });
                const options = (name: string, part: string, type?: string) => {
                    const r = resource(part);
                    const method = new aws.apigateway.Method(name, { restApi: api.id, resourceId: r.id, httpMethod: "OPTIONS", authorization: "NONE" });
                    if (type) new aws.apigateway.Integration(`${name}-integration`, { restApi: api.id, resourceId: r.id, httpMethod: method.httpMethod, type,
                        ...(type === "AWS_PROXY" ? { integrationHttpMethod: "POST", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations" } : {}) });
                };
                options("cors-preflight", "items", "MOCK");
                options("cors-to-function", "orders", "AWS_PROXY");
                options("cors-bare", "users");
            }, { mode });
            const open = (name: string) => `mandatory ${ROUTES} ${name}: aws.apigateway.Method "${name}" (OPTIONS) has authorization NONE: anyone can call it; use ` +
                "COGNITO_USER_POOLS, CUSTOM or AWS_IAM with an authorizer (a CORS preflight: OPTIONS with a MOCK integration), or tag its API public-route=<why it is public> if it is meant to be";
            assert.deepEqual(outcome.of(ROUTES), [open("cors-bare"), open("cors-to-function")]);
        });
    }

    it("rejects a public function URL (the fix is AWS_IAM auth), unless its function says why it is public", async () => {
        const outcome = await run(() => {
            const { fn } = lambda("hook");
            new aws.lambda.FunctionUrl("hook-url", { functionName: fn.name, authorizationType: "NONE" });
            new aws.lambda.FunctionUrl("hook-iam-url", { functionName: fn.name, authorizationType: "AWS_IAM" });
            const { fn: webhook } = lambda("webhook", { args: { tags: { ...TAGS, "public-route": "signed payloads from the payment provider" } } });
            new aws.lambda.FunctionUrl("webhook-url", { functionName: webhook.name, authorizationType: "NONE" });
        });
        assert.deepEqual(outcome.of(ROUTES), [
            `mandatory ${ROUTES} hook-url: aws.lambda.FunctionUrl "hook-url" has authorizationType NONE: anyone on the internet can invoke the function; ` +
            "set authorizationType to AWS_IAM, or tag the function public-route=<why it is public> if it is meant to be",
        ]);
    });
});

/** A role in cell `cell-a` with one inline policy statement, and a function that assumes it. */
function cellRole(cell: Cell, name: string, statement: object, roleTags: Record<string, string> = {}) {
    return lambda(name, { statements: [statement as never], roleArgs: { tags: { ...TAGS, cell: "cell-a", ...roleTags } }, opts: { parent: cell } });
}

describe("tenant-scoped-data-access", () => {
    for (const mode of MODES) {
        it(`rejects a role in a cell that reaches every tenant's items, and accepts one limited by dynamodb:LeadingKeys (${mode})`, async () => {
            const outcome = await run(() => {
                const cell = new Cell("cell-a", "cell-a");
                cellRole(cell, "open", allow("Items", ITEMS, TABLE));
                cellRole(cell, "scoped", { ...allow("Items", ITEMS, TABLE), Condition: LEADING_KEYS });
                cellRole(cell, "wildcard", allow("All", "dynamodb:*", TABLE));
            }, { mode });
            assert.deepEqual(outcome.of(DATA), [
                `mandatory ${DATA} open-policy: role open in cell cell-a grants dynamodb:GetItem, dynamodb:Query and dynamodb:PutItem on ${TABLE} for every ` +
                `tenant's items (aws.iam.RolePolicy "open-policy" of role open, statement 2 has no dynamodb:LeadingKeys condition); limit it to the caller's ` +
                "tenant with \"ForAllValues:StringEquals\": {\"dynamodb:LeadingKeys\": [...]}, or tag the role data-access: system if its function is a worker " +
                "that processes records of many tenants",
                `mandatory ${DATA} wildcard-policy: role wildcard in cell cell-a grants dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, ` +
                "dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem, dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:Scan, " +
                "dynamodb:PartiQLSelect, dynamodb:PartiQLInsert, dynamodb:PartiQLUpdate and dynamodb:PartiQLDelete " +
                `on ${TABLE} for every tenant's items (aws.iam.RolePolicy "wildcard-policy" of role wildcard, statement 2 has no dynamodb:LeadingKeys ` +
                "condition); limit it to the caller's tenant with \"ForAllValues:StringEquals\": {\"dynamodb:LeadingKeys\": [...]}, or tag the role " +
                "data-access: system if its function is a worker that processes records of many tenants",
            ]);
        });
    }

    it("exempts a worker's role tagged data-access: system, but not when its function serves an API", async () => {
        const outcome = await run(() => {
            const cell = new Cell("cell-a", "cell-a");
            cellRole(cell, "worker", allow("Items", ITEMS, TABLE), { "data-access": "system" });
            const api = cellRole(cell, "api", allow("Items", ITEMS, TABLE), { "data-access": "system" });
            const http = new aws.apigatewayv2.Api("front", { name: "front", protocolType: "HTTP", tags: TAGS }, { parent: cell });
            new aws.apigatewayv2.Integration("front-integration", { apiId: http.id, integrationType: "AWS_PROXY", integrationUri: api.fn.invokeArn }, { parent: cell });
        });
        assert.deepEqual(outcome.of(DATA), [
            `mandatory ${DATA} api-policy: role api in cell cell-a is tagged data-access: system but runs a function behind API Gateway, which serves one ` +
            "tenant per request (aws.iam.RolePolicy \"api-policy\" of role api, statement 2 grants dynamodb:GetItem, dynamodb:Query and dynamodb:PutItem); " +
            "give it a role assumed per tenant with a dynamodb:LeadingKeys condition instead",
        ]);
    });

    it("rejects Scan even with a LeadingKeys condition (it does not limit a Scan), and ignores roles outside every cell", async () => {
        const outcome = await run(() => {
            const cell = new Cell("cell-a", "cell-a");
            cellRole(cell, "scanner", { ...allow("Scan", ["dynamodb:Scan", "dynamodb:Query"], TABLE), Condition: LEADING_KEYS });
            lambda("outside", { statements: [allow("Items", ITEMS, TABLE)] });
            new aws.iam.Role("data", { name: "data", assumeRolePolicy: LAMBDA_TRUST, tags: TAGS,
                inlinePolicies: [{ name: "items", policy: pulumi.output(JSON.stringify({ Version: "2012-10-17", Statement: [allow("Items", ITEMS, TABLE)] })) }] });
        });
        assert.deepEqual(outcome.of(DATA), [
            `mandatory ${DATA} scanner-policy: role scanner in cell cell-a grants dynamodb:Scan (aws.iam.RolePolicy "scanner-policy" of role scanner, ` +
            "statement 2), which dynamodb:LeadingKeys does not limit: a tenant could read every tenant's items; use Query on the tenant's partition",
        ]);
    });
});
