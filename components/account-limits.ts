/**
 * Before anything is registered: the account's real Lambda concurrency quota in the stack's region, read from
 * Service Quotas, against what the stack reserves. `cellular:accountConcurrencyLimit` is what config validation (and
 * the policy pack) assume; new accounts start far below AWS's default of 1,000 and a quota increase is per region, so
 * the program asks the account itself and refuses a stack that cannot fit, rather than failing half-way through
 * `pulumi up` at the first function whose reservation AWS refuses.
 */
import * as aws from "@pulumi/aws";
import { LIMITS } from "./config/limits";
import type { StackSettings } from "./config/stack-settings";

/** Service Quotas' code of Lambda's "Concurrent executions" quota. */
export const LAMBDA_CONCURRENCY_QUOTA = { serviceCode: "lambda", quotaCode: "L-B99A9384" } as const;

/** The problems of a stack whose reserved concurrency the account cannot hold. */
export async function accountLimitProblems(settings: StackSettings): Promise<string[]> {
    let quota: number;
    try {
        quota = (await aws.servicequotas.getServiceQuota({ ...LAMBDA_CONCURRENCY_QUOTA })).value;
    } catch (err) {
        return [`the account's Lambda concurrency quota (Service Quotas ${LAMBDA_CONCURRENCY_QUOTA.quotaCode} in ${settings.region}) could not be read ` +
            `(${err instanceof Error ? err.message.split("\n")[0] : String(err)}); the deploying identity needs servicequotas:GetServiceQuota`];
    }
    const budget = quota - LIMITS.unreservedMinimum;
    if (settings.reservedConcurrencyTotal <= budget) return [];
    return [`the stack reserves ${settings.reservedConcurrencyTotal} concurrent executions, but the account's Lambda concurrency quota in ` +
        `${settings.region} is ${quota} (Service Quotas ${LAMBDA_CONCURRENCY_QUOTA.quotaCode}), which leaves ${budget > 0 ? budget : "none"} after the ` +
        `${LIMITS.unreservedMinimum} AWS keeps unreserved (cellular:accountConcurrencyLimit says ${settings.accountConcurrencyLimit}); ` +
        "request a quota increase for the region, or lower the reservations"];
}
