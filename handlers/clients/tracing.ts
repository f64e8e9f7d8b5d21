/**
 * The one X-Ray tracer of a function (Powertools Tracer, created when the bundle loads), and what every handler's
 * trace says about where it ran and for whom, as searchable annotations:
 *
 * | annotation     | value                                                             | filter expression                       |
 * |----------------|-------------------------------------------------------------------|-----------------------------------------|
 * | `cell_id`      | the cell of a cell function (`CELL_ID`), the target cell (router) | `annotation.cell_id = "cell-a"`         |
 * | `tenant_id`    | the tenant, when the invocation served exactly one                | `annotation.tenant_id = "acme"`         |
 * | `tenant_ids`   | every tenant the invocation served, `,a,b,` (a batch has several) | `annotation.tenant_ids CONTAINS ",acme,"` |
 * | `tenant_count` | how many tenants that is (more than `tenant_ids` can hold: cut)   | `annotation.tenant_count > 1`           |
 * | `ColdStart`, `Service` | Powertools' own                                           |                                         |
 *
 * They sit on the handler's subsegment `## index.handler` (Lambda owns the function's segment, which takes no
 * annotations). Only tenants a handler has validated are noted, so no value of a request reaches a trace. The
 * response is never recorded (it holds customers' items), and an error only by its class, with its message for
 * this project's own log-safe errors, as the logs do (lib/log-safe.ts).
 *
 * Off outside Lambda (Powertools needs `AWS_EXECUTION_ENV`) and when `POWERTOOLS_TRACE_ENABLED` is `false`: then
 * every function here passes through, and the tracer is not even loaded. Loading it costs every later `await` of the
 * process: the X-Ray SDK keeps its context with cls-hooked, an async hook on every promise (bench/tracer.ts measures
 * it), which a test process or a tool that loads a handler must not pay.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { Subsegment } from "aws-xray-sdk-core";
import { errorFields } from "../lib/log-safe";
import { ENV } from "../lib/table";

export const TRACE_ANNOTATIONS = {
    cell: "cell_id",
    tenant: "tenant_id",
    tenants: "tenant_ids",
    tenantCount: "tenant_count",
} as const;

/** X-Ray keeps up to 1,000 characters of an annotation's value (and 50 annotations per trace). */
export const ANNOTATION_VALUE_LIMIT = 1000;

/**
 * Whether Powertools would trace here, by its own rule (Tracer's setTracingEnabled): in Lambda (`AWS_EXECUTION_ENV`),
 * not in SAM local or Amplify's mock, and not with `POWERTOOLS_TRACE_ENABLED=false`.
 */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
    const executionEnv = env.AWS_EXECUTION_ENV ?? "";
    if ((env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() === "false") return false;
    return executionEnv !== "" && executionEnv !== "AWS_Lambda_amplify-mock" && (env.AWS_SAM_LOCAL ?? "") === "";
}

/**
 * The function's tracer, or undefined where it would be off: the service name is `POWERTOOLS_SERVICE_NAME`, which the
 * program sets on every function.
 */
export const tracer: Tracer | undefined = tracingWanted()
    // Loaded only where it traces (see above); esbuild bundles it all the same.
    ? new (require("@aws-lambda-powertools/tracer") as typeof import("@aws-lambda-powertools/tracer")).Tracer()
    : undefined;

/** What one invocation noted for its trace. */
interface InvocationTrace {
    cell: string | undefined;
    tenants: Set<string>;
}

const invocation = new AsyncLocalStorage<InvocationTrace>();

/** An SDK v3 client whose calls are subsegments and carry the trace header (so a Lambda it invokes joins the trace). */
export function traced<T>(client: T): T {
    return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The cell this invocation works for, when it is not the function's own (the router: the cell it routes to). */
export function traceCell(cellId: string): void {
    const current = invocation.getStore();
    if (current !== undefined) current.cell = cellId;
}

/** A tenant this invocation serves (a validated customer id: it becomes a searchable annotation). */
export function traceTenant(tenant: string): void {
    invocation.getStore()?.tenants.add(tenant);
}

/** The annotations of an invocation's handler subsegment. */
export function invocationAnnotations(trace: InvocationTrace): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    if (trace.cell !== undefined) out[TRACE_ANNOTATIONS.cell] = trace.cell;
    const tenants = [...trace.tenants].sort();
    if (tenants.length === 0) return out;
    if (tenants.length === 1) out[TRACE_ANNOTATIONS.tenant] = tenants[0]!;
    let list = ",";
    for (const tenant of tenants) {
        if (list.length + tenant.length + 1 > ANNOTATION_VALUE_LIMIT) break;
        list += `${tenant},`;
    }
    out[TRACE_ANNOTATIONS.tenants] = list;
    out[TRACE_ANNOTATIONS.tenantCount] = tenants.length;
    return out;
}

/** An error as a trace may keep it: its class, and its message only when the message is log-safe. */
function traceableError(err: unknown): Error {
    const fields = errorFields(err);
    const safe = new Error(fields.errorMessage ?? fields.errorType);
    safe.name = fields.errorType;
    const frames = err instanceof Error && typeof err.stack === "string" ? err.stack.split("\n").filter(l => /^\s+at /.test(l)) : [];
    safe.stack = [`${safe.name}: ${safe.message}`, ...frames].join("\n");
    return safe;
}

/**
 * `run` in a subsegment of its own (`name`), annotated: the SDK calls it makes become its children. The router's
 * invoke of a cell is one (`cell_id` of the target).
 */
export async function inSubsegment<T>(name: string, annotations: Record<string, string | number>, run: () => Promise<T>): Promise<T> {
    if (!tracer?.isTracingEnabled()) return run();
    return tracer.provider.captureAsyncFunc(name, async (subsegment?: Subsegment) => {
        for (const [key, value] of Object.entries(annotations)) subsegment?.addAnnotation(key, value);
        try {
            return await run();
        } catch (err) {
            subsegment?.addError(traceableError(err));
            throw err;
        } finally {
            subsegment?.close();
        }
    }) as Promise<T>;
}

/**
 * A Lambda handler traced as Powertools' `captureLambdaHandler` does (`## <_HANDLER>` with ColdStart and Service),
 * plus the cell (`CELL_ID`, or what {@link traceCell} set) and the tenants {@link traceTenant} noted.
 */
export function tracedHandler<E, C, R>(handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
    const on = tracer;
    if (!on?.isTracingEnabled()) return handler;
    const functionCell = process.env[ENV.cellId] || undefined;
    return (event, context) => {
        const trace: InvocationTrace = { cell: functionCell, tenants: new Set() };
        return invocation.run(trace, () => on.provider.captureAsyncFunc(`## ${process.env._HANDLER ?? "index.handler"}`, async (subsegment?: Subsegment) => {
            on.annotateColdStart();
            on.addServiceNameAnnotation();
            try {
                return await handler(event, context);
            } catch (err) {
                subsegment?.addError(traceableError(err));
                throw err;
            } finally {
                for (const [key, value] of Object.entries(invocationAnnotations(trace))) subsegment?.addAnnotation(key, value);
                subsegment?.close();
            }
        }) as Promise<R>);
    };
}
