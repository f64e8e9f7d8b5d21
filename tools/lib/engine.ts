/**
 * What the Pulumi engine does with a program's requests, offline: the part of `pulumi preview` (or `pulumi up`)
 * between the language SDK and the providers, answered by the mock AWS provider (tools/lib/mock-aws.ts).
 *
 * - RegisterResource: a URN chained through every ancestor's type, a default provider per package and version for
 *   a resource that names none (`default_7_48_0`), a refused duplicate URN; the provider sees its inputs as the
 *   engine hands them to a bridged provider (secrets unwrapped, resource references as ids, output values as
 *   values) and its outputs keep the secretness of the inputs they come from, and of `additionalSecretOutputs`. In preview an output the provider
 *   computes is unknown; so is, in an update too, what a dynamic provider's `create` would return (user code that
 *   acts on the world is never run offline).
 * - ReadResource: a `StackReference` reads the outputs the user gave for that stack (a failure without them); any
 *   other read the state the user gave for that type and id, else what the mock provider answers for a resource of
 *   that id (recorded as assumed, for the plan to report).
 * - Invoke: the user's answer (tools/lib/offline-answers.ts), else the plan's own (tools/lib/invokes.ts), else a
 *   failure that names the invoke and says how to answer it. Call (a method of a remote component): a failure.
 *
 * Every answer the engine could not give is recorded in `problems`, so the plan fails even when the program caught
 * the error. Used over gRPC by tools/lib/monitor-server.ts (a program run as the CLI runs it) and in-process by
 * tools/lib/capture.ts (Pulumi's mock runtime).
 */
import { partitionOf } from "../../components/arns";
import { awsPackageDir, resourceSchema } from "./aws-types";
import { Capture, CapturedResource, EngineProblem, LifecycleOptions, Props, UNKNOWN } from "./captured";
import { answerBuiltInInvoke } from "./invokes";
import { createMocks, DEFAULT_ACCOUNT, MockAccount } from "./mock-aws";
import { answerInvoke, NO_ANSWERS, OfflineAnswers, SECRET_PLACEHOLDER } from "./offline-answers";
import { OUTPUT_VALUE_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY } from "./policy-props";

export interface EngineOptions {
    project: string;
    stack: string;
    /** true: `pulumi preview` (outputs of new resources unknown); false: `pulumi up`. */
    preview: boolean;
    /** The stack's config as the CLI passes it: `{"aws:region": "us-west-2"}`. */
    config: Record<string, string>;
    account?: Partial<MockAccount>;
    /** What the user told the plan about invokes, reads and referenced stacks. */
    answers?: OfflineAnswers;
    /** Where to look up installed provider packages when a registration names no version. */
    packagesFrom?: string;
    /** Versions for default provider names, overriding what is installed. */
    providerVersions?: Record<string, string>;
}

export interface RegisterRequest {
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    remote: boolean;
    /** Provider reference `<urn>::<id>`. */
    provider?: string;
    /** The provider package's version the SDK asked for. */
    version?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Inputs in the SDK's wire form (protobuf-struct JSON with special signatures). */
    inputs: Props;
    importId?: string;
    /** Outputs the engine marks secret whatever their inputs (a resource option, and set by providers' SDKs). */
    additionalSecretOutputs?: string[];
    /** What an update or a destroy does to it (`protect`, `retainOnDelete`, ...). */
    options?: LifecycleOptions;
}

export interface ReadRequest {
    type: string;
    name: string;
    id: string;
    parent?: string;
    provider?: string;
    version?: string;
    dependencies: string[];
    /** The state the program gave, in wire form. */
    properties: Props;
}

/** A response to the SDK, in wire form. */
export interface Response {
    urn: string;
    id: string;
    outputs: Props;
    /**
     * Some outputs are unknown although this is an update (a value the plan cannot compute, a dynamic resource's
     * whole result): the response says the registration's result is not a plain success, so that the SDK keeps them
     * unknown (`keepUnknowns`) instead of resolving them as undefined.
     */
    unknowns: boolean;
}

/** The type of a resource of a dynamic provider (`pulumi.dynamic.Resource`). */
export const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (value === null || typeof value !== "object") return false;
    return (Array.isArray(value) ? value : Object.values(value)).some(containsUnknown);
}

/** The engine could not answer a request as a deployment would; the message says how to give it an answer. */
export class OfflineAnswerError extends Error {
    constructor(readonly problem: EngineProblem) {
        super(problem.message);
        this.name = "OfflineAnswerError";
    }
}

type Plain = unknown;

/**
 * A value as the engine hands it to a bridged provider: secrets unwrapped, a resource reference as its id (unknown
 * until the resource exists) or, for a component, its URN; an output value as its value, or unknown.
 */
export function providerView(value: unknown): Plain {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(providerView);
    const obj = value as Props;
    switch (obj[SIG_KEY]) {
        case SECRET_SIG: return providerView(obj.value);
        case RESOURCE_SIG: {
            if (!("id" in obj)) return obj.urn;
            return typeof obj.id === "string" && obj.id !== "" ? obj.id : UNKNOWN;
        }
        case OUTPUT_VALUE_SIG: return "value" in obj ? providerView(obj.value) : UNKNOWN;
        case undefined: return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, providerView(v)]));
        default: return obj; // assets and archives
    }
}

/** Whether a wire value holds a secret anywhere (a secret output value included). */
export function containsSecret(value: unknown): boolean {
    if (value === null || typeof value !== "object") return false;
    if (Array.isArray(value)) return value.some(containsSecret);
    const obj = value as Props;
    if (obj[SIG_KEY] === SECRET_SIG) return true;
    if (obj[SIG_KEY] === OUTPUT_VALUE_SIG) return obj.secret === true || containsSecret(obj.value);
    if (obj[SIG_KEY] !== undefined) return false;
    return Object.values(obj).some(containsSecret);
}

function secret(value: unknown): Props {
    return { [SIG_KEY]: SECRET_SIG, value };
}

function packageOf(type: string): string {
    return type.split(":")[0]!;
}

function installedVersion(pkg: string, from: string): string | undefined {
    try {
        const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [from] });
        return (require(file) as { version: string }).version;
    } catch {
        return undefined;
    }
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** The engine's state for one run of a program. */
export class OfflineEngine {
    readonly resources: CapturedResource[] = [];
    readonly problems: EngineProblem[] = [];
    readonly account: MockAccount;
    private readonly byUrn = new Map<string, CapturedResource>();
    private readonly defaultProviders = new Map<string, CapturedResource>();
    private readonly mocks;
    private readonly answers: OfflineAnswers;
    private rootUrn = "";
    private stop?: (problem: EngineProblem) => void;
    /**
     * Settles with the first refused registration or read: a failed step, which makes the real engine end the
     * deployment and cancel the program (a failed invoke is only the program's error, which it may handle).
     */
    readonly failedStep: Promise<EngineProblem> = new Promise(resolve => {
        this.stop = resolve;
    });

    constructor(readonly options: EngineOptions) {
        const region = options.config["aws:region"] ?? DEFAULT_ACCOUNT.region;
        this.account = { ...DEFAULT_ACCOUNT, region, partition: partitionOf(region), ...options.account };
        const awsDir = awsPackageDir(options.packagesFrom ?? process.cwd());
        this.mocks = createMocks(options.preview, this.account, type => (awsDir && type.startsWith("aws:") ? resourceSchema(awsDir, type) : undefined));
        this.answers = options.answers ?? NO_ANSWERS;
    }

    get preview(): boolean {
        return this.options.preview;
    }

    /** The URN the engine gives a resource: the types of every ancestor but the root stack, chained with `$`. */
    urnOf(parent: string | undefined, type: string, name: string): string {
        const parentType = parent ? parent.split("::")[2] : undefined;
        const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        return `urn:pulumi:${this.options.stack}::${this.options.project}::${qualified}::${name}`;
    }

    get(urn: string): CapturedResource | undefined {
        return this.byUrn.get(urn);
    }

    setRoot(urn: string): void {
        this.rootUrn = urn;
    }

    get root(): string {
        return this.rootUrn;
    }

    private add(record: CapturedResource): void {
        this.resources.push(record);
        this.byUrn.set(record.urn, record);
    }

    private refuse(problem: EngineProblem): never {
        this.problems.push(problem);
        if (problem.kind === "register" || problem.kind === "read") this.stop?.(problem);
        throw new OfflineAnswerError(problem);
    }

    /** The default provider the engine adds for a package (and version) when a resource names no provider. */
    private defaultProvider(pkg: string, version?: string): string {
        const v = version || this.options.providerVersions?.[pkg]
            || installedVersion(pkg, this.options.packagesFrom ?? process.cwd()) || "";
        const key = `${pkg}@${v}`;
        let provider = this.defaultProviders.get(key);
        if (!provider) {
            const name = v ? `default_${v.replace(/[.-]/g, "_")}` : "default";
            const type = `pulumi:providers:${pkg}`;
            const inputs: Props = v ? { version: v } : {};
            for (const [k, value] of Object.entries(this.options.config)) {
                if (k.startsWith(`${pkg}:`)) inputs[k.slice(pkg.length + 1)] = value;
            }
            provider = {
                urn: `urn:pulumi:${this.options.stack}::${this.options.project}::${type}::${name}`,
                type, name, custom: true, remote: false, dependencies: [], propertyDependencies: {},
                inputs, outputs: inputs, id: this.preview ? UNKNOWN : `${name}-id`, synthetic: true, options: {},
            };
            this.defaultProviders.set(key, provider);
            this.add(provider);
        }
        return `${provider.urn}::${provider.id}`;
    }

    /** The configuration of the provider a request goes to (its inputs), for invokes that depend on it. */
    private providerConfig(ref: string | undefined, token: string): Props {
        const urn = ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined;
        const record = urn ? this.byUrn.get(urn) : this.byUrn.get(this.defaultProvider(packageOf(token)).split("::").slice(0, -1).join("::"));
        return (providerView(record?.inputs ?? {}) ?? {}) as Props;
    }

    /** RegisterResource. */
    register(req: RegisterRequest): Response {
        const urn = this.urnOf(req.parent, req.type, req.name);
        if (this.byUrn.has(urn)) {
            this.refuse({ kind: "register", token: req.type, urn, message: `Duplicate resource URN '${urn}'; try giving it a unique name` });
        }
        const pkg = packageOf(req.type);
        const provider = req.provider || ((req.custom || req.remote) && pkg !== "pulumi" ? this.defaultProvider(pkg, req.version) : undefined);
        const record: CapturedResource = {
            urn, type: req.type, name: req.name, custom: req.custom, remote: req.remote,
            ...(req.parent ? { parent: req.parent } : {}),
            ...(provider ? { provider } : {}),
            dependencies: req.dependencies,
            propertyDependencies: req.propertyDependencies,
            inputs: req.inputs,
            outputs: {},
            options: req.options ?? {},
        };
        this.add(record);
        const inputs = providerView(req.inputs) as Props;
        // A dynamic provider's create runs user code against the world (an API, a database): never offline. Its
        // result is unknown in an update too; in preview, as for any resource, its inputs.
        const dynamic = req.type === DYNAMIC_TYPE;
        const result = dynamic ? { id: undefined, state: inputs } : this.mocks.newResource({
            type: req.type, name: req.name, inputs, provider: provider ?? "", custom: req.custom, id: req.importId ?? "",
        }) as { id?: string; state: Props };
        const outputs: Props = {};
        const secretOutputs = new Set(req.additionalSecretOutputs ?? []);
        for (const [key, value] of Object.entries(result.state)) {
            outputs[key] = containsSecret(req.inputs[key]) || secretOutputs.has(key) ? secret(value) : value;
        }
        // In preview a provider returns its computed outputs as unknowns, so a secret one is an unknown secret.
        if (this.preview) for (const key of secretOutputs) if (!(key in outputs)) outputs[key] = secret(UNKNOWN);
        record.outputs = outputs;
        if (result.id) record.id = result.id;
        // A remote component's outputs come from its plugin, which does not run offline (bar those the mock gives).
        return { urn, id: result.id ?? "", outputs, unknowns: !this.preview && (dynamic || req.remote || containsUnknown(outputs)) };
    }

    /** RegisterResourceOutputs: a component's (or the stack's) outputs. */
    registerOutputs(urn: string, outputs: Props): void {
        const record = this.byUrn.get(urn);
        if (record) record.outputs = outputs;
    }

    /** ReadResource: a StackReference, or a `Resource.get`. */
    read(req: ReadRequest): Response {
        const urn = this.urnOf(req.parent, req.type, req.name);
        const given = providerView(req.properties) as Props;
        let outputs: Props;
        let assumed = false;
        if (req.type === STACK_REFERENCE) {
            const stack = typeof given.name === "string" ? given.name : req.id;
            const stackOutputs = this.answers.stacks[stack];
            if (!stackOutputs) {
                this.refuse({ kind: "read", token: req.type, urn, message: `the offline plan has no outputs for the stack reference "${stack}": ` +
                    `give them in an answers file (--answers <file>): {"stacks": {"${stack}": <the output of pulumi stack output --json -s ${stack}>}}` });
            }
            const secretNames = Object.keys(stackOutputs).filter(k => stackOutputs[k] === SECRET_PLACEHOLDER).sort();
            const values = Object.fromEntries(Object.entries(stackOutputs).map(([k, v]) => [k, secretNames.includes(k) ? secret(v) : v]));
            outputs = { name: stack, outputs: values, secretOutputNames: secretNames };
        } else {
            const state = this.answers.reads[req.type]?.[req.id];
            if (state) {
                outputs = { ...given, ...state };
            } else {
                // What the provider would read is not known offline: the mock answers as for a resource of that id.
                outputs = (this.mocks.newResource({ type: req.type, name: req.name, inputs: given, provider: req.provider ?? "", custom: true, id: req.id }) as { state: Props }).state;
                assumed = true;
            }
        }
        const pkg = packageOf(req.type);
        const provider = req.provider || (pkg !== "pulumi" ? this.defaultProvider(pkg, req.version) : undefined);
        this.add({
            urn, type: req.type, name: req.name, custom: true, remote: false, read: assumed ? "assumed" : "answered",
            ...(req.parent ? { parent: req.parent } : {}),
            ...(provider ? { provider } : {}),
            dependencies: req.dependencies, propertyDependencies: {}, options: {},
            inputs: req.properties, outputs, id: req.id,
        });
        return { urn, id: req.id, outputs, unknowns: !this.preview && containsUnknown(outputs) };
    }

    /** Invoke: the user's answer, the plan's own, or a failure naming the invoke. */
    invoke(token: string, wireArgs: Props, providerRef?: string): Props {
        const args = providerView(wireArgs) as Props;
        if (token === "pulumi:pulumi:getResource") {
            const record = this.byUrn.get(String(args.urn));
            if (!record) this.refuse({ kind: "invoke", token, message: `unknown resource ${String(args.urn)}` });
            return { urn: record.urn, id: record.id ?? "", state: record.outputs };
        }
        const given = answerInvoke(this.answers, token, args);
        if (given) return given;
        let builtIn: Props | undefined;
        try {
            builtIn = answerBuiltInInvoke(token, args, { account: this.account, provider: this.providerConfig(providerRef, token) });
        } catch (err) {
            this.refuse({ kind: "invoke", token, message: `Invoke of '${token}' failed: ${(err as Error).message}` });
        }
        if (builtIn) return builtIn;
        const tried = this.answers.invokes[token]?.length
            ? `; none of the ${this.answers.invokes[token]!.length} answers for it in ${this.answers.source} matches these arguments` : "";
        return this.refuse({ kind: "invoke", token, message: `the offline plan has no answer for the invoke ${token} with arguments ` +
            `${JSON.stringify(args)}: it reads your cloud account, which the plan cannot see${tried}. Give its result in an answers file ` +
            `(--answers <file>): {"invokes": {"${token}": [{"args": ${JSON.stringify(args)}, "result": {...}}]}}` });
    }

    /** Call: a method of a remote component, which runs in the component's plugin. */
    call(token: string): never {
        return this.refuse({ kind: "call", token, message: `the offline plan cannot call ${token}: it is a method of a multi-language ` +
            "component, run by the component's plugin, which the plan does not run" });
    }

    capture(): Capture {
        const root = this.resources.find(r => r.type === "pulumi:pulumi:Stack");
        return {
            project: this.options.project, stack: this.options.stack, preview: this.preview,
            resources: this.resources, stackOutputs: root?.outputs ?? {},
        };
    }
}
