/**
 * The offline plan: `npm run plan -- --stack dev [--json] [--mode preview|update|both]`, or
 * `npm run plan -- --program <dir>` for any Pulumi Node.js program.
 *
 * This project's stacks: the real program (index.ts) runs in this process under Pulumi's mock runtime for the
 * stack's config, validated first (every problem at once). Any program (`--program`): it runs as the CLI runs it
 * (tools/lib/language-host.ts): its own @pulumi/pulumi in a child process, the CLI's ts-node and its tsconfig,
 * against the offline engine over gRPC (tools/lib/monitor-server.ts). Either way the engine's answers are the
 * offline ones (tools/lib/engine.ts), the run is bounded (--timeout), and any failure — a thrown error, a refused
 * registration, an invoke or a stack reference without an answer, a timeout — exits 1 naming what failed.
 *
 * Then the policy report: each policy pack (this project's by default, any number with --policy-pack) runs against
 * the plan as `pulumi preview --policy-pack` would run it (tools/lib/analyzer.ts); a mandatory violation exits 1, as
 * does a finding of the deploy check (what the provider or AWS would refuse, tools/lib/deploy-check/).
 * The plan also lists what it could not see (tools/lib/blind-spots.ts), and with `--mode both` what update mode
 * decides where preview could not (tools/lib/second-opinion.ts).
 */
import * as path from "path";
import { isConfigError, loadSettings } from "../components/config";
import { AnalysisResult, DEFAULT_PACK_DIR, mandatory, PolicyPack, PolicyPackError } from "./lib/analyzer";
import { BlindSpot, blindSpots, formatBlindSpots } from "./lib/blind-spots";
import { capture, Capture, ProgramError, ProgramTimeoutError } from "./lib/capture";
import { runCommand } from "./lib/cli";
import { deployCheck, deployCheckJson, formatDeployCheck } from "./lib/deploy-check";
import { DEFAULT_TIMEOUT_MS, describeUrn, ProgramFailedError, runProgram } from "./lib/language-host";
import { EngineLog } from "./lib/monitor-server";
import { OfflineAnswerError } from "./lib/engine";
import { NO_ANSWERS, OfflineAnswers, OfflineAnswersError, readOfflineAnswers } from "./lib/offline-answers";
import { GivenPolicyConfig, PolicyConfigError, parsePolicyPackConfig, readPolicyPackConfigFile } from "./lib/policy-config";
import { countByLevel, formatPolicyReport, sortDiagnostics } from "./lib/policy-report";
import { programRunner } from "./lib/program";
import { ProjectError } from "./lib/project";
import { formatSecondOpinions, mandatoryOpinions, SecondOpinion, secondOpinions } from "./lib/second-opinion";
import { programStackConfig, readStackConfig, StackConfig, StackConfigError } from "./lib/stack-config";
import { formatSummary, summarise } from "./lib/summary";
import * as fs from "fs";
import { readMemoryEvidence, shown } from "../policies/lib/memory-evidence";
import { DEFAULT_BALANCED_WEIGHT, DEFAULT_STRATEGY, STRATEGIES, Strategy } from "../policies/lib/power-tuning";
import { FUNCTION_KINDS, estimatePlan } from "./cost";
import { loadPriceBook } from "./lib/cost/prices";
import { readUsageFile } from "./lib/cost/usage";
import { EvidenceCost, evidenceCost, formatEvidenceCost } from "./lib/memory-evidence-cost";

/** Whether this project's pack will start from its compiled bin/ (policies/start.js decides the same way). */
const packCompiled = (): boolean => (require("../policies/build/sources") as { compiledIsCurrent(): boolean }).compiledIsCurrent();

const ROOT = path.resolve(__dirname, "..");

export type PlanMode = "preview" | "update" | "both";

export interface PlanOptions {
    stack: string;
    json: boolean;
    mode: PlanMode;
    dir: string;
    /** Set by --program: plan a program as the CLI runs it (no config validation of this project). */
    program: boolean;
    /** Run the policy packs (default); --no-policies skips them. */
    policies: boolean;
    /** --policy-pack directories; none means this project's pack. */
    policyPacks: string[];
    /** --policy-pack-config files, one per pack (or one for the default pack). */
    policyPackConfigs: string[];
    /** An answers file: invokes, reads and referenced stacks' outputs (tools/lib/offline-answers.ts). */
    answers?: string;
    timeoutMs: number;
}

const USAGE = `usage: npm run plan -- --stack <name> [options]       (this project's stacks)
       npm run plan -- --program <dir> [options]      (any Pulumi Node.js program, run as the CLI runs it)

  --stack <name>                the stack whose Pulumi.<name>.yaml to plan (default with --program: dev; a program
                                without that file is planned with its project config only)
  --program <dir>               plan the Pulumi program in <dir>: its own @pulumi/pulumi, ts-node with its tsconfig
                                (type-checked unless PULUMI_NODEJS_TRANSPILE_ONLY=true), its working directory
  --json                        print one JSON document (resources, policy diagnostics, what was not judged)
  --mode <mode>                 preview (default: unknown outputs, as pulumi preview), update (known outputs, as
                                pulumi up), or both: preview, and update mode's verdict where preview could not decide
  --policy-pack <dir>           run this policy pack (repeatable or comma-separated, TypeScript or JavaScript, with
                                its own node_modules); default: this project's policies/
  --policy-pack-config <file>   the config of the pack of the corresponding --policy-pack (one per pack), in the
                                CLI's JSON format: {"all": "advisory", "<policy>": "mandatory" | {...}}
  --no-policies                 run no policy pack
  --answers <file>              what the plan cannot see: invoke results, states read, referenced stacks' outputs
                                ({"invokes": {...}, "reads": {...}, "stacks": {...}})
  --timeout <seconds>           fail a program that has not finished after this long (default ${DEFAULT_TIMEOUT_MS / 1000})

Exit codes: 0 planned (advisory violations allowed), 1 invalid config, failed program, mandatory policy
violation (with --mode both, also one update mode finds where preview could not decide) or deploy-check finding,
2 usage.`;

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseArgs(argv: readonly string[]): PlanOptions {
    const options: PlanOptions = {
        stack: "", json: false, mode: "preview", dir: ROOT, program: false, policies: true,
        policyPacks: [], policyPackConfigs: [], timeoutMs: DEFAULT_TIMEOUT_MS,
    };
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
                if (mode !== "preview" && mode !== "update" && mode !== "both") {
                    throw new UsageError(`--mode is ${JSON.stringify(mode)}; expected preview, update or both`);
                }
                options.mode = mode;
                break;
            }
            case "--program": {
                options.dir = path.resolve(value());
                options.program = true;
                break;
            }
            case "--policy-pack": options.policyPacks.push(...value().split(",").filter(Boolean).map(p => path.resolve(p))); break;
            case "--policy-pack-config": options.policyPackConfigs.push(...value().split(",").filter(Boolean)); break;
            case "--no-policies": options.policies = false; break;
            case "--answers": options.answers = value(); break;
            case "--timeout": {
                const text = value();
                const seconds = Number(text);
                if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout is ${JSON.stringify(text)}; expected a number of seconds above 0`);
                options.timeoutMs = seconds * 1000;
                break;
            }
            case "--help": case "-h": throw new UsageError("");
            default: throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (options.program && !options.stack) options.stack = "dev";
    if (!options.stack) throw new UsageError("--stack is required");
    if (!options.policies && (options.policyPackConfigs.length > 0 || options.policyPacks.length > 0)) {
        throw new UsageError("--policy-pack and --policy-pack-config need the policies (drop --no-policies)");
    }
    const packs = Math.max(options.policyPacks.length, 1);
    if (options.policyPackConfigs.length > 0 && options.policyPackConfigs.length !== packs) {
        throw new UsageError(`the number of --policy-pack-config flags (${options.policyPackConfigs.length}) must match the number of ` +
            `--policy-pack flags (${packs})`);
    }
    return options;
}

type RunMode = "preview" | "update";

/** The memory policy's name, whose config (strategy, balancedWeight) the plan's cost difference follows. */
const MEMORY_POLICY = "lambda-memory-right-sized";

/** The plan's memory-evidence section: the file, and what its optimum implies for the month (JSON: `memoryEvidence`). */
export type MemoryEvidenceSection =
    | { file: string; found: false }
    | { file: string; found: true; problems: string[] }
    | ({ file: string; found: true; usageFile: string | null } & EvidenceCost);

/**
 * The cost difference the stack's memory evidence implies: invocations from the cost estimate over the stack's usage
 * file (usage/<stack>.json) when there is one, the region's on-demand price per GB-second, and the memory policy's
 * strategy (its config in the pack's policy-pack-config file, else its default).
 */
export function memoryEvidenceSection(plan: Capture, dir: string, policyConfig: Record<string, GivenPolicyConfig> = {}): MemoryEvidenceSection {
    const read = readMemoryEvidence(path.join(dir, "memory-evidence"), plan.stack);
    const file = shown(read);
    if (!read.found) return { file, found: false };
    if ("problems" in read) return { file, found: true, problems: read.problems };
    const given = policyConfig[MEMORY_POLICY]?.properties ?? {};
    const strategy = STRATEGIES.includes(given.strategy as Strategy) ? given.strategy as Strategy : DEFAULT_STRATEGY;
    const balancedWeight = typeof given.balancedWeight === "number" ? given.balancedWeight : DEFAULT_BALANCED_WEIGHT;
    const usagePath = path.join(dir, "usage", `${plan.stack}.json`);
    const estimate = fs.existsSync(usagePath) ? estimatePlan(plan, readUsageFile(usagePath, FUNCTION_KINDS)) : undefined;
    const invocationsOf = (name: string): number | undefined => {
        const fn = estimate?.model.functions.find(f => f.name === name);
        if (!estimate || !fn) return undefined;
        const figures = estimate.document.derived.filter(d => d.figure === `${fn.kind}: invocations` && d.scope.includes(fn.owner));
        return figures.reduce((sum, d) => sum + d.value, 0);
    };
    const book = loadPriceBook(estimate?.document.region ?? String(plan.resources.find(r => r.type === "pulumi:providers:aws")?.inputs.region ?? "us-east-1"));
    const perGbSecond = (arch: "x86_64" | "arm64") => book.prices[arch === "arm64" ? "lambda.durationArm64" : "lambda.durationX86"].tiers[0]!.usd;
    const functions = plan.resources.filter(r => r.type === "aws:lambda/function:Function" && typeof r.inputs.name === "string").map(r => ({
        name: r.inputs.name as string,
        memoryMb: typeof r.inputs.memorySize === "number" ? r.inputs.memorySize : 128,
        architecture: (Array.isArray(r.inputs.architectures) && r.inputs.architectures[0] === "arm64" ? "arm64" : "x86_64") as "arm64" | "x86_64",
    }));
    return {
        file, found: true, usageFile: estimate ? path.relative(dir, usagePath) : null,
        ...evidenceCost(functions, read.evidence, { strategy, balancedWeight }, invocationsOf, perGbSecond),
    };
}

function formatMemoryEvidence(section: MemoryEvidenceSection): string {
    if (!section.found) return "";
    if ("problems" in section) return `Memory evidence (${section.file}): not valid (lambda-memory-right-sized lists why); no cost difference.`;
    return formatEvidenceCost(section, section.file);
}

/** What one run of the program gave. */
interface ProgramResult {
    capture: Capture;
    logs: EngineLog[];
    output: string;
    ms: number;
}

/** Validates this project's stack config (throws ConfigError) and runs the program in this process. */
export async function planStack(stackConfig: StackConfig, mode: RunMode, dir = ROOT, options: { answers?: OfflineAnswers; timeoutMs?: number } = {}): Promise<Capture> {
    // Fail on bad settings before the program (and the engine) sees anything; the program validates again.
    loadSettings(stackConfig.config, stackConfig);
    return capture(programRunner(dir, { reload: "main" }), {
        project: stackConfig.project, stack: stackConfig.stack, preview: mode === "preview",
        config: stackConfig.config, secretKeys: stackConfig.secretKeys,
        ...(options.answers ? { answers: options.answers } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
}

async function runOnce(options: PlanOptions, stackConfig: StackConfig, mode: RunMode, answers: OfflineAnswers, env?: NodeJS.ProcessEnv): Promise<ProgramResult> {
    const began = performance.now();
    if (options.program) {
        const run = await runProgram({ dir: options.dir, stackConfig, preview: mode === "preview", answers, timeoutMs: options.timeoutMs, ...(env ? { env } : {}) });
        return { capture: run.capture, logs: run.logs, output: run.output, ms: run.ms };
    }
    const result = await planStack(stackConfig, mode, options.dir, { answers, timeoutMs: options.timeoutMs });
    return { capture: result, logs: [], output: "", ms: performance.now() - began };
}

/** Starts every pack as `pulumi preview --policy-pack <dir>` would, for one mode. */
function startPacks(dirs: readonly string[], stackConfig: StackConfig, mode: RunMode): Array<Promise<PolicyPack>> {
    return dirs.map(packDir => {
        const started = PolicyPack.start({
            packDir, project: stackConfig.project, stack: stackConfig.stack, dryRun: mode === "preview",
            config: stackConfig.config, secretKeys: stackConfig.secretKeys,
        });
        // Handled when awaited; marked now so that a failed start is not taken for the program's failure.
        started.catch(() => undefined);
        return started;
    });
}

async function closeAll(packs: Array<Promise<PolicyPack>>): Promise<void> {
    await Promise.all(packs.map(p => p.then(pack => pack.close(), () => undefined)));
}

interface PackRun {
    analysis: AnalysisResult;
    startMs: number;
}

async function analyzeAll(packs: Array<Promise<PolicyPack>>, result: Capture, configs: readonly string[], configSources: readonly string[]): Promise<PackRun[]> {
    return Promise.all(packs.map(async (starting, i) => {
        const pack = await starting;
        const analysis = await pack.analyze(result, pack.reconcile(configs[i] ?? {}, configSources[i] ?? "given"));
        return { analysis, startMs: pack.startMs };
    }));
}

function packJson(run: PackRun, result: Capture, programMs: number): object {
    const urnOrder = result.resources.map(r => r.urn);
    return {
        pack: { name: run.analysis.pack.name, version: run.analysis.pack.version, dir: run.analysis.pack.dir },
        mode: run.analysis.mode,
        violations: countByLevel(run.analysis.diagnostics),
        diagnostics: sortDiagnostics(run.analysis.diagnostics, urnOrder),
        timings: { ...run.analysis.timings, startMs: run.startMs, programMs },
    };
}

/** The resource a diagnostic is about, as `type "name"`, or the stack. */
function where(urn: string | undefined): string {
    return urn ? describeUrn(urn) : "";
}

/** The failure report: every reason, attributed to its resource when one is named. */
function formatFailure(err: ProgramFailedError | ProgramError): string {
    if (err instanceof ProgramError) {
        const cause = err.cause;
        const message = cause instanceof Error ? cause.stack ?? cause.message : String(cause);
        return `error: the program failed: ${message}`;
    }
    const lines = [err.reason === "timeout" ? "error: the program timed out:" : "error: the program failed:"];
    for (const d of err.diagnostics) {
        const text = d.message.trim().split("\n");
        lines.push(`  - ${d.urn && !d.urn.includes("::pulumi:pulumi:Stack::") ? `${where(d.urn)}: ` : ""}${text[0]}`, ...text.slice(1).map(l => `    ${l}`));
    }
    return lines.join("\n");
}

function formatLogs(logs: readonly EngineLog[]): string {
    if (logs.length === 0) return "";
    return ["Diagnostics:", ...logs.map(l => `  ${l.severity}: ${l.urn && !l.urn.includes("::pulumi:pulumi:Stack::") ? `${where(l.urn)}: ` : ""}${l.message.trim()}`)].join("\n");
}

/** Where the plan writes (the process's stdout and stderr, or a test's buffers), and the environment programs see. */
export interface PlanOutput {
    out(text: string): void;
    err(text: string): void;
    /** The environment a program runs with (default: this process's); lets plans with different settings run side by side. */
    env?: NodeJS.ProcessEnv;
}

const PROCESS_OUTPUT: PlanOutput = {
    out: text => void process.stdout.write(text),
    err: text => void process.stderr.write(text),
};

export async function main(argv: readonly string[], io: PlanOutput = PROCESS_OUTPUT): Promise<number> {
    const print = (text: string) => io.out(`${text}\n`);
    const report = (text: string) => io.err(`${text}\n`);
    let options: PlanOptions;
    try {
        options = parseArgs(argv);
    } catch (err) {
        if (err instanceof UsageError) {
            if (err.message) report(`error: ${err.message}\n`);
            report(USAGE);
            return 2;
        }
        throw err;
    }
    const started: Array<Promise<PolicyPack>> = [];
    try {
        // Bad config files are reported before anything runs.
        const configs = options.policyPackConfigs.map(f => readPolicyPackConfigFile(f));
        const answers = options.answers ? readOfflineAnswers(options.answers) : NO_ANSWERS;
        const stackConfig = options.program ? programStackConfig(options.dir, options.stack) : readStackConfig(options.dir, options.stack);
        const settings = options.program ? undefined : loadSettings(stackConfig.config, stackConfig);
        const packDirs = options.policies ? (options.policyPacks.length ? options.policyPacks : [DEFAULT_PACK_DIR]) : [];
        const primary: RunMode = options.mode === "update" ? "update" : "preview";
        // The packs start (seconds: ts-node type-checks them) while the program runs.
        const primaryPacks = startPacks(packDirs, stackConfig, primary);
        const secondPacks = options.mode === "both" ? startPacks(packDirs, stackConfig, "update") : [];
        started.push(...primaryPacks, ...secondPacks);

        // The program's runs: both at once for a program in its own process, one after the other in this one.
        const runs = options.program && options.mode === "both"
            ? await Promise.all([runOnce(options, stackConfig, "preview", answers, io.env), runOnce(options, stackConfig, "update", answers, io.env)])
            : [await runOnce(options, stackConfig, primary, answers, io.env),
                ...(options.mode === "both" ? [await runOnce(options, stackConfig, "update", answers, io.env)] : [])];
        const run = runs[0]!;
        const result = run.capture;
        const spots: BlindSpot[] = blindSpots(result);
        const summary = summarise(result);
        const check = deployCheck(result.resources, { quotas: settings?.quotas ?? {} });
        const memoryEvidence = options.program ? undefined : memoryEvidenceSection(result, options.dir,
            configs[0] === undefined ? {} : parsePolicyPackConfig(configs[0], options.policyPackConfigs[0]));
        const packRuns = packDirs.length ? await analyzeAll(primaryPacks, result, configs, options.policyPackConfigs) : [];
        let opinions: SecondOpinion[] = [];
        if (options.mode === "both" && packDirs.length) {
            const updateRuns = await analyzeAll(secondPacks, runs[1]!.capture, configs, options.policyPackConfigs);
            opinions = secondOpinions(packRuns.flatMap(r => r.analysis.diagnostics), updateRuns.flatMap(r => r.analysis.diagnostics));
        }
        if (options.json) {
            io.out(JSON.stringify({
                project: result.project,
                stack: result.stack,
                mode: options.mode,
                resources: result.resources.map(r => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent ?? null,
                    ...(r.read ? { read: r.read } : {}), inputs: r.inputs })),
                cells: summary.groups.filter(g => g.id !== "shared").map(g => ({ id: g.id, wave: g.wave ?? null, state: g.state ?? null, resources: g.resources.length })),
                totals: summary.totals,
                outputs: result.stackOutputs,
                deployCheck: deployCheckJson(check),
                ...(memoryEvidence ? { memoryEvidence } : {}),
                notJudged: spots,
                logs: run.logs,
                policies: packRuns.map(r => packJson(r, result, run.ms)),
                ...(options.mode === "both" ? { secondOpinion: opinions } : {}),
            }, null, 2) + "\n");
        } else {
            const sections = [formatSummary(summary), formatDeployCheck(check), memoryEvidence ? formatMemoryEvidence(memoryEvidence) : "", formatBlindSpots(spots), formatLogs(run.logs)];
            const urnOrder = result.resources.map(x => x.urn);
            if (packRuns.length) {
                sections.push(packRuns.map((r, i) => formatPolicyReport(r.analysis, { urnOrder, startMs: r.startMs, programMs: run.ms, heading: i === 0 })).join("\n"));
                if (packRuns.some(r => r.analysis.pack.dir === DEFAULT_PACK_DIR) && !packCompiled()) {
                    sections.push("note: policies/bin is missing or older than the pack's sources, so the pack ran from its TypeScript sources " +
                        "(type-checked by ts-node: seconds); npm run build --prefix policies compiles it again");
                }
            }
            if (options.mode === "both") sections.push(formatSecondOpinions(opinions) || "Second opinion: preview decided every policy; update mode has nothing to add.");
            print(sections.filter(Boolean).join("\n\n"));
        }
        const failed = packRuns.some(r => mandatory(r.analysis).length > 0) || mandatoryOpinions(opinions).length > 0 || check.findings.length > 0;
        return failed ? 1 : 0;
    } catch (err) {
        if (err instanceof ProgramFailedError) {
            report(formatFailure(err));
            return 1;
        }
        const cause = err instanceof ProgramError ? err.cause : err;
        if (isConfigError(cause)) {
            report(`error: the ${options.stack} stack's ${cause.message}`);
            return 1;
        }
        if (err instanceof ProgramError) {
            report(cause instanceof ProgramTimeoutError || cause instanceof OfflineAnswerError
                ? `error: the program failed: ${cause.message}` : formatFailure(err));
            return 1;
        }
        if (err instanceof StackConfigError || err instanceof ProjectError) {
            report(`error: ${err.message}`);
            return err instanceof StackConfigError && /is missing configuration/.test(err.message) ? 1 : 2;
        }
        if (err instanceof PolicyConfigError || err instanceof PolicyPackError || err instanceof OfflineAnswersError) {
            report(`error: ${err.message}`);
            return 1;
        }
        report(`error: the plan failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return 1;
    } finally {
        await closeAll(started);
    }
}

if (require.main === module) runCommand(argv => main(argv));
