// @ts-check
/** Records which sources bin/ was compiled from; `npm run build` runs it after tsc succeeded. */
"use strict";
const fs = require("fs");
const { STAMP_FILE, sourcesFingerprint } = require("./sources");

fs.writeFileSync(STAMP_FILE, sourcesFingerprint() + "\n");
