/**
 * Deterministic physical names: every physical name of the stack is made here. Every name is known at program
 * time, so the ARNs built from them are known during `pulumi preview` and the policy pack can read IAM documents on
 * a pull request, not only after deploy; and every name is checked against AWS's limit for its kind before anything
 * is registered ({@link nameProblems}).
 *
 * Names of things that are global to the account — IAM roles and policies, S3 buckets, CloudWatch dashboards —
 * carry the region's short code ({@link regionCode}: `use1`, `euw1`, `apse2`), so the same stack in a second region
 * does not collide with (or, for a dashboard, silently overwrite) the first, and the suffix costs a name at most a
 * few characters of AWS's limit.
 *
 * Pure: no Pulumi, no AWS.
 */

/** The short words AWS region names are made of (`south` + `east` is `southeast`). */
const DIRECTIONS: Record<string, string> = {
    north: "n", south: "s", east: "e", west: "w", central: "c",
    northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
};

/** What a region name looks like: `us-east-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`, `eusc-de-east-1`. */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

/**
 * The short code of a region, the convention AWS's own tooling uses: the country or area code, then each direction
 * as its initials, then the number (`us-east-1` → `use1`, `ap-southeast-2` → `apse2`, `us-gov-west-1` → `usgovw1`).
 * Different regions get different codes (tests/components/names.test.ts checks it over every region AWS lists).
 */
export function regionCode(region: string): string {
    return region.split("-").map(part => DIRECTIONS[part] ?? part).join("");
}

/** The owner of the identity's data records (a cell id cannot start with `_`). */
export const IDENTITY_OWNER = "_identity";

/** AWS's limits on the names of each kind of resource the stack names itself. */
export const NAME_LIMITS = {
    function: { max: 64, what: "Lambda function names" },
    role: { max: 64, what: "IAM role names" },
    managedPolicy: { max: 128, what: "IAM policy names" },
    queue: { max: 80, what: "SQS queue names" },
    bucket: { max: 63, what: "S3 bucket names" },
    eventRule: { max: 64, what: "EventBridge rule names" },
    topic: { max: 256, what: "SNS topic names" },
    kinesisStream: { max: 128, what: "Kinesis stream names" },
    table: { max: 255, what: "DynamoDB table names" },
    logGroup: { max: 512, what: "CloudWatch Logs log group names" },
    alarm: { max: 255, what: "CloudWatch alarm names" },
    dashboard: { max: 255, what: "CloudWatch dashboard names" },
    api: { max: 128, what: "API Gateway API names" },
    userPool: { max: 128, what: "Cognito user pool names" },
    parameter: { max: 1011, what: "SSM parameter names" },
    targetGroup: { max: 32, what: "ELB target group names" },
    loadBalancer: { max: 32, what: "Elastic Load Balancing load balancer names" },
    codedeploy: { max: 100, what: "CodeDeploy application, deployment group and deployment config names" },
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

/** A physical name with the kind of resource it names (which decides its limit). */
export interface PhysicalName {
    kind: NameKind;
    name: string;
}

/** Stands for the account id in names that hold it, where it is known only at deploy time (always 12 digits). */
export const ACCOUNT_ID_PLACEHOLDER = "123456789012";

/** The name of the inline policy each function's role carries (names are per role, not global). */
export const FUNCTION_POLICY_NAME = "least-privilege";

export class Names {
    /** `<project>-<stack>`, the prefix of every physical name of the stack. */
    readonly prefix: string;

    /** The region's short code, the suffix of account-global names. */
    readonly regionCode: string;

    constructor(readonly project: string, readonly stack: string, readonly region: string) {
        this.prefix = `${project}-${stack}`;
        this.regionCode = regionCode(region);
    }

    /** An account-global name made unique per region. */
    private global(name: string): string {
        return `${name}-${this.regionCode}`;
    }

    /** The execution role of a function (IAM names are global to the account: the region makes it the stack's). */
    functionRole(functionName: string): string {
        return this.global(functionName);
    }

    /** The prefix of every physical name of one cell. */
    cell(cellId: string): string {
        return `${this.prefix}-${cellId}`;
    }

    /** A resource of one cell, named `<prefix>-<cellId>-<suffix>`: what an event source names its resources with. */
    cellResource(kind: NameKind, cellId: string, suffix: string): PhysicalName {
        return { kind, name: `${this.cell(cellId)}-${suffix}` };
    }

    /** A cell function's name (`kind` is the function's kind, e.g. `api`); its role is {@link functionRole}. */
    cellFunction(cellId: string, kind: string): string {
        return `${this.cell(cellId)}-${kind}`;
    }

    table(cellId: string): string {
        return `${this.cell(cellId)}-data`;
    }

    failureQueue(cellId: string): string {
        return `${this.cell(cellId)}-failures`;
    }

    /** Where failure-queue messages go when even the failure handler cannot process them. */
    lastResortQueue(cellId: string): string {
        return `${this.cell(cellId)}-failures-last-resort`;
    }

    /** Where on-success records of the cell's asynchronous functions go (`async.onSuccess: queue`). */
    successQueue(cellId: string): string {
        return `${this.cell(cellId)}-successes`;
    }

    /** The SNS topic that feeds the failure queue (destination `topic`). */
    failureTopic(cellId: string): string {
        return `${this.cell(cellId)}-failure-events`;
    }

    /** The default-bus rule that routes the cell's failure records into the failure queue (destination `bus`). */
    failureRule(cellId: string): string {
        return `${this.cell(cellId)}-failure-records`;
    }

    /** The role a cell's API assumes, tagged with the tenant, for its data access (one per cell). */
    cellDataRole(cellId: string): string {
        return this.global(`${this.cell(cellId)}-tenant`);
    }

    /** S3 names are global to every account: the account id and the region make them the stack's. */
    bucket(cellId: string, accountId: string): string {
        return this.global(`${this.cell(cellId)}-${accountId}`);
    }

    /** Dashboards are global to the account (PutDashboard overwrites one of the same name without a word). */
    dashboard(cellId: string): string {
        return this.global(this.cell(cellId));
    }

    alarm(cellId: string, what: string): string {
        return `${this.cell(cellId)}-${what}`;
    }

    /** The cell's own HTTP API (redirect mode). */
    cellApi(cellId: string): string {
        return `${this.cell(cellId)}-api`;
    }

    /** The log group Lambda writes a function's logs to. */
    logGroup(functionName: string): string {
        return `/aws/lambda/${functionName}`;
    }

    /** The log group an API's stage writes its access logs to. */
    accessLogGroup(apiName: string): string {
        return `/aws/apigateway/${apiName}`;
    }

    routerFunction(): string {
        return `${this.prefix}-router`;
    }

    /** The control table (the live routing map and the moves, handlers/lib/control-map.ts), outside every cell. */
    controlTable(): string {
        return `${this.prefix}-control`;
    }

    /** The k-th managed policy of the router's invoke grants (components/router-grants.ts). */
    routerInvokePolicy(k: number): string {
        return this.global(`${this.routerFunction()}-invoke-cells-${k}`);
    }

    /** The router's alarm for one cell: the cell's breakers stayed open (components/router.ts). */
    breakerAlarm(cellId: string): string {
        return this.alarm(cellId, "breaker-open");
    }

    /** The router's dashboard, every cell through it: the bare prefix (and region), which no cell's dashboard can have. */
    routerDashboard(): string {
        return this.global(this.prefix);
    }

    api(): string {
        return `${this.prefix}-api`;
    }

    /** The stack's Cognito user pool (`cellular:auth.cognito`), and its app client. */
    userPool(): string {
        return `${this.prefix}-users`;
    }

    userPoolClient(): string {
        return `${this.userPool()}-app`;
    }

    /** The Cognito trigger that puts the tenant and the scopes in access tokens. */
    tokenClaimsFunction(): string {
        return `${this.prefix}-token-claims`;
    }

    /** The REST API's Lambda authorizer (`cellular:auth.issuer` with `cellular:router.api: rest`). */
    authorizerFunction(): string {
        return `${this.prefix}-authorizer`;
    }

    /** The account-wide role REST APIs write access logs through. */
    apiGatewayLogsRole(): string {
        return this.global(`${this.prefix}-apigateway-logs`);
    }

    /** The stack's CodeDeploy application (Lambda): every cell's deployment group is in it. */
    codedeployApplication(): string {
        return this.prefix;
    }

    /** A cell's CodeDeploy deployment group, which shifts its API function's alias (components/rollout/). */
    deploymentGroup(cellId: string): string {
        return this.cell(cellId);
    }

    /** The role CodeDeploy shifts a cell's alias with. */
    codedeployRole(cellId: string): string {
        return this.global(`${this.cell(cellId)}-codedeploy`);
    }

    /** The stack's own deployment config (`cellular:rollout.strategy: custom`). */
    deploymentConfig(): string {
        return `${this.prefix}-custom`;
    }

    /** The topic every alarm notifies, when the stack creates it (`cellular:alarms.emails`). */
    alarmTopic(): string {
        return `${this.prefix}-alarms`;
    }

    /** The SSM path of the records of what holds data (components/data-shape.ts). */
    dataPath(): string {
        return `/${this.project}/${this.stack}/data`;
    }

    /** The record of what one owner (a cell id, or {@link IDENTITY_OWNER}) holds data in. */
    dataParameter(owner: string): string {
        return `${this.dataPath()}/${owner}`;
    }
}

/**
 * Problems with names that would not fit AWS's limits, or [] when they all fit. One problem per kind of name (the
 * longest name of the kind decides); `owner` says whose names they are (`cell "cell-a"`, `the router`).
 */
export function nameProblems(names: Names, owned: ReadonlyArray<{ owner: string; name: PhysicalName }>): string[] {
    const longest = new Map<NameKind, { owner: string; name: PhysicalName }>();
    for (const entry of owned) {
        const current = longest.get(entry.name.kind);
        if (current === undefined || entry.name.name.length > current.name.name.length) longest.set(entry.name.kind, entry);
    }
    const problems: string[] = [];
    for (const [kind, { owner, name }] of longest) {
        const limit = NAME_LIMITS[kind];
        if (name.name.length > limit.max) {
            problems.push(`${limit.what} are limited to ${limit.max} characters, but ${owner} of stack ${JSON.stringify(names.stack)} ` +
                `would get ${JSON.stringify(name.name)} (${name.name.length}); use a shorter stack name or cell id`);
        }
    }
    return problems;
}
