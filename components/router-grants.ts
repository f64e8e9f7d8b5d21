/**
 * The router's permission to invoke the cells, in a shape that stays within IAM's size limits at any cell count.
 *
 * One statement naming every cell's alias ARN would pass the 10,240-byte limit on a role's inline policies at
 * about 120 cells. Instead, the grants are split into customer-managed policies of at most 6,144 bytes each
 * (IAM's limit, whitespace not counted), filled in cell order, each attached to the router's role: a role takes
 * 10 managed policies by default (20 after a quota increase), about 75 cells each. Adding a cell only ever
 * changes the last policy. Every resource is an exact ARN: no wildcards.
 *
 * Pure: the shard plan is computed from config (the ARN lengths are exact: the account id always has 12
 * digits), so config validation can reject a stack that would not fit before anything is registered.
 */
import { document, MANAGED_POLICY_LIMIT, PolicyDocument, allow, policySize } from "./iam";

export const INVOKE_ACTIONS = ["lambda:InvokeFunction"];
/** Managed policies a role takes by default (IAM quota, adjustable to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;

export function invokeDocument(aliasArns: string[]): PolicyDocument {
    return document([allow("InvokeCells", INVOKE_ACTIONS, aliasArns)]);
}

/**
 * Splits the ARNs, in order, into groups whose documents each fit in a managed policy.
 * @returns the groups (indexes into `aliasArns`).
 */
export function shardInvokeGrants(aliasArns: string[], limit = MANAGED_POLICY_LIMIT): string[][] {
    const shards: string[][] = [];
    let current: string[] = [];
    for (const arn of aliasArns) {
        const candidate = [...current, arn];
        if (current.length > 0 && policySize(invokeDocument(candidate)) > limit) {
            shards.push(current);
            current = [arn];
        } else {
            current = candidate;
        }
        if (policySize(invokeDocument(current)) > limit) {
            throw new Error(`a single function ARN (${arn}) does not fit in an IAM policy`);
        }
    }
    if (current.length > 0) shards.push(current);
    return shards;
}

/** The partition of a region, from its name (`cn-` and `us-gov-` regions live in their own partitions). */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    return "aws";
}
