import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    NoPricesError, PRICE_KEY_LIST, PRICE_KEYS, PRICES_DIR, PriceFileError, SERVICES, formatPriceBook, loadPriceBook, plainNumber, priceFile,
    pricedRegions, readPriceBook, tieredCost,
} from "../../../tools/lib/cost/prices";

const close = (actual: number, expected: number, digits = 9) => assert.equal(Number(actual.toFixed(digits)), Number(expected.toFixed(digits)));

describe("prices (tools/lib/cost/prices.ts and prices/<region>.json)", () => {
    it("ships us-east-1 and eu-west-1, each file complete, dated, cited and in its canonical form", () => {
        assert.deepEqual(pricedRegions(), ["eu-west-1", "us-east-1"]);
        for (const region of pricedRegions()) {
            const book = loadPriceBook(region);
            assert.equal(book.region, region);
            assert.match(book.pricesDate, /^2026-\d\d-\d\d$/);
            assert.deepEqual(Object.keys(book.prices), PRICE_KEY_LIST);
            for (const key of PRICE_KEY_LIST) {
                const p = book.prices[key];
                assert.match(p.page, /^https:\/\/aws\.amazon\.com\//, `${region} ${key} cites an AWS page`);
                assert.ok(p.checked.length > 0 && p.unit.length > 0, `${region} ${key}`);
            }
            // The updater writes files this way; a hand edit that drifts from it shows in review as a diff.
            assert.equal(fs.readFileSync(priceFile(region), "utf8"), formatPriceBook(book), `${region}.json is not in canonical form`);
        }
    });

    it("holds the us-east-1 figures of the project's notes (aws-lambda-facts.md, performance.md), checked against AWS's pages", () => {
        const p = loadPriceBook("us-east-1").prices;
        const perMillion = (key: keyof typeof PRICE_KEYS) => Number((p[key].tiers[0]!.usd * 1e6).toFixed(6));
        assert.equal(perMillion("lambda.request"), 0.2);
        assert.equal(p["lambda.durationX86"].tiers[0]!.usd, 0.0000166667);
        assert.equal(p["lambda.durationArm64"].tiers[0]!.usd, 0.0000133334);
        assert.equal(perMillion("dynamodb.writeRequestUnit"), 0.625);
        assert.equal(perMillion("dynamodb.readRequestUnit"), 0.125);
        assert.equal(perMillion("sqs.standardRequest"), 0.4);
        assert.equal(perMillion("sqs.fifoRequest"), 0.5);
        assert.equal(perMillion("sns.publish"), 0.5);
        assert.equal(perMillion("eventBridge.customEvent"), 1);
        assert.equal(p["cloudWatch.logIngestion"].tiers[0]!.usd, 0.5);
        assert.equal(perMillion("apiGateway.httpRequest"), 1);
        assert.equal(perMillion("apiGateway.restRequest"), 3.5);
        // The Lambda volume tiers: 6 B and 15 B GB-seconds on x86, 7.5 B and 18.75 B on arm64.
        assert.deepEqual(p["lambda.durationX86"].tiers.map(t => t.upTo), [6e9, 15e9, undefined]);
        assert.deepEqual(p["lambda.durationArm64"].tiers.map(t => t.upTo), [7.5e9, 18.75e9, undefined]);
    });

    it("bills every price under one of the estimate's services", () => {
        for (const key of PRICE_KEY_LIST) assert.ok((SERVICES as readonly string[]).includes(PRICE_KEYS[key].service), key);
    });

    describe("tieredCost", () => {
        const tiers = [{ upTo: 100, usd: 1 }, { upTo: 300, usd: 0.5 }, { usd: 0.25 }];

        it("prices within the first tier, across tiers, and from a starting point", () => {
            assert.equal(tieredCost(50, tiers), 50);
            // 100 × $1 + 200 × $0.50 + 100 × $0.25
            assert.equal(tieredCost(400, tiers), 100 + 100 + 25);
            // From 80: 20 × $1 + 30 × $0.50
            assert.equal(tieredCost(50, tiers, 80), 20 + 15);
            assert.equal(tieredCost(0, tiers), 0);
        });

        it("prices 7 B GB-seconds of x86 duration in two tiers (AWS's published ladder)", () => {
            const x86 = loadPriceBook("us-east-1").prices["lambda.durationX86"].tiers;
            // 6,000,000,000 × $0.0000166667 + 1,000,000,000 × $0.000015 = $100,000.20 + $15,000
            close(tieredCost(7e9, x86), 115000.2, 4);
        });
    });

    describe("reading a price file", () => {
        const valid = () => JSON.parse(fs.readFileSync(priceFile("us-east-1"), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

        it("lists every problem at once, each naming the key and what is allowed", () => {
            const raw = valid();
            delete raw.prices["kms.request"];
            raw.prices["lambda.request"].usd = -1;
            raw.prices["sns.publish"].page = "aws.amazon.com/sns/pricing/";
            raw.prices["s3.storage"].tiers[1].upTo = 100;
            raw.prices["lambda.bogus"] = {};
            raw.pricesDate = "1 Dec 2026";
            assert.deepEqual(readPriceBook(raw, "us-east-1").problems, [
                'pricesDate is "1 Dec 2026"; expected YYYY-MM-DD',
                `prices.lambda.bogus is not a price the estimator knows; known: ${PRICE_KEY_LIST.join(", ")}`,
                "prices.lambda.request.usd is -1; expected a price of at least 0",
                "prices.sns.publish.page is \"aws.amazon.com/sns/pricing/\"; expected the https:// address of an AWS pricing page",
                "prices.s3.storage.tiers[1].upTo is 100; expected a bound above 51200 (tiers ascend)",
                "prices.kms.request is missing; expected { unit, usd | tiers, page, date, checked } for a KMS request",
            ]);
        });

        it("refuses a file that names another region, and says which regions have prices", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
            fs.writeFileSync(path.join(dir, "eu-west-1.json"), JSON.stringify(valid()));
            assert.throws(() => loadPriceBook("eu-west-1", dir), (err: unknown) => err instanceof PriceFileError &&
                err.problems[0] === 'region is "us-east-1"; expected "eu-west-1" (the file\'s name)');
            assert.throws(() => loadPriceBook("ap-south-1", dir), (err: unknown) => err instanceof NoPricesError &&
                err.message.startsWith('aws:region is "ap-south-1"; prices exist for eu-west-1 (tools/lib/cost/prices/<region>.json;'));
            fs.rmSync(dir, { recursive: true });
        });

        it("writes numbers as plain decimals, never with an exponent", () => {
            assert.equal(plainNumber(0.000000125), "0.000000125");
            assert.equal(plainNumber(0.0000166667), "0.0000166667");
            assert.equal(plainNumber(3), "3");
            assert.ok(!fs.readFileSync(path.join(PRICES_DIR, "us-east-1.json"), "utf8").match(/\d[eE]-\d/));
        });
    });
});
