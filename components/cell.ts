/**
 * `Cell` (`cellular:index:Cell`): a complete, isolated copy of the workload. It shares no state with any other
 * cell: its own DynamoDB table, API function (with reserved and optional provisioned concurrency), least-privilege
 * roles, log groups, failure queue, event sources, alarms, dashboard and cost tags.
 *
 * Assembly runs one way: the cell creates its core (table, failure queues, network), then every function it has
 * (components/cell-inventory.ts), then asks each enabled event source's module to wire itself to its function, and
 * last hands its API's alias to CodeDeploy (components/rollout/cell-rollout.ts). No module calls back into the cell.
 */
import { mapReadStatement } from "./control-plane";
import { CONTROL_ENV } from "../handlers/lib/control-map";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FAILURES_PREFIX } from "../handlers/lib/bucket-layout";
import { METRICS_NAMESPACE } from "../handlers/lib/events-env";
import { LIVE_ALIAS } from "../handlers/lib/identifiers";
import { CELL_DIMENSION, ROUTER_METRICS } from "../handlers/lib/router-metrics";
import { OWNERSHIP_FILE } from "../handlers/lib/ownership";
import { ENV, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, keys } from "../handlers/lib/table";
import { TENANT_CLAIM_ENV, TENANT_TAG } from "../handlers/lib/tenant";
import { Arns, AwsContext } from "./arns";
import { CELL_ALARMS, CellFunction, cellFunctions, enabledSources, ROLLBACK_ALARMS } from "./cell-inventory";
import type { AlarmActions } from "./alarm-topic";
import { CellNetwork, createCellNetwork } from "./cell-network";
import { dataResourceOptions } from "./data-protection";
import { cellHolders, encodeHeld } from "./data-shape";
import { API_FUNCTION, FAILURE_HANDLER } from "./core-functions";
import { DestinationKind, usesDestination, usesSuccessQueue } from "./config/async-settings";
import type { CellSettings } from "./config/cell-settings";
import { corsPolicy } from "./config/cors-settings";
import type { StackSettings } from "./config/stack-settings";
import { asyncDestinationStatements, createFailureRule, createFailureTopic, createInvokeConfig, destinationArn, DestinationTargets, successDestinationArn } from "./destinations";
import { CellScope, EventSourceKind, FailureQueueSender } from "./event-sources/kind";
import { moduleOf } from "./event-sources/registry";
import { codeArchive } from "./bundle";
import { createLambda, LambdaResources } from "./function";
import { createApi } from "./http-api";
import { allow, document, Statement } from "./iam";
import type { TokenVerification } from "./identity";
import { Names } from "./names";
import { DLQ_RETENTION_SECONDS, FAILURE_MAX_RECEIVE_COUNT, VISIBILITY_MULTIPLIER } from "./queues";
import { cellTags, Tags } from "./tags";
import { CELL_TYPE } from "./type-tokens";
import { CellRollout, createCellRollout } from "./rollout/cell-rollout";
import { createPreTrafficHook } from "./rollout/pre-traffic-hook";

export interface CellArgs {
    /** The cell's settings (validated by components/config). */
    settings: CellSettings;
    /** The stack's settings: names, tags, isolation, router mode. */
    stack: StackSettings;
    /** Account, region and partition (resolved during preview), to build ARNs that are known at preview. */
    context: pulumi.Output<AwsContext>;
    /** How the cell's own API (redirect mode) verifies tokens, and which claim names the tenant. */
    verification: TokenVerification;
    /** `ownership.json`: which cell owns which customer, shipped in every function of the cell. */
    ownership: string;
    /** Whom the cell's alarms notify. */
    alarmActions: AlarmActions;
    /**
     * Resources every child waits for: the gate of the previous deployment wave, so that a wave rolls out only
     * after the previous one has. @default [] (wave 0)
     */
    after?: pulumi.Resource[];
    /** The stack's CodeDeploy application and deployment config, which the cell's deployment group uses. */
    codedeploy: { application: aws.codedeploy.Application; deploymentConfigName: pulumi.Input<string> };
}

export class Cell extends pulumi.ComponentResource implements CellScope {
    readonly cellId: string;
    readonly settings: CellSettings;
    readonly names: Names;
    readonly context: pulumi.Output<AwsContext>;
    readonly tags: Tags;
    private readonly stack: StackSettings;
    private readonly after: pulumi.Resource[];
    readonly verification: TokenVerification;
    private readonly ownership: string;
    private readonly alarmActions: AlarmActions;

    readonly tableName: string;
    readonly table: aws.dynamodb.Table;
    readonly failureQueueName: string;
    readonly failureQueueUrl: pulumi.Output<string>;
    readonly failureQueue: aws.sqs.Queue;
    readonly lastResortQueue: aws.sqs.Queue;
    /** Where on-success records go, when `async.onSuccess` is `queue`: never the failure path. */
    readonly successQueue?: aws.sqs.Queue;
    readonly failureRetentionDays: number;
    readonly vpc?: CellNetwork;
    /** Every function of the cell, by kind, in the order they were created. */
    readonly functions = new Map<string, LambdaResources>();
    readonly api: LambdaResources;
    readonly apiAlias: aws.lambda.Alias;
    /** The role the API assumes, tagged with the request's tenant, to reach that tenant's items only. */
    readonly dataRole: aws.iam.Role;
    /** The cell's own endpoint (redirect mode only). */
    readonly endpoint?: pulumi.Output<string>;
    readonly failureHandler: LambdaResources;
    readonly alarms: aws.cloudwatch.MetricAlarm[];
    readonly dashboard: aws.cloudwatch.Dashboard;
    /** How the API's new versions take traffic: its deployment group and the deployment `pulumi up` runs. */
    readonly rollout: CellRollout;

    /** The alias-qualified name the router invokes. */
    readonly invokeName: string;

    constructor(name: string, args: CellArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(CELL_TYPE, name, {}, opts);
        this.settings = args.settings;
        this.cellId = args.settings.id;
        this.stack = args.stack;
        this.names = args.stack.names;
        this.context = args.context;
        this.tags = cellTags(args.stack, this.cellId);
        this.after = args.after ?? [];
        this.verification = args.verification;
        this.ownership = args.ownership;
        this.alarmActions = args.alarmActions;

        this.tableName = this.names.table(this.cellId);
        this.failureQueueName = this.names.failureQueue(this.cellId);
        this.failureQueueUrl = this.context.apply(ctx => new Arns(ctx).queueUrl(this.failureQueueName));
        this.failureRetentionDays = args.settings.failureHandler.retentionDays;

        this.table = this.createTable();
        this.lastResortQueue = this.createLastResortQueue();
        this.failureQueue = this.createFailureQueue();
        if (usesSuccessQueue(this.settings.async)) this.successQueue = this.createSuccessQueue();
        if (args.stack.isolation === "vpc") {
            this.vpc = createCellNetwork({ cellId: this.cellId, name: this.names.cell(this.cellId), context: this.context, tags: this.tags, opts: extra => this.opts(extra) });
        }

        for (const fn of cellFunctions(this.settings)) this.functions.set(fn.kind, this.createFunction(fn));
        this.api = this.functions.get(API_FUNCTION.kind)!;
        this.failureHandler = this.functions.get(FAILURE_HANDLER.kind)!;
        this.dataRole = this.createDataRole();
        this.invokeName = `${this.api.functionName}:${LIVE_ALIAS}`;
        this.apiAlias = this.createAlias();
        if (args.stack.router.mode === "redirect") this.endpoint = this.createEndpoint();

        this.drainFailureQueue();
        for (const kind of enabledSources(this.settings)) {
            const source = moduleOf(kind);
            source.wire(this, this.functions.get(source.function.kind)!, this.settings.eventSources[kind]);
        }
        const destinations = this.createFailureRouting();
        this.createInvokeConfigs(destinations);
        this.alarms = this.createAlarms();
        this.dashboard = this.createDashboard();
        this.rollout = this.createRollout(args.codedeploy);
        this.recordData();

        this.registerOutputs({
            cellId: this.cellId,
            wave: this.settings.wave,
            state: this.settings.state,
            eventSources: enabledSources(this.settings),
            tableName: this.tableName,
            functionName: this.api.functionName,
            invokeName: this.invokeName,
            ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        });
    }

    get network(): CellScope["network"] {
        return this.vpc ? { vpcId: this.vpc.vpc.id, subnetIds: this.vpc.subnetIds, securityGroupIds: this.vpc.securityGroupIds } : undefined;
    }

    get dataRoleName(): string {
        return this.names.cellDataRole(this.cellId);
    }

    enabled(kind: EventSourceKind): boolean {
        return this.settings.eventSources[kind].enabled;
    }

    opts(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { parent: this, ...extra, dependsOn: [...this.after, ...((extra.dependsOn as pulumi.Resource[] | undefined) ?? [])] };
    }

    get protectData(): boolean {
        return this.stack.protectData;
    }

    dataOpts(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return this.opts({ ...dataResourceOptions(this.stack.protectData), ...extra });
    }

    /** What the cell holds data in, for the next deployment's guard (components/data-shape.ts), once the core exists. */
    private recordData(): void {
        new aws.ssm.Parameter(`${this.cellId}-data-shape`, {
            name: this.names.dataParameter(this.cellId),
            type: "String",
            description: `What cell ${this.cellId} of ${this.names.prefix} holds data in (read before each deployment)`,
            value: encodeHeld(cellHolders(this.stack, this.settings)),
            tags: this.tags,
        }, this.opts({ dependsOn: [this.table, this.failureQueue, this.lastResortQueue] }));
    }

    private createTable(): aws.dynamodb.Table {
        const stream = enabledSources(this.settings).map(kind => moduleOf(kind).table?.streamViewType).find(v => v !== undefined);
        return new aws.dynamodb.Table(`${this.cellId}-table`, {
            name: this.tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: PARTITION_KEY,
            rangeKey: SORT_KEY,
            attributes: [{ name: PARTITION_KEY, type: "S" }, { name: SORT_KEY, type: "S" }],
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true },
            ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
            ...(stream ? { streamEnabled: true, streamViewType: stream } : {}),
            deletionProtectionEnabled: this.stack.protectData,
            tags: this.tags,
        }, this.dataOpts());
    }

    private createLastResortQueue(): aws.sqs.Queue {
        return new aws.sqs.Queue(`${this.cellId}-failures-last-resort`, {
            name: this.names.lastResortQueue(this.cellId),
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            tags: this.tags,
        }, this.dataOpts());
    }

    private createFailureQueue(): aws.sqs.Queue {
        return new aws.sqs.Queue(`${this.cellId}-failures`, {
            name: this.failureQueueName,
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            visibilityTimeoutSeconds: VISIBILITY_MULTIPLIER * this.settings.failureHandler.timeoutSeconds,
            redrivePolicy: this.context.apply(ctx => JSON.stringify({
                deadLetterTargetArn: new Arns(ctx).queue(this.names.lastResortQueue(this.cellId)),
                maxReceiveCount: FAILURE_MAX_RECEIVE_COUNT,
            })),
            tags: this.tags,
        }, this.dataOpts({ dependsOn: [this.lastResortQueue] }));
    }

    /** On-success records of the cell's asynchronous functions, kept for whoever wants them (nothing alarms on it). */
    private createSuccessQueue(): aws.sqs.Queue {
        return new aws.sqs.Queue(`${this.cellId}-successes`, {
            name: this.names.successQueue(this.cellId),
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            tags: this.tags,
        }, this.dataOpts());
    }

    /** Targets of this cell's destinations. */
    private get destinationTargets(): DestinationTargets {
        return {
            queueName: this.failureQueueName,
            topicName: this.names.failureTopic(this.cellId),
            failureHandlerName: this.names.cellFunction(this.cellId, FAILURE_HANDLER.kind),
            successQueueName: this.names.successQueue(this.cellId),
        };
    }

    /** The bucket of the cell, when its bucket source is on. */
    private bucketName(accountId: string): string {
        return this.names.bucket(this.cellId, accountId);
    }

    /** What a function needs besides its logs and tracing, by what it is. */
    private grantsOf(fn: CellFunction): { statements: (arns: Arns) => Statement[]; environment: Record<string, pulumi.Input<string>> } {
        if (fn.source !== undefined) {
            const source = moduleOf(fn.source);
            const settings = this.settings.eventSources[fn.source];
            return { statements: arns => source.grants(arns, this, settings), environment: source.environment?.(this, settings) ?? {} };
        }
        if (fn.kind === API_FUNCTION.kind) {
            const dataRole = this.names.cellDataRole(this.cellId);
            return {
                // No table access of its own: only the tenant's, through the data role.
                // ... and the live routing map (its ownership, components/control-plane.ts).
                statements: arns => [allow("AssumeTenantDataRole", ["sts:AssumeRole", "sts:TagSession"], [arns.role(dataRole)]), mapReadStatement(arns, this.names.controlTable())],
                environment: {
                    [ENV.dataRoleArn]: this.context.apply(ctx => new Arns(ctx).role(dataRole)),
                    [TENANT_CLAIM_ENV]: this.verification.tenantClaim,
                    [CONTROL_ENV.tableName]: this.names.controlTable(),
                },
            };
        }
        const withBucket = this.enabled("bucket");
        return {
            statements: arns => [
                allow("ConsumeFailureQueue", ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                    [arns.queue(this.failureQueueName)]),
                allow("RecordFailures", ["dynamodb:PutItem"], [arns.table(this.tableName)]),
                // Failed events too large for a table row are kept whole in the cell's bucket.
                ...(withBucket ? [allow("KeepLargeFailures", ["s3:PutObject"], [arns.bucketObjects(this.bucketName(arns.ctx.accountId), FAILURES_PREFIX)])] : []),
                ...(fn.invocation === "async" ? [allow("DeliverFailedEvents", ["sqs:SendMessage"], [arns.queue(this.names.lastResortQueue(this.cellId))])] : []),
            ],
            environment: {
                [ENV.failureRetentionDays]: String(this.failureRetentionDays),
                ...(withBucket ? { [ENV.bucketName]: this.context.accountId.apply(a => this.bucketName(a)) } : {}),
            },
        };
    }

    /**
     * One function of the cell (role, policy, log group, function) with the cell's environment; a function invoked
     * asynchronously also gets its retries and destinations, and the grants to deliver to them.
     */
    private createFunction(fn: CellFunction): LambdaResources {
        const { statements, environment } = this.grantsOf(fn);
        const targets = this.destinationTargets;
        // A source's async function reports to the cell's destinations; the failure handler's own failures go to
        // the last-resort queue, never back to itself (its grant to do so is among its own statements).
        const delivers = fn.invocation === "async" && fn.source !== undefined;
        const resources = createLambda({
            logicalName: `${this.cellId}-${fn.kind}`,
            functionName: this.names.cellFunction(this.cellId, fn.kind),
            names: this.names,
            handler: fn.handler,
            code: codeArchive(fn.handler, { [OWNERSHIP_FILE]: this.ownership }),
            settings: fn.settings,
            environment: {
                [ENV.cellId]: this.cellId,
                [ENV.tableName]: this.tableName,
                POWERTOOLS_SERVICE_NAME: fn.kind,
                POWERTOOLS_METRICS_NAMESPACE: "cellular",
                ...environment,
            },
            statements: arns => [...statements(arns), ...(delivers ? asyncDestinationStatements(this.settings.async, targets, arns) : [])],
            ctx: this.context,
            tags: this.tags,
            // Every function but the API (and a source's that serves tenants like it) works on records of many
            // tenants: the guardrails see that it is meant.
            ...(fn.kind === API_FUNCTION.kind || servesTenants(fn) ? {} : { roleTags: { [DATA_ACCESS_TAG]: SYSTEM_DATA_ACCESS } }),
            logRetentionDays: this.settings.logRetentionDays,
            publish: fn.kind === API_FUNCTION.kind,
            ...(this.vpc ? { vpc: this.vpc } : {}),
            parent: this,
            dependsOn: this.after,
        });
        return resources;
    }

    /**
     * The API's per-tenant data access: the API's role may assume this role only with a `tenant` session tag, and
     * this role may touch only items whose partition key is that tenant's (`dynamodb:LeadingKeys`). A Scan is not
     * limited by LeadingKeys, so it is not granted.
     */
    private createDataRole(): aws.iam.Role {
        const name = this.names.cellDataRole(this.cellId);
        const tenantFunctions = cellFunctions(this.settings).filter(servesTenants).map(f => this.functions.get(f.kind)!);
        const role = new aws.iam.Role(`${this.cellId}-tenant-role`, {
            name,
            description: `Tenant-scoped data access of cell ${this.cellId}, assumed by its API with the tenant as a session tag`,
            assumeRolePolicy: this.context.apply(ctx => JSON.stringify(tenantDataTrustPolicy(new Arns(ctx).role(this.api.roleName),
                ...tenantFunctions.map(f => new Arns(ctx).role(f.roleName))))),
            maxSessionDuration: 3600,
            tags: this.tags,
        }, this.opts({ dependsOn: [this.api.role, ...tenantFunctions.map(f => f.role)] }));
        new aws.iam.RolePolicy(`${this.cellId}-tenant-policy`, {
            role: role.name,
            name: "tenant-items",
            policy: this.context.apply(ctx => JSON.stringify(tenantDataPolicy(new Arns(ctx).table(this.tableName)))),
        }, this.opts());
        return role;
    }

    /**
     * The alias is created on the first published version; after that CodeDeploy moves it (components/rollout/), so
     * Pulumi ignores its version and routing, and never shifts traffic behind the deployment's back.
     */
    private createAlias(): aws.lambda.Alias {
        const alias = new aws.lambda.Alias(`${this.cellId}-api-live`, {
            name: LIVE_ALIAS,
            functionName: this.api.fn.name,
            functionVersion: this.api.fn.version,
            description: "The version the router (or the cell's endpoint) invokes; CodeDeploy moves it",
        }, this.opts({ ignoreChanges: ["functionVersion", "routingConfig"] }));
        if (this.settings.api.provisionedConcurrency > 0) {
            new aws.lambda.ProvisionedConcurrencyConfig(`${this.cellId}-api-provisioned`, {
                functionName: this.api.fn.name,
                qualifier: alias.name,
                provisionedConcurrentExecutions: this.settings.api.provisionedConcurrency,
            }, this.opts());
        }
        return alias;
    }

    /**
     * The API's deployment group and deployment: rolled back by the cell's errors and throttles alarms and, in invoke
     * mode, by the router's breaker alarm of the cell (created with the router; CodeDeploy reads alarms by name).
     */
    private createRollout(codedeploy: CellArgs["codedeploy"]): CellRollout {
        const rollbackAlarms = [
            ...ROLLBACK_ALARMS.map(what => this.names.alarm(this.cellId, what)),
            ...(this.stack.router.mode === "invoke" ? [this.names.breakerAlarm(this.cellId)] : []),
        ];
        const hook = this.stack.rollout.preTrafficHook ? createPreTrafficHook({
            cellId: this.cellId, names: this.names, context: this.context, tags: this.tags, apiFunction: this.api.functionName,
            version: this.api.fn.version, applicationName: this.names.codedeployApplication(), deploymentGroupName: this.names.deploymentGroup(this.cellId),
            logRetentionDays: this.settings.logRetentionDays, parent: this, dependsOn: this.after,
        }) : undefined;
        return createCellRollout({
            cellId: this.cellId, names: this.names, context: this.context, tags: this.tags, region: this.stack.region,
            rollout: this.stack.rollout, application: codedeploy.application, deploymentConfigName: codedeploy.deploymentConfigName,
            functionName: this.api.functionName, version: this.api.fn.version, alias: this.apiAlias, aliasName: LIVE_ALIAS,
            rollbackAlarms, alarmResources: this.alarms, opts: extra => this.opts(extra),
            ...(hook ? { hookFunction: hook.functionName, hookResources: [hook.fn, hook.policy] } : {}),
        });
    }

    /** Redirect mode: the cell's own HTTP API that the router redirects customers to. */
    private createEndpoint(): pulumi.Output<string> {
        const api = createApi({
            kind: "http",
            logicalName: `${this.cellId}-endpoint`,
            name: this.names.cellApi(this.cellId),
            names: this.names,
            functionName: this.api.fn.name,
            alias: this.apiAlias,
            throttle: this.stack.router.throttle,
            ...(corsOf(this.stack) ? { cors: corsOf(this.stack)! } : {}),
            verification: this.verification,
            logRetentionDays: this.settings.logRetentionDays,
            tags: this.tags,
            parent: this,
            dependsOn: this.after,
        });
        return api.url;
    }

    /**
     * The failure handler drains the failure queue: logs every failed event with its origin, counts and records it.
     * The poller is capped at the handler's reserved concurrency (at least 2, config checks it), so no batch is
     * throttled back into the queue and counted towards the move to the last-resort queue.
     */
    private drainFailureQueue(): void {
        const fn = this.failureHandler;
        new aws.lambda.EventSourceMapping(`${this.cellId}-failure-handler-mapping`, {
            eventSourceArn: this.failureQueue.arn,
            functionName: fn.fn.arn,
            batchSize: 10,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: this.settings.failureHandler.reservedConcurrency },
            tags: this.tags,
        }, this.opts({ dependsOn: [fn.policy] }));
    }

    /**
     * The failure queue accepts deliveries from this cell's SNS subscriptions and EventBridge targets (their
     * dead-letter queues) and, for the topic and bus destinations, the records routed to it.
     */
    private createFailureRouting(): Partial<Record<DestinationKind, pulumi.Resource>> {
        const destinations: Partial<Record<DestinationKind, pulumi.Resource>> = {
            queue: this.failureQueue,
            function: this.failureHandler.fn,
        };
        const senders: FailureQueueSender[] = [];
        const targets = this.destinationTargets;
        const async = this.settings.async;
        if (usesDestination(async, "topic")) {
            destinations.topic = createFailureTopic({
                logicalName: this.cellId, topicName: targets.topicName, failureQueue: this.failureQueue,
                tags: this.tags, parent: this, dependsOn: this.after,
            }).topic;
            senders.push({ service: "sns.amazonaws.com", arn: arns => arns.topic(targets.topicName) });
        }
        if (usesDestination(async, "bus")) {
            const ruleName = this.names.failureRule(this.cellId);
            createFailureRule({
                logicalName: this.cellId, failureQueue: this.failureQueue, ruleName,
                functionArns: [...this.functions.values()].map(f => this.context.apply(ctx => new Arns(ctx).function(f.functionName))),
                tags: this.tags, parent: this, dependsOn: this.after,
            });
            senders.push({ service: "events.amazonaws.com", arn: arns => arns.eventRule(ruleName) });
        }
        for (const kind of enabledSources(this.settings)) {
            senders.push(...(moduleOf(kind).failureQueueSenders?.(this.names, this.cellId, this.settings.eventSources[kind]) ?? []));
        }
        if (senders.length === 0) return destinations;
        new aws.sqs.QueuePolicy(`${this.cellId}-failures-policy`, {
            queueUrl: this.failureQueue.url,
            policy: this.context.apply(ctx => {
                const arns = new Arns(ctx);
                const byService = new Map<string, string[]>();
                for (const s of senders) byService.set(s.service, [...(byService.get(s.service) ?? []), s.arn(arns)]);
                return JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [...byService].map(([service, sourceArns]) => ({
                        Sid: `From${service.split(".")[0]!.toUpperCase()}`,
                        Effect: "Allow",
                        Principal: { Service: service },
                        Action: "sqs:SendMessage",
                        Resource: arns.queue(this.failureQueueName),
                        Condition: { ArnEquals: { "aws:SourceArn": [...new Set(sourceArns)] } },
                    })),
                });
            }),
        }, this.opts());
        return destinations;
    }

    /**
     * Retries and destinations of every asynchronously invoked function, once what they deliver to exists: Lambda
     * checks a destination when the config is put, and the provider retries that for two minutes only. A source's
     * function reports to the cell's destinations; the failure handler's own failures go to the last-resort queue,
     * never back to itself.
     */
    private createInvokeConfigs(destinations: Partial<Record<DestinationKind, pulumi.Resource>>): void {
        const targets = this.destinationTargets;
        const async = this.settings.async;
        const onSuccess = async.onSuccess;
        for (const fn of cellFunctions(this.settings)) {
            if (fn.invocation !== "async") continue;
            // The failure handler's own failures go to the last-resort queue, and it has no on-success destination:
            // its successes are the failure path working, and would only pile up there.
            const delivers = fn.source !== undefined;
            createInvokeConfig({
                logicalName: `${this.cellId}-${fn.kind}`,
                fn: this.functions.get(fn.kind)!,
                settings: async,
                ...(delivers
                    ? {
                        onFailureArn: this.context.apply(ctx => destinationArn(async.onFailure, targets, new Arns(ctx))),
                        ...(onSuccess === "none" ? {} : { onSuccessArn: this.context.apply(ctx => successDestinationArn(onSuccess, targets, new Arns(ctx))) }),
                    }
                    : { onFailureArn: this.lastResortQueue.arn }),
                parent: this,
                dependsOn: [...this.after, ...(delivers
                    ? [...(destinations[async.onFailure] ? [destinations[async.onFailure]!] : []), ...(this.successQueue ? [this.successQueue] : [])]
                    : [this.lastResortQueue])],
            });
        }
    }

    /** Queues whose waiting messages are failed events: the failure queues and the sources' dead-letter queues. */
    private failedEventQueues(): string[] {
        return [
            this.failureQueueName,
            this.names.lastResortQueue(this.cellId),
            ...enabledSources(this.settings).flatMap(kind => moduleOf(kind).failedEventQueues?.(this.names, this.cellId, this.settings.eventSources[kind]) ?? []),
        ];
    }

    private createAlarms(): aws.cloudwatch.MetricAlarm[] {
        const functionNames = [...this.functions.values()].map(f => f.functionName);
        const lambdaSum = (metric: string) => [
            ...functionNames.map((fn, i) => ({
                id: `m${i}`,
                metric: { namespace: "AWS/Lambda", metricName: metric, dimensions: { FunctionName: fn }, period: 300, stat: "Sum" },
                returnData: false,
            })),
            { id: "total", expression: `SUM([${functionNames.map((_, i) => `m${i}`).join(",")}])`, label: `${metric} of every function of the cell`, returnData: true },
        ];
        const queues = this.failedEventQueues();
        const alarm = (what: (typeof CELL_ALARMS)[number], description: string, metricQueries: aws.types.input.cloudwatch.MetricAlarmMetricQuery[]) =>
            new aws.cloudwatch.MetricAlarm(`${this.cellId}-${what}-alarm`, {
                name: this.names.alarm(this.cellId, what),
                alarmDescription: description,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                metricQueries,
                ...this.alarmActions,
                tags: this.tags,
            }, this.opts());
        return [
            alarm("errors", `Functions of cell ${this.cellId} raised errors`, lambdaSum("Errors")),
            alarm("throttles", `Functions of cell ${this.cellId} were throttled (reserved concurrency reached)`, lambdaSum("Throttles")),
            alarm("failed-events", `Events of cell ${this.cellId} are waiting in a failure or dead-letter queue`, [
                ...queues.map((q, i) => ({
                    id: `q${i}`,
                    metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: q }, period: 300, stat: "Maximum" },
                    returnData: false,
                })),
                { id: "waiting", expression: `SUM([${queues.map((_, i) => `q${i}`).join(",")}])`, label: "Messages waiting in the cell's failure queues", returnData: true },
            ]),
        ];
    }

    private createDashboard(): aws.cloudwatch.Dashboard {
        const fns = [...this.functions.values()].map(f => f.functionName);
        const queues = [this.failureQueueName, this.names.lastResortQueue(this.cellId)];
        return new aws.cloudwatch.Dashboard(`${this.cellId}-dashboard`, {
            dashboardName: this.names.dashboard(this.cellId),
            dashboardBody: this.context.apply(ctx => JSON.stringify(cellDashboard(ctx.region, this.cellId, fns, this.tableName, queues))),
        }, this.opts());
    }
}

/**
 * A per-cell dashboard: one row per function, then the table and the failure queues, then what the router counted
 * for the cell (routed, shed, breaker-open, timeouts). Linear in the functions.
 */
/** The stack's CORS policy, which the cells' own APIs (redirect mode) share with the router's. */
function corsOf(stack: StackSettings) {
    return corsPolicy(stack.router.cors);
}

/** The tag that says a role works on records of many tenants on purpose (policies: tenant-scoped-data-access). */
export const DATA_ACCESS_TAG = "data-access";
export const SYSTEM_DATA_ACCESS = "system";

/** The item actions the cell API uses, each limited to the tenant's partition. */
export const TENANT_ITEM_ACTIONS = ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"];

/** Whether a cell function serves one tenant per request with the tenant's credentials (beside the API). */
function servesTenants(fn: CellFunction): boolean {
    return fn.source !== undefined && moduleOf(fn.source).function.servesTenants === true;
}

/**
 * Who may assume a cell's tenant data role: the cell's API role (and the roles of the other functions that serve
 * tenants like it), and only with a non-empty `tenant` session tag.
 */
export function tenantDataTrustPolicy(apiRoleArn: string, ...otherRoleArns: string[]): object {
    const principal = otherRoleArns.length === 0 ? { AWS: apiRoleArn } : { AWS: [apiRoleArn, ...otherRoleArns] };
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AssumeForOneTenant", Effect: "Allow", Principal: principal, Action: "sts:AssumeRole",
                Condition: { StringLike: { [`aws:RequestTag/${TENANT_TAG}`]: "?*" } } },
            { Sid: "TagTheTenant", Effect: "Allow", Principal: principal, Action: "sts:TagSession",
                Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [TENANT_TAG] } } },
        ],
    };
}

/** The items of the session's tenant, and nothing else of the table. */
export function tenantDataPolicy(tableArn: string): object {
    const { pk } = keys.customerItems(`\${aws:PrincipalTag/${TENANT_TAG}}`);
    return document([{
        ...allow("OwnTenantItemsOnly", TENANT_ITEM_ACTIONS, [tableArn]),
        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [pk] } },
    }]);
}

/** A per-cell dashboard: one row per function, then the table and the failure queues. Linear in the functions. */
export function cellDashboard(region: string, cellId: string, functionNames: string[], tableName: string, queues: string[]): { widgets: object[] } {
    const widgets: object[] = [{
        type: "text", x: 0, y: 0, width: 24, height: 1,
        properties: { markdown: `## Cell ${cellId}` },
    }];
    let y = 1;
    for (const fn of functionNames) {
        const metric = (name: string, stat: string) => ["AWS/Lambda", name, "FunctionName", fn, { stat }];
        widgets.push(
            { type: "metric", x: 0, y, width: 8, height: 5, properties: { title: `${fn}: invocations and errors`, region, metrics: [metric("Invocations", "Sum"), metric("Errors", "Sum"), metric("Throttles", "Sum")] } },
            { type: "metric", x: 8, y, width: 8, height: 5, properties: { title: `${fn}: duration`, region, metrics: [metric("Duration", "p50"), metric("Duration", "p99")] } },
            { type: "metric", x: 16, y, width: 8, height: 5, properties: { title: `${fn}: concurrency`, region, metrics: [metric("ConcurrentExecutions", "Maximum")] } },
        );
        y += 5;
    }
    widgets.push(
        { type: "metric", x: 0, y, width: 12, height: 5, properties: { title: `${tableName}: requests`, region, metrics: [
            ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", tableName, { stat: "Sum" }],
            ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", tableName, { stat: "Sum" }],
            ["AWS/DynamoDB", "ThrottledRequests", "TableName", tableName, { stat: "Sum" }],
        ] } },
        { type: "metric", x: 12, y, width: 12, height: 5, properties: { title: "Failure queues: waiting messages", region, metrics:
            queues.map(q => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q, { stat: "Maximum" }]) } },
        { type: "metric", x: 0, y: y + 5, width: 24, height: 5, properties: { title: `The router's view of ${cellId}`, region, metrics:
            Object.values(ROUTER_METRICS).map(m => [METRICS_NAMESPACE, m, CELL_DIMENSION, cellId, { stat: "Sum" }]) } },
    );
    return { widgets };
}
