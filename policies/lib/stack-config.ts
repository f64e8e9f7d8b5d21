/**
 * The stack's own configuration, as the CLI hands it to a policy pack (the `PULUMI_CONFIG` environment variable: a
 * JSON object of `<namespace>:<key>` to string, the same values the program reads). A policy that needs a fact the
 * stack already states (the account's concurrency limit) reads it here, so the user writes it once; the policy's own
 * config, when set, still wins.
 */

/** The stack's config value of `key` (`cellular:accountConcurrencyLimit`), or undefined. */
export function stackConfigValue(key: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const raw = env.PULUMI_CONFIG;
    if (!raw) return undefined;
    try {
        const config = JSON.parse(raw) as Record<string, unknown>;
        const value = config[key];
        return typeof value === "string" ? value : undefined;
    } catch {
        return undefined;
    }
}

/** The stack's config value of `key` as a positive integer, or undefined when it is absent or not one. */
export function stackConfigInteger(key: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
    const value = stackConfigValue(key, env);
    return value !== undefined && /^[1-9][0-9]{0,8}$/.test(value) ? Number(value) : undefined;
}
