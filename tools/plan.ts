/**
 * The offline plan: `npm run plan -- --stack dev [--json] [--mode preview|update]`.
 *
 * Evaluates the real program for a stack's config under Pulumi's mock runtime — in preview mode by default,
 * where outputs of new resources are unknown as in `pulumi preview` — and prints what would be created, by cell,
 * with counts per cell and in total. Exits 1 with every config problem when the stack's config is invalid.
 * With `--json`, prints one JSON document instead: { stack, project, mode, resources: [{type, name, urn, parent,
 * inputs}], cells, totals }.
 */
import * as path from "path";
import { isConfigError, loadConfig } from "../components/config";
import { capture, Capture, ProgramError } from "./lib/capture";
import { programRunner } from "./lib/program";
import { readStackConfig, StackConfig, StackConfigError } from "./lib/stack-config";
import { formatSummary, summarise } from "./lib/summary";

const ROOT = path.resolve(__dirname, "..");

export interface PlanOptions {
    stack: string;
    json: boolean;
    mode: "preview" | "update";
    dir: string;
}

const USAGE = `usage: npm run plan -- --stack <name> [--json] [--mode preview|update]

  --stack <name>   the stack whose Pulumi.<name>.yaml to plan (dev, prod, ...)
  --json           print one JSON document (resources with type, name, urn, parent and inputs)
  --mode <mode>    preview (default: unknown outputs, as pulumi preview) or update (known outputs, as pulumi up)`;

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseArgs(argv: readonly string[]): PlanOptions {
    const options: PlanOptions = { stack: "", json: false, mode: "preview", dir: ROOT };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        switch (arg) {
            case "--stack": case "-s": options.stack = value(); break;
            case "--json": options.json = true; break;
            case "--mode": {
                const mode = value();
                if (mode !== "preview" && mode !== "update") throw new UsageError(`--mode is ${JSON.stringify(mode)}; expected preview or update`);
                options.mode = mode;
                break;
            }
            case "--help": case "-h": throw new UsageError("");
            default: throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (!options.stack) throw new UsageError("--stack is required");
    return options;
}

/** Validates the stack's config (throws ConfigError) and runs the program under mocks. */
export async function planStack(stackConfig: StackConfig, mode: "preview" | "update", dir = ROOT): Promise<Capture> {
    // Fail on bad settings before the program (and the engine) sees anything; the program validates again.
    loadConfig(stackConfig.config, stackConfig);
    return capture(programRunner(dir), {
        project: stackConfig.project,
        stack: stackConfig.stack,
        preview: mode === "preview",
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
    });
}

export async function main(argv: readonly string[]): Promise<number> {
    let options: PlanOptions;
    try {
        options = parseArgs(argv);
    } catch (err) {
        if (err instanceof UsageError) {
            if (err.message) console.error(`error: ${err.message}\n`);
            console.error(USAGE);
            return 2;
        }
        throw err;
    }
    try {
        const stackConfig = readStackConfig(options.dir, options.stack);
        const result = await planStack(stackConfig, options.mode, options.dir);
        const summary = summarise(result);
        if (options.json) {
            process.stdout.write(JSON.stringify({
                project: result.project,
                stack: result.stack,
                mode: options.mode,
                resources: result.resources.map(r => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent ?? null, inputs: r.inputs })),
                cells: summary.groups.map(g => ({ id: g.id, wave: g.wave ?? null, state: g.state ?? null, resources: g.resources.length })),
                totals: summary.totals,
                outputs: result.stackOutputs,
            }, null, 2) + "\n");
        } else {
            console.log(formatSummary(summary));
        }
        return 0;
    } catch (err) {
        const cause = err instanceof ProgramError ? err.cause : err;
        if (isConfigError(cause)) {
            console.error(`error: the ${options.stack} stack's ${cause.message}`);
            return 1;
        }
        if (err instanceof StackConfigError) {
            console.error(`error: ${err.message}`);
            return 2;
        }
        console.error(`error: the program failed: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(code => process.exit(code), err => {
        console.error(err);
        process.exit(1);
    });
}
