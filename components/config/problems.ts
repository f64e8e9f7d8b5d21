/**
 * Collecting every problem of a user's settings instead of stopping at the first. Each problem names the key path,
 * the value given and what is allowed, in the form
 * `cellular:cells[2].timeoutSeconds is 40; a function behind API Gateway must finish within 28 s`. Pure.
 */

/** Raised for a user's settings; carries every problem found, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** True for the error this module throws (also across module copies, e.g. a test runner's). */
export function isConfigError(err: unknown): err is ConfigError {
    return err instanceof ConfigError || (err instanceof Error && err.name === "ConfigError");
}

/** How a value is shown in a message: JSON, shortened so a huge value cannot flood the report. */
export function show(value: unknown): string {
    if (value === undefined) return "undefined";
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class Problems {
    readonly list: string[] = [];

    add(path: string, value: unknown, allowed: string): void {
        this.note(value === undefined ? `${path} is missing; ${allowed}` : `${path} is ${show(value)}; ${allowed}`);
    }

    /**
     * A problem that is about a combination of settings rather than one value. The same problem is listed once
     * (a bad stack-wide default is read once per cell).
     */
    note(message: string): void {
        if (!this.list.includes(message)) this.list.push(message);
    }

    get size(): number {
        return this.list.length;
    }

    throwIfAny(): void {
        if (this.list.length > 0) throw new ConfigError(this.list);
    }
}

/**
 * Merges `override` onto `base` one level of objects deep at a time (objects merge, everything else replaces).
 * Used to let a cell's settings default from the stack-wide ones.
 */
export function deepMerge(base: Plain, override: Plain): Plain {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(override)) {
        const current = out[key];
        out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
    }
    return out;
}
