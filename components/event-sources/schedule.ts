/**
 * `schedule`: an EventBridge rule that runs the daily job, invoked asynchronously (retries, then the cell's
 * on-failure destination). Events EventBridge cannot deliver at all go to the cell's failure queue (the target's
 * dead-letter queue). With the bucket source on, the job writes its summary there.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SUMMARIES_PREFIX } from "../../handlers/lib/bucket-layout";
import { ENV } from "../../handlers/lib/table";
import { ValuesOf, custom } from "../config/fields";
import { scheduleExpressionProblem } from "../config/schedule-expression";
import { Statement, allow } from "../iam";
import { Names } from "../names";
import { allowInvoke } from "./invoke-permission";
import { eventSource } from "./kind";
import { sourceSettings } from "./settings";

const settings = sourceSettings("An EventBridge schedule that runs the daily job", {
    expression: custom<string>({
        default: "cron(0 3 * * ? *)", type: "string", allowed: "`rate(...)` or `cron(...)`, as EventBridge accepts it",
        description: "When the job runs",
        read(value, path, problems) {
            const problem = typeof value === "string" ? scheduleExpressionProblem(value) : scheduleExpressionProblem("");
            if (problem === undefined) return value as string;
            problems.add(path, value, problem);
            return undefined;
        },
    }),
}, { memoryMb: 256, timeoutSeconds: 60, reservedConcurrency: 1 });

export type ScheduleSettings = ValuesOf<typeof settings.fields>;

const names = (n: Names, cellId: string) => ({ rule: n.cellResource("eventRule", cellId, "daily") });

export const schedule = eventSource({
    settings,
    function: { kind: "scheduled", handler: "scheduled", invocation: "async" },
    names,
    grants(arns, cell) {
        const statements: Statement[] = [allow("ReadOwnTable", ["dynamodb:Scan"], [arns.table(cell.tableName)])];
        if (cell.enabled("bucket")) {
            statements.push(allow("WriteSummaries", ["s3:PutObject"], [arns.bucketObjects(cell.names.bucket(cell.cellId, arns.ctx.accountId), SUMMARIES_PREFIX)]));
        }
        return statements;
    },
    environment: (cell): Record<string, pulumi.Input<string>> => (cell.enabled("bucket")
        ? { [ENV.bucketName]: cell.context.accountId.apply(a => cell.names.bucket(cell.cellId, a)) } : {}),
    quotaUsage: () => ({ eventBridgeRulesPerBus: 1 }),
    failureQueueSenders: (n, cellId) => [{ service: "events.amazonaws.com", arn: arns => arns.eventRule(names(n, cellId).rule.name) }],
    wire(cell, worker, s) {
        const id = cell.cellId;
        const rule = new aws.cloudwatch.EventRule(`${id}-schedule`, {
            name: names(cell.names, id).rule.name,
            description: `Daily job of cell ${id}`,
            scheduleExpression: s.expression,
            state: "ENABLED",
            tags: cell.tags,
        }, cell.opts());
        const permission = allowInvoke(cell, `${id}-scheduled-from-rule`, worker, "events.amazonaws.com", rule.arn);
        new aws.cloudwatch.EventTarget(`${id}-schedule-target`, {
            rule: rule.name,
            arn: worker.fn.arn,
            // Delivery failures (not function errors): retried, then kept in the failure queue.
            retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: cell.failureQueue.arn },
        }, cell.opts({ dependsOn: [permission] }));
    },
});
