/**
 * CORS over the captured plan (components/http-api.ts with `cellular:router.cors`), for every API variant: the
 * router's HTTP API, its REST API, and the cells' own HTTP APIs in redirect mode. A preflight carries no token, so
 * it must be answered before any authorizer and never reach a cell: an HTTP API answers it itself when no route
 * matches OPTIONS; a REST API by a MOCK OPTIONS method without authorization.
 */
import { strict as assert } from "assert";
import { loadSettings } from "../../components/config";
import { CORS_ENV } from "../../handlers/lib/cors";
import { configProblems, edit, Json, Raw, runStack, Stack, stackConfig } from "../fixtures/stack";
import { deployCheck } from "../../tools/lib/deploy-check/check";
import { line, policyPack } from "../fixtures/policies/harness";

const APP = "https://app.example.com";
const ADMIN = "http://localhost:3000";

function withCors(mode: "invoke" | "redirect", api: "http" | "rest", cors: Json): Raw {
    return edit(stackConfig("dev"), "router", r => { r.mode = mode; r.api = api; r.cors = cors; });
}

const HTTP_CORS = {
    allowOrigins: [APP], allowMethods: ["DELETE", "GET", "HEAD", "PUT"],
    allowHeaders: ["authorization", "content-type", "if-match", "if-none-match"], exposeHeaders: ["etag", "location", "retry-after"],
    maxAge: 600, allowCredentials: true,
};

function routesOf(stack: Stack, api: string): string[] {
    const apiUrn = stack.get("aws:apigatewayv2/api:Api", api).urn;
    return stack.ofType("aws:apigatewayv2/route:Route").filter(r => r.propertyDependencies.apiId?.includes(apiUrn))
        .map(r => `${String(r.inputs.routeKey)} ${String(r.inputs.authorizationType)}`).sort();
}

const SERVED_ROUTES = ["DELETE", "GET", "HEAD", "PUT"].flatMap(m => [`${m} /customers/{customerId} JWT`, `${m} /customers/{customerId}/{proxy+} JWT`]).sort();

describe("CORS on every API variant (cellular:router.cors)", function () {
    this.timeout(120_000);

    it("is off without the section: no corsConfiguration, ANY routes, no OPTIONS method, no CORS_POLICY", async () => {
        const stack = await runStack("dev", { config: edit(stackConfig("dev"), "router", r => { r.api = "rest"; }) });
        assert.equal(stack.ofType("aws:apigateway/method:Method").filter(m => m.inputs.httpMethod === "OPTIONS").length, 0);
        assert.equal(stack.ofType("aws:apigateway/response:Response").length, 2);
        const env = (stack.get("aws:lambda/function:Function", "router-function").inputs.environment as Json).variables as Json;
        assert.equal(CORS_ENV in env, false);
        const http = await runStack("dev", { config: stackConfig("dev") });
        assert.equal(http.get("aws:apigatewayv2/api:Api", "router-api").inputs.corsConfiguration, undefined);
        assert.deepEqual(routesOf(http, "router-api"), ["ANY /customers/{customerId} JWT", "ANY /customers/{customerId}/{proxy+} JWT"]);
    });

    it("HTTP API (invoke mode): the built-in corsConfiguration, and one authorized route per served method, none for OPTIONS", async () => {
        const stack = await runStack("dev", { config: withCors("invoke", "http", { allowOrigins: [APP], allowCredentials: true }) });
        assert.deepEqual(stack.get("aws:apigatewayv2/api:Api", "router-api").inputs.corsConfiguration, HTTP_CORS);
        assert.deepEqual(routesOf(stack, "router-api"), SERVED_ROUTES);
        // An HTTP API adds the headers to the router's answers itself (and ignores any the integration sets).
        const env = (stack.get("aws:lambda/function:Function", "router-function").inputs.environment as Json).variables as Json;
        assert.equal(CORS_ENV in env, false);
    });

    it("redirect mode: the router's API and every cell's own API have the same corsConfiguration and served-method routes", async () => {
        const stack = await runStack("dev", { config: withCors("redirect", "http", { allowOrigins: [APP], allowCredentials: true }) });
        const apis = stack.ofType("aws:apigatewayv2/api:Api").map(a => a.name).sort();
        assert.deepEqual(apis, ["cell-a-endpoint-api", "cell-b-endpoint-api", "cell-c-endpoint-api", "router-api"]);
        for (const api of apis) {
            assert.deepEqual(stack.get("aws:apigatewayv2/api:Api", api).inputs.corsConfiguration, HTTP_CORS, api);
            assert.deepEqual(routesOf(stack, api), SERVED_ROUTES, api);
        }
    });

    it("REST API: a MOCK OPTIONS method per resource without authorization; several origins chosen in the mapping template", async () => {
        const cors = { allowOrigins: [APP, ADMIN], maxAgeSeconds: 3600, exposeHeaders: ["etag"] };
        const stack = await runStack("dev", { config: withCors("invoke", "rest", cors) });
        const options = stack.ofType("aws:apigateway/method:Method").filter(m => m.inputs.httpMethod === "OPTIONS");
        assert.deepEqual(options.map(m => [m.name, m.inputs.authorization, m.inputs.authorizerId]).sort(),
            [["router-customer-options", "NONE", undefined], ["router-customer-proxy-options", "NONE", undefined]]);
        for (const key of ["customer", "customer-proxy"]) {
            const method = stack.get("aws:apigateway/method:Method", `router-${key}-options`);
            const resource = stack.get("aws:apigateway/resource:Resource", `router-${key}`);
            assert.deepEqual(method.propertyDependencies.resourceId, [resource.urn]);
            const integration = stack.get("aws:apigateway/integration:Integration", `router-${key}-options-integration`);
            assert.equal(integration.inputs.type, "MOCK");
            assert.equal(integration.inputs.uri, undefined, "a MOCK integration invokes nothing");
            assert.deepEqual(integration.inputs.requestTemplates, { "application/json": "{\"statusCode\":204}" });
            const methodResponse = stack.get("aws:apigateway/methodResponse:MethodResponse", `router-${key}-options-response`);
            assert.equal(methodResponse.inputs.statusCode, "204");
            assert.deepEqual(methodResponse.inputs.responseParameters, {
                "method.response.header.Vary": true,
                "method.response.header.Access-Control-Allow-Methods": true,
                "method.response.header.Access-Control-Allow-Headers": true,
                "method.response.header.Access-Control-Max-Age": true,
                "method.response.header.Access-Control-Allow-Origin": true,
            });
            const response = stack.get("aws:apigateway/integrationResponse:IntegrationResponse", `router-${key}-options-integration-response`);
            assert.equal(response.inputs.statusCode, "204");
            assert.deepEqual(response.inputs.responseParameters, {
                "method.response.header.Vary": "'Origin'",
                "method.response.header.Access-Control-Allow-Methods": "'DELETE,GET,HEAD,PUT'",
                "method.response.header.Access-Control-Allow-Headers": "'authorization,content-type,if-match,if-none-match'",
                "method.response.header.Access-Control-Max-Age": "'3600'",
            });
            assert.deepEqual(response.inputs.responseTemplates, { "application/json": [
                "#set($origin = $input.params().header.get(\"Origin\"))",
                "#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get(\"origin\"))#end",
                `#if($origin == "${APP}" || $origin == "${ADMIN}")`,
                "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
                "#end",
            ].join("\n") });
        }
        // The ANY methods keep their authorizer: the OPTIONS method takes only OPTIONS.
        for (const m of stack.ofType("aws:apigateway/method:Method").filter(x => x.inputs.httpMethod === "ANY")) assert.equal(m.inputs.authorization, "COGNITO_USER_POOLS", m.name);
        // The router adds the headers to its own answers (an integration's headers pass through a REST API).
        const env = (stack.get("aws:lambda/function:Function", "router-function").inputs.environment as Json).variables as Json;
        assert.deepEqual(JSON.parse(env[CORS_ENV] as string), {
            allowOrigins: [APP, ADMIN], allowMethods: ["DELETE", "GET", "HEAD", "PUT"],
            allowHeaders: ["authorization", "content-type", "if-match", "if-none-match"], exposeHeaders: ["etag"], maxAgeSeconds: 3600, allowCredentials: false,
        });
        // A new deployment when the policy changes.
        assert.equal(JSON.parse((stack.get("aws:apigateway/deployment:Deployment", "router-deployment").inputs.triggers as Json).cors as string).maxAgeSeconds, 3600);
    });

    it("REST API: API Gateway's own errors (401, 403, every other 4xx and 5xx) carry the CORS headers, in the { error } contract", async () => {
        const stack = await runStack("dev", { config: withCors("invoke", "rest", { allowOrigins: [APP], allowCredentials: true }) });
        const cors = {
            "gatewayresponse.header.Access-Control-Allow-Origin": `'${APP}'`,
            "gatewayresponse.header.Vary": "'Origin'",
            "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
            "gatewayresponse.header.Access-Control-Expose-Headers": "'etag,location,retry-after'",
        };
        const responses = stack.ofType("aws:apigateway/response:Response")
            .map(r => [r.inputs.responseType, r.inputs.statusCode, r.inputs.responseTemplates, r.inputs.responseParameters])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        assert.deepEqual(responses, [
            ["ACCESS_DENIED", "403", { "application/json": "{\"error\":\"this token does not grant access to this customer\"}" },
                { "gatewayresponse.header.Content-Type": "'application/json'", ...cors }],
            ["DEFAULT_4XX", undefined, { "application/json": "{\"error\":$context.error.messageString}" }, { "gatewayresponse.header.Content-Type": "'application/json'", ...cors }],
            ["DEFAULT_5XX", undefined, { "application/json": "{\"error\":$context.error.messageString}" }, { "gatewayresponse.header.Content-Type": "'application/json'", ...cors }],
            ["UNAUTHORIZED", "401", { "application/json": "{\"error\":\"a valid bearer token is required\"}" },
                { "gatewayresponse.header.Content-Type": "'application/json'", "gatewayresponse.header.WWW-Authenticate": "'Bearer'", ...cors }],
        ]);
        // One origin: the preflight's origin is a static header, its template empty.
        const response = stack.get("aws:apigateway/integrationResponse:IntegrationResponse", "router-customer-options-integration-response");
        assert.equal((response.inputs.responseParameters as Json)["method.response.header.Access-Control-Allow-Origin"], `'${APP}'`);
        assert.equal((response.inputs.responseParameters as Json)["method.response.header.Access-Control-Allow-Credentials"], "'true'");
        assert.deepEqual(response.inputs.responseTemplates, { "application/json": "" });
    });

    it("passes every guardrail (the MOCK preflight is the one public method the pack accepts) and the deploy check, with CORS on every variant", async () => {
        const pack = await policyPack();
        for (const [mode, api] of [["invoke", "rest"], ["redirect", "rest"], ["redirect", "http"]] as const) {
            const raw = withCors(mode, api, { allowOrigins: [APP, ADMIN] });
            const stack = await runStack("dev", { config: raw });
            const lines = (await pack.analyze(stack.capture, pack.reconcile({}))).diagnostics.map(line);
            assert.deepEqual(lines.filter(l => l.startsWith("mandatory ") || l.includes("during preview")), [], `${mode} ${api}`);
            const settings = loadSettings(raw, { project: "cellular", stack: "dev" });
            assert.deepEqual(deployCheck(stack.resources, { quotas: settings.quotas }).findings.map(f => `${f.rule} ${f.name}: ${f.message}`), [], `${mode} ${api}`);
        }
    });
});

describe("cellular:router.cors validation", () => {
    const problemsOf = (cors: unknown): string[] => configProblems(edit(stackConfig("dev"), "router", r => { r.cors = cors; }));

    it("accepts exact origins, and * without credentials", () => {
        assert.deepEqual(problemsOf({ allowOrigins: [APP, "http://localhost:3000", "https://a-b.c.example.org:8443"], allowCredentials: true }), []);
        assert.deepEqual(problemsOf({ allowOrigins: ["*"] }), []);
    });

    it("refuses * together with credentials, naming both keys", () => {
        assert.deepEqual(problemsOf({ allowOrigins: ["*"], allowCredentials: true }), [
            "cellular:router.cors.allowCredentials is true; browsers refuse credentials with the origin `*` (cellular:router.cors.allowOrigins is [\"*\"]): list the exact origins, or set allowCredentials to false",
        ]);
        assert.deepEqual(problemsOf({ allowOrigins: ["*", APP] }), [
            `cellular:router.cors.allowOrigins is ["*","${APP}"]; \`*\` allows every origin: list it alone, or list exact origins`,
        ]);
    });

    it("refuses origins that are not scheme://host[:port] as a browser sends them", () => {
        const allowed = "expected `*` or an origin `scheme://host[:port]` in lower case, without a path or a trailing slash (e.g. https://app.example.com)";
        for (const origin of ["https://app.example.com/", "https://app.example.com/path", "app.example.com", "ftp://app.example.com",
            "https://App.example.com", "null", "https://*.example.com", "https://app.example.com:0", ""]) {
            assert.deepEqual(problemsOf({ allowOrigins: [origin] }), [`cellular:router.cors.allowOrigins[0] is ${JSON.stringify(origin)}; ${allowed}`], origin);
        }
        assert.deepEqual(problemsOf({ allowOrigins: APP }), [`cellular:router.cors.allowOrigins is "${APP}"; expected a list of origins`]);
        assert.deepEqual(problemsOf({ allowOrigins: [APP, APP] }), [`cellular:router.cors.allowOrigins is ["${APP}","${APP}"]; expected distinct origins`]);
    });

    it("refuses methods the routes do not serve, headers without authorization, a max age beyond API Gateway's, unknown keys", () => {
        assert.deepEqual(problemsOf({ allowOrigins: [APP], allowMethods: ["GET", "POST"] }), [
            "cellular:router.cors.allowMethods[1] is \"POST\"; expected methods the customer routes serve: DELETE, GET, HEAD, PUT",
        ]);
        assert.deepEqual(problemsOf({ allowOrigins: [APP], allowHeaders: ["content-type"] }), [
            "cellular:router.cors.allowHeaders is [\"content-type\"]; must include authorization: every route needs a bearer token, which a browser sends only if the preflight allows it",
        ]);
        assert.deepEqual(problemsOf({ allowOrigins: [APP], allowHeaders: ["authorization", "X Bad"] }), [
            "cellular:router.cors.allowHeaders[1] is \"X Bad\"; expected header names in lower case (letters, digits and !#$%&'*+.^_`|~-)",
        ]);
        assert.deepEqual(problemsOf({ allowOrigins: [APP], maxAgeSeconds: 86401 }), ["cellular:router.cors.maxAgeSeconds is 86401; expected an integer from 0 to 86400"]);
        assert.equal(problemsOf({ allowOrigin: [APP] })[0]!.startsWith("cellular:router.cors.allowOrigin is [\"https://app.example.com\"]; not a known setting; known: allowOrigins,"), true);
    });
});
