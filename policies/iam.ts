/**
 * lambda-least-privilege: the roles Lambda may assume grant exact actions on exact resources.
 *
 * Checked in every statement of every document that reaches such a role, however it is attached: inline
 * (`inlinePolicies`), `aws.iam.RolePolicy`, `aws.iam.Policy` through `RolePolicyAttachment`, `PolicyAttachment`
 * or `RolePolicyAttachmentsExclusive`, and `managedPolicyArns`. A violation is reported on the resource that
 * carries the document or the attachment.
 */
import { Policies, StackValidationPolicy } from "@pulumi/policy";
import { broadResource } from "./lib/arn";
import { configOf, stringList } from "./lib/config-schema";
import { ALLOWED_MANAGED_POLICIES, WILDCARD_RESOURCE_ACTIONS } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { GrantDocument, allows, roleAccess, roleLabel, statementLabel, statements, strings, trustOf } from "./lib/iam";
import { Reporter, UNKNOWN, describe, has, read } from "./lib/values";

export interface LeastPrivilegeConfig {
    /** Actions that may be granted on `*` (AWS does not scope them to a resource). */
    wildcardResourceActions: string[];
    /** AWS-managed policies (the ARN after `policy/`) a Lambda role may have. */
    allowedManagedPolicies: string[];
}

export const LEAST_PRIVILEGE_DEFAULTS: LeastPrivilegeConfig = {
    wildcardResourceActions: [...WILDCARD_RESOURCE_ACTIONS],
    allowedManagedPolicies: [...ALLOWED_MANAGED_POLICIES],
};

const NAME = "lambda-least-privilege";

function actionsText(actions: string[]): string {
    const shown = actions.slice(0, 4).join(", ");
    return actions.length > 4 ? `${shown} and ${actions.length - 4} more` : shown;
}

function checkDocument(grant: GrantDocument, config: LeastPrivilegeConfig, reporter: Reporter): void {
    const holder = subject(grant.holder);
    if (grant.doc === UNKNOWN) {
        reporter.undecided(holder, `the policy document of ${grant.label} can't be known during preview; build it from ` +
            "values known at preview (names, aws.getCallerIdentityOutput(), aws.getRegionOutput(), aws.getPartitionOutput())");
        return;
    }
    if (grant.doc === undefined || grant.doc === null) return; // not JSON: the provider rejects it
    const exempt = new Set(config.wildcardResourceActions.map(a => a.toLowerCase()));
    statements(grant.doc).forEach((statement, index) => {
        const where = `${grant.label}: ${statementLabel(statement, index)}`;
        const allowed = allows(statement);
        if (statement === UNKNOWN || allowed === UNKNOWN) {
            reporter.undecided(holder, `${where} can't be known during preview`);
            return;
        }
        if (!allowed) return;
        if (has(statement, "NotAction")) {
            reporter.violation(holder, `${where} combines Allow with NotAction, which allows every action except the listed ones; ` +
                "use Action with the exact actions instead");
        }
        if (has(statement, "NotResource")) {
            reporter.violation(holder, `${where} combines Allow with NotResource, which allows every resource except the listed ones; ` +
                "use Resource with the exact ARNs instead");
        }
        const actions = strings(read(statement, "Action"));
        const resources = strings(read(statement, "Resource"));
        if (actions.unknown || resources.unknown) {
            reporter.undecided(holder, `the ${actions.unknown ? "Action" : "Resource"} of ${where} can't be known during preview`);
        }
        const wildcards = actions.values.filter(a => a.includes("*"));
        if (wildcards.length > 0) {
            reporter.violation(holder, `${where} allows the wildcard action${wildcards.length > 1 ? "s" : ""} ` +
                `${wildcards.map(a => `"${a}"`).join(", ")}; list the exact actions the function needs instead`);
        }
        // With NotAction the statement is already rejected, and its actions are not listed.
        if (has(statement, "NotAction")) return;
        if (actions.values.length > 0 && actions.values.every(a => exempt.has(a.toLowerCase()))) return;
        for (const resource of resources.values) {
            const reason = broadResource(resource);
            if (reason === undefined) continue;
            if (resource === "*") {
                reporter.violation(holder, `${where} allows ${actionsText(actions.values)} on "*", which is every resource; ` +
                    "name the exact resources (only the actions in wildcardResourceActions may use \"*\")");
            } else {
                reporter.violation(holder, `${where} allows ${actionsText(actions.values)} on "${resource}", where ${reason}; ` +
                    "name one resource (a sub-path of one named resource, such as table/orders/index/*, is fine)");
            }
        }
    });
}

export const lambdaLeastPrivilege: StackValidationPolicy = {
    name: NAME,
    description: "Roles that Lambda functions assume grant exact actions on exact resources.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            wildcardResourceActions: stringList("Actions that may be granted on \"*\" (AWS scopes them to no resource).",
                LEAST_PRIVILEGE_DEFAULTS.wildcardResourceActions),
            allowedManagedPolicies: stringList("AWS-managed policies (the ARN after policy/) a Lambda role may have.",
                LEAST_PRIVILEGE_DEFAULTS.allowedManagedPolicies),
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, LEAST_PRIVILEGE_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const { byRole, unattached } = roleAccess(graph);
        for (const grant of unattached) reporter.undecided(subject(grant.holder), grant.reason);
        const checked = new Set<string>();
        for (const access of byRole.values()) {
            const role = access.role;
            reporter.guard(subject(role), () => {
                const trust = trustOf(role);
                if (!trust.lambda && graph.functionsOfRole(role).length === 0) {
                    if (trust.unknown) {
                        reporter.undecided(subject(role), "its assumeRolePolicy can't be known during preview, so whether Lambda may assume it can't be told");
                    }
                    return;
                }
                for (const { statement, index } of trust.anyone) {
                    reporter.violation(role, `${describe(subject(role))}: ${statementLabel(statement, index)} of its trust policy lets any ` +
                        "principal (\"*\") assume the role without a condition; allow only lambda.amazonaws.com");
                }
                for (const grant of access.documents) {
                    const key = grant.holder.type === role.type ? grant.label : grant.holder.urn;
                    if (checked.has(key)) continue;
                    checked.add(key);
                    reporter.guard(subject(grant.holder), () => checkDocument(grant, config, reporter));
                }
                for (const managed of access.awsManaged) {
                    if (config.allowedManagedPolicies.includes(managed.name)) continue;
                    const how = managed.holder.urn === role.urn
                        ? `${describe(subject(role))} has the AWS-managed policy ${managed.name} in managedPolicyArns, and Lambda may assume it`
                        : `${describe(subject(managed.holder))} attaches the AWS-managed policy ${managed.name} to ${roleLabel(graph, role)}, which Lambda may assume`;
                    reporter.violation(managed.holder, `${how}; AWS-managed policies grant broad actions on every resource: grant the ` +
                        `exact actions in a role policy instead, or add ${managed.name} to allowedManagedPolicies`);
                }
                for (const u of access.undecided) reporter.undecided(subject(u.holder), u.reason);
            });
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [lambdaLeastPrivilege];
