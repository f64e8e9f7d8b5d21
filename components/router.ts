/**
 * `CellRouter` (`cellular:index:CellRouter`): API Gateway in front of a thin router function that maps a customer
 * id to its cell and either invokes the cell's function (`invoke`, default) or redirects to the cell's own
 * endpoint (`redirect`). The routing table travels in the router's code package, so routing needs no call to
 * any other service: if everything but the router is down, routing still works.
 *
 * In invoke mode the routing table carries each cell's time budget and the environment the breakers' thresholds
 * (handlers/router.ts); each cell gets an alarm for breakers that stay open, and the router a dashboard of its
 * concurrency and its per-cell metrics.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BREAKER_ENV } from "../handlers/lib/breaker";
import { METRICS_NAMESPACE } from "../handlers/lib/events-env";
import { LIVE_ALIAS } from "../handlers/lib/identifiers";
import { CORS_ENV } from "../handlers/lib/cors";
import { AUTHORIZER_ENV, TENANT_CLAIM_ENV } from "../handlers/lib/tenant";
import { buildRoutingTable } from "../handlers/lib/routing";
import { CELL_DIMENSION, ROUTER_METRICS } from "../handlers/lib/router-metrics";
import { ROUTING_TABLE_FILE, RoutingTable } from "../handlers/lib/routing-table";
import { Arns, AwsContext } from "./arns";
import { codeArchive } from "./bundle";
import { Cell } from "./cell";
import { corsPolicy } from "./config/cors-settings";
import type { StackSettings } from "./config/stack-settings";
import type { AlarmActions } from "./alarm-topic";
import { createApi } from "./http-api";
import type { TokenVerification } from "./identity";
import { createLambda, LambdaResources } from "./function";
import { cellAliasArn, invokeDocument, invokeGrantShards } from "./router-grants";
import { sharedTags, Tags } from "./tags";
import { ROUTER_TYPE } from "./type-tokens";
import { mapReadStatement } from "./control-plane";
import { CONTROL_ENV } from "../handlers/lib/control-map";

export interface CellRouterArgs {
    /** The stack's settings (router mode, API kind, throttling, pins, names, tags). */
    settings: StackSettings;
    /** The cells, in their configured order (the order is part of the hash scheme). */
    cells: Cell[];
    /** Account, region and partition, to build the invoke grants as documents known at preview. */
    context: pulumi.Output<AwsContext>;
    /** How the API verifies the tokens every route requires, and which claim names the tenant. */
    verification: TokenVerification;
    /** Whom the breaker alarms notify. */
    alarmActions: AlarmActions;
}

/** The REST authorizer: a token check and, once an instance is warm, no network call (its key set is cached). */
const AUTHORIZER_MEMORY_MB = 256;
const AUTHORIZER_TIMEOUT_SECONDS = 10;

export class CellRouter extends pulumi.ComponentResource {
    readonly fn: LambdaResources;
    readonly alias: aws.lambda.Alias;
    /** Where clients send requests: `<url>/customers/{customerId}/...`. */
    readonly url: pulumi.Output<string>;
    readonly invokePolicies: aws.iam.Policy[] = [];
    /** Invoke mode: one per cell, in cell order, firing when the cell's breakers stay open. */
    readonly breakerAlarms: aws.cloudwatch.MetricAlarm[] = [];
    readonly dashboard: aws.cloudwatch.Dashboard;
    private readonly tags: Tags;

    constructor(name: string, args: CellRouterArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(ROUTER_TYPE, name, {}, opts);
        const { settings, cells } = args;
        this.tags = sharedTags(settings);
        const router = settings.router;
        const functionName = settings.names.routerFunction();
        const cors = corsPolicy(router.cors);

        this.fn = createLambda({
            logicalName: `${name}`,
            functionName,
            names: settings.names,
            handler: "router",
            code: this.code(args),
            settings: router,
            environment: {
                POWERTOOLS_SERVICE_NAME: "router",
                POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
                [BREAKER_ENV.failureThreshold]: String(router.breaker.failureThreshold),
                [BREAKER_ENV.coolDownSeconds]: String(router.breaker.coolDownSeconds),
                [TENANT_CLAIM_ENV]: args.verification.tenantClaim,
                // Behind a REST API the router adds the CORS headers itself; an HTTP API adds them to its answers.
                ...(cors && router.api === "rest" ? { [CORS_ENV]: JSON.stringify(cors) } : {}),
                [CONTROL_ENV.tableName]: settings.names.controlTable(),
            },
            // Beyond logs and tracing: reading the live routing map, and invoking the cells (managed policies below).
            statements: arns => [mapReadStatement(arns, settings.names.controlTable())],
            ctx: args.context,
            tags: this.tags,
            logRetentionDays: router.logRetentionDays,
            publish: true,
            parent: this,
        });
        const grants = router.mode === "invoke" ? this.createInvokeGrants(name, args) : [];

        this.alias = new aws.lambda.Alias(`${name}-live`, {
            name: LIVE_ALIAS,
            functionName: this.fn.fn.name,
            functionVersion: this.fn.fn.version,
            description: "The version API Gateway invokes",
        }, { parent: this, dependsOn: grants });
        if (router.provisionedConcurrency > 0) {
            new aws.lambda.ProvisionedConcurrencyConfig(`${name}-provisioned`, {
                functionName: this.fn.fn.name,
                qualifier: this.alias.name,
                provisionedConcurrentExecutions: router.provisionedConcurrency,
            }, { parent: this });
        }
        const loggingAccount = router.api === "rest" ? this.createRestLoggingRole(name, settings) : undefined;
        const authorizer = router.api === "rest" && args.verification.userPoolArn === undefined
            ? this.createAuthorizer(name, args) : undefined;
        const api = createApi({
            kind: router.api,
            logicalName: name,
            name: settings.names.api(),
            names: settings.names,
            functionName: this.fn.fn.name,
            alias: this.alias,
            throttle: router.throttle,
            ...(cors ? { cors } : {}),
            verification: args.verification,
            ...(authorizer ? { authorizer } : {}),
            ...(loggingAccount ? { loggingAccount } : {}),
            logRetentionDays: router.logRetentionDays,
            tags: this.tags,
            parent: this,
        });
        this.url = api.url;
        if (router.mode === "invoke") this.createBreakerAlarms(name, args);
        this.dashboard = this.createDashboard(name, args);
        this.registerOutputs({ url: this.url, functionName, mode: router.mode, cells: cells.length });
    }

    /** The router bundle plus its routing table; in redirect mode the cells' endpoints are outputs. */
    private code(args: CellRouterArgs): pulumi.Input<pulumi.asset.Archive> {
        const { settings, cells } = args;
        const pinned = settings.router.pinned;
        if (settings.router.mode === "invoke") {
            const table = buildRoutingTable({
                mode: "invoke",
                cells: cells.map(c => ({ id: c.cellId, state: c.settings.state, functionName: c.invokeName, budgetMs: c.settings.router.cellTimeoutMs })),
                pinned,
            });
            return codeArchive("router", { [ROUTING_TABLE_FILE]: JSON.stringify(table) });
        }
        return pulumi.all(cells.map(c => c.endpoint!)).apply(endpoints => {
            const table: RoutingTable = buildRoutingTable({
                mode: "redirect",
                cells: cells.map((c, i) => ({ id: c.cellId, state: c.settings.state, endpoint: endpoints[i]! })),
                pinned,
            });
            return codeArchive("router", { [ROUTING_TABLE_FILE]: JSON.stringify(table) });
        });
    }

    /** Managed policies naming each cell's `live` alias, split to stay within IAM's size limits. */
    private createInvokeGrants(name: string, args: CellRouterArgs): pulumi.Resource[] {
        const { settings, cells } = args;
        const attachments: pulumi.Resource[] = [];
        invokeGrantShards(settings.names, settings.region, cells, c => c.cellId).forEach((group, k) => {
            const policy = new aws.iam.Policy(`${name}-invoke-cells-${k}`, {
                name: settings.names.routerInvokePolicy(k),
                // Constant: a policy's description forces a new policy, which, under its fixed name, is deleted first
                // and would leave the router unable to invoke these cells until the new one is attached.
                description: `The router may invoke its cells' live aliases (grant ${k})`,
                policy: args.context.apply(ctx => {
                    const arns = new Arns(ctx);
                    return JSON.stringify(invokeDocument(group.map(c => cellAliasArn(arns, settings.names, c.cellId))));
                }),
                tags: this.tags,
            }, { parent: this });
            this.invokePolicies.push(policy);
            attachments.push(new aws.iam.RolePolicyAttachment(`${name}-invoke-cells-${k}`, {
                role: this.fn.role.name,
                policyArn: policy.arn,
            }, { parent: this }));
        });
        return attachments;
    }

    /** Per cell: breakers refused the cell's customers in each of `alarmMinutes` consecutive minutes. */
    private createBreakerAlarms(name: string, args: CellRouterArgs): void {
        const { settings, cells } = args;
        const minutes = settings.router.breaker.alarmMinutes;
        for (const cell of cells) {
            this.breakerAlarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${cell.cellId}-breaker-open-alarm`, {
                name: settings.names.breakerAlarm(cell.cellId),
                alarmDescription: `The router's breakers for cell ${cell.cellId} stayed open for ${minutes} min: its customers get 503 without the cell being invoked`,
                namespace: METRICS_NAMESPACE,
                metricName: ROUTER_METRICS.breakerOpen,
                dimensions: { [CELL_DIMENSION]: cell.cellId },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: minutes,
                datapointsToAlarm: minutes,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                treatMissingData: "notBreaching",
                ...args.alarmActions,
                tags: this.tags,
            }, { parent: this }));
        }
    }

    private createDashboard(name: string, args: CellRouterArgs): aws.cloudwatch.Dashboard {
        const { settings } = args;
        const functionName = settings.names.routerFunction();
        return new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
            dashboardName: settings.names.routerDashboard(),
            dashboardBody: args.context.apply(ctx => JSON.stringify(routerDashboard(ctx.region, functionName, settings.router.reservedConcurrency))),
        }, { parent: this });
    }

    /**
     * A REST API trusting an external issuer verifies tokens in a Lambda REQUEST authorizer (handlers/authorizer.ts).
     * It sits in every uncached request's path, so it gets the router's reserved concurrency (counted in the budget).
     */
    private createAuthorizer(name: string, args: CellRouterArgs): LambdaResources {
        const { settings, verification } = args;
        return createLambda({
            logicalName: `${name}-authorizer`,
            functionName: settings.names.authorizerFunction(),
            names: settings.names,
            handler: "authorizer",
            settings: { memoryMb: AUTHORIZER_MEMORY_MB, timeoutSeconds: AUTHORIZER_TIMEOUT_SECONDS, reservedConcurrency: settings.router.reservedConcurrency },
            environment: {
                POWERTOOLS_SERVICE_NAME: "authorizer",
                [AUTHORIZER_ENV.issuer]: verification.issuer,
                [AUTHORIZER_ENV.jwksUri]: verification.jwksUri!,
                [AUTHORIZER_ENV.audience]: pulumi.output(verification.audiences).apply(a => JSON.stringify(a)),
                [AUTHORIZER_ENV.scopes]: JSON.stringify(verification.scopes),
                [AUTHORIZER_ENV.tenantClaim]: verification.tenantClaim,
            },
            // It fetches the issuer's public keys over the internet and reads nothing of the stack.
            statements: () => [],
            ctx: args.context,
            tags: this.tags,
            logRetentionDays: settings.router.logRetentionDays,
            parent: this,
        });
    }

    /**
     * REST APIs write access logs through a role set once per account and region; HTTP APIs need none. The setting is
     * the region's, shared with every other REST API there: the stack sets it but never unsets it (a destroy that reset
     * it would stop every REST API in the region from logging), so the role and the setting are retained on delete.
     */
    private createRestLoggingRole(name: string, settings: StackSettings): aws.apigateway.Account {
        const role = new aws.iam.Role(`${name}-apigateway-logs`, {
            name: settings.names.apiGatewayLogsRole(),
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            managedPolicyArns: [pulumi.interpolate`arn:${aws.getPartitionOutput().partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`],
            tags: this.tags,
        }, { parent: this, retainOnDelete: true });
        return new aws.apigateway.Account(`${name}-apigateway-account`, { cloudwatchRoleArn: role.arn }, { parent: this, retainOnDelete: true });
    }
}

/**
 * The router's dashboard: its concurrency against what is reserved (the shared resource the bulkheads protect), then
 * each per-cell metric with one line per cell, found by a SEARCH over the `cell` dimension (one expression whatever
 * the number of cells).
 */
export function routerDashboard(region: string, functionName: string, reservedConcurrency: number): { widgets: object[] } {
    const perCell = (metric: string, title: string, y: number, x: number) => ({
        type: "metric", x, y, width: 12, height: 6,
        properties: {
            title, region, stat: "Sum", period: 60,
            metrics: [[{ expression: `SEARCH('{${METRICS_NAMESPACE},${CELL_DIMENSION}} MetricName="${metric}"', 'Sum', 60)`, id: "cells", label: "" }]],
        },
    });
    const lambda = (metric: string, stat: string) => ["AWS/Lambda", metric, "FunctionName", functionName, { stat }];
    return {
        widgets: [
            { type: "text", x: 0, y: 0, width: 24, height: 1, properties: { markdown: `## Router ${functionName}: every cell through it` } },
            { type: "metric", x: 0, y: 1, width: 12, height: 6, properties: {
                title: `${functionName}: concurrency (reserved ${reservedConcurrency})`, region,
                metrics: [lambda("ConcurrentExecutions", "Maximum"), lambda("Throttles", "Sum")],
                annotations: { horizontal: [{ label: "reserved concurrency", value: reservedConcurrency }] },
            } },
            { type: "metric", x: 12, y: 1, width: 12, height: 6, properties: {
                title: `${functionName}: duration`, region, metrics: [lambda("Duration", "p50"), lambda("Duration", "p99")],
            } },
            perCell(ROUTER_METRICS.routed, "Requests routed, per cell", 7, 0),
            perCell(ROUTER_METRICS.cellTimeouts, "Cell timeouts (504), per cell", 7, 12),
            perCell(ROUTER_METRICS.breakerOpen, "Refused by an open breaker (503), per cell", 13, 0),
            perCell(ROUTER_METRICS.shed, "Shed at the cell's concurrency (429), per cell", 13, 12),
        ],
    };
}
