/**
 * A small, dependency-free reader for untyped settings that collects every problem instead of stopping at the
 * first. Each problem names the key path, the value given and what is allowed, in the form
 * `cellular:cells[2].timeoutSeconds is 40; a function behind API Gateway must finish within 28 s`.
 */

/** Raised for a user's settings; carries every problem found, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
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

/** Typed readers; each returns the fallback (and records a problem) when the value is not acceptable. */
export class Reader {
    constructor(readonly problems: Problems) {}

    integer(path: string, value: unknown, min: number, max: number, fallback: number, why?: string): number {
        if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
        this.problems.add(path, value, why ?? `expected an integer from ${min} to ${max}`);
        return fallback;
    }

    boolean(path: string, value: unknown, fallback: boolean): boolean {
        if (typeof value === "boolean") return value;
        this.problems.add(path, value, "expected true or false");
        return fallback;
    }

    oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[], fallback: T): T {
        if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
        this.problems.add(path, value, `expected one of ${allowed.join(", ")}`);
        return fallback;
    }

    integerIn(path: string, value: unknown, allowed: readonly number[], fallback: number, what: string): number {
        if (typeof value === "number" && allowed.includes(value)) return value;
        this.problems.add(path, value, `${what}: ${allowed.join(", ")}`);
        return fallback;
    }

    string(path: string, value: unknown, pattern: RegExp, allowed: string, fallback: string): string {
        if (typeof value === "string" && pattern.test(value)) return value;
        this.problems.add(path, value, allowed);
        return fallback;
    }

    /**
     * An object whose keys must all be known. Returns the object (or `{}` when it is not one) so the caller can
     * read its fields; unknown keys are reported with the list of known ones, which catches typos early.
     */
    object(path: string, value: unknown, known: readonly string[]): Plain {
        if (value === undefined) return {};
        if (!isPlainObject(value)) {
            this.problems.add(path, value, `expected an object with the keys ${known.join(", ")}`);
            return {};
        }
        for (const key of Object.keys(value)) {
            if (!known.includes(key)) {
                this.problems.add(`${path}.${key}`, value[key], `not a known setting; known: ${known.join(", ")}`);
            }
        }
        return value;
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
