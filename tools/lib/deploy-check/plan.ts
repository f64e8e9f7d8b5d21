/**
 * The plan as the deploy check reads it: the captured resources (tools/lib/capture.ts `CapturedResource` has this
 * shape), indexed by URN and type, with the questions rules ask of it: which resources an input refers to, which
 * resource has a physical name or an ARN, and whether one resource waits for another. Pure.
 */
import { at, known, parseJson, Props } from "./values";

/** What the check reads of a captured resource. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    /** Inputs as registered: unknown values are the engine's sentinel. */
    inputs: Props;
    /** What the provider returned (update mode: ARNs and ids too). */
    outputs?: Props;
    /** Every resource this one waits for (dependsOn and the resources its inputs came from). */
    dependencies: readonly string[];
    /** The resources each input came from. */
    propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** The input that holds each type's physical name, where it is not `name`. */
const NAME_INPUT: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:apigateway/stage:Stage": "stageName",
};

/** ARN service (and resource prefix) → the type that ARN names and how its name appears in the ARN. */
const ARN_TYPES: Array<{ service: string; type: string; name: (resource: string) => string | undefined }> = [
    { service: "sqs", type: "aws:sqs/queue:Queue", name: r => r },
    { service: "sns", type: "aws:sns/topic:Topic", name: r => r },
    { service: "lambda", type: "aws:lambda/function:Function", name: r => /^function:([^:]+)/.exec(r)?.[1] },
    { service: "events", type: "aws:cloudwatch/eventBus:EventBus", name: r => /^event-bus\/(.+)$/.exec(r)?.[1] },
    { service: "kinesis", type: "aws:kinesis/stream:Stream", name: r => /^stream\/(.+)$/.exec(r)?.[1] },
    { service: "dynamodb", type: "aws:dynamodb/table:Table", name: r => /^table\/([^/]+)/.exec(r)?.[1] },
    { service: "logs", type: "aws:cloudwatch/logGroup:LogGroup", name: r => /^log-group:([^:]+)/.exec(r)?.[1] },
    { service: "iam", type: "aws:iam/role:Role", name: r => /^role\/(?:.*\/)?([^/]+)$/.exec(r)?.[1] },
    { service: "iam", type: "aws:iam/policy:Policy", name: r => /^policy\/(?:.*\/)?([^/]+)$/.exec(r)?.[1] },
    { service: "s3", type: "aws:s3/bucket:Bucket", name: r => r.split("/")[0] },
];

export class Plan {
    readonly byUrn: ReadonlyMap<string, PlannedResource>;
    private readonly types = new Map<string, PlannedResource[]>();
    private readonly names = new Map<string, Map<string, PlannedResource>>();
    private readonly memo = new Map<string, unknown>();

    constructor(readonly resources: readonly PlannedResource[]) {
        this.byUrn = new Map(resources.map(r => [r.urn, r]));
        for (const r of resources) {
            const list = this.types.get(r.type);
            if (list) list.push(r);
            else this.types.set(r.type, [r]);
        }
    }

    /** A value derived from the whole plan, built once per plan (rules share indexes this way). */
    cached<T>(key: string, build: () => T): T {
        if (!this.memo.has(key)) this.memo.set(key, build());
        return this.memo.get(key) as T;
    }

    /** A JSON input parsed (once per plan: several rules read each policy document), undefined when it is not JSON. */
    json(text: string): unknown {
        const parsed = this.cached("json", () => new Map<string, unknown>());
        if (!parsed.has(text)) parsed.set(text, parseJson(text));
        return parsed.get(text);
    }

    ofType(type: string): readonly PlannedResource[] {
        return this.types.get(type) ?? [];
    }

    /** The resources an input of `resource` came from (its property dependencies), of one type if given. */
    referenced(resource: PlannedResource, input: string, type?: string): PlannedResource[] {
        const urns = resource.propertyDependencies[input] ?? [];
        return urns.map(u => this.byUrn.get(u)).filter((r): r is PlannedResource => r !== undefined && (type === undefined || r.type === type));
    }

    /** The physical name of a resource, when it is known (the input that names its type). */
    physicalName(resource: PlannedResource): string | undefined {
        const value = at(resource.inputs, NAME_INPUT[resource.type] ?? "name");
        return typeof value === "string" && known(value) ? value : undefined;
    }

    /** The resource of `type` whose physical name is `name`. */
    named(type: string, name: string): PlannedResource | undefined {
        let index = this.names.get(type);
        if (!index) {
            index = new Map();
            for (const r of this.ofType(type)) {
                const physical = this.physicalName(r);
                if (physical !== undefined && !index.has(physical)) index.set(physical, r);
            }
            this.names.set(type, index);
        }
        return index.get(name);
    }

    /**
     * The resource an ARN names: by its `arn` output where the provider returned one (update mode), else by the
     * physical name the ARN carries (names are known at preview, ARNs of new resources are not).
     */
    byArn(arn: string): PlannedResource | undefined {
        const parts = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.+)$/.exec(arn);
        if (!parts) return undefined;
        const service = parts[1]!;
        const rest = parts[2]!;
        for (const { service: s, type, name } of ARN_TYPES) {
            if (s !== service) continue;
            const byOutput = this.cached(`arns:${type}`, () => new Map(this.ofType(type)
                .filter(r => typeof r.outputs?.arn === "string").map(r => [r.outputs!.arn as string, r]))).get(arn);
            if (byOutput) return byOutput;
            const physical = name(rest);
            const byName = physical === undefined ? undefined : this.named(type, physical);
            if (byName) return byName;
        }
        return undefined;
    }

    /** The resources `resource` waits for directly: its dependsOn and the resources its inputs came from. */
    private direct(resource: PlannedResource): string[] {
        return [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
    }

    /** True when `resource` waits for `other`, directly or through the resources it waits for. */
    dependsOn(resource: PlannedResource, other: PlannedResource): boolean {
        const seen = new Set<string>();
        const stack = [resource];
        while (stack.length > 0) {
            for (const urn of this.direct(stack.pop()!)) {
                if (urn === other.urn) return true;
                if (seen.has(urn)) continue;
                seen.add(urn);
                const next = this.byUrn.get(urn);
                if (next) stack.push(next);
            }
        }
        return false;
    }
}
