/**
 * The traffic shifts `cellular:rollout.strategy` names, as CodeDeploy knows them: its predefined Lambda deployment
 * configs (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html), and `custom`,
 * a deployment config of the stack's own. Pure.
 */

export interface CustomShift {
    type: "canary" | "linear";
    percentage: number;
    intervalMinutes: number;
}

interface Strategy {
    /** The predefined config's name; absent for `custom`. */
    config?: string;
    /** How long the shift takes, in minutes. */
    minutes: number;
}

export const ROLLOUT_STRATEGIES = {
    "all-at-once": { config: "CodeDeployDefault.LambdaAllAtOnce", minutes: 0 },
    "canary10-5min": { config: "CodeDeployDefault.LambdaCanary10Percent5Minutes", minutes: 5 },
    "canary10-10min": { config: "CodeDeployDefault.LambdaCanary10Percent10Minutes", minutes: 10 },
    "canary10-15min": { config: "CodeDeployDefault.LambdaCanary10Percent15Minutes", minutes: 15 },
    "canary10-30min": { config: "CodeDeployDefault.LambdaCanary10Percent30Minutes", minutes: 30 },
    // Ten steps of 10 %: the last one at 9 intervals.
    "linear10-1min": { config: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute", minutes: 9 },
    "linear10-2min": { config: "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes", minutes: 18 },
    "linear10-3min": { config: "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes", minutes: 27 },
    "linear10-10min": { config: "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", minutes: 90 },
    "custom": { minutes: 0 },
} as const satisfies Record<string, Strategy>;

export type RolloutStrategy = keyof typeof ROLLOUT_STRATEGIES;

/** How long a strategy takes to move every request to the new version, in minutes. */
export function strategyMinutes(strategy: RolloutStrategy, custom: CustomShift): number {
    if (strategy !== "custom") return ROLLOUT_STRATEGIES[strategy].minutes;
    if (custom.type === "canary") return custom.intervalMinutes;
    return (Math.ceil(100 / custom.percentage) - 1) * custom.intervalMinutes;
}

/** The predefined CodeDeploy config of a strategy, or undefined for `custom` (the stack creates its own). */
export function predefinedConfig(strategy: RolloutStrategy): string | undefined {
    const s: Strategy = ROLLOUT_STRATEGIES[strategy];
    return s.config;
}

/** The `trafficRoutingConfig` of a custom deployment config (aws.codedeploy.DeploymentConfig). */
export function trafficRouting(custom: CustomShift): { type: "TimeBasedCanary"; timeBasedCanary: { percentage: number; interval: number } }
    | { type: "TimeBasedLinear"; timeBasedLinear: { percentage: number; interval: number } } {
    const step = { percentage: custom.percentage, interval: custom.intervalMinutes };
    return custom.type === "canary" ? { type: "TimeBasedCanary", timeBasedCanary: step } : { type: "TimeBasedLinear", timeBasedLinear: step };
}
