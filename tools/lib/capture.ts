/**
 * Runs a Pulumi program in this process under Pulumi's mock runtime and records every resource it registers, with
 * what the engine would know of it (tools/lib/engine.ts answers the program's requests, as it does for a program run
 * as the CLI runs it in tools/lib/language-host.ts): type, name, URN (chained through every ancestor), parent,
 * provider, dependencies, property dependencies, inputs as registered (unknowns as Pulumi's sentinel) and outputs.
 *
 * Like the engine it includes the root `pulumi:pulumi:Stack` (registered by running the program inside
 * `runInPulumiStack`) and adds a default provider for each package the program uses without an explicit one.
 *
 * Used by the plan of this project's stacks (tools/plan.ts), the benchmarks and the tests: it is fast (no process, no
 * ts-node), and the program is this project's own, which needs none of what only the CLI's language host does.
 */
import * as path from "path";
import * as pulumiModule from "@pulumi/pulumi";
import { Capture, CapturedResource, Props, UNKNOWN } from "./captured";
import { OfflineAnswerError, OfflineEngine } from "./engine";
import { MockAccount } from "./mock-aws";
import { OfflineAnswers } from "./offline-answers";
import { readRequest, readResponse, registerRequest, registerResponse, toStruct } from "./wire";

export { UNKNOWN };
export type { Capture, CapturedResource };

type Pulumi = typeof pulumiModule;

export interface CaptureOptions {
    project: string;
    stack: string;
    /** true: `pulumi preview` (outputs of new resources unknown); false: `pulumi up`. */
    preview: boolean;
    /** The stack's config as the CLI passes it: `{"cellular:cells": "[...]"}`. */
    config: Record<string, string>;
    secretKeys?: string[];
    account?: Partial<MockAccount>;
    answers?: OfflineAnswers;
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
    /** Fail when the program has not finished after this long (a program awaiting something that never settles). */
    timeoutMs?: number;
}

/** The program failed; `resources` holds what it had registered until then. */
export class ProgramError extends Error {
    constructor(override readonly cause: unknown, readonly resources: CapturedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramError";
    }
}

/** The program did not finish in time. */
export class ProgramTimeoutError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramTimeoutError";
    }
}

type Message = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Callback = (err: unknown, resp?: unknown) => void;

interface ProtoModules {
    resource: Message;
    provider: Message;
    struct: { Struct: { fromJavaScript(v: Props): unknown } };
}

/** The protobuf modules of the given `@pulumi/pulumi` copy (a program with its own node_modules has its own). */
function pulumiDirOf(pulumi: Pulumi): string {
    const loaded = Object.values(require.cache).find(m => m?.exports === pulumi);
    return loaded ? loaded.path : path.dirname(require.resolve("@pulumi/pulumi/package.json"));
}

function protoModules(pulumiDir: string): ProtoModules {
    return {
        resource: require(path.join(pulumiDir, "proto", "resource_pb.js")) as Message,
        provider: require(path.join(pulumiDir, "proto", "provider_pb.js")) as Message,
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] })) as ProtoModules["struct"],
    };
}

interface MockMonitorLike {
    registerResource(req: Message, cb: Callback): void;
    registerResourceOutputs(req: Message, cb: Callback): void;
    readResource(req: Message, cb: Callback): void;
    invoke(req: Message, cb: Callback): void;
    call(req: Message, cb: Callback): void;
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

/** An error as the SDK expects a failed RPC's (it reports `details`). */
function rpcError(err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    return Object.assign(new Error(message), { details: message, code: err instanceof OfflineAnswerError ? 9 : 2 });
}

/** Answers the mock monitor's requests with the offline engine (converting each request and response once). */
function answerWith(engine: OfflineEngine, monitor: MockMonitorLike, protos: ProtoModules): void {
    const reply = (cb: Callback, answer: () => unknown) => {
        try {
            cb(null, answer());
        } catch (err) {
            cb(rpcError(err));
        }
    };
    monitor.registerResource = (req, cb) => reply(cb, () => registerResponse(protos, engine.register(registerRequest(req))));
    monitor.registerResourceOutputs = (req, cb) => reply(cb, () => {
        engine.registerOutputs(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
        return {};
    });
    monitor.readResource = (req, cb) => reply(cb, () => readResponse(protos, engine.read(readRequest(req))));
    monitor.invoke = (req, cb) => reply(cb, () => {
        const result = engine.invoke(req.getTok(), req.getArgs()?.toJavaScript() ?? {}, req.getProvider() || undefined);
        const response = new protos.provider.InvokeResponse();
        response.setReturn(toStruct(protos, result));
        return response;
    });
    monitor.call = (req, cb) => reply(cb, () => engine.call(req.getTok()));
}

function withTimeout<T>(work: Promise<T>, ms: number | undefined, engine: OfflineEngine): Promise<T> {
    if (ms === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const last = [...engine.resources].reverse().find(r => !r.synthetic);
            const registered = engine.resources.filter(r => !r.synthetic).length;
            reject(new ProgramTimeoutError(`the program did not finish within ${ms / 1000} s (--timeout): it had registered ` +
                `${registered} resource${registered === 1 ? "" : "s"}${last ? `, the last ${last.type} "${last.name}"` : ""}; ` +
                "it may await something that never settles"));
        }, ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `program` (a function that registers resources and returns the stack outputs, like a Pulumi program's
 * module body) and returns everything it registered.
 *
 * @throws ProgramError when the program throws, a registration fails, a request has no offline answer, or it does
 * not finish within `timeoutMs`.
 */
export async function capture(program: () => unknown, options: CaptureOptions): Promise<Capture> {
    const pulumi = options.pulumi ?? pulumiModule;
    const engine = new OfflineEngine({
        project: options.project, stack: options.stack, preview: options.preview, config: options.config,
        ...(options.account ? { account: options.account } : {}),
        ...(options.answers ? { answers: options.answers } : {}),
        ...(options.providerVersions ? { providerVersions: options.providerVersions } : {}),
    });
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    // The monitor's requests are answered by the engine below; the mocks themselves are never asked.
    const unused = () => {
        throw new Error("the offline engine answers the mock monitor's requests");
    };
    await pulumi.runtime.setMocks({ newResource: unused, call: unused }, options.project, options.stack, options.preview);
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike & { newUrn(parent: string, type: string, name: string): string };
    monitor.newUrn = (parent, type, name) => engine.urnOf(parent || undefined, type, name);
    const pulumiDir = pulumiDirOf(pulumi);
    answerWith(engine, monitor, protoModules(pulumiDir));

    // Registration failures surface as rejected promises nobody awaits; collect them for the duration of the run.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const lean = options.lean ?? !process.env.CELLULAR_DEBUG;
    const restore = lean ? lighten(pulumiDir) : () => undefined;
    try {
        const run = (async () => {
            try {
                await pulumi.runtime.runInPulumiStack(async () => program());
            } catch (err) {
                failures.unshift(err);
            }
            await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
            // Let rejections of the last registrations reach the handler.
            await new Promise(resolve => setImmediate(resolve));
        })();
        // A failed step ends the run, as the engine ends the deployment (the program may wait forever on its result).
        const failedStep = engine.failedStep.then(problem => new Promise<never>((_, reject) => setImmediate(() => reject(new OfflineAnswerError(problem)))));
        failedStep.catch(() => undefined);
        await withTimeout(Promise.race([run, failedStep]), options.timeoutMs, engine);
    } catch (err) {
        failures.unshift(err);
    } finally {
        process.off("unhandledRejection", onRejection);
        restore();
    }
    // A request the engine could not answer fails the run even when the program caught the error.
    const refused = engine.problems.map(p => new OfflineAnswerError(p));
    if (failures.length > 0 || refused.length > 0) throw new ProgramError(failures[0] ?? refused[0], engine.resources);
    return engine.capture();
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
