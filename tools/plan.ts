/**
 * The offline plan: `npm run plan -- --stack dev [--json] [--mode preview|update]`.
 *
 * Evaluates the real program for a stack's config under Pulumi's mock runtime — in preview mode by default,
 * where outputs of new resources are unknown as in `pulumi preview` — and prints what would be created, by cell,
 * with counts per cell and in total. Exits 1 with every config problem when the stack's config is invalid.
 * With `--json`, prints one JSON document instead: { stack, project, mode, resources: [{type, name, urn, parent,
 * inputs}], cells, totals, deployCheck, policies }.
 *
 * Then the policy report: the policy pack (policies/) runs against the plan as `pulumi preview --policy-pack`
 * would run it (tools/lib/analyzer.ts); a mandatory violation exits 1, as does a finding of the deploy check (what
 * the provider or AWS would refuse, tools/lib/deploy-check/). `--program <dir>` plans any Pulumi
 * TypeScript program directory the same way (its Pulumi.<stack>.yaml if there is one), without this project's
 * config validation.
 */
import * as fs from "fs";
import * as path from "path";
import type * as pulumiModule from "@pulumi/pulumi";
import { loadSettings } from "../components/config";
import { mandatory, PolicyPack, PolicyPackError, AnalysisResult } from "./lib/analyzer";
import { capture, Capture } from "./lib/capture";
import { reportFailure, runCommand } from "./lib/cli";
import { deployCheck, deployCheckJson, formatDeployCheck } from "./lib/deploy-check";
import { PolicyConfigError, readPolicyPackConfigFile } from "./lib/policy-config";
import { countByLevel, formatPolicyReport, sortDiagnostics } from "./lib/policy-report";
import { programRunner } from "./lib/program";
import { readProjectName, readStackConfig, StackConfig } from "./lib/stack-config";
import { formatSummary, summarise } from "./lib/summary";

const ROOT = path.resolve(__dirname, "..");

export interface PlanOptions {
    stack: string;
    json: boolean;
    mode: "preview" | "update";
    dir: string;
    /** Set by --program: plan a foreign program (no config validation of this project). */
    program: boolean;
    /** Run the policy pack (default); --no-policies skips it. */
    policies: boolean;
    /** A --policy-pack-config file in the CLI's JSON format. */
    policyPackConfig?: string;
}

const USAGE = `usage: npm run plan -- --stack <name> [--json] [--mode preview|update] [--policy-pack-config <file>] [--no-policies]
       npm run plan -- --program <dir> [--stack <name>] [...]

  --stack <name>                the stack whose Pulumi.<name>.yaml to plan (dev, prod, ...)
  --program <dir>               plan another Pulumi TypeScript program directory (stack default: dev; config from
                                its Pulumi.<stack>.yaml when there is one)
  --json                        print one JSON document (resources with type, name, urn, parent and inputs, and the
                                policy diagnostics)
  --mode <mode>                 preview (default: unknown outputs, as pulumi preview) or update (known outputs, as
                                pulumi up)
  --policy-pack-config <file>   policy config in the CLI's JSON format: {"all": "advisory", "<policy>": "mandatory" |
                                {"enforcementLevel": ..., "<property>": ...}}
  --no-policies                 do not run the policy pack (policies/)

Exit codes: 0 planned (advisory violations allowed), 1 invalid config, failed program, mandatory policy
violation or deploy-check finding, 2 usage.`;

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseArgs(argv: readonly string[]): PlanOptions {
    const options: PlanOptions = { stack: "", json: false, mode: "preview", dir: ROOT, program: false, policies: true };
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
            case "--program": {
                options.dir = path.resolve(value());
                options.program = true;
                break;
            }
            case "--policy-pack-config": options.policyPackConfig = value(); break;
            case "--no-policies": options.policies = false; break;
            case "--help": case "-h": throw new UsageError("");
            default: throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (options.program && !options.stack) options.stack = "dev";
    if (!options.stack) throw new UsageError("--stack is required");
    if (!options.policies && options.policyPackConfig !== undefined) throw new UsageError("--policy-pack-config needs the policies (drop --no-policies)");
    return options;
}

/** Validates the stack's config (throws ConfigError) and runs the program under mocks. */
export async function planStack(stackConfig: StackConfig, mode: "preview" | "update", dir = ROOT): Promise<Capture> {
    // Fail on bad settings before the program (and the engine) sees anything; the program validates again.
    loadSettings(stackConfig.config, stackConfig);
    return runProgram(stackConfig, mode, dir);
}

function runProgram(stackConfig: StackConfig, mode: "preview" | "update", dir: string, pulumi?: typeof pulumiModule): Promise<Capture> {
    return capture(programRunner(dir), {
        project: stackConfig.project,
        stack: stackConfig.stack,
        preview: mode === "preview",
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
        ...(pulumi ? { pulumi } : {}),
    });
}

/** A foreign program's stack config: its Pulumi.<stack>.yaml when there is one, else none. */
function foreignStackConfig(dir: string, stack: string): StackConfig {
    if (fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))) return readStackConfig(dir, stack);
    return { project: readProjectName(dir), stack, config: {}, secretKeys: [] };
}

/** Runs a foreign program with its own @pulumi/pulumi (its node_modules, or the nearest one above it). */
async function planProgram(stackConfig: StackConfig, mode: "preview" | "update", dir: string): Promise<Capture> {
    const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [dir] })) as typeof pulumiModule;
    return runProgram(stackConfig, mode, dir, pulumi);
}

interface PolicyRun {
    analysis: AnalysisResult;
    startMs: number;
}

/** Starts the policy pack as `pulumi preview --policy-pack policies` would (while the program runs). */
function startPolicies(stackConfig: StackConfig, mode: "preview" | "update"): Promise<PolicyPack> {
    return PolicyPack.start({
        project: stackConfig.project,
        stack: stackConfig.stack,
        dryRun: mode === "preview",
        config: stackConfig.config,
        secretKeys: stackConfig.secretKeys,
    });
}

async function runPolicies(starting: Promise<PolicyPack>, result: Capture, given: unknown, source: string): Promise<PolicyRun> {
    const pack = await starting;
    try {
        const analysis = await pack.analyze(result, pack.reconcile(given, source));
        return { analysis, startMs: pack.startMs };
    } finally {
        await pack.close();
    }
}

function policiesJson(run: PolicyRun, result: Capture, programMs: number): object {
    const urnOrder = result.resources.map(r => r.urn);
    return {
        pack: { name: run.analysis.pack.name, version: run.analysis.pack.version },
        mode: run.analysis.mode,
        violations: countByLevel(run.analysis.diagnostics),
        diagnostics: sortDiagnostics(run.analysis.diagnostics, urnOrder),
        timings: { ...run.analysis.timings, startMs: run.startMs, programMs },
    };
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
        // A bad policy config file is reported before anything runs.
        const given = options.policyPackConfig === undefined ? {} : readPolicyPackConfigFile(options.policyPackConfig);
        const stackConfig = options.program ? foreignStackConfig(options.dir, options.stack) : readStackConfig(options.dir, options.stack);
        const settings = options.program ? undefined : loadSettings(stackConfig.config, stackConfig);
        // The pack starts (seconds: ts-node type-checks it) while the program runs.
        const starting = options.policies ? startPolicies(stackConfig, options.mode) : undefined;
        // Handled when awaited below; marked now so that a failed start is not taken for the program's failure.
        starting?.catch(() => undefined);
        let result: Capture;
        const began = performance.now();
        try {
            result = options.program
                ? await planProgram(stackConfig, options.mode, options.dir)
                : await planStack(stackConfig, options.mode, options.dir);
        } catch (err) {
            await starting?.then(pack => pack.close(), () => undefined);
            throw err;
        }
        const programMs = performance.now() - began;
        const summary = summarise(result);
        const check = deployCheck(result.resources, { quotas: settings?.quotas ?? {} });
        const run = starting ? await runPolicies(starting, result, given, options.policyPackConfig ?? "given") : undefined;
        if (options.json) {
            process.stdout.write(JSON.stringify({
                project: result.project,
                stack: result.stack,
                mode: options.mode,
                resources: result.resources.map(r => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent ?? null, inputs: r.inputs })),
                cells: summary.groups.map(g => ({ id: g.id, wave: g.wave ?? null, state: g.state ?? null, resources: g.resources.length })),
                totals: summary.totals,
                deployCheck: deployCheckJson(check),
                outputs: result.stackOutputs,
                policies: run ? policiesJson(run, result, programMs) : null,
            }, null, 2) + "\n");
        } else {
            console.log(formatSummary(summary));
            console.log(`\n${formatDeployCheck(check)}`);
            if (run) {
                console.log("");
                console.log(formatPolicyReport(run.analysis, { urnOrder: result.resources.map(r => r.urn), startMs: run.startMs, programMs }));
            }
        }
        return (run && mandatory(run.analysis).length > 0) || check.findings.length > 0 ? 1 : 0;
    } catch (err) {
        return reportFailure(err, options.stack, [PolicyConfigError, PolicyPackError]);
    }
}

if (require.main === module) runCommand(main);
