/**
 * `Cell` (`cellular:index:Cell`): a complete, isolated copy of the workload. It shares no state with any other
 * cell: its own DynamoDB table, API function (with reserved and optional provisioned concurrency), least-privilege
 * roles, log groups, failure queue, event sources, alarms, dashboard and cost tags.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { ENV, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from "../handlers/lib/table";
import { Arns, AwsContext } from "./arns";
import { CellConfig, CellularConfig, cellFunctions } from "./config";
import { asyncDestinationStatements, createFailureRule, createFailureTopic, createInvokeConfig, destinationArn, DestinationTargets, usesDestination } from "./destinations";
import { createEventSources, DLQ_RETENTION_SECONDS, EventSourceResources, FAILURES_PREFIX, VISIBILITY_MULTIPLIER } from "./event-sources";
import { createApi } from "./http-api";
import { createLambda, LambdaResources, LIVE_ALIAS, VpcPlacement } from "./function";
import { allow, Statement } from "./iam";
import { CellFunctionKind, Names } from "./names";
import { cellTags, Tags } from "./tags";

export const CELL_TYPE = "cellular:index:Cell";

/** Receives of a failure-queue message before it moves to the last-resort queue. */
export const FAILURE_MAX_RECEIVE_COUNT = 5;

export interface CellArgs {
    /** The cell's settings (validated by components/config.ts). */
    cell: CellConfig;
    /** The stack's settings: names, tags, isolation, router mode. */
    stack: CellularConfig;
    /** Account, region and partition (resolved during preview), to build ARNs that are known at preview. */
    context: pulumi.Output<AwsContext>;
    /**
     * Resources every child waits for: the gate of the previous deployment wave, so that a wave rolls out only
     * after the previous one has. @default [] (wave 0)
     */
    after?: pulumi.Resource[];
}

/** What the event sources and destinations need to know about their cell. */
export interface CellScope {
    readonly parent: pulumi.Resource;
    readonly cell: CellConfig;
    readonly stack: CellularConfig;
    readonly names: Names;
    readonly context: pulumi.Output<AwsContext>;
    readonly tags: Tags;
    readonly tableName: string;
    readonly table: aws.dynamodb.Table;
    readonly failureQueue: aws.sqs.Queue;
    readonly failureQueueName: string;
    readonly after: pulumi.Resource[];
    readonly vpc?: VpcPlacement;
    /** A function of this cell (role, policy, log group, function), with the cell's environment. */
    lambda(kind: CellFunctionKind, handler: string, settings: CellConfig["api"] | CellConfig["failureHandler"],
        statements: (arns: Arns) => Statement[], environment?: Record<string, pulumi.Input<string>>,
        publish?: boolean): LambdaResources;
    /** As `lambda`, for a function invoked asynchronously: adds its destinations and their grants. */
    asyncLambda(kind: CellFunctionKind, handler: string, settings: CellConfig["failureHandler"],
        statements: (arns: Arns) => Statement[], environment?: Record<string, pulumi.Input<string>>): LambdaResources;
}

export class Cell extends pulumi.ComponentResource implements CellScope {
    readonly cellId: string;
    readonly cell: CellConfig;
    readonly stack: CellularConfig;
    readonly names: Names;
    readonly context: pulumi.Output<AwsContext>;
    readonly tags: Tags;
    readonly after: pulumi.Resource[];
    readonly parent: pulumi.Resource = this;

    readonly tableName: string;
    readonly table: aws.dynamodb.Table;
    readonly failureQueueName: string;
    readonly failureQueue: aws.sqs.Queue;
    readonly lastResortQueue: aws.sqs.Queue;
    readonly vpc?: VpcPlacement;
    readonly api: LambdaResources;
    readonly apiAlias: aws.lambda.Alias;
    /** The cell's own endpoint (redirect mode only). */
    readonly endpoint?: pulumi.Output<string>;
    readonly eventSources: EventSourceResources;
    readonly failureHandler: LambdaResources;
    readonly functions: LambdaResources[] = [];
    readonly alarms: aws.cloudwatch.MetricAlarm[];
    readonly dashboard: aws.cloudwatch.Dashboard;

    /** The alias-qualified name the router invokes. */
    readonly invokeName: string;

    constructor(name: string, args: CellArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(CELL_TYPE, name, {}, opts);
        this.cell = args.cell;
        this.cellId = args.cell.id;
        this.stack = args.stack;
        this.names = args.stack.names;
        this.context = args.context;
        this.tags = cellTags(args.stack, args.cell.id);
        this.after = args.after ?? [];

        this.tableName = this.names.table(this.cellId);
        this.failureQueueName = this.names.failureQueue(this.cellId);

        this.table = this.createTable();
        this.lastResortQueue = this.createLastResortQueue();
        this.failureQueue = this.createFailureQueue();
        if (args.stack.isolation === "vpc") this.vpc = this.createNetwork();

        this.api = this.lambda("api", "cell-api", this.cell.api, arns => [
            allow("ReadWriteOwnTable", ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                [arns.table(this.tableName)]),
        ], {}, true);
        this.invokeName = `${this.api.functionName}:${LIVE_ALIAS}`;
        this.apiAlias = this.createAlias();
        if (args.stack.router.mode === "redirect") this.endpoint = this.createEndpoint();

        this.failureHandler = this.createFailureHandler();
        this.eventSources = createEventSources(this);
        this.createFailureRouting();
        this.alarms = this.createAlarms();
        this.dashboard = this.createDashboard();

        this.registerOutputs({
            cellId: this.cellId,
            wave: this.cell.wave,
            state: this.cell.state,
            tableName: this.tableName,
            functionName: this.api.functionName,
            invokeName: this.invokeName,
            ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        });
    }

    private opts(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { parent: this, ...extra, dependsOn: [...this.after, ...((extra.dependsOn as pulumi.Resource[] | undefined) ?? [])] };
    }

    private createTable(): aws.dynamodb.Table {
        const stream = this.cell.eventSources.tableStream.enabled;
        return new aws.dynamodb.Table(`${this.cellId}-table`, {
            name: this.tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: PARTITION_KEY,
            rangeKey: SORT_KEY,
            attributes: [{ name: PARTITION_KEY, type: "S" }, { name: SORT_KEY, type: "S" }],
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true },
            ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
            // The consumer reads only the keys of a change; it needs no item images.
            ...(stream ? { streamEnabled: true, streamViewType: "KEYS_ONLY" } : {}),
            tags: this.tags,
        }, this.opts());
    }

    private createLastResortQueue(): aws.sqs.Queue {
        return new aws.sqs.Queue(`${this.cellId}-failures-last-resort`, {
            name: this.names.lastResortQueue(this.cellId),
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            tags: this.tags,
        }, this.opts());
    }

    private createFailureQueue(): aws.sqs.Queue {
        return new aws.sqs.Queue(`${this.cellId}-failures`, {
            name: this.failureQueueName,
            sqsManagedSseEnabled: true,
            messageRetentionSeconds: DLQ_RETENTION_SECONDS,
            visibilityTimeoutSeconds: VISIBILITY_MULTIPLIER * this.cell.failureHandler.timeoutSeconds,
            redrivePolicy: this.context.apply(ctx => JSON.stringify({
                deadLetterTargetArn: new Arns(ctx).queue(this.names.lastResortQueue(this.cellId)),
                maxReceiveCount: FAILURE_MAX_RECEIVE_COUNT,
            })),
            tags: this.tags,
        }, this.opts({ dependsOn: [this.lastResortQueue] }));
    }

    /** Its own VPC (no NAT gateways: no internet), with gateway endpoints for DynamoDB and S3. */
    private createNetwork(): VpcPlacement {
        const region = this.context.region;
        const vpc = new awsx.ec2.Vpc(`${this.cellId}-vpc`, {
            cidrBlock: "10.0.0.0/16",
            numberOfAvailabilityZones: 2,
            natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
            subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
            subnetSpecs: [{ type: awsx.ec2.SubnetType.Isolated, cidrMask: 20 }],
            vpcEndpointStrategy: awsx.ec2.VpcEndpointStrategy.Auto,
            vpcEndpointSpecs: [
                { serviceName: pulumi.interpolate`com.amazonaws.${region}.dynamodb` as unknown as string, vpcEndpointType: "Gateway" },
                { serviceName: pulumi.interpolate`com.amazonaws.${region}.s3` as unknown as string, vpcEndpointType: "Gateway" },
            ],
            tags: { ...this.tags, Name: this.names.cell(this.cellId) },
        }, this.opts());
        const securityGroup = new aws.ec2.SecurityGroup(`${this.cellId}-functions-sg`, {
            vpcId: vpc.vpcId,
            description: `Functions of cell ${this.cellId}: HTTPS out to the VPC endpoints only`,
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs through gateway endpoints" }],
            tags: this.tags,
        }, this.opts());
        return { subnetIds: vpc.isolatedSubnetIds, securityGroupIds: [securityGroup.id] };
    }

    lambda(kind: CellFunctionKind, handler: string, settings: CellConfig["api"] | CellConfig["failureHandler"],
        statements: (arns: Arns) => Statement[], environment: Record<string, pulumi.Input<string>> = {},
        publish = false): LambdaResources {
        const fn = createLambda({
            logicalName: `${this.cellId}-${kind}`,
            functionName: this.names.cellFunction(this.cellId, kind),
            handler,
            settings,
            environment: {
                [ENV.cellId]: this.cellId,
                [ENV.tableName]: this.tableName,
                POWERTOOLS_SERVICE_NAME: kind,
                POWERTOOLS_METRICS_NAMESPACE: "cellular",
                ...environment,
            },
            statements,
            ctx: this.context,
            tags: this.tags,
            logRetentionDays: this.cell.logRetentionDays,
            publish,
            ...(this.vpc ? { vpc: this.vpc } : {}),
            parent: this,
            dependsOn: this.after,
        });
        this.functions.push(fn);
        return fn;
    }

    /** Targets of this cell's destinations. */
    get destinationTargets(): DestinationTargets {
        return {
            queueName: this.failureQueueName,
            topicName: `${this.names.cell(this.cellId)}-failure-events`,
            failureHandlerName: this.names.cellFunction(this.cellId, "failure-handler"),
        };
    }

    asyncLambda(kind: CellFunctionKind, handler: string, settings: CellConfig["failureHandler"],
        statements: (arns: Arns) => Statement[], environment: Record<string, pulumi.Input<string>> = {}): LambdaResources {
        const targets = this.destinationTargets;
        const fn = this.lambda(kind, handler, settings, arns => [
            ...statements(arns),
            ...asyncDestinationStatements(this.cell.async, targets, arns),
        ], environment);
        createInvokeConfig({
            logicalName: `${this.cellId}-${kind}`,
            fn,
            settings: this.cell.async,
            arn: kind2 => this.context.apply(ctx => destinationArn(kind2, targets, new Arns(ctx))),
            parent: this,
            dependsOn: this.after,
        });
        return fn;
    }

    private createAlias(): aws.lambda.Alias {
        const alias = new aws.lambda.Alias(`${this.cellId}-api-live`, {
            name: LIVE_ALIAS,
            functionName: this.api.fn.name,
            functionVersion: this.api.fn.version,
            description: "The version the router (or the cell's endpoint) invokes",
        }, this.opts());
        if (this.cell.api.provisionedConcurrency > 0) {
            new aws.lambda.ProvisionedConcurrencyConfig(`${this.cellId}-api-provisioned`, {
                functionName: this.api.fn.name,
                qualifier: alias.name,
                provisionedConcurrentExecutions: this.cell.api.provisionedConcurrency,
            }, this.opts());
        }
        return alias;
    }

    /** Redirect mode: the cell's own HTTP API that the router redirects customers to. */
    private createEndpoint(): pulumi.Output<string> {
        const api = createApi({
            kind: "http",
            logicalName: `${this.cellId}-endpoint`,
            name: `${this.names.cell(this.cellId)}-api`,
            functionName: this.api.fn.name,
            alias: this.apiAlias,
            throttle: this.stack.router.throttle,
            logRetentionDays: this.cell.logRetentionDays,
            tags: this.tags,
            parent: this,
            dependsOn: this.after,
        });
        return api.url;
    }

    /** Drains the failure queue: logs every failed event with its origin, counts it, and records it in the table. */
    private createFailureHandler(): LambdaResources {
        const invokedAsync = usesDestination(this.cell.async, "function");
        const withBucket = this.cell.eventSources.bucket.enabled;
        const bucketOf = (accountId: string) => this.names.bucket(this.cellId, accountId);
        const fn = this.lambda("failure-handler", "failure-handler", this.cell.failureHandler, arns => [
            allow("ConsumeFailureQueue", ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                [arns.queue(this.failureQueueName)]),
            allow("RecordFailures", ["dynamodb:PutItem"], [arns.table(this.tableName)]),
            // Failed events too large for a table row are kept whole in the cell's bucket.
            ...(withBucket ? [allow("KeepLargeFailures", ["s3:PutObject"], [arns.bucketObjects(bucketOf(arns.ctx.accountId), FAILURES_PREFIX)])] : []),
            ...(invokedAsync ? [allow("DeliverFailedEvents", ["sqs:SendMessage"], [arns.queue(this.names.lastResortQueue(this.cellId))])] : []),
        ], withBucket ? { [ENV.bucketName]: this.context.accountId.apply(bucketOf) } : {});
        new aws.lambda.EventSourceMapping(`${this.cellId}-failure-handler-mapping`, {
            eventSourceArn: this.failureQueue.arn,
            functionName: fn.fn.arn,
            batchSize: 10,
            functionResponseTypes: ["ReportBatchItemFailures"],
            tags: this.tags,
        }, this.opts({ dependsOn: [fn.policy] }));
        if (invokedAsync) {
            // Destination "function": the failure handler is invoked asynchronously with each record; what it
            // cannot handle goes to the last-resort queue, never back to itself.
            createInvokeConfig({
                logicalName: `${this.cellId}-failure-handler`,
                fn,
                settings: this.cell.async,
                onFailureArn: this.lastResortQueue.arn,
                arn: () => this.lastResortQueue.arn,
                parent: this,
                dependsOn: this.after,
            });
        }
        return fn;
    }

    /**
     * The failure queue accepts deliveries from this cell's SNS subscriptions and EventBridge targets (their
     * dead-letter queues) and, for the topic and bus destinations, the records routed to it.
     */
    private createFailureRouting(): void {
        const sources: Array<{ service: string; arn: (arns: Arns) => string }> = [];
        const targets = this.destinationTargets;
        const async = this.cell.async;
        if (usesDestination(async, "topic")) {
            createFailureTopic({
                logicalName: this.cellId, topicName: targets.topicName, failureQueue: this.failureQueue,
                tags: this.tags, parent: this, dependsOn: this.after,
            });
            sources.push({ service: "sns.amazonaws.com", arn: arns => arns.topic(targets.topicName) });
        }
        if (usesDestination(async, "bus")) {
            const ruleName = `${this.names.cell(this.cellId)}-failure-records`;
            createFailureRule({
                logicalName: this.cellId, failureQueue: this.failureQueue, ruleName,
                functionArns: this.functions.map(f => this.context.apply(ctx => new Arns(ctx).function(f.functionName))),
                tags: this.tags, parent: this, dependsOn: this.after,
            });
            sources.push({ service: "events.amazonaws.com", arn: arns => arns.eventRule(ruleName) });
        }
        sources.push(...this.eventSources.failureQueueSenders);
        if (sources.length === 0) return;
        new aws.sqs.QueuePolicy(`${this.cellId}-failures-policy`, {
            queueUrl: this.failureQueue.url,
            policy: this.context.apply(ctx => {
                const arns = new Arns(ctx);
                const byService = new Map<string, string[]>();
                for (const s of sources) byService.set(s.service, [...(byService.get(s.service) ?? []), s.arn(arns)]);
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
    }

    private createAlarms(): aws.cloudwatch.MetricAlarm[] {
        const functionNames = cellFunctions(this.cell).map(f => this.names.cellFunction(this.cellId, f.kind));
        const lambdaSum = (metric: string) => [
            ...functionNames.map((fn, i) => ({
                id: `m${i}`,
                metric: { namespace: "AWS/Lambda", metricName: metric, dimensions: { FunctionName: fn }, period: 300, stat: "Sum" },
                returnData: false,
            })),
            { id: "total", expression: `SUM([${functionNames.map((_, i) => `m${i}`).join(",")}])`, label: `${metric} of every function of the cell`, returnData: true },
        ];
        const queues = [this.failureQueueName, this.names.lastResortQueue(this.cellId)];
        if (this.cell.eventSources.queue.enabled) queues.push(this.names.sourceQueueDlq(this.cellId, this.cell.eventSources.queue.fifo));
        const alarm = (what: string, description: string, metricQueries: aws.types.input.cloudwatch.MetricAlarmMetricQuery[]) =>
            new aws.cloudwatch.MetricAlarm(`${this.cellId}-${what}-alarm`, {
                name: this.names.alarm(this.cellId, what),
                alarmDescription: description,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                metricQueries,
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
        const fns = cellFunctions(this.cell).map(f => this.names.cellFunction(this.cellId, f.kind));
        const queues = [this.failureQueueName, this.names.lastResortQueue(this.cellId)];
        return new aws.cloudwatch.Dashboard(`${this.cellId}-dashboard`, {
            dashboardName: this.names.dashboard(this.cellId),
            dashboardBody: this.context.apply(ctx => JSON.stringify(cellDashboard(ctx.region, this.cellId, fns, this.tableName, queues))),
        }, this.opts());
    }
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
    );
    return { widgets };
}
