/**
 * What the offline plan could not see, and so the policies could not judge: the plan lists these rather than let
 * a clean report pass for a complete one.
 *
 * - a multi-language (remote) component, such as `awsx.ec2.Vpc` or `@pulumi/aws-apigateway`'s `RestAPI`: its
 *   children are built by the component's plugin, which the plan does not run; the resources the program hands it
 *   are named, since the policies could not see what it does with them (a handler behind its API, say);
 * - a dynamic provider's resource: its `create` acts on the world and never runs offline, so its outputs are unknown;
 * - a resource read with `Resource.get` and no state in the answers file: the mock provider's assumed state.
 */
import { CapturedResource, Capture, Props } from "./captured";
import { DYNAMIC_TYPE } from "./engine";
import { OUTPUT_VALUE_SIG, RESOURCE_SIG, SIG_KEY } from "./policy-props";
import { displayType } from "./summary";

export interface BlindSpot {
    kind: "remote-component" | "dynamic-resource" | "assumed-read";
    urn: string;
    type: string;
    name: string;
    /** Why the policies could not judge it. */
    reason: string;
    /** The resources the program handed it (through its inputs), by URN. */
    given: string[];
}

/** The resources a wire value refers to: resource references, and the dependencies of output values. */
function referenced(value: unknown, into: Set<string>): Set<string> {
    if (value === null || typeof value !== "object") return into;
    if (Array.isArray(value)) {
        for (const v of value) referenced(v, into);
        return into;
    }
    const obj = value as Props;
    if (obj[SIG_KEY] === RESOURCE_SIG && typeof obj.urn === "string") into.add(obj.urn);
    if (obj[SIG_KEY] === OUTPUT_VALUE_SIG && Array.isArray(obj.dependencies)) for (const u of obj.dependencies) into.add(String(u));
    for (const v of Object.values(obj)) referenced(v, into);
    return into;
}

function label(r: CapturedResource): string {
    return `${displayType(r.type)} "${r.name}"`;
}

/** The blind spots of a capture, in registration order. */
export function blindSpots(capture: Capture): BlindSpot[] {
    const byUrn = new Map(capture.resources.map(r => [r.urn, r]));
    const spots: BlindSpot[] = [];
    for (const r of capture.resources) {
        const given = [...referenced(r.inputs, new Set(Object.values(r.propertyDependencies).flat()))].filter(u => byUrn.has(u) && u !== r.urn);
        const givenText = given.length ? `; it is given ${given.map(u => label(byUrn.get(u)!)).join(", ")}` : "";
        if (r.remote) {
            const plugin = r.type.split(":")[0];
            spots.push({ kind: "remote-component", urn: r.urn, type: r.type, name: r.name, given,
                reason: `a component of the ${plugin} plugin: its children are built by the plugin, which the offline plan does not run, ` +
                    `so the policies could not judge them${givenText}` });
        } else if (r.type === DYNAMIC_TYPE) {
            spots.push({ kind: "dynamic-resource", urn: r.urn, type: r.type, name: r.name, given,
                reason: "a dynamic provider's resource: its create runs only in a deployment, so what it returns is unknown offline" });
        } else if (r.read === "assumed") {
            spots.push({ kind: "assumed-read", urn: r.urn, type: r.type, name: r.name, given,
                reason: `read from the account (id ${JSON.stringify(r.id)}), which the plan cannot see: its state is the mock provider's ` +
                    "assumption; give the real one in an answers file (--answers)" });
        }
    }
    return spots;
}

/** The blind spots as text, or nothing when there are none. */
export function formatBlindSpots(spots: readonly BlindSpot[]): string {
    if (spots.length === 0) return "";
    return [`Not judged offline (${spots.length}):`, ...spots.map(s => `  - ${displayType(s.type)} "${s.name}": ${s.reason}`)].join("\n");
}
