/**
 * Event source mappings: what they read (an SQS queue, a DynamoDB table's stream, a Kinesis stream), and which
 * queues of the stack are dead-letter queues of something.
 */
import { PolicyResource } from "@pulumi/policy";
import { arnService } from "./arn";
import { StackGraph } from "./graph";
import { AWS } from "./types";
import { UNKNOWN, Unknown, document, read } from "./values";

export type SourceKind = "sqs" | "dynamodb" | "kinesis" | "other";

export interface MappingSource {
    kind: SourceKind;
    /** The source queues of the stack (SQS only). */
    queues: PolicyResource[];
}

export const SOURCE_TEXT: Record<SourceKind, string> = {
    sqs: "SQS queue",
    dynamodb: "DynamoDB stream",
    kinesis: "Kinesis stream",
    other: "event source",
};

/** What a mapping reads: from its `eventSourceArn` when known, else from the resource the ARN came from. */
export function mappingSource(graph: StackGraph, mapping: PolicyResource): MappingSource | Unknown {
    const arn = read(mapping.props, "eventSourceArn");
    if (typeof arn === "string") {
        const service = arnService(arn);
        if (service === "sqs") return { kind: "sqs", queues: graph.queues(mapping, "eventSourceArn", arn).targets };
        if (service === "dynamodb" || service === "kinesis") return { kind: service, queues: [] };
        return { kind: "other", queues: [] };
    }
    if (arn !== UNKNOWN) return { kind: "other", queues: [] };
    const deps = graph.deps(mapping, "eventSourceArn");
    const queues = deps.filter(d => d.type === AWS.queue);
    if (queues.length > 0) return { kind: "sqs", queues };
    if (deps.some(d => d.type === AWS.table)) return { kind: "dynamodb", queues: [] };
    if (deps.some(d => d.type === AWS.kinesisStream)) return { kind: "kinesis", queues: [] };
    return UNKNOWN;
}

/**
 * Queues that are themselves dead-letter queues: the target of another queue's redrive policy, a function's DLQ,
 * an on-failure destination (of an invoke config or a mapping), or the DLQ of an EventBridge target, SNS
 * subscription or schedule.
 */
export function deadLetterQueues(graph: StackGraph): Set<string> {
    const dlqs = new Set<string>();
    const mark = (holder: PolicyResource, key: string, value: unknown) => {
        if (value === undefined || value === null) return;
        for (const q of graph.queues(holder, key, value).targets) dlqs.add(q.urn);
    };
    const redriveTarget = (holder: PolicyResource, key: string) => {
        const redrive = read(holder.props, key);
        if (redrive === undefined) return;
        const target = redrive === UNKNOWN ? UNKNOWN : read(document(redrive), "deadLetterTargetArn");
        mark(holder, key, target);
    };
    for (const q of graph.ofType(AWS.queue)) redriveTarget(q, "redrivePolicy");
    for (const r of graph.ofType(AWS.redrivePolicy)) redriveTarget(r, "redrivePolicy");
    for (const s of graph.ofType(AWS.topicSubscription)) redriveTarget(s, "redrivePolicy");
    for (const fn of graph.ofType(AWS.function)) mark(fn, "deadLetterConfig", read(fn.props, "deadLetterConfig", "targetArn"));
    for (const c of graph.ofType(AWS.invokeConfig)) mark(c, "destinationConfig", read(c.props, "destinationConfig", "onFailure", "destination"));
    for (const m of graph.ofType(AWS.eventSourceMapping)) mark(m, "destinationConfig", read(m.props, "destinationConfig", "onFailure", "destinationArn"));
    for (const t of graph.ofType(AWS.eventTarget)) mark(t, "deadLetterConfig", read(t.props, "deadLetterConfig", "arn"));
    for (const s of graph.ofType(AWS.schedule)) mark(s, "target", read(s.props, "target", "deadLetterConfig", "arn"));
    return dlqs;
}

/** The redrive policies that apply to a queue: its own `redrivePolicy`, and `aws.sqs.RedrivePolicy` resources. */
export function redrivePolicies(graph: StackGraph, queue: PolicyResource): unknown[] {
    const policies: unknown[] = [];
    const own = read(queue.props, "redrivePolicy");
    if (own !== undefined && own !== null && own !== "") policies.push(own);
    for (const r of graph.ofType(AWS.redrivePolicy)) {
        if (graph.queues(r, "queueUrl").targets.includes(queue)) policies.push(read(r.props, "redrivePolicy"));
    }
    return policies;
}
