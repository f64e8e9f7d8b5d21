import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildRoutingTable, routeCustomer } from "../../handlers/lib/routing";
import { main as routeMain } from "../../tools/route";
import { randomCustomerIds } from "../fixtures/customer-ids";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the route command (tools/route.ts)", () => {
    let dir: string;
    const run = (...argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = routeMain(argv, { log: t => out.push(t), error: t => err.push(t) }, dir);
        return { code, out: out.join("\n"), err: err.join("\n") };
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "routing-route-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: cellular\nruntime: nodejs\n");
        const stack = (mode: string) => [
            "config:",
            "  aws:region: eu-west-1",
            "  cellular:tags:",
            "    cost-center: cc-test",
            "    environment: test",
            "  cellular:cells:",
            "    - id: cell-a",
            "    - id: cell-b",
            "    - { id: cell-c, state: disabled }",
            "    - id: cell-d",
            "  cellular:auth:",
            "    cognito: true",
            "  cellular:router:",
            `    mode: ${mode}`,
            "    pinned:",
            "      vip: cell-d",
            "",
        ].join("\n");
        fs.writeFileSync(path.join(dir, "Pulumi.test.yaml"), stack("invoke"));
        fs.writeFileSync(path.join(dir, "Pulumi.redir.yaml"), stack("redirect"));
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), stack("teleport"));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints the cell, its state, hash or pin and the function the router invokes", () => {
        assert.deepEqual(run("--stack", "test", "acme"), {
            code: 0,
            err: "",
            out: [
                "customer   acme",
                "stack      cellular/test (4 cells, router mode invoke)",
                "cell       cell-b (index 1 of the ordered cell list, counting from 0)",
                "state      active",
                "routed by  hash (jump consistent hash of sha256 over 4 cells)",
                "function   cellular-test-cell-b-api:live",
            ].join("\n"),
        });
    });

    it("tells a pinned customer from a hashed one, and a disabled cell", () => {
        const pinned = JSON.parse(run("--stack", "test", "vip", "--json").out) as Record<string, unknown>;
        assert.deepEqual(pinned, {
            project: "cellular", stack: "test", customerId: "vip", mode: "invoke",
            cell: { id: "cell-d", index: 3, state: "active" }, reason: "pinned", hashCell: "cell-c", cellCount: 4,
            functionName: "cellular-test-cell-d-api:live",
        });
        const disabled = run("--stack=test", "customer-1");
        assert.equal(disabled.code, 0);
        assert.match(disabled.out, /^state {6}disabled: the router answers 503 to this customer$/m);
    });

    it("routes exactly as the router does for the same table", () => {
        const deployed = buildRoutingTable({
            mode: "invoke",
            cells: ["cell-a", "cell-b", "cell-c", "cell-d"].map(id => ({ id, state: id === "cell-c" ? "disabled" as const : "active" as const, functionName: `cellular-test-${id}-api:live` })),
            pinned: { vip: "cell-d" },
        });
        for (const id of randomCustomerIds(50, 9)) {
            const answer = JSON.parse(run("--stack", "test", id, "--json").out) as { cell: { id: string }; functionName: string };
            const decision = routeCustomer(deployed, id);
            assert.equal(answer.cell.id, decision.cell.id);
            assert.equal(answer.functionName, decision.cell.functionName);
        }
    });

    it("says where a redirect goes in redirect mode", () => {
        const result = run("--stack", "redir", "acme");
        assert.equal(result.code, 0);
        assert.match(result.out, /^redirect {3}307 to the cell's own API endpoint \(a stack output, known after deployment\)$/m);
        assert.doesNotMatch(result.out, /function/);
    });

    it("exits 2 with a clear message for a bad customer id, an unknown stack or bad arguments", () => {
        const badId = run("--stack", "test", "no spaces");
        assert.equal(badId.code, 2);
        assert.equal(badId.err.split("\n")[0], "error: invalid customer id \"no spaces\": customer ids are 1-64 letters, digits, _ . - and start with a letter or digit");
        const unknown = run("--stack", "staging", "acme");
        assert.deepEqual(unknown, { code: 2, out: "", err: `error: no stack "staging": ${path.join(dir, "Pulumi.staging.yaml")} does not exist; stacks here: broken, redir, test` });
        assert.equal(run("acme").err.split("\n")[0], "error: --stack is required");
        assert.equal(run("--stack", "test").err.split("\n")[0], "error: expected one customer id, got 0");
        assert.equal(run("--stack", "test", "a", "b").code, 2);
        assert.equal(run("--stack", "test", "--verbose", "a").err.split("\n")[0], "error: unknown argument \"--verbose\"");
    });

    it("exits 1 with the config problems for an invalid stack", () => {
        const result = run("--stack", "broken", "acme");
        assert.equal(result.code, 1);
        assert.equal(result.err, "error: the broken stack's invalid stack configuration (1 problem):\n  - cellular:router.mode is \"teleport\"; expected one of invoke, redirect");
    });

    it("exits 2 from the command line (npm run route) for a bad customer id", () => {
        const result = spawnSync(process.execPath, ["--import", "tsx", "tools/route.ts", "--stack", "dev", "-bad"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(result.status, 2);
        assert.equal(result.stderr.split("\n")[0], "error: invalid customer id \"-bad\": customer ids are 1-64 letters, digits, _ . - and start with a letter or digit");
        assert.equal(result.stdout, "");
    });
});
