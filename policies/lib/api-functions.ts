/**
 * Which functions API Gateway invokes, and through what: REST and HTTP integrations (through their property
 * dependencies on the function or one of its aliases, so this decides during preview, when the invoke ARNs are
 * unknown), HTTP APIs' quick-create targets, and the integrations of a REST API's OpenAPI body.
 */
import { PolicyResource } from "@pulumi/policy";
import { parseFunctionRef } from "./arn";
import { StackGraph } from "./graph";
import { AWS } from "./types";
import { UNKNOWN, Unknown, num, read } from "./values";

export interface Invoker {
    /** The integration (or API) that invokes the function. */
    via: PolicyResource;
    /** Its own timeout, when set. */
    timeoutMs?: number | Unknown;
}

/** `x-amazon-apigateway-integration` entries of an OpenAPI body: their uri and timeoutInMillis. */
export function openApiIntegrations(body: string): Array<{ uri: string; timeoutMs?: number }> {
    const found: Array<{ uri: string; timeoutMs?: number }> = [];
    let doc: unknown;
    try {
        doc = JSON.parse(body);
    } catch {
        // YAML or another format: look for invoke ARNs in the text.
        for (const m of body.matchAll(/arn:[a-z-]+:apigateway:[^:\s"']*:lambda:path\/[^\s"']+?\/invocations/g)) found.push({ uri: m[0] });
        return found;
    }
    const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === "object") {
            for (const [k, v] of Object.entries(node)) {
                if (k === "x-amazon-apigateway-integration" && v && typeof v === "object") {
                    const uri = (v as Record<string, unknown>).uri;
                    const t = (v as Record<string, unknown>).timeoutInMillis;
                    if (typeof uri === "string") found.push({ uri, ...(typeof t === "number" ? { timeoutMs: t } : {}) });
                } else visit(v);
            }
        }
    };
    visit(doc);
    return found;
}

/** Every function API Gateway invokes, with what invokes it. */
export function apiFunctions(graph: StackGraph): Map<string, { fn: PolicyResource; invokers: Invoker[] }> {
    const out = new Map<string, { fn: PolicyResource; invokers: Invoker[] }>();
    const add = (fn: PolicyResource, invoker: Invoker) => {
        const entry = out.get(fn.urn) ?? { fn, invokers: [] };
        entry.invokers.push(invoker);
        out.set(fn.urn, entry);
    };
    const integrationTimeout = (r: PolicyResource): { timeoutMs?: number | Unknown } => {
        const t = num(read(r.props, "timeoutMilliseconds"));
        return t === undefined ? {} : { timeoutMs: t };
    };
    for (const integration of graph.ofType(AWS.restIntegration)) {
        for (const t of graph.functions(integration, "uri").targets) add(t.fn, { via: integration, ...integrationTimeout(integration) });
    }
    for (const integration of graph.ofType(AWS.httpIntegration)) {
        for (const t of graph.functions(integration, "integrationUri").targets) add(t.fn, { via: integration, ...integrationTimeout(integration) });
    }
    for (const api of graph.ofType(AWS.httpApi)) {
        // Quick create: `target` is the function; API Gateway makes the integration (30 s).
        for (const t of graph.functions(api, "target").targets) add(t.fn, { via: api });
    }
    for (const api of graph.ofType(AWS.restApi)) {
        const body = read(api.props, "body");
        if (typeof body === "string") {
            for (const entry of openApiIntegrations(body)) {
                const ref = parseFunctionRef(entry.uri);
                if (!ref) continue;
                for (const fn of graph.functionNamed(ref.name)) add(fn, { via: api, ...(entry.timeoutMs === undefined ? {} : { timeoutMs: entry.timeoutMs }) });
            }
        }
        // While the body is unknown, its integrations' own timeouts (timeoutInMillis) are too.
        const timeoutMs: { timeoutMs?: Unknown } = body === UNKNOWN ? { timeoutMs: UNKNOWN } : {};
        for (const dep of graph.deps(api, "body")) {
            if (dep.type === AWS.function) add(dep, { via: api, ...timeoutMs });
            if (dep.type === AWS.alias) for (const t of graph.functions(dep, "functionName").targets) add(t.fn, { via: api, ...timeoutMs });
        }
    }
    return out;
}
