import { strict as assert } from "assert";
import { ConfigError, loadSettings } from "../../../components/config";
import { checkRouterSizing } from "../../../components/config/checks";
import { Problems } from "../../../components/config/problems";
import { configProblems, edit, Raw, ROOT, stackConfig } from "../../fixtures/stack";
import { readStackConfig } from "../../../tools/lib/stack-config";

const problemsOf = (raw: Raw): string[] => configProblems(raw);

/** The dev stack with its router set as given (reserved concurrency, stage rate) and every cell's time budget. */
function sized(reservedConcurrency: number, rateLimit: number, cellTimeoutMs?: number): Raw {
    let raw = edit(stackConfig("dev"), "router", r => { r.reservedConcurrency = reservedConcurrency; r.throttle.rateLimit = rateLimit; });
    if (cellTimeoutMs !== undefined) raw = edit(raw, "defaults", d => { d.router = { cellTimeoutMs }; });
    return raw;
}

const LITTLE = "by Little's law the router holds (requests per second) × (seconds each waits) requests at once, one instance each: ";

describe("the router's sizing (components/config/checks.ts)", () => {
    describe("Little's law: reserved concurrency ≥ stage rate × the cells' time budget", () => {
        it("accepts the shipped stacks, whose arithmetic is at the limit: dev 50 × 1 s = 50, prod 1500 × 0.1 s = 150", () => {
            for (const [stack, reserved, rate, budget] of [["dev", 50, 50, 1000], ["prod", 150, 1500, 100]] as const) {
                const config = readStackConfig(ROOT, stack);
                const settings = loadSettings(config.config, config);
                assert.equal(settings.router.reservedConcurrency, reserved);
                assert.equal(settings.router.throttle.rateLimit, rate);
                assert.deepEqual([...new Set(settings.cells.map(c => c.router.cellTimeoutMs))], [budget]);
                assert.equal(rate * budget / 1000, reserved, stack);
            }
        });

        it("accepts a stack on the built-in defaults (router 50, 50 requests/s, 1 s budget)", () => {
            const minimal = { "aws:region": "eu-west-1", "cellular:tags": JSON.stringify({ "cost-center": "c", environment: "e" }), "cellular:cellCount": "3", "cellular:auth": JSON.stringify({ cognito: true }),
                "cellular:alarms": JSON.stringify({ emails: ["oncall@example.com"] }) };
            assert.deepEqual(problemsOf(minimal), []);
        });

        it("rejects a router one instance short, explaining the arithmetic and the three ways out", () => {
            assert.deepEqual(problemsOf(sized(49, 50)), [
                "cellular:router.reservedConcurrency is 49; " + LITTLE +
                "its stage admits 50 requests/s (cellular:router.throttle.rateLimit) and a request may wait 1000 ms for cell \"cell-a\" " +
                "(its router.cellTimeoutMs), so 50 × 1 s = 50 at once; reserve at least 50, lower the rate limit to at most 49 " +
                "or lower the cells' router.cellTimeoutMs to at most 980 ms",
            ]);
        });

        it("rejects main's dev router (10) and prod's old stage rate (2000) at their budgets", () => {
            assert.deepEqual(problemsOf(sized(10, 50)), [
                "cellular:router.reservedConcurrency is 10; " + LITTLE +
                "its stage admits 50 requests/s (cellular:router.throttle.rateLimit) and a request may wait 1000 ms for cell \"cell-a\" " +
                "(its router.cellTimeoutMs), so 50 × 1 s = 50 at once; reserve at least 50, lower the rate limit to at most 10 " +
                "or lower the cells' router.cellTimeoutMs to at most 200 ms",
            ]);
            const prod = readStackConfig(ROOT, "prod");
            const raw = edit(prod.config, "router", r => { r.throttle.rateLimit = 2000; });
            assert.throws(() => loadSettings(raw, prod), (err: unknown) => {
                assert.ok(err instanceof ConfigError);
                assert.deepEqual(err.problems, [
                    "cellular:router.reservedConcurrency is 150; " + LITTLE +
                    "its stage admits 2000 requests/s (cellular:router.throttle.rateLimit) and a request may wait 100 ms for cell \"cell-01\" " +
                    "(its router.cellTimeoutMs), so 2000 × 0.1 s = 200 at once; reserve at least 200, lower the rate limit to at most 1500 " +
                    "or lower the cells' router.cellTimeoutMs to at most 75 ms",
                ]);
                return true;
            });
        });

        it("sizes for the longest budget of an active cell, and names that cell", () => {
            const raw = edit(sized(50, 50, 500), "cells", c => { c[1].router = { cellTimeoutMs: 2000 }; });
            assert.deepEqual(problemsOf(raw), [
                "cellular:router.reservedConcurrency is 50; " + LITTLE +
                "its stage admits 50 requests/s (cellular:router.throttle.rateLimit) and a request may wait 2000 ms for cell \"cell-b\" " +
                "(its router.cellTimeoutMs), so 50 × 2 s = 100 at once; reserve at least 100, lower the rate limit to at most 25 " +
                "or lower the cells' router.cellTimeoutMs to at most 1000 ms",
            ]);
            // A disabled cell is answered at once: its budget does not count.
            assert.deepEqual(problemsOf(edit(raw, "cells", c => { c[1].state = "disabled"; })), []);
        });

        it("offers only the ways out that exist", () => {
            const problems = new Problems();
            const settings = loadSettings(sized(50, 50), { project: "cellular", stack: "dev" });
            checkRouterSizing(problems, { ...settings.router, reservedConcurrency: 1, throttle: { rateLimit: 10000, burstLimit: 5000 } },
                settings.cells.map(c => ({ ...c, router: { cellTimeoutMs: 28000 } })));
            assert.deepEqual(problems.list, [
                "cellular:router.reservedConcurrency is 1; " + LITTLE +
                "its stage admits 10000 requests/s (cellular:router.throttle.rateLimit) and a request may wait 28000 ms for cell \"cell-a\" " +
                "(its router.cellTimeoutMs), so 10000 × 28 s = 280000 at once; reserve at least 280000",
            ]);
        });

        it("does not apply in redirect mode (the router answers at once) nor to a router stopped at 0", () => {
            assert.deepEqual(problemsOf(edit(sized(10, 50), "router", r => { r.mode = "redirect"; })), []);
            assert.deepEqual(problemsOf(sized(0, 50)), []);
        });
    });

    describe("a cell's time budget", () => {
        it("defaults to 1000 ms and can be set for every cell or one", () => {
            const settings = loadSettings(edit(sized(50, 10, 400), "cells", c => { c[2].router = { cellTimeoutMs: 250 }; }), { project: "cellular", stack: "dev" });
            assert.deepEqual(settings.cells.map(c => c.router.cellTimeoutMs), [400, 400, 250]);
            assert.deepEqual(loadSettings(stackConfig("dev"), { project: "cellular", stack: "dev" }).cells.map(c => c.router.cellTimeoutMs), [1000, 1000, 1000]);
        });

        it("is at most the cell's own timeout: the router cannot wait for a cell longer than the cell lives", () => {
            const raw = edit(sized(50, 1, 3000), "cells", c => { c[1].timeoutSeconds = 2; });
            assert.deepEqual(problemsOf(raw), [
                "cellular:cells[1].router.cellTimeoutMs is 3000; the cell times out after 2 s (its timeoutSeconds), so the router cannot wait longer: at most 2000 ms",
            ]);
            assert.deepEqual(problemsOf(edit(raw, "cells", c => { c[1].timeoutSeconds = 3; })), []);
        });

        it("is a whole number of milliseconds from 1 to 28000, reported where it was set", () => {
            assert.deepEqual(problemsOf(sized(50, 50, 0)), ["cellular:defaults.router.cellTimeoutMs is 0; expected an integer from 1 to 28000"]);
            assert.deepEqual(problemsOf(edit(stackConfig("dev"), "cells", c => { c[0].router = { cellTimeoutMs: 1.5 }; })),
                ["cellular:cells[0].router.cellTimeoutMs is 1.5; expected an integer from 1 to 28000"]);
            assert.deepEqual(problemsOf(edit(stackConfig("dev"), "cells", c => { c[0].router = { budget: 5 }; })),
                ["cellular:cells[0].router.budget is 5; not a known setting; known: cellTimeoutMs"]);
        });
    });

    describe("the breakers' settings", () => {
        it("reads the thresholds, within their limits", () => {
            const raw = edit(stackConfig("dev"), "router", r => { r.breaker = { failureThreshold: 0, coolDownSeconds: 7, alarmMinutes: 2000 }; });
            assert.deepEqual(problemsOf(raw), [
                "cellular:router.breaker.failureThreshold is 0; expected an integer from 1 to 1000",
                "cellular:router.breaker.alarmMinutes is 2000; expected minutes from 1 to 1440 (CloudWatch evaluates an alarm over at most a day)",
            ]);
            const settings = loadSettings(edit(stackConfig("dev"), "router", r => { r.breaker = { coolDownSeconds: 7 }; }), { project: "cellular", stack: "dev" });
            assert.deepEqual(settings.router.breaker, { failureThreshold: 5, coolDownSeconds: 7, alarmMinutes: 3 });
        });
    });
});
