/**
 * The engine's two gRPC services, as a program's language SDK reaches them under the CLI: `ResourceMonitor`
 * (registrations, reads, invokes, calls) and `Engine` (logs, the root resource), served on one local port and
 * answered by an {@link OfflineEngine}.
 *
 * Features are announced as the engine announces them, except those the offline engine does not implement
 * (transforms, invoke transforms, resource and error hooks): the SDK then refuses to use them with its own message
 * ("The Pulumi CLI does not support transforms..."). Every request counts as activity, and requests in flight are
 * named, so a run that stops answering can say what it was waiting for.
 */
import * as path from "path";
import type * as grpcModule from "@grpc/grpc-js";
import { OfflineAnswerError, OfflineEngine } from "./engine";
import { readRequest, readResponse, registerRequest, registerResponse, toStruct, WireModules } from "./wire";

type Message = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Callback = (err: Partial<grpcModule.ServiceError> | null, response?: Message) => void;

const PROTO_DIR = path.dirname(require.resolve("@pulumi/pulumi/proto/resource_pb.js"));
const resourcePb = require(path.join(PROTO_DIR, "resource_pb.js")) as Message;
const resourceGrpc = require(path.join(PROTO_DIR, "resource_grpc_pb.js")) as Message;
const enginePb = require(path.join(PROTO_DIR, "engine_pb.js")) as Message;
const providerPb = require(path.join(PROTO_DIR, "provider_pb.js")) as Message;
const engineGrpc = require(path.join(PROTO_DIR, "engine_grpc_pb.js")) as Message;
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PROTO_DIR] })) as typeof grpcModule;
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [PROTO_DIR] })) as Message;
const emptyPb = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [PROTO_DIR] })) as Message;
const WIRE: WireModules = { resource: resourcePb, struct: structPb };

/** What the monitor says it supports, by the SDK's feature names. */
const FEATURES: Record<string, boolean> = {
    secrets: true,
    resourceReferences: true,
    outputValues: true,
    deletedWith: true,
    replaceWith: true,
    aliasSpecs: true,
    parameterization: true,
    transforms: false,
    invokeTransforms: false,
    resourceHooks: false,
    errorHooks: false,
};

/** gRPC message size the CLI allows (400 MB). */
const MAX_MESSAGE = 1024 * 1024 * 400;

export type LogSeverity = "debug" | "info" | "warning" | "error";
const SEVERITIES: LogSeverity[] = ["debug", "info", "warning", "error"];

/** A message the program logged to the engine (`pulumi.log.*`, or the SDK reporting an unhandled error). */
export interface EngineLog {
    severity: LogSeverity;
    message: string;
    /** The resource it is about; the root stack when the program gave none. */
    urn?: string;
}

export class MonitorServer {
    readonly logs: EngineLog[] = [];
    /** When the program last asked the engine anything (ms since the epoch). */
    lastActivity = Date.now();
    private readonly inFlight = new Map<number, string>();
    private nextCall = 0;

    private constructor(readonly engine: OfflineEngine, private readonly server: grpcModule.Server, readonly address: string) {}

    /** Serves the engine on 127.0.0.1 (a free port). */
    static async start(engine: OfflineEngine): Promise<MonitorServer> {
        const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE, "grpc.max_send_message_length": MAX_MESSAGE });
        const port = await new Promise<number>((resolve, reject) => {
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
        });
        const monitor = new MonitorServer(engine, server, `127.0.0.1:${port}`);
        server.addService(resourceGrpc.ResourceMonitorService, monitor.resourceMonitor());
        server.addService(engineGrpc.EngineService, monitor.engineService());
        return monitor;
    }

    /** What the program is waiting on: the requests the engine has not answered yet. */
    pending(): string[] {
        return [...this.inFlight.values()];
    }

    async close(): Promise<void> {
        await new Promise<void>(resolve => this.server.tryShutdown(() => resolve()));
        this.server.forceShutdown();
    }

    /** Runs one request: records it as in flight, answers it, turns an engine refusal into the error the SDK reports. */
    private handle(what: string, cb: Callback, answer: () => Message): void {
        const id = this.nextCall++;
        this.lastActivity = Date.now();
        this.inFlight.set(id, what);
        try {
            cb(null, answer());
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            cb({ code: err instanceof OfflineAnswerError ? grpc.status.FAILED_PRECONDITION : grpc.status.UNKNOWN, details: message, message });
        } finally {
            this.inFlight.delete(id);
        }
    }

    private resourceMonitor(): Record<string, (call: { request: Message }, cb: Callback) => void> {
        const engine = this.engine;
        return {
            supportsFeature: (call, cb) => this.handle("SupportsFeature", cb, () => {
                const resp = new resourcePb.SupportsFeatureResponse();
                resp.setHassupport(FEATURES[call.request.getId()] ?? false);
                return resp;
            }),
            registerResource: (call, cb) => {
                const req = call.request;
                this.handle(`the registration of ${req.getType()} "${req.getName()}"`, cb, () => registerResponse(WIRE, engine.register(registerRequest(req))));
            },
            registerResourceOutputs: (call, cb) => this.handle("RegisterResourceOutputs", cb, () => {
                engine.registerOutputs(call.request.getUrn(), call.request.getOutputs()?.toJavaScript() ?? {});
                return new emptyPb.Empty();
            }),
            readResource: (call, cb) => {
                const req = call.request;
                this.handle(`the read of ${req.getType()} "${req.getName()}"`, cb, () => readResponse(WIRE, engine.read(readRequest(req))));
            },
            invoke: (call, cb) => {
                const req = call.request;
                this.handle(`the invoke ${req.getTok()}`, cb, () => {
                    const result = engine.invoke(req.getTok(), req.getArgs()?.toJavaScript() ?? {}, req.getProvider() || undefined);
                    const resp = new providerPb.InvokeResponse();
                    resp.setReturn(toStruct(WIRE, result));
                    return resp;
                });
            },
            call: (call, cb) => this.handle(`the call ${call.request.getTok()}`, cb, () => engine.call(call.request.getTok())),
            registerPackage: (call, cb) => this.handle("RegisterPackage", cb, () => {
                const resp = new resourcePb.RegisterPackageResponse();
                resp.setRef(`offline-${call.request.getName()}-${call.request.getVersion()}`);
                return resp;
            }),
            signalAndWaitForShutdown: (_call, cb) => this.handle("SignalAndWaitForShutdown", cb, () => new emptyPb.Empty()),
        };
    }

    private engineService(): Record<string, (call: { request: Message }, cb: Callback) => void> {
        return {
            log: (call, cb) => this.handle("Log", cb, () => {
                const req = call.request;
                const severity = SEVERITIES[req.getSeverity()] ?? "info";
                if (severity !== "debug") this.logs.push({ severity, message: req.getMessage(), ...(req.getUrn() ? { urn: req.getUrn() } : {}) });
                return new emptyPb.Empty();
            }),
            getRootResource: (_call, cb) => this.handle("GetRootResource", cb, () => {
                const resp = new enginePb.GetRootResourceResponse();
                resp.setUrn(this.engine.root);
                return resp;
            }),
            setRootResource: (call, cb) => this.handle("SetRootResource", cb, () => {
                this.engine.setRoot(call.request.getUrn());
                return new enginePb.SetRootResourceResponse();
            }),
            requirePulumiVersion: (_call, cb) => this.handle("RequirePulumiVersion", cb, () => new enginePb.RequirePulumiVersionResponse()),
        };
    }
}
