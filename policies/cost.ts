/**
 * cell-fixed-cost (advisory): what a cell costs with no traffic, from its resources alone, stays within
 * maxFixedMonthlyCostPerCell, so a pull request that adds provisioned concurrency, shards, alarms or keys to every
 * cell shows its price before it merges. Counted: provisioned concurrency (GB-seconds of the month), Kinesis
 * shard-hours (and extended retention, or an on-demand stream's hours), alarm metrics (the cell's own, and an alarm
 * outside it that reads only the cell's metrics: the router's breaker alarm on it), dashboards, customer managed KMS
 * keys, interface VPC endpoints (each hour in each zone) and the receives of idle queue mappings, at the stack's
 * region's prices (lib/fixed-prices.ts). What traffic costs is `npm run cost`'s business.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "./lib/config-schema";
import { CELL_ID_OUTPUT, CELL_METRIC_DIMENSION, CELL_TYPE } from "./lib/facts";
import { FIXED_PRICES, FixedPrices, IDLE_RECEIVES_PER_MONTH, MONTH_HOURS } from "./lib/fixed-prices";
import { StackGraph, stackGraph, subject } from "./lib/graph";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, items, num, read, str } from "./lib/values";

export interface CostConfig {
    /** USD a month a cell may cost with no traffic. */
    maxFixedMonthlyCostPerCell: number;
}

export const COST_DEFAULTS: CostConfig = { maxFixedMonthlyCostPerCell: 25 };

const NAME = "cell-fixed-cost";
const PROVIDER = "pulumi:providers:aws";
const MONTH_SECONDS = MONTH_HOURS * 3600;

/** One resource's share of a cell's fixed cost. */
interface Driver {
    resource: PolicyResource;
    usd: number;
    what: string;
}

/** A value that must be known to price a resource; UNKNOWN makes the resource undecided. */
class Unpriceable extends Error {
    constructor(readonly reason: string) {
        super(reason);
        this.name = "Unpriceable";
    }
}

function known(value: number | typeof UNKNOWN | undefined, what: string): number | undefined {
    if (value === UNKNOWN) throw new Unpriceable(`its ${what} can't be known during preview`);
    return value;
}

function regionOf(graph: StackGraph): string | typeof UNKNOWN | undefined {
    for (const r of [...graph.ofType(PROVIDER), ...graph.resources.map(x => x.provider).filter((p): p is NonNullable<typeof p> => p !== undefined)]) {
        const region = str(read(r.props, "region"));
        if (region !== undefined) return region;
    }
    return undefined;
}

/** What a resource costs a month with no traffic, or undefined when it bills only for use. */
function fixedCost(graph: StackGraph, r: PolicyResource, p: FixedPrices): Driver | undefined {
    const usd = (n: number) => Number(n.toFixed(6));
    switch (r.type) {
        case AWS.provisionedConcurrency: {
            const concurrency = known(num(read(r.props, "provisionedConcurrentExecutions")), "provisionedConcurrentExecutions") ?? 0;
            const fn = graph.functions(r, "functionName").targets[0]?.fn;
            if (!fn) throw new Unpriceable("its function is not in the stack");
            const memory = known(num(read(fn.props, "memorySize")), "function's memorySize") ?? 128;
            const arch = read(fn.props, "architectures", 0) === "arm64" ? "arm64" : "x86_64";
            return { resource: r, usd: usd(concurrency * (memory / 1024) * MONTH_SECONDS * p.lambdaProvisionedGbSecond[arch]),
                what: `${concurrency} × ${memory} MB ${arch} provisioned concurrency` };
        }
        case AWS.kinesisStream: {
            if (read(r.props, "streamModeDetails", "streamMode") === "ON_DEMAND") {
                return { resource: r, usd: usd(MONTH_HOURS * p.kinesisOnDemandStreamHour), what: "an on-demand stream" };
            }
            const shards = known(num(read(r.props, "shardCount")), "shardCount") ?? 0;
            const retention = known(num(read(r.props, "retentionPeriod")), "retentionPeriod") ?? 24;
            const perShardHour = p.kinesisShardHour + (retention > 24 ? p.kinesisExtendedRetentionShardHour : 0);
            return { resource: r, usd: usd(shards * MONTH_HOURS * perShardHour), what: `${shards} shard(s)${retention > 24 ? `, ${retention} h retention` : ""}` };
        }
        case AWS.metricAlarm: {
            const metrics = alarmMetrics(r);
            const highResolution = metrics.some(m => {
                const period = num(read(m, "period"));
                return typeof period === "number" && period < 60;
            });
            return { resource: r, usd: usd(metrics.length * (highResolution ? p.highResolutionAlarmMetric : p.alarmMetric)),
                what: `${metrics.length} alarm metric(s)${highResolution ? " at high resolution" : ""}` };
        }
        case AWS.dashboard:
            return { resource: r, usd: p.dashboard, what: "a dashboard" };
        case AWS.vpcEndpoint: {
            // AWS makes an endpoint of no given type a gateway endpoint, which is free.
            if (read(r.props, "vpcEndpointType") !== "Interface") return undefined;
            const subnets = read(r.props, "subnetIds");
            if (subnets === UNKNOWN) throw new Unpriceable("its subnetIds can't be known during preview");
            // An interface endpoint has one subnet per zone, and bills each hour in each zone.
            const zones = items(subnets).length;
            return { resource: r, usd: usd(zones * MONTH_HOURS * p.interfaceEndpointHour), what: `an interface endpoint in ${zones} zone(s)` };
        }
        case AWS.kmsKey:
            return { resource: r, usd: p.kmsCustomerManagedKey, what: "a customer managed key" };
        case AWS.eventSourceMapping: {
            const queue = graph.queues(r, "eventSourceArn").targets[0];
            if (!queue) return undefined;
            const fifo = read(queue.props, "fifoQueue") === true;
            return { resource: r, usd: usd(IDLE_RECEIVES_PER_MONTH * (fifo ? p.sqsFifoRequest : p.sqsStandardRequest)), what: "an idle queue's receives" };
        }
        default:
            return undefined;
    }
}

/** The metrics an alarm reads: its own, or each metric of its metric-math queries. */
function alarmMetrics(r: PolicyResource): unknown[] {
    const queries = items(read(r.props, "metricQueries"));
    return queries.length === 0 ? [r.props] : queries.filter(q => read(q, "metric") !== undefined).map(q => read(q, "metric"));
}

/**
 * The cell a resource belongs to: its cell component's, or, for an alarm outside every cell that reads only one
 * cell's metrics (the router's breaker alarm on a cell), that cell's: it comes and goes with the cell.
 */
function cellOf(graph: StackGraph, r: PolicyResource, cells: ReadonlyMap<string, PolicyResource>): { cell: PolicyResource; id: string | typeof UNKNOWN } | undefined {
    const own = graph.cellOf(r);
    if (own || r.type !== AWS.metricAlarm) return own;
    const named = new Set(alarmMetrics(r).map(m => str(read(m, "dimensions", CELL_METRIC_DIMENSION))));
    const [id] = [...named];
    const cell = named.size === 1 && typeof id === "string" ? cells.get(id) : undefined;
    return cell ? { cell, id: id as string } : undefined;
}

const dollars = (n: number) => `$${n.toFixed(2)}`;

export const cellFixedCost: StackValidationPolicy = {
    name: NAME,
    description: "A cell's fixed monthly cost, from its resources alone (what bills by the hour or month), stays within maxFixedMonthlyCostPerCell.",
    enforcementLevel: "advisory",
    severity: "medium",
    configSchema: {
        properties: {
            maxFixedMonthlyCostPerCell: {
                type: "number", minimum: 0, default: COST_DEFAULTS.maxFixedMonthlyCostPerCell,
                description: "USD a month a cell may cost with no traffic (provisioned concurrency, shards, alarms, dashboards, keys, interface endpoints, idle polling).",
            },
        },
    },
    validateStack: (args, report) => {
        const { maxFixedMonthlyCostPerCell: max } = configOf(args, COST_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const byCell = new Map<PolicyResource, { id: string; drivers: Driver[] }>();
        let prices: FixedPrices | undefined;
        const cells = new Map<string, PolicyResource>();
        for (const c of graph.ofType(CELL_TYPE)) {
            const id = read(c.props, CELL_ID_OUTPUT);
            if (typeof id === "string") cells.set(id, c);
        }
        for (const r of graph.resources) {
            const cell = cellOf(graph, r, cells);
            if (!cell) continue;
            if (!prices) {
                const region = regionOf(graph);
                const stack = graph.stack ?? cell.cell;
                if (region === UNKNOWN || region === undefined) {
                    reporter.undecided(subject(stack), "the stack's region is not known");
                    return;
                }
                if (!FIXED_PRICES[region]) {
                    reporter.violation(stack, `The cells' fixed cost can't be priced: the pack has no prices for region ${region} ` +
                        `(it has ${Object.keys(FIXED_PRICES).join(", ")}); add them to policies/lib/fixed-prices.ts`);
                    return;
                }
                prices = FIXED_PRICES[region]!;
            }
            try {
                const driver = fixedCost(graph, r, prices);
                if (driver) {
                    const entry = byCell.get(cell.cell) ?? { id: cell.id === UNKNOWN ? cell.cell.name : cell.id, drivers: [] };
                    entry.drivers.push(driver);
                    byCell.set(cell.cell, entry);
                }
            } catch (err) {
                if (!(err instanceof Unpriceable)) throw err;
                reporter.undecided(subject(r), err.reason);
            }
        }
        for (const [cell, { id: named, drivers }] of byCell) {
            const total = drivers.reduce((n, d) => n + d.usd, 0);
            if (total <= max) continue;
            const top = [...drivers].sort((a, b) => b.usd - a.usd || a.resource.name.localeCompare(b.resource.name));
            reporter.violation(cell, `Cell ${named} costs ${dollars(total)} a month with no traffic, from its resources alone, above ` +
                `maxFixedMonthlyCostPerCell (${dollars(max)}): ${top.map(d => `${describe(subject(d.resource))} ${dollars(d.usd)} (${d.what})`).join(", ")}; ` +
                "lower what drives it (provisioned concurrency, shards, interface endpoints), or raise maxFixedMonthlyCostPerCell in the policy pack config");
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [cellFixedCost];
