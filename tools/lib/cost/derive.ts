/**
 * Usage through the wiring: from what arrives from outside (the usage file, per active cell) and the stack's own
 * clock (schedules), follows the plan's graph hop by hop and records every billable quantity in the ledger:
 *
 * - an API request is one request of the router's API and one router invocation; the router's invoke grants send it
 *   on as one synchronous invocation of the customer's cell (invoke mode), or the customer follows a redirect to the
 *   cell's own API (redirect mode): one more API request, one cell invocation; a disabled cell's customers get the
 *   router's 503 and reach no cell;
 * - a message, object or record reaches the function its queue mapping, subscription, notification or stream
 *   mapping names, in batches as the mapping's batch size and window allow;
 * - a handler's table writes (behaviour.ts) reach the table stream's consumer when its filter lets their sort key
 *   through; the consumer's own writes do not come back unless the filter lets them;
 * - a failed event is retried as its function or mapping says, then goes to its on-failure destination (a queue, a
 *   topic, the event bus, a function), where the failure handler takes it;
 * - every invocation writes logs to its function's log group (kept as long as the group's retention), and starts
 *   an X-Ray trace when it enters the system on a traced function;
 * - the users who sign in are the user pool's monthly active users, and each token it issues is one invocation of
 *   its pre token generation trigger (sign-ins, then refreshes as the plan's access-token lifetime runs out);
 * - a call a function in a VPC makes to STS passes the cell's STS interface endpoint, which bills per GB.
 *
 * Each hop is counted once, where it happens; `derived` says how each figure was reached. Pure.
 */
import { BEHAVIOURS, Work, workOf } from "./behaviour";
import {
    GB, IDLE_POLLERS, IDLE_RECEIVES_PER_MONTH, KB, LONG_POLL_SECONDS, MONTH_HOURS, MONTH_SECONDS, Quantities, STS_ASSUME_ROLE_BYTES, apiRequests, eventBridgeEvents,
    interfaceEndpointUsage, kinesisPutUnits, kinesisStreamUsage, lambdaUsage, logStorageGbMonths, provisionedConcurrencyUsage, provisionedShare, sampledTraces,
    snsPublishes, sqsConsumeRequests, sqsRequests, tokensPerSession,
} from "./formulas";
import { knownString } from "./graph";
import { Basis, Charge, SHARED, charges } from "./ledger";
import { FunctionNode, InterfaceEndpointNode, LogGroupNode, MappingNode, Model, QueueNode, Target, TableNode, passes } from "./model";
import { runsPerMonth } from "./schedule";
import { FUNCTION_DEFAULTS, FunctionUsage, Usage } from "./usage";

/** The usage sections that describe what arrives at an event source, and the kind of function each source feeds. */
export interface SourceKinds {
    queue: string;
    topic: string;
    bucket: string;
    kinesis: string;
}

/** One figure the estimate derived, and how. */
export interface DerivedFigure {
    /** The cells it holds for (`shared` for the shared part), grouped when several cells share it. */
    scope: string[];
    figure: string;
    value: number;
    unit: string;
    how: string;
}

export interface Derivation {
    charges: Charge[];
    derived: DerivedFigure[];
    /** Requests that enter through the stack's shared API in a month. */
    entryRequests: number;
    /** What the estimate saw but does not price. */
    notes: string[];
}

/** Envelopes around a payload: an SNS notification, an S3 event, an on-failure record with its context. */
const ENVELOPE_BYTES = { sns: 1536, s3Event: 1536, failureRecord: KB, invokeEvent: KB } as const;
/** The derivation gives up beyond this many hops (a stream consumer feeding itself). */
const MAX_DEPTH = 6;

interface Flow {
    fn: FunctionNode;
    invocations: number;
    basis: Basis;
    asynchronous: boolean;
    payloadBytes: number;
    /** Extra billed time per invocation: a synchronous caller waits for its callee. */
    waitMs: number;
    /** Whether each invocation enters the system, so starts a trace (when its function, or the API before it, traces). */
    entry: boolean;
    /** The API in front traces requests (a REST stage with X-Ray on), whatever the function does. */
    tracedByApi?: boolean;
}

/** Numbers in the derived figures' text (one formatter: creating one per call is most of the derivation's time). */
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
const fmt = (n: number) => NUMBER.format(Number.isInteger(n) ? n : Number(n.toPrecision(6)));

class Deriver {
    readonly charges: Charge[] = [];
    readonly figures: DerivedFigure[] = [];
    private readonly figureIndex = new Map<string, DerivedFigure>();
    private readonly hows = new Map<string, Set<string>>();
    readonly notes: string[] = [];
    entryRequests = 0;
    private readonly flows: Flow[] = [];
    private readonly tablesByName: Map<string, TableNode>;
    /** The mappings reading each table's stream, and each queue. */
    private readonly streamConsumers = new Map<TableNode, MappingNode[]>();
    private readonly queueConsumers = new Map<QueueNode, MappingNode[]>();
    /** By owner: the mappings, subscriptions and buckets of each cell. */
    private readonly mappingsOf = new Map<string, MappingNode[]>();
    private readonly subscriptionsOf = new Map<string, Model["subscriptions"]>();
    private readonly bucketsOf = new Map<string, Model["buckets"]>();
    /** Each cell's interface endpoints, by `<owner>\n<service>`. */
    private readonly endpointOf = new Map<string, InterfaceEndpointNode>();

    /** Records arriving at each mapping, by URN (all sources together): what its batches fill from. */
    readonly arrivals = new Map<string, number>();

    constructor(readonly model: Model, readonly usage: Usage, readonly kinds: SourceKinds,
        /** The arrivals of a first pass, so each mapping's batches are sized by everything it receives. */
        private readonly totalArrivals?: ReadonlyMap<string, number>) {
        this.tablesByName = new Map(model.tables.map(t => [t.name, t]));
        const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);
        for (const m of model.mappings) {
            push(this.mappingsOf, m.owner, m);
            if (m.source.kind === "tableStream") push(this.streamConsumers, m.source.table, m);
            if (m.source.kind === "queue") push(this.queueConsumers, m.source.queue, m);
        }
        for (const s of model.subscriptions) push(this.subscriptionsOf, s.owner, s);
        for (const b of model.buckets) push(this.bucketsOf, b.owner, b);
        for (const e of model.interfaceEndpoints) if (e.service) this.endpointOf.set(`${e.owner}\n${e.service}`, e);
    }

    charge(owner: string, basis: Basis, q: Quantities, resource?: string): void {
        this.charges.push(...charges(owner, basis, q, resource));
    }

    /**
     * Records a derived figure. The same figure of the same scope adds up (a failure queue fed from several places),
     * each contribution's `how` kept; `additive: false` figures (a share, a duration) are set once.
     */
    figure(scope: string, figure: string, value: number, unit: string, how: string, additive = true): void {
        const key = `${scope}\n${figure}`;
        const existing = this.figureIndex.get(key);
        if (!existing) {
            const f: DerivedFigure = { scope: [scope], figure, value, unit, how };
            this.figureIndex.set(key, f);
            this.figures.push(f);
            return;
        }
        if (!additive) return;
        existing.value += value;
        const hows = this.hows.get(key) ?? new Set([existing.how]);
        this.hows.set(key, hows);
        if (!hows.has(how)) {
            hows.add(how);
            existing.how = `${existing.how}; ${how}`;
        }
    }

    note(text: string): void {
        if (!this.notes.includes(text)) this.notes.push(text);
    }

    fnUsage(fn: FunctionNode): FunctionUsage {
        return this.usage.functions[fn.kind] ?? FUNCTION_DEFAULTS;
    }

    private invoke(flow: Flow): void {
        if (flow.invocations > 0) this.flows.push(flow);
    }

    // -----------------------------------------------------------------------------------------------------------
    // Resources that bill by the hour or month
    // -----------------------------------------------------------------------------------------------------------

    resources(): void {
        for (const fn of this.model.functions) {
            for (const pcc of fn.provisionedConfigs) {
                const concurrency = Number(pcc.inputs.provisionedConcurrentExecutions) || 0;
                this.charge(fn.owner, "resource", provisionedConcurrencyUsage(concurrency, fn.memoryMb, fn.architecture), pcc.urn);
                this.figure(fn.owner, `${fn.kind}: provisioned concurrency`, concurrency * (fn.memoryMb / 1024) * MONTH_SECONDS, "GB-seconds/month",
                    `${concurrency} × ${fn.memoryMb} MB (${fn.architecture}) × ${fmt(MONTH_SECONDS)} s, billed whether used or not`);
            }
        }
        for (const s of this.model.streams) {
            this.charge(s.owner, "resource", kinesisStreamUsage(s.mode, s.shards, s.retentionHours), s.r.urn);
        }
        for (const a of this.model.alarms) {
            this.charge(a.owner, "resource", { [a.highResolution ? "cloudWatch.highResolutionAlarmMetric" : "cloudWatch.alarmMetric"]: a.metrics }, a.r.urn);
        }
        for (const d of this.model.dashboards) this.charge(d.owner, "resource", { "cloudWatch.dashboard": 1 }, d.r.urn);
        for (const k of this.model.kmsKeys) this.charge(k.owner, "resource", { "kms.customerManagedKey": 1 }, k.r.urn);
        for (const lb of this.model.loadBalancers) {
            this.charge(lb.owner, "resource", { "elb.albHour": MONTH_HOURS }, lb.r.urn);
            this.figure(lb.owner, `${lb.r.name}: load balancer-hours`, MONTH_HOURS, "ALB-hours/month", `${MONTH_HOURS} h, billed whether used or not`);
            this.note(`${lb.r.name}: its hours are priced, not its LCU-hours (new connections, active connections, processed bytes and rule evaluations, the largest of them each hour)`);
        }
        for (const e of this.model.interfaceEndpoints) {
            if (e.zones === undefined) continue;
            this.charge(e.owner, "resource", interfaceEndpointUsage(e.zones), e.r.urn);
            this.figure(e.owner, `${e.service ?? e.r.name} interface endpoint: endpoint-hours`, e.zones * MONTH_HOURS, "endpoint-hours/month",
                `${e.zones} zone(s), a network interface in each of its subnets, × ${MONTH_HOURS} h, billed whether used or not`);
            if (e.service !== "sts") {
                this.note(`${e.r.name}: its hours are priced, not the bytes it processes (only the handlers' STS calls are followed through an endpoint)`);
            }
        }
        for (const m of this.model.mappings) {
            if (m.source.kind !== "queue") continue;
            this.charge(m.owner, "resource", { [m.source.queue.fifo ? "sqs.fifoRequest" : "sqs.standardRequest"]: IDLE_RECEIVES_PER_MONTH }, m.r.urn);
        }
        const idle = this.model.mappings.filter(m => m.source.kind === "queue");
        for (const owner of new Set(idle.map(m => m.owner))) {
            const n = idle.filter(m => m.owner === owner).length;
            this.figure(owner, "idle queue polling", n * IDLE_RECEIVES_PER_MONTH, "SQS requests/month",
                `${n} queue mapping(s) × ${IDLE_POLLERS} pollers × one ${LONG_POLL_SECONDS} s long poll each (${fmt(MONTH_SECONDS)} s a month): Lambda polls an empty queue too`);
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Work, and what it sets off
    // -----------------------------------------------------------------------------------------------------------

    /** The table a function works on: the one its TABLE_NAME names, else its cell's only table. */
    private tableOf(fn: FunctionNode): TableNode | undefined {
        const named = fn.environment.TABLE_NAME;
        if (named !== undefined) return this.tablesByName.get(named);
        const own = this.model.tables.filter(t => t.owner === fn.owner);
        return own.length === 1 ? own[0] : undefined;
    }

    /** `units` of `fn`'s work: its table reads and writes, S3 requests, and the stream records its writes make. */
    private perform(fn: FunctionNode, units: number, basis: Basis, eventBytes: number, depth: number): void {
        if (units <= 0) return;
        const work: Work | undefined = workOf(fn.kind, { usage: this.usage, environment: fn.environment, eventBytes });
        if (!work) {
            this.note(`${fn.name}: a function of kind ${JSON.stringify(fn.kind)}, whose work the estimator does not know (only its Lambda charges are priced)`);
            return;
        }
        const table = this.tableOf(fn);
        const writeUnits = work.writes.reduce((n, w) => n + w.count * w.units, 0);
        if (table && (work.readUnits > 0 || writeUnits > 0)) {
            this.charge(table.owner, basis, { "dynamodb.readRequestUnit": units * work.readUnits, "dynamodb.writeRequestUnit": units * writeUnits });
        }
        this.charge(fn.owner, basis, { "s3.readRequest": units * work.s3Gets, "s3.writeRequest": units * work.s3Puts });
        const sts = fn.inVpc && work.stsAssumeRoles > 0 ? this.endpointOf.get(`${fn.owner}\nsts`) : undefined;
        if (sts) {
            const calls = units * work.stsAssumeRoles;
            this.charge(sts.owner, basis, { "vpc.interfaceEndpointGb": (calls * STS_ASSUME_ROLE_BYTES) / GB }, sts.r.urn);
            this.figure(fn.owner, `${fn.kind}: STS AssumeRole calls through ${sts.r.name}`, calls, "calls/month",
                `${fmt(units)} ${work.unit}(s) × ${fmt(work.stsAssumeRoles)} (the rest find the tenant's credentials held), ` +
                `${STS_ASSUME_ROLE_BYTES / KB} KB each through the endpoint (the calls themselves are free)`);
        }
        if (table?.stream) {
            for (const m of this.streamConsumers.get(table) ?? []) {
                const passing = work.writes.filter(w => passes(m.filter, w.sortKey));
                const records = units * passing.reduce((n, w) => n + w.count, 0);
                if (records <= 0) continue;
                if (depth >= MAX_DEPTH) {
                    this.note(`${m.r.name}: ${m.fn.name}'s own writes pass its stream filter, so it would feed itself without end; the estimate stops after ${MAX_DEPTH} hops`);
                    continue;
                }
                this.figure(m.owner, `${m.fn.kind}: table stream records from ${fn.kind}`, records, "records/month",
                    `${fmt(units)} ${work.unit}(s) × ${passing.map(w => `${fmt(w.count)} ${w.what}`).join(" + ")} that the mapping's filter` +
                    `${m.filter.kind === "keyPrefix" ? ` (${m.filter.attribute} begins with ${m.filter.prefixes.join(" or ")})` : ""} lets through`);
                this.poll(m, records, ENVELOPE_BYTES.invokeEvent, basis, depth + 1);
            }
        }
    }

    /** Records a mapping delivers: in batches, each batch one invocation; failures retried, then sent on. */
    private poll(m: MappingNode, records: number, recordBytes: number, basis: Basis, depth: number): void {
        this.arrivals.set(m.r.urn, (this.arrivals.get(m.r.urn) ?? 0) + records);
        const rate = (this.totalArrivals?.get(m.r.urn) ?? records) / MONTH_SECONDS;
        const perInvocation = Math.min(m.batchSize, Math.max(1, rate * Math.max(m.windowSeconds, 1)));
        const failed = records * this.usage.failures.fraction;
        let attempts = records;
        if (failed > 0) {
            if (m.source.kind === "queue") {
                const receives = m.source.queue.redrive?.maxReceiveCount;
                if (receives === undefined) this.note(`${m.source.queue.name}: no redrive policy, so a failing message is retried until it expires (not estimated)`);
                else attempts += failed * (receives - 1);
            } else {
                const retries = m.maximumRetryAttempts ?? -1;
                if (retries < 0) this.note(`${m.r.name}: retries a failing batch until its records expire (not estimated)`);
                else attempts += failed * retries;
            }
        }
        const invocations = attempts / perInvocation;
        this.invoke({ fn: m.fn, invocations, basis, asynchronous: false, payloadBytes: recordBytes * perInvocation, waitMs: 0, entry: true });
        this.figure(m.owner, `${m.fn.kind}: invocations`, invocations, "invocations/month",
            `${fmt(attempts)} record(s) through ${m.r.name} in batches of ${fmt(perInvocation)} (batch size ${m.batchSize}, window ${m.windowSeconds} s, ` +
            `${fmt(rate)} records a second in all)${attempts > records ? `, ${fmt(attempts - records)} of them retries of failed records` : ""}`);
        if (m.source.kind === "queue") {
            const q = m.source.queue;
            this.charge(q.owner, basis, { [q.fifo ? "sqs.fifoRequest" : "sqs.standardRequest"]: sqsConsumeRequests(attempts, recordBytes, perInvocation) });
        }
        this.perform(m.fn, records - failed, basis, recordBytes, depth);
        if (failed > 0 && m.source.kind !== "queue") {
            if (m.onFailure) this.deliver(m.onFailure, failed, ENVELOPE_BYTES.failureRecord, basis, depth + 1, `failed records of ${m.r.name}`);
            else this.note(`${m.r.name}: failed records have no on-failure destination and are lost after their retries`);
        }
    }

    /** Messages arriving at a queue, taken by its consumers (shared evenly). */
    private toQueue(q: QueueNode, messages: number, messageBytes: number, basis: Basis, depth: number): void {
        this.charge(q.owner, basis, { [q.fifo ? "sqs.fifoRequest" : "sqs.standardRequest"]: sqsRequests(messages, messageBytes) });
        const consumers = this.queueConsumers.get(q) ?? [];
        if (consumers.length === 0) {
            this.note(`${q.name}: receives messages no function consumes (they wait there)`);
            return;
        }
        for (const m of consumers) this.poll(m, messages / consumers.length, messageBytes, basis, depth);
    }

    /** `events` sent to a destination, as what it is. */
    private deliver(target: Target, events: number, eventBytes: number, basis: Basis, depth: number, what: string): void {
        if (depth > MAX_DEPTH) return;
        switch (target.kind) {
            case "queue":
                this.figure(target.queue.owner, `${target.queue.name}: messages`, events, "messages/month", what);
                this.toQueue(target.queue, events, eventBytes, basis, depth);
                return;
            case "topic": {
                const owner = this.model.subscriptions.find(s => s.topic === target.r)?.owner ?? SHARED;
                this.charge(owner, basis, { "sns.publish": snsPublishes(events, eventBytes) });
                for (const t of target.deliversTo) this.deliver(t, events, eventBytes + ENVELOPE_BYTES.sns, basis, depth + 1, `${what}, through ${target.r.name}`);
                return;
            }
            case "bus": {
                this.charge(SHARED, basis, { "eventBridge.customEvent": eventBridgeEvents(events, eventBytes) });
                this.note(`${target.arn}: events put on the bus are priced; the bus's rules are not followed`);
                return;
            }
            case "function":
                this.asyncInvoke(target.fn, events, eventBytes, basis, depth + 1, what, false);
                return;
            case "outside":
                this.note(`${target.ref}: a destination outside the plan (not priced)`);
        }
    }

    /** Lambda's asynchronous invocations of `fn` with `events` events: retries of failures, then the on-failure destination. */
    private asyncInvoke(fn: FunctionNode, events: number, eventBytes: number, basis: Basis, depth: number, what: string, entry: boolean): void {
        const failed = events * this.usage.failures.fraction;
        const retries = fn.asyncConfig?.retries ?? 2;
        const invocations = events + failed * retries;
        this.invoke({ fn, invocations, basis, asynchronous: true, payloadBytes: eventBytes, waitMs: 0, entry });
        this.figure(fn.owner, `${fn.kind}: invocations`, invocations, "invocations/month",
            `${what}: ${fmt(events)} asynchronous event(s)${failed > 0 ? ` + ${fmt(failed * retries)} retries (${retries} per failed event)` : ""}`);
        this.perform(fn, events - failed, basis, eventBytes, depth);
        if (failed <= 0) return;
        const onFailure = fn.asyncConfig?.onFailure;
        if (onFailure) this.deliver(onFailure, failed, eventBytes + ENVELOPE_BYTES.failureRecord, basis, depth + 1, `failed events of ${fn.name}`);
        else this.note(`${fn.name}: failed asynchronous events have no on-failure destination and are dropped after their retries`);
    }

    // -----------------------------------------------------------------------------------------------------------
    // What arrives from outside
    // -----------------------------------------------------------------------------------------------------------

    /** The router's API: every cell's customers' requests; then the router's grants or the cells' own APIs. */
    api(): number {
        const u = this.usage.api;
        const cells = this.model.cells;
        const entry = this.model.apis.filter(a => a.owner === SHARED);
        if (u.requestsPerMonth <= 0) return 0;
        if (entry.length === 0) {
            this.note("usage.api: the plan has no API outside the cells, so no request is priced");
            return 0;
        }
        const total = u.requestsPerMonth * cells.length;
        for (const api of entry) {
            this.charge(SHARED, "traffic", { [api.kind === "http" ? "apiGateway.httpRequest" : "apiGateway.restRequest"]: apiRequests(api.kind, total, u.requestBytes) });
            this.figure(SHARED, `${api.r.name}: requests`, total, "requests/month", `usage.api.requestsPerMonth (${fmt(u.requestsPerMonth)}) × ${cells.length} cell(s)`);
            if (api.accessLogs) this.logs(api.accessLogs, total * u.accessLogBytes, "traffic", false);
            if (api.authorizer) {
                const { fn, ttlSeconds } = api.authorizer;
                const invocations = total * (ttlSeconds > 0 ? 1 - u.authorizerCacheHitFraction : 1);
                this.invoke({ fn, invocations, basis: "traffic", asynchronous: false, payloadBytes: u.requestBytes, waitMs: 0, entry: false });
                this.figure(fn.owner, `${fn.kind}: invocations`, invocations, "invocations/month", ttlSeconds > 0
                    ? `${api.r.name}'s authorizer, for the requests its ${ttlSeconds} s cache does not answer (usage.api.authorizerCacheHitFraction ${u.authorizerCacheHitFraction})`
                    : `${api.r.name}'s authorizer, on every request (no cache)`);
            }
            const router = api.fn;
            if (!router) continue;
            const targets = this.model.invokes.get(router.r.urn) ?? [];
            const cellApis = this.model.apis.filter(a => a.owner !== SHARED && a.fn);
            const active = cells.filter(c => c.state === "active");
            const disabled = cells.filter(c => c.state === "disabled");
            let waitMs = 0;
            if (targets.length > 0) {
                for (const cell of active) {
                    const target = targets.find(t => t.owner === cell.id);
                    if (!target) continue;
                    this.invoke({ fn: target, invocations: u.requestsPerMonth, basis: "traffic", asynchronous: false, payloadBytes: u.requestBytes, waitMs: 0, entry: false });
                    this.figure(cell.id, `${target.kind}: invocations`, u.requestsPerMonth, "invocations/month",
                        `one synchronous invocation by ${router.name} per routed request (invoke mode: its role may invoke ${target.name})`);
                    this.perform(target, u.requestsPerMonth, "traffic", u.requestBytes, 1);
                    waitMs = this.fnUsage(target).durationMs;
                }
                this.figure(SHARED, `${router.kind}: billed time per request`, this.fnUsage(router).durationMs + waitMs, "ms",
                    `its own ${this.fnUsage(router).durationMs} ms + the cell's ${waitMs} ms it waits for (a synchronous invoke)`, false);
            } else if (cellApis.length > 0) {
                for (const cell of active) {
                    for (const cellApi of cellApis.filter(a => a.owner === cell.id)) {
                        const fn = cellApi.fn!;
                        this.charge(cell.id, "traffic", { [cellApi.kind === "http" ? "apiGateway.httpRequest" : "apiGateway.restRequest"]: apiRequests(cellApi.kind, u.requestsPerMonth, u.requestBytes) });
                        if (cellApi.accessLogs) this.logs(cellApi.accessLogs, u.requestsPerMonth * u.accessLogBytes, "traffic", false);
                        this.invoke({ fn, invocations: u.requestsPerMonth, basis: "traffic", asynchronous: false, payloadBytes: u.requestBytes, waitMs: 0, entry: true });
                        this.figure(cell.id, `${fn.kind}: invocations`, u.requestsPerMonth, "invocations/month",
                            `redirect mode (${router.name} may invoke no cell): each routed request answered 307, then sent again to ${cellApi.r.name}`);
                        this.perform(fn, u.requestsPerMonth, "traffic", u.requestBytes, 1);
                    }
                }
            } else {
                this.note(`${router.name}: invokes no function and no cell has an API, so it answers every request itself`);
            }
            if (disabled.length > 0) {
                this.figure(SHARED, "requests answered 503 by the router", u.requestsPerMonth * disabled.length, "requests/month",
                    `the customers of disabled cell(s) ${disabled.map(c => c.id).join(", ")} reach no cell`);
            }
            this.invoke({ fn: router, invocations: total, basis: "traffic", asynchronous: false, payloadBytes: u.requestBytes, waitMs, entry: true, tracedByApi: api.tracing });
            this.figure(SHARED, `${router.kind}: invocations`, total, "invocations/month", `one per request of ${api.r.name}`);
        }
        return total;
    }

    /** The users who sign in: the user pool's monthly active users, and its trigger's invocation for each token issued. */
    identity(): void {
        const u = this.usage.auth;
        if (u.monthlyActiveUsers <= 0) return;
        if (this.model.userPools.length === 0) {
            this.note("usage.auth: the plan has no user pool (an external issuer signs users in), so no sign-in is priced");
            return;
        }
        const cells = this.model.cells.length;
        const users = u.monthlyActiveUsers * cells;
        for (const pool of this.model.userPools) {
            if (pool.tier === "ESSENTIALS") this.charge(pool.owner, "traffic", { "cognito.essentialsMau": users }, pool.r.urn);
            this.figure(pool.owner, `${pool.r.name}: monthly active users`, users, "MAU", `usage.auth.monthlyActiveUsers (${fmt(u.monthlyActiveUsers)}) × ${cells} cell(s)`);
            const fn = pool.tokenTrigger;
            if (!fn) continue;
            const perSession = tokensPerSession(u.sessionMinutes, pool.accessTokenMinutes);
            const tokens = users * u.signInsPerUser * perSession;
            this.invoke({ fn, invocations: tokens, basis: "traffic", asynchronous: false, payloadBytes: ENVELOPE_BYTES.invokeEvent, waitMs: 0, entry: true });
            this.figure(fn.owner, `${fn.kind}: invocations`, tokens, "invocations/month",
                `one per token ${pool.r.name} issues: ${fmt(users)} user(s) × ${fmt(u.signInsPerUser)} sign-in(s) × ${perSession} token(s) a session ` +
                `(${fmt(u.sessionMinutes)} min sessions, access tokens of ${fmt(pool.accessTokenMinutes)} min)`);
            this.perform(fn, tokens, "traffic", ENVELOPE_BYTES.invokeEvent, 1);
        }
    }

    /** The event sources' own traffic, per cell: the source feeding the function of the kind the section names. */
    sources(): void {
        const u = this.usage;
        for (const cell of this.model.cells) {
            const missing = (section: string) => this.note(`usage.${section}: cell ${cell.id} has no such source (its figures are not used there)`);
            if (u.queue.messagesPerMonth > 0) {
                const m = this.mappingsOf.get(cell.id)?.find(x => x.fn.kind === this.kinds.queue && x.source.kind === "queue");
                if (m && m.source.kind === "queue") {
                    this.figure(cell.id, `${m.source.queue.name}: messages`, u.queue.messagesPerMonth, "messages/month", "usage.queue.messagesPerMonth, sent by producers one at a time");
                    this.toQueue(m.source.queue, u.queue.messagesPerMonth, u.queue.messageBytes, "traffic", 1);
                } else missing("queue");
            }
            if (u.topic.messagesPerMonth > 0) {
                const s = this.subscriptionsOf.get(cell.id)?.find(x => x.target.kind === "function" && x.target.fn.kind === this.kinds.topic);
                if (s && s.target.kind === "function") {
                    this.charge(cell.id, "traffic", { "sns.publish": snsPublishes(u.topic.messagesPerMonth, u.topic.messageBytes) });
                    this.asyncInvoke(s.target.fn, u.topic.messagesPerMonth, u.topic.messageBytes + ENVELOPE_BYTES.sns, "traffic", 1,
                        `usage.topic.messagesPerMonth published to ${s.topic?.name ?? "its topic"}, delivered by ${s.r.name}`, true);
                } else missing("topic");
            }
            if (u.bucket.objectsPerMonth > 0 || u.bucket.storedGb > 0) {
                const b = this.bucketsOf.get(cell.id)?.find(x => x.notifies.some(f => f.kind === this.kinds.bucket));
                if (b) {
                    this.charge(cell.id, "traffic", { "s3.writeRequest": u.bucket.objectsPerMonth, "s3.storage": u.bucket.storedGb });
                    const fn = b.notifies.find(f => f.kind === this.kinds.bucket)!;
                    this.asyncInvoke(fn, u.bucket.objectsPerMonth, ENVELOPE_BYTES.s3Event, "traffic", 1,
                        `usage.bucket.objectsPerMonth uploaded to ${knownString(b.r.inputs.bucket) ?? b.r.name} (one PUT each), each notifying ${fn.name}`, true);
                } else missing("bucket");
            }
            if (u.kinesis.recordsPerMonth > 0) {
                const m = this.mappingsOf.get(cell.id)?.find(x => x.fn.kind === this.kinds.kinesis && x.source.kind === "kinesis");
                if (m && m.source.kind === "kinesis") {
                    const s = m.source.stream;
                    const gb = (u.kinesis.recordsPerMonth * u.kinesis.recordBytes) / GB;
                    this.charge(cell.id, "traffic", s.mode === "ON_DEMAND"
                        ? { "kinesis.onDemandIngestedGb": gb, "kinesis.onDemandRetrievedGb": gb }
                        : { "kinesis.putPayloadUnit": kinesisPutUnits(u.kinesis.recordsPerMonth, u.kinesis.recordBytes) });
                    this.poll(m, u.kinesis.recordsPerMonth, u.kinesis.recordBytes, "traffic", 1);
                } else missing("kinesis");
            }
            for (const t of this.model.tables.filter(x => x.owner === cell.id && x.onDemand)) {
                this.charge(cell.id, "traffic", { "dynamodb.storage": u.table.storedGb, ...(t.pitr ? { "dynamodb.pitrStorage": u.table.storedGb } : {}) });
            }
        }
        if (this.model.mappings.some(m => m.source.kind === "tableStream")) {
            this.note("DynamoDB Streams: reads by a Lambda trigger are free (no streams read request is priced)");
        }
    }

    /** The stack's own clock: each schedule's runs, whatever the traffic. */
    clock(): void {
        for (const s of this.model.schedules) {
            const runs = s.expression === undefined ? undefined : runsPerMonth(s.expression);
            if (!runs) {
                this.note(`${s.r.name}: the schedule ${JSON.stringify(s.expression)} is not counted (not priced)`);
                continue;
            }
            for (const fn of s.targets) {
                this.asyncInvoke(fn, runs.perMonth, ENVELOPE_BYTES.invokeEvent, "clock", 1, `${s.r.name}, ${runs.how}`, true);
            }
        }
        if (this.model.schedules.length > 0) this.note("EventBridge: scheduled rules' events are free (not priced)");
    }

    // -----------------------------------------------------------------------------------------------------------
    // Lambda, logs and traces of every invocation
    // -----------------------------------------------------------------------------------------------------------

    private logs(group: LogGroupNode, bytes: number, basis: Basis, lambda: boolean): void {
        const gb = bytes / GB;
        this.charge(group.owner, basis, {
            [lambda ? "cloudWatch.lambdaLogIngestion" : "cloudWatch.logIngestion"]: gb,
            "cloudWatch.logStorage": logStorageGbMonths(gb, group.retentionDays),
        }, group.r?.urn);
        if (group.retentionDays === undefined && bytes > 0) {
            this.note(`${group.name}: its events never expire, so its storage grows every month (the estimate shows a year's worth)`);
        }
    }

    lambda(): void {
        const totals = new Map<FunctionNode, number>();
        for (const f of this.flows) totals.set(f.fn, (totals.get(f.fn) ?? 0) + f.invocations);
        const traced = new Map<string, number>();
        let tracedTotal = 0;
        const billedMsOf = new Map<FunctionNode, number>();
        for (const f of this.flows) {
            const usage = this.fnUsage(f.fn);
            const durationMs = usage.durationMs + f.waitMs;
            billedMsOf.set(f.fn, Math.max(billedMsOf.get(f.fn) ?? 0, durationMs));
            const share = provisionedShare(totals.get(f.fn)!, durationMs, f.fn.provisioned);
            this.charge(f.fn.owner, f.basis, lambdaUsage({
                invocations: f.invocations, durationMs, memoryMb: f.fn.memoryMb, architecture: f.fn.architecture,
                payloadBytes: f.payloadBytes, asynchronous: f.asynchronous, provisionedShare: share,
            }));
            this.logs(f.fn.logGroup, f.invocations * usage.logBytesPerInvocation, f.basis, true);
            if (f.entry && (f.fn.tracing || f.tracedByApi)) {
                const key = `${f.fn.owner}\n${f.basis}`;
                traced.set(key, (traced.get(key) ?? 0) + f.invocations);
                tracedTotal += f.invocations;
            }
        }
        if (tracedTotal > 0) {
            const t = this.usage.tracing;
            const fraction = sampledTraces(tracedTotal, t.sampleRate, t.reservoirPerSecond) / tracedTotal;
            for (const [key, n] of traced) {
                const [owner, basis] = key.split("\n") as [string, Basis];
                this.charge(owner, basis, { "xray.traceRecorded": n * fraction });
            }
            this.figure(SHARED, "X-Ray: share of entering invocations traced", fraction, "fraction",
                `${fmt(tracedTotal)} invocation(s) a month start a trace; the default rule keeps ${t.reservoirPerSecond} a second and ${t.sampleRate} of the rest`, false);
        }
        for (const fn of this.model.functions) {
            if (fn.provisioned > 0 && (totals.get(fn) ?? 0) > 0) {
                const durationMs = billedMsOf.get(fn)!;
                const share = provisionedShare(totals.get(fn)!, durationMs, fn.provisioned);
                this.figure(fn.owner, `${fn.kind}: share of invocations on provisioned concurrency`, share, "fraction",
                    `${fn.provisioned} provisioned against ${fmt((totals.get(fn)! / MONTH_SECONDS) * (durationMs / 1000))} concurrent executions needed on average`, false);
            }
        }
    }
}

const cellPatterns = new Map<string, RegExp>();

/** A text with a cell's id replaced by `<cell>` (not inside a longer id: cell-1 in cell-10). */
function generic(text: string, cell: string): string {
    let pattern = cellPatterns.get(cell);
    if (!pattern) {
        pattern = new RegExp(`(?<![a-z0-9])${cell.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`, "g");
        cellPatterns.set(cell, pattern);
    }
    return text.replace(pattern, "<cell>");
}

/** Figures that hold alike in several cells, as one figure with every cell in its scope (names as `<cell>`). */
function grouped(figures: DerivedFigure[]): DerivedFigure[] {
    const groups = new Map<string, DerivedFigure[]>();
    for (const f of figures) {
        const cell = f.scope[0]!;
        const key = JSON.stringify([generic(f.figure, cell), f.value.toPrecision(12), f.unit, generic(f.how, cell)]);
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    return [...groups.values()].map(list => {
        const first = list[0]!;
        if (list.length === 1) return first;
        const cell = first.scope[0]!;
        return { scope: list.map(f => f.scope[0]!), figure: generic(first.figure, cell), value: first.value, unit: first.unit, how: generic(first.how, cell) };
    });
}

/** Notes that differ only by a cell's id, as one note naming the cells. */
function collapsed(notes: string[], cells: string[]): string[] {
    const groups = new Map<string, string[]>();
    const order: string[] = [];
    for (const note of notes) {
        const cell = cells.find(c => generic(note, c) !== note);
        const key = cell === undefined ? note : generic(note, cell);
        if (!groups.has(key)) order.push(key);
        groups.set(key, [...(groups.get(key) ?? []), ...(cell === undefined ? [] : [cell])]);
    }
    return order.map(key => {
        const inCells = [...new Set(groups.get(key)!)];
        if (inCells.length === 0) return key;
        return inCells.length === 1 ? key.split("<cell>").join(inCells[0]!) : `${key} (cells ${inCells.join(", ")})`;
    });
}

/** Derives every billable quantity of a month from the model and the usage. */
export function derive(model: Model, usage: Usage, sources: SourceKinds): Derivation {
    // Batches fill from everything a mapping receives, so a first pass counts the arrivals; record counts do not
    // depend on batching, so the second pass sees the same totals.
    const first = run(model, usage, sources);
    const d = run(model, usage, sources, first.arrivals);
    for (const fn of model.functions) {
        if (!(fn.kind in BEHAVIOURS)) d.note(`${fn.name}: a function of kind ${JSON.stringify(fn.kind)}, whose work the estimator does not know (only its Lambda charges are priced)`);
    }
    d.note("Not priced anywhere: data transfer, the custom metrics the handlers publish (EMF, the router's per cell among them), CloudWatch Logs Insights queries; " +
        "free, so never priced: STS AssumeRole (the cell API's per-tenant credentials)");
    return { charges: d.charges, derived: grouped(d.figures), entryRequests: d.entryRequests, notes: collapsed([...model.unpriced, ...d.notes], model.cells.map(c => c.id)) };
}

function run(model: Model, usage: Usage, sources: SourceKinds, arrivals?: ReadonlyMap<string, number>): Deriver {
    const d = new Deriver(model, usage, sources, arrivals);
    d.resources();
    d.clock();
    d.entryRequests = d.api();
    d.identity();
    d.sources();
    // The first pass only counts arrivals; Lambda's charges come from the second.
    if (arrivals) d.lambda();
    return d;
}
