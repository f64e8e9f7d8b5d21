/**
 * How much of the invocation is left, so long-running handlers stop cleanly between units of work instead of
 * being killed mid-write by the function timeout. Pure.
 */

/** The part of the Lambda context a budget reads. */
export interface RemainingTime {
    getRemainingTimeInMillis(): number;
}

export class TimeBudget {
    /**
     * @param clock the invocation context (or a fake in tests)
     * @param reserveMs time kept back for the work after the last unit: a checkpoint, a report, the error
     */
    constructor(private readonly clock: RemainingTime, readonly reserveMs: number) {}

    /**
     * A budget that keeps back a quarter of the time left now, between `minReserveMs` and `maxReserveMs`: a
     * 3 s function keeps 750 ms, a 15 min one keeps `maxReserveMs`.
     */
    static forInvocation(clock: RemainingTime, minReserveMs = 500, maxReserveMs = 10_000): TimeBudget {
        const quarter = Math.floor(clock.getRemainingTimeInMillis() / 4);
        return new TimeBudget(clock, Math.min(maxReserveMs, Math.max(minReserveMs, quarter)));
    }

    remainingMs(): number {
        return this.clock.getRemainingTimeInMillis();
    }

    /** `true` once only the reserve (or less) is left: start no further unit of work. */
    isLow(): boolean {
        return this.remainingMs() <= this.reserveMs;
    }
}
