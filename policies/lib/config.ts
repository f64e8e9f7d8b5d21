/**
 * A policy's configuration: the CLI fills in the `configSchema` defaults and the user's `--policy-pack-config`
 * before it calls Configure; the same defaults apply here when nothing was configured (the SDK alone applies none).
 */
import { PolicyConfigSchema } from "@pulumi/policy";

interface HasConfig {
    getConfig<T extends object>(): T;
}

export function configOf<T extends object>(args: HasConfig, defaults: T): T {
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

type Property = PolicyConfigSchema["properties"][string];

export function integer(description: string, defaultValue: number, minimum = 0): Property {
    return { type: "integer", minimum, default: defaultValue, description };
}

export function stringList(description: string, defaultValue: readonly string[]): Property {
    return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: [...defaultValue], description };
}

export function text(description: string, defaultValue: string): Property {
    return { type: "string", minLength: 1, default: defaultValue, description };
}
