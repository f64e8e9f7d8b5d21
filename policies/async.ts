/**
 * async-lambda-dlq: a function invoked asynchronously keeps the events it fails on, in a dead-letter queue or an
 * on-failure destination (either one: both catch function errors after Lambda's retries).
 *
 * Asynchronous invokers: Lambda permissions for S3, SNS, EventBridge, EventBridge Scheduler, IoT, SES and
 * CloudWatch Logs, EventBridge targets, SNS subscriptions with protocol `lambda`, S3 bucket notifications,
 * scheduler schedules and log subscription filters. Functions only invoked synchronously or through an event source
 * mapping need neither. An EventBridge target's or an SNS subscription's own dead-letter queue does not count: it
 * catches delivery failures, not function errors.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { FunctionTarget, stackGraph, subject } from "./lib/graph";
import { servicePrincipal } from "./lib/iam";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, Unknown, describe, given, has, items, read, str } from "./lib/values";

const NAME = "async-lambda-dlq";

/** Service principals that invoke Lambda asynchronously. */
export const ASYNC_SERVICES = ["s3", "sns", "events", "scheduler", "iot", "ses", "logs"];

interface AsyncInvocation {
    target: FunctionTarget;
    trigger: string;
}

function qualifiersMatch(config: string | Unknown | undefined, invoked: string | Unknown | undefined): boolean {
    if (config === undefined || config === UNKNOWN || invoked === UNKNOWN) return true;
    return config === invoked;
}

export const asyncLambdaDlq: StackValidationPolicy = {
    name: NAME,
    description: "A Lambda function invoked asynchronously has a dead-letter queue or an on-failure destination.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, report) => {
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const invocations: AsyncInvocation[] = [];
        const collect = (trigger: PolicyResource, key: string, value: unknown, text: string, qualifier?: unknown) => {
            const resolution = graph.functions(trigger, key, value);
            if (!resolution.decided) {
                reporter.undecided(subject(trigger), `its ${key} can't be known during preview and depends on no function of this stack`);
            }
            const q = qualifier === UNKNOWN ? UNKNOWN : typeof qualifier === "string" && qualifier ? qualifier : undefined;
            for (const target of resolution.targets) {
                invocations.push({ target: q === undefined ? target : { fn: target.fn, qualifier: q }, trigger: text });
            }
        };

        for (const permission of graph.ofType(AWS.permission)) {
            reporter.guard(subject(permission), () => {
                const principal = read(permission.props, "principal");
                if (principal === UNKNOWN) {
                    reporter.undecided(subject(permission), "its principal can't be known during preview");
                    return;
                }
                const service = typeof principal === "string" ? servicePrincipal(principal) : undefined;
                if (!service || !ASYNC_SERVICES.includes(service)) return;
                collect(permission, "function", read(permission.props, "function"),
                    `${describe(subject(permission))} for ${principal as string}`, read(permission.props, "qualifier"));
            });
        }
        for (const target of graph.ofType(AWS.eventTarget)) {
            collect(target, "arn", read(target.props, "arn"), describe(subject(target)));
        }
        for (const subscription of graph.ofType(AWS.topicSubscription)) {
            const protocol = read(subscription.props, "protocol");
            if (protocol === UNKNOWN) reporter.undecided(subject(subscription), "its protocol can't be known during preview");
            if (protocol !== "lambda") continue;
            collect(subscription, "endpoint", read(subscription.props, "endpoint"), describe(subject(subscription)));
        }
        for (const notification of graph.ofType(AWS.bucketNotification)) {
            for (const entry of items(read(notification.props, "lambdaFunctions"))) {
                collect(notification, "lambdaFunctions", read(entry, "lambdaFunctionArn"), describe(subject(notification)));
            }
        }
        for (const schedule of graph.ofType(AWS.schedule)) {
            collect(schedule, "target", read(schedule.props, "target", "arn"), describe(subject(schedule)));
        }
        for (const filter of graph.ofType(AWS.logSubscriptionFilter)) {
            collect(filter, "destinationArn", read(filter.props, "destinationArn"), describe(subject(filter)));
        }

        // Invoke configs with an on-failure destination, by function.
        const onFailure = new Map<string, Array<string | Unknown | undefined>>();
        for (const config of graph.ofType(AWS.invokeConfig)) {
            const destination = read(config.props, "destinationConfig");
            const failure = read(destination, "onFailure");
            const hasDestination = destination === UNKNOWN || failure === UNKNOWN || (has(failure, "destination") && given(read(failure, "destination")));
            if (!hasDestination) continue;
            const qualifier = str(read(config.props, "qualifier"));
            for (const t of graph.functions(config, "functionName").targets) {
                onFailure.set(t.fn.urn, [...(onFailure.get(t.fn.urn) ?? []), qualifier ?? t.qualifier]);
            }
        }

        const unprotected = new Map<string, { fn: PolicyResource; triggers: string[] }>();
        for (const { target, trigger } of invocations) {
            const fn = target.fn;
            const dlq = read(fn.props, "deadLetterConfig");
            if (dlq === UNKNOWN || (has(dlq, "targetArn") && given(read(dlq, "targetArn")))) continue;
            if ((onFailure.get(fn.urn) ?? []).some(q => qualifiersMatch(q, target.qualifier))) continue;
            const entry = unprotected.get(fn.urn) ?? { fn, triggers: [] };
            if (!entry.triggers.includes(trigger)) entry.triggers.push(trigger);
            unprotected.set(fn.urn, entry);
        }
        for (const { fn, triggers } of unprotected.values()) {
            reporter.violation(fn, `${describe(subject(fn))} is invoked asynchronously (by ${triggers.join(", ")}) but has neither ` +
                "a dead-letter queue nor an on-failure destination, so events it still fails on after Lambda's retries are lost; " +
                "set deadLetterConfig.targetArn, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination");
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [asyncLambdaDlq];
