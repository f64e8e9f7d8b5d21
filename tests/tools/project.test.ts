import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { programLocation, readProject, splitArgs } from "../../tools/lib/project";

describe("a Pulumi project as the CLI reads it (tools/lib/project.ts)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
        fs.mkdirSync(path.join(dir, "src"));
        fs.writeFileSync(path.join(dir, "src", "main.ts"), "");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (yaml: string) => fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);

    it("runs a program from its root with entry point \".\" when Pulumi.yaml names no main (getPwdMain)", () => {
        write("name: p\nruntime: nodejs\n");
        assert.deepEqual(programLocation(readProject(dir)), { pwd: dir, entryPoint: "." });
    });

    it("runs a main directory from that directory, and a main file from its own directory", () => {
        write("name: p\nruntime: nodejs\nmain: src/\n");
        assert.deepEqual(programLocation(readProject(dir)), { pwd: path.join(dir, "src"), entryPoint: "." });
        write("name: p\nruntime: nodejs\nmain: src/main.ts\n");
        assert.deepEqual(programLocation(readProject(dir)), { pwd: path.join(dir, "src"), entryPoint: "main.ts" });
        write("name: p\nruntime: nodejs\nmain: lib/index.ts\n");
        assert.throws(() => programLocation(readProject(dir)), {
            name: "ProjectError", message: `project 'main' could not be read: ENOENT: no such file or directory, stat '${path.join(dir, "lib", "index.ts")}'`,
        });
    });

    it("reads the runtime options of the Node.js language host, and refuses ill-typed ones in its words", () => {
        write("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    tsconfig: tsconfig.pulumi.json\n    nodeargs: --max-old-space-size=4096\n");
        assert.deepEqual(readProject(dir).options, { typescript: false, tsconfig: "tsconfig.pulumi.json", nodeargs: "--max-old-space-size=4096" });
        write("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: \"no\"\n");
        assert.throws(() => readProject(dir), { message: "typescript option must be a boolean" });
    });

    it("refuses a project name the CLI's backends refuse, such as a template's placeholder", () => {
        write("name: ${PROJECT}\nruntime: nodejs\n");
        assert.throws(() => readProject(dir), {
            name: "ProjectError",
            message: `${path.join(dir, "Pulumi.yaml")}: project names may only contain alphanumerics, hyphens, underscores, and periods (the name is "\${PROJECT}")`,
        });
    });

    it("splits nodeargs as a shell does", () => {
        assert.deepEqual(splitArgs(`--max-old-space-size=4096  --require "./a b.js" --title='x y' c\\ d`), ["--max-old-space-size=4096", "--require", "./a b.js", "--title=x y", "c d"]);
        assert.deepEqual(splitArgs(""), []);
        assert.throws(() => splitArgs("--x \"unclosed"), { message: "nodeargs \"--x \\\"unclosed\" has an unclosed quote" });
    });
});
