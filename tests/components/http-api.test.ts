import { strict as assert } from "assert";
import { UNKNOWN } from "../../tools/lib/capture";
import { edit, Json, Raw, runStack, Stack, stackConfig } from "../fixtures/stack";

const ISSUER = "https://login.example.com/";

/** dev with the router in `mode` behind a `api` API, trusting its own Cognito pool or an external issuer. */
function variant(mode: "invoke" | "redirect", api: "http" | "rest", issuer: "cognito" | "external"): Raw {
    const raw = edit(stackConfig("dev"), "router", r => { r.mode = mode; r.api = api; });
    return { ...raw, "cellular:auth": JSON.stringify(issuer === "cognito" ? { cognito: true } : { issuer: ISSUER, audience: ["cellular-api"] }) };
}

const VARIANTS = (["invoke", "redirect"] as const).flatMap(mode => (["http", "rest"] as const).flatMap(api =>
    (["cognito", "external"] as const).map(issuer => ({ mode, api, issuer }))));

describe("API Gateway in front of the router and the cells (components/http-api.ts): every route needs a verified token", () => {
    for (const v of VARIANTS) {
        it(`${v.mode} mode, ${v.api.toUpperCase()} API, ${v.issuer} issuer: every route and method has the authorizer, with the scopes`, async () => {
            const stack = await runStack("dev", { mode: "update", config: variant(v.mode, v.api, v.issuer) });
            const routes = stack.ofType("aws:apigatewayv2/route:Route");
            const methods = stack.ofType("aws:apigateway/method:Method");
            // The router's API, and in redirect mode every cell's own (always HTTP): two routes or methods each.
            const cellApis = v.mode === "redirect" ? 3 : 0;
            assert.equal(routes.length, 2 * (cellApis + (v.api === "http" ? 1 : 0)));
            assert.equal(methods.length, v.api === "rest" ? 2 : 0);
            for (const route of routes) {
                assert.equal(route.inputs.authorizationType, "JWT", route.name);
                assert.deepEqual(route.inputs.authorizationScopes, ["cellular/items"], route.name);
                const [authorizer] = (route.propertyDependencies.authorizerId ?? []).map(urn => stack.byUrn.get(urn)!);
                assert.equal(authorizer?.type, "aws:apigatewayv2/authorizer:Authorizer", route.name);
                assert.equal(authorizer.inputs.authorizerType, "JWT");
                assert.deepEqual(authorizer.inputs.identitySources, ["$request.header.Authorization"]);
                const jwt = authorizer.inputs.jwtConfiguration as Json;
                if (v.issuer === "external") {
                    assert.deepEqual(jwt, { issuer: ISSUER, audiences: ["cellular-api"] });
                } else {
                    const pool = stack.get("aws:cognito/userPool:UserPool", "identity-users");
                    assert.match(jwt.issuer as string, /^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_[0-9a-f]{9}$/);
                    assert.equal(jwt.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`);
                    assert.deepEqual(jwt.audiences, [stack.get("aws:cognito/userPoolClient:UserPoolClient", "identity-app").id]);
                }
            }
            for (const method of methods) {
                const [authorizer] = (method.propertyDependencies.authorizerId ?? []).map(urn => stack.byUrn.get(urn)!);
                assert.equal(authorizer?.type, "aws:apigateway/authorizer:Authorizer", method.name);
                if (v.issuer === "cognito") {
                    assert.equal(method.inputs.authorization, "COGNITO_USER_POOLS");
                    assert.deepEqual(method.inputs.authorizationScopes, ["cellular/items"]);
                    assert.equal(authorizer.inputs.type, "COGNITO_USER_POOLS");
                    assert.deepEqual(authorizer.propertyDependencies.providerArns, [stack.get("aws:cognito/userPool:UserPool", "identity-users").urn]);
                } else {
                    assert.equal(method.inputs.authorization, "CUSTOM");
                    assert.equal(authorizer.inputs.type, "REQUEST");
                    assert.equal(authorizer.inputs.authorizerResultTtlInSeconds, 300);
                    assert.deepEqual(authorizer.propertyDependencies.authorizerUri, [stack.get("aws:lambda/function:Function", "router-authorizer-function").urn]);
                }
            }
            if (v.api === "rest") {
                const responses = stack.ofType("aws:apigateway/response:Response")
                    .map(r => [r.inputs.responseType, r.inputs.statusCode, r.inputs.responseTemplates, r.inputs.responseParameters])
                    .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
                assert.deepEqual(responses, [
                    ["UNAUTHORIZED", "401", { "application/json": "{\"error\":\"a valid bearer token is required\"}" },
                        { "gatewayresponse.header.Content-Type": "'application/json'", "gatewayresponse.header.WWW-Authenticate": "'Bearer'" }],
                    ["ACCESS_DENIED", "403", { "application/json": "{\"error\":\"this token does not grant access to this customer\"}" },
                        { "gatewayresponse.header.Content-Type": "'application/json'" }],
                ]);
            }
        });
    }

    it("gives the REST authorizer of an external issuer what it verifies with, the router's reservation, and a permission from this API's authorizers only", async () => {
        const stack = await runStack("dev", { config: variant("invoke", "rest", "external") });
        const fn = stack.get("aws:lambda/function:Function", "router-authorizer-function");
        assert.deepEqual(fn.inputs.environment, { variables: {
            POWERTOOLS_SERVICE_NAME: "authorizer", ISSUER, JWKS_URI: "https://login.example.com/.well-known/jwks.json",
            AUDIENCE: "[\"cellular-api\"]", REQUIRED_SCOPES: "[\"cellular/items\"]", TENANT_CLAIM: "tenant_id",
        } });
        assert.equal(fn.inputs.reservedConcurrentExecutions, 50);
        const permission = stack.get("aws:lambda/permission:Permission", "router-authorizer-permission");
        assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
        assert.equal(permission.inputs.sourceArn, UNKNOWN);
        assert.deepEqual(permission.propertyDependencies.sourceArn.sort(), [stack.get("aws:apigateway/restApi:RestApi", "router-api").urn,
            stack.get("aws:apigateway/authorizer:Authorizer", "router-authorizer").urn].sort());
        assert.equal(stack.ofType("aws:cognito/userPool:UserPool").length, 0);
    });
});

describe("Identity (components/identity.ts): the stack's Cognito user pool", () => {
    let stack: Stack;
    before(async () => {
        stack = await runStack("dev", { config: stackConfig("dev") });
    });

    it("is provisioned by administrators only, with the tenant in an attribute users cannot write", () => {
        const pool = stack.get("aws:cognito/userPool:UserPool", "identity-users");
        assert.equal(pool.inputs.name, "cellular-dev-users");
        assert.equal(pool.inputs.userPoolTier, "ESSENTIALS");
        assert.equal(pool.inputs.deletionProtection, "ACTIVE");
        assert.deepEqual(pool.inputs.adminCreateUserConfig, { allowAdminCreateUserOnly: true });
        assert.deepEqual((pool.inputs.schemas as Json[]).map(s => s.name), ["tenant_id"]);
        assert.deepEqual((pool.inputs.lambdaConfig as Json).preTokenGenerationConfig, {
            lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-token-claims", lambdaVersion: "V2_0",
        });
        const client = stack.get("aws:cognito/userPoolClient:UserPoolClient", "identity-app");
        assert.deepEqual(client.inputs.writeAttributes, ["email"]);
        assert.ok((client.inputs.readAttributes as string[]).includes("custom:tenant_id"));
        assert.equal(client.inputs.generateSecret, false);
        assert.deepEqual(stack.get("aws:cognito/resourceServer:ResourceServer", "identity-resource-server").inputs.scopes,
            [{ scopeName: "items", scopeDescription: "Use the API as cellular/items" }]);
    });

    it("lets only its own pool invoke the trigger, which needs no grant and is not reserved", () => {
        const permission = stack.get("aws:lambda/permission:Permission", "identity-token-claims-from-cognito");
        assert.equal(permission.inputs.principal, "cognito-idp.amazonaws.com");
        assert.deepEqual(permission.propertyDependencies.sourceArn, [stack.get("aws:cognito/userPool:UserPool", "identity-users").urn]);
        const policy = stack.json(stack.get("aws:iam/rolePolicy:RolePolicy", "identity-token-claims-policy"), "policy");
        assert.deepEqual((policy.Statement as Json[]).map(s => s.Sid), ["WriteOwnLogs", "Tracing"]);
        const fn = stack.get("aws:lambda/function:Function", "identity-token-claims-function");
        assert.equal(fn.inputs.reservedConcurrentExecutions, undefined);
        assert.equal(fn.inputs.timeout, 5);
    });
});
