/**
 * Handler bundles: size, and the time a fresh Node.js process takes to load each one (what a cold start pays
 * before the handler runs), against a hello-world handler measured in the same run. `@aws-sdk/*` is external, as
 * on the nodejs22.x runtime; here it resolves from the project's node_modules.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleHandler } from "../components/bundle";
import { buildRoutingTable } from "../handlers/lib/routing";
import { ROUTING_TABLE_FILE } from "../handlers/lib/routing-table";
import { BenchRow, median } from "./lib";

const ROOT = path.resolve(__dirname, "..");
export const HANDLERS = ["router", "cell-api", "queue-worker", "stream-processor", "ingest", "scheduled", "notifier", "failure-handler"];
const HELLO = "exports.handler = async () => ({ statusCode: 200, body: \"hello\" });\n";

/** Milliseconds to require `file` in a fresh process, measured inside it (process start-up excluded). */
/** What the program sets on the functions, so each module loads as it does on Lambda. */
const FUNCTION_ENV = { CELL_ID: "cell-a", TABLE_NAME: "cellular-dev-cell-a-data", BUCKET_NAME: "cellular-dev-cell-a-123456789012", AWS_REGION: "us-east-1", POWERTOOLS_METRICS_NAMESPACE: "cellular" };

function loadMs(file: string): number {
    const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
    const out = execFileSync(process.execPath, ["-e", script], {
        env: { ...process.env, ...FUNCTION_ENV, NODE_PATH: path.join(ROOT, "node_modules") },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return Number(out);
}

export async function run(options: { samples?: number } = {}): Promise<BenchRow[]> {
    const samples = options.samples ?? 7;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellular-bundles-"));
    const hello = path.join(dir, "hello.js");
    fs.writeFileSync(hello, HELLO);
    // The router reads its routing table from its own directory, as on Lambda.
    fs.writeFileSync(path.join(dir, ROUTING_TABLE_FILE), JSON.stringify(buildRoutingTable({
        mode: "invoke", pinned: {},
        cells: ["cell-a", "cell-b", "cell-c"].map(id => ({ id, state: "active" as const, functionName: `cellular-dev-${id}-api:live` })),
    })));
    const files = new Map<string, string>([["hello world", hello]]);
    const sizes = new Map<string, number>([["hello world", Buffer.byteLength(HELLO)]]);
    for (const handler of HANDLERS) {
        const bundle = bundleHandler(handler);
        const file = path.join(dir, `${handler}.js`);
        fs.writeFileSync(file, bundle.code);
        files.set(handler, file);
        sizes.set(handler, Buffer.byteLength(bundle.code));
        // The same AWS SDK packages alone: what the runtime's SDK costs any handler that uses them.
        const sdk = [...new Set([...bundle.code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map(m => m[1]!))].sort();
        const sdkFile = path.join(dir, `${handler}.sdk-only.js`);
        fs.writeFileSync(sdkFile, sdk.map(p => `require(${JSON.stringify(p)});`).join("\n") + "\n");
        files.set(`${handler} (its AWS SDK packages only)`, sdkFile);
    }
    // Interleave the samples so drift on a shared machine hits every bundle alike.
    const times = new Map<string, number[]>([...files.keys()].map(k => [k, []]));
    for (let i = 0; i < samples; i++) for (const [name, file] of files) times.get(name)!.push(loadMs(file));
    fs.rmSync(dir, { recursive: true, force: true });

    const helloMs = median(times.get("hello world")!);
    const rows: BenchRow[] = [];
    for (const handler of HANDLERS) {
        const kb = sizes.get(handler)! / 1024;
        const ms = median(times.get(handler)!);
        rows.push({
            group: "bundles", name: `${handler}: size`, value: Number(kb.toFixed(1)), unit: "KB",
            // Most of it is the X-Ray SDK the tracer needs (~180 KB with semver); what that costs a cold start is the
            // tracer group's ratio (bench/tracer.ts).
            ...(handler === "router" ? { target: "< 300 KB: it sits in front of every cell", pass: kb < 300 } : {}),
        });
        rows.push({
            group: "bundles", name: `${handler}: load in a fresh process`, value: Number(ms.toFixed(1)), unit: "ms",
            baseline: { name: "hello world", value: Number(helloMs.toFixed(2)) },
        });
        rows.push({
            group: "bundles", name: `${handler}: load, against its AWS SDK packages alone`, value: Number(ms.toFixed(1)), unit: "ms",
            baseline: { name: "the same @aws-sdk/* requires", value: Number(median(times.get(`${handler} (its AWS SDK packages only)`)!).toFixed(1)) },
        });
    }
    return rows;
}
