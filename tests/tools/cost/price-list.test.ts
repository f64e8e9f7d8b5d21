/**
 * The Price List updater against a local server that speaks the Bulk API's documented format (region_index.json,
 * then the region's offer file: products by SKU with their usage types, on-demand terms with price dimensions).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import {
    PRICE_LIST_SOURCES, PriceListError, PriceListUnreachableError, httpGetter, priceBookFromPriceList, updatePriceFiles, usageTypeMatches,
} from "../../../tools/lib/cost/price-list";
import { PRICE_KEY_LIST, PRICES_DIR, PriceBook, formatPriceBook, loadPriceBook, priceFile } from "../../../tools/lib/cost/prices";

/** The units the Price List writes, by service and key. */
const UNITS: Record<string, Record<string, string>> = {
    apiGateway: { default: "Requests" },
    lambda: { default: "Lambda-GB-Second", "lambda.request": "Requests" },
    dynamodb: { default: "GB-Mo", "dynamodb.writeRequestUnit": "WriteRequestUnits", "dynamodb.readRequestUnit": "ReadRequestUnits", "dynamodb.streamReadRequest": "Requests" },
    sqs: { default: "Requests" },
    sns: { default: "Requests" },
    eventBridge: { default: "Events" },
    s3: { default: "Requests", "s3.storage": "GB-Mo" },
    cloudWatch: { default: "GB", "cloudWatch.logStorage": "GB-Mo", "cloudWatch.alarmMetric": "Alarms", "cloudWatch.highResolutionAlarmMetric": "Alarms", "cloudWatch.dashboard": "Dashboards" },
    xray: { default: "Traces" },
    kinesis: { default: "ShardHour", "kinesis.putPayloadUnit": "PutRequest", "kinesis.onDemandStreamHour": "Hours", "kinesis.onDemandIngestedGb": "GB", "kinesis.onDemandRetrievedGb": "GB" },
    kms: { default: "Requests", "kms.customerManagedKey": "Keys" },
    cognito: { default: "MAU" },
    vpc: { default: "Hrs", "vpc.interfaceEndpointGb": "GB" },
    elb: { default: "Hrs" },
};

type Offer = { formatVersion: string; offerCode: string; version: string; publicationDate: string; products: Record<string, unknown>; terms: { OnDemand: Record<string, unknown> } };

/** Offer files holding `book`'s prices as the Price List would publish them (usage types with the region's prefix). */
function offersOf(book: PriceBook, prefix: string): Map<string, Offer> {
    const offers = new Map<string, Offer>();
    let n = 0;
    for (const key of PRICE_KEY_LIST) {
        const source = PRICE_LIST_SOURCES[key];
        const offer = offers.get(source.offer) ?? { formatVersion: "v1.0", offerCode: source.offer, version: "20261130000000",
            publicationDate: "2026-11-30T00:00:00Z", products: {}, terms: { OnDemand: {} } };
        offers.set(source.offer, offer);
        const sku = `SKU${++n}`;
        offer.products[sku] = { sku, productFamily: "Fixture", attributes: { usagetype: `${prefix}${source.usageType}`, regionCode: book.region, ...source.attributes } };
        const unit = UNITS[key.split(".")[0]!]?.[key] ?? UNITS[key.split(".")[0]!]!.default!;
        const tiers = book.prices[key].tiers;
        // DynamoDB storage carries its free allowance as a leading $0 band, as the Price List writes it.
        const bands = key === "dynamodb.storage" ? [{ upTo: 25, usd: 0 }, ...tiers.map(t => ({ ...t }))] : tiers;
        const dims: Record<string, unknown> = {};
        let begin = 0;
        bands.forEach((t, i) => {
            dims[`${sku}.JRTCKXETXF.R${i}`] = { rateCode: `${sku}.JRTCKXETXF.R${i}`, description: "fixture", beginRange: String(begin),
                endRange: t.upTo === undefined ? "Inf" : String(t.upTo), unit, pricePerUnit: { USD: String(t.usd) }, appliesTo: [] };
            begin = t.upTo ?? begin;
        });
        offer.terms.OnDemand[sku] = { [`${sku}.JRTCKXETXF`]: { offerTermCode: "JRTCKXETXF", sku, effectiveDate: "2026-11-01T00:00:00Z", priceDimensions: dims } };
    }
    // A product that only looks alike must not be taken: Lambda@Edge's requests.
    const lambda = offers.get("AWSLambda")!;
    lambda.products.EDGE = { sku: "EDGE", attributes: { usagetype: `${prefix}Lambda-Edge-Request`, regionCode: book.region } };
    lambda.terms.OnDemand.EDGE = { "EDGE.T": { priceDimensions: { "EDGE.T.R": { beginRange: "0", endRange: "Inf", unit: "Request", pricePerUnit: { USD: "0.0000006" } } } } };
    return offers;
}

interface Server {
    base: string;
    close(): Promise<void>;
}

async function serve(region: string, offers: Map<string, Offer>, status = 200): Promise<Server> {
    const server = http.createServer((req, res) => {
        const url = req.url ?? "";
        const index = /^\/offers\/v1\.0\/aws\/([^/]+)\/current\/region_index\.json$/.exec(url);
        const offer = /^\/offers\/v1\.0\/aws\/([^/]+)\/20261130000000\/([^/]+)\/index\.json$/.exec(url);
        res.setHeader("content-type", "application/json");
        if (status !== 200) {
            res.statusCode = status;
            res.end("{}");
        } else if (index && offers.has(index[1]!)) {
            res.end(JSON.stringify({ formatVersion: "v1.0", regions: { [region]: { regionCode: region, currentVersionUrl: `/offers/v1.0/aws/${index[1]}/20261130000000/${region}/index.json` } } }));
        } else if (offer && offers.has(offer[1]!) && offer[2] === region) {
            res.end(JSON.stringify(offers.get(offer[1]!)));
        } else {
            res.statusCode = 404;
            res.end("{}");
        }
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    return { base: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function tempPrices(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
    for (const f of fs.readdirSync(PRICES_DIR)) fs.copyFileSync(path.join(PRICES_DIR, f), path.join(dir, f));
    return dir;
}

describe("refreshing prices from the AWS Price List (tools/lib/cost/price-list.ts)", () => {
    it("matches a usage type with or without its region's prefix, and nothing that only ends alike", () => {
        assert.ok(usageTypeMatches("Request", "Request"));
        assert.ok(usageTypeMatches("EU-Request", "Request"));
        assert.ok(usageTypeMatches("USE1-Request", "Request"));
        assert.ok(!usageTypeMatches("EU-Lambda-Edge-Request", "Request"));
        assert.ok(!usageTypeMatches("EU-Request-ARM", "Request"));
    });

    it("reads every price of eu-west-1 from the region's offers, tiers and all, keeping pages and free tiers", async () => {
        const previous = loadPriceBook("eu-west-1");
        const server = await serve("eu-west-1", offersOf(previous, "EU-"));
        try {
            const book = await priceBookFromPriceList("eu-west-1", previous, httpGetter(), server.base, new Date("2026-12-02T10:00:00Z"));
            assert.equal(book.pricesDate, "2026-12-02");
            for (const key of PRICE_KEY_LIST) {
                assert.deepEqual(book.prices[key].tiers, previous.prices[key].tiers, key);
                assert.equal(book.prices[key].page, previous.prices[key].page, key);
                assert.equal(book.prices[key].date, "2026-12-02");
            }
            // The $0 band of DynamoDB storage is the free tier, which stays apart.
            assert.deepEqual(book.prices["dynamodb.storage"].tiers, [{ usd: 0.283 }]);
            assert.equal(book.prices["lambda.request"].checked, "AWS Price List API: AWSLambda Request, offer version 20261130000000 (2026-11-30T00:00:00Z)");
            assert.deepEqual(book.freeTier, previous.freeTier);
        } finally {
            await server.close();
        }
    });

    it("writes the refreshed file in its canonical form", async () => {
        const dir = tempPrices();
        const server = await serve("us-east-1", offersOf(loadPriceBook("us-east-1"), ""));
        try {
            const written = await updatePriceFiles(["us-east-1"], dir, httpGetter(), server.base);
            assert.deepEqual(written, [priceFile("us-east-1", dir)]);
            const book = loadPriceBook("us-east-1", dir);
            assert.equal(fs.readFileSync(priceFile("us-east-1", dir), "utf8"), formatPriceBook(book));
            assert.ok(book.prices["s3.storage"].checked.startsWith("AWS Price List API: AmazonS3 TimedStorage-ByteHrs"));
        } finally {
            await server.close();
            fs.rmSync(dir, { recursive: true });
        }
    });

    it("writes nothing when a price is missing or in another unit, and says which", async () => {
        const dir = tempPrices();
        const before = fs.readFileSync(priceFile("us-east-1", dir), "utf8");
        const offers = offersOf(loadPriceBook("us-east-1"), "");
        const kms = offers.get("awskms")!;
        const requests = Object.entries(kms.products).find(([, p]) => (p as { attributes: { usagetype: string } }).attributes.usagetype === "KMS-Requests")![0];
        delete kms.products[requests];
        const xray = offers.get("AWSXRay")!;
        for (const term of Object.values(xray.terms.OnDemand) as Array<Record<string, { priceDimensions: Record<string, { unit: string }> }>>) {
            for (const t of Object.values(term)) for (const d of Object.values(t.priceDimensions)) d.unit = "GB";
        }
        const server = await serve("us-east-1", offers);
        try {
            await assert.rejects(updatePriceFiles(["us-east-1"], dir, httpGetter(), server.base), (err: unknown) => err instanceof PriceListError &&
                err.problems.length === 2 &&
                err.problems[0] === "xray.traceRecorded: AWSXRay XRay-TracesStored is priced per GB, not the unit expected (/^traces?$/i)" &&
                err.problems[1] === "kms.request: awskms has no on-demand price for usage type KMS-Requests in us-east-1");
            assert.equal(fs.readFileSync(priceFile("us-east-1", dir), "utf8"), before);
        } finally {
            await server.close();
            fs.rmSync(dir, { recursive: true });
        }
    });

    it("says the Price List cannot be reached when it answers with an error, and writes nothing", async () => {
        const dir = tempPrices();
        const before = fs.readFileSync(priceFile("eu-west-1", dir), "utf8");
        const server = await serve("eu-west-1", new Map(), 503);
        try {
            await assert.rejects(updatePriceFiles(["eu-west-1"], dir, httpGetter(), server.base), (err: unknown) => err instanceof PriceListUnreachableError &&
                err.message.includes("HTTP 503") && err.message.endsWith("no price file was changed (run it where AWS is reachable, or set CELLULAR_PRICE_LIST_URL to a mirror)"));
            assert.equal(fs.readFileSync(priceFile("eu-west-1", dir), "utf8"), before);
        } finally {
            await server.close();
            fs.rmSync(dir, { recursive: true });
        }
    });
});
