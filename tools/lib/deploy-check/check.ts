/**
 * Runs every deploy-check rule over a plan and returns its findings: what `pulumi up` would have the provider or
 * AWS refuse, each with the house message `<type> <name>: <input> is <value>; <what is allowed> (<source>)`. Pure.
 */
import { Plan, PlannedResource } from "./plan";
import { ANY_AWS_TYPE, Problem, Quota, Rule } from "./rule";
import { RULES } from "./rules";
import { show } from "./values";

export interface Finding {
    rule: string;
    urn: string;
    type: string;
    /** The resource's logical name. */
    name: string;
    input: string;
    value: unknown;
    message: string;
}

export interface DeployCheck {
    /** How many rules ran. */
    rules: number;
    /** How many resources they ran over. */
    resources: number;
    /** In the plan's resource order, then the table's rule order. */
    findings: Finding[];
}

export interface DeployCheckOptions {
    /** The account's quotas where the stack raised them (`cellular:quotas`), by {@link Quota.key}. */
    quotas?: Readonly<Record<string, number>>;
    /** The rules to run (default: all of them). */
    rules?: readonly Rule[];
}

/** What a quota rule's message adds, so that a quota is never taken for a hard limit. */
function quotaNote(quota: Quota, limit: number): string {
    if (limit !== quota.default) return `; an account quota, ${limit} for this stack (AWS's default is ${quota.default})`;
    return `; an account quota: AWS's default${quota.max === undefined ? ", raisable on request" : `, raisable to ${quota.max} on request`}`;
}

/** The message of one problem, in the house format. */
export function message(rule: Rule, resource: PlannedResource, problem: Problem, limit?: number): string {
    const note = rule.quota && limit !== undefined ? quotaNote(rule.quota, limit) : "";
    return `${resource.type} ${resource.name}: ${problem.input} is ${problem.shown ?? show(problem.value)}; ${problem.allowed}${note} (${rule.source})`;
}

/** Runs the rules over the resources of a plan (every captured resource; components and providers match no rule). */
export function deployCheck(resources: readonly PlannedResource[], options: DeployCheckOptions = {}): DeployCheck {
    const rules = options.rules ?? RULES;
    const plan = new Plan(resources);
    const byType = new Map<string, Rule[]>();
    const everyAws: Rule[] = [];
    for (const rule of rules) {
        for (const type of rule.types) {
            if (type === ANY_AWS_TYPE) everyAws.push(rule);
            else byType.set(type, [...(byType.get(type) ?? []), rule]);
        }
    }
    const findings: Finding[] = [];
    for (const resource of resources) {
        const applicable = [...(byType.get(resource.type) ?? []), ...(resource.type.startsWith("aws:") ? everyAws : [])];
        for (const rule of applicable) {
            const limit = rule.quota ? options.quotas?.[rule.quota.key] ?? rule.quota.default : Number.NaN;
            for (const problem of rule.check(resource, plan, limit)) {
                findings.push({
                    rule: rule.id, urn: resource.urn, type: resource.type, name: resource.name, input: problem.input,
                    value: problem.value, message: message(rule, resource, problem, rule.quota ? limit : undefined),
                });
            }
        }
    }
    const order = new Map(rules.map((r, i) => [r.id, i]));
    const position = new Map(resources.map((r, i) => [r.urn, i]));
    findings.sort((a, b) => position.get(a.urn)! - position.get(b.urn)! || order.get(a.rule)! - order.get(b.rule)!);
    return { rules: rules.length, resources: resources.length, findings };
}
