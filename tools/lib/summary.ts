/**
 * Turns a capture into the plan's report: resources grouped by cell (through `parent`, up to the
 * `cellular:index:Cell` component), counts per cell and in total, and the key settings of each resource.
 */
import { CELL_ID_OUTPUT, CELL_TYPE } from "../../components/type-tokens";
import { ancestor, Capture, CapturedResource, UNKNOWN, indexByUrn } from "./capture";

export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    /** The physical name when it is known (given as an input). */
    physicalName?: string;
    settings: string;
    custom: boolean;
}

export interface CellGroup {
    /** The cell id, or "shared" for resources outside every cell. */
    id: string;
    wave?: number;
    state?: string;
    /** The cell's event sources, as the cell registered them. */
    eventSources?: string[];
    resources: PlannedResource[];
}

export interface PlanSummary {
    project: string;
    stack: string;
    mode: "preview" | "update";
    groups: CellGroup[];
    totals: { resources: number; custom: number; components: number; cells: number; byType: Record<string, number> };
}

function known(value: unknown): boolean {
    return value !== undefined && value !== UNKNOWN;
}

function val(value: unknown, unit = ""): string {
    if (value === UNKNOWN) return "(unknown)";
    if (value === undefined || value === null) return "-";
    return `${typeof value === "object" ? JSON.stringify(value) : String(value)}${unit}`;
}

function parseMaybeJson(value: unknown): unknown {
    if (typeof value !== "string" || value === UNKNOWN) return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** A one-line description of what matters about a resource. */
export function keySettings(r: CapturedResource): string {
    const i = r.inputs;
    const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? v as Record<string, unknown> : {});
    switch (r.type) {
        case "aws:lambda/function:Function": {
            const parts = [`memory ${val(i.memorySize ?? 128, " MB")}`, `timeout ${val(i.timeout ?? 3, " s")}`,
                `reserved ${i.reservedConcurrentExecutions === undefined ? "-" : val(i.reservedConcurrentExecutions)}`,
                `${val(i.runtime)} ${val((i.architectures as unknown[] | undefined)?.[0] ?? "x86_64")}`];
            if (obj(i.tracingConfig).mode) parts.push(`tracing ${val(obj(i.tracingConfig).mode)}`);
            if (i.publish) parts.push("published");
            if (obj(i.vpcConfig).subnetIds) parts.push("in VPC");
            return parts.join(", ");
        }
        case "aws:lambda/alias:Alias":
            return `alias ${val(i.name)}`;
        case "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig":
            return `provisioned ${val(i.provisionedConcurrentExecutions)} on ${val(i.qualifier)}`;
        case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
            const d = obj(i.destinationConfig);
            return [`retries ${val(i.maximumRetryAttempts)}`, `max age ${val(i.maximumEventAgeInSeconds, " s")}`,
                `on failure ${known(obj(d.onFailure).destination) ? val(obj(d.onFailure).destination) : obj(d.onFailure).destination === UNKNOWN ? "(unknown until created)" : "-"}`,
                ...(d.onSuccess ? ["on success set"] : [])].join(", ");
        }
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            const parts = [`batch ${val(i.batchSize)}`];
            if (i.maximumBatchingWindowInSeconds !== undefined) parts.push(`window ${val(i.maximumBatchingWindowInSeconds, " s")}`);
            if (i.startingPosition !== undefined) parts.push(`from ${val(i.startingPosition)}`);
            if (i.maximumRetryAttempts !== undefined) parts.push(`retries ${val(i.maximumRetryAttempts)}`);
            if (i.bisectBatchOnFunctionError) parts.push("bisect");
            if (i.parallelizationFactor !== undefined) parts.push(`parallel ${val(i.parallelizationFactor)}`);
            if (Array.isArray(i.functionResponseTypes)) parts.push((i.functionResponseTypes as string[]).join("+"));
            if (obj(obj(i.destinationConfig).onFailure).destinationArn !== undefined) parts.push("on-failure destination");
            if (i.filterCriteria) parts.push("filtered");
            return parts.join(", ");
        }
        case "aws:lambda/permission:Permission":
            return `${val(i.action)} for ${val(i.principal)}${i.sourceArn !== undefined ? ", sourceArn" : ""}${i.sourceAccount !== undefined ? ", sourceAccount" : ""}`;
        case "aws:dynamodb/table:Table": {
            const parts = [val(i.billingMode ?? "PROVISIONED")];
            if (obj(i.pointInTimeRecovery).enabled) parts.push("PITR");
            if (obj(i.serverSideEncryption).enabled) parts.push("SSE");
            if (i.streamEnabled) parts.push(`stream ${val(i.streamViewType)}`);
            if (obj(i.ttl).enabled) parts.push(`TTL ${val(obj(i.ttl).attributeName)}`);
            return parts.join(", ");
        }
        case "aws:sqs/queue:Queue": {
            const parts = [`visibility ${val(i.visibilityTimeoutSeconds ?? 30, " s")}`, `retention ${val(i.messageRetentionSeconds ?? 345600, " s")}`];
            if (i.fifoQueue) parts.push("FIFO");
            if (i.sqsManagedSseEnabled || i.kmsMasterKeyId) parts.push("encrypted");
            const redrive = parseMaybeJson(i.redrivePolicy);
            if (redrive === UNKNOWN) parts.push("redrive (unknown)");
            else if (redrive) parts.push(`redrive after ${val(obj(redrive).maxReceiveCount)}`);
            return parts.join(", ");
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return `retention ${val(i.retentionInDays, " days")}`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const queries = Array.isArray(i.metricQueries) ? i.metricQueries as Array<Record<string, unknown>> : [];
            const expression = queries.find(q => q.returnData === true)?.expression;
            const subject = expression !== undefined ? `${val(expression)} over ${queries.length - 1} metrics` : `${val(i.namespace)}/${val(i.metricName)}`;
            return `${subject} ${i.comparisonOperator === "GreaterThanOrEqualToThreshold" ? ">=" : val(i.comparisonOperator)} ${val(i.threshold)}`;
        }
        case "aws:cloudwatch/eventRule:EventRule":
            return `${val(i.scheduleExpression ?? i.eventPattern)}`;
        case "aws:cloudwatch/eventTarget:EventTarget":
            return [`retries ${val(obj(i.retryPolicy).maximumRetryAttempts)}`, obj(i.deadLetterConfig).arn !== undefined ? "DLQ" : "no DLQ"].join(", ");
        case "aws:sns/topic:Topic":
            return i.kmsMasterKeyId !== undefined ? "encrypted" : "not encrypted";
        case "aws:sns/topicSubscription:TopicSubscription":
            return `${val(i.protocol)}${i.redrivePolicy !== undefined ? ", redrive" : ""}`;
        case "aws:kinesis/stream:Stream":
            return `${val(i.shardCount)} shard(s), retention ${val(i.retentionPeriod ?? 24, " h")}${i.encryptionType === "KMS" ? ", encrypted" : ""}`;
        case "aws:iam/role:Role": {
            const trust = parseMaybeJson(i.assumeRolePolicy);
            if (trust === UNKNOWN) return "trust policy unknown in preview";
            const principals = (Array.isArray(obj(trust).Statement) ? obj(trust).Statement as unknown[] : [])
                .map(st => obj(obj(st).Principal).Service).flat().filter(Boolean);
            return principals.length ? `trusts ${principals.join(", ")}` : "";
        }
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws:iam/policy:Policy": {
            const doc = parseMaybeJson(i.policy);
            if (doc === UNKNOWN) return "document unknown in preview";
            const statements = obj(doc).Statement;
            return Array.isArray(statements) ? `${statements.length} statement(s)` : "";
        }
        case "aws:apigatewayv2/api:Api":
            return `${val(i.protocolType)} API`;
        case "aws:apigatewayv2/stage:Stage":
        case "aws:apigateway/stage:Stage": {
            const s = obj(i.defaultRouteSettings ?? {});
            return `stage${s.throttlingRateLimit !== undefined ? `, throttle ${val(s.throttlingRateLimit)}/s burst ${val(s.throttlingBurstLimit)}` : ""}${i.accessLogSettings ? ", access logs" : ""}`;
        }
        case "aws:apigatewayv2/route:Route":
            return val(i.routeKey);
        case "aws:apigatewayv2/integration:Integration":
            return `${val(i.integrationType)}, timeout ${val(i.timeoutMilliseconds ?? 30000, " ms")}`;
        case "aws:s3/bucket:Bucket":
            return "";
        case "aws:ssm/parameter:Parameter":
            return `${val(i.type)} ${val(i.value)}`;
        default:
            return "";
    }
}

function physicalName(r: CapturedResource): string | undefined {
    for (const key of ["name", "bucket", "dashboardName", "alarmName"]) {
        const v = r.inputs[key];
        if (typeof v === "string" && v !== UNKNOWN) return v;
    }
    return undefined;
}

/** The `cellular:index:Cell` a resource belongs to (itself, or an ancestor through `parent`), if any. */
export function cellComponentOf(byUrn: Map<string, CapturedResource>, r: CapturedResource): CapturedResource | undefined {
    return r.type === CELL_TYPE ? r : ancestor(byUrn, r, a => a.type === CELL_TYPE);
}

export function summarise(capture: Capture): PlanSummary {
    const byUrn = indexByUrn(capture.resources);
    const groups = new Map<string, CellGroup>();
    const cellOf = (r: CapturedResource) => cellComponentOf(byUrn, r);
    // Cells first, in registration order; shared resources last.
    for (const r of capture.resources) {
        if (r.type === CELL_TYPE) {
            const cellId = r.outputs[CELL_ID_OUTPUT];
            const id = typeof cellId === "string" ? cellId : r.name;
            const wave = typeof r.outputs.wave === "number" ? r.outputs.wave : undefined;
            const state = typeof r.outputs.state === "string" ? r.outputs.state : undefined;
            const sources = Array.isArray(r.outputs.eventSources) ? (r.outputs.eventSources as unknown[]).filter((s): s is string => typeof s === "string") : undefined;
            groups.set(r.urn, { id, ...(wave === undefined ? {} : { wave }), ...(state === undefined ? {} : { state }),
                ...(sources === undefined ? {} : { eventSources: sources }), resources: [] });
        }
    }
    const shared: CellGroup = { id: "shared", resources: [] };
    const byType: Record<string, number> = {};
    let custom = 0;
    for (const r of capture.resources) {
        const cell = cellOf(r);
        const group = cell ? groups.get(cell.urn)! : shared;
        const physical = physicalName(r);
        group.resources.push({
            type: r.type, name: r.name, urn: r.urn, ...(r.parent ? { parent: r.parent } : {}),
            ...(physical ? { physicalName: physical } : {}), settings: keySettings(r), custom: r.custom,
        });
        byType[r.type] = (byType[r.type] ?? 0) + 1;
        if (r.custom) custom++;
    }
    return {
        project: capture.project,
        stack: capture.stack,
        mode: capture.preview ? "preview" : "update",
        groups: [...groups.values(), shared],
        totals: {
            resources: capture.resources.length,
            custom,
            components: capture.resources.length - custom,
            cells: groups.size,
            byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
        },
    };
}

/** `aws:lambda/function:Function` as the TypeScript class reads: `aws.lambda.Function`. */
export function displayType(type: string): string {
    if (type.startsWith("pulumi:")) return type;
    const m = /^([^:]+):([^/:]+)(?:\/[^:]*)?:(.+)$/.exec(type);
    if (!m) return type;
    return m[2] === "index" ? `${m[1]}.${m[3]}` : `${m[1]}.${m[2]}.${m[3]}`;
}

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** The plan as text: one block per cell (type, logical name, physical name, key settings), then the totals. */
export function formatSummary(s: PlanSummary): string {
    const lines: string[] = [];
    const modeText = s.mode === "preview" ? "preview: outputs of new resources are unknown, as in `pulumi preview`"
        : "update: outputs as `pulumi up` would see them";
    lines.push(`Plan for ${s.project}/${s.stack} (${modeText})`);
    lines.push("");
    const typeWidth = Math.max(...s.groups.flatMap(g => g.resources.map(r => displayType(r.type).length)), 10) + 2;
    const nameWidth = Math.min(40, Math.max(...s.groups.flatMap(g => g.resources.map(r => r.name.length)), 10)) + 2;
    for (const g of s.groups) {
        if (g.resources.length === 0) continue;
        const attrs = [g.wave !== undefined ? `wave ${g.wave}` : undefined, g.state].filter(Boolean).join(", ");
        const sources = g.eventSources === undefined ? "" : `; event sources: ${g.eventSources.length > 0 ? g.eventSources.join(", ") : "none"}`;
        lines.push(`${g.id === "shared" ? "shared (outside every cell)" : `cell ${g.id}`}${attrs ? ` (${attrs})` : ""}: ${g.resources.length} resources${sources}`);
        const ordered = [...g.resources].sort((a, b) => displayType(a.type).localeCompare(displayType(b.type)) || a.name.localeCompare(b.name));
        for (const r of ordered) {
            const detail = [r.physicalName, r.settings].filter(Boolean).join(" | ");
            lines.push(`  ${pad(displayType(r.type), typeWidth)}${pad(r.name, nameWidth)}${detail}`.trimEnd());
        }
        lines.push("");
    }
    const cellGroups = s.groups.filter(g => g.id !== "shared");
    const shared = s.groups.find(g => g.id === "shared")!;
    lines.push(`Resources per cell: ${cellGroups.map(g => `${g.id} ${g.resources.length}`).join(", ") || "none"}`);
    lines.push(`Total: ${s.totals.resources} resources (${s.totals.custom} custom, ${s.totals.components} components): ` +
        `${s.totals.cells} cells with ${cellGroups.reduce((n, g) => n + g.resources.length, 0)}, shared ${shared.resources.length}`);
    lines.push("By type:");
    for (const [type, count] of Object.entries(s.totals.byType)) lines.push(`  ${pad(displayType(type), typeWidth)}${count}`);
    return lines.join("\n");
}
