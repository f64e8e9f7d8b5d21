/**
 * Deterministic physical names. Every name is known at program time, so the ARNs built from them are known
 * during `pulumi preview` and the policy pack can read IAM documents on a pull request, not only after deploy.
 *
 * Pure: no Pulumi, no AWS. Config validation uses {@link nameLimitProblems} to reject a stack whose names would
 * not fit AWS's length limits before anything is registered.
 */

/** The kinds of function a cell can have; each is also the suffix of the function's (and its role's) name. */
export const CELL_FUNCTION_KINDS = [
    "api",
    "queue-worker",
    "notifier",
    "ingest",
    "scheduled",
    "table-stream",
    "kinesis-stream",
    "failure-handler",
] as const;
export type CellFunctionKind = (typeof CELL_FUNCTION_KINDS)[number];

/** The alias callers invoke (it points at the published version; provisioned concurrency lives on it). */
export const LIVE_ALIAS_NAME = "live";

export class Names {
    /** `<project>-<stack>`, the prefix of every physical name of the stack. */
    readonly prefix: string;

    constructor(readonly project: string, readonly stack: string) {
        this.prefix = `${project}-${stack}`;
    }

    /** The prefix of every physical name of one cell. */
    cell(cellId: string): string {
        return `${this.prefix}-${cellId}`;
    }

    /** A cell function's name; its execution role has the same name (IAM and Lambda are separate namespaces). */
    cellFunction(cellId: string, kind: CellFunctionKind): string {
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

    /** `.fifo` is appended by the caller for FIFO queues (AWS requires the suffix). */
    sourceQueue(cellId: string, fifo: boolean): string {
        return `${this.cell(cellId)}-queue${fifo ? ".fifo" : ""}`;
    }

    sourceQueueDlq(cellId: string, fifo: boolean): string {
        return `${this.cell(cellId)}-queue-dlq${fifo ? ".fifo" : ""}`;
    }

    topic(cellId: string): string {
        return `${this.cell(cellId)}-events`;
    }

    /** S3 names are global: the account id makes them unique per account. */
    bucket(cellId: string, accountId: string): string {
        return `${this.cell(cellId)}-${accountId}`;
    }

    scheduleRule(cellId: string): string {
        return `${this.cell(cellId)}-daily`;
    }

    kinesisStream(cellId: string): string {
        return `${this.cell(cellId)}-stream`;
    }

    dashboard(cellId: string): string {
        return `${this.cell(cellId)}`;
    }

    alarm(cellId: string, what: string): string {
        return `${this.cell(cellId)}-${what}`;
    }

    logGroup(functionName: string): string {
        return `/aws/lambda/${functionName}`;
    }

    routerFunction(): string {
        return `${this.prefix}-router`;
    }

    api(): string {
        return `${this.prefix}-api`;
    }

    /** The SSM parameter that records that a deployment wave has rolled out (see components/cellular.ts). */
    waveParameter(wave: number): string {
        return `/${this.project}/${this.stack}/waves/${wave}`;
    }
}

/** AWS's name limits for the names above (the longest of each family is checked). */
const LIMITS: ReadonlyArray<{ what: string; max: number; name: (n: Names, cellId: string) => string }> = [
    { what: "Lambda function and IAM role names", max: 64, name: (n, c) => n.cellFunction(c, "failure-handler") },
    { what: "EventBridge rule names", max: 64, name: (n, c) => n.scheduleRule(c) },
    // 12 digits stand for the account id, known only at deploy time.
    { what: "S3 bucket names", max: 63, name: (n, c) => n.bucket(c, "123456789012") },
    { what: "SQS queue names", max: 80, name: (n, c) => n.lastResortQueue(c) },
];

/** Problems with the names a cell would get, or [] when they all fit. */
export function nameLimitProblems(names: Names, cellId: string): string[] {
    const problems: string[] = [];
    for (const limit of LIMITS) {
        const name = limit.name(names, cellId);
        if (name.length > limit.max) {
            problems.push(`${limit.what} are limited to ${limit.max} characters, but cell ${JSON.stringify(cellId)} ` +
                `of stack ${JSON.stringify(names.stack)} would get ${JSON.stringify(name)} (${name.length}); ` +
                `use a shorter stack name or cell id`);
        }
    }
    return problems;
}
