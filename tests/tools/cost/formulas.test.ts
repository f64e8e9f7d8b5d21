/**
 * Each service's price formula against figures worked out by hand from AWS's published us-east-1 prices
 * (tools/lib/cost/prices/us-east-1.json); the arithmetic is in the comments.
 */
import { strict as assert } from "assert";
import {
    KB, MONTH_SECONDS, Quantities, alarmMetrics, apiRequests, billedMs, kinesisPutUnits, kinesisStreamUsage, lambdaRequestUnits, lambdaUsage,
    logStorageGbMonths, provisionedConcurrencyUsage, provisionedShare, readUnits, sampledTraces, scanReadUnits, snsPublishes, sqsConsumeRequests,
    sqsRequests, interfaceEndpointUsage, tokensPerSession, writeUnits,
} from "../../../tools/lib/cost/formulas";
import { charges, price } from "../../../tools/lib/cost/ledger";
import { loadPriceBook } from "../../../tools/lib/cost/prices";

const book = loadPriceBook("us-east-1");

/** What quantities cost a month at us-east-1 list prices (one owner, so nothing is shared out). */
function usd(q: Quantities): number {
    return price(charges("cell-a", "traffic", q), book).totalUsd;
}

const close = (actual: number, expected: number, digits = 8) =>
    assert.equal(Number(actual.toFixed(digits)), Number(expected.toFixed(digits)), `${actual} is not ${expected}`);

describe("price formulas (tools/lib/cost/formulas.ts), against hand-worked figures", () => {
    describe("Lambda", () => {
        it("1M invocations of 200 ms at 512 MB on x86: $0.20 of requests + 100,000 GB-s × $0.0000166667 = $1.86667", () => {
            const q = lambdaUsage({ invocations: 1e6, durationMs: 200, memoryMb: 512, architecture: "x86_64" });
            // 1,000,000 × 0.2 s × 0.5 GB = 100,000 GB-s
            assert.deepEqual(q, { "lambda.request": 1e6, "lambda.durationX86": 100000 });
            close(usd(q), 0.2 + 100000 * 0.0000166667);
            close(usd(q), 1.86667, 5);
        });

        it("the same on arm64 is 20% cheaper per GB-s: $0.20 + 100,000 × $0.0000133334 = $1.53334", () => {
            const q = lambdaUsage({ invocations: 1e6, durationMs: 200, memoryMb: 512, architecture: "arm64" });
            assert.deepEqual(q, { "lambda.request": 1e6, "lambda.durationArm64": 100000 });
            close(usd(q), 1.53334, 5);
        });

        it("bills each invocation's duration rounded up to the next 1 ms: 1.2 ms bills 2 ms, 1.0 ms bills 1 ms", () => {
            assert.equal(billedMs(1.2), 2);
            assert.equal(billedMs(1), 1);
            assert.equal(billedMs(0.2), 1);
            // A sum that floats to 30.000000000000004 is 30 ms, not 31.
            assert.equal(billedMs(10 + 20.000000000000004), 30);
            // 1,000,000 × 0.002 s × 0.125 GB = 250 GB-s; at 1.0 ms, 125 GB-s
            assert.equal(lambdaUsage({ invocations: 1e6, durationMs: 1.2, memoryMb: 128, architecture: "x86_64" })["lambda.durationX86"], 250);
            assert.equal(lambdaUsage({ invocations: 1e6, durationMs: 1.0, memoryMb: 128, architecture: "x86_64" })["lambda.durationX86"], 125);
        });

        it("prices a month beyond the first volume tier at the next rate (x86: 6 B GB-s; arm64: 7.5 B)", () => {
            // 7 B GB-s on x86: 6 B × $0.0000166667 + 1 B × $0.000015 = $100,000.20 + $15,000.00
            close(usd({ "lambda.durationX86": 7e9 }), 115000.2, 4);
            // 8 B GB-s on arm64: 7.5 B × $0.0000133334 + 0.5 B × $0.0000120001 = $100,000.50 + $6,000.05
            close(usd({ "lambda.durationArm64": 8e9 }), 106000.55, 4);
        });

        it("counts an asynchronous event above 256 KB as one more request per further 64 KB, a synchronous one as one", () => {
            assert.equal(lambdaRequestUnits(256 * KB, true), 1);
            // 300 KB: 1 + ceil(44 KB / 64 KB) = 2
            assert.equal(lambdaRequestUnits(300 * KB, true), 2);
            // 1 MB: 1 + (1024 - 256) / 64 = 13
            assert.equal(lambdaRequestUnits(1024 * KB, true), 13);
            assert.equal(lambdaRequestUnits(1024 * KB, false), 1);
        });

        it("provisioned concurrency bills its GB every second of the month: 2 × 512 MB arm64 = 2,628,000 GB-s = $8.76", () => {
            const q = provisionedConcurrencyUsage(2, 512, "arm64");
            // 2 × 0.5 GB × 2,628,000 s (730 h)
            assert.deepEqual(q, { "lambda.provisionedArm64": 2628000 });
            // 2,628,000 × $0.0000033334 = $8.7601752
            close(usd(q), 8.7601752);
            // On x86: 2,628,000 × $0.0000041667 = $10.9500876
            close(usd(provisionedConcurrencyUsage(2, 512, "x86_64")), 10.9500876);
        });

        it("bills invocations served by provisioned concurrency at its duration rate, and the overflow on demand", () => {
            // 2,628,000 invocations of 1 s a month need 1 concurrent execution on average: 2 provisioned serve all.
            assert.equal(provisionedShare(MONTH_SECONDS, 1000, 2), 1);
            // 10 needed, 2 provisioned: a fifth.
            assert.equal(provisionedShare(10 * MONTH_SECONDS, 1000, 2), 0.2);
            assert.equal(provisionedShare(1e6, 1000, 0), 0);
            const q = lambdaUsage({ invocations: 1e6, durationMs: 100, memoryMb: 1024, architecture: "arm64", provisionedShare: 0.25 });
            // 1,000,000 × 0.1 s × 1 GB = 100,000 GB-s: 25,000 at $0.0000077778, 75,000 at $0.0000133334
            assert.deepEqual(q, { "lambda.request": 1e6, "lambda.durationArm64": 75000, "lambda.provisionedDurationArm64": 25000 });
            close(usd(q), 0.2 + 25000 * 0.0000077778 + 75000 * 0.0000133334);
        });
    });

    describe("DynamoDB on-demand", () => {
        it("reads per 4 KB (half eventually consistent, double in a transaction), writes per 1 KB (double in a transaction)", () => {
            assert.equal(readUnits(2 * KB, "eventual"), 0.5);
            // 9 KB: three 4 KB units
            assert.equal(readUnits(9 * KB, "strong"), 3);
            assert.equal(readUnits(4 * KB, "transactional"), 2);
            // 2.5 KB: three 1 KB units
            assert.equal(writeUnits(2.5 * KB, false), 3);
            assert.equal(writeUnits(KB, true), 2);
            // A Scan of a 10 GB table: 10 × 1024³ / 4096 = 2,621,440 units, half of them eventually consistent
            assert.equal(scanReadUnits(10 * 1024 ** 3), 1310720);
        });

        it("1M writes of 2 KB = 2M WRU × $0.625/M = $1.25; 1M reads of 2 KB = 0.5M RRU × $0.125/M = $0.0625", () => {
            close(usd({ "dynamodb.writeRequestUnit": 1e6 * writeUnits(2 * KB, false) }), 1.25);
            close(usd({ "dynamodb.readRequestUnit": 1e6 * readUnits(2 * KB, "eventual") }), 0.0625);
        });

        it("storage and continuous backups per GB-month: 10 GB × ($0.25 + $0.20) = $4.50", () => {
            close(usd({ "dynamodb.storage": 10, "dynamodb.pitrStorage": 10 }), 4.5);
        });
    });

    describe("SQS, SNS and EventBridge bill 64 KB chunks", () => {
        it("counts each 64 KB of a payload as a request: 1 KB and 64 KB are 1, 65 KB is 2, 256 KB is 4", () => {
            assert.equal(sqsRequests(1, KB), 1);
            assert.equal(sqsRequests(1, 64 * KB), 1);
            assert.equal(sqsRequests(1, 65 * KB), 2);
            assert.equal(sqsRequests(1, 256 * KB), 4);
            // 1M sends of 100 KB = 2M requests × $0.40/M = $0.80
            close(usd({ "sqs.standardRequest": sqsRequests(1e6, 100 * KB) }), 0.8);
            close(usd({ "sqs.fifoRequest": sqsRequests(1e6, 100 * KB) }), 1.0);
        });

        it("consumes in receives of up to 10 messages (billed by their payload) and batch deletes", () => {
            // 100 messages of 1 KB, 10 an invocation: 10 receives of 10 KB (1 chunk each) + 10 deletes
            assert.equal(sqsConsumeRequests(100, KB, 10), 20);
            // 100 messages of 8 KB, 25 an invocation: 4 invocations × 3 receives × ceil(80 KB / 64 KB) = 24, + 4 × 3 deletes
            assert.equal(sqsConsumeRequests(100, 8 * KB, 25), 36);
        });

        it("1M SNS publishes of 100 KB = 2M requests × $0.50/M = $1.00", () => {
            assert.equal(snsPublishes(1e6, 100 * KB), 2e6);
            close(usd({ "sns.publish": snsPublishes(1e6, 100 * KB) }), 1);
        });

        it("prices SQS beyond 100 B requests a month at the next tier", () => {
            // 150 B standard requests: 100 B × $0.40/M + 50 B × $0.30/M = $40,000 + $15,000
            close(usd({ "sqs.standardRequest": 150e9 }), 55000, 4);
        });
    });

    describe("API Gateway", () => {
        it("meters HTTP API requests in 512 KB increments, REST API requests one each", () => {
            assert.equal(apiRequests("http", 1e6, 600 * KB), 2e6);
            assert.equal(apiRequests("rest", 1e6, 600 * KB), 1e6);
            // 1M HTTP requests of 600 KB = 2M × $1.00/M = $2.00
            close(usd({ "apiGateway.httpRequest": apiRequests("http", 1e6, 600 * KB) }), 2);
        });

        it("prices 400M REST requests across two tiers: 333M × $3.50/M + 67M × $2.80/M = $1,353.10", () => {
            close(usd({ "apiGateway.restRequest": 400e6 }), 1353.1, 4);
        });

        it("prices 310M HTTP requests across two tiers: 300M × $1.00/M + 10M × $0.90/M = $309", () => {
            close(usd({ "apiGateway.httpRequest": 310e6 }), 309, 4);
        });
    });

    describe("Kinesis", () => {
        it("bills a provisioned shard every hour: 730 × $0.015 = $10.95; retention beyond 24 h adds 730 × $0.02", () => {
            close(usd(kinesisStreamUsage("PROVISIONED", 1, 24)), 10.95);
            close(usd(kinesisStreamUsage("PROVISIONED", 1, 48)), 10.95 + 14.6);
            // An on-demand stream: 730 stream-hours × $0.04 = $29.20
            close(usd(kinesisStreamUsage("ON_DEMAND", 0, 24)), 29.2);
        });

        it("bills each record in 25 KB payload units: 30 KB is 2", () => {
            assert.equal(kinesisPutUnits(1, 30 * KB), 2);
            assert.equal(kinesisPutUnits(1e6, KB), 1e6);
            // 1M units × $0.014/M
            close(usd({ "kinesis.putPayloadUnit": 1e6 }), 0.014);
        });
    });

    describe("CloudWatch", () => {
        it("keeps a month's logs as long as the retention: 10 GB a month at 14 days is 10 × 14 / 30.4167 GB-months", () => {
            close(logStorageGbMonths(10, 14), (10 * 14) / (730 / 24));
            // Never expiring: a year's worth.
            assert.equal(logStorageGbMonths(10, undefined), 120);
        });

        it("prices Lambda's logs in volume tiers: 15,000 GB = 10,240 × $0.50 + 4,760 × $0.25 = $6,310", () => {
            close(usd({ "cloudWatch.lambdaLogIngestion": 15000 }), 6310, 4);
        });

        it("counts each metric a metric-math alarm reads, and bills high resolution under 60 s", () => {
            const m = (id: string, period = 300) => ({ id, metric: { namespace: "AWS/Lambda", metricName: "Errors", period, stat: "Sum" } });
            assert.deepEqual(alarmMetrics({ metricQueries: [m("a"), m("b"), m("c"), { id: "t", expression: "SUM([a,b,c])", returnData: true }] }),
                { metrics: 3, highResolution: false });
            assert.deepEqual(alarmMetrics({ namespace: "AWS/SQS", metricName: "X", period: 10 }), { metrics: 1, highResolution: true });
            // Three alarm metrics a month: 3 × $0.10
            close(usd({ "cloudWatch.alarmMetric": 3 }), 0.3);
        });
    });

    describe("X-Ray", () => {
        it("records the first request each second and 5% of the rest: 10M requests a month = 2,628,000 + 5% × 7,372,000", () => {
            // The reservoir: 1 a second × 2,628,000 s; the rest: 0.05 × 7,372,000 = 368,600
            assert.equal(sampledTraces(10e6, 0.05, 1), 2628000 + 368600);
            assert.equal(sampledTraces(1e6, 0.05, 1), 1e6);
            // 2,996,600 traces × $5.00/M = $14.983
            close(usd({ "xray.traceRecorded": sampledTraces(10e6, 0.05, 1) }), 14.983);
        });
    });

    describe("S3", () => {
        it("prices storage in tiers: 60,000 GB = 51,200 × $0.023 + 8,800 × $0.022 = $1,371.20; PUT $0.005 and GET $0.0004 per 1,000", () => {
            close(usd({ "s3.storage": 60000 }), 1371.2, 4);
            close(usd({ "s3.writeRequest": 1000, "s3.readRequest": 1000 }), 0.0054);
        });
    });

    describe("Cognito and VPC endpoints", () => {
        it("issues a token at sign-in and one at each expiry of the access token while the session lasts", () => {
            assert.equal(tokensPerSession(30, 60), 1);
            assert.equal(tokensPerSession(60, 60), 1);
            assert.equal(tokensPerSession(90, 60), 2);
            assert.equal(tokensPerSession(0, 60), 1);
            assert.equal(tokensPerSession(45, 5), 9);
        });

        it("prices Essentials MAUs flat: 90,000 × $0.015 = $1,350", () => {
            close(usd({ "cognito.essentialsMau": 90000 }), 1350);
        });

        it("bills an interface endpoint each hour in each zone: 2 zones × 730 h × $0.01 = $14.60, and its GB in tiers beyond 1 PB", () => {
            assert.deepEqual(interfaceEndpointUsage(2), { "vpc.interfaceEndpointHour": 1460 });
            close(usd(interfaceEndpointUsage(2)), 14.6);
            // 1 PB (1,048,576 GB) × $0.01 + 1,000 GB × $0.006
            close(usd({ "vpc.interfaceEndpointGb": 1048576 + 1000 }), 10485.76 + 6, 4);
        });
    });
});
