/**
 * What the estimator needs of a plan, read from its graph: every function (kind, memory, architecture, tracing, log
 * group, provisioned concurrency, asynchronous retries and on-failure destination, whether it runs in a VPC), what
 * invokes it (APIs, event source mappings, subscriptions, bucket notifications, schedule targets, a user pool's
 * token trigger, other functions' invoke grants), and the resources billed by the hour or month (streams, alarms,
 * dashboards, keys, interface endpoints). Only wiring the plan shows: no usage, no prices. Pure.
 */
import { CELL_DIMENSION } from "../../../handlers/lib/router-metrics";
import { Architecture, alarmMetrics } from "./formulas";
import {
    CellRef, PlanGraph, PlanResource, T, functionNameOf, inputAt, jsonOf, known, knownNumber, knownString, logGroupNameOf, queueNameOf,
    ruleNameOf, streamNameOf, tableNameOf, topicNameOf,
} from "./graph";
import { SHARED } from "./ledger";
import { classificationOf } from "./resource-types";

export interface LogGroupNode {
    /** Absent for the group Lambda creates itself when the plan declares none. */
    r?: PlanResource;
    name: string;
    owner: string;
    /** Undefined: events never expire. */
    retentionDays?: number;
}

export interface FunctionNode {
    r: PlanResource;
    name: string;
    /** What the function does: its Powertools service name as the program sets it, else its name. */
    kind: string;
    owner: string;
    memoryMb: number;
    architecture: Architecture;
    tracing: boolean;
    environment: Record<string, string>;
    logGroup: LogGroupNode;
    /** Provisioned concurrency configured on its versions and aliases. */
    provisioned: number;
    provisionedConfigs: PlanResource[];
    /** Lambda's asynchronous invocation settings, when the function has them. */
    asyncConfig?: { r: PlanResource; retries: number; onFailure?: Target };
    /** Attached to subnets of a VPC: what it calls beyond a gateway endpoint passes an interface endpoint. */
    inVpc: boolean;
}

export interface QueueNode {
    r: PlanResource;
    name: string;
    owner: string;
    fifo: boolean;
    redrive?: { maxReceiveCount: number; deadLetter?: QueueNode };
}

/** Where something is sent: a queue, a topic, an event bus, a function, or an ARN the plan does not hold. */
export type Target =
    | { kind: "queue"; queue: QueueNode }
    | { kind: "topic"; r: PlanResource; deliversTo: Target[] }
    | { kind: "bus"; arn: string }
    | { kind: "function"; fn: FunctionNode }
    | { kind: "outside"; ref: string };

/** An event source mapping's filter on a DynamoDB stream: the sort-key prefixes it lets through. */
export type StreamFilter = { kind: "none" } | { kind: "keyPrefix"; attribute: string; prefixes: string[] } | { kind: "unsupported"; pattern: string };

export interface MappingNode {
    r: PlanResource;
    owner: string;
    fn: FunctionNode;
    source:
        | { kind: "queue"; queue: QueueNode }
        | { kind: "kinesis"; stream: StreamNode }
        | { kind: "tableStream"; table: TableNode }
        | { kind: "unresolved" };
    batchSize: number;
    windowSeconds: number;
    /** Streams only: retries of a failed batch before it goes to `onFailure` (-1: until the records expire). */
    maximumRetryAttempts?: number;
    onFailure?: Target;
    filter: StreamFilter;
}

export interface TableNode {
    r: PlanResource;
    name: string;
    owner: string;
    onDemand: boolean;
    pitr: boolean;
    stream: boolean;
}

export interface StreamNode {
    r: PlanResource;
    name: string;
    owner: string;
    mode: "PROVISIONED" | "ON_DEMAND";
    shards: number;
    retentionHours: number;
}

export interface ApiNode {
    r: PlanResource;
    kind: "http" | "rest";
    owner: string;
    fn?: FunctionNode;
    accessLogs?: LogGroupNode;
    tracing: boolean;
    /** A Lambda authorizer in front of every route, and how long API Gateway keeps its answer for one identity. */
    authorizer?: { fn: FunctionNode; ttlSeconds: number };
}

/** A Cognito user pool: billed per monthly active user, by feature plan; its trigger runs for every token it issues. */
export interface UserPoolNode {
    r: PlanResource;
    owner: string;
    /** `LITE`, `ESSENTIALS` or `PLUS`; AWS gives a new pool Essentials when none is set. */
    tier: string;
    /** The pre token generation trigger (V1 or V2_0). */
    tokenTrigger?: FunctionNode;
    /** The shortest access-token lifetime of its app clients, in minutes (Cognito's default: an hour). */
    accessTokenMinutes: number;
}

/** An interface VPC endpoint: billed for each hour in each Availability Zone, and per GB it processes. */
export interface InterfaceEndpointNode {
    r: PlanResource;
    owner: string;
    /** The service's short name, the end of `com.amazonaws.<region>.<service>` (`sts`, `sqs`). */
    service?: string;
    /** The zones it has a network interface in (one subnet each); undefined when not known. */
    zones?: number;
}

export interface Model {
    region?: string;
    cells: CellRef[];
    functions: FunctionNode[];
    queues: QueueNode[];
    tables: TableNode[];
    streams: StreamNode[];
    apis: ApiNode[];
    mappings: MappingNode[];
    /** Topic subscriptions: a topic, what it delivers to. */
    subscriptions: Array<{ r: PlanResource; topic?: PlanResource; owner: string; target: Target }>;
    /** Buckets and the functions their notifications invoke. */
    buckets: Array<{ r: PlanResource; owner: string; notifies: FunctionNode[] }>;
    /** Schedule rules with their expression and targets. */
    schedules: Array<{ r: PlanResource; owner: string; expression?: string; targets: FunctionNode[] }>;
    alarms: Array<{ r: PlanResource; owner: string; metrics: number; highResolution: boolean }>;
    dashboards: Array<{ r: PlanResource; owner: string }>;
    kmsKeys: Array<{ r: PlanResource; owner: string }>;
    /** Application Load Balancers the stack creates (one given by its listener's ARN bills elsewhere). */
    loadBalancers: Array<{ r: PlanResource; owner: string }>;
    userPools: UserPoolNode[];
    interfaceEndpoints: InterfaceEndpointNode[];
    /** The functions each function may invoke (its role's lambda:InvokeFunction grants), by the caller's URN. */
    invokes: Map<string, FunctionNode[]>;
    /** What the estimator saw but does not price, for the estimate's notes. */
    unpriced: string[];
}

/** Lambda's defaults for what a function leaves unset. */
const LAMBDA_DEFAULTS = { memoryMb: 128, architecture: "x86_64" as Architecture };
/** Cognito's defaults: a new pool's feature plan, and an access token's lifetime (an hour, counted in hours). */
const COGNITO_DEFAULTS = { tier: "ESSENTIALS", accessTokenMinutes: 60, accessTokenUnit: "hours" };
const MINUTES_PER: Record<string, number> = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 };
/** Lambda's default batch sizes (SQS 10; streams 100). */
const DEFAULT_BATCH = { queue: 10, stream: 100 };

function record(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

function stringMap(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(record(value))) {
        const s = knownString(v);
        if (s !== undefined) out[k] = s;
    }
    return out;
}

/** Whether a function is attached to subnets (a list of them, or one still unknown in preview). */
function attachedToVpc(fn: PlanResource): boolean {
    const subnets = inputAt(fn, "vpcConfig", "subnetIds");
    return Array.isArray(subnets) ? subnets.length > 0 : known(subnets);
}

/** The sort-key prefixes of a stream filter pattern of the form `{"dynamodb":{"Keys":{"<attr>":{"S":[{"prefix":"..."}]}}}}`. */
export function streamFilterOf(patterns: readonly string[]): StreamFilter {
    if (patterns.length === 0) return { kind: "none" };
    const prefixes: string[] = [];
    let attribute: string | undefined;
    for (const pattern of patterns) {
        const keys = record(record(record(jsonOf(pattern)).dynamodb).Keys);
        const entries = Object.entries(keys);
        const rules = entries.length === 1 ? record(entries[0]![1]).S : undefined;
        const found = Array.isArray(rules) ? rules.map(r => record(r).prefix).filter((p): p is string => typeof p === "string") : [];
        if (entries.length !== 1 || !Array.isArray(rules) || found.length !== rules.length || (attribute !== undefined && attribute !== entries[0]![0])) {
            return { kind: "unsupported", pattern };
        }
        attribute = entries[0]![0];
        prefixes.push(...found);
    }
    return { kind: "keyPrefix", attribute: attribute!, prefixes };
}

/** Whether a write with sort key `sortKey` reaches a consumer behind `filter`. */
export function passes(filter: StreamFilter, sortKey: string): boolean {
    if (filter.kind !== "keyPrefix") return true;
    return filter.prefixes.some(p => sortKey.startsWith(p));
}

/** Reads the model from a plan. */
export function modelOf(graph: PlanGraph): Model {
    const unpriced: string[] = [];
    const logGroups = new Map<string, LogGroupNode>();
    for (const r of graph.ofType(T.logGroup)) {
        const name = graph.nameOf(r);
        if (name === undefined) continue;
        const retention = knownNumber(r.inputs.retentionInDays);
        logGroups.set(name, { r, name, owner: graph.owner(r), ...(retention !== undefined && retention > 0 ? { retentionDays: retention } : {}) });
    }

    const functions = new Map<string, FunctionNode>();
    for (const r of graph.ofType(T.function)) {
        const name = graph.nameOf(r) ?? r.name;
        const environment = stringMap(inputAt(r, "environment", "variables"));
        const arch = inputAt(r, "architectures", 0);
        const logGroupName = knownString(inputAt(r, "loggingConfig", "logGroup")) ?? `/aws/lambda/${name}`;
        functions.set(r.urn, {
            r, name,
            kind: environment.POWERTOOLS_SERVICE_NAME ?? name,
            owner: graph.owner(r),
            memoryMb: knownNumber(r.inputs.memorySize) ?? LAMBDA_DEFAULTS.memoryMb,
            architecture: arch === "arm64" ? "arm64" : LAMBDA_DEFAULTS.architecture,
            tracing: inputAt(r, "tracingConfig", "mode") === "Active",
            environment,
            logGroup: logGroups.get(logGroupName) ?? { name: logGroupName, owner: graph.owner(r) },
            provisioned: 0,
            provisionedConfigs: [],
            inVpc: attachedToVpc(r),
        });
    }
    const fnOf = (r: PlanResource, key: string, value?: unknown): FunctionNode | undefined => {
        const found = graph.functionRef(r, key, ...(value === undefined ? [] : [value]));
        return found ? functions.get(found.urn) : undefined;
    };

    const queues = new Map<string, QueueNode>();
    for (const r of graph.ofType(T.queue)) {
        queues.set(r.urn, { r, name: graph.nameOf(r) ?? r.name, owner: graph.owner(r), fifo: inputAt(r, "fifoQueue") === true });
    }
    for (const q of queues.values()) {
        const redrive = record(jsonOf(q.r.inputs.redrivePolicy));
        const count = knownNumber(redrive.maxReceiveCount);
        if (count === undefined) continue;
        const dlq = graph.ref(q.r, "redrivePolicy", [T.queue], queueNameOf, redrive.deadLetterTargetArn);
        q.redrive = { maxReceiveCount: count, ...(dlq ? { deadLetter: queues.get(dlq.urn)! } : {}) };
    }

    const target = (r: PlanResource, key: string, value: unknown): Target | undefined => {
        const ref = knownString(value);
        if (ref?.startsWith("arn:") && /:events:[^:]*:[^:]*:event-bus\//.test(ref)) return { kind: "bus", arn: ref };
        const queue = graph.ref(r, key, [T.queue], queueNameOf, value);
        if (queue) return { kind: "queue", queue: queues.get(queue.urn)! };
        const fn = fnOf(r, key, value);
        if (fn) return { kind: "function", fn };
        const topic = graph.ref(r, key, [T.topic], topicNameOf, value);
        if (topic) return { kind: "topic", r: topic, deliversTo: [] };
        return ref === undefined ? undefined : { kind: "outside", ref };
    };

    for (const r of graph.ofType(T.provisionedConcurrency)) {
        const fn = fnOf(r, "functionName");
        if (!fn) continue;
        fn.provisioned += knownNumber(r.inputs.provisionedConcurrentExecutions) ?? 0;
        fn.provisionedConfigs.push(r);
    }
    for (const r of graph.ofType(T.invokeConfig)) {
        const fn = fnOf(r, "functionName");
        if (!fn) continue;
        const onFailure = target(r, "destinationConfig", inputAt(r, "destinationConfig", "onFailure", "destination"));
        fn.asyncConfig = { r, retries: knownNumber(r.inputs.maximumRetryAttempts) ?? 2, ...(onFailure ? { onFailure } : {}) };
    }

    const tables = new Map<string, TableNode>();
    for (const r of graph.ofType(T.table)) {
        const onDemand = inputAt(r, "billingMode") === "PAY_PER_REQUEST";
        if (!onDemand) unpriced.push(`${r.name}: a provisioned-capacity table (only on-demand tables are priced)`);
        tables.set(r.urn, {
            r, name: graph.nameOf(r) ?? r.name, owner: graph.owner(r), onDemand,
            pitr: inputAt(r, "pointInTimeRecovery", "enabled") === true, stream: inputAt(r, "streamEnabled") === true,
        });
    }
    const streams = new Map<string, StreamNode>();
    for (const r of graph.ofType(T.kinesisStream)) {
        const mode = inputAt(r, "streamModeDetails", "streamMode") === "ON_DEMAND" ? "ON_DEMAND" : "PROVISIONED";
        const retentionHours = knownNumber(r.inputs.retentionPeriod) ?? 24;
        if (retentionHours > 168) unpriced.push(`${r.name}: retention beyond 7 days (long-term retention is not priced; extended retention is)`);
        streams.set(r.urn, { r, name: graph.nameOf(r) ?? r.name, owner: graph.owner(r), mode, shards: knownNumber(r.inputs.shardCount) ?? 0, retentionHours });
    }

    const mappings: MappingNode[] = [];
    for (const r of graph.ofType(T.eventSourceMapping)) {
        const fn = fnOf(r, "functionName");
        if (!fn) {
            unpriced.push(`${r.name}: an event source mapping whose function is not in the plan`);
            continue;
        }
        const queue = graph.ref(r, "eventSourceArn", [T.queue], queueNameOf);
        const stream = queue ? undefined : graph.ref(r, "eventSourceArn", [T.kinesisStream], streamNameOf);
        const table = queue || stream ? undefined : graph.ref(r, "eventSourceArn", [T.table], tableNameOf);
        const source: MappingNode["source"] = queue ? { kind: "queue", queue: queues.get(queue.urn)! }
            : stream ? { kind: "kinesis", stream: streams.get(stream.urn)! }
                : table ? { kind: "tableStream", table: tables.get(table.urn)! } : { kind: "unresolved" };
        const patterns = (Array.isArray(inputAt(r, "filterCriteria", "filters")) ? inputAt(r, "filterCriteria", "filters") as unknown[] : [])
            .map(f => knownString(record(f).pattern)).filter((p): p is string => p !== undefined);
        const onFailure = target(r, "destinationConfig", inputAt(r, "destinationConfig", "onFailure", "destinationArn"));
        const retries = knownNumber(r.inputs.maximumRetryAttempts);
        mappings.push({
            r, owner: graph.owner(r), fn, source,
            batchSize: knownNumber(r.inputs.batchSize) ?? (source.kind === "queue" ? DEFAULT_BATCH.queue : DEFAULT_BATCH.stream),
            windowSeconds: knownNumber(r.inputs.maximumBatchingWindowInSeconds) ?? 0,
            ...(retries === undefined ? {} : { maximumRetryAttempts: retries }),
            ...(onFailure ? { onFailure } : {}),
            filter: streamFilterOf(patterns),
        });
    }

    const subscriptions: Model["subscriptions"] = [];
    for (const r of graph.ofType(T.subscription)) {
        const topic = graph.ref(r, "topic", [T.topic], topicNameOf);
        const protocol = inputAt(r, "protocol");
        const to = protocol === "lambda" || protocol === "sqs" ? target(r, "endpoint", inputAt(r, "endpoint")) : undefined;
        if (to) subscriptions.push({ r, ...(topic ? { topic } : {}), owner: graph.owner(r), target: to });
    }
    // A topic destination delivers to what subscribes to it.
    const deliveries = (topic: PlanResource): Target[] => subscriptions.filter(s => s.topic?.urn === topic.urn).map(s => s.target);
    const withDeliveries = (t: Target | undefined): void => {
        if (t?.kind === "topic") t.deliversTo = deliveries(t.r);
    };
    for (const fn of functions.values()) withDeliveries(fn.asyncConfig?.onFailure);
    for (const m of mappings) withDeliveries(m.onFailure);

    const buckets: Model["buckets"] = [];
    const bucketTypes = [T.bucket, T.bucketV2];
    for (const r of graph.ofType(T.bucketNotification)) {
        const bucket = graph.ref(r, "bucket", bucketTypes, ref => ref.startsWith("arn:") ? ref.split(":::")[1] : ref);
        const configs = Array.isArray(inputAt(r, "lambdaFunctions")) ? inputAt(r, "lambdaFunctions") as unknown[] : [];
        const notifies = new Set<FunctionNode>();
        for (const c of configs) {
            const fn = fnOf(r, "lambdaFunctions", record(c).lambdaFunctionArn);
            if (fn) notifies.add(fn);
        }
        if (bucket) buckets.push({ r: bucket, owner: graph.owner(bucket), notifies: [...notifies] });
    }
    for (const r of bucketTypes.flatMap(t => graph.ofType(t))) {
        if (!buckets.some(b => b.r.urn === r.urn)) buckets.push({ r, owner: graph.owner(r), notifies: [] });
    }

    const schedules: Model["schedules"] = [];
    for (const r of graph.ofType(T.eventRule)) {
        const expression = knownString(r.inputs.scheduleExpression);
        if (expression === undefined) continue;
        const name = graph.nameOf(r);
        const targets = graph.ofType(T.eventTarget)
            .filter(t => graph.refs(t, "rule", [T.eventRule], ruleNameOf).some(x => x.urn === r.urn) || (name !== undefined && knownString(t.inputs.rule) === name))
            .map(t => fnOf(t, "arn")).filter((f): f is FunctionNode => f !== undefined);
        schedules.push({ r, owner: graph.owner(r), expression, targets });
    }

    const apis: ApiNode[] = [];
    /** An API's authorizer that invokes a function (JWT and Cognito authorizers invoke none); TTL as API Gateway defaults it. */
    const lambdaAuthorizer = (type: string, apiKey: string, api: PlanResource, defaultTtl: number): ApiNode["authorizer"] => {
        const a = graph.ofType(type).find(x => graph.deps(x, apiKey).some(d => d.urn === api.urn) && fnOf(x, "authorizerUri") !== undefined);
        return a ? { fn: fnOf(a, "authorizerUri")!, ttlSeconds: knownNumber(a.inputs.authorizerResultTtlInSeconds) ?? defaultTtl } : undefined;
    };
    const accessLogsOf = (stage: PlanResource | undefined): LogGroupNode | undefined => {
        if (!stage) return undefined;
        const group = graph.ref(stage, "accessLogSettings", [T.logGroup], logGroupNameOf, inputAt(stage, "accessLogSettings", "destinationArn"));
        const name = group ? graph.nameOf(group) : undefined;
        return name ? logGroups.get(name) : undefined;
    };
    for (const r of graph.ofType(T.httpApi)) {
        if (inputAt(r, "protocolType") !== "HTTP") {
            unpriced.push(`${r.name}: a ${String(inputAt(r, "protocolType"))} API (only HTTP and REST APIs are priced)`);
            continue;
        }
        const integration = graph.ofType(T.httpIntegration).find(i => graph.deps(i, "apiId").some(d => d.urn === r.urn));
        const stage = graph.ofType(T.httpStage).find(s => graph.deps(s, "apiId").some(d => d.urn === r.urn));
        const fn = integration ? fnOf(integration, "integrationUri") : undefined;
        const logs = accessLogsOf(stage);
        const authorizer = lambdaAuthorizer(T.httpAuthorizer, "apiId", r, 0);
        apis.push({ r, kind: "http", owner: graph.owner(r), ...(fn ? { fn } : {}), ...(logs ? { accessLogs: logs } : {}), tracing: false,
            ...(authorizer ? { authorizer } : {}) });
    }
    for (const r of graph.ofType(T.restApi)) {
        const integration = graph.ofType(T.restIntegration).find(i => graph.deps(i, "restApi").some(d => d.urn === r.urn));
        const stage = graph.ofType(T.restStage).find(s => graph.deps(s, "restApi").some(d => d.urn === r.urn));
        const fn = integration ? fnOf(integration, "uri") : undefined;
        const logs = accessLogsOf(stage);
        const authorizer = lambdaAuthorizer(T.restAuthorizer, "restApi", r, 300);
        apis.push({ r, kind: "rest", owner: graph.owner(r), ...(fn ? { fn } : {}), ...(logs ? { accessLogs: logs } : {}),
            tracing: stage ? inputAt(stage, "xrayTracingEnabled") === true : false, ...(authorizer ? { authorizer } : {}) });
    }

    // Encryption with AWS managed keys costs no key fee; the KMS requests the services make with them are not priced.
    const managed = [
        graph.ofType(T.topic).filter(t => knownString(t.inputs.kmsMasterKeyId)?.startsWith("alias/aws/")).length > 0 ? "SNS topics (alias/aws/sns)" : undefined,
        [...streams.values()].some(s => inputAt(s.r, "encryptionType") === "KMS" && (knownString(s.r.inputs.kmsKeyId) ?? "alias/aws/kinesis").startsWith("alias/aws/")) ? "Kinesis streams (alias/aws/kinesis)" : undefined,
        [...tables.values()].some(t => inputAt(t.r, "serverSideEncryption", "enabled") === true && inputAt(t.r, "serverSideEncryption", "kmsKeyArn") === undefined) ? "DynamoDB tables (aws/dynamodb)" : undefined,
    ].filter((m): m is string => m !== undefined);
    if (managed.length > 0) unpriced.push(`KMS: ${managed.join(", ")} encrypt with AWS managed keys: no monthly key fee; the KMS requests they make are not priced`);

    const userPools: UserPoolNode[] = graph.ofType(T.userPool).map(r => {
        const tier = knownString(r.inputs.userPoolTier) ?? COGNITO_DEFAULTS.tier;
        if (tier !== "ESSENTIALS") unpriced.push(`${r.name}: a user pool on the ${tier} feature plan (only Essentials is priced)`);
        const trigger = inputAt(r, "lambdaConfig", "preTokenGenerationConfig", "lambdaArn") ?? inputAt(r, "lambdaConfig", "preTokenGeneration");
        const tokenTrigger = trigger === undefined ? undefined : fnOf(r, "lambdaConfig", trigger);
        const clients = graph.ofType(T.userPoolClient).filter(c => graph.deps(c, "userPoolId").some(d => d.urn === r.urn));
        for (const c of clients) {
            const flows = inputAt(c, "allowedOauthFlows");
            if (Array.isArray(flows) && flows.includes("client_credentials")) {
                unpriced.push(`${c.name}: machine-to-machine tokens (client credentials) bill per app client and token request (not priced)`);
            }
        }
        const lifetimes = clients.map(accessTokenMinutes);
        return { r, owner: graph.owner(r), tier, ...(tokenTrigger ? { tokenTrigger } : {}),
            accessTokenMinutes: lifetimes.length > 0 ? Math.min(...lifetimes) : COGNITO_DEFAULTS.accessTokenMinutes };
    });

    const interfaceEndpoints: InterfaceEndpointNode[] = [];
    for (const r of graph.ofType(T.vpcEndpoint)) {
        // AWS makes an endpoint of no given type a gateway endpoint, which is free.
        const type = knownString(r.inputs.vpcEndpointType) ?? "Gateway";
        if (type === "Gateway") continue;
        if (type !== "Interface") {
            unpriced.push(`${r.name}: a ${type} VPC endpoint (only interface and gateway endpoints are priced)`);
            continue;
        }
        const subnets = inputAt(r, "subnetIds");
        const service = knownString(r.inputs.serviceName)?.split(".").pop();
        if (!Array.isArray(subnets)) unpriced.push(`${r.name}: an interface endpoint whose subnets are not known, so neither are the zones it bills in (not priced)`);
        interfaceEndpoints.push({ r, owner: graph.owner(r), ...(service ? { service } : {}), ...(Array.isArray(subnets) ? { zones: subnets.length } : {}) });
    }

    for (const r of graph.ofType(T.loadBalancer)) {
        const type = knownString(r.inputs.loadBalancerType) ?? "application";
        if (type !== "application") unpriced.push(`${r.name}: a ${type} load balancer (only Application Load Balancers are priced)`);
    }
    for (const r of graph.ofType(T.ssmParameter)) {
        const tier = knownString(r.inputs.tier);
        if (tier !== undefined && tier !== "Standard") unpriced.push(`${r.name}: an SSM parameter of the ${tier} tier (not priced)`);
    }
    for (const type of graph.types()) {
        const c = classificationOf(type);
        if (!c) unpriced.push(`${type}: a resource type the estimator does not know (not priced)`);
        else if (c.kind === "unpriced") unpriced.push(`${type}: ${c.why}`);
    }

    const cellIds = new Set(graph.cells().map(c => c.id));
    const fnList = [...functions.values()];
    return {
        ...(graph.region() ? { region: graph.region()! } : {}),
        cells: graph.cells(),
        functions: fnList,
        queues: [...queues.values()],
        tables: [...tables.values()],
        streams: [...streams.values()],
        apis,
        mappings,
        subscriptions,
        buckets,
        schedules,
        alarms: graph.ofType(T.alarm).map(r => {
            const owner = graph.owner(r);
            return { r, owner: owner === SHARED ? watchedCell(r, cellIds) ?? SHARED : owner, ...alarmMetrics(r.inputs) };
        }),
        dashboards: graph.ofType(T.dashboard).map(r => ({ r, owner: graph.owner(r) })),
        kmsKeys: graph.ofType(T.kmsKey).map(r => ({ r, owner: graph.owner(r) })),
        loadBalancers: graph.ofType(T.loadBalancer).filter(r => (knownString(r.inputs.loadBalancerType) ?? "application") === "application")
            .map(r => ({ r, owner: graph.owner(r) })),
        userPools,
        interfaceEndpoints,
        invokes: invokeGrants(graph, fnList),
        unpriced,
    };
}

/** An app client's access-token lifetime in minutes, as Cognito reads `accessTokenValidity` in its unit. */
function accessTokenMinutes(client: PlanResource): number {
    const validity = knownNumber(client.inputs.accessTokenValidity);
    if (validity === undefined) return COGNITO_DEFAULTS.accessTokenMinutes;
    const unit = knownString(inputAt(client, "tokenValidityUnits", "accessToken")) ?? COGNITO_DEFAULTS.accessTokenUnit;
    return validity * (MINUTES_PER[unit] ?? MINUTES_PER[COGNITO_DEFAULTS.accessTokenUnit]!);
}

/**
 * The cell an alarm outside every cell watches: every metric it reads carries the router's per-cell dimension,
 * naming the same cell (the router's breaker alarm on a cell exists because the cell does, so it is that cell's).
 */
export function watchedCell(alarm: PlanResource, cells: ReadonlySet<string>): string | undefined {
    const queries = inputAt(alarm, "metricQueries");
    const metrics = Array.isArray(queries) && queries.length > 0
        ? queries.map(q => record(q).metric).filter(m => m !== undefined && m !== null)
        : [alarm.inputs];
    const named = new Set(metrics.map(m => knownString(record(record(m).dimensions)[CELL_DIMENSION])));
    const [cell] = [...named];
    return named.size === 1 && cell !== undefined && cells.has(cell) ? cell : undefined;
}

/** The statements of an IAM document that allow lambda:InvokeFunction, as function names. */
function invokedNames(doc: unknown): string[] {
    const statements = record(doc).Statement;
    const names: string[] = [];
    for (const st of Array.isArray(statements) ? statements : [statements]) {
        const s = record(st);
        if (s.Effect !== "Allow") continue;
        const actions = ([] as unknown[]).concat(s.Action ?? []);
        if (!actions.some(a => a === "lambda:InvokeFunction" || a === "lambda:*")) continue;
        for (const resource of ([] as unknown[]).concat(s.Resource ?? [])) {
            const name = typeof resource === "string" ? functionNameOf(resource) : undefined;
            if (name) names.push(name);
        }
    }
    return names;
}

/** Which functions each function may invoke, through its role's inline and attached policies. */
function invokeGrants(graph: PlanGraph, functions: FunctionNode[]): Map<string, FunctionNode[]> {
    const byName = new Map(functions.map(f => [f.name, f]));
    const roleName = (ref: string) => /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(ref)?.[1] ?? (ref.includes(":") ? undefined : ref);
    const docsOfRole = new Map<string, unknown[]>();
    const add = (role: PlanResource | undefined, doc: unknown) => {
        if (!role || doc === undefined) return;
        docsOfRole.set(role.urn, [...(docsOfRole.get(role.urn) ?? []), doc]);
    };
    for (const p of graph.ofType(T.rolePolicy)) add(graph.ref(p, "role", [T.role], roleName), jsonOf(p.inputs.policy));
    for (const a of graph.ofType(T.rolePolicyAttachment)) {
        const policy = graph.ref(a, "policyArn", [T.policy], ref => /:policy\/(?:.*\/)?([^/]+)$/.exec(ref)?.[1]);
        if (policy) add(graph.ref(a, "role", [T.role], roleName), jsonOf(policy.inputs.policy));
    }
    const out = new Map<string, FunctionNode[]>();
    for (const fn of functions) {
        const role = graph.ref(fn.r, "role", [T.role], roleName);
        const targets = (role ? docsOfRole.get(role.urn) ?? [] : []).flatMap(invokedNames).map(n => byName.get(n)).filter((f): f is FunctionNode => f !== undefined && f !== fn);
        if (targets.length > 0) out.set(fn.r.urn, [...new Set(targets)]);
    }
    return out;
}
