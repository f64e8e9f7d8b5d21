/**
 * Tenant isolation, as the plan shows it:
 *
 * api-routes-authorized: every API route needs an authorizer — an `aws.apigatewayv2.Route` with `authorizationType`
 * JWT, CUSTOM or AWS_IAM, an `aws.apigateway.Method` with `authorization` other than NONE — and a function URL is not
 * public (`authorizationType: NONE`). A route that is meant to be public says so: its API (or, for a function URL,
 * its function) carries the tag `public-route` with the reason. A CORS preflight method is public by nature (the
 * browser sends no token with it): an `OPTIONS` method with authorization NONE passes when its integration is MOCK,
 * so no code runs and nothing is reached. Everything it reads is a plain input, known at preview.
 *
 * tenant-scoped-data-access: inside a cell, a role that grants DynamoDB item actions on a table lets its caller
 * reach one tenant's items only: every such statement has a `dynamodb:LeadingKeys` condition (and grants no Scan,
 * which LeadingKeys does not limit). A role whose function works on records of many tenants on purpose (an event
 * worker) is tagged `data-access: system`; the role of a function behind API Gateway may not be, since it serves
 * one tenant per request.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { apiFunctions } from "./lib/api-functions";
import { glob, parseArn } from "./lib/arn";
import { DATA_ACCESS_TAG, PUBLIC_ROUTE_TAG, SYSTEM_DATA_ACCESS } from "./lib/facts";
import { StackGraph, stackGraph, subject } from "./lib/graph";
import { RoleAccess, roleAccess, roleLabel, statements } from "./lib/iam";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, effectiveTags, items, list, read, str } from "./lib/values";

const ROUTES = "api-routes-authorized";
const DATA = "tenant-scoped-data-access";

const AUTHORIZED_ROUTE_TYPES = ["JWT", "CUSTOM", "AWS_IAM"];

const TYPES = {
    route: "aws:apigatewayv2/route:Route",
    method: "aws:apigateway/method:Method",
    functionUrl: "aws:lambda/functionUrl:FunctionUrl",
} as const;

/** Item actions: what `dynamodb:LeadingKeys` limits (Scan aside, which it does not). */
const ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
    "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:Scan", "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"];

/** The reason a resource is public on purpose, or undefined when it does not say. */
function publicReason(r: PolicyResource | undefined): string | undefined {
    if (r === undefined) return undefined;
    const reason = effectiveTags(r.props, r.provider?.props).get(PUBLIC_ROUTE_TAG);
    return typeof reason === "string" && reason.trim() !== "" ? reason : undefined;
}

export const apiRoutesAuthorized: StackValidationPolicy = {
    name: ROUTES,
    description: "Every API Gateway route and method has an authorizer, and no function URL is public, unless tagged public-route with a reason.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateStack: (args, report) => {
        const graph = stackGraph(args);
        const reporter = new Reporter(ROUTES, report, true);
        const exempt = `, or tag its API ${PUBLIC_ROUTE_TAG}=<why it is public> if it is meant to be`;
        for (const route of graph.ofType(TYPES.route)) {
            reporter.guard(subject(route), () => {
                const type = str(read(route.props, "authorizationType")) ?? "NONE";
                if (type === UNKNOWN || AUTHORIZED_ROUTE_TYPES.includes(type)) return;
                const api = graph.deps(route, "apiId").find(d => d.type === AWS.httpApi);
                if (publicReason(api) !== undefined) return;
                reporter.violation(route, `${describe(subject(route))} (${String(str(read(route.props, "routeKey")) ?? "its route")}) has ` +
                    `authorizationType ${type}: anyone can call it; set authorizationType to JWT (with an authorizer), CUSTOM or AWS_IAM${exempt}`);
            });
        }
        const integrationsOf = new Map<string, PolicyResource[]>();
        for (const integration of graph.ofType(AWS.restIntegration)) {
            for (const m of graph.deps(integration, "httpMethod")) integrationsOf.set(m.urn, [...(integrationsOf.get(m.urn) ?? []), integration]);
        }
        for (const method of graph.ofType(TYPES.method)) {
            reporter.guard(subject(method), () => {
                const authorization = str(read(method.props, "authorization")) ?? "NONE";
                if (authorization === UNKNOWN || authorization.toUpperCase() !== "NONE") return;
                const integrations = integrationsOf.get(method.urn) ?? [];
                if (str(read(method.props, "httpMethod")) === "OPTIONS" && integrations.length > 0
                    && integrations.every(i => str(read(i.props, "type")) === "MOCK")) return;
                const api = graph.deps(method, "restApi").find(d => d.type === AWS.restApi);
                if (publicReason(api) !== undefined) return;
                reporter.violation(method, `${describe(subject(method))} (${String(str(read(method.props, "httpMethod")) ?? "a method")}) has ` +
                    `authorization NONE: anyone can call it; use COGNITO_USER_POOLS, CUSTOM or AWS_IAM with an authorizer (a CORS preflight: OPTIONS with a MOCK integration)${exempt}`);
            });
        }
        for (const url of graph.ofType(TYPES.functionUrl)) {
            reporter.guard(subject(url), () => {
                const type = str(read(url.props, "authorizationType"));
                if (type !== "NONE") return;
                const fns = graph.functions(url, "functionName", read(url.props, "functionName")).targets.map(t => t.fn);
                if (fns.some(fn => publicReason(fn) !== undefined)) return;
                reporter.violation(url, `${describe(subject(url))} has authorizationType NONE: anyone on the internet can invoke the function; ` +
                    `set authorizationType to AWS_IAM, or tag the function ${PUBLIC_ROUTE_TAG}=<why it is public> if it is meant to be`);
            });
        }
    },
};

/** The actions of a statement that touch items, and whether it has a LeadingKeys condition. */
function itemGrant(statement: unknown): { actions: string[]; resources: string[]; leadingKeys: boolean } | undefined {
    if (read(statement, "Effect") !== "Allow") return undefined;
    const actionsOf = (v: unknown) => (typeof v === "string" ? [v] : items(v).filter((a): a is string => typeof a === "string"));
    const granted = actionsOf(read(statement, "Action"));
    const actions = ITEM_ACTIONS.filter(item => granted.some(a => glob(a, item, true)));
    if (actions.length === 0) return undefined;
    const resources = actionsOf(read(statement, "Resource"))
        .filter(r => r === "*" || (parseArn(r)?.service === "dynamodb" && /^table\/[^/]+$|^table\/\*$|^\*$/.test(parseArn(r)!.resource)));
    if (resources.length === 0) return undefined;
    const condition = read(statement, "Condition");
    const leadingKeys = Object.values((condition ?? {}) as Record<string, unknown>)
        .some(test => test !== null && typeof test === "object" && Object.keys(test).some(k => k.toLowerCase() === "dynamodb:leadingkeys"));
    return { actions, resources, leadingKeys };
}

function checkRole(graph: StackGraph, reporter: Reporter, access: RoleAccess, behindApi: boolean, cellId: string): void {
    const role = access.role;
    const system = effectiveTags(role.props, role.provider?.props).get(DATA_ACCESS_TAG) === SYSTEM_DATA_ACCESS;
    for (const doc of access.documents) {
        reporter.guard(subject(doc.holder), () => {
            if (doc.doc === UNKNOWN) {
                reporter.undecided(subject(doc.holder), `${doc.label} can't be known during preview`);
                return;
            }
            statements(doc.doc).forEach((statement, i) => {
                const grant = itemGrant(statement);
                if (grant === undefined) return;
                const where = `${doc.label}, statement ${i + 1}`;
                if (system && !behindApi) return;
                if (system && behindApi) {
                    reporter.violation(doc.holder, `${roleLabel(graph, role)} in cell ${cellId} is tagged ${DATA_ACCESS_TAG}: ${SYSTEM_DATA_ACCESS} but ` +
                        `runs a function behind API Gateway, which serves one tenant per request (${where} grants ${list(grant.actions)}); ` +
                        `give it a role assumed per tenant with a dynamodb:LeadingKeys condition instead`);
                    return;
                }
                if (!grant.leadingKeys) {
                    reporter.violation(doc.holder, `${roleLabel(graph, role)} in cell ${cellId} grants ${list(grant.actions)} on ${list(grant.resources)} ` +
                        `for every tenant's items (${where} has no dynamodb:LeadingKeys condition); limit it to the caller's tenant with ` +
                        `"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [...]}, or tag the role ${DATA_ACCESS_TAG}: ${SYSTEM_DATA_ACCESS} ` +
                        `if its function is a worker that processes records of many tenants`);
                } else if (grant.actions.includes("dynamodb:Scan")) {
                    reporter.violation(doc.holder, `${roleLabel(graph, role)} in cell ${cellId} grants dynamodb:Scan (${where}), which ` +
                        "dynamodb:LeadingKeys does not limit: a tenant could read every tenant's items; use Query on the tenant's partition");
                }
            });
        });
    }
}

export const tenantScopedDataAccess: StackValidationPolicy = {
    name: DATA,
    description: "Inside a cell, a role reaches one tenant's DynamoDB items only (a dynamodb:LeadingKeys condition), unless it is a worker's tagged data-access: system.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateStack: (args, report) => {
        const graph = stackGraph(args);
        const reporter = new Reporter(DATA, report, true);
        const behindApi = new Set<string>();
        for (const { fn } of apiFunctions(graph).values()) for (const role of graph.roles(fn, "role").targets) behindApi.add(role.urn);
        for (const access of roleAccess(graph).byRole.values()) {
            const cell = graph.cellOf(access.role);
            if (cell === undefined) continue;
            checkRole(graph, reporter, access, behindApi.has(access.role.urn), cell.id === UNKNOWN ? `"${cell.cell.name}"` : cell.id);
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [apiRoutesAuthorized, tenantScopedDataAccess];
