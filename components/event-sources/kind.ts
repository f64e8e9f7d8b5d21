/**
 * What an event-source kind is: one module per kind (`components/event-sources/<kind>.ts`) declares its settings,
 * its function (kind, handler, how it is invoked), the grants and environment that function needs, the names of
 * its resources, the quotas it uses and the failure queues it feeds, and wires its resources to the function the
 * cell built for it. The registry (registry.ts) lists the modules; config reading, the cell, the quota and name
 * checks and the plan iterate over it. A module never calls back into the cell: the cell builds the function,
 * then hands it to the module's `wire`.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Arns, AwsContext } from "../arns";
import type { Section, Spec, ValuesOf } from "../config/fields";
import type { FunctionSettings } from "../config/function-settings";
import type { Quotas } from "../config/quotas";
import type { LambdaResources, VpcPlacement } from "../function";
import type { Statement } from "../iam";
import type { Names, PhysicalName } from "../names";
import type { Tags } from "../tags";

/** The kinds of event source a cell can have; registry.ts has one module for each (a missing one does not compile). */
export type EventSourceKind = "queue" | "topic" | "bucket" | "schedule" | "tableStream" | "kinesis" | "alb";

/** The settings every source has: on or off, and its function's. */
export type SourceSettings = FunctionSettings & { enabled: boolean };

/** What a source's module knows of the cell it is part of. */
export interface CellScope {
    readonly cellId: string;
    readonly names: Names;
    readonly tags: Tags;
    /** Account, region and partition (resolved during preview), to build ARNs known at preview. */
    readonly context: pulumi.Output<AwsContext>;
    readonly table: aws.dynamodb.Table;
    readonly tableName: string;
    readonly failureQueue: aws.sqs.Queue;
    readonly failureQueueName: string;
    /** The failure queue's URL, known at preview: where a worker puts the records it refuses. */
    readonly failureQueueUrl: pulumi.Output<string>;
    /** How long failed events are kept, in days (the bucket's `failures/` expire after it). */
    readonly failureRetentionDays: number;
    /** Whether the cell has a source of this kind (e.g. the bucket other sources write to). */
    enabled(kind: EventSourceKind): boolean;
    /** Options for a child resource of the cell: its parent, and the gate of the previous deployment wave. */
    opts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions;
    /** Options for a child that holds data: {@link opts} and the stack's data protection (components/data-protection.ts). */
    dataOpts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions;
    /** Whether the stack protects the resources that hold data (`cellular:protectData`). */
    readonly protectData: boolean;
    /** The cell's own network (`cellular:isolation: vpc`): its VPC and its two subnets in two zones. */
    readonly network?: VpcPlacement & { vpcId: pulumi.Input<string> };
    /** How callers' tokens are verified, for a source that receives requests without an API Gateway authorizer. */
    readonly verification: SourceVerification;
    /** The role the cell's tenant-scoped functions assume, with the tenant as a session tag, to reach its items. */
    readonly dataRoleName: string;
}

/** How tokens are verified (components/identity.ts TokenVerification has this shape). */
export interface SourceVerification {
    readonly issuer: pulumi.Input<string>;
    readonly audiences: pulumi.Input<pulumi.Input<string>[]>;
    readonly scopes: string[];
    readonly tenantClaim: string;
    /** Where the issuer's keys are; absent: `<issuer>/.well-known/jwks.json` (Cognito's). */
    readonly jwksUri?: string;
}

/** What a source's stack-wide check knows of the stack. */
export interface StackScope {
    readonly region: string;
    /** `cellular:isolation`. */
    readonly isolation: "none" | "vpc";
}

/** A service that delivers what it cannot deliver into the cell's failure queue, and from which resource. */
export interface FailureQueueSender {
    service: string;
    arn: (arns: Arns) => string;
}

export interface SourceFunction {
    /** The function's kind: the suffix of its physical name and its Powertools service name. */
    kind: string;
    /** `handlers/<handler>.ts`. */
    handler: string;
    /**
     * `async`: invoked asynchronously (S3, SNS, EventBridge), so it gets retries and destinations; `poll`: invoked
     * by an event source mapping, whose failures stay with the source; `sync`: a caller waits for its answer (a load
     * balancer), so failures go back to that caller.
     */
    invocation: "async" | "poll" | "sync";
    /**
     * It serves one tenant per request, with the tenant's own credentials (the cell's data role, which trusts its
     * role), like the cell's API: its role is not tagged as working on many tenants' records.
     */
    servesTenants?: true;
}

export interface EventSourceModule<F extends Spec = Spec> {
    /** The settings under `eventSources.<kind>`: `enabled`, the source's own, and its function's. */
    readonly settings: Section<F>;
    readonly function: SourceFunction;
    /** The physical names of this source's resources in one cell (also checked against AWS's limits). */
    names(names: Names, cellId: string, settings: ValuesOf<F>): Record<string, PhysicalName>;
    /** Exactly what the function's role needs for this source, beyond its logs and tracing. */
    grants(arns: Arns, cell: CellScope, settings: ValuesOf<F>): Statement[];
    /** Environment variables of the function, beyond the cell's own. */
    environment?(cell: CellScope, settings: ValuesOf<F>): Record<string, pulumi.Input<string>>;
    /** What one cell's source uses of the account's quotas. */
    quotaUsage?(settings: ValuesOf<F>): Partial<Quotas>;
    /** Queues of this source whose waiting messages are failed events (the cell's alarm watches them). */
    failedEventQueues?(names: Names, cellId: string, settings: ValuesOf<F>): string[];
    /** Services that put what they could not deliver into the cell's failure queue. */
    failureQueueSenders?(names: Names, cellId: string, settings: ValuesOf<F>): FailureQueueSender[];
    /** Problems of these settings that only the stack's region or isolation reveal, each naming `path.<key>`. */
    stackProblems?(settings: ValuesOf<F>, stack: StackScope, path: string): string[];
    /** Problems among the cells that have this source on (each with its settings' path), e.g. two claiming one slot. */
    acrossCells?(cells: ReadonlyArray<{ path: string; settings: ValuesOf<F> }>): string[];
    /** What the cell's table must offer this source. */
    readonly table?: { streamViewType: "KEYS_ONLY" };
    /** Creates the source's resources and connects them to `fn`, the function the cell built for it. */
    wire(cell: CellScope, fn: LambdaResources, settings: ValuesOf<F>): void;
}

/** Declares a kind's module, checking that its settings are those of a source. */
export function eventSource<F extends Spec>(m: EventSourceModule<F> & (ValuesOf<F> extends SourceSettings ? unknown : never)): EventSourceModule<F> {
    return m;
}
