/**
 * The SDK's resource-monitor messages, as the offline engine reads and answers them: the same generated protobuf
 * classes whether the program talks over gRPC (tools/lib/monitor-server.ts) or to Pulumi's in-process mock monitor
 * (tools/lib/capture.ts), so both transports convert them here.
 */
import { LifecycleOptions, Props } from "./captured";
import { ReadRequest, RegisterRequest, Response } from "./engine";

type Message = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The generated classes a response is built with (`resource_pb.js`) and the Struct of google-protobuf. */
export interface WireModules {
    resource: Message;
    struct: { Struct: { fromJavaScript(value: Props): unknown } };
}

function propertyDependencies(map: Message): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    map.forEach((v: Message, k: string) => {
        out[k] = v.getUrnsList();
    });
    return out;
}

/** JSON-safe (undefined dropped), as a protobuf Struct must be. */
export function toStruct(modules: WireModules, value: Props): unknown {
    return modules.struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Props);
}

/** A `RegisterResourceRequest` as the engine takes it. */
export function registerRequest(req: Message): RegisterRequest {
    return {
        type: req.getType(), name: req.getName(), parent: req.getParent() || undefined,
        custom: req.getCustom(), remote: req.getRemote(), provider: req.getProvider() || undefined,
        version: req.getVersion() || undefined, dependencies: req.getDependenciesList(),
        propertyDependencies: propertyDependencies(req.getPropertydependenciesMap()),
        inputs: req.getObject()?.toJavaScript() ?? {}, importId: req.getImportid() || undefined,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        options: lifecycleOf(req),
    };
}

/** The options of a registration that decide what an update or a destroy does to the resource (only those set). */
function lifecycleOf(req: Message): LifecycleOptions {
    const options: LifecycleOptions = {};
    if (req.getProtect()) options.protect = true;
    if (req.getRetainondelete()) options.retainOnDelete = true;
    if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
    if (req.getIgnorechangesList().length > 0) options.ignoreChanges = req.getIgnorechangesList();
    if (req.getReplaceonchangesList().length > 0) options.replaceOnChanges = req.getReplaceonchangesList();
    return options;
}

/**
 * The engine's answer as a `RegisterResourceResponse`: outputs it cannot compute in an update come with a result
 * other than success, so that the SDK keeps them unknown instead of resolving them as undefined.
 */
export function registerResponse(modules: WireModules, result: Response): Message {
    const response = new modules.resource.RegisterResourceResponse();
    response.setUrn(result.urn);
    response.setId(result.id);
    response.setObject(toStruct(modules, result.outputs));
    if (result.unknowns) response.setResult(modules.resource.Result.SKIP);
    return response;
}

/** A `ReadResourceRequest` as the engine takes it. */
export function readRequest(req: Message): ReadRequest {
    return {
        type: req.getType(), name: req.getName(), id: req.getId(), parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined, version: req.getVersion() || undefined,
        dependencies: req.getDependenciesList(), properties: req.getProperties()?.toJavaScript() ?? {},
    };
}

export function readResponse(modules: WireModules, result: Response): Message {
    const response = new modules.resource.ReadResourceResponse();
    response.setUrn(result.urn);
    response.setProperties(toStruct(modules, result.outputs));
    return response;
}
