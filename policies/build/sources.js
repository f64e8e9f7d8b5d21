// @ts-check
/**
 * The pack's TypeScript sources and their fingerprint: what `npm run build` compiled into bin/, and what start.js
 * compares before it loads bin/ instead of the sources. Plain JavaScript, because it runs before anything compiles.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** The pack's own directory (policies/). */
const PACK_DIR = path.resolve(__dirname, "..");
/** Where `npm run build` puts the compiled pack (tsconfig.json's outDir). */
const BIN_DIR = path.join(PACK_DIR, "bin");
/** The fingerprint of the sources bin/ was compiled from, written after a successful build. */
const STAMP_FILE = path.join(BIN_DIR, ".sources.sha256");
/** The compiled entry point. */
const COMPILED_MAIN = path.join(BIN_DIR, "index.js");
/** The TypeScript entry point (run through ts-node, as `run-policy-pack` registers it). */
const SOURCE_MAIN = path.join(PACK_DIR, "index.ts");
/** The folders the pack's sources live in (scripts/ are tools of this repository, not part of the pack). */
const SOURCE_DIRS = ["", "lib"];

/** Every file that decides what the compiled pack does: its .ts sources, its compiler options, its package.json. */
function sourceFiles(dir = PACK_DIR) {
    const files = [];
    for (const sub of SOURCE_DIRS) {
        const folder = path.join(dir, sub);
        const walk = (d) => {
            for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
                const full = path.join(d, entry.name);
                if (entry.isDirectory()) {
                    if (sub !== "") walk(full);
                } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                    files.push(full);
                }
            }
        };
        if (fs.existsSync(folder)) walk(folder);
    }
    files.push(path.join(dir, "tsconfig.json"), path.join(dir, "package.json"));
    return files.map(f => path.relative(dir, f).split(path.sep).join("/")).sort();
}

/** SHA-256 over each source's relative path and content: equal exactly when no source changed. */
function sourcesFingerprint(dir = PACK_DIR) {
    const hash = crypto.createHash("sha256");
    for (const file of sourceFiles(dir)) {
        hash.update(file).update("\0").update(fs.readFileSync(path.join(dir, file))).update("\0");
    }
    return hash.digest("hex");
}

/** Whether bin/ holds the compilation of today's sources (false when it is missing or older). */
function compiledIsCurrent(dir = PACK_DIR) {
    const stamp = path.join(dir, path.relative(PACK_DIR, STAMP_FILE));
    const main = path.join(dir, path.relative(PACK_DIR, COMPILED_MAIN));
    if (!fs.existsSync(stamp) || !fs.existsSync(main)) return false;
    return fs.readFileSync(stamp, "utf8").trim() === sourcesFingerprint(dir);
}

module.exports = { PACK_DIR, BIN_DIR, STAMP_FILE, COMPILED_MAIN, SOURCE_MAIN, sourceFiles, sourcesFingerprint, compiledIsCurrent };
