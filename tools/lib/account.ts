/** The AWS account the offline plan pretends to deploy to: ARNs, invokes and outputs are built from it. */
export interface MockAccount {
    accountId: string;
    region: string;
    partition: string;
}

export const DEFAULT_ACCOUNT: MockAccount = { accountId: "123456789012", region: "us-east-1", partition: "aws" };
