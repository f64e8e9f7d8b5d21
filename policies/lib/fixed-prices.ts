/**
 * The prices the pack needs to tell what a cell costs with no traffic (policies/cost.ts), by region: what bills by
 * the hour or month. The pack imports nothing from the program, so they are repeated here from the estimator's price
 * files (tools/lib/cost/prices/<region>.json); tests/policies/cost.test.ts keeps both in step.
 *
 * Pure data: no imports.
 */

export interface FixedPrices {
    /** The date of the price file these come from. */
    pricesDate: string;
    /** USD per GB-second of provisioned concurrency, by architecture. */
    lambdaProvisionedGbSecond: { x86_64: number; arm64: number };
    kinesisShardHour: number;
    kinesisExtendedRetentionShardHour: number;
    kinesisOnDemandStreamHour: number;
    /** USD per alarm metric-month, standard and high resolution (period under 60 s). */
    alarmMetric: number;
    highResolutionAlarmMetric: number;
    dashboard: number;
    kmsCustomerManagedKey: number;
    /** USD per SQS request (the first tier), for the receives of an idle queue mapping. */
    sqsStandardRequest: number;
    sqsFifoRequest: number;
    /** USD per hour of an interface VPC endpoint in one Availability Zone (a gateway endpoint is free). */
    interfaceEndpointHour: number;
}

export const FIXED_PRICES: Readonly<Record<string, FixedPrices>> = {
    "us-east-1": {
        pricesDate: "2026-12-01",
        lambdaProvisionedGbSecond: { x86_64: 0.0000041667, arm64: 0.0000033334 },
        kinesisShardHour: 0.015,
        kinesisExtendedRetentionShardHour: 0.02,
        kinesisOnDemandStreamHour: 0.04,
        alarmMetric: 0.1,
        highResolutionAlarmMetric: 0.3,
        dashboard: 3,
        kmsCustomerManagedKey: 1,
        sqsStandardRequest: 0.0000004,
        sqsFifoRequest: 0.0000005,
        interfaceEndpointHour: 0.01,
    },
    "eu-west-1": {
        pricesDate: "2026-12-01",
        lambdaProvisionedGbSecond: { x86_64: 0.000004646, arm64: 0.0000037168 },
        kinesisShardHour: 0.017,
        kinesisExtendedRetentionShardHour: 0.023,
        kinesisOnDemandStreamHour: 0.045,
        alarmMetric: 0.1,
        highResolutionAlarmMetric: 0.3,
        dashboard: 3,
        kmsCustomerManagedKey: 1,
        sqsStandardRequest: 0.0000004,
        sqsFifoRequest: 0.0000005,
        interfaceEndpointHour: 0.011,
    },
};

/** AWS prices a month as 730 hours. */
export const MONTH_HOURS = 730;

/**
 * SQS receives an idle queue mapping makes in a month: Lambda long-polls (20 s) an empty queue too, with the five
 * pollers it starts with (it publishes no figure for an idle mapping).
 */
export const IDLE_RECEIVES_PER_MONTH = 5 * ((MONTH_HOURS * 3600) / 20);
