/**
 * lambda-tracing-active and lambda-log-retention (advisory): every function is traced with X-Ray, and its logs go
 * to a log group of the stack with a retention (Lambda's own log group keeps them forever).
 */
import { Policies, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { stackGraph, subject } from "./lib/graph";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, read } from "./lib/values";

const TRACING = "lambda-tracing-active";
const RETENTION = "lambda-log-retention";

export const lambdaTracingActive: ResourceValidationPolicy = {
    name: TRACING,
    description: "A Lambda function traces its requests with X-Ray (tracingConfig.mode is Active).",
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: (args, report) => {
        if (args.type !== AWS.function) return;
        const reporter = new Reporter(TRACING, report, false);
        const fn = { urn: args.urn, type: args.type, name: args.name, props: args.props };
        reporter.guard(fn, () => {
            const mode = read(args.props, "tracingConfig", "mode");
            if (mode === UNKNOWN) {
                reporter.undecided(fn, "its tracingConfig.mode can't be known during preview");
            } else if (mode !== "Active") {
                reporter.violation(fn, mode === undefined
                    ? `${describe(fn)} does not trace its requests with X-Ray; set tracingConfig.mode to "Active"`
                    : `${describe(fn)} has tracingConfig.mode "${String(mode)}", so it traces only requests that arrive traced; set it to "Active"`);
            }
        });
    },
};

export const lambdaLogRetention: StackValidationPolicy = {
    name: RETENTION,
    description: "Every Lambda function has a log group in the stack with retentionInDays set.",
    enforcementLevel: "advisory",
    severity: "low",
    validateStack: (args, report) => {
        const graph = stackGraph(args);
        const reporter = new Reporter(RETENTION, report, true);
        const groups = graph.ofType(AWS.logGroup);
        const byName = new Map<string, PolicyResource[]>();
        let someNameUnknown = false;
        for (const group of groups) {
            const name = read(group.props, "name");
            if (name === UNKNOWN) someNameUnknown = true;
            if (typeof name === "string") byName.set(name, [...(byName.get(name) ?? []), group]);
        }
        for (const fn of graph.ofType(AWS.function)) {
            reporter.guard(subject(fn), () => {
                const configured = read(fn.props, "loggingConfig", "logGroup");
                const fnName = graph.name(fn);
                let expected: string;
                let found: PolicyResource[];
                let decided = true;
                if (typeof configured === "string" && configured !== "") {
                    expected = configured;
                    found = byName.get(configured) ?? [];
                } else if (configured === UNKNOWN) {
                    expected = "its loggingConfig.logGroup";
                    found = graph.deps(fn, "loggingConfig").filter(d => d.type === AWS.logGroup);
                    decided = found.length > 0;
                } else {
                    expected = fnName ? `/aws/lambda/${fnName}` : "/aws/lambda/<function name>";
                    found = fnName ? byName.get(expected) ?? [] : [];
                    if (found.length === 0) {
                        // A log group whose name is computed from the function's (unknown during preview).
                        found = groups.filter(g => graph.deps(g, "name").includes(fn));
                        decided = found.length > 0 || !someNameUnknown;
                    }
                }
                if (found.length === 0) {
                    if (!decided) {
                        reporter.undecided(subject(fn), "the name of its log group can't be known during preview");
                        return;
                    }
                    reporter.violation(fn, `${describe(subject(fn))} has no log group in this stack (${expected}), so Lambda creates one ` +
                        `that keeps its logs forever; create an aws.cloudwatch.LogGroup named ${expected} with retentionInDays`);
                    return;
                }
                for (const group of found) {
                    const retention = read(group.props, "retentionInDays");
                    if (retention === UNKNOWN || (typeof retention === "number" && retention > 0)) continue;
                    reporter.violation(group, `${describe(subject(group))}, the log group of ${describe(subject(fn))}, keeps its logs ` +
                        "forever; set retentionInDays");
                }
            });
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [lambdaTracingActive, lambdaLogRetention];
