import { strict as assert } from "assert";
import { Charge, SHARED, charges, freeTierCredit, marginalCost, price, quantitiesOf } from "../../../tools/lib/cost/ledger";
import { loadPriceBook } from "../../../tools/lib/cost/prices";

const book = loadPriceBook("us-east-1");
const close = (actual: number, expected: number, digits = 8) => assert.equal(Number(actual.toFixed(digits)), Number(expected.toFixed(digits)));

describe("the ledger (tools/lib/cost/ledger.ts)", () => {
    it("splits each cell's and the shared part's cost into fixed and variable, by service", () => {
        const list: Charge[] = [
            ...charges("cell-a", "resource", { "kinesis.shardHour": 730, "cloudWatch.dashboard": 1 }),
            ...charges("cell-a", "traffic", { "lambda.request": 1e6 }),
            ...charges("cell-a", "clock", { "lambda.request": 1e6 }),
            ...charges(SHARED, "traffic", { "apiGateway.httpRequest": 2e6 }),
        ];
        const priced = price(list, book);
        const a = priced.byOwner.get("cell-a")!;
        // Fixed: 730 × $0.015 + $3 + the clock's 1M requests × $0.20/M; variable: 1M × $0.20/M
        close(a.fixedUsd, 10.95 + 3 + 0.2);
        close(a.variableUsd, 0.2);
        close(a.byService.kinesis, 10.95);
        close(a.byService.lambda, 0.4);
        close(priced.byOwner.get(SHARED)!.variableUsd, 2);
        close(priced.totalUsd, 10.95 + 3 + 0.4 + 2);
    });

    it("prices a key's total through its tiers and shares it out by quantity", () => {
        // 400M REST requests: 333M × $3.50/M + 67M × $2.80/M = $1,353.10, split 3 : 1
        const list = [...charges("cell-a", "traffic", { "apiGateway.restRequest": 300e6 }), ...charges("cell-b", "traffic", { "apiGateway.restRequest": 100e6 })];
        const priced = price(list, book);
        close(priced.byOwner.get("cell-a")!.variableUsd, 1353.1 * 0.75, 6);
        close(priced.byOwner.get("cell-b")!.variableUsd, 1353.1 * 0.25, 6);
        assert.equal(quantitiesOf(list)["apiGateway.restRequest"], 400e6);
    });

    it("prices what one more owner adds from where this month's tiers stand", () => {
        const base = charges("cell-a", "traffic", { "apiGateway.restRequest": 333e6 });
        const extra = charges("cell-b", "traffic", { "apiGateway.restRequest": 10e6 });
        // The 10M extra requests all fall in the second tier: 10 × $2.80
        close(marginalCost(base, extra, book), 28, 6);
    });

    it("shows what the always-free allowances take off, per account and apart from the estimate", () => {
        const list = [
            ...charges("cell-a", "traffic", { "lambda.request": 3e6, "lambda.durationArm64": 300000, "lambda.durationX86": 300000 }),
            ...charges("cell-a", "resource", { "cloudWatch.dashboard": 4, "cloudWatch.alarmMetric": 19 }),
        ];
        const credit = freeTierCredit(list, book);
        // 1M requests × $0.20/M; 400,000 GB-s, the cheaper arm64 first: 300,000 × $0.0000133334 + 100,000 × $0.0000166667
        close(credit.byService.lambda, 0.2 + 300000 * 0.0000133334 + 100000 * 0.0000166667);
        // 3 dashboards × $3 + 10 alarm metrics × $0.10
        close(credit.byService.cloudWatch, 9 + 1);
        // The estimate itself does not change.
        close(price(list, book).totalUsd, 3 * 0.2 + 300000 * 0.0000133334 + 300000 * 0.0000166667 + 12 + 1.9);
    });
});
