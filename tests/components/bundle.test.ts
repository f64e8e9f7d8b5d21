import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";
import { BUILD_OPTIONS, bundleHandler, clearBundleMemory, HANDLERS_DIR } from "../../components/bundle";
import { shippedStack } from "../fixtures/stack";

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ROOT, ".cellular", "bundles");

describe("handler bundles", () => {
    it("are deterministic: two builds of the same sources give the same bytes", async () => {
        const once = async () => (await build({ ...BUILD_OPTIONS, entryPoints: [path.join(HANDLERS_DIR, "router.ts")], absWorkingDir: ROOT })).outputFiles![0]!.text;
        const [a, b] = [await once(), await once()];
        assert.equal(a, b);
        assert.equal(bundleHandler("router").code, a);
    });

    it("keep @aws-sdk out of the bundle (the runtime provides it) and never pull in Pulumi", () => {
        for (const handler of ["router", "cell-api", "queue-worker"]) {
            const { code } = bundleHandler(handler);
            assert.ok(/require\("@aws-sdk\//.test(code), handler);
            assert.ok(!code.includes("@pulumi/pulumi"), handler);
        }
    });

    it("are built once per process, then read from the cache while their sources are unchanged", () => {
        const first = bundleHandler("notifier");
        assert.equal(bundleHandler("notifier").source, "memory");
        clearBundleMemory();
        const again = bundleHandler("notifier");
        assert.equal(again.source, "disk");
        assert.equal(again.hash, first.hash);
        assert.equal(again.file, path.join(CACHE, `notifier-${first.hash.slice(0, 16)}.js`));
        assert.equal(createHash("sha256").update(fs.readFileSync(again.file!)).digest("hex"), first.hash);
    });

    it("are rebuilt when one of the files that went into them changed", () => {
        bundleHandler("scheduled");
        const metaFile = path.join(CACHE, "scheduled.json");
        const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as { inputs: Record<string, string>; hash: string };
        const [input] = Object.keys(meta.inputs);
        assert.ok(input, "the cache records the bundle's inputs");
        // As if the file had changed since the bundle was cached.
        meta.inputs[input] = "0".repeat(64);
        fs.writeFileSync(metaFile, JSON.stringify(meta));
        clearBundleMemory();
        const rebuilt = bundleHandler("scheduled");
        assert.equal(rebuilt.source, "built");
        assert.equal(rebuilt.hash, meta.hash);
        clearBundleMemory();
        assert.equal(bundleHandler("scheduled").source, "disk");
    });

    it("are shared by every cell: one code file per handler in the whole stack", async () => {
        const dev = await shippedStack("dev");
        const codeOf = new Map<string, Set<string>>();
        for (const fn of dev.ofType("aws:lambda/function:Function")) {
            const kind = (fn.inputs.name as string).replace(/^cellular-dev-(cell-[a-z]-)?/, "");
            const code = fn.inputs.code as { assets: Record<string, { path?: string; text?: string }> };
            const file = code.assets["index.js"]!.path ?? code.assets["index.js"]!.text!;
            codeOf.set(kind, new Set([...(codeOf.get(kind) ?? []), file]));
        }
        assert.deepEqual([...codeOf.keys()].sort(), ["api", "failure-handler", "ingest", "kinesis-stream", "notifier", "queue-worker", "router", "scheduled", "table-stream", "token-claims"]);
        for (const [kind, files] of codeOf) assert.equal(files.size, 1, kind);
        // The two stream consumers run the same handler: the same file.
        assert.deepEqual(codeOf.get("table-stream"), codeOf.get("kinesis-stream"));
    });
});
