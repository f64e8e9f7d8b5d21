/**
 * The AWS quotas a cell stack runs into as it grows, with AWS's defaults, and the `cellular:quotas` section that
 * raises them after a quota increase. What the stack uses of each is counted in components/config/checks.ts. Pure.
 *
 * Not listed, because the stack's shape keeps them constant whatever the cell count: routes and resources per
 * API (the router has 2 routes), Lambda environment size (the routing table travels in the router's code
 * package, not in its environment; the largest environment here is a few hundred bytes), and the size of each
 * function's inline policy (it names only its own cell's resources; tests check every document's size).
 */
import { Field, integer, section } from "./fields";

export interface QuotaSpec {
    /** AWS's default. */
    default: number;
    /** The most a quota increase gives, where AWS caps it. */
    max: number;
    /** What it limits, in a message. */
    what: string;
    /** What uses it, for the README. */
    usedBy: string;
    /** Where AWS's default differs by region: the regions with a larger one (`default` is every other region's). */
    larger?: { regions: readonly string[]; default: number };
}

export const QUOTAS = {
    iamRolesPerAccount: { default: 1000, max: 5000, what: "IAM roles per account", usedBy: "one role per function, and each cell's tenant data role" },
    managedPoliciesPerRole: { default: 10, max: 20, what: "managed policies attached to one IAM role (the router's invoke grants)",
        usedBy: "about 75 cells per policy" },
    eventBridgeRulesPerBus: { default: 300, max: 2000, what: "EventBridge rules on the default event bus", usedBy: "schedules and failure-record rules" },
    // https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html: 20,000 in three regions, "1,000 or
    // 6,000" elsewhere (the smaller is assumed).
    kinesisShardsPerRegion: { default: 1000, max: 100000, what: "Kinesis shards per region", usedBy: "each cell's stream",
        larger: { regions: ["us-east-1", "us-west-2", "eu-west-1"], default: 20000 } },
    vpcsPerRegion: { default: 5, max: 1000, what: "VPCs per region", usedBy: "one per cell with isolation vpc" },
    gatewayEndpointsPerRegion: { default: 20, max: 255, what: "gateway VPC endpoints per region",
        usedBy: "DynamoDB and S3 in each cell's VPC with isolation vpc" },
    apisPerRegion: { default: 600, max: 10000, what: "API Gateway HTTP APIs per region", usedBy: "the router's API, and each cell's in redirect mode" },
    dynamodbTablesPerRegion: { default: 2500, max: 10000, what: "DynamoDB tables per region", usedBy: "one per cell" },
    alarmsPerRegion: { default: 5000, max: 100000, what: "CloudWatch metric alarms per region", usedBy: "the cells' alarms and the router's breaker alarm per cell" },
} satisfies Record<string, QuotaSpec>;

export type QuotaName = keyof typeof QUOTAS;
export const QUOTA_NAMES = Object.keys(QUOTAS) as QuotaName[];
export type Quotas = Record<QuotaName, number>;

/** AWS's default for a quota in a region. */
export function regionalDefault(spec: QuotaSpec, region: string): number {
    return spec.larger?.regions.includes(region) ? spec.larger.default : spec.default;
}

/** The quotas of an account in `region`: what `cellular:quotas` says, else AWS's default there. */
export function quotasIn(region: string, configured: Partial<Quotas> | undefined): Quotas {
    return Object.fromEntries(QUOTA_NAMES.map(name => [name, configured?.[name] ?? regionalDefault(QUOTAS[name], region)])) as Quotas;
}

function quotaField(spec: QuotaSpec): Field<number, false> {
    const larger = spec.larger ? `; AWS's default is ${spec.larger.default} in ${spec.larger.regions.join(", ")}` : "";
    return integer({
        min: spec.default, max: spec.max, default: spec.default, allowed: `${spec.default}–${spec.max}`,
        description: `${spec.what} (${spec.usedBy}${larger})`,
        why: `expected the account's quota for ${spec.what}: an integer from AWS's default ${spec.default} to ${spec.max}`,
    });
}

export const QUOTAS_SECTION = section("The account's quotas the stack is checked against; raise one after a quota increase",
    Object.fromEntries(QUOTA_NAMES.map(name => [name, quotaField(QUOTAS[name])])) as Record<QuotaName, Field<number, false>>);
