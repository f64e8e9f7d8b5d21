/** The pre-traffic hook's function, as the config checks count it (its kind names it; its reservation is budgeted). Pure. */

export const PRE_TRAFFIC_HOOK = {
    kind: "pre-traffic",
    handler: "pre-traffic-hook",
    /** Probing answers in milliseconds; 30 s leaves a cold start and the SDK's retries room. One deployment at a time. */
    settings: { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 1 },
} as const;
