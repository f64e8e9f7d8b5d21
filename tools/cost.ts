/**
 * What a cell costs: `npm run cost -- --stack <name> [--usage <file>] [--json] [--free-tier]`.
 *
 * Evaluates the plan exactly as `npm run plan` does (the real program under Pulumi's mocks, in preview), then prices
 * it with the region's price file (tools/lib/cost/prices/): each cell's and the shared part's fixed monthly cost
 * (what bills by the hour or month, and the stack's own schedules) and, with a usage file, the variable cost of the
 * traffic it describes, followed through the plan's wiring; the total, the cost per million API requests and the
 * marginal cost of one more cell. `--json` prints the documented document instead of text.
 *
 * `npm run cost -- --update-prices [--region <region>]` refreshes the price files from the AWS Price List API (it
 * exits 1 and changes nothing where AWS cannot be reached).
 *
 * Exit codes as the plan's: 0 estimated, 1 bad input (invalid stack config, invalid usage file, a region without
 * prices, a failed program, prices not refreshed), 2 usage.
 */
import * as path from "path";
import { loadSettings } from "../components/config";
import { API_FUNCTION, FAILURE_HANDLER } from "../components/core-functions";
import { EVENT_SOURCES, EVENT_SOURCE_KINDS, moduleOf } from "../components/event-sources/registry";
import { capture, Capture } from "./lib/capture";
import { CliUsageError, flagValue, reportFailure, runCommand } from "./lib/cli";
import { SourceKinds } from "./lib/cost/derive";
import { Estimate, estimate } from "./lib/cost/estimate";
import { formatEstimate } from "./lib/cost/format";
import { NoPricesError, PRICES_DIR, PriceFileError, loadPriceBook, pricedRegions } from "./lib/cost/prices";
import { PRICE_LIST_URL, PriceListError, PriceListUnreachableError, httpGetter, updatePriceFiles } from "./lib/cost/price-list";
import { Usage, UsageFileError, noTraffic, readUsageFile } from "./lib/cost/usage";
import { programRunner } from "./lib/program";
import { StackConfig, readStackConfig } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");

/** The router function's kind (its Powertools service name, as components/router.ts sets it). */
export const ROUTER_KIND = "router";
/** The REST API's Lambda authorizer for an external issuer (components/router.ts). */
export const AUTHORIZER_KIND = "authorizer";
/** The user pool's pre token generation trigger (components/identity.ts). */
export const TOKEN_CLAIMS_KIND = "token-claims";

/**
 * Every function kind the program has: the router and its authorizer, the user pool's trigger, each cell's API and
 * failure handler, each source's function.
 */
export const FUNCTION_KINDS: readonly string[] = [...new Set([
    ROUTER_KIND, AUTHORIZER_KIND, TOKEN_CLAIMS_KIND, API_FUNCTION.kind, ...EVENT_SOURCE_KINDS.map(k => moduleOf(k).function.kind), FAILURE_HANDLER.kind,
])];

/** The function kind each usage section's source feeds, from the event-source registry. */
export const SOURCE_KINDS: SourceKinds = {
    queue: EVENT_SOURCES.queue.function.kind,
    topic: EVENT_SOURCES.topic.function.kind,
    bucket: EVENT_SOURCES.bucket.function.kind,
    kinesis: EVENT_SOURCES.kinesis.function.kind,
};

export interface CostOptions {
    stack: string;
    usage?: string;
    json: boolean;
    freeTier: boolean;
    updatePrices: boolean;
    regions: string[];
    dir: string;
}

const USAGE = `usage: npm run cost -- --stack <name> [--usage <file>] [--json] [--free-tier]
       npm run cost -- --update-prices [--region <region> ...]

  --stack <name>       the stack whose plan to price (dev, prod, ...)
  --usage <file>       a month of one active cell's traffic (JSON; usage/dev.json, usage/prod.json); without it,
                       the fixed cost alone
  --json               print one JSON document: { stack, region, pricesDate, cells: [{ id, fixedMonthlyUsd,
                       variableMonthlyUsd, byService }], shared, totalMonthlyUsd, perMillionRequestsUsd,
                       marginalCellMonthlyUsd, derived }
  --free-tier          also show what AWS's always-free allowances would take off (per account; off by default)
  --update-prices      refresh the price files (tools/lib/cost/prices/) from the AWS Price List API
  --region <region>    with --update-prices: the region to refresh (default: every region with a price file)

Exit codes: 0 estimated, 1 invalid config, usage file or prices, failed program, 2 usage.`;

export { CliUsageError };

export function parseArgs(argv: readonly string[]): CostOptions {
    const options: CostOptions = { stack: "", json: false, freeTier: false, updatePrices: false, regions: [], dir: ROOT };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const value = (): string => flagValue(argv, i++);
        switch (arg) {
            case "--stack": case "-s": options.stack = value(); break;
            case "--usage": options.usage = value(); break;
            case "--json": options.json = true; break;
            case "--free-tier": options.freeTier = true; break;
            case "--update-prices": options.updatePrices = true; break;
            case "--region": options.regions.push(value()); break;
            case "--help": case "-h": throw new CliUsageError("");
            default: throw new CliUsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (options.updatePrices) {
        if (options.stack || options.usage) throw new CliUsageError("--update-prices takes no --stack or --usage");
        return options;
    }
    if (options.regions.length > 0) throw new CliUsageError("--region goes with --update-prices (an estimate uses the stack's region)");
    if (!options.stack) throw new CliUsageError("--stack is required");
    return options;
}

/** Runs the program for a stack as the plan does: preview, under mocks. */
export function planOf(stackConfig: StackConfig, dir = ROOT): Promise<Capture> {
    return capture(programRunner(dir), {
        project: stackConfig.project,
        stack: stackConfig.stack,
        preview: true,
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
    });
}

/** The estimate of a captured plan. */
export function estimatePlan(plan: Capture, usage: Usage, freeTier = false, pricesDir = PRICES_DIR): Estimate {
    return estimate(plan.resources, { stack: plan.stack, usage, sources: SOURCE_KINDS, pricesDir, freeTier });
}

async function updatePrices(options: CostOptions): Promise<number> {
    const regions = options.regions.length > 0 ? options.regions : pricedRegions();
    const base = process.env.CELLULAR_PRICE_LIST_URL ?? PRICE_LIST_URL;
    const written = await updatePriceFiles(regions, PRICES_DIR, httpGetter(), base);
    for (const file of written) console.log(`updated ${path.relative(process.cwd(), file)}`);
    return 0;
}

/** Runs the command; `dir` is the project whose stacks it reads (tests give another). */
export async function main(argv: readonly string[], dir = ROOT): Promise<number> {
    let options: CostOptions;
    try {
        options = { ...parseArgs(argv), dir };
    } catch (err) {
        if (err instanceof CliUsageError) {
            if (err.message) console.error(`error: ${err.message}\n`);
            console.error(USAGE);
            return 2;
        }
        throw err;
    }
    try {
        if (options.updatePrices) return await updatePrices(options);
        // Every input is checked before the program runs: the stack's config, the usage file, the region's prices.
        const stackConfig = readStackConfig(options.dir, options.stack);
        loadSettings(stackConfig.config, stackConfig);
        const usage = options.usage === undefined ? noTraffic(FUNCTION_KINDS) : readUsageFile(options.usage, FUNCTION_KINDS);
        const region = stackConfig.config["aws:region"];
        if (region !== undefined) loadPriceBook(region);
        const plan = await planOf(stackConfig, options.dir);
        const result = estimatePlan(plan, usage, options.freeTier);
        if (options.json) {
            process.stdout.write(`${JSON.stringify(result.document, null, 2)}\n`);
        } else {
            const names = new Map(plan.resources.map(r => [r.urn, r.name]));
            console.log(formatEstimate(result, { ...(options.usage === undefined ? {} : { usageFile: options.usage }), names }));
        }
        return 0;
    } catch (err) {
        return reportFailure(err, options.stack, [UsageFileError, NoPricesError, PriceFileError, PriceListUnreachableError, PriceListError]);
    }
}

if (require.main === module) runCommand(main);
