/**
 * `bucket`: the cell's private, encrypted S3 bucket; objects created under `prefix` with one of the `suffixes`
 * invoke the ingest function asynchronously. Ingest reports malformed rows to `errors/`; the daily job's summaries
 * and the failure handler's large failures also live in this bucket. Those failures (`failures/`) expire after
 * the cell's `failureHandler.retentionDays`, as their table rows do (a lifecycle rule).
 */
import * as aws from "@pulumi/aws";
import { ERRORS_PREFIX, FAILURES_PREFIX } from "../../handlers/lib/bucket-layout";
import { ENV } from "../../handlers/lib/table";
import { ValuesOf, custom, text } from "../config/fields";
import { LIMITS } from "../config/limits";
import { allow } from "../iam";
import { ACCOUNT_ID_PLACEHOLDER } from "../names";
import { allowInvoke } from "./invoke-permission";
import { eventSource } from "./kind";
import { rejectionEnvironment, rejectNotOwned } from "./rejections";
import { sourceSettings } from "./settings";

const SUFFIX = new RegExp(`^[^*?]{1,${LIMITS.objectKeySuffixLength}}$`);

const settings = sourceSettings("The cell's S3 bucket; new objects invoke the ingest function", {
    prefix: text({ default: "incoming/", pattern: new RegExp(`^[^*?]{0,${LIMITS.objectKeyPrefixLength}}$`),
        allowed: "expected an object key prefix (no wildcards)", description: "Only objects under this key prefix trigger ingest" }),
    suffixes: custom<string[]>({
        default: [".csv", ".jsonl"], type: "list", allowed: "object key suffixes, no wildcards, each once",
        description: "Object key suffixes that trigger ingest (one notification filter each)",
        read(value, path, problems) {
            if (Array.isArray(value) && value.every(s => typeof s === "string" && SUFFIX.test(s))) return value as string[];
            problems.add(path, value, "expected a list of object key suffixes such as \".csv\" (no wildcards)");
            return undefined;
        },
    }),
}, { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 2 }, (v, at) => {
    if (new Set(v.suffixes).size !== v.suffixes.length) {
        at.problem("suffixes", v.suffixes, "S3 rejects overlapping notification filters; list each suffix once");
    }
});

export type BucketSettings = ValuesOf<typeof settings.fields>;

export const bucket = eventSource({
    settings,
    function: { kind: "ingest", handler: "ingest", invocation: "async" },
    // The bucket is the cell's (other sources write to it): its name is the cell's, checked with a stand-in account.
    names: (n, cellId) => ({ bucket: { kind: "bucket", name: n.bucket(cellId, ACCOUNT_ID_PLACEHOLDER) } }),
    grants(arns, cell, s) {
        const b = cell.names.bucket(cell.cellId, arns.ctx.accountId);
        return [
            allow("ReadIncoming", ["s3:GetObject"], [arns.bucketObjects(b, s.prefix)]),
            // Without it, a deleted object reads as "access denied" instead of "no such key".
            { ...allow("ListIncoming", ["s3:ListBucket"], [arns.bucket(b)]), Condition: { StringLike: { "s3:prefix": [`${s.prefix}*`] } } },
            allow("WriteErrorReports", ["s3:PutObject"], [arns.bucketObjects(b, ERRORS_PREFIX)]),
            // Items are conditional UpdateItems (the item model); the checkpoint is a GetItem and a PutItem.
            allow("WriteOwnTable", ["dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], [arns.table(cell.tableName)]),
            rejectNotOwned(arns, cell),
        ];
    },
    environment: cell => ({ [ENV.bucketName]: cell.context.accountId.apply(a => cell.names.bucket(cell.cellId, a)), ...rejectionEnvironment(cell) }),
    wire(cell, worker, s) {
        const id = cell.cellId;
        const source = new aws.s3.Bucket(`${id}-bucket`, {
            bucket: cell.context.accountId.apply(a => cell.names.bucket(id, a)),
            // Unprotected (a throwaway stack), a destroy empties the bucket rather than failing on its objects.
            forceDestroy: !cell.protectData,
            tags: cell.tags,
        }, cell.dataOpts());
        new aws.s3.BucketPublicAccessBlock(`${id}-bucket-public-access`, {
            bucket: source.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, cell.opts());
        new aws.s3.BucketServerSideEncryptionConfiguration(`${id}-bucket-encryption`, {
            bucket: source.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }, cell.opts());
        new aws.s3.BucketLifecycleConfiguration(`${id}-bucket-lifecycle`, {
            bucket: source.id,
            rules: [{
                id: "expire-failed-events",
                status: "Enabled",
                filter: { prefix: FAILURES_PREFIX },
                expiration: { days: cell.failureRetentionDays },
            }],
        }, cell.opts());
        new aws.s3.BucketOwnershipControls(`${id}-bucket-ownership`, {
            bucket: source.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, cell.opts());
        const permission = allowInvoke(cell, `${id}-ingest-from-bucket`, worker, "s3.amazonaws.com", source.arn, cell.context.accountId);
        new aws.s3.BucketNotification(`${id}-bucket-notification`, {
            bucket: source.id,
            lambdaFunctions: s.suffixes.map(suffix => ({
                lambdaFunctionArn: worker.fn.arn,
                events: ["s3:ObjectCreated:*"],
                filterPrefix: s.prefix,
                filterSuffix: suffix,
            })),
        }, cell.opts({ dependsOn: [permission] }));
    },
});
