/**
 * What IAM grants reach a role: its inline policies (`inlinePolicies`), `aws.iam.RolePolicy` resources, managed
 * policies through `managedPolicyArns`, `aws.iam.RolePolicyAttachment`, `aws.iam.PolicyAttachment` and
 * `aws.iam.RolePolicyAttachmentsExclusive` (customer-managed ones resolved to the `aws.iam.Policy` of the stack
 * that carries the document), and whom the role trusts.
 */
import { PolicyResource } from "@pulumi/policy";
import { awsManagedPolicyName, glob, parseArn, parseFunctionRef } from "./arn";
import { StackGraph, subject, unique } from "./graph";
import { AWS } from "./types";
import { UNKNOWN, describe, document, has, items, read, str } from "./values";

/** A policy document that reaches a role, and the resource that carries it. */
export interface GrantDocument {
    /** The resource a user changes to change the document. */
    holder: PolicyResource;
    /** How to name the document in a message. */
    label: string;
    /** The parsed document, {@link UNKNOWN}, or undefined when it is not valid JSON. */
    doc: unknown;
    /** The property of `holder` whose dependencies stand for the document while it is unknown. */
    depsKey: string;
}

/** An AWS-managed policy attached to a role, and the resource that attaches it. */
export interface ManagedAttachment {
    holder: PolicyResource;
    /** The part of its ARN after `policy/`. */
    name: string;
}

export interface RoleAccess {
    role: PolicyResource;
    documents: GrantDocument[];
    awsManaged: ManagedAttachment[];
    /** Attachments whose policy cannot be told before deploy. */
    undecided: Array<{ holder: PolicyResource; reason: string }>;
}

/** Grants that reach no role this graph can name (their role is unknown and depends on nothing). */
export interface UnattachedGrant {
    holder: PolicyResource;
    reason: string;
}

/** `role orders-api` (its known name), else `role "orders-role"` (its logical name). */
export function roleLabel(graph: StackGraph, role: PolicyResource): string {
    const name = graph.name(role);
    return name ? `role ${name}` : `role "${role.name}"`;
}

/** Every role of the stack with the grants that reach it. */
export function roleAccess(graph: StackGraph): { byRole: Map<string, RoleAccess>; unattached: UnattachedGrant[] } {
    const byRole = new Map<string, RoleAccess>();
    const unattached: UnattachedGrant[] = [];
    const of = (role: PolicyResource): RoleAccess => {
        let access = byRole.get(role.urn);
        if (!access) {
            access = { role, documents: [], awsManaged: [], undecided: [] };
            byRole.set(role.urn, access);
        }
        return access;
    };
    for (const role of graph.ofType(AWS.role)) of(role);

    const attachManaged = (access: RoleAccess, holder: PolicyResource, key: string, value: unknown) => {
        if (typeof value === "string") {
            const managed = awsManagedPolicyName(value);
            if (managed !== undefined) {
                access.awsManaged.push({ holder, name: managed });
                return;
            }
        }
        const policies = graph.policies(holder, key, value);
        for (const policy of policies.targets) {
            access.documents.push({
                holder: policy,
                label: `${describe(subject(policy))}, attached to ${roleLabel(graph, access.role)}`,
                doc: document(read(policy.props, "policy")),
                depsKey: "policy",
            });
        }
        if (!policies.decided) {
            access.undecided.push({ holder, reason: `its ${key} can't be known during preview and depends on no aws.iam.Policy of this stack` });
        }
    };
    const rolesOf = (holder: PolicyResource, key: string): PolicyResource[] => {
        const roles = graph.roles(holder, key);
        if (!roles.decided) unattached.push({ holder, reason: `its ${key} can't be known during preview and depends on no role of this stack` });
        return roles.targets;
    };

    for (const role of graph.ofType(AWS.role)) {
        const access = of(role);
        const inline = read(role.props, "inlinePolicies");
        items(inline).forEach((entry, i) => {
            const name = str(read(entry, "name"));
            access.documents.push({
                holder: role,
                label: `${describe(subject(role))}, inline policy ${typeof name === "string" ? `"${name}"` : i + 1}`,
                doc: entry === UNKNOWN ? UNKNOWN : document(read(entry, "policy")),
                depsKey: "inlinePolicies",
            });
        });
        for (const arn of items(read(role.props, "managedPolicyArns"))) attachManaged(access, role, "managedPolicyArns", arn);
    }
    for (const holder of graph.ofType(AWS.rolePolicy)) {
        for (const role of rolesOf(holder, "role")) {
            of(role).documents.push({
                holder,
                label: `${describe(subject(holder))} of ${roleLabel(graph, role)}`,
                doc: document(read(holder.props, "policy")),
                depsKey: "policy",
            });
        }
    }
    for (const holder of graph.ofType(AWS.rolePolicyAttachment)) {
        for (const role of rolesOf(holder, "role")) attachManaged(of(role), holder, "policyArn", read(holder.props, "policyArn"));
    }
    for (const holder of graph.ofType(AWS.policyAttachment)) {
        for (const role of rolesOf(holder, "roles")) attachManaged(of(role), holder, "policyArn", read(holder.props, "policyArn"));
    }
    for (const holder of graph.ofType(AWS.rolePolicyAttachmentsExclusive)) {
        for (const role of rolesOf(holder, "roleName")) {
            for (const arn of items(read(holder.props, "policyArns"))) attachManaged(of(role), holder, "policyArns", arn);
        }
    }
    return { byRole, unattached };
}

// -------------------------------------------------------------------------------------------------------------
// Documents
// -------------------------------------------------------------------------------------------------------------

/** The statements of a document (a single statement object counts as a list of one). */
export function statements(doc: unknown): unknown[] {
    return items(read(doc, "Statement"));
}

/** `statement 2 (Sid "ReadTable")`. */
export function statementLabel(statement: unknown, index: number): string {
    const sid = str(read(statement, "Sid"));
    return `statement ${index + 1}${typeof sid === "string" && sid ? ` (Sid "${sid}")` : ""}`;
}

/** Whether a statement allows (its Effect is not Deny); {@link UNKNOWN} when the effect is. */
export function allows(statement: unknown): boolean | typeof UNKNOWN {
    const effect = read(statement, "Effect");
    if (effect === UNKNOWN) return UNKNOWN;
    return effect !== "Deny";
}

/** The strings of an `Action`/`Resource`/principal value (a string or a list); unknown elements are reported. */
export function strings(value: unknown): { values: string[]; unknown: boolean } {
    const values: string[] = [];
    let unknown = false;
    for (const v of items(value)) {
        if (v === UNKNOWN) unknown = true;
        else if (typeof v === "string") values.push(v);
    }
    return { values, unknown };
}

// -------------------------------------------------------------------------------------------------------------
// Trust
// -------------------------------------------------------------------------------------------------------------

const LAMBDA_PRINCIPALS = ["lambda.amazonaws.com", "lambda.amazonaws.com.cn"];

/** `sns` for `sns.amazonaws.com`, `logs` for `logs.eu-west-1.amazonaws.com`; undefined for anything else. */
export function servicePrincipal(principal: string): string | undefined {
    const m = /^([a-z0-9-]+)(?:\.[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(principal);
    return m ? m[1] : undefined;
}

export interface Trust {
    /** Lambda may assume the role (through its service principal or `*`). */
    lambda: boolean;
    /** Statements that let any principal assume the role without a condition. */
    anyone: Array<{ statement: unknown; index: number }>;
    /** The trust policy (or a statement of it) is unknown. */
    unknown: boolean;
}

export function trustOf(role: PolicyResource): Trust {
    const trust: Trust = { lambda: false, anyone: [], unknown: false };
    const doc = document(read(role.props, "assumeRolePolicy"));
    if (doc === UNKNOWN) return { ...trust, unknown: true };
    statements(doc).forEach((statement, index) => {
        const allowed = allows(statement);
        if (allowed === UNKNOWN || statement === UNKNOWN) {
            trust.unknown = true;
            return;
        }
        if (!allowed) return;
        const principal = read(statement, "Principal");
        if (principal === UNKNOWN) {
            trust.unknown = true;
            return;
        }
        const everyone = principal === "*" || strings(read(principal, "AWS")).values.includes("*");
        const services = strings(read(principal, "Service"));
        if (services.unknown) trust.unknown = true;
        if (everyone || services.values.some(s => LAMBDA_PRINCIPALS.includes(s) || s === "*")) trust.lambda = true;
        if (everyone && !has(statement, "Condition")) trust.anyone.push({ statement, index });
    });
    return trust;
}

// -------------------------------------------------------------------------------------------------------------
// Invoke grants
// -------------------------------------------------------------------------------------------------------------

const INVOKE = "lambda:InvokeFunction";

/** Whether an IAM `Resource` pattern covers a function of the stack (by name, any qualifier). */
function coversFunction(graph: StackGraph, pattern: string, fn: PolicyResource): boolean {
    if (pattern === "*") return true;
    const name = graph.name(fn);
    if (!name) return false;
    const arn = parseArn(pattern);
    if (!arn) return false;
    if (!glob(arn.service, "lambda")) return false;
    const m = /^function:([^:]+)(?::.*)?$/.exec(arn.resource) ?? /^(\*)$/.exec(arn.resource);
    if (!m || !glob(m[1]!, name)) return false;
    const known = str(read(fn.props, "arn"));
    if (typeof known === "string") {
        const actual = parseArn(known);
        if (actual && (!glob(arn.region, actual.region) || !glob(arn.account, actual.account))) return false;
    }
    return true;
}

/**
 * The functions of the stack that `caller` may invoke synchronously: an `Allow` covering `lambda:InvokeFunction`
 * (also through `lambda:*` or `*`) on the callee's ARN, a qualified ARN or `*`. While a document is unknown,
 * a function (or alias) it depends on counts as a grant to invoke it.
 */
export function invokeTargets(graph: StackGraph, byRole: Map<string, RoleAccess>, caller: PolicyResource): PolicyResource[] {
    const callees: PolicyResource[] = [];
    const all = graph.ofType(AWS.function);
    for (const role of graph.roles(caller, "role").targets) {
        const access = byRole.get(role.urn);
        if (!access) continue;
        for (const grant of access.documents) {
            if (grant.doc === UNKNOWN) {
                for (const dep of graph.deps(grant.holder, grant.depsKey)) {
                    if (dep.type === AWS.function) callees.push(dep);
                    if (dep.type === AWS.alias) callees.push(...graph.functions(dep, "functionName").targets.map(t => t.fn));
                }
                continue;
            }
            for (const statement of statements(grant.doc)) {
                if (allows(statement) !== true) continue;
                const actions = strings(read(statement, "Action")).values;
                if (!actions.some(a => glob(a, INVOKE, true))) continue;
                const resources = strings(read(statement, "Resource"));
                if (resources.unknown) {
                    for (const dep of graph.deps(grant.holder, grant.depsKey)) if (dep.type === AWS.function) callees.push(dep);
                }
                for (const pattern of resources.values) {
                    const ref = parseFunctionRef(pattern);
                    // An exact ARN names its function: look it up instead of matching it against every function
                    // (a router granted hundreds of cells would otherwise cost cells x functions matches).
                    if (ref && !/[*?]/.test(pattern)) {
                        callees.push(...graph.functionNamed(ref.name));
                        continue;
                    }
                    for (const fn of all) if (coversFunction(graph, pattern, fn)) callees.push(fn);
                }
            }
        }
    }
    return unique(callees, fn => fn.urn).filter(fn => fn.urn !== caller.urn);
}
