/**
 * Runs a Pulumi program under the mock runtime and records every resource it registers, with what the engine
 * would know of it: type, name, URN (chained through every ancestor, as the engine builds it), parent, provider,
 * dependencies, property dependencies, inputs as registered (unknowns as Pulumi's sentinel) and outputs.
 *
 * Like the engine it includes the root `pulumi:pulumi:Stack` (registered by running the program inside
 * `runInPulumiStack`) and adds a default provider for each package the program uses without an explicit one.
 *
 * Used by the plan (tools/plan.ts), the policy analysis (tools/lib/analyzer.ts), the benchmarks and the tests.
 */
import * as path from "path";
import * as pulumiModule from "@pulumi/pulumi";
import { partitionOf } from "../../components/arns";
import { createMocks, DEFAULT_ACCOUNT, MockAccount } from "./mock-aws";

/** The string the engine sends for a value that is not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Pulumi = typeof pulumiModule;
type Props = Record<string, unknown>;

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** A custom resource (provider-managed) rather than a component. */
    custom: boolean;
    /** A multi-language component (e.g. awsx.ec2.Vpc) whose children are built by its plugin. */
    remote: boolean;
    parent?: string;
    /** Provider reference `<urn>::<id>`; default providers are filled in as the engine does. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Inputs as registered with the engine: unknown values are {@link UNKNOWN}. */
    inputs: Props;
    /** Outputs: what the (mock) provider returned, or a component's registered outputs. */
    outputs: Props;
    id?: string;
    /** Added by the capture to stand for a resource the engine adds itself (default providers). */
    synthetic?: boolean;
    /** The options that decide what an update or a destroy does to it (only those the program set). */
    options: LifecycleOptions;
}

/** Resource options that change what `pulumi up` and `pulumi destroy` do to a resource, as the engine receives them. */
export interface LifecycleOptions {
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
}

export interface Capture {
    project: string;
    stack: string;
    preview: boolean;
    /** In registration order. */
    resources: CapturedResource[];
    /** The program's exports (the stack outputs), with unknowns as {@link UNKNOWN}. */
    stackOutputs: Props;
}

export interface CaptureOptions {
    project: string;
    stack: string;
    /** true: `pulumi preview` (outputs of new resources unknown); false: `pulumi up`. */
    preview: boolean;
    /** The stack's config as the CLI passes it: `{"cellular:cells": "[...]"}`. */
    config: Record<string, string>;
    secretKeys?: string[];
    account?: Partial<MockAccount>;
    /** The `@pulumi/pulumi` module the program uses (a program with its own node_modules has its own copy). */
    pulumi?: Pulumi;
    /** Versions for default provider names; read from the installed packages when not given. */
    providerVersions?: Record<string, string>;
    /**
     * Turn off, for the duration of the run, what makes the mock runtime slow and heavy without changing what it
     * registers: a stack trace (source-mapped, under tsx) and a label string captured for every one of the SDK's
     * promises, kept for its leak report. Program errors then carry no stack trace. @default true, unless the
     * environment variable CELLULAR_DEBUG is set.
     */
    lean?: boolean;
}

/** The program failed; `resources` holds what it had registered until then. */
export class ProgramError extends Error {
    constructor(override readonly cause: unknown, readonly resources: CapturedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramError";
    }
}

interface RawRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
    getObject(): { toJavaScript(): Props } | undefined;
    getImportid(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
}

function lifecycleOf(req: RawRequest): LifecycleOptions {
    const options: LifecycleOptions = {};
    if (req.getProtect()) options.protect = true;
    if (req.getRetainondelete()) options.retainOnDelete = true;
    if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
    if (req.getIgnorechangesList().length > 0) options.ignoreChanges = req.getIgnorechangesList();
    if (req.getReplaceonchangesList().length > 0) options.replaceOnChanges = req.getReplaceonchangesList();
    return options;
}

interface ProtoModules {
    resource: { RegisterResourceResponse: new () => { setUrn(u: string): void; setId(i: string): void; setObject(o: unknown): void } };
    struct: { Struct: { fromJavaScript(v: Props): unknown } };
}

/** The protobuf modules of the given `@pulumi/pulumi` copy (a program with its own node_modules has its own). */
function pulumiDirOf(pulumi: Pulumi): string {
    const loaded = Object.values(require.cache).find(m => m?.exports === pulumi);
    return loaded ? loaded.path : path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

function protoModules(pulumiDir: string): ProtoModules {
    return {
        resource: require(path.join(pulumiDir, "proto", "resource_pb.js")) as ProtoModules["resource"],
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] })) as ProtoModules["struct"],
    };
}

interface MockMonitorLike {
    resources: Map<string, { urn: string; id: string | null; state: Props }>;
    mocks: pulumiModule.runtime.Mocks;
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RawRequest, cb: (err: unknown, resp?: unknown) => void): Promise<void>;
    registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Props } | undefined }, cb: (err: unknown, resp?: unknown) => void): void;
}

/**
 * Pulumi's SDK wraps every promise in `debuggablePromise`, which captures `new Error().stack` (formatted eagerly,
 * through source maps under tsx) and keeps the promise in a set for its leak report at exit: most of the
 * per-resource time and a quarter of the memory of a run under mocks. Returns a function that undoes it.
 */
function lighten(pulumiDir: string): () => void {
    const debuggable = require(path.join(pulumiDir, "runtime", "debuggable.js")) as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
    const original = debuggable.debuggablePromise;
    const stackTraceLimit = Error.stackTraceLimit;
    const sourceMaps = (process as unknown as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
    debuggable.debuggablePromise = p => p;
    Error.stackTraceLimit = 0;
    process.setSourceMapsEnabled(false);
    return () => {
        debuggable.debuggablePromise = original;
        Error.stackTraceLimit = stackTraceLimit;
        process.setSourceMapsEnabled(sourceMaps);
    };
}

function packageVersion(pkg: string, from: string): string {
    try {
        const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [from] });
        return (require(file) as { version: string }).version;
    } catch {
        return "0.0.0";
    }
}

/**
 * Runs `program` (a function that registers resources and returns the stack outputs, like a Pulumi program's
 * module body) and returns everything it registered.
 *
 * @throws ProgramError when the program throws or a registration fails.
 */
export async function capture(program: () => unknown, options: CaptureOptions): Promise<Capture> {
    const pulumi = options.pulumi ?? pulumiModule;
    const region = options.config["aws:region"] ?? DEFAULT_ACCOUNT.region;
    // As the provider answers getPartition: from the region.
    const account: MockAccount = { ...DEFAULT_ACCOUNT, region, partition: partitionOf(region), ...options.account };

    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(createMocks(options.preview, account), options.project, options.stack, options.preview);
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;

    const resources: CapturedResource[] = [];
    const byUrn = new Map<string, CapturedResource>();
    const defaultProviders = new Map<string, CapturedResource>();

    // The engine chains every ancestor's type into a URN (except the root stack's); the mock monitor chains only
    // the parent's, and the stack's too.
    monitor.newUrn = (parent: string, type: string, name: string): string => {
        let qualified = type;
        const parentType = parent ? parent.split("::")[2]! : undefined;
        if (parentType && parentType !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
        return `urn:pulumi:${options.stack}::${options.project}::${qualified}::${name}`;
    };

    const defaultProviderFor = (pkg: string): string => {
        let provider = defaultProviders.get(pkg);
        if (!provider) {
            const version = options.providerVersions?.[pkg] ?? packageVersion(pkg, process.cwd());
            const name = `default_${version.replace(/[.-]/g, "_")}`;
            const type = `pulumi:providers:${pkg}`;
            const inputs: Props = { version };
            for (const [key, value] of Object.entries(options.config)) {
                if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = value;
            }
            provider = {
                urn: `urn:pulumi:${options.stack}::${options.project}::${type}::${name}`,
                type, name, custom: true, remote: false, dependencies: [], propertyDependencies: {},
                inputs, outputs: inputs, id: options.preview ? UNKNOWN : `${name}-id`, synthetic: true, options: {},
            };
            defaultProviders.set(pkg, provider);
            resources.push(provider);
            byUrn.set(provider.urn, provider);
        }
        return `${provider.urn}::${provider.id}`;
    };

    const pulumiDir = pulumiDirOf(pulumi);
    const protos = protoModules(pulumiDir);
    monitor.registerResource = async (req: RawRequest, cb: (err: unknown, resp?: unknown) => void): Promise<void> => {
        const type = req.getType();
        const custom = req.getCustom();
        const remote = req.getRemote();
        const pkg = type.split(":")[0]!;
        let provider = req.getProvider() || undefined;
        if (!provider && (custom || remote) && pkg !== "pulumi") provider = defaultProviderFor(pkg);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const parent = req.getParent() || undefined;
        const record: CapturedResource = {
            urn: monitor.newUrn(req.getParent(), type, req.getName()),
            type,
            name: req.getName(),
            custom,
            remote,
            ...(parent ? { parent } : {}),
            ...(provider ? { provider } : {}),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            inputs: req.getObject()?.toJavaScript() ?? {},
            outputs: {},
            options: lifecycleOf(req),
        };
        resources.push(record);
        byUrn.set(record.urn, record);
        // What MockMonitor.registerResource does, converting the request and the response once rather than twice
        // (the capture keeps the raw forms): at hundreds of cells these conversions are most of the garbage.
        try {
            const result = await monitor.mocks.newResource({
                type, name: record.name,
                inputs: pulumi.runtime.deserializeProperties({ toJavaScript: () => record.inputs } as never),
                provider: req.getProvider(), custom, id: req.getImportid(),
            });
            const state = await pulumi.runtime.serializeProperties("", result.state) as Props;
            record.outputs = state;
            if (result.id) record.id = result.id;
            // Components need their entry for registerResourceOutputs; nothing reads those of custom resources.
            if (!custom) monitor.resources.set(record.urn, { urn: record.urn, id: result.id ?? null, state });
            const response = new protos.resource.RegisterResourceResponse();
            response.setUrn(record.urn);
            response.setId(result.id || "");
            response.setObject(protos.struct.Struct.fromJavaScript(state));
            cb(null, response);
        } catch (err) {
            cb(err);
        }
    };

    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const record = byUrn.get(req.getUrn());
        if (record) record.outputs = req.getOutputs()?.toJavaScript() ?? {};
        originalOutputs(req, cb);
    };

    // Registration failures surface as rejected promises nobody awaits; collect them for the duration of the run.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const lean = options.lean ?? !process.env.CELLULAR_DEBUG;
    const restore = lean ? lighten(pulumiDir) : () => undefined;
    let stackOutputs: Props = {};
    try {
        try {
            await pulumi.runtime.runInPulumiStack(async () => program());
        } catch (err) {
            failures.unshift(err);
        }
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        // Let rejections of the last registrations reach the handler.
        await new Promise(resolve => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", onRejection);
        restore();
    }
    if (failures.length > 0) throw new ProgramError(failures[0], resources);
    const root = resources.find(r => r.type === "pulumi:pulumi:Stack");
    stackOutputs = root?.outputs ?? {};
    return { project: options.project, stack: options.stack, preview: options.preview, resources, stackOutputs };
}

/** The component (by URN) that `resource` belongs to, walking `parent` until `match` accepts an ancestor. */
export function ancestor(resources: Map<string, CapturedResource>, resource: CapturedResource,
    match: (r: CapturedResource) => boolean): CapturedResource | undefined {
    let current = resource.parent ? resources.get(resource.parent) : undefined;
    while (current) {
        if (match(current)) return current;
        current = current.parent ? resources.get(current.parent) : undefined;
    }
    return undefined;
}

export function indexByUrn(resources: readonly CapturedResource[]): Map<string, CapturedResource> {
    return new Map(resources.map(r => [r.urn, r]));
}
