import { strict as assert } from "assert";
import { DEFAULTS, loadSettings } from "../../../components/config";
import { ROLLOUT_STRATEGIES, strategyMinutes } from "../../../components/rollout/strategies";
import { configProblems, Raw, stackConfig } from "../../fixtures/stack";

function withRollout(rollout: unknown, stack = "dev"): Raw {
    return { ...stackConfig(stack), "cellular:rollout": JSON.stringify(rollout) };
}

const problemsOf = (raw: Raw): string[] => configProblems(raw);

describe("the rollout settings (components/config/rollout-settings.ts)", () => {
    it("defaults to a 10 % canary for 5 minutes, a 10 minute bake and 100 requests per cell", () => {
        assert.deepEqual(DEFAULTS.rollout, {
            strategy: "canary10-5min", custom: { type: "canary", percentage: 10, intervalMinutes: 5 },
            deploymentTimeoutMinutes: 60, bakeMinutes: 10, preTrafficHook: false, minRequests: 100,
        });
    });

    it("ships dev all at once without a bake, and prod as a canary with a bake", () => {
        const dev = loadSettings(stackConfig("dev"), { project: "cellular", stack: "dev" }).rollout;
        const prod = loadSettings(stackConfig("prod"), { project: "cellular", stack: "prod" }).rollout;
        assert.deepEqual([dev.strategy, dev.bakeMinutes, dev.minRequests], ["all-at-once", 0, 0]);
        assert.deepEqual([prod.strategy, prod.bakeMinutes, prod.minRequests, prod.deploymentTimeoutMinutes], ["canary10-5min", 10, 100, 30]);
    });

    it("rejects a strategy CodeDeploy has no config for, naming the ones it has", () => {
        assert.deepEqual(problemsOf(withRollout({ strategy: "canary20-5min", bakeMinutes: 0, minRequests: 0 })), [
            `cellular:rollout.strategy is "canary20-5min"; expected one of ${Object.keys(ROLLOUT_STRATEGIES).join(", ")}`,
        ]);
    });

    it("rejects a wait no longer than the traffic shift", () => {
        assert.deepEqual(problemsOf(withRollout({ strategy: "linear10-10min", deploymentTimeoutMinutes: 90, bakeMinutes: 0, minRequests: 0 })), [
            "cellular:rollout.deploymentTimeoutMinutes is 90; strategy linear10-10min shifts traffic over 90 min; the wait must be longer than that",
        ]);
        assert.deepEqual(problemsOf(withRollout({ strategy: "custom", custom: { type: "linear", percentage: 25, intervalMinutes: 20 }, deploymentTimeoutMinutes: 60, bakeMinutes: 0, minRequests: 0 })), [
            "cellular:rollout.deploymentTimeoutMinutes is 60; strategy custom shifts traffic over 60 min; the wait must be longer than that",
        ]);
    });

    it("rejects a minimum of requests without a bake to serve them in", () => {
        assert.deepEqual(problemsOf(withRollout({ bakeMinutes: 0, minRequests: 10 })), [
            "cellular:rollout.minRequests is 10; a wave serves requests only while it bakes: set bakeMinutes above 0, or minRequests to 0",
        ]);
    });

    it("rejects minutes and counts out of range, and unknown keys, each with its key", () => {
        assert.deepEqual(problemsOf(withRollout({ bakeMinutes: -1, minRequests: 1.5, deploymentTimeoutMinutes: 1441, custom: { percentage: 100, steps: 3 }, strategy: "all-at-once" })), [
            "cellular:rollout.custom.steps is 3; not a known setting; known: type, percentage, intervalMinutes",
            "cellular:rollout.custom.percentage is 100; expected an integer from 1 to 99",
            "cellular:rollout.deploymentTimeoutMinutes is 1441; expected an integer from 1 to 1440",
            "cellular:rollout.bakeMinutes is -1; expected an integer from 0 to 1440",
            "cellular:rollout.minRequests is 1.5; expected an integer from 0 to 1000000000",
        ]);
    });

    it("budgets each cell's pre-traffic hook: one reserved instance, and its role", () => {
        const raw = stackConfig("dev");
        const on = { ...raw, "cellular:rollout": JSON.stringify({ ...JSON.parse(raw["cellular:rollout"]!), preTrafficHook: true }) };
        const settings = (r: Raw) => loadSettings(r, { project: "cellular", stack: "dev" });
        assert.equal(settings(on).reservedConcurrencyTotal, settings(raw).reservedConcurrencyTotal + 3);
        const tight = { ...on, "cellular:accountConcurrencyLimit": String(100 + settings(raw).reservedConcurrencyTotal + 2) };
        assert.deepEqual(problemsOf(tight), [
            "cellular:accountConcurrencyLimit is 197, which leaves 97 to reserve after the 100 AWS keeps unreserved, but the stack reserves 98 " +
            "(router 50 + 3 cells, up to 16 each, counting every function of the cell); lower the cells' reservedConcurrency settings or raise " +
            "cellular:accountConcurrencyLimit after a quota increase",
        ]);
    });

    it("knows how long each strategy shifts: a canary its interval, linear 10 % nine intervals", () => {
        const custom = { type: "canary" as const, percentage: 10, intervalMinutes: 5 };
        assert.deepEqual(Object.fromEntries(Object.keys(ROLLOUT_STRATEGIES).map(s => [s, strategyMinutes(s as keyof typeof ROLLOUT_STRATEGIES, custom)])), {
            "all-at-once": 0, "canary10-5min": 5, "canary10-10min": 10, "canary10-15min": 15, "canary10-30min": 30,
            "linear10-1min": 9, "linear10-2min": 18, "linear10-3min": 27, "linear10-10min": 90, custom: 5,
        });
        assert.equal(strategyMinutes("custom", { type: "linear", percentage: 30, intervalMinutes: 4 }), 12);
    });
});
