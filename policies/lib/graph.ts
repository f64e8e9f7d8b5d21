/**
 * The stack as a graph, for stack policies: which function a trigger, mapping, alias or config points at, which
 * role a function assumes, which queue feeds a mapping, which cell a resource belongs to.
 *
 * A reference is resolved from its value when the value is known (a name, an ARN, a queue URL), and otherwise
 * through the engine's property dependencies: during preview most ARNs are unknown, but the property that holds
 * one still depends on the resource it came from. So the graph-based rules decide at pull-request time.
 */
import { PolicyResource } from "@pulumi/policy";
import { iamName, parseFunctionRef, queueName } from "./arn";
import { CELL_ID_OUTPUT, CELL_TYPE } from "./facts";
import { AWS } from "./types";
import { Subject, UNKNOWN, Unknown, items, read, str } from "./values";

/** What a reference resolved to; `decided` is false when it is unknown and depends on no resource of the stack. */
export interface Resolution<T> {
    targets: T[];
    decided: boolean;
}

export interface FunctionTarget {
    fn: PolicyResource;
    /** The alias or version invoked, when the reference names one. */
    qualifier?: string | Unknown;
}

export function subject(r: PolicyResource): Subject {
    return { urn: r.urn, type: r.type, name: r.name, props: r.props };
}

export class StackGraph {
    readonly byUrn = new Map<string, PolicyResource>();
    /** The root `pulumi:pulumi:Stack`, which stack-wide violations are reported on. */
    readonly stack?: PolicyResource;
    private readonly byType = new Map<string, PolicyResource[]>();
    private functionsByName?: Map<string, PolicyResource[]>;
    /** Per type, its resources by known name and by known ARN (built on first use: lookups stay O(1) per value). */
    private readonly indexes = new Map<string, { byName: Map<string, PolicyResource[]>; byArn: Map<string, PolicyResource[]> }>();
    private functionsByRole?: Map<string, PolicyResource[]>;

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            const list = this.byType.get(r.type);
            if (list) list.push(r);
            else this.byType.set(r.type, [r]);
            if (r.type === "pulumi:pulumi:Stack" && !r.parent) this.stack = r;
        }
    }

    ofType(type: string): PolicyResource[] {
        return this.byType.get(type) ?? [];
    }

    /** The resources a property's value was computed from. */
    deps(r: PolicyResource, key: string): PolicyResource[] {
        return r.propertyDependencies[key] ?? [];
    }

    /** A resource's known `name`. */
    name(r: PolicyResource, key = "name"): string | undefined {
        const v = str(read(r.props, key));
        return typeof v === "string" ? v : undefined;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Functions
    // ---------------------------------------------------------------------------------------------------------

    functionNamed(name: string): PolicyResource[] {
        if (!this.functionsByName) {
            this.functionsByName = new Map();
            for (const fn of this.ofType(AWS.function)) {
                const names = new Set<string>();
                const n = this.name(fn);
                if (n) names.add(n);
                const arn = str(read(fn.props, "arn"));
                if (typeof arn === "string") {
                    const ref = parseFunctionRef(arn);
                    if (ref) names.add(ref.name);
                }
                for (const k of names) this.functionsByName.set(k, [...(this.functionsByName.get(k) ?? []), fn]);
            }
        }
        return this.functionsByName.get(name) ?? [];
    }

    /**
     * The functions a property refers to (a function, an alias of one, or their name or ARN), with the qualifier
     * invoked when there is one.
     */
    functions(r: PolicyResource, key: string, value: unknown = read(r.props, key)): Resolution<FunctionTarget> {
        const targets: FunctionTarget[] = [];
        if (typeof value === "string") {
            const ref = parseFunctionRef(value);
            if (ref) {
                for (const fn of this.functionNamed(ref.name)) targets.push({ fn, ...(ref.qualifier ? { qualifier: ref.qualifier } : {}) });
            }
            if (targets.length > 0) return { targets, decided: true };
        }
        for (const dep of this.deps(r, key)) {
            if (dep.type === AWS.function) targets.push({ fn: dep });
            else if (dep.type === AWS.alias) {
                const qualifier = str(read(dep.props, "name")) ?? UNKNOWN;
                for (const t of this.functions(dep, "functionName").targets) targets.push({ fn: t.fn, qualifier });
            }
        }
        // An unknown value that depends on resources of the stack, none of them a function, points at none.
        const decided = value !== UNKNOWN || this.deps(r, key).length > 0;
        return { targets: unique(targets, t => `${t.fn.urn}|${String(t.qualifier)}`), decided };
    }

    /** The functions that assume `role`. */
    functionsOfRole(role: PolicyResource): PolicyResource[] {
        if (!this.functionsByRole) {
            this.functionsByRole = new Map();
            for (const fn of this.ofType(AWS.function)) {
                for (const r of this.roles(fn, "role").targets) {
                    this.functionsByRole.set(r.urn, [...(this.functionsByRole.get(r.urn) ?? []), fn]);
                }
            }
        }
        return this.functionsByRole.get(role.urn) ?? [];
    }

    // ---------------------------------------------------------------------------------------------------------
    // IAM, queues, log groups
    // ---------------------------------------------------------------------------------------------------------

    /** The roles a property refers to (a role name or ARN, or a list of them). */
    roles(r: PolicyResource, key: string, value: unknown = read(r.props, key)): Resolution<PolicyResource> {
        return this.named(r, key, value, AWS.role, v => iamName(v, "role"));
    }

    /** The customer-managed policies of the stack a property refers to (a policy ARN or a list of them). */
    policies(r: PolicyResource, key: string, value: unknown): Resolution<PolicyResource> {
        return this.named(r, key, value, AWS.policy, v => iamName(v, "policy"));
    }

    /** The queues a property refers to (a queue ARN or URL). */
    queues(r: PolicyResource, key: string, value: unknown = read(r.props, key)): Resolution<PolicyResource> {
        return this.named(r, key, value, AWS.queue, queueName);
    }

    /** Resources of `type` matched by known name (values may be a list), else through the property's dependencies. */
    private named(r: PolicyResource, key: string, value: unknown, type: string,
        nameOf: (v: string) => string | undefined): Resolution<PolicyResource> {
        const values = items(value);
        const targets: PolicyResource[] = [];
        let unknown = false;
        for (const v of values) {
            if (v === UNKNOWN) {
                unknown = true;
                continue;
            }
            if (typeof v !== "string") continue;
            const name = nameOf(v);
            const index = this.index(type);
            if (name !== undefined) targets.push(...(index.byName.get(name) ?? []));
            targets.push(...(index.byArn.get(v) ?? []));
        }
        if (unknown || targets.length === 0) {
            for (const dep of this.deps(r, key)) if (dep.type === type) targets.push(dep);
        }
        return { targets: unique(targets, t => t.urn), decided: !unknown || this.deps(r, key).length > 0 };
    }

    private index(type: string): { byName: Map<string, PolicyResource[]>; byArn: Map<string, PolicyResource[]> } {
        let index = this.indexes.get(type);
        if (!index) {
            index = { byName: new Map(), byArn: new Map() };
            const add = (map: Map<string, PolicyResource[]>, key: string | undefined, r: PolicyResource) => {
                if (key !== undefined) map.set(key, [...(map.get(key) ?? []), r]);
            };
            for (const r of this.ofType(type)) {
                add(index.byName, this.name(r), r);
                const arn = str(read(r.props, "arn"));
                add(index.byArn, typeof arn === "string" ? arn : undefined, r);
            }
            this.indexes.set(type, index);
        }
        return index;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cells
    // ---------------------------------------------------------------------------------------------------------

    /** The cell a resource belongs to (through `parent`), with its id (the component's registered `cellId`). */
    cellOf(r: PolicyResource): { cell: PolicyResource; id: string | Unknown } | undefined {
        let current = r.parent;
        while (current) {
            if (current.type === CELL_TYPE) {
                const id = read(current.props, CELL_ID_OUTPUT);
                return { cell: current, id: id === UNKNOWN ? UNKNOWN : typeof id === "string" ? id : current.name };
            }
            current = current.parent;
        }
        return undefined;
    }
}

const graphs = new WeakMap<readonly PolicyResource[], StackGraph>();

/**
 * The graph of the resources a stack policy is given, built once per `args.resources` array: every caller given the
 * same array shares one graph and the indexes it builds on first use. Stack policies get their graph here and never
 * construct one, so how graphs are built and shared is decided in this one place.
 *
 * @pulumi/policy 1.21 deserializes the resources again for each stack policy of an AnalyzeStack call (a new array of
 * new objects each time), so each stack policy of the pack still gets a graph of its own.
 */
export function stackGraph(args: { readonly resources: readonly PolicyResource[] }): StackGraph {
    let graph = graphs.get(args.resources);
    if (!graph) {
        graph = new StackGraph(args.resources);
        graphs.set(args.resources, graph);
    }
    return graph;
}

/** `values` without repeats, the first of each `key` kept. */
export function unique<T>(values: T[], key: (v: T) => string): T[] {
    const seen = new Set<string>();
    return values.filter(v => {
        const k = key(v);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}
