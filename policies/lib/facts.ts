/**
 * Facts the pack shares with the program it guards, and AWS's own defaults.
 *
 * The pack is loaded by the CLI from its own folder with its own node_modules and imports nothing from the
 * program, so the shared facts are repeated here on purpose; tests/policies/facts.test.ts checks that both sides
 * agree (components/config.ts LIMITS and REQUIRED_TAGS, components/cell.ts CELL_TYPE, components/tags.ts).
 *
 * Pure: no imports, so tests and tools can read it without loading @pulumi/policy.
 */

/** The pack's name: `--policy-pack-config` files and the CLI's report refer to it. */
export const PACK_NAME = "cellular-guardrails";

/** The type token of the program's cell component, and the output that names the cell. */
export const CELL_TYPE = "cellular:index:Cell";
export const CELL_ID_OUTPUT = "cellId";

/** The dimension naming the cell in the router's per-cell metrics (handlers/lib/router-metrics.ts), which its breaker alarms read. */
export const CELL_METRIC_DIMENSION = "cell";

/** The cost tags every taggable resource carries. */
export const REQUIRED_TAGS: readonly string[] = ["cell", "cost-center", "environment"];
/** The tag whose value names the cell a resource belongs to. */
export const CELL_TAG = "cell";
/** The `cell` tag of resources outside every cell. */
export const SHARED_CELL_VALUE = "shared";
/** A function with more memory than one vCPU needs this tag, saying why. */
export const JUSTIFICATION_TAG = "memory-justification";

/** One full vCPU: a single-threaded Node.js handler cannot use a second one. */
export const SINGLE_VCPU_MEMORY_MB = 1769;
/** API Gateway gives up after 29 s (REST; HTTP: 30 s): a function behind it must finish first. */
export const MAX_SYNC_TIMEOUT_SECONDS = 28;
/** An Application Load Balancer's idle timeout when unset (elbv2 `idle_timeout.timeout_seconds`, 1–4000). */
export const ALB_DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
/** Receives of a message before it moves to the dead-letter queue (AWS's guidance). */
export const MIN_MAX_RECEIVE_COUNT = 5;
/** A queue's visibility timeout should be at least six times its consumer's timeout (AWS's guidance). */
export const VISIBILITY_MULTIPLIER = 6;
/** Lambda's default concurrency per account and region, and the part AWS keeps unreserved. */
export const ACCOUNT_CONCURRENCY_LIMIT = 1000;
/** The stack's config key that states the account's concurrency limit (the program validates against it too). */
export const ACCOUNT_CONCURRENCY_KEY = "cellular:accountConcurrencyLimit";
export const UNRESERVED_MINIMUM = 100;

/** What AWS uses when a setting is not given. */
export const AWS_DEFAULTS = {
    lambdaTimeoutSeconds: 3,
    lambdaMemoryMb: 128,
    sqsVisibilityTimeoutSeconds: 30,
    /** A stream mapping's `maximumRetryAttempts` when unset: retry until the record expires. */
    streamRetryAttempts: -1,
    streamMaxRetryAttempts: 10000,
} as const;

/** Actions AWS only grants on `*` (they name no resource): X-Ray, CloudWatch metrics, VPC network interfaces. */
export const WILDCARD_RESOURCE_ACTIONS: readonly string[] = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];

/**
 * AWS-managed policies (the part of the ARN after `policy/`) a Lambda role may have. The two X-Ray policies grant
 * the same five write actions on `*` (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules,
 * GetSamplingTargets, GetSamplingStatisticSummaries; AWS managed policy reference), which X-Ray names no resource for.
 */
export const ALLOWED_MANAGED_POLICIES: readonly string[] = [
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AWSLambdaVPCAccessExecutionRole",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
];

/** A resource that is public on purpose carries this tag, saying why (api-routes-authorized). */
export const PUBLIC_ROUTE_TAG = "public-route";
/** A role that works on records of many tenants on purpose carries this tag with this value (tenant-scoped-data-access). */
export const DATA_ACCESS_TAG = "data-access";
export const SYSTEM_DATA_ACCESS = "system";
