/**
 * Runtime settings shared by the event handlers (queue-worker, stream-processor, ingest, scheduled, notifier,
 * failure-handler). Pure: no AWS clients.
 */
import { LogSafeError } from "./log-safe";

/** CloudWatch (EMF) namespace of every metric the cell's event handlers publish. */
export const METRICS_NAMESPACE = "cellular";

export class MissingEnvironmentError extends LogSafeError {
    constructor(readonly variable: string) {
        super(`environment variable ${variable} is not set; the program sets it on every cell function`);
        this.name = "MissingEnvironmentError";
    }
}

/** The value of a required environment variable; throws (at init, where it is read) when it is unset or empty. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
    const value = env[name];
    if (value === undefined || value === "") throw new MissingEnvironmentError(name);
    return value;
}

/** The value of an optional environment variable; `undefined` when unset or empty. */
export function optionalEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
}

/** `true` when the SDK is pointed at a local endpoint (tests, emulators): S3 must then use path-style URLs. */
export function hasS3EndpointOverride(env: NodeJS.ProcessEnv = process.env): boolean {
    return Boolean(optionalEnv("AWS_ENDPOINT_URL_S3", env) ?? optionalEnv("AWS_ENDPOINT_URL", env));
}

export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}
