/**
 * Runs test programs through the real policy pack: the program runs under Pulumi's mocks (capture()), the pack runs
 * as the CLI runs it (a child process serving the Analyzer gRPC service, with real proxies and unknowns), and the
 * diagnostics come back as the CLI would show them.
 *
 * The pack starts once per test process (it takes seconds: ts-node type-checks it) and is stopped after the last
 * test; each analysis sends Configure only when its config differs from the previous one.
 */
import * as path from "path";
import { AnalysisResult, PolicyDiagnostic, PolicyPack } from "../../../tools/lib/analyzer";
import { capture, Capture } from "../../../tools/lib/capture";
import { readPolicyPackConfigFile } from "../../../tools/lib/policy-config";

export type Mode = "preview" | "update";
export const MODES: readonly Mode[] = ["preview", "update"];

export const CONFIG_DIR = path.resolve(__dirname, "..", "..", "fixtures", "policies", "configs");

let started: Promise<PolicyPack> | undefined;

/** The policy pack of this project, started on first use and stopped after every test of the process. */
export function policyPack(): Promise<PolicyPack> {
    started ??= PolicyPack.start({ project: "policy-test", stack: "dev", dryRun: true, config: { "aws:region": "us-east-1" } });
    return started;
}

after(async () => {
    if (started) await (await started.catch(() => undefined))?.close();
});

export interface RunOptions {
    mode?: Mode;
    /** A policy-pack-config in the CLI's JSON format. */
    config?: unknown;
    /** A policy-pack-config file under tests/fixtures/policies/configs. */
    configFile?: string;
    /** The stack's config (provider settings such as aws:defaultTags). */
    stackConfig?: Record<string, string>;
}

/** One diagnostic as a line: `<level> <policy> <resource name>: <message without the policy's description>`. */
export function line(d: PolicyDiagnostic): string {
    const text = d.message.startsWith(`${d.description}\n`) ? d.message.slice(d.description.length + 1) : d.message;
    return `${d.enforcementLevel} ${d.policyName} ${d.resourceName}: ${text}`;
}

export class Outcome {
    constructor(readonly result: AnalysisResult, readonly capture: Capture) {}

    get diagnostics(): PolicyDiagnostic[] {
        return this.result.diagnostics;
    }

    /** Every diagnostic as a line, sorted. */
    lines(): string[] {
        return this.diagnostics.map(line).sort();
    }

    /** The diagnostics of one policy, as lines, sorted. */
    of(policy: string): string[] {
        return this.diagnostics.filter(d => d.policyName === policy).map(line).sort();
    }

    /** Advisories saying a policy could not decide during preview. */
    undecided(): string[] {
        return this.lines().filter(l => l.includes("during preview"));
    }

    mandatory(): string[] {
        return this.diagnostics.filter(d => d.enforcementLevel === "mandatory").map(line).sort();
    }
}

/** Runs `program` (real Pulumi code) under the mocks and analyzes what it registered. */
export async function run(program: () => unknown, options: RunOptions = {}): Promise<Outcome> {
    const pack = await policyPack();
    const captured = await capture(program, {
        project: "policy-test",
        stack: "dev",
        preview: (options.mode ?? "preview") === "preview",
        config: { "aws:region": "us-east-1", ...options.stackConfig },
    });
    const given = options.configFile ? readPolicyPackConfigFile(path.join(CONFIG_DIR, options.configFile)) : options.config ?? {};
    const result = await pack.analyze(captured, pack.reconcile(given, options.configFile ?? "the test's config"));
    return new Outcome(result, captured);
}

/** Runs the program in both modes. */
export async function runBoth(program: () => unknown, options: Omit<RunOptions, "mode"> = {}): Promise<Record<Mode, Outcome>> {
    return { preview: await run(program, { ...options, mode: "preview" }), update: await run(program, { ...options, mode: "update" }) };
}
