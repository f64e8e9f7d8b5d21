import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PACK = path.resolve(__dirname, "..", "..", "policies");

interface Sources {
    compiledIsCurrent(dir?: string): boolean;
    sourcesFingerprint(dir?: string): string;
    sourceFiles(dir?: string): string[];
}
const sources = require("../../policies/build/sources") as Sources;

/** A copy of the pack's sources and its build files (no node_modules), to change without touching the real one. */
function copyPack(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    for (const file of sources.sourceFiles()) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(PACK, file), path.join(dir, file));
    }
    fs.cpSync(path.join(PACK, "build"), path.join(dir, "build"), { recursive: true });
    fs.copyFileSync(path.join(PACK, "start.js"), path.join(dir, "start.js"));
    return dir;
}

/** Fakes a build: bin/index.js that records it ran, and the stamp of the copy's sources. */
function fakeBuild(dir: string): void {
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    fs.writeFileSync(path.join(dir, "bin", "index.js"), `globalThis.__packLoaded = "compiled";\n`);
    fs.writeFileSync(path.join(dir, "bin", ".sources.sha256"), sources.sourcesFingerprint(dir) + "\n");
}

/** Runs the copy's start.js as run-policy-pack requires the pack (its directory), and says what it loaded. */
function start(dir: string, env: Record<string, string | undefined> = {}): string {
    fs.writeFileSync(path.join(dir, "index.ts"), `globalThis.__packLoaded = "sources";\n`);
    // index.ts changed: the copy's stamp must follow, or every run would see it as a changed source.
    const stamp = path.join(dir, "bin", ".sources.sha256");
    if (fs.existsSync(stamp) && env.keepStamp !== "1") fs.writeFileSync(stamp, sources.sourcesFingerprint(dir) + "\n");
    const saved = process.env.CELLULAR_PACK_FROM_SOURCE;
    if (env.CELLULAR_PACK_FROM_SOURCE) process.env.CELLULAR_PACK_FROM_SOURCE = env.CELLULAR_PACK_FROM_SOURCE;
    else delete process.env.CELLULAR_PACK_FROM_SOURCE;
    const g = globalThis as { __packLoaded?: string };
    delete g.__packLoaded;
    try {
        for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key];
        require(dir);
        return g.__packLoaded ?? "nothing";
    } finally {
        if (saved === undefined) delete process.env.CELLULAR_PACK_FROM_SOURCE;
        else process.env.CELLULAR_PACK_FROM_SOURCE = saved;
    }
}

describe("the policy pack starts from its compiled JavaScript", () => {
    it("is required through start.js, as run-policy-pack requires a pack's directory", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { main: string; scripts: Record<string, string> };
        assert.equal(manifest.main, "start.js");
        assert.equal(require.resolve(PACK), path.join(PACK, "start.js"));
        assert.equal(manifest.scripts.build, "tsc -p tsconfig.json && node build/stamp.js");
        const root = JSON.parse(fs.readFileSync(path.join(PACK, "..", "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.equal(root.scripts.postinstall, "npm ci --prefix policies --no-audit --no-fund && npm run -s build --prefix policies");
    });

    it("fingerprints every source of the pack and nothing of this repository's scripts", () => {
        const files = sources.sourceFiles();
        for (const f of ["index.ts", "policies.ts", "lib/facts.ts", "tsconfig.json", "package.json"]) assert.ok(files.includes(f), f);
        assert.ok(!files.some(f => f.startsWith("scripts/") || f.startsWith("bin/") || f.startsWith("node_modules/")), files.join(", "));
    });

    it("loads bin/ when it was compiled from today's sources", () => {
        const dir = copyPack();
        fakeBuild(dir);
        assert.equal(start(dir), "compiled");
    });

    it("loads the sources when one changed since the build, so a stale bin/ never runs", () => {
        const dir = copyPack();
        fakeBuild(dir);
        fs.appendFileSync(path.join(dir, "lib", "facts.ts"), "\n// changed\n");
        assert.equal(sources.compiledIsCurrent(dir), false);
        assert.equal(start(dir, { keepStamp: "1" }), "sources");
    });

    it("loads the sources when nothing was built, and when CELLULAR_PACK_FROM_SOURCE=1", () => {
        const dir = copyPack();
        assert.equal(start(dir), "sources");
        fakeBuild(dir);
        assert.equal(start(dir, { CELLULAR_PACK_FROM_SOURCE: "1" }), "sources");
    });
});
