/**
 * A Lambda function's settings as AWS applies them: AWS's default where one is unset. Several rules read the same
 * setting (a queue's visibility is judged against its consumer's timeout, the concurrency budget and provisioned
 * concurrency both read reserved concurrency), so each is read here once.
 */
import { PolicyResource } from "@pulumi/policy";
import { AWS_DEFAULTS } from "./facts";
import { Unknown, num, read } from "./values";

/** The function's timeout in seconds (AWS's default when unset), or UNKNOWN. */
export function timeoutOf(fn: PolicyResource): number | Unknown {
    const t = num(read(fn.props, "timeout"));
    return t === undefined ? AWS_DEFAULTS.lambdaTimeoutSeconds : t;
}

/** Reserved concurrency when set (unset and -1 mean "not set"; 0 is set: it stops the function). */
export function reservedOf(fn: PolicyResource): number | Unknown | undefined {
    const reserved = num(read(fn.props, "reservedConcurrentExecutions"));
    return reserved === undefined || reserved === -1 ? undefined : reserved;
}
