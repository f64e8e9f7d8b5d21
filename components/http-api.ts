/**
 * API Gateway in front of one function alias: an HTTP API (payload v2) or a REST API (Lambda proxy), with the
 * routes `/customers/{customerId}` and `/customers/{customerId}/{proxy+}` for any method, stage throttling, JSON
 * access logs to a log group with retention, and a Lambda permission scoped to this API with `sourceArn`.
 * Used by the router (HTTP or REST) and, in redirect mode, by each cell for its own endpoint (HTTP).
 *
 * Every route requires a verified token with one of the required scopes: an HTTP API's JWT authorizer, a REST
 * API's Cognito authorizer (the stack's user pool) or its Lambda authorizer (an external issuer). A REST API answers
 * its own 401 and 403 with the project's `{ "error": ... }` bodies (HTTP APIs have no custom gateway responses).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CorsPolicy, SERVED_METHODS } from "../handlers/lib/cors";
import { AUTH_MESSAGES } from "../handlers/lib/tenant";
import type { LambdaResources } from "./function";
import type { TokenVerification } from "./identity";
import { Names } from "./names";
import { Tags } from "./tags";

export const CUSTOMER_ROUTES = ["/customers/{customerId}", "/customers/{customerId}/{proxy+}"] as const;

/** API Gateway's own integration limit is 29 s (REST) / 30 s (HTTP); the function's timeout sits below it. */
export const INTEGRATION_TIMEOUT_MS = 29000;

/** What both kinds of API log of each request (variables both define). */
const COMMON_ACCESS_LOG = {
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    path: "$context.path",
    status: "$context.status",
    responseLength: "$context.responseLength",
    integrationLatency: "$context.integrationLatency",
    integrationError: "$context.integrationErrorMessage",
    authorizerError: "$context.authorizer.error",
};

/**
 * The access-log format of each kind of API: they share most variables, but the matched route is `$context.routeKey`
 * on an HTTP API and `$context.resourcePath` on a REST API (which logs an empty `routeKey`), and only a REST API
 * names the gateway response it answered with. From AWS's lists of access-logging variables:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html and
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
 */
export const ACCESS_LOG_FORMATS = {
    http: JSON.stringify({ ...COMMON_ACCESS_LOG, routeKey: "$context.routeKey" }),
    rest: JSON.stringify({ ...COMMON_ACCESS_LOG, resourcePath: "$context.resourcePath", responseType: "$context.error.responseType" }),
} as const;

export interface ApiArgs {
    kind: "http" | "rest";
    /** Logical name prefix of the API's resources. */
    logicalName: string;
    /** Physical name of the API. */
    name: string;
    /** Where the access log group's name comes from. */
    names: Names;
    /** The function and the alias the API invokes. */
    functionName: pulumi.Input<string>;
    alias: aws.lambda.Alias;
    throttle: { rateLimit: number; burstLimit: number };
    /** Browser clients (`cellular:router.cors`); absent: no CORS. */
    cors?: CorsPolicy;
    /** How the API verifies the tokens every route requires. */
    verification: TokenVerification;
    /** A REST API without a Cognito pool: the Lambda authorizer that verifies the external issuer's tokens. */
    authorizer?: LambdaResources;
    logRetentionDays: number;
    tags: Tags;
    parent: pulumi.Resource;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /**
     * A REST API: the region's API Gateway account setting that holds the role access logs are written through. API
     * Gateway refuses a stage with access logging until it is set ("CloudWatch Logs role ARN must be set in account
     * settings to enable logging"), so the stage waits for it.
     */
    loggingAccount?: aws.apigateway.Account;
}

export interface ApiResources {
    /** The base URL clients call (no trailing slash). */
    url: pulumi.Output<string>;
    /** Every resource created, for tests and the plan. */
    resources: pulumi.Resource[];
}

export function createApi(args: ApiArgs): ApiResources {
    return args.kind === "http" ? createHttpApi(args) : createRestApi(args);
}

/** API Gateway may invoke the alias, from this API only (any stage, method and route). */
function invokePermission(args: ApiArgs, executionArn: pulumi.Output<string>, opts: pulumi.CustomResourceOptions): aws.lambda.Permission {
    return new aws.lambda.Permission(`${args.logicalName}-invoke-permission`, {
        action: "lambda:InvokeFunction",
        function: args.functionName,
        qualifier: args.alias.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${executionArn}/*/*`,
    }, opts);
}

function accessLogs(args: ApiArgs): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(`${args.logicalName}-access-logs`, {
        name: args.names.accessLogGroup(args.name),
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
    }, { parent: args.parent, dependsOn: args.dependsOn ?? [] });
}

function createHttpApi(args: ApiArgs): ApiResources {
    const opts: pulumi.CustomResourceOptions = { parent: args.parent, dependsOn: args.dependsOn ?? [] };
    const api = new aws.apigatewayv2.Api(`${args.logicalName}-api`, {
        name: args.name,
        protocolType: "HTTP",
        description: `${args.name}: customer requests`,
        ...(args.cors ? { corsConfiguration: httpCorsConfiguration(args.cors) } : {}),
        tags: args.tags,
    }, opts);
    const integration = new aws.apigatewayv2.Integration(`${args.logicalName}-integration`, {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: args.alias.invokeArn,
        integrationMethod: "POST",
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    }, opts);
    const authorizer = new aws.apigatewayv2.Authorizer(`${args.logicalName}-authorizer`, {
        apiId: api.id,
        name: "jwt",
        authorizerType: "JWT",
        identitySources: ["$request.header.Authorization"],
        jwtConfiguration: { issuer: args.verification.issuer, audiences: args.verification.audiences },
    }, opts);
    const routes = CUSTOMER_ROUTES.flatMap((route, i) => httpRouteMethods(args.cors).map(method => new aws.apigatewayv2.Route(
        `${args.logicalName}-route-${i === 0 ? "customer" : "customer-proxy"}${method === "ANY" ? "" : `-${method.toLowerCase()}`}`, {
            apiId: api.id,
            routeKey: `${method} ${route}`,
            target: pulumi.interpolate`integrations/${integration.id}`,
            authorizationType: "JWT",
            authorizerId: authorizer.id,
            authorizationScopes: args.verification.scopes,
        }, opts)));
    const logs = accessLogs(args);
    const stage = new aws.apigatewayv2.Stage(`${args.logicalName}-stage`, {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: {
            throttlingRateLimit: args.throttle.rateLimit,
            throttlingBurstLimit: args.throttle.burstLimit,
        },
        accessLogSettings: { destinationArn: logs.arn, format: ACCESS_LOG_FORMATS.http },
        tags: args.tags,
    }, { ...opts, dependsOn: [...(args.dependsOn as pulumi.Resource[] ?? []), ...routes] });
    const permission = invokePermission(args, api.executionArn, opts);
    return { url: api.apiEndpoint, resources: [api, integration, authorizer, ...routes, logs, stage, permission] };
}

function createRestApi(args: ApiArgs): ApiResources {
    const opts: pulumi.CustomResourceOptions = { parent: args.parent, dependsOn: args.dependsOn ?? [] };
    const api = new aws.apigateway.RestApi(`${args.logicalName}-api`, {
        name: args.name,
        description: `${args.name}: customer requests`,
        endpointConfiguration: { types: "REGIONAL" },
        tags: args.tags,
    }, opts);
    const customers = new aws.apigateway.Resource(`${args.logicalName}-customers`, {
        restApi: api.id, parentId: api.rootResourceId, pathPart: "customers",
    }, opts);
    const customer = new aws.apigateway.Resource(`${args.logicalName}-customer`, {
        restApi: api.id, parentId: customers.id, pathPart: "{customerId}",
    }, opts);
    const proxy = new aws.apigateway.Resource(`${args.logicalName}-customer-proxy`, {
        restApi: api.id, parentId: customer.id, pathPart: "{proxy+}",
    }, opts);
    const { authorizer, authorization, scopes } = restAuthorizer(args, api, opts);
    const responses = restErrorResponses(args, api, opts);
    const preflight = args.cors ? restPreflight(args, args.cors, api, [["customer", customer], ["customer-proxy", proxy]], opts) : [];
    const methodsAndIntegrations = ([["customer", customer], ["customer-proxy", proxy]] as const).flatMap(([key, resource]) => {
        const method = new aws.apigateway.Method(`${args.logicalName}-${key}-any`, {
            restApi: api.id, resourceId: resource.id, httpMethod: "ANY",
            authorization, authorizerId: authorizer.id, ...(scopes ? { authorizationScopes: scopes } : {}),
        }, opts);
        const integration = new aws.apigateway.Integration(`${args.logicalName}-${key}-integration`, {
            restApi: api.id,
            resourceId: resource.id,
            httpMethod: method.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: args.alias.invokeArn,
            timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
        }, opts);
        return [method, integration];
    });
    const deployment = new aws.apigateway.Deployment(`${args.logicalName}-deployment`, {
        restApi: api.id,
        // A new deployment whenever the routes, their authorization or the error responses change.
        triggers: {
            routes: JSON.stringify(CUSTOMER_ROUTES),
            authorization: JSON.stringify({ authorization, scopes: scopes ?? [] }),
            responses: JSON.stringify(REST_ERROR_RESPONSES),
            ...(args.cors ? { cors: JSON.stringify(args.cors) } : {}),
        },
    }, { ...opts, dependsOn: [...(args.dependsOn as pulumi.Resource[] ?? []), ...methodsAndIntegrations, ...responses, ...preflight] });
    const logs = accessLogs(args);
    const stage = new aws.apigateway.Stage(`${args.logicalName}-stage`, {
        restApi: api.id,
        deployment: deployment.id,
        stageName: "live",
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: logs.arn, format: ACCESS_LOG_FORMATS.rest },
        tags: args.tags,
    }, { ...opts, dependsOn: args.loggingAccount ? [args.loggingAccount] : [] });
    const settings = new aws.apigateway.MethodSettings(`${args.logicalName}-throttling`, {
        restApi: api.id,
        stageName: stage.stageName,
        methodPath: "*/*",
        settings: {
            throttlingRateLimit: args.throttle.rateLimit,
            throttlingBurstLimit: args.throttle.burstLimit,
            metricsEnabled: true,
        },
    }, opts);
    const permission = invokePermission(args, api.executionArn, opts);
    return {
        url: stage.invokeUrl,
        resources: [api, customers, customer, proxy, authorizer, ...responses, ...methodsAndIntegrations, ...preflight, deployment, logs, stage, settings, permission],
    };
}

/** A REST API's authorizer: Cognito's own for the stack's user pool, else the Lambda authorizer for the external issuer. */
function restAuthorizer(args: ApiArgs, api: aws.apigateway.RestApi, opts: pulumi.CustomResourceOptions):
    { authorizer: aws.apigateway.Authorizer; authorization: string; scopes?: string[] } {
    const v = args.verification;
    if (v.userPoolArn !== undefined) {
        const authorizer = new aws.apigateway.Authorizer(`${args.logicalName}-authorizer`, {
            restApi: api.id,
            name: "cognito",
            type: "COGNITO_USER_POOLS",
            providerArns: [v.userPoolArn],
            identitySource: "method.request.header.Authorization",
        }, opts);
        // With scopes, the Cognito authorizer takes access tokens only.
        return { authorizer, authorization: "COGNITO_USER_POOLS", scopes: v.scopes };
    }
    if (args.authorizer === undefined) throw new Error(`${args.name}: a REST API with an external issuer needs its Lambda authorizer`);
    const fn = args.authorizer;
    const authorizer = new aws.apigateway.Authorizer(`${args.logicalName}-authorizer`, {
        restApi: api.id,
        name: "jwt",
        type: "REQUEST",
        authorizerUri: fn.fn.invokeArn,
        identitySource: "method.request.header.Authorization",
        authorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
    }, opts);
    new aws.lambda.Permission(`${args.logicalName}-authorizer-permission`, {
        action: "lambda:InvokeFunction",
        function: fn.fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
    }, opts);
    return { authorizer, authorization: "CUSTOM" };
}

/** How long API Gateway keeps a Lambda authorizer's answer for one token. */
export const AUTHORIZER_CACHE_SECONDS = 300;

/** API Gateway's own answers a REST API gives in the project's error contract. */
export const REST_ERROR_RESPONSES = [
    { responseType: "UNAUTHORIZED", statusCode: "401", error: AUTH_MESSAGES.unauthenticated, wwwAuthenticate: true },
    { responseType: "ACCESS_DENIED", statusCode: "403", error: AUTH_MESSAGES.forbidden, wwwAuthenticate: false },
] as const;

/**
 * With CORS, every other answer API Gateway gives itself (throttling, a missing route, an integration failure...) in
 * the same contract, its own message as the error, with the CORS headers: `DEFAULT_4XX` and `DEFAULT_5XX` cover every
 * response type without a response of its own.
 */
export const REST_CORS_DEFAULT_RESPONSES = [
    { responseType: "DEFAULT_4XX", key: "4xx" },
    { responseType: "DEFAULT_5XX", key: "5xx" },
] as const;

function restErrorResponses(args: ApiArgs, api: aws.apigateway.RestApi, opts: pulumi.CustomResourceOptions): aws.apigateway.Response[] {
    const cors = args.cors ? restCorsResponseParameters(args.cors, "gatewayresponse") : {};
    const own = REST_ERROR_RESPONSES.map(r => new aws.apigateway.Response(`${args.logicalName}-${r.statusCode}-response`, {
        restApiId: api.id,
        responseType: r.responseType,
        statusCode: r.statusCode,
        responseTemplates: { "application/json": JSON.stringify({ error: r.error }) },
        responseParameters: {
            "gatewayresponse.header.Content-Type": "'application/json'",
            ...(r.wwwAuthenticate ? { "gatewayresponse.header.WWW-Authenticate": "'Bearer'" } : {}),
            ...cors,
        },
    }, opts));
    if (!args.cors) return own;
    return [...own, ...REST_CORS_DEFAULT_RESPONSES.map(r => new aws.apigateway.Response(`${args.logicalName}-${r.key}-response`, {
        restApiId: api.id,
        responseType: r.responseType,
        // `messageString` is the message as a quoted JSON string.
        responseTemplates: { "application/json": "{\"error\":$context.error.messageString}" },
        responseParameters: { "gatewayresponse.header.Content-Type": "'application/json'", ...cors },
    }, opts))];
}

/** An HTTP API's CORS: API Gateway answers preflight itself and adds the headers to every answer of the integration. */
export function httpCorsConfiguration(cors: CorsPolicy): aws.types.input.apigatewayv2.ApiCorsConfiguration {
    return {
        allowOrigins: cors.allowOrigins,
        allowMethods: cors.allowMethods,
        allowHeaders: cors.allowHeaders,
        exposeHeaders: cors.exposeHeaders,
        maxAge: cors.maxAgeSeconds,
        allowCredentials: cors.allowCredentials,
    };
}

/**
 * The methods an HTTP API routes to the function. Without CORS one `ANY` route per path. With CORS, one route per
 * served method: an `ANY` route with an authorizer would also catch the browser's `OPTIONS` preflight, which carries
 * no token, and answer it 401; with no route for `OPTIONS`, API Gateway answers the preflight itself from the API's
 * `corsConfiguration`, before any authorizer, and the function never sees it. Other methods get API Gateway's 404.
 */
export function httpRouteMethods(cors: CorsPolicy | undefined): string[] {
    return cors ? [...SERVED_METHODS] : ["ANY"];
}

const quoted = (value: string) => `'${value}'`;

/**
 * The CORS headers of a REST API's own answers (`gatewayresponse`) or of its preflight answer (`method.response`):
 * static values, but for `Access-Control-Allow-Origin` with several origins. A gateway response cannot choose among
 * them, so it repeats the request's `Origin`: its bodies are API Gateway's fixed texts, never data. The preflight
 * chooses in its mapping template ({@link restPreflightTemplate}).
 */
export function restCorsResponseParameters(cors: CorsPolicy, prefix: "gatewayresponse" | "method.response", what: "answer" | "preflight" = "answer"): Record<string, string> {
    const h = (name: string) => `${prefix}.header.${name}`;
    const single = cors.allowOrigins.length === 1 ? cors.allowOrigins[0]! : undefined;
    const origin = single !== undefined ? quoted(single) : prefix === "gatewayresponse" ? "method.request.header.Origin" : undefined;
    return {
        ...(origin === undefined ? {} : { [h("Access-Control-Allow-Origin")]: origin }),
        ...(single === "*" ? {} : { [h("Vary")]: quoted("Origin") }),
        ...(cors.allowCredentials ? { [h("Access-Control-Allow-Credentials")]: quoted("true") } : {}),
        ...(what === "answer"
            ? (cors.exposeHeaders.length > 0 ? { [h("Access-Control-Expose-Headers")]: quoted(cors.exposeHeaders.join(",")) } : {})
            : {
                [h("Access-Control-Allow-Methods")]: quoted(cors.allowMethods.join(",")),
                [h("Access-Control-Allow-Headers")]: quoted(cors.allowHeaders.join(",")),
                [h("Access-Control-Max-Age")]: quoted(String(cors.maxAgeSeconds)),
            }),
    };
}

/**
 * The preflight answer's mapping template: empty for one origin (or `*`, a static header); for several, it sets
 * `Access-Control-Allow-Origin` to the request's `Origin` only when that is one of them, so any other origin gets
 * an answer without it, which the browser refuses.
 */
export function restPreflightTemplate(cors: CorsPolicy): string {
    if (cors.allowOrigins.length === 1) return "";
    const test = cors.allowOrigins.map(o => `$origin == "${o}"`).join(" || ");
    return [
        "#set($origin = $input.params().header.get(\"Origin\"))",
        "#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get(\"origin\"))#end",
        `#if(${test})`,
        "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
        "#end",
    ].join("\n");
}

/** The preflight's status: no body. */
export const PREFLIGHT_STATUS = "204";

/**
 * A REST API answers the browser's preflight itself: an `OPTIONS` method per resource without an authorizer (the
 * preflight carries no token) and a MOCK integration, so no function runs and no cell is reached. The explicit
 * method wins over `ANY` for `OPTIONS` only.
 */
function restPreflight(args: ApiArgs, cors: CorsPolicy, api: aws.apigateway.RestApi,
    resources: ReadonlyArray<readonly [string, aws.apigateway.Resource]>, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const parameters = restCorsResponseParameters(cors, "method.response", "preflight");
    const declared = Object.fromEntries([...Object.keys(parameters), "method.response.header.Access-Control-Allow-Origin"].map(k => [k, true]));
    return resources.flatMap(([key, resource]) => {
        const name = `${args.logicalName}-${key}-options`;
        const method = new aws.apigateway.Method(name, {
            restApi: api.id, resourceId: resource.id, httpMethod: "OPTIONS", authorization: "NONE",
        }, opts);
        const integration = new aws.apigateway.Integration(`${name}-integration`, {
            restApi: api.id, resourceId: resource.id, httpMethod: method.httpMethod,
            type: "MOCK",
            requestTemplates: { "application/json": JSON.stringify({ statusCode: Number(PREFLIGHT_STATUS) }) },
        }, opts);
        const methodResponse = new aws.apigateway.MethodResponse(`${name}-response`, {
            restApi: api.id, resourceId: resource.id, httpMethod: method.httpMethod, statusCode: PREFLIGHT_STATUS,
            responseParameters: declared,
        }, opts);
        const integrationResponse = new aws.apigateway.IntegrationResponse(`${name}-integration-response`, {
            restApi: api.id, resourceId: resource.id, httpMethod: method.httpMethod, statusCode: methodResponse.statusCode,
            responseParameters: parameters,
            responseTemplates: { "application/json": restPreflightTemplate(cors) },
        }, { ...opts, dependsOn: [...(opts.dependsOn as pulumi.Resource[]), integration] });
        return [method, integration, methodResponse, integrationResponse];
    });
}
