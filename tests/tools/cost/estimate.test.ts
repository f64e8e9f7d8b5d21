/**
 * The estimator on the real program's plans: the fixed cost of each cell from its resources, the usage followed
 * through the wiring (each hop once, in invoke and in redirect mode), the marginal cell against the plan with one
 * more cell, and the same estimate whether references are resolved by value (update) or by dependency (preview).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { FUNCTION_KINDS, estimatePlan } from "../../../tools/cost";
import { Estimate } from "../../../tools/lib/cost/estimate";
import { MONTH_SECONDS } from "../../../tools/lib/cost/formulas";
import { Basis, Charge, SHARED, quantitiesOf } from "../../../tools/lib/cost/ledger";
import { NoPricesError, PriceKey } from "../../../tools/lib/cost/prices";
import { Usage, readUsage, readUsageFile } from "../../../tools/lib/cost/usage";
import { ROOT, edit, runStack, shippedStack, stackConfig } from "../../fixtures/stack";
import { variantStack } from "../../fixtures/variants";

const close = (actual: number, expected: number, digits = 6) =>
    assert.equal(Number(actual.toFixed(digits)), Number(expected.toFixed(digits)), `${actual} is not ${expected}`);

function usage(raw: object): Usage {
    return readUsage(raw, FUNCTION_KINDS);
}

/** The quantity of one price key that `owner` is charged on `basis`. */
function quantity(e: Estimate, owner: string, key: PriceKey, basis?: Basis): number {
    return quantitiesOf(e.charges, c => c.owner === owner && (basis === undefined || c.basis === basis))[key] ?? 0;
}

/** What `owner`'s charges of `basis` cost (charges priced as part of the stack's totals). */
function cost(e: Estimate, filter: (c: Charge) => boolean): number {
    return e.charges.reduce((n, c, i) => n + (filter(c) ? e.costs[i]! : 0), 0);
}

/** Requests only, all reads (so nothing reaches the table stream), at fixed durations. */
const readsOnly = (requests: number) => usage({
    api: { requestsPerMonth: requests, readFraction: 1 },
    functions: { router: { durationMs: 12 }, api: { durationMs: 25 } },
});

describe("the estimate of a plan (tools/lib/cost/estimate.ts, derive.ts)", function () {
    this.timeout(120000);

    describe("with no traffic: the fixed cost", () => {
        it("prices each dev cell from its resources: a shard, a dashboard, 20 alarm metrics and two idle queue mappings", async () => {
            const dev = await shippedStack("dev");
            const e = estimatePlan(dev.capture, usage({}));
            const resources = (cell: string) => cost(e, c => c.owner === cell && c.basis === "resource");
            // 1 shard × 730 h × $0.015 + $3 dashboard + (8 + 8 + 3) alarm metrics of its own and the router's breaker
            // alarm on it (1 metric) × $0.10 + 2 mappings × 5 pollers × 131,400 twenty-second polls × $0.40/M
            close(resources("cell-a"), 10.95 + 3 + 2.0 + 2 * 657000 * 0.0000004);
            close(resources("cell-a"), 16.4756);
            // cell-c's queue is FIFO: one of its mappings polls at $0.50/M
            close(resources("cell-c"), 10.95 + 3 + 2.0 + 657000 * 0.0000004 + 657000 * 0.0000005);
            // The daily job runs 30.4167 times a month without any traffic: fixed too, on the stack's clock.
            close(quantity(e, "cell-a", "lambda.request", "clock"), 730 / 24);
            assert.deepEqual(e.document.cells.map(c => c.variableMonthlyUsd), [0, 0, 0]);
            // The shared part's only fixed cost is the router's dashboard: its breaker alarms are the cells they watch.
            assert.equal(e.document.shared.fixedMonthlyUsd, 3);
            const breaker = dev.get("aws:cloudwatch/metricAlarm:MetricAlarm", "router-cell-b-breaker-open-alarm");
            assert.deepEqual(e.charges.filter(c => c.resource === breaker.urn).map(c => [c.owner, c.key, c.quantity]), [["cell-b", "cloudWatch.alarmMetric", 1]]);
            assert.equal(e.document.perMillionRequestsUsd, null);
            assert.equal(e.traffic, false);
        });

        it("prices prod's provisioned concurrency: 2 × 512 MB arm64 per cell, 10 × 512 MB for the router", async () => {
            const prod = await shippedStack("prod");
            const e = estimatePlan(prod.capture, usage({}));
            // 2 × 0.5 GB × 2,628,000 s × $0.0000033334
            close(cost(e, c => c.owner === "cell-01" && c.key === "lambda.provisionedArm64"), 8.7601752);
            // 10 × 0.5 GB × 2,628,000 s × $0.0000033334, and the router's $3 dashboard
            close(e.document.shared.fixedMonthlyUsd, 43.800876 + 3, 4);
            assert.deepEqual([...new Set(e.document.cells.map(c => c.fixedMonthlyUsd))].length, 1, "prod's cells are alike");
        });

        it("prints exactly the documented document", async () => {
            const e = estimatePlan((await shippedStack("dev")).capture, readUsageFile(`${ROOT}/usage/dev.json`, FUNCTION_KINDS));
            const d = e.document;
            assert.deepEqual(Object.keys(d), ["stack", "region", "pricesDate", "cells", "shared", "totalMonthlyUsd", "perMillionRequestsUsd", "marginalCellMonthlyUsd", "derived"]);
            assert.deepEqual(Object.keys(d.cells[0]!), ["id", "fixedMonthlyUsd", "variableMonthlyUsd", "byService"]);
            assert.deepEqual(Object.keys(d.shared), ["fixedMonthlyUsd", "variableMonthlyUsd", "byService"]);
            assert.deepEqual(Object.keys(d.cells[0]!.byService), ["apiGateway", "lambda", "dynamodb", "sqs", "sns", "eventBridge", "s3", "cloudWatch", "xray", "kinesis", "kms", "cognito", "vpc", "elb"]);
            assert.deepEqual(Object.keys(d.derived[0]!), ["scope", "figure", "value", "unit", "how"]);
            assert.deepEqual([d.stack, d.region, d.pricesDate], ["dev", "us-east-1", "2026-12-01"]);
            assert.deepEqual(d.cells.map(c => c.id), ["cell-a", "cell-b", "cell-c"]);
            // The parts add up to the total, and the total over 3 × 100,000 requests is the cost per million.
            const parts = [...d.cells, d.shared].reduce((n, p) => n + p.fixedMonthlyUsd + p.variableMonthlyUsd, 0);
            close(parts, d.totalMonthlyUsd, 2);
            close(d.perMillionRequestsUsd!, d.totalMonthlyUsd / 0.3, 2);
            const byService = [...d.cells, d.shared].reduce((n, p) => n + Object.values(p.byService).reduce((a, b) => a + b, 0), 0);
            close(byService, d.totalMonthlyUsd, 2);
        });
    });

    describe("usage through the wiring", () => {
        it("invoke mode: each request is one router invocation and one cell invocation, and the router waits for the cell", async () => {
            const dev = await shippedStack("dev");
            const e = estimatePlan(dev.capture, readsOnly(1000));
            assert.equal(quantity(e, SHARED, "apiGateway.httpRequest"), 3000);
            assert.equal(quantity(e, SHARED, "lambda.request"), 3000);
            for (const cell of ["cell-a", "cell-b", "cell-c"]) {
                assert.equal(quantity(e, cell, "lambda.request", "traffic"), 1000, cell);
                assert.equal(quantity(e, cell, "apiGateway.httpRequest"), 0, cell);
            }
            // The router bills its 12 ms and the 25 ms it waits: 3,000 × 0.037 s × 0.25 GB
            close(quantity(e, SHARED, "lambda.durationArm64"), 3000 * 0.037 * 0.25);
            // One request is one trace (the cell's invocation joins the router's).
            close(quantity(e, SHARED, "xray.traceRecorded"), 3000);
            assert.equal(quantity(e, "cell-a", "xray.traceRecorded", "traffic"), 0);
        });

        it("redirect mode: each request is one router invocation, one request of the cell's own API and one cell invocation", async () => {
            const dev = await variantStack("redirect");
            const e = estimatePlan(dev.capture, readsOnly(1000));
            assert.equal(quantity(e, SHARED, "apiGateway.httpRequest"), 3000);
            assert.equal(quantity(e, SHARED, "lambda.request"), 3000);
            for (const cell of ["cell-a", "cell-b", "cell-c"]) {
                assert.equal(quantity(e, cell, "lambda.request", "traffic"), 1000, cell);
                assert.equal(quantity(e, cell, "apiGateway.httpRequest"), 1000, cell);
                close(quantity(e, cell, "xray.traceRecorded", "traffic"), 1000);
            }
            // The router answers 307 and does not wait: 3,000 × 0.012 s × 0.25 GB
            close(quantity(e, SHARED, "lambda.durationArm64"), 3000 * 0.012 * 0.25);
        });

        it("counts each hop once for any number of requests, in both modes (a property over the plans' wiring)", async () => {
            const plans = { invoke: await shippedStack("dev"), redirect: await variantStack("redirect") };
            fc.assert(fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), fc.constantFrom("invoke", "redirect"), (requests, mode) => {
                const e = estimatePlan(plans[mode as keyof typeof plans].capture, readsOnly(requests));
                const cells = ["cell-a", "cell-b", "cell-c"];
                const cellInvocations = cells.reduce((n, c) => n + quantity(e, c, "lambda.request", "traffic"), 0);
                const apiRequests = [SHARED, ...cells].reduce((n, c) => n + quantity(e, c, "apiGateway.httpRequest"), 0);
                return quantity(e, SHARED, "lambda.request") === 3 * requests && cellInvocations === 3 * requests
                    && apiRequests === (mode === "invoke" ? 3 : 6) * requests && e.entryRequests === 3 * requests;
            }), { numRuns: 60 });
        });

        it("prices a REST API in front of the router, traced by its stage", async () => {
            const rest = await variantStack("rest-cognito");
            const e = estimatePlan(rest.capture, readsOnly(1000));
            assert.equal(quantity(e, SHARED, "apiGateway.restRequest"), 3000);
            assert.equal(quantity(e, SHARED, "apiGateway.httpRequest"), 0);
            close(quantity(e, SHARED, "xray.traceRecorded"), 3000);
            // 3,000 requests × $3.50/M
            close(cost(e, c => c.key === "apiGateway.restRequest"), 0.0105);
        });

        it("invokes the REST API's Lambda authorizer (an external issuer's) for each request its cache does not answer", async () => {
            const rest = await variantStack("rest-issuer");
            const fn = rest.get("aws:lambda/function:Function", "router-authorizer-function");
            const e = estimatePlan(rest.capture, usage({
                api: { requestsPerMonth: 1000, readFraction: 1, authorizerCacheHitFraction: 0.75 },
                functions: { router: { durationMs: 12 }, api: { durationMs: 25 }, authorizer: { durationMs: 8 } },
            }));
            // 3,000 requests, three in four answered from the 300 s cache: 750 invocations
            assert.equal(e.document.derived.find(d => d.figure === "authorizer: invocations")!.value, 750);
            assert.equal(quantity(e, SHARED, "lambda.request"), 3000 + 750);
            // The router's 3,000 × (12 + 25) ms and the authorizer's 750 × 8 ms (usage functions.authorizer), both 256 MB arm64
            assert.equal(fn.inputs.memorySize, 256);
            close(quantity(e, SHARED, "lambda.durationArm64"), 3000 * 0.037 * 0.25 + 750 * 0.008 * 0.25);
            // No user pool: the users who sign in are the external issuer's business.
            const signedIn = estimatePlan(rest.capture, usage({ auth: { monthlyActiveUsers: 100 } }));
            assert.ok(signedIn.notes.includes("usage.auth: the plan has no user pool (an external issuer signs users in), so no sign-in is priced"), signedIn.notes.join("\n"));
            assert.equal(quantity(signedIn, SHARED, "cognito.essentialsMau"), 0);
        });

        it("bills the user pool's monthly active users (Essentials) and invokes its trigger once per token issued", async () => {
            const dev = await shippedStack("dev");
            const signIns = usage({
                auth: { monthlyActiveUsers: 2000, signInsPerUser: 10, sessionMinutes: 90 },
                functions: { "token-claims": { durationMs: 20 } },
            });
            const e = estimatePlan(dev.capture, signIns, true);
            // 2,000 users per cell × 3 cells at $0.015 an Essentials MAU
            assert.equal(quantity(e, SHARED, "cognito.essentialsMau", "traffic"), 6000);
            close(cost(e, c => c.key === "cognito.essentialsMau"), 90);
            // A 90 min session with the app client's 60 min access tokens: the sign-in's token and one refresh.
            // 6,000 users × 10 sign-ins × 2 tokens = 120,000 invocations of the 128 MB arm64 trigger, 20 ms each
            assert.equal(e.document.derived.find(d => d.figure === "token-claims: invocations")!.value, 120000);
            assert.equal(quantity(e, SHARED, "lambda.request"), 120000);
            close(quantity(e, SHARED, "lambda.durationArm64"), 120000 * 0.02 * 0.125);
            // Each token starts a trace on the traced trigger; all fit in the 1-a-second reservoir.
            close(quantity(e, SHARED, "xray.traceRecorded"), 120000);
            // Cognito's 10,000 free MAUs a month (per account) take the whole $90 off, shown apart from the estimate.
            close(e.document.freeTier!.byService.cognito, 90);
            assert.equal(e.traffic, true);

            // The plan's token lifetime decides: 15 min access tokens make six tokens of a 90 min session.
            const resources = dev.resources.map(r => (r.type === "aws:cognito/userPoolClient:UserPoolClient" ? { ...r, inputs: { ...r.inputs, accessTokenValidity: 15 } } : r));
            const short = estimatePlan({ ...dev.capture, resources }, signIns);
            assert.equal(short.document.derived.find(d => d.figure === "token-claims: invocations")!.value, 6000 * 10 * 6);
            assert.equal(quantity(short, SHARED, "cognito.essentialsMau"), 6000);
        });

        it("an ALB source: the ALB a cell creates bills 730 ALB-hours (its LCUs noted, not priced); a listener taken by ARN adds no fixed cost", async () => {
            const alb = (settings: object, extra: Record<string, string> = {}) => ({
                ...edit(stackConfig("dev"), "cells", cells => { cells[0].eventSources = { alb: { enabled: true, ...settings } }; }), ...extra });
            const created = await runStack("dev", { config: alb({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" }, { "cellular:isolation": "vpc" }) });
            const e = estimatePlan(created.capture, usage({}));
            const lb = created.get("aws:lb/loadBalancer:LoadBalancer", "cell-a-alb");
            assert.deepEqual(e.charges.filter(c => c.resource === lb.urn).map(c => [c.owner, c.basis, c.key]), [["cell-a", "resource", "elb.albHour"]]);
            close(quantity(e, "cell-a", "elb.albHour"), 730);
            close(cost(e, c => c.key === "elb.albHour"), 730 * 0.0225);
            assert.ok(e.notes.some(n => n.startsWith("cell-a-alb: its hours are priced, not its LCU-hours")), e.notes.join("\n"));
            const byArn = await runStack("dev", { config: alb({ listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2" }) });
            const shared = estimatePlan(byArn.capture, usage({}));
            assert.equal(quantity(shared, "cell-a", "elb.albHour"), 0);
            assert.deepEqual(shared.notes.filter(n => /aws:lb\//.test(n)), [], "every ELB type is classified");
        });

        it("isolation vpc: each cell's STS and SQS interface endpoints bill 2 zones × 730 h, its gateway endpoints nothing, the API's STS calls per GB", async () => {
            const vpc = await variantStack("vpc");
            const fixed = estimatePlan(vpc.capture, usage({}));
            const resources = (cell: string) => cost(fixed, c => c.owner === cell && c.basis === "resource");
            // dev's $16.4756 a cell, and 2 interface endpoints × 2 zones × 730 h × $0.01
            close(resources("cell-a"), 16.4756 + 2 * 2 * 730 * 0.01);
            close(resources("cell-c"), 10.95 + 3 + 2.0 + 657000 * 0.0000004 + 657000 * 0.0000005 + 29.2);
            for (const name of ["cell-a-dynamodb-endpoint", "cell-a-s3-endpoint"]) {
                const endpoint = vpc.get("aws:ec2/vpcEndpoint:VpcEndpoint", name);
                assert.deepEqual(fixed.charges.filter(c => c.resource === endpoint.urn), [], name);
            }
            // 100,000 requests a cell, one in ten without the tenant's credentials held: 10,000 AssumeRole calls of 8 KB
            const e = estimatePlan(vpc.capture, usage({ api: { requestsPerMonth: 100000, readFraction: 1, credentialsCacheHitFraction: 0.9 } }));
            close(quantity(e, "cell-a", "vpc.interfaceEndpointGb", "traffic"), (10000 * 8 * 1024) / 1024 ** 3, 9);
            close(cost(e, c => c.owner === "cell-a" && c.key === "vpc.interfaceEndpointGb"), ((10000 * 8 * 1024) / 1024 ** 3) * 0.01, 9);
            assert.ok(e.notes.includes("<cell>-sqs-endpoint: its hours are priced, not the bytes it processes (only the handlers' STS calls are followed through an endpoint) " +
                "(cells cell-a, cell-b, cell-c)"), e.notes.join("\n"));
            // Without a VPC the same calls are free and pass no endpoint.
            const plain = estimatePlan((await shippedStack("dev")).capture, usage({ api: { requestsPerMonth: 100000, readFraction: 1, credentialsCacheHitFraction: 0.9 } }));
            assert.equal(quantity(plain, "cell-a", "vpc.interfaceEndpointGb"), 0);
        });

        it("says once, for every cell alike, that a usage section has no source there", async () => {
            const prod = await shippedStack("prod");
            const e = estimatePlan(prod.capture, usage({ kinesis: { recordsPerMonth: 10 } }));
            const cells = Array.from({ length: 12 }, (_, i) => `cell-${String(i + 1).padStart(2, "0")}`);
            assert.deepEqual(e.notes.filter(n => n.startsWith("usage.kinesis")),
                [`usage.kinesis: cell <cell> has no such source (its figures are not used there) (cells ${cells.join(", ")})`]);
        });

        it("sends a disabled cell's customers no further than the router (503)", async () => {
            const dev = await runStack("dev", { config: edit(stackConfig("dev"), "cells", cells => { cells[1].state = "disabled"; }) });
            const e = estimatePlan(dev.capture, readsOnly(1000));
            assert.equal(quantity(e, SHARED, "lambda.request"), 3000);
            assert.equal(quantity(e, "cell-b", "lambda.request", "traffic"), 0);
            assert.equal(quantity(e, "cell-a", "lambda.request", "traffic"), 1000);
            assert.ok(e.document.derived.some(d => d.figure === "requests answered 503 by the router" && d.value === 1000));
        });

        it("feeds the table stream's consumer the item writes its filter lets through, and not its own audit and counter rows", async () => {
            const dev = await shippedStack("dev");
            const e = estimatePlan(dev.capture, usage({
                api: { requestsPerMonth: 100000, readFraction: 0.8 }, table: { itemBytes: 2048, createOrDeleteFraction: 0.5 },
            }));
            // 100,000 × 0.2 writes reach the stream, one record each; at 0.0076 a second each is a batch of one.
            const invocations = e.document.derived.find(d => d.figure === "table-stream: invocations")!;
            close(invocations.value, 20000);
            // WRU: the API's 20,000 UpdateItems of 2 KB (2 each), the processor's 10,000 transactions of two rows
            // (2 × 2 each) and 10,000 audit puts (1 each); RRU: 80,000 eventually consistent reads of 2 KB (0.5 each).
            close(quantity(e, "cell-a", "dynamodb.writeRequestUnit", "traffic"), 20000 * 2 + 10000 * 4 + 10000 * 1);
            close(quantity(e, "cell-a", "dynamodb.readRequestUnit", "traffic"), 80000 * 0.5);
            assert.ok(!e.notes.some(n => n.includes("feed itself")));
        });

        it("stops, and says so, when a stream consumer's own writes would feed it without end", async () => {
            const dev = await shippedStack("dev");
            // The same plan with the table stream mapping's filter taken away.
            const resources = dev.resources.map(r => (r.name === "cell-a-table-stream-mapping" ? { ...r, inputs: { ...r.inputs, filterCriteria: undefined } } : r));
            const e = estimatePlan({ ...dev.capture, resources }, usage({ api: { requestsPerMonth: 1000, readFraction: 0 } }));
            assert.ok(e.notes.some(n => n.startsWith("cell-a-table-stream-mapping: cellular-dev-cell-a-table-stream's own writes pass its stream filter")), e.notes.join("\n"));
            assert.ok(Number.isFinite(e.document.totalMonthlyUsd));
        });

        it("retries a failed asynchronous event as its invoke config says, then hands it to the failure handler through the failure queue", async () => {
            const dev = await shippedStack("dev");
            const e = estimatePlan(dev.capture, usage({ topic: { messagesPerMonth: 100000, messageBytes: 512 }, failures: { fraction: 0.01 } }));
            // 100,000 events + 1,000 failed × 2 retries (maximumRetryAttempts 2)
            const notifier = e.document.derived.find(d => d.figure === "notifier: invocations")!;
            assert.equal(notifier.value, 102000);
            // The failed 1,000 (and 1% of the daily job's 30.4167 runs) reach the failure queue and the failure
            // handler; 1% of those fail there too and are received 5 times (the failure queue's maxReceiveCount).
            const failed = 1000 + (730 / 24) * 0.01;
            const queue = e.document.derived.find(d => d.figure === "cellular-dev-<cell>-failures: messages")!;
            close(queue.value, failed);
            const handler = e.document.derived.find(d => d.figure === "failure-handler: invocations")!;
            close(handler.value, failed * (1 + 0.01 * 4));
            // 100,000 publishes of 512 B, one request each, $0.50/M
            assert.equal(quantity(e, "cell-a", "sns.publish"), 100000);
        });
    });

    describe("the marginal cell", () => {
        it("is what the same plan with one more cell costs on top (dev: 4 cells against 3)", async () => {
            const u = readUsageFile(`${ROOT}/usage/dev.json`, FUNCTION_KINDS);
            const three = estimatePlan((await shippedStack("dev")).capture, u);
            const four = await runStack("dev", { config: edit(stackConfig("dev"), "cells", cells => { cells.push({ id: "cell-d" }); }) });
            const withD = estimatePlan(four.capture, u);
            assert.equal(three.marginalLike, "cell-b");
            close(withD.document.totalMonthlyUsd - three.document.totalMonthlyUsd, three.document.marginalCellMonthlyUsd, 3);
            // And a cell like cell-b, plus its customers' third of the shared traffic.
            close(three.document.marginalCellMonthlyUsd,
                three.document.cells[1]!.fixedMonthlyUsd + three.document.cells[1]!.variableMonthlyUsd + three.document.shared.variableMonthlyUsd / 3, 3);
        });
    });

    describe("independent of how the plan's references are known", () => {
        it("estimates the same from a preview plan (references by dependency) and an update plan (references by value)", async () => {
            const u = readUsageFile(`${ROOT}/usage/prod.json`, FUNCTION_KINDS);
            const preview = estimatePlan((await shippedStack("prod", "preview")).capture, u);
            const update = estimatePlan((await shippedStack("prod", "update")).capture, u);
            assert.deepEqual(update.document, preview.document);
            assert.ok(preview.document.totalMonthlyUsd > 0);
        });
    });

    describe("regions", () => {
        it("prices a stack in eu-west-1 with eu-west-1's prices, and refuses a region without prices", async () => {
            const eu = await runStack("dev", { config: { ...stackConfig("dev"), "aws:region": "eu-west-1" } });
            const e = estimatePlan(eu.capture, usage({}));
            assert.equal(e.document.region, "eu-west-1");
            // 730 h × $0.017 a shard-hour
            close(cost(e, c => c.owner === "cell-a" && c.key === "kinesis.shardHour"), 12.41);
            const ap = await runStack("dev", { config: { ...stackConfig("dev"), "aws:region": "ap-south-1" } });
            assert.throws(() => estimatePlan(ap.capture, usage({})), (err: unknown) => err instanceof NoPricesError &&
                err.message.startsWith('aws:region is "ap-south-1"; prices exist for eu-west-1, us-east-1'));
        });
    });

    it("runs the whole month in GB-seconds of a 730-hour month", () => {
        assert.equal(MONTH_SECONDS, 2628000);
    });
});
