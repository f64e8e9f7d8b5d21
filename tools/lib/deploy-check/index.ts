/** The deploy check: what `pulumi up` would have the provider or AWS refuse, found in the plan (see rules.ts). */
export { deployCheck, DeployCheck, DeployCheckOptions, Finding } from "./check";
export { deployCheckJson, formatDeployCheck } from "./report";
export { RULES } from "./rules";
