/**
 * The tracer's cold-start cost: each handler's bundle as deployed (Powertools Tracer and the X-Ray SDK, from
 * handlers/clients/tracing.ts) against the same handler bundled with that one module replaced by a pass-through
 * (same exports, no tracer), both loaded in a fresh Node.js process with the environment Lambda gives a traced
 * function (so the tracer does its start-up work: it patches http/https and fetch, and the X-Ray SDK sets up its
 * Lambda context). Samples are interleaved so drift on a shared machine hits both alike. Target: < 1.3x.
 *
 * And what the tracer costs every invocation after that: the X-Ray SDK keeps its context with cls-hooked, an async
 * hook that runs on every promise of the process; measured as the time of 200,000 awaits after loading each bundle.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILD_OPTIONS, HANDLERS_DIR, bundleHandler } from "../components/bundle";
import { buildRoutingTable } from "../handlers/lib/routing";
import { ROUTING_TABLE_FILE } from "../handlers/lib/routing-table";
import { BenchRow, median } from "./lib";

const ROOT = path.resolve(__dirname, "..");
const TARGET = 1.3;
export const HANDLERS = ["router", "cell-api", "queue-worker", "ingest"];

/** handlers/clients/tracing.ts without a tracer: the same exports, each passing through. */
const PASS_THROUGH = `
export const TRACE_ANNOTATIONS = { cell: "cell_id", tenant: "tenant_id", tenants: "tenant_ids", tenantCount: "tenant_count" };
export const ANNOTATION_VALUE_LIMIT = 1000;
export const tracer = { isTracingEnabled: () => false };
export const traced = <T>(client: T): T => client;
export const traceCell = (_cell: string): void => undefined;
export const traceTenant = (_tenant: string): void => undefined;
export const invocationAnnotations = () => ({});
export const inSubsegment = <T>(_name: string, _annotations: unknown, run: () => Promise<T>): Promise<T> => run();
export const tracedHandler = <H>(handler: H): H => handler;
`;

/** The environment Lambda gives one of the program's traced functions, and what the handlers read at load. */
function lambdaEnv(dir: string): Record<string, string> {
    return {
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", LAMBDA_TASK_ROOT: dir, _HANDLER: "index.handler",
        AWS_LAMBDA_FUNCTION_NAME: "cellular-dev-cell-a-api", AWS_REGION: "us-east-1", AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
        AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR", POWERTOOLS_SERVICE_NAME: "bench", POWERTOOLS_METRICS_NAMESPACE: "cellular",
        CELL_ID: "cell-a", TABLE_NAME: "cellular-dev-cell-a-data", BUCKET_NAME: "cellular-dev-cell-a-123456789012",
        DATA_ROLE_ARN: "arn:aws:iam::123456789012:role/cellular-dev-cell-a-tenant",
        FAILURE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/cellular-dev-cell-a-failures",
        TENANT_CLAIM: "tenant_id", ROUTING_TABLE_PATH: path.join(dir, ROUTING_TABLE_FILE),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
}

const AWAITS = 200_000;
const AWAIT_LOOP = `(async () => { require(FILE); const t = process.hrtime.bigint(); let x = 0; for (let i = 0; i < ${AWAITS}; i++) x += await Promise.resolve(i); ` +
    "process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6)); })()";

function loadMs(file: string, env: Record<string, string>, script = `const t = process.hrtime.bigint(); require(FILE); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`): number {
    script = script.replace("FILE", JSON.stringify(file));
    const out = execFileSync(process.execPath, ["-e", script], {
        env: { PATH: process.env.PATH ?? "", ...env, NODE_PATH: path.join(ROOT, "node_modules") },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return Number(out);
}

/** The handler's bundle with tracing.ts replaced by the pass-through. */
async function untracedBundle(handler: string): Promise<string> {
    const esbuild = require("esbuild") as typeof import("esbuild");
    const tracing = path.join(HANDLERS_DIR, "clients", "tracing.ts");
    const result = await esbuild.build({
        ...BUILD_OPTIONS,
        entryPoints: [path.join(HANDLERS_DIR, `${handler}.ts`)],
        absWorkingDir: ROOT,
        plugins: [{
            name: "no-tracer",
            setup(build) {
                build.onLoad({ filter: /[\\/]handlers[\\/]clients[\\/]tracing\.ts$/ }, args => {
                    if (path.resolve(args.path) !== tracing) return undefined;
                    return { contents: PASS_THROUGH, loader: "ts" };
                });
            },
        }],
    });
    return result.outputFiles![0]!.text;
}

export async function run(options: { samples?: number } = {}): Promise<BenchRow[]> {
    const samples = options.samples ?? 9;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellular-tracer-"));
    fs.writeFileSync(path.join(dir, ROUTING_TABLE_FILE), JSON.stringify(buildRoutingTable({
        mode: "invoke", pinned: {},
        cells: ["cell-a", "cell-b", "cell-c"].map(id => ({ id, state: "active" as const, functionName: `cellular-dev-${id}-api:live` })),
    })));
    const env = lambdaEnv(dir);
    const files: Array<{ handler: string; traced: string; untraced: string; kb: [number, number] }> = [];
    for (const handler of HANDLERS) {
        const traced = bundleHandler(handler).code;
        const untraced = await untracedBundle(handler);
        if (untraced.includes("aws-xray-sdk-core") || !traced.includes("AWS_XRAY_DAEMON_ADDRESS")) throw new Error(`${handler}: the two bundles do not differ by the tracer`);
        const t = path.join(dir, `${handler}.traced.js`);
        const u = path.join(dir, `${handler}.untraced.js`);
        fs.writeFileSync(t, traced);
        fs.writeFileSync(u, untraced);
        files.push({ handler, traced: t, untraced: u, kb: [Buffer.byteLength(traced) / 1024, Buffer.byteLength(untraced) / 1024] });
    }
    const times = new Map<string, number[]>(files.flatMap(f => [[f.traced, []], [f.untraced, []]]));
    const awaits = new Map<string, number[]>(files.slice(0, 1).flatMap(f => [[f.traced, []], [f.untraced, []]]));
    for (let i = 0; i < samples; i++) {
        for (const f of files) {
            times.get(f.untraced)!.push(loadMs(f.untraced, env));
            times.get(f.traced)!.push(loadMs(f.traced, env));
        }
        for (const file of awaits.keys()) awaits.get(file)!.push(loadMs(file, env, AWAIT_LOOP));
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const rows: BenchRow[] = [];
    const first = files[0]!;
    const awaitsWith = median(awaits.get(first.traced)!);
    const awaitsWithout = median(awaits.get(first.untraced)!);
    rows.push({
        group: "tracer", name: `${first.handler}: ${AWAITS.toLocaleString("en-US")} awaits after loading, with the tracer (cls-hooked's async hook)`,
        value: Number(awaitsWith.toFixed(1)), unit: "ms", baseline: { name: "the same bundle without the tracer", value: Number(awaitsWithout.toFixed(1)) },
    });
    rows.push({
        group: "tracer", name: `${first.handler}: the tracer's cost per await`, value: Number(((awaitsWith - awaitsWithout) / AWAITS * 1000).toFixed(2)), unit: "µs",
    });
    for (const f of files) {
        const traced = median(times.get(f.traced)!);
        const untraced = median(times.get(f.untraced)!);
        rows.push({
            group: "tracer", name: `${f.handler}: load with the tracer, in a fresh traced process`, value: Number(traced.toFixed(1)), unit: "ms",
            baseline: { name: "the same bundle without the tracer", value: Number(untraced.toFixed(1)) },
            target: `< ${TARGET}x`, pass: traced / untraced < TARGET,
        });
        rows.push({
            group: "tracer", name: `${f.handler}: bundle size with the tracer`, value: Number(f.kb[0].toFixed(1)), unit: "KB",
            baseline: { name: "without", value: Number(f.kb[1].toFixed(1)) },
        });
    }
    return rows;
}
