/**
 * scheduled: the cell's daily job (EventBridge schedule, asynchronous). Summarises the cell from the
 * per-customer `COUNTER` rows (kept by the stream processor): customers with items and the items they hold.
 *
 * Event: an EventBridge scheduled event; only its `time` is read (the summary's date, so a retried event
 * rewrites the same object), the invocation time when absent.
 *
 * Output: `summaries/<yyyy-mm-dd>.json` in the cell's bucket (env BUCKET_NAME; not written when unset) as
 * `{ cell, date, generatedAt, complete, customers, items, counterRows, pagesScanned }`, and the metrics
 * `Customers` and `Items` (dimensions service, cell).
 *
 * The Scan pages through the table and stops between pages when the invocation's time runs low: it then
 * writes the partial summary (`complete: false`, no metrics, which would be wrong) and fails on purpose
 * (SummaryIncompleteError). Failures go to Lambda's asynchronous retries and then the function's on-failure
 * destination, the cell's failure queue.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, ScheduledEvent } from "aws-lambda";
import { METRICS_NAMESPACE, hasS3EndpointOverride, optionalEnv, requireEnv } from "./lib/events-env";
import { ENV } from "./lib/table";
import { TimeBudget } from "./lib/time-budget";
import { summaryKey } from "./lib/bucket-layout";
import { traced, tracedHandler } from "./clients/tracing";

const SERVICE = "scheduled";

const cellId = requireEnv(ENV.cellId);
const tableName = requireEnv(ENV.tableName);
const bucketName = optionalEnv(ENV.bucketName);
const logger = new Logger({ serviceName: SERVICE, persistentKeys: { cell: cellId } });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE, defaultDimensions: { cell: cellId } });
const ddb = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})));
const s3 = traced(new S3Client({ forcePathStyle: hasS3EndpointOverride() }));

class SummaryIncompleteError extends Error {
    constructor(pages: number, remainingMs: number) {
        super(`the summary scan stopped after ${pages} pages with ${remainingMs} ms of the invocation left; ` +
            "a partial summary (complete: false) was written and no metrics were published");
        this.name = "SummaryIncompleteError";
    }
}

export interface CellSummary {
    cell: string;
    date: string;
    generatedAt: string;
    complete: boolean;
    /** Customers holding at least one item. */
    customers: number;
    items: number;
    counterRows: number;
    pagesScanned: number;
}

function dateOf(time: string | undefined): string {
    const parsed = time === undefined ? Number.NaN : Date.parse(time);
    return new Date(Number.isNaN(parsed) ? Date.now() : parsed).toISOString().slice(0, 10);
}

async function summarise(budget: TimeBudget, date: string): Promise<CellSummary> {
    const summary: CellSummary = {
        cell: cellId, date, generatedAt: "", complete: false, customers: 0, items: 0, counterRows: 0, pagesScanned: 0,
    };
    let startKey: Record<string, unknown> | undefined;
    do {
        if (summary.pagesScanned > 0 && budget.isLow()) return { ...summary, generatedAt: new Date().toISOString() };
        const page = await ddb.send(new ScanCommand({
            TableName: tableName,
            FilterExpression: "#sk = :counter",
            ProjectionExpression: "#pk, #count",
            ExpressionAttributeNames: { "#sk": "sk", "#pk": "pk", "#count": "itemCount" },
            ExpressionAttributeValues: { ":counter": "COUNTER" },
            ExclusiveStartKey: startKey,
        }));
        summary.pagesScanned++;
        for (const row of page.Items ?? []) {
            const count = typeof row.itemCount === "number" ? row.itemCount : 0;
            summary.counterRows++;
            if (count > 0) {
                summary.customers++;
                summary.items += count;
            }
        }
        startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { ...summary, complete: true, generatedAt: new Date().toISOString() };
}

export const handler = tracedHandler(async (event: ScheduledEvent, context: Context): Promise<CellSummary> => {
    logger.addContext(context);
    const budget = TimeBudget.forInvocation(context);
    try {
        const summary = await summarise(budget, dateOf(event.time));
        if (bucketName === undefined) {
            logger.info("BUCKET_NAME is not set; summary not written", { summary });
        } else {
            await s3.send(new PutObjectCommand({
                Bucket: bucketName,
                Key: summaryKey(summary.date),
                Body: JSON.stringify(summary, null, 2),
                ContentType: "application/json",
            }));
        }
        if (!summary.complete) {
            metrics.addMetric("SummaryIncomplete", MetricUnit.Count, 1);
            throw new SummaryIncompleteError(summary.pagesScanned, budget.remainingMs());
        }
        metrics.addMetric("Customers", MetricUnit.Count, summary.customers);
        metrics.addMetric("Items", MetricUnit.Count, summary.items);
        logger.info("cell summarised", { ...summary });
        return summary;
    } finally {
        // Without the guard Powertools warns on every invocation that stored nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
});
