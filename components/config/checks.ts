/**
 * The checks across the stack's settings, after every section was read: unique cell ids, waves without gaps,
 * physical names within AWS's limits, pins naming known cells, cells that time out before the router that invokes
 * them, a router sized for its stage throttle at the cells' time budgets, the account's concurrency budget, and
 * the AWS quotas the stack would exceed.
 */
import { cellFunctions, cellNames, CELL_ALARMS, enabledSources } from "../cell-inventory";
import { GATEWAY_ENDPOINTS } from "../cell-network-layout";
import { EVENT_SOURCE_KINDS, moduleOf } from "../event-sources/registry";
import { IDENTITY_OWNER, Names, PhysicalName, nameProblems } from "../names";
import { invokeGrantShards } from "../router-grants";
import { PRE_TRAFFIC_HOOK } from "../rollout/hook-function";
import { usesDestination } from "./async-settings";
import type { AlarmSettings } from "./alarm-settings";
import type { AuthSettings } from "./auth-settings";
import type { CellSettings } from "./cell-settings";
import { LIMITS } from "./limits";
import { Problems } from "./problems";
import { QUOTA_NAMES, QUOTAS, Quotas } from "./quotas";
import type { RouterSettings } from "./router-settings";

export interface StackShape {
    names: Names;
    region: string;
    cells: CellSettings[];
    router: RouterSettings;
    auth: AuthSettings;
    alarms: AlarmSettings;
    isolation: "none" | "vpc";
    /** Whether each cell has a pre-traffic hook (`cellular:rollout.preTrafficHook`). @default false */
    preTrafficHook?: boolean;
}

export function checkCells(problems: Problems, cells: CellSettings[]): void {
    const seen = new Map<string, number>();
    for (const cell of cells) {
        const first = seen.get(cell.id);
        if (first !== undefined) {
            problems.add(`cellular:cells[${cell.index}].id`, cell.id, `cell ids must be unique; cellular:cells[${first}] has it too`);
        } else {
            seen.set(cell.id, cell.index);
        }
    }
    const waves = [...new Set(cells.map(c => c.wave))].sort((a, b) => a - b);
    waves.forEach((wave, i) => {
        if (wave !== i) {
            const cell = cells.find(c => c.wave === wave)!;
            problems.add(`cellular:cells[${cell.index}].wave`, wave,
                `waves are numbered without gaps from 0 (the canary wave); wave ${i} has no cell`);
        }
    });
}

/** The names outside every cell: the router, its API, grants, dashboard and breaker alarms, the CodeDeploy application. */
export function sharedNames(shape: StackShape): PhysicalName[] {
    const { names, router } = shape;
    const out: PhysicalName[] = [
        { kind: "function", name: names.routerFunction() },
        { kind: "role", name: names.functionRole(names.routerFunction()) },
        { kind: "logGroup", name: names.logGroup(names.routerFunction()) },
        { kind: "api", name: names.api() },
        { kind: "logGroup", name: names.accessLogGroup(names.api()) },
        { kind: "dashboard", name: names.routerDashboard() },
        { kind: "table", name: names.controlTable() },
    ];
    if (router.mode === "invoke") {
        invokeGrantShards(names, shape.region, shape.cells, c => c.id)
            .forEach((_, k) => out.push({ kind: "managedPolicy", name: names.routerInvokePolicy(k) }));
        for (const cell of shape.cells) out.push({ kind: "alarm", name: names.breakerAlarm(cell.id) });
    }
    if (router.api === "rest") out.push({ kind: "role", name: names.apiGatewayLogsRole() });
    const fn = (name: string): PhysicalName[] => [{ kind: "function", name }, { kind: "role", name: names.functionRole(name) }, { kind: "logGroup", name: names.logGroup(name) }];
    if (shape.auth.cognito) {
        out.push({ kind: "userPool", name: names.userPool() }, { kind: "userPool", name: names.userPoolClient() },
            { kind: "parameter", name: names.dataParameter(IDENTITY_OWNER) }, ...fn(names.tokenClaimsFunction()));
    }
    if (router.api === "rest" && !shape.auth.cognito) out.push(...fn(names.authorizerFunction()));
    if (shape.alarms.emails !== undefined) out.push({ kind: "topic", name: names.alarmTopic() });
    out.push({ kind: "codedeploy", name: names.codedeployApplication() }, { kind: "codedeploy", name: names.deploymentConfig() });
    return out;
}

/** What each enabled source's own check finds only with the stack's region and isolation. */
export function checkSources(problems: Problems, shape: StackShape): void {
    for (const cell of shape.cells) {
        for (const kind of enabledSources(cell)) {
            const check = moduleOf(kind).stackProblems;
            if (check === undefined) continue;
            for (const p of check(cell.eventSources[kind], { region: shape.region, isolation: shape.isolation }, `cellular:cells[${cell.index}].eventSources.${kind}`)) problems.note(p);
        }
    }
    for (const kind of EVENT_SOURCE_KINDS) {
        const across = moduleOf(kind).acrossCells;
        if (across === undefined) continue;
        const cells = shape.cells.filter(c => c.eventSources[kind].enabled)
            .map(c => ({ path: `cellular:cells[${c.index}].eventSources.${kind}`, settings: c.eventSources[kind] }));
        for (const p of across(cells)) problems.note(p);
    }
}

/** Every physical name of the stack is within AWS's limit for its kind. */
export function checkNames(problems: Problems, shape: StackShape): void {
    const owned = [
        ...shape.cells.flatMap(cell => cellNames(shape.names, cell, shape.router.mode, shape.preTrafficHook).map(name => ({ owner: `cell ${JSON.stringify(cell.id)}`, name }))),
        ...sharedNames(shape).map(name => ({ owner: "the router", name })),
    ];
    for (const p of nameProblems(shape.names, owned)) problems.note(p);
}

export function checkRouter(problems: Problems, router: RouterSettings, cells: CellSettings[]): void {
    const ids = new Set(cells.map(c => c.id));
    if (cells.length > 0 && cells.every(c => c.state === "standby")) {
        problems.add("cellular:cells", cells.map(c => c.state), "at least one cell must be active or disabled: standby cells serve no one until activated");
    }
    // Without cells (already reported) every pin would be reported too.
    if (ids.size > 0) for (const [customer, cell] of Object.entries(router.pinned)) {
        if (!ids.has(cell)) {
            problems.add(`cellular:router.pinned.${customer}`, cell, `expected one of the cell ids: ${[...ids].slice(0, 10).join(", ")}${ids.size > 10 ? ", ..." : ""}`);
        }
    }
    if (router.mode === "invoke") {
        for (const cell of cells) {
            if (cell.api.timeoutSeconds >= router.timeoutSeconds && cell.api.timeoutSeconds <= LIMITS.synchronousTimeoutSeconds) {
                problems.add(`cellular:cells[${cell.index}].timeoutSeconds`, cell.api.timeoutSeconds,
                    `the router (cellular:router.timeoutSeconds ${router.timeoutSeconds}) invokes the cell synchronously, so the cell must time out first: at most ${router.timeoutSeconds - 1} s`);
            }
            if (cell.router.cellTimeoutMs > cell.api.timeoutSeconds * 1000) {
                problems.add(`cellular:cells[${cell.index}].router.cellTimeoutMs`, cell.router.cellTimeoutMs,
                    `the cell times out after ${cell.api.timeoutSeconds} s (its timeoutSeconds), so the router cannot wait longer: at most ${cell.api.timeoutSeconds * 1000} ms`);
            }
        }
        checkRouterSizing(problems, router, cells);
    }
}

/**
 * Little's law: a router that waits up to B seconds per request, at the R requests per second its stage admits,
 * holds up to R × B requests at once, one instance each. With fewer instances reserved, a slow or hung cell makes
 * the router itself throttle (API Gateway answers 500) for every cell; with enough, every request gets an answer
 * within its cell's budget. Disabled cells are answered at once and do not count; a router reserved at 0 is
 * stopped on purpose.
 */
export function checkRouterSizing(problems: Problems, router: RouterSettings, cells: CellSettings[]): void {
    // Standby cells are waited for too: customers moved to them are routed there.
    const active = cells.filter(c => c.state !== "disabled");
    if (active.length === 0 || router.reservedConcurrency === 0) return;
    const slowest = active.reduce((a, b) => (b.router.cellTimeoutMs > a.router.cellTimeoutMs ? b : a));
    const budgetMs = slowest.router.cellTimeoutMs;
    const rate = router.throttle.rateLimit;
    const needed = Math.ceil((rate * budgetMs) / 1000);
    if (needed <= router.reservedConcurrency) return;
    const reserved = router.reservedConcurrency;
    const maxRate = Math.floor((reserved * 1000) / budgetMs);
    const maxBudgetMs = Math.floor((reserved * 1000) / rate);
    const fixes = [`reserve at least ${needed}`,
        ...(maxRate >= 1 ? [`lower the rate limit to at most ${maxRate}`] : []),
        ...(maxBudgetMs >= 1 ? [`lower the cells' router.cellTimeoutMs to at most ${maxBudgetMs} ms`] : [])];
    problems.add("cellular:router.reservedConcurrency", reserved,
        `by Little's law the router holds (requests per second) × (seconds each waits) requests at once, one instance each: ` +
        `its stage admits ${rate} requests/s (cellular:router.throttle.rateLimit) and a request may wait ${budgetMs} ms for ` +
        `cell ${JSON.stringify(slowest.id)} (its router.cellTimeoutMs), so ${rate} × ${budgetMs / 1000} s = ${needed} at once; ` +
        `${fixes.slice(0, -1).join(", ")}${fixes.length > 1 ? " or " : ""}${fixes[fixes.length - 1]}`);
}

/** The reserved concurrency of every function of the stack, checked against the account's budget. */
export function checkConcurrencyBudget(problems: Problems, cells: CellSettings[], router: RouterSettings, auth: AuthSettings, limit: number,
    preTrafficHook = false): number {
    const hook = preTrafficHook ? PRE_TRAFFIC_HOOK.settings.reservedConcurrency : 0;
    const perCell = cells.map(c => cellFunctions(c).reduce((sum, f) => sum + f.settings.reservedConcurrency, hook));
    // A REST API trusting an external issuer has a Lambda authorizer with the router's reservation.
    const authorizer = router.api === "rest" && !auth.cognito ? router.reservedConcurrency : 0;
    const total = router.reservedConcurrency + authorizer + perCell.reduce((a, b) => a + b, 0);
    const budget = limit - LIMITS.unreservedMinimum;
    if (total > budget) {
        const largest = Math.max(...perCell, 0);
        problems.note(`cellular:accountConcurrencyLimit is ${limit}, which leaves ${budget} to reserve after the ` +
            `${LIMITS.unreservedMinimum} AWS keeps unreserved, but the stack reserves ${total} (router ${router.reservedConcurrency}` +
            (authorizer > 0 ? ` + its authorizer ${authorizer}` : "") +
            ` + ${cells.length} cells, up to ${largest} each, counting every function of the cell); lower the cells' ` +
            `reservedConcurrency settings or raise cellular:accountConcurrencyLimit after a quota increase`);
    }
    return total;
}

/** What the stack uses of each quota. */
export function quotaUsage(shape: StackShape): Quotas {
    const { cells, router } = shape;
    const usage = Object.fromEntries(QUOTA_NAMES.map(q => [q, 0])) as Quotas;
    const add = (q: keyof Quotas, n: number) => { usage[q] += n; };
    // Every role the stack names: one per function, each cell's tenant data role, a REST API's logging role.
    const roles = (names: PhysicalName[]) => names.filter(n => n.kind === "role").length;
    add("iamRolesPerAccount", roles(sharedNames(shape)));
    add("managedPoliciesPerRole", router.mode === "invoke" ? invokeGrantShards(shape.names, shape.region, cells, c => c.id).length : 0);
    add("apisPerRegion", (router.api === "http" ? 1 : 0) + (router.mode === "redirect" ? cells.length : 0));
    add("vpcsPerRegion", shape.isolation === "vpc" ? cells.length : 0);
    add("gatewayEndpointsPerRegion", shape.isolation === "vpc" ? cells.length * GATEWAY_ENDPOINTS.length : 0);
    // The router's breaker alarm per cell.
    add("alarmsPerRegion", router.mode === "invoke" ? cells.length : 0);
    for (const cell of cells) {
        add("iamRolesPerAccount", roles(cellNames(shape.names, cell, router.mode, shape.preTrafficHook)));
        add("dynamodbTablesPerRegion", 1);
        add("alarmsPerRegion", CELL_ALARMS.length);
        if (usesDestination(cell.async, "bus")) add("eventBridgeRulesPerBus", 1);
        for (const kind of enabledSources(cell)) {
            const used = moduleOf(kind).quotaUsage?.(cell.eventSources[kind]) ?? {};
            for (const [q, n] of Object.entries(used) as Array<[keyof Quotas, number]>) add(q, n);
        }
    }
    return usage;
}

/** Problems for every quota the stack would exceed. */
export function checkQuotas(problems: Problems, shape: StackShape, quotas: Quotas): void {
    const usage = quotaUsage(shape);
    for (const name of QUOTA_NAMES) {
        if (usage[name] > quotas[name]) {
            const spec = QUOTAS[name];
            const raise = quotas[name] < spec.max && usage[name] <= spec.max
                ? `after a quota increase, set cellular:quotas.${name} (AWS allows up to ${spec.max})`
                : `AWS allows at most ${spec.max}: use fewer cells per stack`;
            problems.note(`cellular:quotas.${name} is ${quotas[name]} (${spec.what}), but the stack needs ${usage[name]}; ${raise}`);
        }
    }
}
