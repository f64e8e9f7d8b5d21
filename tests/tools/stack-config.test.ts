import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { encodeConfig, goJson, programStackConfig, readStackConfig } from "../../tools/lib/stack-config";

/** A project directory with these files, removed after the test. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

describe("a stack's config as the CLI passes it (tools/lib/stack-config.ts)", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));
    const make = (files: Record<string, string>) => {
        const dir = project(files);
        dirs.push(dir);
        return dir;
    };

    it("marks a key secret when its value holds a secure value anywhere, and passes the secret as a placeholder", () => {
        assert.deepEqual(encodeConfig("app", {
            db: { user: "admin", password: { secure: "v1:abc" } },
            hosts: [{ name: "a" }, { token: { secure: "v1:def" } }],
            "aws:region": "eu-west-1",
            apiKey: { secure: "v1:ghi" },
            count: 3,
            enabled: true,
        }), {
            config: {
                "app:db": "{\"password\":\"[secret]\",\"user\":\"admin\"}",
                "app:hosts": "[{\"name\":\"a\"},{\"token\":\"[secret]\"}]",
                "aws:region": "eu-west-1",
                "app:apiKey": "[secret]",
                "app:count": "3",
                "app:enabled": "true",
            },
            secretKeys: ["app:db", "app:hosts", "app:apiKey"],
        });
    });

    it("writes objects as Go's encoding/json does: keys sorted, <, > and & escaped", () => {
        assert.equal(goJson({ b: "<x & y>", a: [{ d: 1, c: 2 }] }), "{\"a\":[{\"c\":2,\"d\":1}],\"b\":\"\\u003cx \\u0026 y\\u003e\"}");
    });

    it("applies the project's config: values and defaults for keys the stack does not set, short-hands by namespace", () => {
        const dir = make({
            "Pulumi.yaml": [
                "name: shop", "runtime: nodejs", "config:",
                "  instanceSize: t3.micro", "  aws:region: us-west-2",
                "  replicas:", "    type: integer", "    default: 2",
                "  tier:", "    value: gold",
                "  owner:", "    type: string", "    default: platform",
            ].join("\n"),
            "Pulumi.dev.yaml": "config:\n  shop:owner: orders\n",
        });
        assert.deepEqual(readStackConfig(dir, "dev"), {
            project: "shop", stack: "dev", secretKeys: [],
            config: { "shop:owner": "orders", "aws:region": "us-west-2", "shop:instanceSize": "t3.micro", "shop:replicas": "2", "shop:tier": "gold" },
        });
    });

    it("refuses a stack without the project's required keys, in the CLI's words", () => {
        const dir = make({ "Pulumi.yaml": "name: shop\nruntime: nodejs\nconfig:\n  dbName:\n    type: string\n  apiUrl:\n    type: string\n  zone:\n    type: string\n" });
        assert.throws(() => programStackConfig(dir, "dev"), { name: "StackConfigError", message: "Stack 'dev' is missing configuration values 'apiUrl', 'dbName' and 'zone'" });
    });

    it("reads the stack file from stackConfigDir, and plans a stack without a file on the project's config alone", () => {
        const dir = make({ "Pulumi.yaml": "name: shop\nruntime: nodejs\nstackConfigDir: stacks\n", "stacks/Pulumi.prod.yaml": "config:\n  aws:region: eu-central-1\n" });
        assert.deepEqual(programStackConfig(dir, "prod").config, { "aws:region": "eu-central-1" });
        assert.deepEqual(programStackConfig(dir, "dev"), { project: "shop", stack: "dev", config: {}, secretKeys: [] });
        assert.throws(() => readStackConfig(dir, "dev"), { message: `no stack "dev": ${path.join(dir, "stacks", "Pulumi.dev.yaml")} does not exist; stacks here: prod` });
    });
});
