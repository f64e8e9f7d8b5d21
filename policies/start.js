// @ts-check
/**
 * The pack's entry point (package.json `main`), as the CLI's `run-policy-pack` requires it.
 *
 * `run-policy-pack` registers ts-node with type checking for every Node.js pack, so a TypeScript `main` is compiled
 * and type-checked on every `pulumi preview` (seconds). The root's `npm ci` builds the pack into bin/ (`npm run build`
 * here); this file loads bin/ when it was compiled from today's sources, and the sources themselves (the slow,
 * always-correct way) when a source changed since, or when CELLULAR_PACK_FROM_SOURCE=1. A stale bin/ is never run.
 */
"use strict";
const { COMPILED_MAIN, SOURCE_MAIN, compiledIsCurrent } = require("./build/sources");

const fromSource = process.env.CELLULAR_PACK_FROM_SOURCE === "1" || !compiledIsCurrent();
require(fromSource ? SOURCE_MAIN : COMPILED_MAIN);
