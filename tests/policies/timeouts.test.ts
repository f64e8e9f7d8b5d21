import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TAGS, allow, arn, httpApi, lambda, logsStatement, policyDocument } from "../fixtures/policies/builders";
import { MODES, compareConfig, run, runBoth } from "../fixtures/policies/harness";

const POLICY = "apigateway-lambda-timeout";

const tooLong = (fnName: string, timeout: number, via: string) =>
    `mandatory ${POLICY} ${fnName}-function: aws.lambda.Function "${fnName}-function" (${fnName}) has a timeout of ${timeout} s, but API ` +
    `Gateway invokes it (${via}); a function behind API Gateway must finish within 28 s, or the client gets a 504 while the function keeps ` +
    "running: set timeout to 28 or less";

const notBelowCaller = (callee: string, timeout: number, caller: string, callerTimeout: number, how = "serves API Gateway") =>
    `mandatory ${POLICY} ${callee}-function: aws.lambda.Function "${callee}-function" (${callee}) has a timeout of ${timeout} s, not below the ` +
    `${callerTimeout} s of aws.lambda.Function "${caller}-function" (${caller}), which ${how} and may invoke it synchronously (its role allows ` +
    `lambda:InvokeFunction on it); set its timeout below ${callerTimeout} s, so that the caller can answer before it times out itself`;

/** A REST API with one method whose Lambda proxy integration invokes `target`. */
function restApi(name: string, target: aws.lambda.Function | aws.lambda.Alias, integration: Partial<aws.apigateway.IntegrationArgs> = {}) {
    const api = new aws.apigateway.RestApi(`${name}-api`, { name, tags: TAGS });
    const resource = new aws.apigateway.Resource(`${name}-items`, { restApi: api.id, parentId: api.rootResourceId, pathPart: "items" });
    const method = new aws.apigateway.Method(`${name}-any`, { restApi: api.id, resourceId: resource.id, httpMethod: "ANY", authorization: "NONE" });
    new aws.apigateway.Integration(`${name}-integration`, {
        restApi: api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: target.invokeArn,
        ...integration,
    });
}

describe("apigateway-lambda-timeout", () => {
    for (const mode of MODES) {
        it(`rejects a function timeout of 29 s behind an HTTP API, found through the integration's dependencies (${mode})`, async () => {
            const outcome = await run(() => {
                httpApi("front", lambda("api", { args: { timeout: 29 } }).fn);
                lambda("batch", { args: { timeout: 300 } });
            }, { mode });
            assert.deepEqual(outcome.of(POLICY), [tooLong("api", 29, "aws.apigatewayv2.Integration \"front-integration\"")]);
        });
    }

    it("accepts a function timeout of 28 s behind an HTTP API", async () => {
        const outcome = await run(() => {
            httpApi("front", lambda("api", { args: { timeout: 28 } }).fn);
        });
        assert.deepEqual(outcome.lines(), []);
    });

    it("rejects a function timeout that is not below the integration's own timeoutMilliseconds", async () => {
        const outcome = await run(() => {
            httpApi("front", lambda("api", { args: { timeout: 15 } }).fn, { timeoutMilliseconds: 15000 });
            httpApi("back", lambda("other", { args: { timeout: 14 } }).fn, { timeoutMilliseconds: 15000 });
        });
        assert.deepEqual(outcome.of(POLICY), [
            `mandatory ${POLICY} api-function: aws.lambda.Function "api-function" (api) has a timeout of 15 s, not below the 15000 ms ` +
            "timeoutMilliseconds of aws.apigatewayv2.Integration \"front-integration\" that invokes it; set the function's timeout below 15 s, or " +
            "raise the integration's timeoutMilliseconds",
        ]);
    });

    it("rejects a function behind a REST API integration of one of its aliases, in both modes", async () => {
        const outcomes = await runBoth(() => {
            const { fn } = lambda("api", { args: { timeout: 40, publish: true } });
            const alias = new aws.lambda.Alias("api-live", { name: "live", functionName: fn.name, functionVersion: fn.version });
            restApi("rest", alias);
        });
        for (const mode of MODES) {
            assert.deepEqual(outcomes[mode].of(POLICY), [tooLong("api", 40, "aws.apigateway.Integration \"rest-integration\"")], mode);
        }
    });

    it("finds the functions of an OpenAPI body; their integrations' timeoutInMillis once the body is known", async () => {
        const { preview, update } = await runBoth(() => {
            const slow = lambda("slow", { args: { timeout: 40 } }).fn;
            const tight = lambda("tight", { args: { timeout: 12 } }).fn;
            const integration = (fn: aws.lambda.Function, timeoutInMillis: number) =>
                ({ "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: fn.invokeArn, timeoutInMillis } });
            new aws.apigateway.RestApi("openapi", {
                name: "openapi",
                body: pulumi.jsonStringify({
                    openapi: "3.0.1",
                    info: { title: "orders", version: "1" },
                    paths: { "/slow": { get: integration(slow, 29000) }, "/tight": { get: integration(tight, 10000) } },
                }),
                tags: TAGS,
            });
        });
        const slow = tooLong("slow", 40, "aws.apigateway.RestApi \"openapi\"");
        assert.deepEqual(preview.of(POLICY), [
            `advisory ${POLICY} openapi: can't run policy '${POLICY}' on aws.apigateway.RestApi "openapi" during preview: its body can't be ` +
            "known during preview, so the timeoutInMillis of its integrations can't be checked",
            slow,
        ]);
        const notBelow = (fnName: string, timeout: number, ms: number) =>
            `mandatory ${POLICY} ${fnName}-function: aws.lambda.Function "${fnName}-function" (${fnName}) has a timeout of ${timeout} s, not ` +
            `below the ${ms} ms timeoutInMillis of aws.apigateway.RestApi "openapi" that invokes it; set the function's timeout below ` +
            `${ms / 1000} s, or raise the integration's timeoutInMillis`;
        assert.deepEqual(update.of(POLICY), [slow, notBelow("slow", 40, 29000), notBelow("tight", 12, 10000)]);
    });

    it("rejects a function behind an HTTP API's quick-create target", async () => {
        const outcome = await run(() => {
            const { fn } = lambda("api", { args: { timeout: 29 } });
            new aws.apigatewayv2.Api("quick", { name: "quick", protocolType: "HTTP", target: fn.arn, tags: TAGS });
        });
        assert.deepEqual(outcome.of(POLICY), [tooLong("api", 29, "aws.apigatewayv2.Api \"quick\"")]);
    });

    describe("functions invoked synchronously", () => {
        it("rejects a callee whose timeout is not below its caller's, and accepts one below it", async () => {
            const outcome = await run(() => {
                lambda("slow", { args: { timeout: 10 } });
                lambda("quick", { args: { timeout: 9 } });
                const caller = lambda("caller", {
                    args: { timeout: 10 },
                    statements: [allow("InvokeCallees", "lambda:InvokeFunction", [arn.fn("slow"), arn.fn("quick")])],
                });
                httpApi("front", caller.fn);
            });
            assert.deepEqual(outcome.of(POLICY), [notBelowCaller("slow", 10, "caller", 10)]);
        });

        it("counts a grant on an alias ARN in a managed policy attached to the caller's role", async () => {
            const outcome = await run(() => {
                lambda("cell", { args: { timeout: 15 } });
                const router = lambda("router", { args: { timeout: 15 } });
                const grant = new aws.iam.Policy("router-invoke", {
                    name: "router-invoke",
                    policy: policyDocument([allow("InvokeCells", "lambda:InvokeFunction", `${arn.fn("cell")}:live`)]),
                    tags: TAGS,
                });
                new aws.iam.RolePolicyAttachment("router-invoke", { role: router.role.name, policyArn: grant.arn });
                httpApi("front", router.fn);
            });
            assert.deepEqual(outcome.of(POLICY), [notBelowCaller("cell", 15, "router", 15)]);
        });

        it("counts lambda:* on the callee as a grant to invoke it", async () => {
            const outcome = await run(() => {
                lambda("callee", { args: { timeout: 12 } });
                httpApi("front", lambda("caller", { args: { timeout: 12 }, statements: [allow("All", "lambda:*", arn.fn("callee"))] }).fn);
            });
            assert.deepEqual(outcome.of(POLICY), [notBelowCaller("callee", 12, "caller", 12)]);
        });

        it("follows the chain transitively", async () => {
            const outcome = await run(() => {
                lambda("c", { args: { timeout: 15 } });
                lambda("b", { args: { timeout: 15 }, statements: [allow("InvokeC", "lambda:InvokeFunction", arn.fn("c"))] });
                httpApi("front", lambda("a", { args: { timeout: 20 }, statements: [allow("InvokeB", "lambda:InvokeFunction", arn.fn("b"))] }).fn);
            });
            assert.deepEqual(outcome.of(POLICY), [notBelowCaller("c", 15, "b", 15, "runs on behalf of API Gateway")]);
        });

        it("counts, in preview, a role policy whose unknown document depends on the callee", async () => {
            const { preview, update } = await runBoth(() => {
                const callee = lambda("callee", { args: { timeout: 10 } });
                httpApi("front", lambda("caller", {
                    args: { timeout: 10 },
                    policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [logsStatement("caller"), allow("Invoke", "lambda:InvokeFunction", callee.fn.arn)] }),
                }).fn);
            });
            assert.deepEqual(preview.of(POLICY), [notBelowCaller("callee", 10, "caller", 10)]);
            assert.deepEqual(update.of(POLICY), [notBelowCaller("callee", 10, "caller", 10)]);
        });

        it("ignores functions that are not behind API Gateway", async () => {
            const outcome = await run(() => {
                lambda("callee", { args: { timeout: 60 } });
                lambda("worker", { args: { timeout: 60 }, statements: [allow("Invoke", "lambda:InvokeFunction", arn.fn("callee"))] });
            });
            assert.deepEqual(outcome.lines(), []);
        });
    });

    it("maxTimeoutSeconds, changed in a config file, changes the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => httpApi("front", lambda("api", { args: { timeout: 15 } }).fn),
            "timeout-10s.json", POLICY);
        assert.deepEqual(defaults, []);
        assert.deepEqual(configured, [
            "mandatory apigateway-lambda-timeout api-function: aws.lambda.Function \"api-function\" (api) has a timeout of 15 s, but API " +
            "Gateway invokes it (aws.apigatewayv2.Integration \"front-integration\"); a function behind API Gateway must finish within 10 s, or " +
            "the client gets a 504 while the function keeps running: set timeout to 10 or less",
        ]);
    });
});

const ALB_POLICY = "alb-lambda-timeout";
const LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2";

/** A Lambda target group for `fn`, attached, and forwarded to by a rule on `listenerArn` (a created listener or an ARN). */
function albTarget(name: string, fn: aws.lambda.Function, listenerArn: pulumi.Input<string>) {
    const tg = new aws.lb.TargetGroup(`${name}-tg`, { name, targetType: "lambda", tags: TAGS });
    new aws.lb.TargetGroupAttachment(`${name}-attachment`, { targetGroupArn: tg.arn, targetId: fn.arn });
    new aws.lb.ListenerRule(`${name}-rule`, { listenerArn, priority: 10, actions: [{ type: "forward", targetGroupArn: tg.arn }],
        conditions: [{ pathPattern: { values: ["/customers/*"] } }], tags: TAGS });
}

/** An ALB with `idleTimeout` (AWS's default when undefined) and its HTTPS listener. */
function alb(name: string, idleTimeout?: number): aws.lb.Listener {
    const lb = new aws.lb.LoadBalancer(`${name}-lb`, { name, loadBalancerType: "application", internal: true, subnets: ["subnet-1", "subnet-2"],
        ...(idleTimeout === undefined ? {} : { idleTimeout }), tags: TAGS });
    return new aws.lb.Listener(`${name}-listener`, { loadBalancerArn: lb.arn, port: 443, protocol: "HTTPS", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }], tags: TAGS });
}

describe(ALB_POLICY, () => {
    for (const mode of MODES) {
        it(`rejects a function that outlives its ALB's idle timeout, found through the rule, listener and LB dependencies (${mode})`, async () => {
            const outcome = await run(() => {
                albTarget("slow", lambda("slow", { args: { timeout: 30 } }).fn, alb("short", 30).arn);
                albTarget("fast", lambda("fast", { args: { timeout: 29 } }).fn, alb("also-short", 30).arn);
            }, { mode });
            assert.deepEqual(outcome.of(ALB_POLICY), [
                `mandatory ${ALB_POLICY} slow-function: aws.lambda.Function "slow-function" (slow) has a timeout of 30 s, not below the 30 s idle timeout of ` +
                "aws.lb.LoadBalancer \"short-lb\" (short), which invokes it through aws.lb.TargetGroupAttachment \"slow-attachment\"; the client gets a 504 " +
                "while the function keeps running: set its timeout below 30 s",
            ]);
        });
    }

    it("takes AWS's default 60 s for an ALB without idleTimeout, and the configured one for a listener taken by ARN", async () => {
        const outcome = await run(() => {
            albTarget("default-ok", lambda("default-ok", { args: { timeout: 59 } }).fn, alb("default").arn);
            albTarget("default-slow", lambda("default-slow", { args: { timeout: 60 } }).fn, alb("default-2").arn);
            albTarget("by-arn", lambda("by-arn", { args: { timeout: 60 } }).fn, LISTENER_ARN);
        });
        assert.deepEqual(outcome.of(ALB_POLICY).map(l => l.split(":")[0]), [`mandatory ${ALB_POLICY} by-arn-function`, `mandatory ${ALB_POLICY} default-slow-function`]);
        assert.match(outcome.of(ALB_POLICY)[0]!, /not below the idle timeout of the load balancer whose listener it is attached to \(60 s, this policy's idleTimeoutSeconds\)/);
        const { defaults, configured } = await compareConfig(() => albTarget("by-arn", lambda("by-arn", { args: { timeout: 45 } }).fn, LISTENER_ARN),
            { [ALB_POLICY]: { idleTimeoutSeconds: 30 } }, ALB_POLICY);
        assert.deepEqual(defaults, []);
        assert.equal(configured.length, 1);
    });

    it("ignores functions no target group holds", async () => {
        const outcome = await run(() => { lambda("alone", { args: { timeout: 900 } }); });
        assert.deepEqual(outcome.of(ALB_POLICY), []);
    });
});
