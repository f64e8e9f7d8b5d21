import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const DIR = path.resolve(__dirname, "..", "..", "..", "tools", "lib", "deploy-check");

describe("tools/lib/deploy-check", () => {
    it("is pure: its files import only each other (no Pulumi, no capture, no AWS client), so any capture-shaped plan can be checked", () => {
        for (const file of fs.readdirSync(DIR).filter(f => f.endsWith(".ts"))) {
            const imports = ts.preProcessFile(fs.readFileSync(path.join(DIR, file), "utf8"), true, true).importedFiles.map(i => i.fileName);
            for (const spec of imports) assert.match(spec, /^\.\/[a-z-]+$/, `${file} imports ${spec}`);
        }
    });
});
