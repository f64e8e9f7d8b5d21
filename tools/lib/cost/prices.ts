/**
 * Unit prices as data: one dated file per region in `tools/lib/cost/prices/<region>.json`, each price with its unit,
 * its volume tiers where AWS has them, the date, the AWS pricing page it comes from and how it was checked. The
 * estimator never writes a price in code: it reads a {@link PriceBook}. Pure (file reading aside): no Pulumi, no AWS
 * client.
 */
import * as fs from "fs";
import * as path from "path";

/** Where the shipped price files are. */
export const PRICES_DIR = path.join(__dirname, "prices");

/** The services of the estimate, as the `byService` keys of its output. */
export const SERVICES = ["apiGateway", "lambda", "dynamodb", "sqs", "sns", "eventBridge", "s3", "cloudWatch", "xray", "kinesis", "kms", "cognito", "vpc", "elb"] as const;
export type Service = (typeof SERVICES)[number];

/**
 * Every price the estimator uses, by key: the service it is billed under and what one unit is. A price file holds
 * exactly these keys; a key without a file entry does not load, an entry without a key is an error too.
 */
export const PRICE_KEYS = {
    "apiGateway.httpRequest": { service: "apiGateway", what: "an HTTP API request (metered in 512 KB increments)" },
    "apiGateway.restRequest": { service: "apiGateway", what: "a REST API request" },
    "lambda.request": { service: "lambda", what: "a Lambda request (an asynchronous event above 256 KB counts one more per 64 KB)" },
    "lambda.durationX86": { service: "lambda", what: "a GB-second of on-demand duration on x86_64" },
    "lambda.durationArm64": { service: "lambda", what: "a GB-second of on-demand duration on arm64" },
    "lambda.provisionedX86": { service: "lambda", what: "a GB-second of provisioned concurrency configured on x86_64" },
    "lambda.provisionedArm64": { service: "lambda", what: "a GB-second of provisioned concurrency configured on arm64" },
    "lambda.provisionedDurationX86": { service: "lambda", what: "a GB-second of duration served by provisioned concurrency on x86_64" },
    "lambda.provisionedDurationArm64": { service: "lambda", what: "a GB-second of duration served by provisioned concurrency on arm64" },
    "dynamodb.writeRequestUnit": { service: "dynamodb", what: "an on-demand write request unit (1 KB; a transactional write takes two)" },
    "dynamodb.readRequestUnit": { service: "dynamodb", what: "an on-demand read request unit (4 KB strongly consistent; eventually consistent takes half)" },
    "dynamodb.storage": { service: "dynamodb", what: "a GB-month of table storage" },
    "dynamodb.pitrStorage": { service: "dynamodb", what: "a GB-month of continuous backup (point-in-time recovery)" },
    "dynamodb.streamReadRequest": { service: "dynamodb", what: "a DynamoDB Streams read request unit (free for Lambda triggers)" },
    "sqs.standardRequest": { service: "sqs", what: "a standard-queue request, per 64 KB chunk of payload" },
    "sqs.fifoRequest": { service: "sqs", what: "a FIFO-queue request, per 64 KB chunk of payload" },
    "sns.publish": { service: "sns", what: "an SNS publish, per 64 KB chunk (deliveries to Lambda and SQS are free)" },
    "eventBridge.customEvent": { service: "eventBridge", what: "an event put on an event bus, per 64 KB chunk" },
    "s3.storage": { service: "s3", what: "a GB-month of S3 Standard storage" },
    "s3.writeRequest": { service: "s3", what: "an S3 PUT, COPY, POST or LIST request" },
    "s3.readRequest": { service: "s3", what: "an S3 GET or other read request" },
    "cloudWatch.logIngestion": { service: "cloudWatch", what: "a GB of logs ingested (standard class, not Lambda's)" },
    "cloudWatch.lambdaLogIngestion": { service: "cloudWatch", what: "a GB of Lambda logs ingested (standard class, volume tiers)" },
    "cloudWatch.logStorage": { service: "cloudWatch", what: "a GB-month of log storage" },
    "cloudWatch.alarmMetric": { service: "cloudWatch", what: "an alarm metric-month at standard resolution (a metric-math alarm counts each metric)" },
    "cloudWatch.highResolutionAlarmMetric": { service: "cloudWatch", what: "an alarm metric-month at high resolution (period under 60 s)" },
    "cloudWatch.dashboard": { service: "cloudWatch", what: "a dashboard-month" },
    "xray.traceRecorded": { service: "xray", what: "a trace recorded" },
    "kinesis.shardHour": { service: "kinesis", what: "a shard-hour of a provisioned stream" },
    "kinesis.putPayloadUnit": { service: "kinesis", what: "a PUT payload unit (25 KB) of a provisioned stream" },
    "kinesis.extendedRetentionShardHour": { service: "kinesis", what: "a shard-hour of retention beyond 24 hours (up to 7 days)" },
    "kinesis.onDemandStreamHour": { service: "kinesis", what: "a stream-hour of an on-demand stream" },
    "kinesis.onDemandIngestedGb": { service: "kinesis", what: "a GB written to an on-demand stream" },
    "kinesis.onDemandRetrievedGb": { service: "kinesis", what: "a GB read from an on-demand stream" },
    "kms.customerManagedKey": { service: "kms", what: "a month of a customer managed KMS key" },
    "kms.request": { service: "kms", what: "a KMS request" },
    "cognito.essentialsMau": { service: "cognito", what: "a monthly active user of a user pool on the Essentials feature plan" },
    "vpc.interfaceEndpointHour": { service: "vpc", what: "an hour of an interface VPC endpoint in one Availability Zone" },
    "vpc.interfaceEndpointGb": { service: "vpc", what: "a GB processed by the region's interface VPC endpoints (either direction)" },
    "elb.albHour": { service: "elb", what: "an hour of an Application Load Balancer (its LCU-hours bill besides, not priced)" },
} as const satisfies Record<string, { service: Service; what: string }>;

export type PriceKey = keyof typeof PRICE_KEYS;
export const PRICE_KEY_LIST = Object.keys(PRICE_KEYS) as PriceKey[];

export function serviceOf(key: PriceKey): Service {
    return PRICE_KEYS[key].service;
}

/** One volume tier: `usd` per unit up to `upTo` units a month in total (the last tier has no bound). */
export interface Tier {
    upTo?: number;
    usd: number;
}

export interface Price {
    unit: string;
    /** Ascending; the last without `upTo`. A flat price is one tier. */
    tiers: Tier[];
    /** The AWS pricing page the price comes from. */
    page: string;
    /** When the price was read (YYYY-MM-DD). */
    date: string;
    /** How it was checked (or that it was not). */
    checked: string;
}

/** An always-free allowance, shared by its keys (taken from them in order). */
export interface FreeTier {
    keys: PriceKey[];
    quantity: number;
    note: string;
    page: string;
}

export interface PriceBook {
    region: string;
    currency: "USD";
    /** When the file was assembled (YYYY-MM-DD). */
    pricesDate: string;
    note: string;
    prices: Record<PriceKey, Price>;
    freeTier: FreeTier[];
}

/** A price file that does not hold what the estimator needs; every problem is listed. */
export class PriceFileError extends Error {
    constructor(readonly file: string, readonly problems: readonly string[]) {
        super(`${file} is not a valid price file (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "PriceFileError";
    }
}

/** No price file for the stack's region. */
export class NoPricesError extends Error {
    constructor(readonly region: string, readonly known: readonly string[]) {
        super(`aws:region is ${JSON.stringify(region)}; prices exist for ${known.join(", ")} (tools/lib/cost/prices/<region>.json; ` +
            "`npm run cost -- --update-prices --region <region>` writes one where AWS is reachable)");
        this.name = "NoPricesError";
    }
}

/** The regions with a price file in `dir`. */
export function pricedRegions(dir = PRICES_DIR): string[] {
    return fs.readdirSync(dir).filter(f => f.endsWith(".json")).map(f => f.slice(0, -".json".length)).sort();
}

export function priceFile(region: string, dir = PRICES_DIR): string {
    return path.join(dir, `${region}.json`);
}

/** The price book of a region. @throws NoPricesError, PriceFileError */
export function loadPriceBook(region: string, dir = PRICES_DIR): PriceBook {
    const file = priceFile(region, dir);
    if (!fs.existsSync(file)) throw new NoPricesError(region, pricedRegions(dir));
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PriceFileError(file, [`not JSON: ${(err as Error).message}`]);
    }
    const { book, problems } = readPriceBook(raw, region);
    if (problems.length > 0 || !book) throw new PriceFileError(file, problems);
    return book;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPrice(v: unknown): v is number {
    return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** Validates a parsed price file: every key, each with unit, ascending tiers, page, date and how it was checked. */
export function readPriceBook(raw: unknown, region: string): { book?: PriceBook; problems: string[] } {
    const problems: string[] = [];
    if (!isObject(raw)) return { problems: ["expected a JSON object"] };
    if (raw.region !== region) problems.push(`region is ${JSON.stringify(raw.region)}; expected ${JSON.stringify(region)} (the file's name)`);
    if (raw.currency !== "USD") problems.push(`currency is ${JSON.stringify(raw.currency)}; expected "USD"`);
    if (typeof raw.pricesDate !== "string" || !DATE.test(raw.pricesDate)) problems.push(`pricesDate is ${JSON.stringify(raw.pricesDate)}; expected YYYY-MM-DD`);
    const prices: Partial<Record<PriceKey, Price>> = {};
    const given = isObject(raw.prices) ? raw.prices : {};
    if (!isObject(raw.prices)) problems.push("prices is missing; expected an object of prices by key");
    for (const key of Object.keys(given)) {
        if (!(key in PRICE_KEYS)) problems.push(`prices.${key} is not a price the estimator knows; known: ${PRICE_KEY_LIST.join(", ")}`);
    }
    for (const key of PRICE_KEY_LIST) {
        const entry = given[key];
        const at = `prices.${key}`;
        if (!isObject(entry)) {
            problems.push(`${at} is missing; expected { unit, usd | tiers, page, date, checked } for ${PRICE_KEYS[key].what}`);
            continue;
        }
        let tiers: Tier[] | undefined;
        if ("usd" in entry === "tiers" in entry) {
            problems.push(`${at} needs exactly one of usd (a flat price) and tiers`);
        } else if ("usd" in entry) {
            if (isPrice(entry.usd)) tiers = [{ usd: entry.usd }];
            else problems.push(`${at}.usd is ${JSON.stringify(entry.usd)}; expected a price of at least 0`);
        } else {
            tiers = readTiers(entry.tiers, `${at}.tiers`, problems);
        }
        for (const field of ["unit", "page", "checked"] as const) {
            if (typeof entry[field] !== "string" || entry[field] === "") problems.push(`${at}.${field} is ${JSON.stringify(entry[field])}; expected a non-empty string`);
        }
        if (typeof entry.page === "string" && !entry.page.startsWith("https://")) problems.push(`${at}.page is ${JSON.stringify(entry.page)}; expected the https:// address of an AWS pricing page`);
        if (typeof entry.date !== "string" || !DATE.test(entry.date)) problems.push(`${at}.date is ${JSON.stringify(entry.date)}; expected YYYY-MM-DD`);
        if (tiers) prices[key] = { unit: String(entry.unit), tiers, page: String(entry.page), date: String(entry.date), checked: String(entry.checked) };
    }
    const freeTier: FreeTier[] = [];
    if (!Array.isArray(raw.freeTier)) problems.push("freeTier is missing; expected a list of { keys, quantity, note, page }");
    else {
        raw.freeTier.forEach((f: unknown, i) => {
            const at = `freeTier[${i}]`;
            if (!isObject(f) || !Array.isArray(f.keys) || f.keys.length === 0 || !f.keys.every(k => typeof k === "string" && k in PRICE_KEYS)) {
                problems.push(`${at}.keys must list prices the estimator knows`);
                return;
            }
            if (!isPrice(f.quantity)) problems.push(`${at}.quantity is ${JSON.stringify(f.quantity)}; expected a quantity of at least 0`);
            if (typeof f.note !== "string" || typeof f.page !== "string") problems.push(`${at} needs a note and a page`);
            freeTier.push({ keys: f.keys as PriceKey[], quantity: Number(f.quantity), note: String(f.note), page: String(f.page) });
        });
    }
    if (problems.length > 0) return { problems };
    return {
        book: { region, currency: "USD", pricesDate: String(raw.pricesDate), note: typeof raw.note === "string" ? raw.note : "", prices: prices as Record<PriceKey, Price>, freeTier },
        problems,
    };
}

function readTiers(value: unknown, at: string, problems: string[]): Tier[] | undefined {
    if (!Array.isArray(value) || value.length === 0) {
        problems.push(`${at} is ${JSON.stringify(value)}; expected a non-empty list of { upTo?, usd }`);
        return undefined;
    }
    const tiers: Tier[] = [];
    let previous = 0;
    value.forEach((t: unknown, i) => {
        const last = i === value.length - 1;
        if (!isObject(t) || !isPrice(t.usd)) {
            problems.push(`${at}[${i}] is ${JSON.stringify(t)}; expected { upTo?, usd } with a price of at least 0`);
            return;
        }
        if (last) {
            if (t.upTo !== undefined) problems.push(`${at}[${i}].upTo is ${JSON.stringify(t.upTo)}; the last tier has no bound`);
            tiers.push({ usd: t.usd });
            return;
        }
        if (typeof t.upTo !== "number" || !(t.upTo > previous)) {
            problems.push(`${at}[${i}].upTo is ${JSON.stringify(t.upTo)}; expected a bound above ${previous} (tiers ascend)`);
            return;
        }
        previous = t.upTo;
        tiers.push({ upTo: t.upTo, usd: t.usd });
    });
    return tiers;
}

/**
 * What `quantity` units cost a month through volume tiers, counting from `from` units already used that month (so
 * a free allowance or another stack's share can come first).
 */
export function tieredCost(quantity: number, tiers: readonly Tier[], from = 0): number {
    let cost = 0;
    let lower = 0;
    const start = from;
    const end = from + quantity;
    for (const tier of tiers) {
        const upper = tier.upTo ?? Infinity;
        const overlap = Math.min(end, upper) - Math.max(start, lower);
        if (overlap > 0) cost += overlap * tier.usd;
        lower = upper;
        if (lower >= end) break;
    }
    return cost;
}

/** A number as a price file writes it: plain decimals, never an exponent (0.000000125, not 1.25e-7). */
export function plainNumber(n: number): string {
    if (Number.isInteger(n)) return String(n);
    const text = n.toFixed(12).replace(/0+$/, "");
    return Number(text) === n ? text : String(n);
}

/** A price book as its file holds it: two-space JSON, numbers in plain decimals, keys in the registry's order. */
export function formatPriceBook(book: PriceBook): string {
    const prices = Object.fromEntries(PRICE_KEY_LIST.map(key => {
        const p = book.prices[key];
        const value = p.tiers.length === 1 && p.tiers[0]!.upTo === undefined ? { usd: p.tiers[0]!.usd } : { tiers: p.tiers };
        return [key, { unit: p.unit, ...value, page: p.page, date: p.date, checked: p.checked }];
    }));
    const doc = { region: book.region, currency: book.currency, pricesDate: book.pricesDate, note: book.note, prices, freeTier: book.freeTier };
    // JSON.stringify writes small numbers with an exponent; mark them, then put the plain form back.
    const marked = JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? `@@number:${plainNumber(v)}@@` : v), 2);
    return marked.replace(/"@@number:([0-9.]+)@@"/g, "$1") + "\n";
}
