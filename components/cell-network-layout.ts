/**
 * The shape of a cell's own network (`cellular:isolation: vpc`), apart from the resources that build it
 * (components/cell-network.ts), so the config checks count its quotas without loading the provider. Pure.
 */

export const CELL_CIDR = "10.0.0.0/16";
/** One /20 per zone, in two zones. */
export const SUBNET_CIDRS = ["10.0.0.0/20", "10.0.16.0/20"] as const;
/** Services the functions reach through a gateway endpoint (free, on the route table; a per-region quota). */
export const GATEWAY_ENDPOINTS = ["dynamodb", "s3"] as const;
/**
 * Services the functions call that have no gateway endpoint: STS (the API's per-tenant credentials) and SQS (the
 * workers put refused records on the failure queue). An interface endpoint in each subnet, billed per hour per zone.
 */
export const INTERFACE_ENDPOINTS = ["sts", "sqs"] as const;
