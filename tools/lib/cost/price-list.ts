/**
 * Refreshes a region's price file from the AWS Price List Bulk API (`npm run cost -- --update-prices`): the public,
 * unauthenticated offer files at https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/
 * region_index.json and the region's offer they point to. Each price key is one usage type of one offer (AWS writes
 * it with the region's prefix outside us-east-1: `EU-Lambda-GB-Second`); its on-demand price dimensions become the
 * key's tiers (a leading $0 band is a free tier, which the price file keeps apart).
 *
 * Every key must be found, priced in USD and in the unit expected, or nothing is written: a partial refresh would
 * mix dates. Where AWS cannot be reached it says so and changes nothing.
 */
import * as fs from "fs";
import { PRICE_KEY_LIST, Price, PriceBook, PriceKey, Tier, formatPriceBook, loadPriceBook, priceFile, pricedRegions, readPriceBook } from "./prices";

/** Where the Price List Bulk API is (CELLULAR_PRICE_LIST_URL overrides it, e.g. for a mirror). */
export const PRICE_LIST_URL = "https://pricing.us-east-1.amazonaws.com";

interface Source {
    offer: string;
    /** The usage type without the region's prefix. */
    usageType: string;
    /** Product attributes that must match as well. */
    attributes?: Record<string, string>;
    /** The offer's unit for this price, as the offer writes it. */
    unit: RegExp;
}

/** Which offer and usage type each price key comes from. */
export const PRICE_LIST_SOURCES: Record<PriceKey, Source> = {
    "apiGateway.httpRequest": { offer: "AmazonApiGateway", usageType: "ApiGatewayHttpRequest", unit: /^requests?$/i },
    "apiGateway.restRequest": { offer: "AmazonApiGateway", usageType: "ApiGatewayRequest", unit: /^requests?$/i },
    "lambda.request": { offer: "AWSLambda", usageType: "Request", unit: /^requests?$/i },
    "lambda.durationX86": { offer: "AWSLambda", usageType: "Lambda-GB-Second", unit: /^(lambda-)?gb-seconds?$/i },
    "lambda.durationArm64": { offer: "AWSLambda", usageType: "Lambda-GB-Second-ARM", unit: /^(lambda-)?gb-seconds?$/i },
    "lambda.provisionedX86": { offer: "AWSLambda", usageType: "Lambda-Provisioned-Concurrency", unit: /^(lambda-)?gb-seconds?$/i },
    "lambda.provisionedArm64": { offer: "AWSLambda", usageType: "Lambda-Provisioned-Concurrency-ARM", unit: /^(lambda-)?gb-seconds?$/i },
    "lambda.provisionedDurationX86": { offer: "AWSLambda", usageType: "Lambda-Provisioned-GB-Second", unit: /^(lambda-)?gb-seconds?$/i },
    "lambda.provisionedDurationArm64": { offer: "AWSLambda", usageType: "Lambda-Provisioned-GB-Second-ARM", unit: /^(lambda-)?gb-seconds?$/i },
    "dynamodb.writeRequestUnit": { offer: "AmazonDynamoDB", usageType: "WriteRequestUnits", unit: /^writerequestunits$/i },
    "dynamodb.readRequestUnit": { offer: "AmazonDynamoDB", usageType: "ReadRequestUnits", unit: /^readrequestunits$/i },
    "dynamodb.storage": { offer: "AmazonDynamoDB", usageType: "TimedStorage-ByteHrs", unit: /^gb-mo$/i },
    "dynamodb.pitrStorage": { offer: "AmazonDynamoDB", usageType: "TimedPITRStorage-ByteHrs", unit: /^gb-mo$/i },
    "dynamodb.streamReadRequest": { offer: "AmazonDynamoDB", usageType: "Streams-Requests", unit: /^requests?$/i },
    "sqs.standardRequest": { offer: "AWSQueueService", usageType: "Requests-Tier1", attributes: { queueType: "Standard" }, unit: /^requests?$/i },
    "sqs.fifoRequest": { offer: "AWSQueueService", usageType: "Requests-FIFO-Tier1", unit: /^requests?$/i },
    "sns.publish": { offer: "AmazonSNS", usageType: "Requests-Tier1", unit: /^requests?$/i },
    "eventBridge.customEvent": { offer: "AWSEvents", usageType: "Event-64K-Chunks", unit: /^events?$/i },
    "s3.storage": { offer: "AmazonS3", usageType: "TimedStorage-ByteHrs", unit: /^gb-mo$/i },
    "s3.writeRequest": { offer: "AmazonS3", usageType: "Requests-Tier1", unit: /^requests?$/i },
    "s3.readRequest": { offer: "AmazonS3", usageType: "Requests-Tier2", unit: /^requests?$/i },
    "cloudWatch.logIngestion": { offer: "AmazonCloudWatch", usageType: "DataProcessing-Bytes", unit: /^gb$/i },
    "cloudWatch.lambdaLogIngestion": { offer: "AmazonCloudWatch", usageType: "VendedLog-Bytes", unit: /^gb$/i },
    "cloudWatch.logStorage": { offer: "AmazonCloudWatch", usageType: "TimedStorage-ByteHrs", unit: /^gb-mo$/i },
    "cloudWatch.alarmMetric": { offer: "AmazonCloudWatch", usageType: "CW:AlarmMonitorUsage", unit: /^alarms?$/i },
    "cloudWatch.highResolutionAlarmMetric": { offer: "AmazonCloudWatch", usageType: "CW:HighResAlarmMonitorUsage", unit: /^alarms?$/i },
    "cloudWatch.dashboard": { offer: "AmazonCloudWatch", usageType: "DashboardsUsageHour-Basic", unit: /^dashboards?$/i },
    "xray.traceRecorded": { offer: "AWSXRay", usageType: "XRay-TracesStored", unit: /^traces?$/i },
    "kinesis.shardHour": { offer: "AmazonKinesis", usageType: "Storage-ShardHour", unit: /^shardhours?$/i },
    "kinesis.putPayloadUnit": { offer: "AmazonKinesis", usageType: "PutRequestPayloadUnits", unit: /^putrequests?$/i },
    "kinesis.extendedRetentionShardHour": { offer: "AmazonKinesis", usageType: "Extended-ShardHour", unit: /^shardhours?$/i },
    "kinesis.onDemandStreamHour": { offer: "AmazonKinesis", usageType: "OnDemand-StreamHour", unit: /^(stream)?hours?$/i },
    "elb.albHour": { offer: "AWSELB", usageType: "LoadBalancerUsage", attributes: { productFamily: "Load Balancer-Application" }, unit: /^hrs?$/i },
    "kinesis.onDemandIngestedGb": { offer: "AmazonKinesis", usageType: "OnDemand-BillableIngestedBytes", unit: /^gb$/i },
    "kinesis.onDemandRetrievedGb": { offer: "AmazonKinesis", usageType: "OnDemand-BillableReadBytes", unit: /^gb$/i },
    "kms.customerManagedKey": { offer: "awskms", usageType: "KMS-Keys", unit: /^keys?$/i },
    "kms.request": { offer: "awskms", usageType: "KMS-Requests", unit: /^requests?$/i },
    // The legacy MAU SKUs are priced per "CognitoUserPoolsMAU"; the feature plans' unit is taken in any of its spellings.
    "cognito.essentialsMau": { offer: "AmazonCognito", usageType: "CognitoEssentialsMAU", unit: /^(maus?|users?|cognito[a-z]*mau)$/i },
    "vpc.interfaceEndpointHour": { offer: "AmazonVPC", usageType: "VpcEndpoint-Hours", attributes: { operation: "VpcEndpoint" }, unit: /^(hrs?|hours?)$/i },
    "vpc.interfaceEndpointGb": { offer: "AmazonVPC", usageType: "VpcEndpoint-Bytes", attributes: { operation: "VpcEndpoint" }, unit: /^gb$/i },
};

/** The Price List could not be reached; nothing was changed. */
export class PriceListUnreachableError extends Error {
    constructor(readonly url: string, cause: unknown) {
        super(`cannot reach the AWS Price List API (${url}): ${cause instanceof Error ? cause.message : String(cause)}; ` +
            "no price file was changed (run it where AWS is reachable, or set CELLULAR_PRICE_LIST_URL to a mirror)");
        this.name = "PriceListUnreachableError";
    }
}

/** The Price List was reached but does not give every price as expected; nothing was changed. */
export class PriceListError extends Error {
    constructor(readonly region: string, readonly problems: readonly string[]) {
        super(`the AWS Price List does not give every price of ${region} as expected (${problems.length} problem${problems.length === 1 ? "" : "s"}); ` +
            `no price file was changed:\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "PriceListError";
    }
}

/** Reads a JSON document from the Price List (the default reads over HTTPS, 30 s at most). */
export type JsonGetter = (url: string) => Promise<unknown>;

export function httpGetter(timeoutMs = 30_000): JsonGetter {
    return async url => {
        let response: Response;
        try {
            response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
            const cause = (err as { cause?: unknown }).cause;
            throw new PriceListUnreachableError(url, cause instanceof Error ? cause : err);
        }
        if (!response.ok) throw new PriceListUnreachableError(url, new Error(`HTTP ${response.status} ${response.statusText}`));
        return response.json() as Promise<unknown>;
    };
}

interface Offer {
    version?: string;
    publicationDate?: string;
    products: Record<string, { sku: string; attributes: Record<string, string> }>;
    terms: { OnDemand: Record<string, Record<string, { priceDimensions: Record<string, Dimension> }>> };
}

interface Dimension {
    beginRange: string;
    endRange: string;
    unit: string;
    pricePerUnit: Record<string, string>;
}

function isOffer(v: unknown): v is Offer {
    const o = v as Partial<Offer> | undefined;
    return typeof o === "object" && o !== null && typeof o.products === "object" && typeof o.terms?.OnDemand === "object";
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A usage type with or without a region's prefix (`EU-`, `USE1-`, ...). */
export function usageTypeMatches(usageType: string, bare: string): boolean {
    return new RegExp(`^(?:[A-Z]{2,5}[0-9]?-)?${escapeRegExp(bare)}$`).test(usageType);
}

/** The price of one key in one offer, as tiers; or why not. */
export function priceFromOffer(offer: Offer, source: Source, region: string): { tiers: Tier[] } | { problem: string } {
    const skus = Object.values(offer.products).filter(p => usageTypeMatches(p.attributes.usagetype ?? "", source.usageType)
        && (p.attributes.regionCode === undefined || p.attributes.regionCode === region)
        && Object.entries(source.attributes ?? {}).every(([k, v]) => p.attributes[k] === v));
    const ladders = new Map<string, Tier[]>();
    for (const product of skus) {
        for (const term of Object.values(offer.terms.OnDemand[product.sku] ?? {})) {
            const dims = Object.values(term.priceDimensions).sort((a, b) => Number(a.beginRange) - Number(b.beginRange));
            if (dims.length === 0) continue;
            if (!dims.every(d => source.unit.test(d.unit))) return { problem: `${source.offer} ${source.usageType} is priced per ${dims[0]!.unit}, not the unit expected (${source.unit})` };
            const usd = dims.map(d => Number(d.pricePerUnit.USD));
            if (usd.some(n => !Number.isFinite(n))) return { problem: `${source.offer} ${source.usageType} has no USD price` };
            // A leading $0 band is a free allowance: the price file keeps it apart and lists the price from the first unit.
            let start = 0;
            while (start < dims.length - 1 && usd[start] === 0) start++;
            const tiers: Tier[] = dims.slice(start).map((d, i, all) => (i === all.length - 1 || d.endRange === "Inf" ? { usd: usd[start + i]! } : { upTo: Number(d.endRange), usd: usd[start + i]! }));
            ladders.set(JSON.stringify(tiers), tiers);
        }
    }
    if (ladders.size === 0) return { problem: `${source.offer} has no on-demand price for usage type ${source.usageType} in ${region}` };
    if (ladders.size > 1) return { problem: `${source.offer} usage type ${source.usageType} has ${ladders.size} different prices in ${region}; the estimator cannot tell which applies` };
    return { tiers: [...ladders.values()][0]! };
}

/**
 * A region's price book from the Price List, keeping each price's page and the free tiers of `previous`.
 * @throws PriceListUnreachableError, PriceListError
 */
export async function priceBookFromPriceList(region: string, previous: PriceBook, get: JsonGetter, base = PRICE_LIST_URL, today = new Date()): Promise<PriceBook> {
    const date = today.toISOString().slice(0, 10);
    const offers = new Map<string, Offer>();
    const problems: string[] = [];
    for (const offerCode of new Set(Object.values(PRICE_LIST_SOURCES).map(s => s.offer))) {
        const index = await get(`${base}/offers/v1.0/aws/${offerCode}/current/region_index.json`) as { regions?: Record<string, { currentVersionUrl?: string }> };
        const url = index?.regions?.[region]?.currentVersionUrl;
        if (!url) {
            problems.push(`${offerCode} has no offer for ${region}`);
            continue;
        }
        const offer = await get(`${base}${url}`);
        if (!isOffer(offer)) problems.push(`${offerCode} (${url}) is not an offer file`);
        else offers.set(offerCode, offer);
    }
    const prices: Partial<Record<PriceKey, Price>> = {};
    for (const key of PRICE_KEY_LIST) {
        const source = PRICE_LIST_SOURCES[key];
        const offer = offers.get(source.offer);
        if (!offer) continue;
        const found = priceFromOffer(offer, source, region);
        if ("problem" in found) {
            problems.push(`${key}: ${found.problem}`);
            continue;
        }
        prices[key] = {
            ...previous.prices[key], tiers: found.tiers, date,
            checked: `AWS Price List API: ${source.offer} ${source.usageType}, offer version ${offer.version ?? "?"} (${offer.publicationDate ?? "?"})`,
        };
    }
    if (problems.length > 0) throw new PriceListError(region, problems);
    const book: PriceBook = { ...previous, pricesDate: date, prices: prices as Record<PriceKey, Price> };
    const check = readPriceBook(JSON.parse(formatPriceBook(book)), region);
    if (check.problems.length > 0) throw new PriceListError(region, check.problems);
    return book;
}

/**
 * Refreshes the price files of `regions` in `dir` (a region without a file starts from another region's pages and
 * free tiers, which do not differ); writes them only when every region's prices were read.
 */
export async function updatePriceFiles(regions: readonly string[], dir: string, get: JsonGetter, base = PRICE_LIST_URL): Promise<string[]> {
    const books: PriceBook[] = [];
    for (const region of regions) {
        const previous = fs.existsSync(priceFile(region, dir)) ? loadPriceBook(region, dir) : { ...loadPriceBook(pricedRegions(dir)[0]!, dir), region };
        books.push(await priceBookFromPriceList(region, previous, get, base));
    }
    for (const book of books) fs.writeFileSync(priceFile(book.region, dir), formatPriceBook(book));
    return books.map(b => priceFile(b.region, dir));
}
