/**
 * Loads a Pulumi TypeScript program directory in this process, for the in-process capture (tools/lib/capture.ts):
 * its `main` (from Pulumi.yaml, else package.json, else index.ts), required fresh so it can run more than once in
 * a process. A module that exports a function is called, as Pulumi does, and its result becomes the stack outputs.
 *
 * Meant for this project's program and test programs, which need nothing of what only the CLI's language host does;
 * any other program runs as the CLI runs it (tools/lib/language-host.ts): in its own directory, under ts-node, as
 * an ES module when it is one.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export function programMain(dir: string): string {
    const project = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { main?: string };
    let main = project.main;
    if (!main) {
        const pkgFile = path.join(dir, "package.json");
        if (fs.existsSync(pkgFile)) main = (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main;
    }
    const file = path.resolve(dir, main ?? "index.ts");
    const candidates = [file, path.join(file, "index.ts"), `${file}.ts`];
    const found = candidates.find(f => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!found) throw new Error(`the program in ${dir} has no main file (looked for ${candidates.join(", ")})`);
    return found;
}

/**
 * A function that runs the program once. Modules of the program (not of node_modules) are loaded afresh, since a
 * program may create resources when a module is loaded; `reload: "main"` reloads only the main file, for a
 * program whose other modules only define things (this project's: components/ create nothing when loaded).
 */
export function programRunner(dir: string, options: { reload?: "all" | "main" } = {}): () => unknown {
    const main = programMain(dir);
    const root = path.resolve(dir) + path.sep;
    const reloadAll = (options.reload ?? "all") === "all";
    return () => {
        for (const key of Object.keys(require.cache)) {
            if (reloadAll ? key.startsWith(root) && !key.includes(`${path.sep}node_modules${path.sep}`) : key === main) {
                delete require.cache[key];
            }
        }
        const exported = require(main) as unknown;
        const moduleExports = exported as { default?: unknown };
        if (typeof exported === "function") return (exported as () => unknown)();
        if (moduleExports && typeof moduleExports.default === "function" && Object.keys(moduleExports).length === 1) {
            return (moduleExports.default as () => unknown)();
        }
        return exported;
    };
}
