/**
 * Bundles a handler (`handlers/<name>.ts`) with esbuild into the code of a Lambda function, at program time.
 *
 * - Once per handler per process, never once per cell: every cell's function shares the same bundle.
 * - Cached by content on disk (`.cellular/bundles`): a bundle is rebuilt only when one of the files that went
 *   into it changed, so a preview does not pay for esbuild when nothing changed.
 * - Deterministic: the same sources give byte-identical code, so Pulumi sees no diff on an unchanged handler.
 * - `@aws-sdk/*` stays external: the nodejs22.x runtime provides SDK v3 (this keeps the router bundle small).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { BuildOptions } from "esbuild";

export const HANDLERS_DIR = path.resolve(__dirname, "..", "handlers");
const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, ".cellular", "bundles");

/** esbuild options shared by every handler (also used by the benchmark to measure bundles). */
export const BUILD_OPTIONS: BuildOptions = {
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    mainFields: ["module", "main"],
    // Whitespace and syntax only: identifiers stay readable in stack traces; minifying further does not speed
    // up a cold start (see ../shared/notes/performance.md), and source maps would slow it down.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: "silent",
};

export interface Bundle {
    handler: string;
    /** The bundled JavaScript (`index.js` of the function's code). */
    code: string;
    /** sha256 of the code. */
    hash: string;
    /** Where it came from this time: built now, read from the disk cache, or already built in this process. */
    source: "built" | "disk" | "memory";
    /**
     * The content-addressed file holding the code (`.cellular/bundles/<handler>-<hash>.js`), when the cache is
     * writable. The function's archive points at it instead of carrying the code, so hundreds of functions do not
     * each hold (and serialise) their own copy of it.
     */
    file?: string;
}

interface CacheEntry {
    /** Input files (relative to the project root) and the sha256 of each. */
    inputs: Record<string, string>;
    hash: string;
}

function codeFile(handler: string, hash: string): string {
    return path.join(CACHE_DIR, `${handler}-${hash.slice(0, 16)}.js`);
}

const memory = new Map<string, Bundle>();

function sha256(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function readCache(handler: string): Bundle | undefined {
    const metaFile = path.join(CACHE_DIR, `${handler}.json`);
    try {
        const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as CacheEntry;
        for (const [file, digest] of Object.entries(meta.inputs)) {
            if (sha256(fs.readFileSync(path.join(ROOT, file))) !== digest) return undefined;
        }
        const file = codeFile(handler, meta.hash);
        const code = fs.readFileSync(file, "utf8");
        if (sha256(code) !== meta.hash) return undefined;
        return { handler, code, hash: meta.hash, source: "disk", file };
    } catch {
        return undefined;
    }
}

/** Writes the bundle to the cache and returns its file, or undefined when the cache is not writable. */
function writeCache(handler: string, bundle: Bundle, inputs: string[]): string | undefined {
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const entry: CacheEntry = {
            inputs: Object.fromEntries(inputs.map(f => [f, sha256(fs.readFileSync(path.join(ROOT, f)))])),
            hash: bundle.hash,
        };
        const file = codeFile(handler, bundle.hash);
        // Write then rename: a concurrent reader never sees half a file.
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, bundle.code);
        fs.renameSync(temporary, file);
        fs.writeFileSync(path.join(CACHE_DIR, `${handler}.json`), JSON.stringify(entry));
        return file;
    } catch {
        // A read-only checkout still works; it just rebuilds next time and carries the code inline.
        return undefined;
    }
}

/** Builds (or reuses) the bundle of `handlers/<handler>.ts`. */
export function bundleHandler(handler: string): Bundle {
    const cached = memory.get(handler);
    if (cached) return { ...cached, source: "memory" };
    const fromDisk = readCache(handler);
    if (fromDisk) {
        memory.set(handler, fromDisk);
        return fromDisk;
    }
    const entry = path.join(HANDLERS_DIR, `${handler}.ts`);
    if (!fs.existsSync(entry)) throw new Error(`no handler ${handler}: ${entry} does not exist`);
    // Loaded on first use: a program whose bundles are all cached never loads esbuild.
    const esbuild = require("esbuild") as typeof import("esbuild");
    const result = esbuild.buildSync({ ...BUILD_OPTIONS, entryPoints: [entry], absWorkingDir: ROOT });
    const code = result.outputFiles![0]!.text;
    const bundle: Bundle = { handler, code, hash: sha256(code), source: "built" };
    const file = writeCache(handler, bundle, Object.keys(result.metafile!.inputs));
    if (file) bundle.file = file;
    memory.set(handler, bundle);
    return bundle;
}

/**
 * The function code: the bundle as `index.js` (handler `index.handler`) plus any extra files, such as the
 * router's routing table.
 */
export function codeArchive(handler: string, extraFiles: Record<string, string> = {}): pulumi.asset.AssetArchive {
    const bundle = bundleHandler(handler);
    const assets: Record<string, pulumi.asset.Asset> = {
        "index.js": bundle.file ? new pulumi.asset.FileAsset(bundle.file) : new pulumi.asset.StringAsset(bundle.code),
    };
    for (const [name, content] of Object.entries(extraFiles)) assets[name] = new pulumi.asset.StringAsset(content);
    return new pulumi.asset.AssetArchive(assets);
}

/** Forgets the bundles built in this process (tests of the cache use it). */
export function clearBundleMemory(): void {
    memory.clear();
}
