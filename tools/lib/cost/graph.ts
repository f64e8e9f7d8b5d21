/**
 * The plan as a graph the estimator can walk: resources by URN and type, the cell each belongs to (through
 * `parent`, up to the cell component), and references between resources, resolved from a known value (a name, an
 * ARN, a queue URL) or, when the value is unknown in preview, through the engine's property dependencies.
 *
 * An adapter over what the capture records (tools/lib/capture.ts), typed structurally so this module needs neither
 * Pulumi nor the capture: the estimator works on any plan with these fields. Pure.
 */
import { CELL_ID_OUTPUT, CELL_TYPE } from "../../../components/type-tokens";
import { SHARED } from "./ledger";

/** The string the engine sends for a value not known yet (tools/lib/capture.ts's UNKNOWN; a test keeps both equal). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the estimator reads of a planned resource. */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    dependencies?: readonly string[];
    propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** The AWS type tokens the estimator reads. */
export const T = {
    provider: "pulumi:providers:aws",
    function: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    provisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    table: "aws:dynamodb/table:Table",
    queue: "aws:sqs/queue:Queue",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    bucketNotification: "aws:s3/bucketNotification:BucketNotification",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    kinesisStream: "aws:kinesis/stream:Stream",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    kmsKey: "aws:kms/key:Key",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    httpApi: "aws:apigatewayv2/api:Api",
    httpIntegration: "aws:apigatewayv2/integration:Integration",
    httpStage: "aws:apigatewayv2/stage:Stage",
    restApi: "aws:apigateway/restApi:RestApi",
    restIntegration: "aws:apigateway/integration:Integration",
    restStage: "aws:apigateway/stage:Stage",
    restAuthorizer: "aws:apigateway/authorizer:Authorizer",
    httpAuthorizer: "aws:apigatewayv2/authorizer:Authorizer",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPool: "aws:cognito/userPool:UserPool",
    userPoolClient: "aws:cognito/userPoolClient:UserPoolClient",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    ssmParameter: "aws:ssm/parameter:Parameter",
} as const;

/** A cell of the plan: its component and id. */
export interface CellRef {
    urn: string;
    id: string;
    /** `active` unless the component says `disabled`. */
    state: "active" | "disabled";
}

/** Pulumi wraps secrets in an object with a signature; the value inside is what the resource gets. */
const SIGNATURE = "4dabf18193072939515e22adb298388d";

function unwrap(value: unknown): unknown {
    if (typeof value === "object" && value !== null && SIGNATURE in value && "value" in value) return (value as { value: unknown }).value;
    return value;
}

/** Whether a value is known (given, and not the engine's sentinel). */
export function known(value: unknown): boolean {
    return value !== undefined && value !== UNKNOWN_VALUE;
}

/** A string value when known. */
export function knownString(value: unknown): string | undefined {
    const v = unwrap(value);
    return typeof v === "string" && v !== UNKNOWN_VALUE ? v : undefined;
}

/** A number value when known (numeric strings too, as the provider coerces them). */
export function knownNumber(value: unknown): number | undefined {
    const v = unwrap(value);
    if (typeof v === "number") return v;
    if (typeof v === "string" && v !== UNKNOWN_VALUE && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    return undefined;
}

/** A JSON document given as a string (or an object); undefined when unknown or not JSON. */
export function jsonOf(value: unknown): unknown {
    const v = unwrap(value);
    if (typeof v === "string") {
        if (v === UNKNOWN_VALUE) return undefined;
        try {
            return JSON.parse(v) as unknown;
        } catch {
            return undefined;
        }
    }
    return v;
}

/** The value at a path of a resource's inputs. */
export function inputAt(r: PlanResource, ...path: Array<string | number>): unknown {
    let current: unknown = r.inputs;
    for (const key of path) {
        current = unwrap(current);
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<string | number, unknown>)[key];
    }
    return unwrap(current);
}

// ---------------------------------------------------------------------------------------------------------------
// Names from references (a name, an ARN, a URL)
// ---------------------------------------------------------------------------------------------------------------

/** A Lambda function's name from its name, (qualified) ARN or API Gateway invoke ARN. */
export function functionNameOf(ref: string): string | undefined {
    const invoke = /:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(ref);
    if (invoke) return functionNameOf(invoke[1]!);
    const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(ref);
    if (arn) return arn[1];
    return ref.includes(":") || ref.includes("/") ? undefined : ref;
}

/** The name in an ARN whose resource part is `<prefix><name>` (`stream/`, `table/`, ...) or just `<name>`. */
function arnResource(ref: string, service: string, prefix = ""): string | undefined {
    const m = new RegExp(`^arn:[^:]+:${service}:[^:]*:[^:]*:${prefix.replace("/", "\\/")}([^:/]+)`).exec(ref);
    return m ? m[1] : undefined;
}

export function queueNameOf(ref: string): string | undefined {
    const url = /^https:\/\/sqs\.[^/]+\/\d+\/([^/]+)$/.exec(ref);
    if (url) return url[1];
    return arnResource(ref, "sqs") ?? (ref.includes(":") || ref.includes("/") ? undefined : ref);
}

export function topicNameOf(ref: string): string | undefined {
    return arnResource(ref, "sns");
}

export function streamNameOf(ref: string): string | undefined {
    return arnResource(ref, "kinesis", "stream/");
}

export function tableNameOf(ref: string): string | undefined {
    return arnResource(ref, "dynamodb", "table/");
}

export function logGroupNameOf(ref: string): string | undefined {
    const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)/.exec(ref);
    if (m) return m[1];
    return ref.startsWith("arn:") ? undefined : ref;
}

export function ruleNameOf(ref: string): string | undefined {
    return arnResource(ref, "events", "rule/") ?? (ref.startsWith("arn:") ? undefined : ref);
}

/** What a physical name is held in, by type. */
const NAME_KEY: Record<string, string> = {
    [T.bucket]: "bucket",
    [T.bucketV2]: "bucket",
    [T.dashboard]: "dashboardName",
};

// ---------------------------------------------------------------------------------------------------------------
// The graph
// ---------------------------------------------------------------------------------------------------------------

export class PlanGraph {
    readonly byUrn = new Map<string, PlanResource>();
    private readonly byType = new Map<string, PlanResource[]>();
    private readonly byName = new Map<string, Map<string, PlanResource[]>>();
    private readonly cellCache = new Map<string, CellRef | undefined>();

    constructor(readonly resources: readonly PlanResource[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            const list = this.byType.get(r.type);
            if (list) list.push(r);
            else this.byType.set(r.type, [r]);
        }
    }

    ofType(type: string): PlanResource[] {
        return this.byType.get(type) ?? [];
    }

    /** The types the plan holds, in the order they first appear. */
    types(): string[] {
        return [...this.byType.keys()];
    }

    /** A resource's physical name, when given and known. */
    nameOf(r: PlanResource): string | undefined {
        return knownString(r.inputs[NAME_KEY[r.type] ?? "name"]);
    }

    /** The resources of `type` with physical name `name`. */
    named(type: string, name: string): PlanResource[] {
        let index = this.byName.get(type);
        if (!index) {
            index = new Map();
            for (const r of this.ofType(type)) {
                const n = this.nameOf(r);
                if (n !== undefined) index.set(n, [...(index.get(n) ?? []), r]);
            }
            this.byName.set(type, index);
        }
        return index.get(name) ?? [];
    }

    /** The resources a property's value was computed from. */
    deps(r: PlanResource, key: string): PlanResource[] {
        return (r.propertyDependencies?.[key] ?? []).map(u => this.byUrn.get(u)).filter((d): d is PlanResource => d !== undefined);
    }

    /**
     * The resources of one of `types` a property refers to: by the known value's name (`nameOf` reads it from a name,
     * ARN or URL), else through the property's dependencies.
     */
    refs(r: PlanResource, key: string, types: readonly string[], nameOf: (ref: string) => string | undefined, value: unknown = inputAt(r, key)): PlanResource[] {
        const found: PlanResource[] = [];
        const ref = knownString(value);
        if (ref !== undefined) {
            const name = nameOf(ref);
            if (name !== undefined) for (const type of types) found.push(...this.named(type, name));
        }
        if (found.length === 0) found.push(...this.deps(r, key).filter(d => types.includes(d.type)));
        return [...new Set(found)];
    }

    /** The first resource of one of `types` a property refers to. */
    ref(r: PlanResource, key: string, types: readonly string[], nameOf: (ref: string) => string | undefined, value?: unknown): PlanResource | undefined {
        return this.refs(r, key, types, nameOf, ...(value === undefined ? [] : [value]))[0];
    }

    /** The function a property refers to: a function, an alias of one, or their name or ARN. */
    functionRef(r: PlanResource, key: string, value: unknown = inputAt(r, key)): PlanResource | undefined {
        const direct = this.refs(r, key, [T.function], functionNameOf, value)[0];
        if (direct) return direct;
        const alias = this.deps(r, key).find(d => d.type === T.alias);
        return alias ? this.functionRef(alias, "functionName") : undefined;
    }

    /** The cell a resource belongs to (through `parent`), or undefined outside every cell. */
    cellOf(r: PlanResource): CellRef | undefined {
        if (this.cellCache.has(r.urn)) return this.cellCache.get(r.urn);
        let found: CellRef | undefined;
        let current: PlanResource | undefined = r;
        while (current) {
            if (current.type === CELL_TYPE) {
                const id = current.outputs?.[CELL_ID_OUTPUT];
                found = { urn: current.urn, id: typeof id === "string" ? id : current.name, state: current.outputs?.state === "disabled" ? "disabled" : "active" };
                break;
            }
            current = current.parent ? this.byUrn.get(current.parent) : undefined;
        }
        this.cellCache.set(r.urn, found);
        return found;
    }

    /** Who a resource's charges belong to: its cell's id, or {@link SHARED}. */
    owner(r: PlanResource): string {
        return this.cellOf(r)?.id ?? SHARED;
    }

    /** The cells, in registration order. */
    cells(): CellRef[] {
        return this.ofType(CELL_TYPE).map(c => this.cellOf(c)!);
    }

    /** The stack's region: the AWS provider's (the default provider carries `aws:region`). */
    region(): string | undefined {
        for (const p of this.ofType(T.provider)) {
            const region = knownString(p.inputs.region);
            if (region) return region;
        }
        return undefined;
    }
}
