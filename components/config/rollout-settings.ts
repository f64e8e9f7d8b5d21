/**
 * How a change reaches traffic (`cellular:rollout`): the CodeDeploy traffic shift of each cell's API function, how
 * long `pulumi up` waits for one, and the gate between waves (bake time, alarms, the traffic a wave must have served).
 * Pure: the strategies' CodeDeploy names live in components/rollout/strategies.ts.
 */
import { ROLLOUT_STRATEGIES, RolloutStrategy, strategyMinutes } from "../rollout/strategies";
import { ValuesOf, boolean, integer, oneOf, section } from "./fields";

/** The longest `pulumi up` waits for one deployment, and the longest bake; a day. */
export const MAX_ROLLOUT_MINUTES = 1440;

export const ROLLOUT_SETTINGS = section("How new code takes traffic: per cell through CodeDeploy, then wave after wave", {
    strategy: oneOf(Object.keys(ROLLOUT_STRATEGIES) as RolloutStrategy[], { default: "canary10-5min",
        description: "How CodeDeploy shifts the `live` alias of each cell's API function to a new version: `canary<p>-<m>min` moves p % first and the rest after m minutes, `linear10-<m>min` 10 % every m minutes, `all-at-once` at once, `custom` as `custom.*` says; an alarm of the cell on the way rolls it back" }),
    custom: section("The traffic shift of `strategy: custom` (a CodeDeploy deployment config of the stack's own)", {
        type: oneOf(["canary", "linear"] as const, { default: "canary",
            description: "`canary`: `percentage` % first, the rest after `intervalMinutes`; `linear`: `percentage` % more every `intervalMinutes`" }),
        percentage: integer({ min: 1, max: 99, default: 10, description: "Percent of the traffic shifted per step" }),
        intervalMinutes: integer({ min: 1, max: MAX_ROLLOUT_MINUTES, default: 5, description: "Minutes between steps" }),
    }),
    deploymentTimeoutMinutes: integer({ min: 1, max: MAX_ROLLOUT_MINUTES, default: 60,
        allowed: `1–${MAX_ROLLOUT_MINUTES}; longer than the strategy's traffic shift`,
        description: "How long `pulumi up` waits for one cell's deployment before it stops it (rolling back) and fails" }),
    bakeMinutes: integer({ min: 0, max: MAX_ROLLOUT_MINUTES, default: 10,
        description: "After every deployment of a wave succeeded, how long the wave runs the new code, its alarms watched, before the next wave starts (0: no wait)" }),
    preTrafficHook: boolean({ default: false,
        description: "Each cell gets a function that CodeDeploy runs before shifting any traffic: it sends the new version a request without a token and fails the deployment unless the answer is the expected 401" }),
    minRequests: integer({ min: 0, max: 1_000_000_000, default: 100,
        allowed: "0–1000000000; above 0 needs bakeMinutes above 0",
        description: "Requests each cell of a wave must have served (its API function's Invocations) during the bake for the next wave to start (0: no minimum)" }),
}, (v, at) => {
    const minutes = strategyMinutes(v.strategy, v.custom);
    if (v.deploymentTimeoutMinutes <= minutes) {
        at.problem("deploymentTimeoutMinutes", v.deploymentTimeoutMinutes,
            `strategy ${v.strategy} shifts traffic over ${minutes} min; the wait must be longer than that`);
    }
    if (v.minRequests > 0 && v.bakeMinutes === 0) {
        at.problem("minRequests", v.minRequests, "a wave serves requests only while it bakes: set bakeMinutes above 0, or minRequests to 0");
    }
});

export type RolloutSettings = ValuesOf<typeof ROLLOUT_SETTINGS.fields>;
