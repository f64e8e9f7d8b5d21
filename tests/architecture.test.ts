import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** Every .ts file under `dir` (relative to the root), without node_modules. */
function sources(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
            const rel = path.join(d, entry.name);
            if (entry.isDirectory()) {
                if (entry.name !== "node_modules" && entry.name !== "bin") walk(rel);
            } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                out.push(rel);
            }
        }
    };
    walk(dir);
    return out.sort();
}

/** What a file imports (type-only imports too): project files as root-relative paths, packages by name. */
function importsOf(file: string): { files: string[]; packages: string[] } {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const files: string[] = [];
    const packages: string[] = [];
    for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith(".")) {
            packages.push(fileName);
            continue;
        }
        const base = path.join(path.dirname(file), fileName);
        // A .js file is the policy pack's build helpers (policies/build/), which run before anything compiles.
        const resolved = [`${base}.ts`, path.join(base, "index.ts"), `${base}.js`].find(f => fs.existsSync(path.join(ROOT, f)));
        assert.ok(resolved, `${file} imports ${fileName}, which does not resolve to a .ts or .js file`);
        files.push(resolved);
    }
    return { files, packages };
}

const PROGRAM = ["index.ts", ...sources("components"), ...sources("handlers"), ...sources("tools"), ...sources("control")];
const graph = new Map(PROGRAM.map(f => [f, importsOf(f)]));

/** The import circles among `files` (Tarjan's strongly connected components of more than one file, or a self-import). */
function circles(files: string[]): string[][] {
    const inSet = new Set(files);
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    let next = 0;
    const visit = (f: string) => {
        index.set(f, next);
        low.set(f, next++);
        stack.push(f);
        onStack.add(f);
        for (const g of graph.get(f)?.files ?? []) {
            if (!inSet.has(g)) continue;
            if (!index.has(g)) {
                visit(g);
                low.set(f, Math.min(low.get(f)!, low.get(g)!));
            } else if (onStack.has(g)) {
                low.set(f, Math.min(low.get(f)!, index.get(g)!));
            }
        }
        if (low.get(f) === index.get(f)) {
            const component: string[] = [];
            let g: string;
            do {
                g = stack.pop()!;
                onStack.delete(g);
                component.push(g);
            } while (g !== f);
            if (component.length > 1 || graph.get(f)!.files.includes(f)) found.push(component.sort());
        }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    return found;
}

describe("the architecture: which way imports run", () => {
    it("has no import circle in components/, handlers/, control/ or tools/ (type-only imports included)", () => {
        assert.deepEqual(circles(PROGRAM), []);
    });

    it("finds a circle when there is one (the check can fail)", () => {
        graph.set("tests-only/a.ts", { files: ["tests-only/b.ts"], packages: [] });
        graph.set("tests-only/b.ts", { files: ["tests-only/a.ts"], packages: [] });
        try {
            assert.deepEqual(circles(["tests-only/a.ts", "tests-only/b.ts"]), [["tests-only/a.ts", "tests-only/b.ts"]]);
        } finally {
            graph.delete("tests-only/a.ts");
            graph.delete("tests-only/b.ts");
        }
    });

    it("keeps handlers free of the program: no components/, tools/ or Pulumi in a Lambda bundle", () => {
        for (const file of sources("handlers")) {
            const { files, packages } = graph.get(file)!;
            for (const f of files) assert.ok(f.startsWith(`handlers${path.sep}`), `${file} imports ${f}`);
            for (const p of packages) assert.ok(!p.startsWith("@pulumi/"), `${file} imports ${p}`);
        }
    });

    it("keeps handlers/lib pure: no AWS client, Powertools or Pulumi (types from aws-lambda, and pure parsers only)", () => {
        for (const file of sources(path.join("handlers", "lib"))) {
            for (const p of graph.get(file)!.packages) {
                assert.ok(p.startsWith("node:") || ["crypto", "aws-lambda", "lossless-json", "csv-parse"].includes(p), `${file} imports ${p}`);
            }
        }
    });

    it("never lets the program import a tool, nor components import the program's entry point", () => {
        for (const file of ["index.ts", ...sources("components")]) {
            for (const f of graph.get(file)!.files) {
                assert.ok(!f.startsWith(`tools${path.sep}`) && f !== "index.ts", `${file} imports ${f}`);
            }
        }
    });

    it("keeps the control plane a library: control/ imports handlers/lib and the SDK, never the program, a tool or a handler", () => {
        for (const file of sources("control")) {
            for (const f of graph.get(file)!.files) {
                const allowed = f.startsWith(`control${path.sep}`) || f.startsWith(path.join("handlers", "lib") + path.sep);
                assert.ok(allowed, `${file} imports ${f}`);
            }
        }
        // ... and the program never imports it: a cell or the router must not depend on the control plane's code.
        for (const file of ["index.ts", ...sources("components"), ...sources("handlers")]) {
            for (const f of graph.get(file)!.files) assert.ok(!f.startsWith(`control${path.sep}`), `${file} imports ${f}`);
        }
    });

    it("keeps the policy pack standalone: it imports nothing from outside policies/", () => {
        for (const file of sources("policies")) {
            for (const f of importsOf(file).files) assert.ok(f.startsWith(`policies${path.sep}`), `${file} imports ${f}`);
        }
    });
});
