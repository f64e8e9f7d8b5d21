import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    Admission,
    BREAKER_DEFAULTS,
    BREAKER_ENV,
    breakerSettingsFromEnv,
    CallOutcome,
    CellBreakers,
    CircuitBreaker,
    outcomeOfStatus,
} from "../../../handlers/lib/breaker";

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
    let t = start;
    return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const SETTINGS = { failureThreshold: 3, coolDownSeconds: 10 };

/** Admits one call (asserting it goes ahead) and records its outcome. */
function call(breaker: CircuitBreaker, outcome: CallOutcome) {
    const admission = breaker.admit();
    assert.ok(admission.admitted, "expected the call to go ahead");
    return { admission, transition: breaker.record(outcome, admission) };
}

describe("circuit breaker (handlers/lib/breaker.ts)", () => {
    describe("the state machine, time injected", () => {
        it("goes closed -> open -> half-open -> closed", () => {
            const c = clock();
            const breaker = new CircuitBreaker(SETTINGS, c.now);
            assert.equal(breaker.state, "closed");
            assert.equal(call(breaker, "failure").transition, undefined);
            assert.equal(call(breaker, "failure").transition, undefined);
            assert.equal(call(breaker, "failure").transition, "opened");
            assert.equal(breaker.state, "open");
            assert.deepEqual(breaker.admit(), { admitted: false, retryAfterSeconds: 10 });

            c.advance(9_999);
            assert.equal(breaker.state, "open");
            assert.deepEqual(breaker.admit(), { admitted: false, retryAfterSeconds: 1 });
            c.advance(1);
            assert.equal(breaker.state, "half-open");
            const probe = breaker.admit();
            assert.deepEqual(probe, { admitted: true, probe: true });
            assert.equal(breaker.record("success", probe as { probe: boolean }), "closed");
            assert.equal(breaker.state, "closed");
            assert.deepEqual(breaker.admit(), { admitted: true, probe: false });
        });

        it("opens only on consecutive failures: a success starts the count again, a neutral result does not", () => {
            const breaker = new CircuitBreaker(SETTINGS, clock().now);
            call(breaker, "failure");
            call(breaker, "failure");
            call(breaker, "success");
            call(breaker, "failure");
            call(breaker, "failure");
            assert.equal(breaker.state, "closed");
            call(breaker, "neutral");
            assert.equal(call(breaker, "failure").transition, "opened");
        });

        it("says how long until a probe may go, in whole seconds rounded up", () => {
            const c = clock();
            const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownSeconds: 30 }, c.now);
            call(breaker, "failure");
            const retryAfter = () => (breaker.admit() as Extract<Admission, { admitted: false }>).retryAfterSeconds;
            assert.equal(retryAfter(), 30);
            c.advance(1);
            assert.equal(retryAfter(), 30);
            c.advance(999);
            assert.equal(retryAfter(), 29);
            c.advance(28_500);
            assert.equal(retryAfter(), 1);
        });

        it("lets exactly one probe through; others wait for its result", () => {
            const c = clock();
            const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownSeconds: 5 }, c.now);
            call(breaker, "failure");
            c.advance(5_000);
            const probe = breaker.admit();
            assert.deepEqual(probe, { admitted: true, probe: true });
            assert.deepEqual(breaker.admit(), { admitted: false, retryAfterSeconds: 1 });
            assert.deepEqual(breaker.admit(), { admitted: false, retryAfterSeconds: 1 });
        });

        it("opens again for a full cool-down when the probe fails", () => {
            const c = clock();
            const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownSeconds: 10 }, c.now);
            call(breaker, "failure");
            call(breaker, "failure");
            c.advance(12_000);
            const probe = breaker.admit();
            assert.equal(breaker.record("failure", probe as { probe: boolean }), undefined, "still open: no new transition to report");
            assert.equal(breaker.state, "open");
            assert.deepEqual(breaker.admit(), { admitted: false, retryAfterSeconds: 10 });
            c.advance(10_000);
            assert.equal(breaker.state, "half-open");
        });

        it("stays half-open when the probe says nothing (a throttle): the next call probes", () => {
            const c = clock();
            const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownSeconds: 1 }, c.now);
            call(breaker, "failure");
            c.advance(1_000);
            const probe = breaker.admit();
            assert.equal(breaker.record("neutral", probe as { probe: boolean }), undefined);
            assert.equal(breaker.state, "half-open");
            assert.deepEqual(breaker.admit(), { admitted: true, probe: true });
        });

        it("ignores calls admitted while closed that come back after it opened: only the probe decides", () => {
            const c = clock();
            const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownSeconds: 10 }, c.now);
            const early = breaker.admit() as { admitted: true; probe: boolean };
            call(breaker, "failure");
            assert.equal(breaker.record("success", early), undefined);
            assert.equal(breaker.state, "open");
            c.advance(10_000);
            const late = breaker.admit() as { admitted: true; probe: boolean };
            assert.equal(late.probe, true);
            assert.equal(breaker.record("failure", early), undefined);
            assert.equal(breaker.state, "half-open");
            assert.equal(breaker.record("success", late), "closed");
        });

        it("needs the full threshold again after it closed", () => {
            const c = clock();
            const breaker = new CircuitBreaker(SETTINGS, c.now);
            for (let i = 0; i < 3; i++) call(breaker, "failure");
            c.advance(10_000);
            breaker.record("success", breaker.admit() as { probe: boolean });
            call(breaker, "failure");
            call(breaker, "failure");
            assert.equal(breaker.state, "closed");
            assert.equal(call(breaker, "failure").transition, "opened");
        });
    });

    describe("one breaker per cell", () => {
        it("never refuses a cell's calls for another cell's failures", () => {
            const c = clock();
            const breakers = new CellBreakers({ failureThreshold: 2, coolDownSeconds: 10 }, c.now);
            call(breakers.of("cell-a"), "failure");
            call(breakers.of("cell-a"), "failure");
            assert.equal(breakers.of("cell-a").state, "open");
            assert.equal(breakers.of("cell-b").state, "closed");
            assert.deepEqual(breakers.of("cell-b").admit(), { admitted: true, probe: false });
            // The same breaker on every use: its state is kept.
            assert.equal(breakers.of("cell-a"), breakers.of("cell-a"));
            call(breakers.of("cell-b"), "failure");
            assert.equal(breakers.of("cell-b").state, "closed", "cell-b counts its own failures only");
        });
    });

    describe("what an answer says about the cell", () => {
        it("counts 5xx as failures, 429 and 413 as nothing, anything else as the cell answering", () => {
            const cases: Array<[number, CallOutcome]> = [
                [200, "success"], [201, "success"], [204, "success"], [307, "success"], [400, "success"], [404, "success"],
                [412, "success"], [413, "neutral"], [429, "neutral"], [500, "failure"], [502, "failure"], [503, "failure"],
                [504, "failure"], [599, "failure"],
            ];
            assert.deepEqual(cases.map(([status]) => [status, outcomeOfStatus(status)]), cases);
        });
    });

    describe("settings from the router's environment", () => {
        it("reads positive integers, and defaults what is absent", () => {
            assert.deepEqual(breakerSettingsFromEnv({}), { settings: { ...BREAKER_DEFAULTS }, problems: [] });
            assert.deepEqual(breakerSettingsFromEnv({ [BREAKER_ENV.failureThreshold]: "2", [BREAKER_ENV.coolDownSeconds]: "45" }),
                { settings: { failureThreshold: 2, coolDownSeconds: 45 }, problems: [] });
        });

        it("keeps the default and says why for anything else", () => {
            assert.deepEqual(breakerSettingsFromEnv({ BREAKER_FAILURE_THRESHOLD: "0", BREAKER_COOL_DOWN_SECONDS: "1.5" }), {
                settings: { ...BREAKER_DEFAULTS },
                problems: [
                    `BREAKER_FAILURE_THRESHOLD is "0"; expected a positive integer (using ${BREAKER_DEFAULTS.failureThreshold})`,
                    `BREAKER_COOL_DOWN_SECONDS is "1.5"; expected a positive integer (using ${BREAKER_DEFAULTS.coolDownSeconds})`,
                ],
            });
            assert.equal(breakerSettingsFromEnv({ BREAKER_FAILURE_THRESHOLD: " 3" }).problems.length, 1);
            assert.equal(breakerSettingsFromEnv({ BREAKER_FAILURE_THRESHOLD: "1e3" }).problems.length, 1);
        });
    });

    describe("against a reference model (an explicit transition table), over random histories", () => {
        type RefState = { kind: "closed"; failures: number } | { kind: "open"; until: number; probeOut: boolean };

        /** The specification, written as a table of transitions rather than flags. */
        class Reference {
            state: RefState = { kind: "closed", failures: 0 };
            constructor(private readonly threshold: number, private readonly coolDownMs: number) {}

            admit(now: number): { admitted: boolean; probe: boolean } {
                const s = this.state;
                if (s.kind === "closed") return { admitted: true, probe: false };
                if (now >= s.until && !s.probeOut) {
                    this.state = { ...s, probeOut: true };
                    return { admitted: true, probe: true };
                }
                return { admitted: false, probe: false };
            }

            record(now: number, outcome: CallOutcome, probe: boolean): void {
                const s = this.state;
                if (probe && s.kind === "open") {
                    this.state = outcome === "success" ? { kind: "closed", failures: 0 }
                        : outcome === "failure" ? { kind: "open", until: now + this.coolDownMs, probeOut: false }
                            : { ...s, probeOut: false };
                    return;
                }
                if (s.kind !== "closed") return;
                if (outcome === "success") this.state = { kind: "closed", failures: 0 };
                if (outcome === "failure") {
                    const failures = s.failures + 1;
                    this.state = failures >= this.threshold ? { kind: "open", until: now + this.coolDownMs, probeOut: false } : { kind: "closed", failures };
                }
            }
        }

        const outcome = fc.constantFrom<CallOutcome>("success", "failure", "neutral");
        const step = fc.oneof(
            fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 4_000 }) }),
            fc.record({ kind: fc.constant("admit" as const) }),
            fc.record({ kind: fc.constant("record" as const), pick: fc.nat(), outcome }),
            // A call that comes back before the next one starts: what one Lambda instance sees.
            fc.record({ kind: fc.constant("call" as const), outcome }),
        );

        it("admits exactly the calls the reference admits, and reports the same state", () => {
            fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.array(step, { minLength: 20, maxLength: 200, size: "max" }),
                (threshold, coolDownSeconds, steps) => {
                    const c = clock(0);
                    const breaker = new CircuitBreaker({ failureThreshold: threshold, coolDownSeconds }, c.now);
                    const reference = new Reference(threshold, coolDownSeconds * 1000);
                    const outstanding: Array<{ probe: boolean }> = [];
                    for (const s of steps) {
                        if (s.kind === "advance") c.advance(s.ms);
                        if (s.kind === "call") {
                            const got = breaker.admit();
                            const want = reference.admit(c.now());
                            assert.equal(got.admitted, want.admitted);
                            if (got.admitted) {
                                assert.equal(got.probe, want.probe);
                                breaker.record(s.outcome, got);
                                reference.record(c.now(), s.outcome, want.probe);
                            }
                        }
                        if (s.kind === "admit") {
                            const got = breaker.admit();
                            const want = reference.admit(c.now());
                            assert.equal(got.admitted, want.admitted);
                            if (got.admitted) {
                                assert.equal(got.probe, want.probe);
                                outstanding.push({ probe: got.probe });
                            }
                        }
                        if (s.kind === "record" && outstanding.length > 0) {
                            const [ticket] = outstanding.splice(s.pick % outstanding.length, 1);
                            breaker.record(s.outcome, ticket!);
                            reference.record(c.now(), s.outcome, ticket!.probe);
                        }
                        const r = reference.state;
                        const expected = r.kind === "closed" ? "closed" : c.now() < r.until ? "open" : "half-open";
                        assert.equal(breaker.state, expected);
                    }
                }), { numRuns: 300 });
        });
    });
});
