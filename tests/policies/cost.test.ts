import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { FUNCTION_KINDS, estimatePlan } from "../../tools/cost";
import { IDLE_RECEIVES_PER_MONTH as ESTIMATOR_IDLE_RECEIVES } from "../../tools/lib/cost/formulas";
import { PriceKey, loadPriceBook, pricedRegions } from "../../tools/lib/cost/prices";
import { readUsage } from "../../tools/lib/cost/usage";
import { FIXED_PRICES, IDLE_RECEIVES_PER_MONTH } from "../../policies/lib/fixed-prices";
import { Cell, TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, compareConfig, line, policyPack, run } from "../fixtures/policies/harness";
import { shippedStack } from "../fixtures/stack";
import { variantStack } from "../fixtures/variants";

const NAME = "cell-fixed-cost";
const ADVICE = "lower what drives it (provisioned concurrency, shards, interface endpoints), or raise maxFixedMonthlyCostPerCell in the policy pack config";

/** A cell with a 1024 MB arm64 function, `provisioned` concurrency on its alias and a stream of `shards`. */
function costlyCell(provisioned: number, shards: number, id = "cell-a"): void {
    const cell = new Cell(id, id);
    const tags = { ...TAGS, cell: id };
    const fn = lambda(`${id}-api`, { args: { tags, memorySize: 1024, publish: true, reservedConcurrentExecutions: 20 }, roleArgs: { tags }, opts: { parent: cell } });
    const alias = new aws.lambda.Alias(`${id}-live`, { name: "live", functionName: fn.fn.name, functionVersion: fn.fn.version }, { parent: cell });
    if (provisioned > 0) {
        new aws.lambda.ProvisionedConcurrencyConfig(`${id}-provisioned`, {
            functionName: fn.fn.name, qualifier: alias.name, provisionedConcurrentExecutions: provisioned,
        }, { parent: cell });
    }
    if (shards > 0) new aws.kinesis.Stream(`${id}-stream`, { name: `${id}-stream`, shardCount: shards, retentionPeriod: 24, tags }, { parent: cell });
}

describe("cell-fixed-cost", () => {
    for (const mode of MODES) {
        it(`reports a cell whose provisioned concurrency and shards cost more than $25 a month, naming what drives it (${mode})`, async () => {
            const outcome = await run(() => costlyCell(10, 1), { mode });
            // 10 × 1 GB × 2,628,000 s × $0.0000033334 = $87.60; 1 shard × 730 h × $0.015 = $10.95
            assert.deepEqual(outcome.of(NAME), [
                `advisory ${NAME} cell-a: Cell cell-a costs $98.55 a month with no traffic, from its resources alone, above maxFixedMonthlyCostPerCell ($25.00): ` +
                "aws.lambda.ProvisionedConcurrencyConfig \"cell-a-provisioned\" $87.60 (10 × 1024 MB arm64 provisioned concurrency), " +
                `aws.kinesis.Stream "cell-a-stream" $10.95 (1 shard(s)); ${ADVICE}`,
            ]);
            assert.equal(outcome.diagnostics.find(d => d.policyName === NAME)!.resourceType, "cellular:index:Cell");
        });
    }

    it("accepts a cell within the budget, and does not count what is outside every cell", async () => {
        const outcome = await run(() => {
            costlyCell(0, 1);
            // Shared provisioned concurrency is not a cell's.
            const fn = lambda("router", { args: { memorySize: 1024, publish: true, reservedConcurrentExecutions: 20 } });
            const alias = new aws.lambda.Alias("router-live", { name: "live", functionName: fn.fn.name, functionVersion: fn.fn.version });
            new aws.lambda.ProvisionedConcurrencyConfig("router-provisioned", { functionName: fn.fn.name, qualifier: alias.name, provisionedConcurrentExecutions: 50 });
        });
        assert.deepEqual(outcome.of(NAME), []);
    });

    for (const mode of MODES) {
        it(`prices a cell's interface endpoints by the hour in each of their zones, and its gateway endpoints not at all (${mode})`, async () => {
            const outcome = await run(() => {
                const cell = new Cell("cell-a", "cell-a");
                const tags = { ...TAGS, cell: "cell-a" };
                const vpc = new aws.ec2.Vpc("cell-a-vpc", { cidrBlock: "10.0.0.0/16", tags }, { parent: cell });
                const subnets = ["10.0.0.0/20", "10.0.16.0/20"].map((cidrBlock, i) =>
                    new aws.ec2.Subnet(`cell-a-isolated-${i + 1}`, { vpcId: vpc.id, cidrBlock, tags }, { parent: cell }));
                for (const service of ["sts", "sqs"]) {
                    new aws.ec2.VpcEndpoint(`cell-a-${service}-endpoint`, { vpcId: vpc.id, serviceName: `com.amazonaws.us-east-1.${service}`,
                        vpcEndpointType: "Interface", subnetIds: subnets.map(x => x.id), tags }, { parent: cell });
                }
                new aws.ec2.VpcEndpoint("cell-a-dynamodb-endpoint", { vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.dynamodb", vpcEndpointType: "Gateway", tags },
                    { parent: cell });
            }, { mode, config: { [NAME]: { maxFixedMonthlyCostPerCell: 10 } } });
            // 2 endpoints × 2 zones × 730 h × $0.01
            assert.deepEqual(outcome.of(NAME), [
                `advisory ${NAME} cell-a: Cell cell-a costs $29.20 a month with no traffic, from its resources alone, above maxFixedMonthlyCostPerCell ($10.00): ` +
                "aws.ec2.VpcEndpoint \"cell-a-sqs-endpoint\" $14.60 (an interface endpoint in 2 zone(s)), " +
                `aws.ec2.VpcEndpoint "cell-a-sts-endpoint" $14.60 (an interface endpoint in 2 zone(s)); ${ADVICE}`,
            ]);
        });
    }

    it("counts an alarm outside every cell that reads only one cell's metrics (the router's breaker alarm) as that cell's", async () => {
        const outcome = await run(() => {
            costlyCell(0, 1);
            new Cell("cell-b", "cell-b");
            const breaker = (cell: string) => new aws.cloudwatch.MetricAlarm(`router-${cell}-breaker-open-alarm`, {
                comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 3, metricName: "BreakerOpen", namespace: "cellular",
                dimensions: { cell }, period: 60, statistic: "Sum", threshold: 1, tags: TAGS,
            });
            breaker("cell-a");
            breaker("cell-x");
            // An alarm on every cell's routed requests is the router's own.
            new aws.cloudwatch.MetricAlarm("router-errors-alarm", { comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1,
                metricName: "Errors", namespace: "AWS/Lambda", dimensions: { FunctionName: "router" }, period: 60, statistic: "Sum", threshold: 1, tags: TAGS });
        }, { config: { [NAME]: { maxFixedMonthlyCostPerCell: 0 } } });
        // cell-a: its shard ($10.95) and the breaker alarm on it ($0.10); the alarm on an unknown cell counts nowhere
        assert.deepEqual(outcome.of(NAME), [
            `advisory ${NAME} cell-a: Cell cell-a costs $11.05 a month with no traffic, from its resources alone, above maxFixedMonthlyCostPerCell ($0.00): ` +
            "aws.kinesis.Stream \"cell-a-stream\" $10.95 (1 shard(s)), aws.cloudwatch.MetricAlarm \"router-cell-a-breaker-open-alarm\" $0.10 (1 alarm metric(s)); " +
            ADVICE,
        ]);
    });

    it("maxFixedMonthlyCostPerCell, changed in the policy pack config, changes the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => costlyCell(0, 1), { [NAME]: { maxFixedMonthlyCostPerCell: 10 } }, NAME);
        assert.deepEqual(defaults, []);
        assert.deepEqual(configured, [
            `advisory ${NAME} cell-a: Cell cell-a costs $10.95 a month with no traffic, from its resources alone, above maxFixedMonthlyCostPerCell ($10.00): ` +
            `aws.kinesis.Stream "cell-a-stream" $10.95 (1 shard(s)); ${ADVICE}`,
        ]);
    });

    it("prices a stack in eu-west-1 at eu-west-1's prices", async () => {
        const outcome = await run(() => costlyCell(0, 2), { config: { [NAME]: { maxFixedMonthlyCostPerCell: 1 } }, stackConfig: { "aws:region": "eu-west-1" } });
        // 2 shards × 730 h × $0.017
        assert.deepEqual(outcome.of(NAME), [
            `advisory ${NAME} cell-a: Cell cell-a costs $24.82 a month with no traffic, from its resources alone, above maxFixedMonthlyCostPerCell ($1.00): ` +
            `aws.kinesis.Stream "cell-a-stream" $24.82 (2 shard(s)); ${ADVICE}`,
        ]);
    });

    it("says so, rather than guessing, for a region without prices and for a figure unknown during preview", async () => {
        const region = await run(() => costlyCell(0, 1), { stackConfig: { "aws:region": "ap-south-1" } });
        assert.deepEqual(region.of(NAME), [
            `advisory ${NAME} policy-test-dev: The cells' fixed cost can't be priced: the pack has no prices for region ap-south-1 (it has us-east-1, eu-west-1); ` +
            "add them to policies/lib/fixed-prices.ts",
        ]);
        const unknown = await run(() => {
            const cell = new Cell("cell-a", "cell-a");
            const q = new aws.sqs.Queue("q", { tags: TAGS });
            new aws.kinesis.Stream("cell-a-stream", { name: "s", shardCount: q.arn.apply(() => 1), tags: { ...TAGS, cell: "cell-a" } }, { parent: cell });
        });
        assert.deepEqual(unknown.of(NAME), [
            `advisory ${NAME} cell-a-stream: can't run policy '${NAME}' on aws.kinesis.Stream "cell-a-stream" (s) during preview: its shardCount can't be known during preview`,
        ]);
    });

    it("keeps its prices in step with the estimator's price files", () => {
        assert.deepEqual(Object.keys(FIXED_PRICES).sort(), pricedRegions());
        for (const region of pricedRegions()) {
            const book = loadPriceBook(region);
            const usd = (key: PriceKey) => book.prices[key].tiers[0]!.usd;
            assert.deepEqual(FIXED_PRICES[region], {
                pricesDate: book.pricesDate,
                lambdaProvisionedGbSecond: { x86_64: usd("lambda.provisionedX86"), arm64: usd("lambda.provisionedArm64") },
                kinesisShardHour: usd("kinesis.shardHour"),
                kinesisExtendedRetentionShardHour: usd("kinesis.extendedRetentionShardHour"),
                kinesisOnDemandStreamHour: usd("kinesis.onDemandStreamHour"),
                alarmMetric: usd("cloudWatch.alarmMetric"),
                highResolutionAlarmMetric: usd("cloudWatch.highResolutionAlarmMetric"),
                dashboard: usd("cloudWatch.dashboard"),
                kmsCustomerManagedKey: usd("kms.customerManagedKey"),
                sqsStandardRequest: usd("sqs.standardRequest"),
                sqsFifoRequest: usd("sqs.fifoRequest"),
                interfaceEndpointHour: usd("vpc.interfaceEndpointHour"),
            }, region);
        }
        assert.equal(IDLE_RECEIVES_PER_MONTH, ESTIMATOR_IDLE_RECEIVES);
    });

    it("agrees with npm run cost on the fixed cost from resources of every cell of both stacks and of dev in cell VPCs", async function () {
        this.timeout(120000);
        for (const stack of ["dev", "prod", "vpc"]) {
            const [captured, pack] = await Promise.all([stack === "vpc" ? variantStack("vpc") : shippedStack(stack), policyPack()]);
            const result = await pack.analyze(captured.capture, pack.reconcile({ [NAME]: { maxFixedMonthlyCostPerCell: 0 } }));
            const reported = new Map(result.diagnostics.filter(d => d.policyName === NAME).map(d => {
                const m = /Cell (\S+) costs \$([0-9.]+) a month/.exec(line(d))!;
                return [m[1]!, Number(m[2])];
            }));
            const e = estimatePlan(captured.capture, readUsage({}, FUNCTION_KINDS));
            const estimated = new Map(e.document.cells.map(c => [c.id,
                Number(e.charges.reduce((n, ch, i) => n + (ch.owner === c.id && ch.basis === "resource" ? e.costs[i]! : 0), 0).toFixed(2))]));
            assert.equal(reported.size, e.document.cells.length, stack);
            assert.deepEqual(reported, estimated, stack);
        }
    });
});
