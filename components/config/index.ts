/**
 * The stack's settings (`cellular:*`): what the program, the tools and the tests read. The declarations live in
 * the modules beside this one; this module only gathers what callers use.
 */
export { ConfigError, isConfigError } from "./problems";
export { DEFAULTS, loadSettings, STACK_SETTINGS } from "./stack-settings";
export type { Isolation, LoadOptions, StackSettings } from "./stack-settings";
export { LIMITS } from "./limits";
export type { CellSettings, CellState, EventSources } from "./cell-settings";
export type { RouterSettings, RouterMode, ApiKind } from "./router-settings";
export type { RolloutSettings } from "./rollout-settings";
export type { AsyncSettings, DestinationKind } from "./async-settings";
export type { FunctionSettings, SynchronousFunctionSettings } from "./function-settings";
export { REQUIRED_TAGS, SHARED_CELL_TAG } from "./tags";
