/**
 * What the two stream sources (the table's DynamoDB stream and the cell's Kinesis stream) share: their settings and
 * their event source mapping, with bisection on error, finite retries, a maximum record age, partial batch
 * failures and the cell's failure queue as the on-failure destination.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { integer, oneOf } from "../config/fields";
import { FunctionDefaults } from "../config/function-settings";
import { LIMITS } from "../config/limits";
import { LambdaResources } from "../function";
import { CellScope } from "./kind";

/** The stream fields, with the defaults both sources share. */
export function streamFields() {
    return {
        batchSize: integer({ min: LIMITS.streamBatchSize.min, max: LIMITS.streamBatchSize.max, default: 100, description: "Records per batch" }),
        batchingWindowSeconds: integer({ min: LIMITS.batchingWindowSeconds.min, max: LIMITS.batchingWindowSeconds.max, default: 0,
            description: "How long Lambda gathers records into a batch" }),
        startingPosition: oneOf(["LATEST", "TRIM_HORIZON"], { default: "LATEST",
            description: "Where a new mapping starts reading; a deployed mapping keeps reading where it is (a change applies to mappings created later)" }),
        maximumRetryAttempts: integer({ min: LIMITS.streamRetryAttempts.min, max: LIMITS.streamRetryAttempts.max, default: 5,
            why: `expected a finite number of retries from ${LIMITS.streamRetryAttempts.min} to ${LIMITS.streamRetryAttempts.max} (-1, retry until the record expires, blocks the shard)`,
            description: "Retries of a failed batch before it goes to the failure queue" }),
        maximumRecordAgeSeconds: integer({ min: LIMITS.maximumRecordAgeSeconds.min, max: LIMITS.maximumRecordAgeSeconds.max, default: 3600,
            description: "Records older than this go to the failure queue" }),
        parallelizationFactor: integer({ min: LIMITS.parallelizationFactor.min, max: LIMITS.parallelizationFactor.max, default: 1,
            description: "Concurrent batches per shard" }),
    };
}

export const STREAM_FUNCTION: FunctionDefaults = { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 2 };

export interface StreamMappingSettings {
    batchSize: number;
    batchingWindowSeconds: number;
    startingPosition: "LATEST" | "TRIM_HORIZON";
    maximumRetryAttempts: number;
    maximumRecordAgeSeconds: number;
    parallelizationFactor: number;
}

export function streamMapping(cell: CellScope, logicalName: string, eventSourceArn: pulumi.Input<string>, worker: LambdaResources,
    s: StreamMappingSettings, filter?: object): aws.lambda.EventSourceMapping {
    return new aws.lambda.EventSourceMapping(logicalName, {
        eventSourceArn,
        functionName: worker.fn.arn,
        startingPosition: s.startingPosition,
        batchSize: s.batchSize,
        ...(s.batchingWindowSeconds > 0 ? { maximumBatchingWindowInSeconds: s.batchingWindowSeconds } : {}),
        maximumRetryAttempts: s.maximumRetryAttempts,
        maximumRecordAgeInSeconds: s.maximumRecordAgeSeconds,
        bisectBatchOnFunctionError: true,
        parallelizationFactor: s.parallelizationFactor,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: cell.failureQueue.arn } },
        ...(filter ? { filterCriteria: { filters: [{ pattern: JSON.stringify(filter) }] } } : {}),
        tags: cell.tags,
    }, cell.opts({
        dependsOn: [worker.policy],
        // The provider replaces a mapping whose starting position changes (ForceNew), and the new one is created
        // before the old one goes: two mappings read the stream at once (each record twice; a DynamoDB stream allows
        // two readers per shard), and the new one starts over from LATEST or TRIM_HORIZON. Where to start means
        // something only to a new mapping, so a change is not applied to one that is already reading.
        ignoreChanges: ["startingPosition"],
    }));
}
