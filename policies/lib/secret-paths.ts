/**
 * Which properties of a resource hold Pulumi secrets. The engine sends a policy pack each resource with its secrets
 * marked (MarshalOptions KeepSecrets), but @pulumi/policy unwraps them before a policy sees `args.props`, so a policy
 * cannot ask whether a value is a secret (pulumi/pulumi-policy#241, open). This module keeps that knowledge: it wraps
 * the SDK's `deserializeProperties` (the function its Analyze handler calls for every resource) to record, for each
 * properties object it returns, the paths at which the wire form held a secret.
 *
 * When the SDK no longer has that function (a version this pack was not tested with), nothing is recorded and
 * {@link isSecretAt} answers undefined: the policies then fall back to what the values say.
 */

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The key of @pulumi/policy's unknown-checking proxy that returns the object it wraps. */
const PROXY_TARGET = "__getSpecialProxyTarget";

type Path = readonly string[];

const secretPaths = new WeakMap<object, Path[]>();

/** The paths of `value` (a properties object in the engine's wire form) at which a secret is. */
export function findSecretPaths(value: unknown, at: string[] = [], into: Path[] = []): Path[] {
    if (value === null || typeof value !== "object") return into;
    const obj = value as Record<string, unknown>;
    if (!Array.isArray(value) && obj[SIG_KEY] === SECRET_SIG) {
        into.push(at);
        return into;
    }
    for (const [k, v] of Object.entries(obj)) findSecretPaths(v, [...at, k], into);
    return into;
}

interface DeserializeModule {
    deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean): Record<string, unknown>;
}

function install(): boolean {
    let module: DeserializeModule;
    try {
        module = require("@pulumi/policy/deserialize") as DeserializeModule;
    } catch {
        return false;
    }
    if (typeof module.deserializeProperties !== "function") return false;
    const original = module.deserializeProperties;
    if ((original as { recordsSecrets?: boolean }).recordsSecrets) return true;
    const recording = (struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean) => {
        const props = original(struct, proxySecrets);
        if (props !== null && typeof props === "object") secretPaths.set(props, findSecretPaths(struct.toJavaScript()));
        return props;
    };
    module.deserializeProperties = Object.assign(recording, { recordsSecrets: true });
    return true;
}

const installed = install();

/**
 * Whether the value at `path` of a resource's props (as a policy receives them) is, or is inside, a Pulumi secret;
 * undefined when the pack cannot tell (the props were not deserialized by the wrapped SDK function).
 */
export function isSecretAt(props: unknown, path: Path): boolean | undefined {
    if (!installed || props === null || typeof props !== "object") return undefined;
    const target = ((props as Record<string, unknown>)[PROXY_TARGET] ?? props) as object;
    const paths = secretPaths.get(target);
    if (!paths) return undefined;
    return paths.some(p => p.length <= path.length && p.every((k, i) => path[i] === k));
}
