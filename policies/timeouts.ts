/**
 * apigateway-lambda-timeout: a function behind API Gateway finishes before the integration gives up, and so
 * does every function it may invoke synchronously (transitively), each within its caller's timeout.
 *
 * alb-lambda-timeout: a function an Application Load Balancer invokes (a Lambda target group's attachment) finishes
 * before the load balancer's idle timeout: the LB's `idleTimeout` when the stack creates it, else (a listener taken
 * by ARN, whose LB the plan does not hold) the configured `idleTimeoutSeconds`, AWS's default 60 s unless set.
 *
 * The functions behind an API are found through the integration's property dependencies on the function (or on
 * one of its aliases), so this decides during preview, when the invoke ARNs are unknown.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { apiFunctions } from "./lib/api-functions";
import { configOf, integer } from "./lib/config-schema";
import { ALB_DEFAULT_IDLE_TIMEOUT_SECONDS, MAX_SYNC_TIMEOUT_SECONDS } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { invokeTargets, roleAccess } from "./lib/iam";
import { timeoutOf } from "./lib/lambda";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, num, read } from "./lib/values";

export interface TimeoutConfig {
    /** The longest timeout of a function behind API Gateway, in seconds. */
    maxTimeoutSeconds: number;
}

export const TIMEOUT_DEFAULTS: TimeoutConfig = { maxTimeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS };

const NAME = "apigateway-lambda-timeout";


export const apigatewayLambdaTimeout: StackValidationPolicy = {
    name: NAME,
    description: "A Lambda function behind API Gateway, and any function it invokes synchronously, finishes before its caller gives up.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            maxTimeoutSeconds: integer("The longest timeout, in seconds, of a function behind API Gateway (REST gives up after 29 s).",
                TIMEOUT_DEFAULTS.maxTimeoutSeconds, 1),
        },
    },
    validateStack: (args, report) => {
        const { maxTimeoutSeconds } = configOf(args, TIMEOUT_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);

        const callers: Array<{ fn: PolicyResource; timeout: number; behindApi: boolean }> = [];
        for (const { fn, invokers } of apiFunctions(graph).values()) {
            const timeout = timeoutOf(fn);
            if (timeout === UNKNOWN) {
                reporter.undecided(subject(fn), "its timeout can't be known during preview");
                continue;
            }
            const first = invokers[0]!.via;
            if (timeout > maxTimeoutSeconds) {
                reporter.violation(fn, `${describe(subject(fn))} has a timeout of ${timeout} s, but API Gateway invokes it ` +
                    `(${describe(subject(first))}); a function behind API Gateway must finish within ${maxTimeoutSeconds} s, or the ` +
                    `client gets a 504 while the function keeps running: set timeout to ${maxTimeoutSeconds} or less`);
            }
            for (const { via, timeoutMs } of invokers) {
                if (timeoutMs === undefined) continue;
                if (timeoutMs === UNKNOWN) {
                    reporter.undecided(subject(via), via.type === AWS.restApi
                        ? "its body can't be known during preview, so the timeoutInMillis of its integrations can't be checked"
                        : "its timeoutMilliseconds can't be known during preview");
                    continue;
                }
                if (timeout * 1000 >= timeoutMs) {
                    const setting = via.type === AWS.restApi ? "timeoutInMillis" : "timeoutMilliseconds";
                    reporter.violation(fn, `${describe(subject(fn))} has a timeout of ${timeout} s, not below the ${timeoutMs} ms ` +
                        `${setting} of ${describe(subject(via))} that invokes it; set the function's timeout below ` +
                        `${timeoutMs / 1000} s, or raise the integration's ${setting}`);
                }
            }
            callers.push({ fn, timeout, behindApi: true });
        }

        // Functions the API's functions may invoke synchronously, transitively: each finishes within its caller.
        if (callers.length === 0) return;
        const { byRole } = roleAccess(graph);
        const visited = new Set(callers.map(c => c.fn.urn));
        while (callers.length > 0) {
            const caller = callers.shift()!;
            for (const callee of invokeTargets(graph, byRole, caller.fn)) {
                const timeout = timeoutOf(callee);
                if (timeout === UNKNOWN) {
                    reporter.undecided(subject(callee), "its timeout can't be known during preview");
                    continue;
                }
                if (timeout >= caller.timeout) {
                    reporter.violation(callee, `${describe(subject(callee))} has a timeout of ${timeout} s, not below the ` +
                        `${caller.timeout} s of ${describe(subject(caller.fn))}, which ${caller.behindApi ? "serves API Gateway" : "runs on behalf of API Gateway"} and may invoke it ` +
                        `synchronously (its role allows lambda:InvokeFunction on it); set its timeout below ${caller.timeout} s, ` +
                        "so that the caller can answer before it times out itself");
                }
                if (!visited.has(callee.urn)) {
                    visited.add(callee.urn);
                    callers.push({ fn: callee, timeout, behindApi: false });
                }
            }
        }
    },
};

export interface AlbTimeoutConfig {
    /** The idle timeout of a load balancer the plan does not hold (a listener taken by ARN), in seconds. */
    idleTimeoutSeconds: number;
}

export const ALB_TIMEOUT_DEFAULTS: AlbTimeoutConfig = { idleTimeoutSeconds: ALB_DEFAULT_IDLE_TIMEOUT_SECONDS };

const ALB_NAME = "alb-lambda-timeout";

export const albLambdaTimeout: StackValidationPolicy = {
    name: ALB_NAME,
    description: "A Lambda function behind an Application Load Balancer finishes within the load balancer's idle timeout.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            idleTimeoutSeconds: integer("The idle timeout, in seconds, of a load balancer the stack does not create (a listener taken by ARN); AWS's default is 60.",
                ALB_TIMEOUT_DEFAULTS.idleTimeoutSeconds, 1),
        },
    },
    validateStack: (args, report) => {
        const { idleTimeoutSeconds } = configOf(args, ALB_TIMEOUT_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(ALB_NAME, report, true);
        // Which load balancers forward to each target group: through the listener rules (and listeners' default
        // actions) whose actions name it.
        const balancersOf = new Map<string, Array<PolicyResource | undefined>>();
        const forwards = (r: PolicyResource, listener: PolicyResource | undefined, key: string) => {
            const lb = listener === undefined ? undefined : graph.deps(listener, "loadBalancerArn").find(d => d.type === AWS.loadBalancer);
            for (const tg of graph.deps(r, key).filter(d => d.type === AWS.targetGroup)) balancersOf.set(tg.urn, [...(balancersOf.get(tg.urn) ?? []), lb]);
        };
        for (const rule of graph.ofType(AWS.listenerRule)) forwards(rule, graph.deps(rule, "listenerArn").find(d => d.type === AWS.listener), "actions");
        for (const listener of graph.ofType(AWS.listener)) forwards(listener, listener, "defaultActions");
        for (const attachment of graph.ofType(AWS.targetGroupAttachment)) {
            const groups = graph.deps(attachment, "targetGroupArn").filter(d => d.type === AWS.targetGroup);
            const balancers = groups.flatMap(g => balancersOf.get(g.urn) ?? [undefined]);
            for (const { fn } of graph.functions(attachment, "targetId").targets) {
                reporter.guard(subject(fn), () => {
                    const timeout = timeoutOf(fn);
                    if (timeout === UNKNOWN) {
                        reporter.undecided(subject(fn), "its timeout can't be known during preview");
                        return;
                    }
                    for (const lb of balancers) {
                        const own = lb === undefined ? undefined : num(read(lb.props, "idleTimeout"));
                        if (own === UNKNOWN) {
                            reporter.undecided(subject(lb!), "its idleTimeout can't be known during preview");
                            continue;
                        }
                        const idle = own ?? (lb === undefined ? idleTimeoutSeconds : ALB_DEFAULT_IDLE_TIMEOUT_SECONDS);
                        if (timeout < idle) continue;
                        const whose = lb === undefined
                            ? `the idle timeout of the load balancer whose listener it is attached to (${idle} s, this policy's idleTimeoutSeconds)`
                            : `the ${idle} s idle timeout of ${describe(subject(lb))}`;
                        reporter.violation(fn, `${describe(subject(fn))} has a timeout of ${timeout} s, not below ${whose}, which invokes it ` +
                            `through ${describe(subject(attachment))}; the client gets a 504 while the function keeps running: set its timeout below ${idle} s`);
                    }
                });
            }
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [apigatewayLambdaTimeout, albLambdaTimeout];
