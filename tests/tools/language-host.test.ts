import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { languageHostCommand } from "../../tools/lib/language-host";
import { readProject } from "../../tools/lib/project";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the command line of the Node.js language host (tools/lib/language-host.ts)", () => {
    it("runs the SDK's cmd/run as pulumi-language-nodejs does: node args first, then the engine's flags, then the entry point", () => {
        // Inside the repository, so that the program resolves the repository's @pulumi/pulumi.
        fs.mkdirSync(path.join(ROOT, ".scratch"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(ROOT, ".scratch", "langhost-"));
        try {
            fs.mkdirSync(path.join(dir, "src"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime:\n  name: nodejs\n  options:\n    tsconfig: tsconfig.pulumi.json\n" +
                "    nodeargs: --max-old-space-size=4096 --trace-warnings\nmain: src/\n");
            const command = languageHostCommand(readProject(dir), {
                dir, preview: true, stackConfig: { project: "shop", stack: "dev", config: { "shop:db": "{\"user\":\"admin\"}", "aws:region": "eu-west-1" }, secretKeys: ["shop:db"] },
                env: { PATH: "/usr/bin", PULUMI_CONFIG: "{\"stale\":\"x\"}", PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_PARALLEL: "3" },
            }, "127.0.0.1:5000");
            assert.deepEqual(command.args, [
                "--max-old-space-size=4096", "--trace-warnings",
                path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"),
                "--monitor", "127.0.0.1:5000", "--engine", "127.0.0.1:5000", "--organization", "organization", "--project", "shop",
                "--root-directory", dir, "--stack", "dev", "--pwd", path.join(dir, "src"), "--dry-run", "--parallel", "3", ".",
            ]);
            assert.equal(command.cwd, path.join(dir, "src"));
            assert.deepEqual(command.env, {
                PATH: "/usr/bin",
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                PULUMI_PARALLEL: "3",
                PULUMI_CONFIG: "{\"shop:config:db\":\"{\\\"user\\\":\\\"admin\\\"}\",\"aws:config:region\":\"eu-west-1\"}",
                PULUMI_CONFIG_SECRET_KEYS: "[\"shop:db\"]",
                PULUMI_NODEJS_TYPESCRIPT: "true",
                PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json",
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("says the SDK is not installed when the program cannot resolve @pulumi/pulumi", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-sdk-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bare\nruntime: nodejs\n");
            assert.throws(() => languageHostCommand(readProject(dir), { dir, preview: false, stackConfig: { project: "bare", stack: "dev", config: {}, secretKeys: [] } }, "x"),
                { name: "ProgramFailedError", message: "It looks like the Pulumi SDK has not been installed. Have you run pulumi install?" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
