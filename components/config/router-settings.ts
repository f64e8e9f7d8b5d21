/** The router's settings (`cellular:router`): its function, its API, its throttling, the pinned customers and its breakers. Pure. */
import { BREAKER_DEFAULTS } from "../../handlers/lib/breaker";
import { CUSTOMER_ID_RULE, isValidCustomerId } from "../../handlers/lib/identifiers";
import { CORS_SETTINGS } from "./cors-settings";
import { ValuesOf, custom, integer, oneOf, section } from "./fields";
import { checkSynchronousFunction, logRetentionField, synchronousFunctionFields } from "./function-settings";
import { LIMITS } from "./limits";
import { isPlainObject } from "./problems";

export const ROUTER_MODES = ["invoke", "redirect"] as const;
export type RouterMode = (typeof ROUTER_MODES)[number];
export const API_KINDS = ["http", "rest"] as const;
export type ApiKind = (typeof API_KINDS)[number];

const QUOTA = "(the account's default API Gateway quota)";

export const ROUTER_SETTINGS = section("The router and the API in front of it", {
    mode: oneOf(ROUTER_MODES, { default: "invoke",
        description: "`invoke`: the router calls the cell and relays its answer; `redirect`: 307 to the cell's own endpoint" }),
    api: oneOf(API_KINDS, { default: "http", description: "API Gateway flavour in front of the router" }),
    ...synchronousFunctionFields({ memoryMb: 256, timeoutSeconds: 15, reservedConcurrency: 50, provisionedConcurrency: 0 }),
    throttle: section("Stage throttling", {
        rateLimit: integer({ min: LIMITS.apiThrottleRate.min, max: LIMITS.apiThrottleRate.max, default: 50,
            why: `expected requests per second from ${LIMITS.apiThrottleRate.min} to ${LIMITS.apiThrottleRate.max} ${QUOTA}`,
            description: "Requests per second" }),
        burstLimit: integer({ min: LIMITS.apiThrottleBurst.min, max: LIMITS.apiThrottleBurst.max, default: 100,
            why: `expected a burst from ${LIMITS.apiThrottleBurst.min} to ${LIMITS.apiThrottleBurst.max} ${QUOTA}`,
            description: "Burst" }),
    }),
    pinned: custom<Record<string, string>>({
        default: {}, type: "map", allowed: "customer id → cell id",
        description: "Customers pinned to a cell, overriding the hash",
        read(value, path, problems) {
            if (!isPlainObject(value)) {
                problems.add(path, value, "expected a map of customer ids to cell ids");
                return undefined;
            }
            const pinned: Record<string, string> = {};
            for (const [customer, cell] of Object.entries(value)) {
                if (!isValidCustomerId(customer)) problems.add(path, customer, CUSTOMER_ID_RULE);
                else if (typeof cell !== "string") problems.add(`${path}.${customer}`, cell, "expected a cell id");
                else pinned[customer] = cell;
            }
            return pinned;
        },
    }),
    cors: CORS_SETTINGS,
    logRetentionDays: logRetentionField(30, "Retention of the router's and its API's log groups, in days"),
    breaker: section("Per-cell circuit breakers, in each router instance (invoke mode)", {
        failureThreshold: integer({ min: 1, max: 1000, default: BREAKER_DEFAULTS.failureThreshold,
            description: "Consecutive timeouts or 5xx from one cell that open its breaker in a router instance" }),
        coolDownSeconds: integer({ min: 1, max: 3600, default: BREAKER_DEFAULTS.coolDownSeconds,
            description: "How long an open breaker answers the cell's customers 503 with Retry-After, without invoking, before it lets one probe through" }),
        alarmMinutes: integer({ min: 1, max: 1440, default: 3,
            why: "expected minutes from 1 to 1440 (CloudWatch evaluates an alarm over at most a day)",
            description: "A cell's breaker alarm fires when breakers refused its customers in each of this many consecutive minutes" }),
    }),
}, (v, at) => checkSynchronousFunction(v, at, "the router sits behind API Gateway and"));

export type RouterSettings = ValuesOf<typeof ROUTER_SETTINGS.fields>;
