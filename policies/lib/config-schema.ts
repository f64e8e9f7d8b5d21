/**
 * A policy's `configSchema` (the settings a `--policy-pack-config` file may give it, with their defaults) and reading
 * the configured values. The CLI fills in the schema's defaults and the user's file before it calls Configure; the
 * same defaults apply here when nothing was configured (the SDK alone applies none).
 *
 * Neither the stack's config nor the reconciliation of a whole policy-pack-config file (the CLI's job): one policy's
 * view of its own settings.
 */
import { PolicyConfigSchema } from "@pulumi/policy";

interface HasConfig {
    getConfig<T extends object>(): T;
}

/** The policy's configured values over `defaults` (the values its schema declares). */
export function configOf<T extends object>(args: HasConfig, defaults: T): T {
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

type Property = PolicyConfigSchema["properties"][string];

/** An integer setting of at least `minimum`. */
export function integer(description: string, defaultValue: number, minimum = 0): Property {
    return { type: "integer", minimum, default: defaultValue, description };
}

/** A list of distinct, non-empty strings. */
export function stringList(description: string, defaultValue: readonly string[]): Property {
    return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: [...defaultValue], description };
}

/** A non-empty string. */
export function text(description: string, defaultValue: string): Property {
    return { type: "string", minLength: 1, default: defaultValue, description };
}

/** One of a few fixed values. */
export function oneOf(description: string, values: readonly string[], defaultValue: string): Property {
    return { type: "string", enum: [...values], default: defaultValue, description };
}
