/**
 * AWS's limits (unless said otherwise) that the settings are checked against. Pure data; each figure is here once,
 * and the field declarations, checks and messages quote it.
 */
export const LIMITS = {
    memoryMb: { min: 128, max: 10240 },
    /** One full vCPU: a single-threaded Node.js handler cannot use more (see policies: lambda-memory-right-sized). */
    singleVcpuMemoryMb: 1769,
    timeoutSeconds: { min: 1, max: 900 },
    /**
     * API Gateway gives up after 29 s (REST) / 30 s (HTTP); a function behind it, or invoked synchronously by the
     * router, must finish first.
     */
    synchronousTimeoutSeconds: 28,
    reservedConcurrency: { min: 0, max: 1_000_000 },
    sqsBatchSize: { min: 1, max: 10000 },
    sqsFifoBatchSize: 10,
    /** A standard queue's batches above this size need a batching window. */
    sqsBatchWithoutWindow: 10,
    streamBatchSize: { min: 1, max: 10000 },
    batchingWindowSeconds: { min: 0, max: 300 },
    maxReceiveCount: { min: 5, max: 1000 },
    /**
     * An SQS event source mapping's `scalingConfig.maximumConcurrency`. Lambda polls a queue with five concurrent
     * batches at first; a batch throttled by reserved concurrency returns to the queue and counts as a receive, so a
     * function fed by SQS needs a reservation of at least the minimum, and its mapping capped at it.
     */
    sqsMaximumConcurrency: { min: 2, max: 1000 },
    /** How long failed events are kept (FAILURE# rows, the bucket's failures/ prefix), in days. */
    failureRetentionDays: { min: 1, max: 3653 },
    asyncRetries: { min: 0, max: 2 },
    maximumEventAgeSeconds: { min: 60, max: 21600 },
    streamRetryAttempts: { min: 0, max: 10000 },
    maximumRecordAgeSeconds: { min: 60, max: 604800 },
    parallelizationFactor: { min: 1, max: 10 },
    kinesisShards: { min: 1, max: 500 },
    /** AWS keeps this much of the account's concurrency unreserved. */
    unreservedMinimum: 100,
    accountConcurrency: { max: 1_000_000 },
    cellIdLength: 20,
    cells: { min: 1, max: 1000 },
    waves: { max: 100 },
    /** The values CloudWatch Logs accepts for retentionInDays (0, "never expire", is deliberately not offered). */
    logRetentionDays: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
        3288, 3653] as readonly number[],
    apiThrottleRate: { min: 1, max: 10000 },
    apiThrottleBurst: { min: 1, max: 5000 },
    tagKeyLength: 128,
    tagValueLength: 256,
    /** S3 notification filters. */
    objectKeyPrefixLength: 512,
    objectKeySuffixLength: 64,
} as const;
