import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import fc from "fast-check";
import {
    buildRoutingTable,
    cellIndexFor,
    compileRoutingTable,
    CompiledRoutingTable,
    isCompiledRoutingTable,
    isRoutingTableError,
    jumpConsistentHash,
    md5Key,
    md5ModN,
    parseRoutingTable,
    routeCustomer,
    RoutingTableError,
    RoutingTableInput,
    routingKey,
} from "../../../handlers/lib/routing";
import { randomCustomerIds } from "../../fixtures/customer-ids";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** The published algorithm, on BigInt: the yardstick for the 32-bit implementation. */
function referenceJump(key: bigint, n: number): number {
    let b = -1;
    let j = 0;
    while (j < n) {
        b = j;
        key = (key * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
        j = Math.trunc((b + 1) * (2 ** 31 / (Number(key >> 33n) + 1)));
    }
    return b;
}

const halves = (key: bigint): [number, number] => [Number(key >> 32n), Number(key & 0xffffffffn)];


function table(cellCount: number, overrides: Partial<RoutingTableInput> = {}): RoutingTableInput {
    return {
        mode: "invoke",
        cells: Array.from({ length: cellCount }, (_, i) => ({ id: `cell-${i}`, state: "active" as const, functionName: `cellular-test-cell-${i}-api:live` })),
        pinned: {},
        ...overrides,
    };
}

describe("routing: jump consistent hash", () => {
    it("matches the published test vectors of jump consistent hash", () => {
        // From ClickHouse's jumpConsistentHash tests and the Rust/Python reference ports.
        const vectors: Array<[bigint, number, number]> = [
            [1n, 1, 0], [42n, 57, 43], [256n, 1024, 520], [3735883980n, 1, 0], [3735883980n, 666, 361],
            [16045690984833335023n, 255, 237], [0n, 60, 0], [1n, 60, 55], [2n, 60, 46],
        ];
        for (const [key, n, expected] of vectors) {
            assert.equal(jumpConsistentHash(...halves(key), n), expected, `jump(${key}, ${n})`);
        }
    });

    it("agrees with a BigInt implementation of the paper's code for any 64-bit key and 1-5000 cells", () => {
        fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 5000 }), (key, n) => {
            assert.equal(jumpConsistentHash(...halves(key), n), referenceJump(key, n));
        }), { numRuns: 2000 });
    });

    it("rejects a cell count that is not a positive integer", () => {
        assert.throws(() => jumpConsistentHash(1, 2, 0), { name: "RangeError", message: "the number of cells must be an integer from 1 to 2^31-1, not 0" });
        assert.throws(() => cellIndexFor("a", 2.5), { name: "RangeError", message: "the number of cells must be an integer from 1 to 2^31-1, not 2.5" });
        assert.throws(() => md5ModN("a", -1), { name: "RangeError", message: "the number of cells must be a positive integer, not -1" });
    });

    it("keys a customer by the first 8 bytes of sha256 of the id", () => {
        for (const id of ["demo-customer", "A", "x".repeat(64)]) {
            const digest = createHash("sha256").update(id, "utf8").digest();
            assert.deepEqual(routingKey(id), [digest.readUInt32BE(0), digest.readUInt32BE(4)]);
            assert.equal(cellIndexFor(id, 57), jumpConsistentHash(...routingKey(id), 57));
        }
    });

    it("maps the same ids to the same cells as always (golden values; changing them moves customers)", () => {
        // Cross-checked with an independent Python implementation (hashlib.sha256 + the paper's jump hash).
        const golden: Array<[string, number[]]> = [
            // id, cell index for N = 3, 10, 12, 100, 1000
            ["demo-customer", [1, 7, 7, 42, 814]],
            ["customer-1", [2, 2, 2, 90, 485]],
            ["customer-2", [2, 2, 2, 96, 918]],
            ["acme", [1, 1, 10, 55, 126]],
            ["A", [0, 7, 7, 76, 880]],
            ["z.z_z-9", [1, 1, 11, 81, 566]],
            ["0".repeat(64), [0, 3, 3, 17, 177]],
        ];
        for (const [id, expected] of golden) {
            assert.deepEqual([3, 10, 12, 100, 1000].map(n => cellIndexFor(id, n)), expected, id);
        }
    });

    it("keeps the md5 % N baseline as the seed defined it (first 32 bits of md5, mod N)", () => {
        const golden: Array<[string, number[]]> = [
            ["demo-customer", [2, 7, 27]], ["customer-1", [2, 6, 26]], ["acme", [2, 5, 5]], ["z.z_z-9", [2, 9, 79]],
        ];
        for (const [id, expected] of golden) assert.deepEqual([3, 10, 100].map(n => md5ModN(id, n)), expected, id);
        for (const id of ["demo-customer", "A"]) {
            const word = createHash("md5").update(id, "utf8").digest().readUInt32BE(0);
            assert.equal(md5Key(id), word);
            assert.equal(md5ModN(id, 7), word % 7);
        }
    });

    it("always answers a cell index in 0..N-1", () => {
        fc.assert(fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 1000 }), (id, n) => {
            const index = cellIndexFor(id, n);
            assert.ok(Number.isInteger(index) && index >= 0 && index < n, `${JSON.stringify(id)} -> ${index} of ${n}`);
        }), { numRuns: 2000 });
    });

    it("moves a key only to the new cell when a cell is appended", () => {
        fc.assert(fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 1000 }), (id, n) => {
            const before = cellIndexFor(id, n);
            const after = cellIndexFor(id, n + 1);
            assert.ok(after === before || after === n, `${JSON.stringify(id)}: ${before} of ${n} -> ${after} of ${n + 1}`);
        }), { numRuns: 2000 });
    });

    it("gives the same decisions in another node process", () => {
        const ids = randomCustomerIds(300, 7);
        const here = ids.map(id => [cellIndexFor(id, 7), cellIndexFor(id, 100), md5ModN(id, 7)]);
        const script = `
            const { cellIndexFor, md5ModN } = require(${JSON.stringify(path.join(ROOT, "handlers/lib/routing.ts"))});
            const ids = JSON.parse(process.env.IDS);
            process.stdout.write(JSON.stringify(ids.map(id => [cellIndexFor(id, 7), cellIndexFor(id, 100), md5ModN(id, 7)])));
        `;
        const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
            cwd: ROOT,
            env: { ...process.env, IDS: JSON.stringify(ids) },
            encoding: "utf8",
        });
        assert.deepEqual(JSON.parse(out), here);
    });
});

describe("routing: movement and balance over 1,000,000 random customer ids", function () {
    // Hashed once; the jump hash then runs on the keys. cellIndexFor is exactly this composition (tested above).
    const COUNT = 1_000_000;
    let hi: Uint32Array;
    let lo: Uint32Array;
    let ids: string[];

    before(function () {
        this.timeout(30_000);
        ids = randomCustomerIds(COUNT, 42);
        hi = new Uint32Array(COUNT);
        lo = new Uint32Array(COUNT);
        for (let i = 0; i < COUNT; i++) {
            const [h, l] = routingKey(ids[i]!);
            hi[i] = h;
            lo[i] = l;
        }
    });

    for (const n of [3, 10, 100]) {
        it(`moves at most 1.1/(N+1) of the keys from ${n} to ${n + 1} cells, where mod-N moves about N/(N+1)`, () => {
            let moved = 0;
            for (let i = 0; i < COUNT; i++) if (jumpConsistentHash(hi[i]!, lo[i]!, n) !== jumpConsistentHash(hi[i]!, lo[i]!, n + 1)) moved++;
            const fraction = moved / COUNT;
            assert.ok(fraction <= 1.1 / (n + 1), `jump moved ${fraction} > ${1.1 / (n + 1)}`);
            // Also not suspiciously few: the ideal is 1/(N+1).
            assert.ok(fraction >= 0.9 / (n + 1), `jump moved ${fraction} < ${0.9 / (n + 1)}`);

            const sample = 100_000;
            let movedModN = 0;
            for (let i = 0; i < sample; i++) if (md5ModN(ids[i]!, n) !== md5ModN(ids[i]!, n + 1)) movedModN++;
            assert.ok(Math.abs(movedModN / sample - n / (n + 1)) < 0.01, `mod-N moved ${movedModN / sample}, expected about ${n / (n + 1)}`);
        });

        it(`gives the busiest of ${n} cells at most 1.05x the mean`, () => {
            const counts = new Array<number>(n).fill(0);
            for (let i = 0; i < COUNT; i++) counts[jumpConsistentHash(hi[i]!, lo[i]!, n)]!++;
            const ratio = Math.max(...counts) / (COUNT / n);
            assert.ok(ratio <= 1.05, `max/mean ${ratio} with counts ${counts.slice(0, 10).join(", ")}...`);
            assert.ok(Math.min(...counts) > 0);
        });
    }
});

describe("routing: routing tables", () => {
    it("routes a pinned customer to its pin, whatever the hash says", () => {
        const customer = "demo-customer"; // hashes to cell index 1 of 3
        assert.equal(cellIndexFor(customer, 3), 1);
        const t = buildRoutingTable(table(3, { pinned: { [customer]: "cell-2" } }));
        assert.deepEqual(routeCustomer(t, customer), { cell: t.cells[2], index: 2, reason: "pinned" });
        assert.deepEqual(routeCustomer(t, "acme"), { cell: t.cells[1], index: 1, reason: "hash" });
    });

    it("leaves a standby cell out of the hash: nobody moves when it is added, and activating it moves exactly the jump hash's share to it", () => {
        const withStandby = table(4);
        withStandby.cells[3]!.state = "standby" as const;
        const standby = compileRoutingTable(buildRoutingTable(withStandby));
        const active = compileRoutingTable(buildRoutingTable(table(4)));
        let moved = 0;
        for (const id of randomCustomerIds(2000, 9)) {
            const before = routeCustomer(standby, id);
            assert.equal(before.index, cellIndexFor(id, 3), id);
            const after = routeCustomer(active, id);
            if (after.index !== before.index) {
                moved++;
                assert.equal(after.index, 3, `${id} may only move to the new cell`);
            }
        }
        assert.ok(moved > 0);
    });

    it("routes a customer pinned to a standby cell there", () => {
        const input = table(3, { pinned: { acme: "cell-2" } });
        input.cells[2]!.state = "standby" as const;
        const t = buildRoutingTable(input);
        assert.deepEqual(routeCustomer(t, "acme"), { cell: t.cells[2], index: 2, reason: "pinned" });
    });

    it("refuses a table whose cells are all standby", () => {
        const input = table(2);
        for (const c of input.cells) c.state = "standby" as const;
        assert.throws(() => buildRoutingTable(input), {
            message: 'invalid routing table (1 problem):\n  - cells is ["standby","standby"]; at least one cell must be active or disabled: standby cells are not part of the hash',
        });
    });

    it("routes every unpinned customer by the hash over all cells", () => {
        const t = compileRoutingTable(buildRoutingTable(table(12, { pinned: { acme: "cell-0" } })));
        for (const id of randomCustomerIds(2000, 3)) {
            const decision = routeCustomer(t, id);
            assert.equal(decision.reason, "hash");
            assert.equal(decision.index, cellIndexFor(id, 12));
            assert.equal(decision.cell.id, `cell-${decision.index}`);
        }
    });

    it("keeps disabled cells in the hash: disabling a cell moves no customer, its own ones see it disabled", () => {
        const active = compileRoutingTable(buildRoutingTable(table(5)));
        const input = table(5);
        input.cells[3]!.state = "disabled";
        const oneDisabled = compileRoutingTable(buildRoutingTable(input));
        let ofDisabled = 0;
        for (const id of randomCustomerIds(5000, 11)) {
            const before = routeCustomer(active, id);
            const after = routeCustomer(oneDisabled, id);
            assert.equal(after.index, before.index, id);
            assert.equal(after.cell.state, after.index === 3 ? "disabled" : "active");
            if (after.index === 3) ofDisabled++;
        }
        assert.ok(ofDisabled > 800 && ofDisabled < 1200, `${ofDisabled} of 5000 customers on the disabled cell`);
    });

    it("routes a customer pinned to a disabled cell to that cell", () => {
        const input = table(3, { pinned: { acme: "cell-2" } });
        input.cells[2]!.state = "disabled";
        const decision = routeCustomer(buildRoutingTable(input), "acme");
        assert.equal(decision.cell.id, "cell-2");
        assert.equal(decision.cell.state, "disabled");
        assert.equal(decision.reason, "pinned");
    });

    it("decides the same with a compiled table and with the plain table", () => {
        const plain = buildRoutingTable(table(7, { pinned: { "customer-1": "cell-6" } }));
        const compiled = compileRoutingTable(plain);
        assert.ok(compiled instanceof CompiledRoutingTable);
        assert.equal(compiled.pins.get("customer-1"), 6);
        for (const id of ["customer-1", ...randomCustomerIds(500, 5)]) assert.deepEqual(routeCustomer(plain, id), routeCustomer(compiled, id));
    });

    it("recognises a table compiled by another copy of the module (the program runner reloads modules)", () => {
        const file = require.resolve("../../../handlers/lib/routing");
        const original = require.cache[file];
        delete require.cache[file];
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const copy = require("../../../handlers/lib/routing") as typeof import("../../../handlers/lib/routing");
            assert.notEqual(copy.CompiledRoutingTable, CompiledRoutingTable);
            const foreign = copy.compileRoutingTable(buildRoutingTable(table(4, { pinned: { acme: "cell-3" } })));
            assert.ok(isCompiledRoutingTable(foreign));
            assert.deepEqual(routeCustomer(foreign, "acme"), { cell: foreign.cells[3], index: 3, reason: "pinned" });
            assert.ok(isRoutingTableError(new copy.RoutingTableError(["x"])));
        } finally {
            require.cache[file] = original;
        }
    });

    it("builds the table the router is deployed with", () => {
        const built = buildRoutingTable({
            mode: "redirect",
            cells: [{ id: "cell-a", state: "active", endpoint: "https://a.example.com" }, { id: "cell-b", state: "disabled", endpoint: "https://b.example.com/prod" }],
            pinned: { acme: "cell-b" },
        });
        assert.deepEqual(built, {
            version: 1,
            mode: "redirect",
            cells: [{ id: "cell-a", state: "active", endpoint: "https://a.example.com" }, { id: "cell-b", state: "disabled", endpoint: "https://b.example.com/prod" }],
            pinned: { acme: "cell-b" },
        });
    });

    it("carries each cell's time budget, and rejects one that is not a positive whole number of milliseconds", () => {
        const input = table(3);
        input.cells[0]!.budgetMs = 1000;
        input.cells[1]!.budgetMs = 250;
        const built = compileRoutingTable(buildRoutingTable(input));
        assert.deepEqual(built.cells.map(c => c.budgetMs), [1000, 250, undefined]);
        assert.ok(!("budgetMs" in built.cells[2]!), "absent, not undefined: routing.json stays as it was for a cell without one");
        const bad = (budgetMs: unknown) => {
            const raw = JSON.parse(JSON.stringify(buildRoutingTable(table(1)))) as { cells: Array<Record<string, unknown>> };
            raw.cells[0]!.budgetMs = budgetMs;
            return () => parseRoutingTable(raw);
        };
        for (const value of [0, -5, 1.5, "1000", null]) {
            assert.throws(bad(value), {
                message: `invalid routing table (1 problem):\n  - cells[0].budgetMs is ${JSON.stringify(value)}; expected the cell's time budget: a positive whole number of milliseconds`,
            }, String(value));
        }
    });

    it("rejects duplicate cell ids", () => {
        const input = table(3);
        input.cells[2]!.id = "cell-0";
        assert.throws(() => buildRoutingTable(input), {
            name: "RoutingTableError",
            message: "invalid routing table (1 problem):\n  - cells[2].id is \"cell-0\"; cell ids must be unique; cells[0] has it too",
        });
    });

    it("rejects a pin to an unknown cell", () => {
        assert.throws(() => buildRoutingTable(table(2, { pinned: { acme: "cell-9" } })), {
            message: "invalid routing table (1 problem):\n  - pinned.acme is \"cell-9\"; expected one of the cell ids: cell-0, cell-1",
        });
    });

    it("rejects a pin of an invalid customer id", () => {
        assert.throws(() => buildRoutingTable(table(2, { pinned: { "-bad": "cell-0" } })), {
            message: "invalid routing table (1 problem):\n  - pinned is \"-bad\"; customer ids are 1-64 letters, digits, _ . - and start with a letter or digit",
        });
    });

    it("rejects a cell without a function name in invoke mode", () => {
        const input = table(2);
        delete input.cells[1]!.functionName;
        assert.throws(() => buildRoutingTable(input), {
            message: "invalid routing table (1 problem):\n  - cells[1].functionName is missing; invoke mode needs the (alias-qualified) name of the cell's API function",
        });
    });

    it("rejects a cell without an endpoint, or with a bad one, in redirect mode", () => {
        const err = (() => {
            try {
                buildRoutingTable({
                    mode: "redirect",
                    cells: [{ id: "a", state: "active" }, { id: "b", state: "active", endpoint: "https://b.example.com/" }, { id: "c", state: "active", endpoint: "ftp://c" }],
                    pinned: {},
                });
            } catch (e) {
                return e;
            }
            return undefined;
        })();
        assert.ok(err instanceof RoutingTableError);
        assert.deepEqual(err.problems, [
            "cells[0].endpoint is missing; redirect mode needs the base URL of the cell's own API",
            "cells[1].endpoint is \"https://b.example.com/\"; expected an http(s) URL without a trailing slash, query or fragment",
            "cells[2].endpoint is \"ftp://c\"; expected an http(s) URL without a trailing slash, query or fragment",
        ]);
    });

    it("reports every problem of an untyped table at once", () => {
        assert.throws(() => parseRoutingTable({ version: 2, mode: "proxy", cells: [{ id: "", state: "on" }, "x"], pinned: [] }), {
            message: "invalid routing table (6 problems):\n" +
                "  - version is 2; expected 1\n" +
                "  - mode is \"proxy\"; expected invoke or redirect\n" +
                "  - cells[0].id is \"\"; expected a non-empty cell id\n" +
                "  - cells[0].state is \"on\"; expected standby, active, disabled\n" +
                "  - cells[1] is \"x\"; expected an object with id and state\n" +
                "  - pinned is []; expected a map of customer ids to cell ids ({} for none)",
        });
        assert.throws(() => parseRoutingTable(null), { message: "invalid routing table (1 problem):\n  - the routing table is null; expected an object with version, mode, cells and pinned" });
        assert.throws(() => parseRoutingTable({ version: 1, mode: "invoke", cells: [], pinned: {} }), {
            message: "invalid routing table (1 problem):\n  - cells is []; expected a non-empty list of cells in hash order",
        });
    });
});
