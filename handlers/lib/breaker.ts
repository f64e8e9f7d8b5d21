/**
 * A circuit breaker per cell, held by one router instance (module scope, so it survives warm invocations). Pure:
 * time comes from an injected clock, so the state machine is tested without waiting.
 *
 * - closed: every call goes ahead; `failureThreshold` consecutive failures open the breaker.
 * - open: calls are refused at once (the router answers 503 with Retry-After) for `coolDownSeconds`.
 * - half-open: once the cool-down is over, exactly one call (the probe) goes ahead; its success closes the
 *   breaker, its failure opens it for another cool-down, and a result that says nothing about the cell's health (a
 *   throttle) leaves it half-open for the next call to probe.
 *
 * A breaker per cell: one cell's failures never refuse another cell's calls.
 */

export interface BreakerSettings {
    /** Consecutive failures (timeouts, 5xx) from one cell that open its breaker. */
    failureThreshold: number;
    /** How long an open breaker refuses calls before it lets one probe through. */
    coolDownSeconds: number;
}

/** The defaults of `cellular:router.breaker` (the config's field table reads them from here). */
export const BREAKER_DEFAULTS: Readonly<BreakerSettings> = { failureThreshold: 5, coolDownSeconds: 10 };

/** What a call's result says about the cell: it answered (`success`), it is sick (`failure`), or nothing (`neutral`). */
export type CallOutcome = "success" | "failure" | "neutral";

/**
 * What the router's answer to one cell call says about the cell: a 5xx (the cell's own, or the router's 502/504 for
 * a function error, an invalid answer or a timeout) is a failure; 429 (Lambda shed the call: the cell is full, not
 * sick) and 413 (the request was too large) say nothing; any other answer means the cell answered.
 */
export function outcomeOfStatus(statusCode: number): CallOutcome {
    if (statusCode === 429 || statusCode === 413) return "neutral";
    return statusCode >= 500 ? "failure" : "success";
}

export type BreakerState = "closed" | "open" | "half-open";

/** The breaker's answer to "may this call go ahead?". */
export type Admission =
    | { admitted: true; /** The one call of a half-open breaker, whose result decides. */ probe: boolean }
    | { admitted: false; /** Whole seconds until a probe may go ahead (at least 1). */ retryAfterSeconds: number };

/** A change of state caused by a result, for the caller to log. */
export type Transition = "opened" | "closed";

export class CircuitBreaker {
    private isOpen = false;
    private consecutiveFailures = 0;
    private openUntil = 0;
    private probing = false;

    /** @param now milliseconds on any monotonic scale (Date.now, or a test's clock) */
    constructor(private readonly settings: BreakerSettings, private readonly now: () => number) {}

    get state(): BreakerState {
        if (!this.isOpen) return "closed";
        return this.now() < this.openUntil ? "open" : "half-open";
    }

    /** Whether a call may go ahead now; a half-open breaker admits one probe at a time. */
    admit(): Admission {
        const state = this.state;
        if (state === "closed") return { admitted: true, probe: false };
        if (state === "half-open" && !this.probing) {
            this.probing = true;
            return { admitted: true, probe: true };
        }
        // Open, or half-open with the probe still out: a probe may go ahead when the cool-down is over.
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((this.openUntil - this.now()) / 1000)) };
    }

    /**
     * Records the result of an admitted call. Results of calls admitted while closed that come back once the
     * breaker has opened are ignored: only the probe decides an open breaker's fate.
     */
    record(outcome: CallOutcome, admission: { probe: boolean }): Transition | undefined {
        if (admission.probe) {
            this.probing = false;
            if (outcome === "success") return this.close();
            if (outcome === "failure") return this.open();
            return undefined;
        }
        if (this.isOpen) return undefined;
        if (outcome === "success") this.consecutiveFailures = 0;
        if (outcome === "failure" && ++this.consecutiveFailures >= this.settings.failureThreshold) return this.open();
        return undefined;
    }

    private open(): Transition | undefined {
        const wasOpen = this.isOpen;
        this.isOpen = true;
        this.openUntil = this.now() + this.settings.coolDownSeconds * 1000;
        return wasOpen ? undefined : "opened";
    }

    private close(): Transition {
        this.isOpen = false;
        this.consecutiveFailures = 0;
        return "closed";
    }
}

/** One breaker per cell id, created closed on first use. */
export class CellBreakers {
    private readonly byCell = new Map<string, CircuitBreaker>();

    constructor(private readonly settings: BreakerSettings, private readonly now: () => number) {}

    of(cellId: string): CircuitBreaker {
        let breaker = this.byCell.get(cellId);
        if (breaker === undefined) {
            breaker = new CircuitBreaker(this.settings, this.now);
            this.byCell.set(cellId, breaker);
        }
        return breaker;
    }
}

/** The environment variables the program sets on the router for its breakers (components/router.ts). */
export const BREAKER_ENV = {
    failureThreshold: "BREAKER_FAILURE_THRESHOLD",
    coolDownSeconds: "BREAKER_COOL_DOWN_SECONDS",
} as const satisfies Record<keyof BreakerSettings, string>;

/**
 * The breaker settings from the router's environment: each a positive integer, else its default with a problem to
 * log (the router keeps routing rather than failing every request over a setting).
 */
export function breakerSettingsFromEnv(env: Record<string, string | undefined>): { settings: BreakerSettings; problems: string[] } {
    const settings = { ...BREAKER_DEFAULTS };
    const problems: string[] = [];
    for (const key of Object.keys(BREAKER_ENV) as Array<keyof BreakerSettings>) {
        const name = BREAKER_ENV[key];
        const text = env[name];
        if (text === undefined) continue;
        const value = Number(text);
        if (/^\d+$/.test(text) && Number.isSafeInteger(value) && value >= 1) settings[key] = value;
        else problems.push(`${name} is ${JSON.stringify(text)}; expected a positive integer (using ${settings[key]})`);
    }
    return { settings, problems };
}
