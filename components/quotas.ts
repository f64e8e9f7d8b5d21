/**
 * The AWS quotas a cell stack runs into as it grows, with AWS's defaults. A stack that needs more than a quota
 * allows fails config validation, naming the quota, what the stack needs and how to raise it
 * (`cellular:quotas.<name>` after a quota increase). Pure.
 *
 * Not listed, because the stack's shape keeps them constant whatever the cell count: routes and resources per
 * API (the router has 2 routes), Lambda environment size (the routing table travels in the router's code
 * package, not in its environment; the largest environment here is a few hundred bytes), and the size of each
 * function's inline policy (it names only its own cell's resources; tests check every document's size).
 */
import type { CellConfig, RouterConfig } from "./config";
import { Arns } from "./arns";
import { LIVE_ALIAS_NAME, Names } from "./names";
import { partitionOf, shardInvokeGrants } from "./router-grants";

export interface QuotaSpec {
    /** AWS's default. */
    default: number;
    /** The most a quota increase gives, where AWS caps it. */
    max: number;
    /** What it limits, in a message. */
    what: string;
}

export const QUOTAS = {
    iamRolesPerAccount: { default: 1000, max: 5000, what: "IAM roles per account" },
    managedPoliciesPerRole: { default: 10, max: 20, what: "managed policies attached to one IAM role (the router's invoke grants)" },
    eventBridgeRulesPerBus: { default: 300, max: 2000, what: "EventBridge rules on the default event bus" },
    kinesisShardsPerRegion: { default: 500, max: 100000, what: "Kinesis shards per region" },
    vpcsPerRegion: { default: 5, max: 1000, what: "VPCs per region" },
    apisPerRegion: { default: 600, max: 10000, what: "API Gateway HTTP APIs per region" },
    dynamodbTablesPerRegion: { default: 2500, max: 10000, what: "DynamoDB tables per region" },
    alarmsPerRegion: { default: 5000, max: 100000, what: "CloudWatch metric alarms per region" },
} satisfies Record<string, QuotaSpec>;

export type QuotaName = keyof typeof QUOTAS;
export const QUOTA_NAMES = Object.keys(QUOTAS) as QuotaName[];
export type Quotas = Record<QuotaName, number>;

export interface StackShape {
    names: Names;
    region: string;
    cells: CellConfig[];
    router: RouterConfig;
    isolation: "none" | "vpc";
    /** How many functions each cell has (config.ts's cellFunctions). */
    functionsPerCell: (cell: CellConfig) => number;
}

/** What the stack uses of each quota. */
export function quotaUsage(shape: StackShape): Quotas {
    const { cells, router } = shape;
    const sizing = new Arns({ partition: partitionOf(shape.region), region: shape.region, accountId: "123456789012" });
    const invokeShards = router.mode === "invoke"
        ? shardInvokeGrants(cells.map(c => sizing.functionAlias(shape.names.cellFunction(c.id, "api"), LIVE_ALIAS_NAME))).length : 0;
    const count = (f: (c: CellConfig) => number) => cells.reduce((n, c) => n + f(c), 0);
    return {
        // One role per function, the router's, and the account-wide logging role of a REST API.
        iamRolesPerAccount: count(shape.functionsPerCell) + 1 + (router.api === "rest" ? 1 : 0),
        managedPoliciesPerRole: invokeShards,
        eventBridgeRulesPerBus: count(c => (c.eventSources.schedule.enabled ? 1 : 0)
            + (c.async.onFailure === "bus" || c.async.onSuccess === "bus" ? 1 : 0)),
        kinesisShardsPerRegion: count(c => (c.eventSources.kinesis.enabled ? c.eventSources.kinesis.shardCount : 0)),
        vpcsPerRegion: shape.isolation === "vpc" ? cells.length : 0,
        apisPerRegion: (router.api === "http" ? 1 : 0) + (router.mode === "redirect" ? cells.length : 0),
        dynamodbTablesPerRegion: cells.length,
        alarmsPerRegion: 3 * cells.length,
    };
}

/** Problems for every quota the stack would exceed. */
export function quotaProblems(shape: StackShape, quotas: Quotas): string[] {
    const usage = quotaUsage(shape);
    const problems: string[] = [];
    for (const name of QUOTA_NAMES) {
        if (usage[name] > quotas[name]) {
            const spec = QUOTAS[name];
            const raise = quotas[name] < spec.max && usage[name] <= spec.max
                ? `after a quota increase, set cellular:quotas.${name} (AWS allows up to ${spec.max})`
                : `AWS allows at most ${spec.max}: use fewer cells per stack`;
            problems.push(`cellular:quotas.${name} is ${quotas[name]} (${spec.what}), but the stack needs ${usage[name]}; ${raise}`);
        }
    }
    return problems;
}
