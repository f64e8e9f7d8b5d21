/**
 * event-source-failure-handling and sqs-visibility-timeout: every event source mapping has a place for what
 * keeps failing, and an SQS source queue does not hand a message to a second consumer while the first still has it.
 *
 * An SQS mapping supports no on-failure destination (scanners that demand one are wrong): its safety net is the
 * source queue's redrive policy. A queue that is itself a dead-letter queue needs none.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf, integer } from "./lib/config-schema";
import { AWS_DEFAULTS, MIN_MAX_RECEIVE_COUNT, VISIBILITY_MULTIPLIER } from "./lib/facts";
import { StackGraph, stackGraph, subject, unique } from "./lib/graph";
import { strings } from "./lib/iam";
import { timeoutOf } from "./lib/lambda";
import { MappingSource, SOURCE_TEXT, deadLetterQueues, mappingSource, redrivePolicies } from "./lib/sources";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, document, has, num, read } from "./lib/values";

export interface FailureHandlingConfig {
    /** The fewest receives before an SQS source queue moves a message to its dead-letter queue. */
    minMaxReceiveCount: number;
}

export const FAILURE_HANDLING_DEFAULTS: FailureHandlingConfig = { minMaxReceiveCount: MIN_MAX_RECEIVE_COUNT };

export interface VisibilityConfig {
    /** The visibility timeout is at least this many times the consumer's timeout. */
    multiplier: number;
}

export const VISIBILITY_DEFAULTS: VisibilityConfig = { multiplier: VISIBILITY_MULTIPLIER };

const FAILURE_HANDLING = "event-source-failure-handling";
const VISIBILITY = "sqs-visibility-timeout";
const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

/** Each mapping with what it reads; undecided ones are reported. */
function mappings(graph: StackGraph, reporter: Reporter): Array<{ mapping: PolicyResource; source: MappingSource }> {
    const out: Array<{ mapping: PolicyResource; source: MappingSource }> = [];
    for (const mapping of graph.ofType(AWS.eventSourceMapping)) {
        const source = mappingSource(graph, mapping);
        if (source === UNKNOWN) {
            reporter.undecided(subject(mapping), "its eventSourceArn can't be known during preview and depends on no queue, table or stream of this stack");
            continue;
        }
        out.push({ mapping, source });
    }
    return out;
}

function checkReportsBatchItemFailures(mapping: PolicyResource, source: MappingSource, reporter: Reporter): void {
    const types = strings(read(mapping.props, "functionResponseTypes"));
    if (types.unknown) {
        reporter.undecided(subject(mapping), "its functionResponseTypes can't be known during preview");
        return;
    }
    if (types.values.includes(REPORT_BATCH_ITEM_FAILURES)) return;
    const unit = source.kind === "sqs" ? "message returns its whole batch to the queue" : "record fails its whole batch";
    reporter.violation(mapping, `${describe(subject(mapping))} (${SOURCE_TEXT[source.kind]}) does not report partial batch failures, ` +
        `so one failed ${unit}; add "${REPORT_BATCH_ITEM_FAILURES}" to functionResponseTypes and return batchItemFailures from the handler`);
}

function checkSourceQueue(graph: StackGraph, queue: PolicyResource, mapping: PolicyResource, dlqs: Set<string>,
    minMaxReceiveCount: number, reporter: Reporter): void {
    const policies = redrivePolicies(graph, queue);
    if (policies.length === 0) {
        if (dlqs.has(queue.urn)) return;
        reporter.violation(queue, `${describe(subject(queue))} feeds ${describe(subject(mapping))} but has no redrivePolicy, so a message ` +
            "that keeps failing is received again and again until it expires; set redrivePolicy with a deadLetterTargetArn and a " +
            `maxReceiveCount of at least ${minMaxReceiveCount}`);
        return;
    }
    for (const policy of policies) {
        const count = policy === UNKNOWN ? UNKNOWN : num(read(document(policy), "maxReceiveCount"));
        if (count === UNKNOWN) {
            reporter.undecided(subject(queue), "its redrivePolicy can't be known during preview, so its maxReceiveCount can't be checked; " +
                "build it from values known at preview (the dead-letter queue's ARN from its name)");
            continue;
        }
        if (count === undefined || count < minMaxReceiveCount) {
            reporter.violation(queue, `${describe(subject(queue))} moves a failing message to its dead-letter queue after ` +
                `${count === undefined ? "an unset number of" : count} receive${count === 1 ? "" : "s"}; set redrivePolicy.maxReceiveCount to ` +
                `at least ${minMaxReceiveCount}, so that a message that was throttled or failed briefly is retried first`);
        }
    }
}

function checkStreamMapping(mapping: PolicyResource, source: MappingSource, reporter: Reporter): void {
    const what = `${describe(subject(mapping))} (${SOURCE_TEXT[source.kind]})`;
    const props = mapping.props;
    const destination = read(props, "destinationConfig");
    const onFailure = read(destination, "onFailure");
    const arn = read(onFailure, "destinationArn");
    const hasDestination = destination === UNKNOWN || onFailure === UNKNOWN || arn === UNKNOWN ||
        (has(onFailure, "destinationArn") && typeof arn === "string" && arn !== "");
    if (!hasDestination) {
        reporter.violation(mapping, `${what} has no on-failure destination, so a batch that exhausts its retries is dropped; ` +
            "set destinationConfig.onFailure.destinationArn to an SQS queue or SNS topic");
    }
    const retries = num(read(props, "maximumRetryAttempts"));
    if (retries === UNKNOWN) {
        reporter.undecided(subject(mapping), "its maximumRetryAttempts can't be known during preview");
    } else if (retries === undefined || retries === AWS_DEFAULTS.streamRetryAttempts) {
        reporter.violation(mapping, `${what} ${retries === undefined ? "leaves maximumRetryAttempts unset (-1)" : "sets maximumRetryAttempts to -1"}, ` +
            "so a failing batch is retried until its records expire, blocking its shard; set it to a finite value from 0 to " +
            `${AWS_DEFAULTS.streamMaxRetryAttempts}`);
    } else if (!Number.isInteger(retries) || retries < 0 || retries > AWS_DEFAULTS.streamMaxRetryAttempts) {
        reporter.violation(mapping, `${what} sets maximumRetryAttempts to ${retries}; set it to a finite value from 0 to ` +
            `${AWS_DEFAULTS.streamMaxRetryAttempts}`);
    }
    const bisect = read(props, "bisectBatchOnFunctionError");
    if (bisect === UNKNOWN) {
        reporter.undecided(subject(mapping), "its bisectBatchOnFunctionError can't be known during preview");
    } else if (bisect !== true) {
        reporter.violation(mapping, `${what} does not set bisectBatchOnFunctionError, so one bad record fails its whole batch on every ` +
            "retry; set bisectBatchOnFunctionError to true");
    }
    checkReportsBatchItemFailures(mapping, source, reporter);
}

export const eventSourceFailureHandling: StackValidationPolicy = {
    name: FAILURE_HANDLING,
    description: "Every event source mapping keeps what keeps failing: SQS through its queue's redrive policy, streams through an on-failure destination.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            minMaxReceiveCount: integer("The fewest receives before an SQS source queue moves a message to its dead-letter queue.",
                FAILURE_HANDLING_DEFAULTS.minMaxReceiveCount, 1),
        },
    },
    validateStack: (args, report) => {
        const { minMaxReceiveCount } = configOf(args, FAILURE_HANDLING_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(FAILURE_HANDLING, report, true);
        const dlqs = deadLetterQueues(graph);
        for (const { mapping, source } of mappings(graph, reporter)) {
            reporter.guard(subject(mapping), () => {
                if (source.kind === "sqs") {
                    checkReportsBatchItemFailures(mapping, source, reporter);
                    for (const queue of source.queues) {
                        reporter.guard(subject(queue), () => checkSourceQueue(graph, queue, mapping, dlqs, minMaxReceiveCount, reporter));
                    }
                } else if (source.kind === "dynamodb" || source.kind === "kinesis") {
                    checkStreamMapping(mapping, source, reporter);
                }
            });
        }
    },
};

export const sqsVisibilityTimeout: StackValidationPolicy = {
    name: VISIBILITY,
    description: "An SQS queue that feeds a Lambda function has a visibility timeout of at least six times the function's timeout.",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: {
        properties: {
            multiplier: integer("The visibility timeout is at least this many times the consuming function's timeout.",
                VISIBILITY_DEFAULTS.multiplier, 1),
        },
    },
    validateStack: (args, report) => {
        const { multiplier } = configOf(args, VISIBILITY_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(VISIBILITY, report, true);
        for (const { mapping, source } of mappings(graph, reporter)) {
            if (source.kind !== "sqs") continue;
            const consumers = graph.functions(mapping, "functionName");
            if (!consumers.decided) {
                reporter.undecided(subject(mapping), "its functionName can't be known during preview and depends on no function of this stack");
            }
            for (const queue of source.queues) {
                for (const fn of unique(consumers.targets.map(t => t.fn), f => f.urn)) {
                    reporter.guard(subject(queue), () => {
                        const given = num(read(queue.props, "visibilityTimeoutSeconds"));
                        const timeout = timeoutOf(fn);
                        if (given === UNKNOWN || timeout === UNKNOWN) {
                            reporter.undecided(subject(given === UNKNOWN ? queue : fn),
                                `its ${given === UNKNOWN ? "visibilityTimeoutSeconds" : "timeout"} can't be known during preview`);
                            return;
                        }
                        const visibility = given ?? AWS_DEFAULTS.sqsVisibilityTimeoutSeconds;
                        if (visibility >= multiplier * timeout) return;
                        reporter.violation(queue, `${describe(subject(queue))} has ${given === undefined ? "the default" : "a"} visibility timeout of ` +
                            `${visibility} s, less than ${multiplier} × the ${timeout} s timeout of ${describe(subject(fn))} that consumes it, so a ` +
                            `message can reappear while it is still being processed; set visibilityTimeoutSeconds to at least ${multiplier * timeout}`);
                    });
                }
            }
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [eventSourceFailureHandling, sqsVisibilityTimeout];
