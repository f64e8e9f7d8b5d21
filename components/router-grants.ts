/**
 * The router's permission to invoke the cells, in a shape that stays within IAM's size limits at any cell count.
 *
 * One statement naming every cell's alias ARN would pass the 10,240-byte limit on a role's inline policies at
 * about 120 cells. Instead, the grants are split into customer-managed policies of at most 6,144 bytes each
 * (IAM's limit, whitespace not counted), filled in cell order, each attached to the router's role: a role takes
 * 10 managed policies by default (20 after a quota increase), about 75 cells each. Adding a cell only ever
 * changes the last policy. Every resource is an exact ARN: no wildcards.
 *
 * Pure: the shards are computed from config with the exact ARN lengths (the partition follows from the region, the
 * account id always has 12 digits), so the config validation and the router size them with the same function.
 */
import { LIVE_ALIAS } from "../handlers/lib/identifiers";
import { API_FUNCTION } from "./core-functions";
import { Arns, partitionOf } from "./arns";
import { document, MANAGED_POLICY_LIMIT, PolicyDocument, allow, policySize } from "./iam";
import { ACCOUNT_ID_PLACEHOLDER, Names } from "./names";

export const INVOKE_ACTIONS = ["lambda:InvokeFunction"];

export function invokeDocument(aliasArns: string[]): PolicyDocument {
    return document([allow("InvokeCells", INVOKE_ACTIONS, aliasArns)]);
}

/** The ARN of the alias the router invokes in a cell. */
export function cellAliasArn(arns: Arns, names: Names, cellId: string): string {
    return arns.functionAlias(names.cellFunction(cellId, API_FUNCTION.kind), LIVE_ALIAS);
}

/**
 * Splits the ARNs, in order, into groups whose documents each fit in a managed policy.
 * @returns the groups of ARNs.
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

/**
 * The cells each of the router's invoke policies names, in cell order: what the router creates and what the quota
 * check counts. Sized with the region's partition.
 */
export function invokeGrantShards<T>(names: Names, region: string, cells: readonly T[], cellIdOf: (cell: T) => string): T[][] {
    const sizing = new Arns({ partition: partitionOf(region), region, accountId: ACCOUNT_ID_PLACEHOLDER });
    const shards = shardInvokeGrants(cells.map(c => cellAliasArn(sizing, names, cellIdOf(c))));
    const out: T[][] = [];
    let next = 0;
    for (const shard of shards) {
        out.push(cells.slice(next, next + shard.length));
        next += shard.length;
    }
    return out;
}
