/**
 * The stack's settings: every `cellular:*` key is read here, and only here, and validated in full before any
 * resource is registered. All problems are collected and reported at once, each naming the key path, the value
 * given and what is allowed.
 *
 * It takes the raw key/value map Pulumi holds (`pulumi.runtime.allConfig()`: values are strings, objects
 * JSON-encoded), so the plan, the route command and the tests read a stack exactly as `pulumi up` does.
 */
import { Names, REGION_PATTERN } from "../names";
import { ALARM_SETTINGS, AlarmSettings, NO_RECIPIENT, SNS_TOPIC_ARN, namesNoRecipient } from "./alarm-settings";
import { AUTH_SETTINGS, AuthSettings, NO_ISSUER, namesNoIssuer } from "./auth-settings";
import { CELL_ENTRY, CELL_SETTINGS, CellSettings, toCellSettings } from "./cell-settings";
import { checkCells, checkConcurrencyBudget, checkNames, checkQuotas, checkRouter, checkSources } from "./checks";
import { ValuesOf, boolean, checkKeys, custom, defaultsOf, integer, oneOf, optionalCustom, readField, readSection, section } from "./fields";
import { LIMITS } from "./limits";
import { Plain, Problems, deepMerge, isPlainObject } from "./problems";
import { QUOTAS_SECTION, Quotas, quotasIn } from "./quotas";
import { ROLLOUT_SETTINGS, RolloutSettings } from "./rollout-settings";
import { ROUTER_SETTINGS, RouterSettings } from "./router-settings";
import { TAGS_FIELD } from "./tags";

export const ISOLATIONS = ["none", "vpc"] as const;
export type Isolation = (typeof ISOLATIONS)[number];

const CELLS_EXPECTED = "list the cells (each with an id), or set cellular:cellCount";

/** Every `cellular:*` key, in the order they are read and documented. */
export const STACK_SETTINGS = section("The stack", {
    tags: TAGS_FIELD,
    accountConcurrencyLimit: integer({ min: LIMITS.unreservedMinimum + 1, max: LIMITS.accountConcurrency.max, default: 1000,
        allowed: `the stack's reserved concurrency must stay ≤ this − ${LIMITS.unreservedMinimum}`,
        description: "The account's Lambda concurrency quota in the stack's region" }),
    protectData: boolean({ default: true,
        description: "Protect every resource that holds data (tables, queues, the bucket, the stream, the user pool): `protect`, `retainOnDelete` and AWS's deletion protection; `false` for throwaway stacks, whose destroy then deletes them with their data" }),
    acceptDataLoss: custom<string[]>({ default: [], type: "list of names",
        allowed: "physical names this configuration would delete; each must be one",
        description: "The tables, queues, buckets, streams or user pool that a change may delete with their data (the program refuses such a change otherwise, naming the setting); remove an entry once deployed",
        read(value, path, problems) {
            if (Array.isArray(value) && value.every(v => typeof v === "string" && v.length > 0) && new Set(value).size === value.length) return value as string[];
            problems.add(path, value, "expected a list of distinct physical names, e.g. [\"cellular-dev-cell-c-queue\"]");
            return undefined;
        } }),
    isolation: oneOf(ISOLATIONS, { default: "none",
        description: "`vpc`: each cell gets its own VPC with two isolated subnets (no NAT, no internet gateway), DynamoDB and S3 gateway endpoints and STS and SQS interface endpoints (billed per hour and zone), and its functions run there, reaching those endpoints alone" }),
    cellCount: optionalCustom<number>({ type: "integer", allowed: `${LIMITS.cells.min}–${LIMITS.cells.max}; with \`cells\`, must equal its length`,
        description: "Instead of `cells`: generates `cell-001`, `cell-002`, ...",
        read: integer({ min: LIMITS.cells.min, max: LIMITS.cells.max, default: 0, description: "" }).read }),
    cells: custom<Plain[]>({ default: [], type: "list", required: CELLS_EXPECTED,
        allowed: `${LIMITS.cells.min}–${LIMITS.cells.max} cells: \`{ id, wave?, state?, ...cell settings }\``,
        description: "The cells, in routing order (cells are only ever appended)",
        read(value, path, problems) {
            if (!Array.isArray(value)) {
                problems.add(path, value, "expected a list of cells, each an object with an id");
                return undefined;
            }
            if (value.length < LIMITS.cells.min || value.length > LIMITS.cells.max) {
                problems.add(path, `${value.length} cells`, `expected ${LIMITS.cells.min} to ${LIMITS.cells.max} cells`);
            }
            return value.map((c, i) => {
                if (isPlainObject(c)) return c;
                problems.add(`${path}[${i}]`, c, "expected an object with an id");
                return {};
            });
        } }),
    defaults: CELL_SETTINGS,
    router: ROUTER_SETTINGS,
    auth: AUTH_SETTINGS,
    alarms: ALARM_SETTINGS,
    rollout: ROLLOUT_SETTINGS,
    quotas: QUOTAS_SECTION,
});

export type StackKey = keyof typeof STACK_SETTINGS.fields;
export const STACK_KEYS = Object.keys(STACK_SETTINGS.fields) as StackKey[];

/** The stack's settings, read and validated. */
export interface StackSettings {
    project: string;
    stack: string;
    region: string;
    /** Tags on every taggable resource (includes `cost-center` and `environment`; `cell` is added per resource). */
    tags: Record<string, string>;
    accountConcurrencyLimit: number;
    /** Whether resources that hold data are protected from deletion and replacement (components/data-protection.ts). */
    protectData: boolean;
    /** Names of data-holding resources the user accepts to lose in this change (components/data-shape.ts). */
    acceptDataLoss: string[];
    isolation: Isolation;
    cells: CellSettings[];
    router: RouterSettings;
    /** Who a caller is: the token issuer, the tenant claim, the scopes. */
    auth: AuthSettings;
    /** Who hears the alarms. */
    alarms: AlarmSettings;
    /** How new code takes traffic: the CodeDeploy shift per cell, and the gates between waves. */
    rollout: RolloutSettings;
    /** Reserved concurrency summed over every function of the stack. */
    reservedConcurrencyTotal: number;
    /** The account's quotas the stack is checked against (AWS's defaults unless `cellular:quotas` says more). */
    quotas: Quotas;
    names: Names;
}

/** The built-in defaults (tests pin them; the README's configuration reference is generated from the same table). */
export const DEFAULTS = {
    accountConcurrencyLimit: STACK_SETTINGS.fields.accountConcurrencyLimit.default,
    isolation: STACK_SETTINGS.fields.isolation.default,
    cell: defaultsOf(CELL_SETTINGS),
    router: defaultsOf(ROUTER_SETTINGS),
    rollout: defaultsOf(ROLLOUT_SETTINGS),
};

export interface LoadOptions {
    project: string;
    stack: string;
}

const key = (k: string) => `cellular:${k}`;

/**
 * Reads and validates the stack's settings.
 *
 * @param raw the stack's config as Pulumi holds it: `{ "cellular:cells": "[...]", "aws:region": "us-east-1" }`.
 * @throws ConfigError listing every problem.
 */
export function loadSettings(raw: Record<string, string>, options: LoadOptions): StackSettings {
    const problems = new Problems();
    const names = new Names(options.project, options.stack, raw["aws:region"] || "us-east-1");
    const fields = STACK_SETTINGS.fields;

    if (!/^[a-z][a-z0-9-]*$/.test(names.prefix)) {
        problems.add("the project and stack name", names.prefix,
            "physical names start with <project>-<stack> and must be lowercase letters, digits and hyphens " +
            "(S3 and DNS rules); use a lowercase stack name");
    }
    const values = parseRaw(raw, problems);
    const region = raw["aws:region"];
    if (region === undefined || region === "") {
        problems.add("aws:region", undefined, "set it with `pulumi config set aws:region <region>`");
    } else if (!REGION_PATTERN.test(region)) {
        problems.add("aws:region", region, "expected an AWS region name such as us-east-1 or ap-southeast-2");
    }

    const tags = readField(fields.tags, values.tags, key("tags"), problems);
    const accountConcurrencyLimit = readField(fields.accountConcurrencyLimit, values.accountConcurrencyLimit, key("accountConcurrencyLimit"), problems);
    const isolation = readField(fields.isolation, values.isolation, key("isolation"), problems);
    const protectData = readField(fields.protectData, values.protectData, key("protectData"), problems);
    const acceptDataLoss = readField(fields.acceptDataLoss, values.acceptDataLoss, key("acceptDataLoss"), problems);

    // Stack-wide cell settings, then each cell's own on top.
    checkKeys(CELL_SETTINGS, values.defaults, key("defaults"), problems);
    const defaults = isPlainObject(values.defaults) ? values.defaults : {};
    const entries = readCellEntries(values.cells, values.cellCount, problems);
    checkKeys(ROUTER_SETTINGS, values.router, key("router"), problems);
    const router = readSection(ROUTER_SETTINGS, values.router, at => `${key("router")}.${at.join(".")}`, problems);
    const cells = entries.map((entry, index) => readCell(entry, index, defaults, problems));
    if (values.auth === undefined) problems.add(key("auth"), undefined, NO_ISSUER);
    else if (isPlainObject(values.auth) && namesNoIssuer(values.auth)) problems.add(`${key("auth")}.issuer`, undefined, NO_ISSUER);
    checkKeys(AUTH_SETTINGS, values.auth, key("auth"), problems);
    const auth = readSection(AUTH_SETTINGS, values.auth ?? { cognito: true }, at => `${key("auth")}.${at.join(".")}`, problems);

    if (values.alarms === undefined) problems.add(key("alarms"), undefined, NO_RECIPIENT);
    else if (namesNoRecipient(values.alarms)) problems.add(`${key("alarms")}.emails`, undefined, NO_RECIPIENT);
    checkKeys(ALARM_SETTINGS, values.alarms, key("alarms"), problems);
    const alarms = readSection(ALARM_SETTINGS, values.alarms ?? {}, at => `${key("alarms")}.${at.join(".")}`, problems);
    const topicRegion = alarms.topicArn !== undefined ? SNS_TOPIC_ARN.exec(alarms.topicArn)?.[2] : undefined;
    if (topicRegion !== undefined && region && topicRegion !== region) {
        problems.add(`${key("alarms")}.topicArn`, alarms.topicArn, `CloudWatch alarms notify topics of their own region only; expected a topic in ${region}`);
    }

    checkKeys(ROLLOUT_SETTINGS, values.rollout, key("rollout"), problems);
    const rollout = readSection(ROLLOUT_SETTINGS, values.rollout, at => `${key("rollout")}.${at.join(".")}`, problems);

    const shape = { names, region: region || "us-east-1", cells, router, auth, alarms, isolation, preTrafficHook: rollout.preTrafficHook };
    checkCells(problems, cells);
    checkSources(problems, shape);
    if (cells.length > 0) checkNames(problems, shape);
    checkRouter(problems, router, cells);
    const reservedConcurrencyTotal = checkConcurrencyBudget(problems, cells, router, auth, accountConcurrencyLimit, rollout.preTrafficHook);
    checkKeys(QUOTAS_SECTION, values.quotas, key("quotas"), problems);
    const configured = readSection(QUOTAS_SECTION, values.quotas, at => `${key("quotas")}.${at.join(".")}`, problems);
    // What the user did not set is AWS's default in the stack's region.
    const quotas = quotasIn(region || "us-east-1", isPlainObject(values.quotas)
        ? Object.fromEntries(Object.keys(values.quotas).filter(k => k in configured).map(k => [k, configured[k as keyof Quotas]])) : {});
    if (cells.length > 0) checkQuotas(problems, shape, quotas);

    problems.throwIfAny();
    return {
        project: options.project,
        stack: options.stack,
        region: region as string,
        tags,
        accountConcurrencyLimit,
        protectData,
        acceptDataLoss,
        isolation,
        cells,
        router,
        auth,
        alarms,
        rollout,
        reservedConcurrencyTotal,
        quotas,
        names,
    };
}

/** Decodes the `cellular:*` values: Pulumi keeps every value as a string and objects as JSON. */
function parseRaw(raw: Record<string, string>, problems: Problems): Partial<Record<StackKey, unknown>> {
    const out: Partial<Record<StackKey, unknown>> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith("cellular:")) continue;
        const k = fullKey.slice("cellular:".length);
        if (!(STACK_KEYS as string[]).includes(k)) {
            problems.add(fullKey, text, `not a known setting; known: ${STACK_KEYS.map(key).join(", ")}`);
            continue;
        }
        out[k as StackKey] = decode(text);
    }
    return out;
}

/** A config string as the value it stands for: JSON when it parses as JSON (numbers, booleans, objects), else text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** The raw cell entries: `cellular:cells` (a list), or `cellular:cellCount` generated ids `cell-001`, ... */
function readCellEntries(cells: unknown, cellCount: unknown, problems: Problems): Plain[] {
    const fields = STACK_SETTINGS.fields;
    // An unacceptable count is reported and counts as 0 (no cells are generated).
    const count = cellCount === undefined ? undefined : readField(fields.cellCount, cellCount, key("cellCount"), problems) ?? 0;
    if (cells === undefined) {
        if (count === undefined) {
            problems.add(key("cells"), undefined, CELLS_EXPECTED);
            return [];
        }
        const width = Math.max(3, String(count).length);
        return Array.from({ length: count }, (_, i) => ({ id: `cell-${String(i + 1).padStart(width, "0")}` }));
    }
    const entries = readField(fields.cells, cells, key("cells"), problems);
    if (count !== undefined && count !== 0 && count !== entries.length) {
        problems.add(key("cellCount"), count, `must equal the number of cells listed in cellular:cells (${entries.length}), or be left out`);
    }
    return entries;
}

/** Whether `segments` name a key that `raw` sets (through nested objects). */
function sets(raw: Plain, segments: readonly string[]): boolean {
    let current: unknown = raw;
    for (const segment of segments) {
        if (!isPlainObject(current) || !(segment in current)) return false;
        current = current[segment];
    }
    return true;
}

/**
 * One cell: the stack-wide settings with the cell's own on top. A problem is reported at the key that holds the
 * offending value: the cell's own path when the cell sets it, else cellular:defaults.
 */
function readCell(entry: Plain, index: number, defaults: Plain, problems: Problems): CellSettings {
    const path = `cellular:cells[${index}]`;
    const entryKeys = Object.keys(CELL_ENTRY.fields);
    checkKeys(CELL_SETTINGS, entry, path, problems, entryKeys);
    const own: Plain = Object.fromEntries(Object.entries(entry).filter(([k]) => !entryKeys.includes(k)));
    const identity: ValuesOf<typeof CELL_ENTRY.fields> = readSection(CELL_ENTRY, entry, at => `${path}.${at.join(".")}`, problems);
    const settings = readSection(CELL_SETTINGS, deepMerge(defaults, own),
        at => `${sets(own, at) ? path : key("defaults")}.${at.join(".")}`, problems);
    return toCellSettings(identity, index, settings);
}
