/**
 * apigateway-lambda-timeout: a function behind API Gateway finishes before the integration gives up, and so
 * does every function it may invoke synchronously (transitively), each within its caller's timeout.
 *
 * The functions behind an API are found through the integration's property dependencies on the function (or on
 * one of its aliases), so this decides during preview, when the invoke ARNs are unknown.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { apiFunctions } from "./lib/api-functions";
import { configOf, integer } from "./lib/config-schema";
import { MAX_SYNC_TIMEOUT_SECONDS } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { invokeTargets, roleAccess } from "./lib/iam";
import { timeoutOf } from "./lib/lambda";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe } from "./lib/values";

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

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [apigatewayLambdaTimeout];
