/**
 * API Gateway proxy events (payload 2.0 and 1.0) and a Lambda context, shaped as API Gateway and Lambda deliver
 * them, for the router and cell API tests.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";

export interface RequestSpec {
    method: string;
    /** Path without the stage, e.g. `/customers/acme/items`; may carry a raw query after `?`. */
    path: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    /** A named stage (prefixes rawPath in 2.0, as an HTTP API does); `$default` when absent. */
    stage?: string;
    requestId?: string;
    /**
     * The tenant of the verified token the authorizer hands over (claim `tenant_id`). Default: the customer the path
     * names (a caller acting for itself), or `acme` for a path that names none; `null`: no authorizer output at all.
     */
    tenant?: string | null;
}

/** The claim the tests' stacks name the tenant with (the default of cellular:auth.tenantClaim). */
export const TENANT_CLAIM = "tenant_id";

function tenantOf(spec: RequestSpec, pathOnly: string): string | undefined {
    if (spec.tenant === null) return undefined;
    if (spec.tenant !== undefined) return spec.tenant;
    const segment = pathOnly.split("/")[2];
    if (segment === undefined || segment === "") return "acme";
    try {
        return decodeURIComponent(segment);
    } catch {
        return segment;
    }
}

export function v2Event(spec: RequestSpec): APIGatewayProxyEventV2 {
    const [pathOnly, rawQueryString = ""] = spec.path.split(/\?(.*)/s, 2) as [string, string?];
    const stage = spec.stage ?? "$default";
    const rawPath = stage === "$default" ? pathOnly : `/${stage}${pathOnly}`;
    const tenant = tenantOf(spec, pathOnly);
    const query = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(rawQueryString)) query.set(k, query.has(k) ? `${query.get(k)},${v}` : v);
    return {
        version: "2.0",
        routeKey: "ANY /customers/{customerId}/{proxy+}",
        rawPath,
        rawQueryString,
        headers: { host: "api.example.com", "user-agent": "tests", ...spec.headers },
        ...(query.size > 0 ? { queryStringParameters: Object.fromEntries(query) } : {}),
        requestContext: {
            accountId: "123456789012",
            apiId: "api1234",
            domainName: "api.example.com",
            domainPrefix: "api",
            http: { method: spec.method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "tests" },
            requestId: spec.requestId ?? "req-v2",
            routeKey: "ANY /customers/{customerId}/{proxy+}",
            stage,
            time: "26/Nov/2026:07:00:00 +0000",
            timeEpoch: 1795676400000,
            // As an HTTP API's JWT authorizer hands over a verified access token's claims.
            ...(tenant === undefined ? {} : { authorizer: { jwt: { claims: { [TENANT_CLAIM]: tenant, scope: "cellular/items", token_use: "access" }, scopes: ["cellular/items"] } } }),
        },
        ...(spec.body === undefined ? {} : { body: spec.body }),
        isBase64Encoded: spec.isBase64Encoded ?? false,
    } as APIGatewayProxyEventV2;
}

/** A REST API (payload 1.0) event; `multiQuery` gives repeated query parameters. */
export function v1Event(spec: RequestSpec & { multiQuery?: Record<string, string[]>; multiHeaders?: Record<string, string[]> }): APIGatewayProxyEvent {
    const [pathOnly, rawQueryString = ""] = spec.path.split(/\?(.*)/s, 2) as [string, string?];
    const multi = new Map<string, string[]>(Object.entries(spec.multiQuery ?? {}));
    for (const [k, v] of new URLSearchParams(rawQueryString)) multi.set(k, [...(multi.get(k) ?? []), v]);
    const multiQuery = Object.fromEntries(multi);
    const headers: Record<string, string> = { Host: "api.example.com", "User-Agent": "tests", ...spec.headers };
    const multiHeaders: Record<string, string[]> = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    Object.assign(multiHeaders, spec.multiHeaders);
    const hasQuery = Object.keys(multiQuery).length > 0;
    const stage = spec.stage ?? "prod";
    const tenant = tenantOf(spec, pathOnly);
    return {
        resource: "/customers/{customerId}/{proxy+}",
        path: pathOnly,
        httpMethod: spec.method,
        headers,
        multiValueHeaders: multiHeaders,
        queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(multiQuery).map(([k, v]) => [k, v[v.length - 1]!])) : null,
        multiValueQueryStringParameters: hasQuery ? multiQuery : null,
        pathParameters: null,
        stageVariables: null,
        requestContext: {
            accountId: "123456789012",
            apiId: "rest1234",
            // As a REST API's Cognito authorizer hands over the token's claims.
            authorizer: tenant === undefined ? undefined : { claims: { [TENANT_CLAIM]: tenant, scope: "cellular/items", token_use: "access" } },
            protocol: "HTTP/1.1",
            httpMethod: spec.method,
            identity: {
                accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
                cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null,
                cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: "198.51.100.9", user: null,
                userAgent: "tests", userArn: null,
            },
            path: `/${stage}${pathOnly}`,
            stage,
            requestId: spec.requestId ?? "req-v1",
            requestTime: "26/Nov/2026:07:00:00 +0000",
            requestTimeEpoch: 1795676400000,
            resourceId: "res1",
            resourcePath: "/customers/{customerId}/{proxy+}",
        },
        body: spec.body ?? null,
        isBase64Encoded: spec.isBase64Encoded ?? false,
    };
}

export function lambdaContext(remainingMs = 15_000, awsRequestId = "lambda-req-1"): Context {
    const deadline = Date.now() + remainingMs;
    return {
        callbackWaitsForEmptyEventLoop: true,
        functionName: "cellular-test-fn",
        functionVersion: "1",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:cellular-test-fn:live",
        memoryLimitInMB: "256",
        awsRequestId,
        logGroupName: "/aws/lambda/cellular-test-fn",
        logStreamName: "2026/11/26/[1]abc",
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
    };
}
