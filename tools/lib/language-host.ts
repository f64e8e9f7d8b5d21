/**
 * Runs a Pulumi Node.js program the way the CLI's language host (`pulumi-language-nodejs`) runs it, against the
 * offline engine instead of a deployment:
 *
 * - `node [nodeargs] <@pulumi/pulumi/cmd/run, resolved from the program's directory> --monitor <addr> --engine
 *   <addr> --organization <org> --project <p> --root-directory <root> --stack <s> --pwd <dir> [--dry-run]
 *   --parallel <n> <entry point>`, where the working directory and entry point come from Pulumi.yaml's `main`
 *   (tools/lib/project.ts);
 * - environment: PULUMI_CONFIG (keys as `<namespace>:config:<name>`), PULUMI_CONFIG_SECRET_KEYS,
 *   PULUMI_NODEJS_TYPESCRIPT=true unless the runtime option `typescript` is false, PULUMI_NODEJS_TSCONFIG_PATH
 *   from the `tsconfig` option; the rest of the environment is passed on, PULUMI_NODEJS_TRANSPILE_ONLY included.
 *
 * So the program's own SDK does the rest as under the CLI: the chdir, the entry point from package.json (with the
 * fallback to the directory when `main` names a file that does not exist), ts-node with the program's tsconfig
 * (type-checking unless PULUMI_NODEJS_TRANSPILE_ONLY=true), ES modules, closure serialization, the handling of
 * unhandled errors (reported to the engine, exit code 32).
 *
 * The run is bounded: after `timeoutMs` the program is killed and the run fails, saying what it had done last. As
 * the engine does, a failed step (a refused registration or read) ends the run: the program has a moment to report
 * its own errors, then it is stopped.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { Capture, CapturedResource, EngineProblem } from "./captured";
import { OfflineEngine } from "./engine";
import { MockAccount } from "./mock-aws";
import { EngineLog, MonitorServer } from "./monitor-server";
import { OfflineAnswers } from "./offline-answers";
import { programLocation, PulumiProject, readProject, splitArgs } from "./project";
import { StackConfig } from "./stack-config";

/** How long a program may run by default: type-checking a program that imports all of @pulumi/aws takes ~15 s here. */
export const DEFAULT_TIMEOUT_MS = 45_000;

/** The language host's exit code for "the error was already reported to the user". */
const REPORTED_EXIT_CODE = 32;

/** After a failed step, how long the program has to report its own errors before it is stopped, as the engine stops it. */
const STOP_GRACE_MS = 2000;

const OUTPUT_LIMIT = 64 * 1024;

export interface ProgramRunOptions {
    /** The project directory (holding Pulumi.yaml). */
    dir: string;
    stackConfig: StackConfig;
    preview: boolean;
    organization?: string;
    answers?: OfflineAnswers;
    account?: Partial<MockAccount>;
    /** @default DEFAULT_TIMEOUT_MS */
    timeoutMs?: number;
    /** The environment the program runs with (default: this process's). */
    env?: NodeJS.ProcessEnv;
}

export interface ProgramRun {
    capture: Capture;
    /** What the program logged to the engine (warnings and info; errors fail the run). */
    logs: EngineLog[];
    /** What the program printed (stdout and stderr). */
    output: string;
    ms: number;
}

/** One reason a run failed, attributed to a resource when the program or the engine named one. */
export interface ProgramDiagnostic {
    message: string;
    urn?: string;
}

/** The program failed: it threw, a request had no offline answer, it exited non-zero, or it ran out of time. */
export class ProgramFailedError extends Error {
    constructor(
        readonly reason: "failed" | "timeout",
        readonly diagnostics: ProgramDiagnostic[],
        /** What it had registered until then. */
        readonly resources: CapturedResource[],
        readonly output: string,
    ) {
        super(diagnostics.map(d => d.message).join("\n"));
        this.name = "ProgramFailedError";
    }
}

/** The `type "name"` a URN stands for. */
export function describeUrn(urn: string): string {
    const parts = urn.split("::");
    const type = parts[2] ?? "";
    return `${type.slice(type.lastIndexOf("$") + 1)} "${parts.slice(3).join("::")}"`;
}

function locateRunScript(pwd: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });
    } catch {
        throw new ProgramFailedError("failed", [{ message: "It looks like the Pulumi SDK has not been installed. Have you run pulumi install?" }], [], "");
    }
}

/** PULUMI_CONFIG as the language host writes it: keys in the old `<namespace>:config:<name>` form. */
function configEnv(config: Record<string, string>): string {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const at = key.indexOf(":");
        out[at < 0 ? key : `${key.slice(0, at)}:config:${key.slice(at + 1)}`] = value;
    }
    return JSON.stringify(out);
}

function parallelism(env: NodeJS.ProcessEnv): number {
    const p = Number.parseInt(env.PULUMI_PARALLEL ?? "", 10);
    return p > 0 ? p : os.availableParallelism() * 4;
}

/** The command line and environment the language host would use. */
export function languageHostCommand(project: PulumiProject, options: ProgramRunOptions, monitor: string): { args: string[]; env: NodeJS.ProcessEnv; cwd: string } {
    const { pwd, entryPoint } = programLocation(project);
    const base = options.env ?? process.env;
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(base)) {
        if (!/^PULUMI_(CONFIG|CONFIG_SECRET_KEYS|NODEJS_(TYPESCRIPT|TSCONFIG_PATH|MONITOR|ENGINE|PROJECT|STACK|DRY_RUN|ORGANIZATION|PARALLEL|ROOT_DIRECTORY|SYNC))$/.test(k)) env[k] = v;
    }
    env.PULUMI_CONFIG = configEnv(options.stackConfig.config);
    env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(options.stackConfig.secretKeys);
    if (project.options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (project.options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = project.options.tsconfig;
    const args = [
        ...splitArgs(project.options.nodeargs ?? ""),
        locateRunScript(pwd),
        "--monitor", monitor, "--engine", monitor,
        "--organization", options.organization ?? "organization",
        "--project", options.stackConfig.project,
        "--root-directory", project.root,
        "--stack", options.stackConfig.stack,
        "--pwd", pwd,
        ...(options.preview ? ["--dry-run"] : []),
        "--parallel", String(parallelism(base)),
        entryPoint,
    ];
    return { args, env, cwd: pwd };
}

function lastRegistered(resources: CapturedResource[]): CapturedResource | undefined {
    return [...resources].reverse().find(r => !r.synthetic);
}

function timeoutDiagnostic(monitor: MonitorServer, timeoutMs: number): ProgramDiagnostic {
    const pending = monitor.pending();
    const last = lastRegistered(monitor.engine.resources);
    const within = `the program did not finish within ${timeoutMs / 1000} s (--timeout)`;
    if (!last) {
        return { message: `${within}: it registered nothing; loading and type-checking it may take longer than that (raise --timeout, ` +
            "or set PULUMI_NODEJS_TRANSPILE_ONLY=true)" };
    }
    const registered = monitor.engine.resources.filter(r => !r.synthetic).length;
    const idle = ((Date.now() - monitor.lastActivity) / 1000).toFixed(1);
    return {
        message: `${within}: it had registered ${registered} resource${registered === 1 ? "" : "s"}, the last ${describeUrn(last.urn)}, and ` +
            `asked the engine nothing for the last ${idle} s; ${pending.length ? `it was waiting for ${pending.join(", ")}` : "it may await something that never settles"}`,
        urn: last.urn,
    };
}

function problemDiagnostic(problem: EngineProblem): ProgramDiagnostic {
    return { message: problem.message, ...(problem.urn ? { urn: problem.urn } : {}) };
}

/** Runs the program once; resolves with what it registered, or rejects with a {@link ProgramFailedError}. */
export async function runProgram(options: ProgramRunOptions): Promise<ProgramRun> {
    const project = readProject(options.dir);
    if (project.runtime !== "nodejs") {
        throw new ProgramFailedError("failed", [{ message: `${project.file}: the runtime is ${project.runtime}; the offline plan runs nodejs programs` }], [], "");
    }
    const engine = new OfflineEngine({
        project: options.stackConfig.project, stack: options.stackConfig.stack, preview: options.preview,
        config: options.stackConfig.config, packagesFrom: programLocation(project).pwd,
        ...(options.answers ? { answers: options.answers } : {}), ...(options.account ? { account: options.account } : {}),
    });
    const monitor = await MonitorServer.start(engine);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const began = performance.now();
    let output = "";
    try {
        const command = languageHostCommand(project, options, monitor.address);
        const child = spawn(process.execPath, command.args, { cwd: command.cwd, env: command.env, stdio: ["ignore", "pipe", "pipe"] });
        const keep = (chunk: Buffer) => {
            output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
        };
        child.stdout!.on("data", keep);
        child.stderr!.on("data", keep);
        let timedOut = false;
        let grace: NodeJS.Timeout | undefined;
        void engine.failedStep.then(() => {
            grace = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        });
        const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(resolve => {
            const timer = setTimeout(() => {
                timedOut = true;
                child.kill("SIGKILL");
            }, timeoutMs);
            child.once("error", error => {
                clearTimeout(timer);
                resolve({ code: null, signal: null, error });
            });
            child.once("close", (code, signal) => {
                clearTimeout(timer);
                resolve({ code, signal });
            });
        });
        clearTimeout(grace);
        const diagnostics: ProgramDiagnostic[] = engine.problems.map(problemDiagnostic);
        for (const log of monitor.logs.filter(l => l.severity === "error")) {
            if (engine.problems.some(p => log.message.includes(p.message))) continue; // the SDK reporting the engine's refusal
            diagnostics.push({ message: log.message, ...(log.urn ? { urn: log.urn } : {}) });
        }
        if (timedOut) {
            throw new ProgramFailedError("timeout", [timeoutDiagnostic(monitor, timeoutMs), ...diagnostics], engine.resources, output);
        }
        if (exit.error) diagnostics.push({ message: `Problem executing program (could not run language executor): ${exit.error.message}` });
        else if (exit.code !== 0 && exit.code !== REPORTED_EXIT_CODE && diagnostics.length === 0) {
            diagnostics.push({ message: `Program exited with ${exit.signal ? `signal ${exit.signal}` : `non-zero exit code: ${exit.code}`}` +
                `${output.trim() ? `\n${output.trim().split("\n").slice(-20).join("\n")}` : ""}` });
        } else if (exit.code === REPORTED_EXIT_CODE && diagnostics.length === 0) {
            diagnostics.push({ message: `the program reported an error and exited with code ${REPORTED_EXIT_CODE}` });
        }
        if (diagnostics.length > 0) throw new ProgramFailedError("failed", diagnostics, engine.resources, output);
        return { capture: engine.capture(), logs: monitor.logs.filter(l => l.severity !== "error"), output, ms: performance.now() - began };
    } finally {
        await monitor.close();
    }
}

/** A program directory's entry point as the CLI would describe it (for messages). */
export function programPath(dir: string): string {
    const { pwd, entryPoint } = programLocation(readProject(dir));
    return path.join(pwd, entryPoint);
}
