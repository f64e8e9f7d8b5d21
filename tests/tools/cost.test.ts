import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { main, parseArgs } from "../../tools/cost";
import { PRICES_DIR } from "../../tools/lib/cost/prices";
import { ROOT } from "../fixtures/stack";

/** Runs the command in this process, with what it prints. */
async function run(argv: string[], dir = ROOT): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const write = process.stdout.write.bind(process.stdout);
    const log = console.log;
    const error = console.error;
    process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
    console.log = (...a: unknown[]) => { out += `${a.join(" ")}\n`; };
    console.error = (...a: unknown[]) => { err += `${a.join(" ")}\n`; };
    try {
        return { code: await main(argv, dir), out, err };
    } finally {
        process.stdout.write = write;
        console.log = log;
        console.error = error;
    }
}

function pricesHash(): string {
    const hash = crypto.createHash("sha256");
    for (const f of fs.readdirSync(PRICES_DIR).sort()) hash.update(f).update(fs.readFileSync(path.join(PRICES_DIR, f)));
    return hash.digest("hex");
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(resolve => server.close(resolve));
    return port;
}

describe("npm run cost (tools/cost.ts)", function () {
    this.timeout(120000);

    it("parses its options, and refuses what does not go together", () => {
        assert.deepEqual(parseArgs(["--stack", "dev", "--usage", "u.json", "--json"]),
            { stack: "dev", usage: "u.json", json: true, freeTier: false, updatePrices: false, regions: [], dir: ROOT });
        assert.throws(() => parseArgs([]), { message: "--stack is required" });
        assert.throws(() => parseArgs(["--stack", "dev", "--region", "eu-west-1"]), { message: "--region goes with --update-prices (an estimate uses the stack's region)" });
        assert.throws(() => parseArgs(["--update-prices", "--stack", "dev"]), { message: "--update-prices takes no --stack or --usage" });
    });

    it("exits 2 on a usage error, with the usage", async () => {
        const r = await run(["--stack"]);
        assert.equal(r.code, 2);
        assert.ok(r.err.startsWith("error: --stack needs a value\n\nusage: npm run cost -- --stack <name>"), r.err);
        assert.equal((await run(["--stack", "nope"])).code, 2);
    });

    it("exits 1 on an invalid usage file, naming every bad key, before the program runs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "usage-"));
        const file = path.join(dir, "u.json");
        fs.writeFileSync(file, JSON.stringify({ api: { requestsPerMonth: -1 }, queues: {} }));
        const r = await run(["--stack", "dev", "--usage", file]);
        assert.equal(r.code, 1);
        assert.equal(r.err, `error: ${file}: invalid usage file (2 problems):\n` +
            "  - usage.queues is {}; not a known setting; known: description, api, auth, queue, topic, bucket, kinesis, table, failures, tracing, functions\n" +
            "  - usage.api.requestsPerMonth is -1; expected a number of requests per month, at least 0\n");
        assert.equal(r.out, "");
        fs.rmSync(dir, { recursive: true });
    });

    it("exits 1 for a stack in a region without prices, naming aws:region and the regions priced", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.ap.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("aws:region: us-east-1", "aws:region: ap-south-1"));
        const r = await run(["--stack", "ap"], dir);
        assert.equal(r.code, 1);
        assert.ok(r.err.startsWith('error: aws:region is "ap-south-1"; prices exist for eu-west-1, us-east-1'), r.err);
        fs.rmSync(dir, { recursive: true });
    });

    it("prints the documented JSON document for dev with its example usage", async () => {
        const r = await run(["--stack", "dev", "--usage", path.join(ROOT, "usage", "dev.json"), "--json"]);
        assert.equal(r.code, 0, r.err);
        const doc = JSON.parse(r.out) as Record<string, unknown>;
        assert.deepEqual(Object.keys(doc), ["stack", "region", "pricesDate", "cells", "shared", "totalMonthlyUsd", "perMillionRequestsUsd", "marginalCellMonthlyUsd", "derived"]);
        assert.equal(doc.stack, "dev");
    });

    it("prints the fixed cost alone without a usage file, and the free tier apart when asked", async () => {
        const r = await run(["--stack", "dev", "--free-tier"]);
        assert.equal(r.code, 0, r.err);
        const lines = r.out.split("\n");
        assert.equal(lines[0], "Monthly cost of dev in us-east-1 (prices of 2026-12-01; no usage file: the fixed cost alone)");
        // $16.48: a shard, a dashboard, 20 alarm metrics (the router's breaker alarm on the cell among them), two idle mappings
        assert.ok(lines.includes(`${"cell cell-a".padEnd("shared (router, API, identity)".length + 2)}${"$16.48".padStart(12)}`), r.out);
        assert.ok(lines.some(l => l.startsWith("Free tier (always free, per account; not in the figures above): -$")), r.out);
        assert.ok(lines.some(l => l.startsWith("Fixed cost of cell cell-a (and cell-b, alike): cell-a-kinesis $10.95, cell-a-dashboard $3.00")), r.out);
    });

    it("--update-prices says it cannot reach AWS, exits 1 and changes no price file", async () => {
        const before = pricesHash();
        const port = await closedPort();
        const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "tools", "cost.ts"), "--update-prices"], {
            cwd: ROOT, encoding: "utf8", env: { ...process.env, CELLULAR_PRICE_LIST_URL: `http://127.0.0.1:${port}` },
        });
        assert.equal(result.status, 1, result.stderr);
        assert.ok(result.stderr.startsWith(`error: cannot reach the AWS Price List API (http://127.0.0.1:${port}/offers/v1.0/aws/`), result.stderr);
        assert.ok(result.stderr.includes("no price file was changed"), result.stderr);
        assert.equal(pricesHash(), before);
    });
});
