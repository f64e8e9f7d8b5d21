/** The AWS account the offline plan pretends to deploy to: ARNs, invokes and outputs are built from it. */
export interface MockAccount {
    accountId: string;
    region: string;
    partition: string;
    /** SSM parameters the account already holds, by name (what an earlier deployment wrote); none by default. */
    parameters?: Record<string, string>;
    /** Service Quotas values by `<serviceCode>/<quotaCode>`; {@link ASSUMED_SERVICE_QUOTAS} otherwise. */
    serviceQuotas?: Record<string, number>;
}

/**
 * What the offline account is assumed to have of the quotas a program reads, when no one says: room for any plan (a
 * real account's are AWS's defaults at best — 1,000 concurrent Lambda executions — and often less in a new account;
 * only AWS answers for a given account). Tests give small values to see a program refuse.
 */
export const ASSUMED_SERVICE_QUOTAS: Readonly<Record<string, number>> = {
    "lambda/L-B99A9384": 1_000_000,
};

export const DEFAULT_ACCOUNT: MockAccount = { accountId: "123456789012", region: "us-east-1", partition: "aws" };
