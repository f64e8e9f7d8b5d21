/**
 * IAM documents as plain data. Statements list exact actions on exact ARNs; the only `*` resources are for the
 * actions AWS does not scope to a resource (X-Ray, the ENI actions of functions in a VPC).
 */
export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
    Principal?: Record<string, string | string[]>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function document(statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

export function allow(sid: string, actions: string[], resources: string[]): Statement {
    return { Sid: sid, Effect: "Allow", Action: [...actions].sort(), Resource: resources };
}

/** The trust policy of a Lambda execution role. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Actions that AWS only grants on `*` (they name no resource). */
export const XRAY_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"];
export const VPC_ENI_ACTIONS = ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:UnassignPrivateIpAddresses"];

/** AWS's limit for the inline policies of one role, and for one customer-managed policy (whitespace excluded). */
export const INLINE_POLICY_LIMIT = 10240;
export const MANAGED_POLICY_LIMIT = 6144;

/** The size IAM counts: the JSON without whitespace. */
export function policySize(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}
