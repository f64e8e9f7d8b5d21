/**
 * The settings every Lambda function of the stack has (memory, timeout, reserved concurrency, a justification for
 * memory above one vCPU), with the defaults of each function kind, and those of a function behind API Gateway
 * (which must finish within its timeout, and may keep provisioned concurrency on its alias). Pure.
 */
import { SectionCheck, ValuesOf, integer, integerIn, optionalText } from "./fields";
import { LIMITS } from "./limits";

export interface FunctionDefaults {
    memoryMb: number;
    timeoutSeconds: number;
    reservedConcurrency: number;
}

/** The fields of one function's settings, with this function kind's defaults. */
export function functionFields(d: FunctionDefaults) {
    return {
        memoryMb: integer({ min: LIMITS.memoryMb.min, max: LIMITS.memoryMb.max, default: d.memoryMb,
            allowed: `${LIMITS.memoryMb.min}–${LIMITS.memoryMb.max}; above ${LIMITS.singleVcpuMemoryMb} needs memoryJustification`,
            description: `Memory in MB; above ${LIMITS.singleVcpuMemoryMb} (one vCPU) it needs memoryJustification` }),
        timeoutSeconds: integer({ min: LIMITS.timeoutSeconds.min, max: LIMITS.timeoutSeconds.max, default: d.timeoutSeconds,
            description: "Timeout in seconds" }),
        reservedConcurrency: integer({ min: LIMITS.reservedConcurrency.min, max: LIMITS.reservedConcurrency.max,
            default: d.reservedConcurrency, allowed: "≥ 0",
            description: "Reserved concurrency: the function's floor and ceiling (0 stops it)" }),
        memoryJustification: optionalText({ pattern: /\S/, allowed: "expected a non-empty reason",
            description: "Why the function needs more than one vCPU of memory; becomes the memory-justification tag" }),
    };
}

type FunctionFields = ReturnType<typeof functionFields>;

/** Settings of one Lambda function. */
export type FunctionSettings = ValuesOf<FunctionFields>;

/** Memory above one vCPU buys a single-threaded Node.js handler nothing, unless the stack says why. */
export function checkFunction(values: FunctionSettings, at: SectionCheck): void {
    if (values.memoryMb > LIMITS.singleVcpuMemoryMb && !values.memoryJustification) {
        const path = at.path("memoryMb");
        at.problem("memoryMb", values.memoryMb, `above ${LIMITS.singleVcpuMemoryMb} MB (one vCPU) a single-threaded ` +
            `Node.js handler gains nothing; lower it or say why in ${path.replace(/memoryMb$/, "memoryJustification")}`);
    }
}

/**
 * A function fed by an SQS event source mapping: its reservation must be one the mapping's `maximumConcurrency`
 * can equal, so the poller never invokes it more often than it may run (a throttled batch counts as a receive
 * and ends in the dead-letter queue unprocessed).
 */
export function checkSqsFedFunction(values: FunctionSettings, at: SectionCheck): void {
    const { min, max } = LIMITS.sqsMaximumConcurrency;
    if (values.reservedConcurrency < min || values.reservedConcurrency > max) {
        at.problem("reservedConcurrency", values.reservedConcurrency, `a function fed by an SQS queue needs a reserved concurrency from ${min} to ${max}, ` +
            "which its event source mapping's maximumConcurrency then equals (Lambda polls with five batches at first; a throttled batch counts as a receive)");
    }
}

/** A function invoked synchronously (behind API Gateway): adds provisioned concurrency on its alias. */
export function synchronousFunctionFields(d: FunctionDefaults & { provisionedConcurrency: number }, timeoutNote = "") {
    const { memoryMb, timeoutSeconds, reservedConcurrency, memoryJustification } = functionFields(d);
    return {
        memoryMb,
        timeoutSeconds: { ...timeoutSeconds, doc: { ...timeoutSeconds.doc,
            allowed: `1–${LIMITS.synchronousTimeoutSeconds} (behind API Gateway)${timeoutNote}` } },
        reservedConcurrency,
        provisionedConcurrency: integer({ min: LIMITS.reservedConcurrency.min, max: LIMITS.reservedConcurrency.max,
            default: d.provisionedConcurrency, allowed: "≤ reservedConcurrency",
            description: "Provisioned concurrency on the `live` alias; 0 for none" }),
        memoryJustification,
    };
}

export type SynchronousFunctionSettings = ValuesOf<ReturnType<typeof synchronousFunctionFields>>;

/** `caller` completes the sentence "<caller> must finish within 28 s". */
export function checkSynchronousFunction(values: SynchronousFunctionSettings, at: SectionCheck, caller: string): void {
    checkFunction(values, at);
    if (values.timeoutSeconds > LIMITS.synchronousTimeoutSeconds) {
        at.problem("timeoutSeconds", values.timeoutSeconds, `${caller} must finish within ${LIMITS.synchronousTimeoutSeconds} s`);
    }
    if (values.provisionedConcurrency > values.reservedConcurrency) {
        at.problem("provisionedConcurrency", values.provisionedConcurrency,
            `must not exceed the reserved concurrency (${values.reservedConcurrency})`);
    }
}

/** How long the log groups of functions keep their events, in days. */
export function logRetentionField(d: number, description: string) {
    return integerIn({ values: LIMITS.logRetentionDays, what: "expected one of the values CloudWatch Logs accepts", default: d, description });
}

