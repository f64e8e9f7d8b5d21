/**
 * Where asynchronously invoked functions send what they could not process (and, optionally, what they did).
 *
 * Every asynchronously invoked function of a cell gets a `FunctionEventInvokeConfig` with `maximumRetryAttempts`
 * (0–2) and `maximumEventAgeInSeconds` from config and an on-failure destination: the cell's failure queue by
 * default; an SNS topic (which delivers into the failure queue), the account's default event bus (with a rule that
 * routes the failure records into the failure queue) or the cell's failure-handler function by config. The
 * function's role is allowed to send to exactly that target. On-success records, when asked for, go to their own
 * sink (the cell's success queue, or the default event bus, where the failure rule does not match them), never to
 * the failure path; the failure handler gets no on-success destination at all. SQS-triggered workers get no
 * destination: AWS does not support one there; their queue's redrive policy is their safety net.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Arns } from "./arns";
import { AsyncSettings, DestinationKind, SuccessDestinationKind } from "./config/async-settings";
import { LambdaResources } from "./function";
import { allow, Statement } from "./iam";
import { Tags } from "./tags";

/** What a destination of each kind is in one cell. */
export interface DestinationTargets {
    /** The cell's failure queue. */
    queueName: string;
    /** The cell's failure-events topic (exists only when a destination uses it). */
    topicName: string;
    /** The cell's failure-handler function. */
    failureHandlerName: string;
    /** The cell's success queue (exists only when on-success records go to it). */
    successQueueName: string;
}

export function destinationArn(kind: DestinationKind, targets: DestinationTargets, arns: Arns): string {
    switch (kind) {
        case "queue": return arns.queue(targets.queueName);
        case "topic": return arns.topic(targets.topicName);
        case "bus": return arns.eventBus("default");
        case "function": return arns.function(targets.failureHandlerName);
    }
}

/** Where on-success records of this kind go: never a target of the failure path. */
export function successDestinationArn(kind: SuccessDestinationKind, targets: DestinationTargets, arns: Arns): string {
    return kind === "queue" ? arns.queue(targets.successQueueName) : arns.eventBus("default");
}

/** The grant a function's role needs to deliver to a destination of this kind. */
export function destinationStatement(sid: string, kind: DestinationKind, targets: DestinationTargets, arns: Arns): Statement {
    const arn = destinationArn(kind, targets, arns);
    switch (kind) {
        case "queue": return allow(sid, ["sqs:SendMessage"], [arn]);
        case "topic": return allow(sid, ["sns:Publish"], [arn]);
        case "bus": return allow(sid, ["events:PutEvents"], [arn]);
        case "function": return allow(sid, ["lambda:InvokeFunction"], [arn]);
    }
}

/** The statements an asynchronously invoked function needs for its destinations. */
export function asyncDestinationStatements(settings: AsyncSettings, targets: DestinationTargets, arns: Arns): Statement[] {
    const statements = [destinationStatement("DeliverFailedEvents", settings.onFailure, targets, arns)];
    if (settings.onSuccess !== "none") {
        const arn = successDestinationArn(settings.onSuccess, targets, arns);
        const success = settings.onSuccess === "queue" ? allow("DeliverSucceededEvents", ["sqs:SendMessage"], [arn])
            : allow("DeliverSucceededEvents", ["events:PutEvents"], [arn]);
        // One statement when both go to the same place (the default bus).
        if (success.Resource[0] === statements[0]!.Resource[0]) return statements;
        statements.push(success);
    }
    return statements;
}

export interface InvokeConfigArgs {
    logicalName: string;
    fn: LambdaResources;
    settings: AsyncSettings;
    /** The on-failure target. */
    onFailureArn: pulumi.Input<string>;
    /** The on-success target, when on-success records are kept (never for the failure handler). */
    onSuccessArn?: pulumi.Input<string>;
    parent: pulumi.Resource;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export function createInvokeConfig(args: InvokeConfigArgs): aws.lambda.FunctionEventInvokeConfig {
    const { settings } = args;
    return new aws.lambda.FunctionEventInvokeConfig(`${args.logicalName}-async`, {
        functionName: args.fn.fn.name,
        maximumRetryAttempts: settings.maximumRetryAttempts,
        maximumEventAgeInSeconds: settings.maximumEventAgeSeconds,
        destinationConfig: {
            onFailure: { destination: args.onFailureArn },
            ...(args.onSuccessArn === undefined ? {} : { onSuccess: { destination: args.onSuccessArn } }),
        },
    }, { parent: args.parent, dependsOn: [...(args.dependsOn ?? []), args.fn.policy] });
}

interface FailureRoutingArgs {
    logicalName: string;
    failureQueue: aws.sqs.Queue;
    tags: Tags;
    parent: pulumi.Resource;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface FailureTopicArgs extends FailureRoutingArgs {
    topicName: string;
}

export interface FailureRuleArgs extends FailureRoutingArgs {
    ruleName: string;
    /** ARNs of the functions whose failures EventBridge routes back into the failure queue. */
    functionArns: pulumi.Input<string>[];
}

/** A failure-events topic that delivers every record into the failure queue (raw, so it reads like a queue record). */
export function createFailureTopic(args: FailureTopicArgs): { topic: aws.sns.Topic; subscription: aws.sns.TopicSubscription } {
    const opts = { parent: args.parent, dependsOn: args.dependsOn ?? [] };
    const topic = new aws.sns.Topic(`${args.logicalName}-failure-events`, {
        name: args.topicName,
        kmsMasterKeyId: "alias/aws/sns",
        tags: args.tags,
    }, opts);
    const subscription = new aws.sns.TopicSubscription(`${args.logicalName}-failure-events-to-queue`, {
        topic: topic.arn,
        protocol: "sqs",
        endpoint: args.failureQueue.arn,
        rawMessageDelivery: true,
    }, opts);
    return { topic, subscription };
}

/**
 * A rule on the default event bus that sends the cell's Lambda failure records into the failure queue, so a bus
 * destination does not let a failure go unobserved.
 */
export function createFailureRule(args: FailureRuleArgs): { rule: aws.cloudwatch.EventRule; target: aws.cloudwatch.EventTarget } {
    const opts = { parent: args.parent, dependsOn: args.dependsOn ?? [] };
    const rule = new aws.cloudwatch.EventRule(`${args.logicalName}-failure-records`, {
        name: args.ruleName,
        description: "Lambda on-failure records of this cell's functions, into the cell's failure queue",
        eventBusName: "default",
        eventPattern: pulumi.output(args.functionArns).apply(arns => JSON.stringify({
            source: ["lambda"],
            "detail-type": ["Lambda Function Invocation Result - Failure"],
            resources: arns.map(a => [{ prefix: a }]).flat(),
        })),
        tags: args.tags,
    }, opts);
    const target = new aws.cloudwatch.EventTarget(`${args.logicalName}-failure-records-to-queue`, {
        rule: rule.name,
        arn: args.failureQueue.arn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
    }, opts);
    return { rule, target };
}
