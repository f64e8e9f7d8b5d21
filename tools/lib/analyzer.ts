/**
 * The offline policy engine: runs a CrossGuard policy pack against a captured program the way `pulumi preview
 * --policy-pack <dir>` does, without the CLI.
 *
 * - Start: as the Node.js language host's RunPlugin does, `node <@pulumi/pulumi/cmd/run-policy-pack, resolved from the
 *   pack's directory> <engine address> <pack directory>` with the pack directory as working directory and PULUMI_CONFIG, PULUMI_NODEJS_PROJECT,
 *   PULUMI_NODEJS_STACK, PULUMI_NODEJS_DRY_RUN and PULUMI_NODEJS_ORGANIZATION (and their PULUMI_* twins) in the
 *   environment; the pack prints its gRPC port on the first line of stdout.
 * - Then, over the Analyzer gRPC service: ConfigureStack, GetAnalyzerInfo, Configure with the config reconciled as
 *   the CLI does (tools/lib/policy-config.ts), `Analyze` on each registered resource's inputs in registration order
 *   (the root stack and the default provider included), and `AnalyzeStack` once on every registered
 *   resource's outputs with parent, dependencies and property dependencies. Resources the program only reads
 *   (`Resource.get`, stack references) are in neither, as in the engine.
 *
 * A started pack serves any number of analyses (Configure is sent again only when the config changes), so tests
 * start it once. The environment is fixed at start: a policy that reads `pulumi.isDryRun()` or the stack name
 * sees the values of the first analysis (this pack reads neither).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { capture, Capture, CapturedResource } from "./capture";
import { runProgram } from "./language-host";
import {
    EnforcementLevel, GivenPolicyConfig, PolicyConfig, PolicyInfo, parsePolicyPackConfig, reconcilePolicyConfig,
} from "./policy-config";
import { convertProperties } from "./policy-props";
import { programStackConfig } from "./stack-config";

export const DEFAULT_PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

/** The generated protobuf and gRPC classes of @pulumi/pulumi, used untyped. */
type Message = any;
const PROTO_DIR = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb.js"));
const analyzerPb = require(path.join(PROTO_DIR, "analyzer_pb.js")) as Message;
const analyzerGrpc = require(path.join(PROTO_DIR, "analyzer_grpc_pb.js")) as Message;
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PROTO_DIR] })) as typeof import("@grpc/grpc-js");
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [PROTO_DIR] })) as Message;
const emptyPb = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [PROTO_DIR] })) as Message;

/** The Analyzer's enforcement levels and severities, as numbered in analyzer.proto. */
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES = [undefined, "low", "medium", "high", "critical"] as const;

/** gRPC message size the CLI allows (400 MB). */
const MAX_MESSAGE = 1024 * 1024 * 400;
/** Analyze requests in flight at once. */
const ANALYZE_CONCURRENCY = 32;

export interface PolicyDiagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** The policy's description, a newline, and the violation (for violations reported as text). */
    message: string;
    enforcementLevel: EnforcementLevel;
    /** The resource it is about: the analyzed resource, the one a stack policy named, or the root stack. */
    urn: string;
    resourceType: string;
    resourceName: string;
    severity?: (typeof SEVERITIES)[number];
    /** `resource`: from Analyze (one resource's inputs); `stack`: from AnalyzeStack (every resource's outputs). */
    phase: "resource" | "stack";
}

export interface AnalysisResult {
    pack: { name: string; version: string; dir: string };
    mode: "preview" | "update";
    diagnostics: PolicyDiagnostic[];
    /** Resources analyzed (each one Analyze call; all of them in the one AnalyzeStack). */
    resources: number;
    timings: {
        /** All Analyze calls. */
        analyzeMs: number;
        analyzeStackMs: number;
        /** Configure (when the config changed), Analyze and AnalyzeStack. */
        totalMs: number;
        perResourceMs: number;
    };
}

export class PolicyPackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackError";
    }
}

export interface StartOptions {
    /** The policy pack directory (holding PulumiPolicy.yaml). Default: this project's policies/. */
    packDir?: string;
    project: string;
    stack: string;
    dryRun: boolean;
    organization?: string;
    /** The stack's config, as the CLI passes it to a pack (PULUMI_CONFIG) and in ConfigureStack. */
    config?: Record<string, string>;
    secretKeys?: string[];
    /** How long the pack may take to print its port. Default 120 s (ts-node type-checks the pack first). */
    startTimeoutMs?: number;
}

function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const type = parts[2] ?? "";
    return { type: type.slice(type.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

function toStruct(value: Record<string, unknown>): Message {
    return structPb.Struct.fromJavaScript(value);
}

function readPackManifest(dir: string): { runtime: string; version?: string } {
    const file = path.join(dir, "PulumiPolicy.yaml");
    if (!fs.existsSync(file)) throw new PolicyPackError(`no PulumiPolicy.yaml in ${dir}: not a policy pack`);
    const manifest = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { runtime?: unknown; version?: unknown };
    const runtime = typeof manifest.runtime === "string" ? manifest.runtime
        : (manifest.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") throw new PolicyPackError(`${file}: runtime is ${JSON.stringify(runtime)}; only nodejs packs run offline`);
    return { runtime, ...(typeof manifest.version === "string" ? { version: manifest.version } : {}) };
}

/** A running policy pack and a gRPC client to it. */
export class PolicyPack {
    private configured?: string;
    private constructor(
        readonly dir: string,
        private readonly child: ChildProcess,
        private readonly client: Message,
        readonly name: string,
        readonly version: string,
        readonly policies: PolicyInfo[],
        readonly initialConfig: Record<string, GivenPolicyConfig>,
        /** From spawning the pack to its answer to GetAnalyzerInfo. */
        readonly startMs: number,
        private readonly stderr: () => string,
    ) {}

    /** Starts the pack as the CLI does and reads its policies. */
    static async start(options: StartOptions): Promise<PolicyPack> {
        const dir = path.resolve(options.packDir ?? DEFAULT_PACK_DIR);
        const manifest = readPackManifest(dir);
        // As the language host locates it (require.resolve from the pack's directory): the pack's own SDK.
        let script: string;
        try {
            script = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
        } catch {
            throw new PolicyPackError(`it looks like the policy pack's dependencies are not installed; try running npm install in ${dir}`);
        }
        const began = Date.now();
        const organization = options.organization ?? "organization";
        const env: NodeJS.ProcessEnv = { ...process.env };
        const set = (k: string, v: string | undefined) => {
            if (v) env[k] = v;
        };
        if (options.config && Object.keys(options.config).length > 0) set("PULUMI_CONFIG", JSON.stringify(options.config));
        for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
            set(`${prefix}ORGANIZATION`, organization);
            set(`${prefix}PROJECT`, options.project);
            set(`${prefix}STACK`, options.stack);
            set(`${prefix}DRY_RUN`, String(options.dryRun));
        }
        // The CLI passes the address of its own engine service; the pack only logs to it, and this pack never logs.
        const child = spawn(process.execPath, [script, "127.0.0.1:0", dir], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (chunk: Buffer) => {
            stderr = (stderr + chunk.toString()).slice(-20000);
        });
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => {
                child.kill();
                reject(new PolicyPackError(`the policy pack in ${dir} did not print its port within ${options.startTimeoutMs ?? 120000} ms\n${stderr}`));
            }, options.startTimeoutMs ?? 120000);
            const onData = (chunk: Buffer) => {
                out += chunk.toString();
                const newline = out.indexOf("\n");
                if (newline < 0) return;
                clearTimeout(timer);
                child.stdout!.off("data", onData);
                child.off("exit", onExit);
                const port = Number.parseInt(out.slice(0, newline).trim(), 10);
                if (Number.isNaN(port)) reject(new PolicyPackError(`the policy pack in ${dir} printed ${JSON.stringify(out.slice(0, newline))} instead of its port\n${stderr}`));
                else resolve(port);
            };
            const onExit = (code: number | null) => {
                clearTimeout(timer);
                reject(new PolicyPackError(`the policy pack in ${dir} failed to start (exit code ${code}):\n${stderr.trim()}`));
            };
            child.stdout!.on("data", onData);
            child.once("exit", onExit);
        });
        child.stdout!.resume();
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_MESSAGE,
            "grpc.max_send_message_length": MAX_MESSAGE,
        });
        try {
            const stackReq = new analyzerPb.AnalyzerStackConfigureRequest();
            stackReq.setStack(options.stack);
            stackReq.setProject(options.project);
            stackReq.setOrganization(organization);
            stackReq.setDryRun(options.dryRun);
            for (const [k, v] of Object.entries(options.config ?? {})) stackReq.getConfigMap().set(k, v);
            stackReq.setConfigSecretKeysList(options.secretKeys ?? []);
            await rpc(client, "configureStack", stackReq);
            const info = await rpc(client, "getAnalyzerInfo", new emptyPb.Empty());
            const policies: PolicyInfo[] = info.getPoliciesList().map((p: Message) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
                    ...(schema ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } } : {}),
                };
            });
            const initialConfig: Record<string, GivenPolicyConfig> = {};
            info.getInitialconfigMap().forEach((v: Message, k: string) => {
                initialConfig[k] = { enforcementLevel: LEVELS[v.getEnforcementlevel()] ?? "advisory", properties: v.getProperties()?.toJavaScript() ?? {} };
            });
            return new PolicyPack(dir, child, client, info.getName(), manifest.version ?? info.getVersion(), policies,
                initialConfig, Date.now() - began, () => stderr);
        } catch (err) {
            client.close();
            child.kill();
            throw err;
        }
    }

    /** Reconciles `given` (a policy-pack-config in the CLI's JSON format: an object or its text) with the pack's defaults. */
    reconcile(given: unknown = {}, source = "given"): Record<string, PolicyConfig> {
        return reconcilePolicyConfig(this.policies, this.name, parsePolicyPackConfig(given, source), this.initialConfig, source);
    }

    /** Sends Configure, unless the pack already has this config. */
    async configure(config: Record<string, PolicyConfig>): Promise<void> {
        const key = JSON.stringify(config);
        if (key === this.configured) return;
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        for (const [name, c] of Object.entries(config)) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(c.enforcementLevel));
            pc.setProperties(toStruct(c.properties));
            req.getPolicyconfigMap().set(name, pc);
        }
        await rpc(this.client, "configure", req);
        this.configured = key;
    }

    /** Analyzes a capture: Analyze per resource (inputs), then AnalyzeStack (outputs). */
    async analyze(result: Capture, config: Record<string, PolicyConfig> = this.reconcile()): Promise<AnalysisResult> {
        const began = performance.now();
        await this.configure(config);
        const byUrn = new Map(result.resources.map(r => [r.urn, r]));
        const root = result.resources.find(r => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const diagnostics: PolicyDiagnostic[] = [];
        const remediate = Object.values(config).some(c => c.enforcementLevel === "remediate");

        // Analyze each resource; like the engine, which analyzes resources as its steps run in parallel, several
        // requests are in flight at once. Diagnostics keep the registration order.
        const analyzeBegan = performance.now();
        const perResource: PolicyDiagnostic[][] = new Array(result.resources.length);
        let next = 0;
        const worker = async () => {
            while (next < result.resources.length) {
                const index = next++;
                const r = result.resources[index]!;
                // The engine analyzes what the program registers, not what it reads (pkg/resource/deploy step_executor).
                if (r.read) {
                    perResource[index] = [];
                    continue;
                }
                let props: Record<string, unknown> = convertProperties(r.inputs);
                if (remediate) props = await this.remediate(r, props, byUrn);
                const req = new analyzerPb.AnalyzeRequest();
                this.describe(req, r, props, byUrn);
                const resp = await this.call("analyze", req);
                perResource[index] = resp.getDiagnosticsList().map((d: Message) => this.diagnostic(d, r.urn, "resource"));
            }
        };
        await Promise.all(Array.from({ length: ANALYZE_CONCURRENCY }, worker));
        for (const list of perResource) diagnostics.push(...list);
        const analyzeMs = performance.now() - analyzeBegan;

        const stackBegan = performance.now();
        const stackReq = new analyzerPb.AnalyzeStackRequest();
        // The engine's AnalyzeStack covers the resources the program manages (its `news`), not those it reads.
        stackReq.setResourcesList(result.resources.filter(r => !r.read).map(r => {
            const res = new analyzerPb.AnalyzerResource();
            this.describe(res, r, convertProperties(r.outputs), byUrn);
            if (r.parent) res.setParent(r.parent);
            res.setDependenciesList(r.dependencies);
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                if (urns.length === 0) continue;
                const deps = new analyzerPb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                res.getPropertydependenciesMap().set(key, deps);
            }
            return res;
        }));
        const stackResp = await this.call("analyzeStack", stackReq);
        for (const d of stackResp.getDiagnosticsList()) {
            const urn = d.getUrn() && byUrn.has(d.getUrn()) ? d.getUrn() : root;
            diagnostics.push(this.diagnostic(d, urn, "stack"));
        }
        const analyzeStackMs = performance.now() - stackBegan;
        const totalMs = performance.now() - began;
        return {
            pack: { name: this.name, version: this.version, dir: this.dir },
            mode: result.preview ? "preview" : "update",
            diagnostics,
            resources: result.resources.length,
            timings: { analyzeMs, analyzeStackMs, totalMs, perResourceMs: totalMs / Math.max(1, result.resources.length) },
        };
    }

    async close(): Promise<void> {
        this.client.close();
        if (this.child.exitCode !== null || this.child.signalCode !== null) return;
        await new Promise<void>(resolve => {
            this.child.once("exit", () => resolve());
            this.child.kill();
        });
    }

    private async remediate(r: CapturedResource, props: Record<string, unknown>, byUrn: Map<string, CapturedResource>): Promise<Record<string, unknown>> {
        const req = new analyzerPb.AnalyzeRequest();
        this.describe(req, r, props, byUrn);
        const resp = await this.call("remediate", req);
        let current = props;
        for (const remediation of resp.getRemediationsList()) {
            const changed = remediation.getProperties()?.toJavaScript();
            if (changed) current = changed;
        }
        return current;
    }

    /** Fills what Analyze and AnalyzeStack share: URN, type, name, properties, options, provider. */
    private describe(req: Message, r: CapturedResource, props: Record<string, unknown>, byUrn: Map<string, CapturedResource>): void {
        req.setUrn(r.urn);
        req.setType(r.type);
        req.setName(r.name);
        req.setProperties(toStruct(props));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
        if (r.parent) options.setParent(r.parent);
        req.setOptions(options);
        if (r.provider) {
            const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
            const provider = byUrn.get(urn);
            if (provider) {
                const p = new analyzerPb.AnalyzerProviderResource();
                p.setUrn(provider.urn);
                p.setType(provider.type);
                p.setName(provider.name);
                p.setProperties(toStruct(convertProperties(provider.inputs)));
                req.setProvider(p);
            }
        }
    }

    private diagnostic(d: Message, urn: string, phase: "resource" | "stack"): PolicyDiagnostic {
        const target = d.getUrn() || urn;
        const { type, name } = urnParts(target);
        const severity = SEVERITIES[d.getSeverity()];
        return {
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: this.version || d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
            urn: target,
            resourceType: type,
            resourceName: name,
            ...(severity ? { severity } : {}),
            phase,
        };
    }

    private async call(method: string, req: Message): Promise<Message> {
        try {
            return await rpc(this.client, method, req);
        } catch (err) {
            const stderr = this.stderr().trim();
            throw new PolicyPackError(`the policy pack failed in ${method}: ${(err as Error).message}${stderr ? `\n${stderr}` : ""}`);
        }
    }
}

function rpc(client: Message, method: string, req: Message): Promise<Message> {
    return new Promise((resolve, reject) => {
        client[method](req, (err: Error | null, res: Message) => (err ? reject(err) : resolve(res)));
    });
}

export interface AnalyzeOptions {
    /** preview (default): outputs of new resources unknown, as `pulumi preview`; update: as `pulumi up`. */
    mode?: "preview" | "update";
    /** A policy-pack-config in the CLI's JSON format (object or JSON text). */
    config?: unknown;
    /** Names the config in errors (e.g. the file it came from). */
    configSource?: string;
    /** A started pack to reuse; otherwise one is started for this analysis and stopped after it. */
    pack?: PolicyPack;
    packDir?: string;
    /** For a program function: its project, stack and config (a directory has its own; `stack` picks its stack). */
    project?: string;
    stack?: string;
    stackConfig?: Record<string, string>;
    secretKeys?: string[];
}

/**
 * Analyzes a program against the pack: `target` is a capture, a program (a function that registers resources,
 * like a Pulumi program's module body, run in this process) or a Pulumi program directory (run as the CLI runs it,
 * tools/lib/language-host.ts, with its Pulumi.<stack>.yaml when it has one).
 */
export async function analyze(target: Capture | (() => unknown) | string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const mode = options.mode ?? "preview";
    let result: Capture;
    if (typeof target === "string") {
        const stackConfig = programStackConfig(target, options.stack ?? "dev");
        result = (await runProgram({ dir: target, stackConfig, preview: mode === "preview" })).capture;
    } else if (typeof target === "function") {
        result = await capture(target, {
            project: options.project ?? "policy-test",
            stack: options.stack ?? "dev",
            preview: mode === "preview",
            config: options.stackConfig ?? {},
            ...(options.secretKeys ? { secretKeys: options.secretKeys } : {}),
        });
    } else {
        result = target;
    }
    const pack = options.pack ?? await PolicyPack.start({
        ...(options.packDir ? { packDir: options.packDir } : {}),
        project: result.project,
        stack: result.stack,
        dryRun: result.preview,
        ...(options.stackConfig ? { config: options.stackConfig } : {}),
    });
    try {
        return await pack.analyze(result, pack.reconcile(options.config ?? {}, options.configSource));
    } finally {
        if (!options.pack) await pack.close();
    }
}

/** Mandatory violations fail a preview (and stop an update). */
export function mandatory(result: AnalysisResult): PolicyDiagnostic[] {
    return result.diagnostics.filter(d => d.enforcementLevel === "mandatory" || d.enforcementLevel === "remediate");
}
