/**
 * The declarative settings table: a setting is declared once, as a {@link Field} (its type, default, limits, the
 * message when it is wrong, and its README text), and a group of settings as a {@link Section}. Everything else
 * derives from the declarations: the TypeScript type of the values ({@link ValuesOf}), the known keys (typos are
 * reported with the list), the defaults, the reading with every problem collected, and the README's
 * configuration reference (components/config/reference.ts). Pure.
 */
import { Plain, Problems, isPlainObject } from "./problems";

/** What the README says of a setting. */
export interface FieldDoc {
    /** One sentence: what the setting does. */
    description: string;
    /** The type as a reader sees it: `integer`, `boolean`, `` `invoke` \| `redirect` ``. */
    type: string;
    /** What is allowed, e.g. `128–10240`. */
    allowed: string;
}

export interface Field<T, Optional extends boolean = boolean> {
    readonly kind: "field";
    readonly doc: FieldDoc;
    /**
     * The value when the key is absent, and after a value that is not acceptable was reported. `undefined` only for
     * an optional setting, which stays absent unless given.
     */
    readonly default: Optional extends true ? undefined : T;
    readonly optional: Optional;
    /** When set, an absent key is a problem with this text as what is allowed. */
    readonly required?: string;
    /** Reads a value that is present: the value, or `undefined` after adding its problem(s). */
    read(value: unknown, path: string, problems: Problems): T | undefined;
}

/** A group of settings under one key (`eventSources.queue`, `router.throttle`, ...). */
export interface Section<S extends Spec = Spec> {
    readonly kind: "section";
    readonly description: string;
    readonly fields: S;
    /** Checks across the section's fields, after every field was read (and fell back to its default if wrong). */
    check?(values: ValuesOf<S>, at: SectionCheck): void;
}

export type Entry = Field<any> | Section<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Spec = { readonly [key: string]: Entry };

/** What a section's check can say: a problem at one of its fields (by key), or one about several settings. */
export interface SectionCheck {
    path(field: string): string;
    problem(field: string, value: unknown, allowed: string): void;
    note(message: string): void;
}

type OptionalKeys<S extends Spec> = { [K in keyof S]: S[K] extends Field<unknown, true> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ValueOf<E> = E extends Field<infer T, boolean> ? T : E extends Section<infer S> ? ValuesOf<S> : never;

/** The values a spec describes: one property per field, optional fields optional. */
export type ValuesOf<S extends Spec> = Simplify<
    { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]> } &
    { -readonly [K in OptionalKeys<S>]?: ValueOf<S[K]> }>;

// ---------------------------------------------------------------------------------------------------------------
// Field constructors
// ---------------------------------------------------------------------------------------------------------------

interface Common<T> {
    description: string;
    default: T;
}

/** An integer from `min` to `max`; `why` replaces the message "expected an integer from min to max". */
export function integer(o: Common<number> & { min: number; max: number; why?: string; allowed?: string }): Field<number, false> {
    const why = o.why ?? `expected an integer from ${o.min} to ${o.max}`;
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: "integer", allowed: o.allowed ?? `${o.min}–${o.max}` },
        read(value, path, problems) {
            if (typeof value === "number" && Number.isInteger(value) && value >= o.min && value <= o.max) return value;
            problems.add(path, value, why);
            return undefined;
        },
    };
}

/** One of a fixed list of integers (`what` introduces the list in the message). */
export function integerIn(o: Common<number> & { values: readonly number[]; what: string }): Field<number, false> {
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: "integer", allowed: `one of ${o.values.join(", ")}` },
        read(value, path, problems) {
            if (typeof value === "number" && o.values.includes(value)) return value;
            problems.add(path, value, `${o.what}: ${o.values.join(", ")}`);
            return undefined;
        },
    };
}

export function boolean(o: Common<boolean>): Field<boolean, false> {
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: "boolean", allowed: "`true`, `false`" },
        read(value, path, problems) {
            if (typeof value === "boolean") return value;
            problems.add(path, value, "expected true or false");
            return undefined;
        },
    };
}

export function oneOf<const T extends string>(values: readonly T[], o: Common<NoInfer<T>>): Field<T, false> {
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: values.map(v => `\`${v}\``).join(" \\| "), allowed: "as the type says" },
        read(value, path, problems) {
            if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
            problems.add(path, value, `expected one of ${values.join(", ")}`);
            return undefined;
        },
    };
}

/** A string matching `pattern`; `allowed` is the message when it does not. */
export function text(o: Common<string> & { pattern: RegExp; allowed: string; docAllowed?: string }): Field<string, false> {
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: "string", allowed: o.docAllowed ?? o.allowed },
        read(value, path, problems) {
            if (typeof value === "string" && o.pattern.test(value)) return value;
            problems.add(path, value, o.allowed);
            return undefined;
        },
    };
}

/** A string that is absent unless given. */
export function optionalText(o: { description: string; pattern: RegExp; allowed: string }): Field<string, true> {
    return {
        kind: "field", optional: true, default: undefined,
        doc: { description: o.description, type: "string", allowed: o.allowed },
        read(value, path, problems) {
            if (typeof value === "string" && o.pattern.test(value)) return value;
            problems.add(path, value, o.allowed);
            return undefined;
        },
    };
}

/**
 * A setting with its own reading (a map, a list, a grammar). `read` reports its own problems and returns
 * `undefined` when the value is not acceptable.
 */
export function custom<T>(o: Common<T> & { type: string; allowed: string; required?: string;
    read: (value: unknown, path: string, problems: Problems) => T | undefined }): Field<T, false> {
    return {
        kind: "field", optional: false, default: o.default,
        doc: { description: o.description, type: o.type, allowed: o.allowed },
        ...(o.required === undefined ? {} : { required: o.required }),
        read: o.read,
    };
}

/** A setting that is absent unless given, with its own reading. */
export function optionalCustom<T>(o: { description: string; type: string; allowed: string;
    read: (value: unknown, path: string, problems: Problems) => T | undefined }): Field<T, true> {
    return { kind: "field", optional: true, default: undefined, doc: { description: o.description, type: o.type, allowed: o.allowed }, read: o.read };
}

export function section<S extends Spec>(description: string, fields: S, check?: (values: ValuesOf<S>, at: SectionCheck) => void): Section<S> {
    return { kind: "section", description, fields, ...(check ? { check } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

/** Where a setting lives: the config key path of a field, given its segments below the section read. */
export type PathOf = (segments: readonly string[]) => string;

/**
 * Reads a section's values from a raw object: each field in declaration order (absent: its default; not
 * acceptable: reported, then its default), nested sections recursively, then the section's checks.
 */
export function readSection<S extends Spec>(s: Section<S>, raw: unknown, pathOf: PathOf, problems: Problems,
    segments: readonly string[] = []): ValuesOf<S> {
    const values: Plain = {};
    const source = isPlainObject(raw) ? raw : {};
    for (const [key, entry] of Object.entries(s.fields)) {
        const at = [...segments, key];
        const value = source[key];
        if (entry.kind === "section") {
            values[key] = readSection(entry, value, pathOf, problems, at);
            continue;
        }
        const result = readField(entry, value, pathOf(at), problems);
        if (result !== undefined) values[key] = result;
    }
    s.check?.(values as ValuesOf<S>, {
        path: field => pathOf([...segments, field]),
        problem: (field, value, allowed) => problems.add(pathOf([...segments, field]), value, allowed),
        note: message => problems.note(message),
    });
    return values as ValuesOf<S>;
}

/** One field's value: its default when absent (a problem if it is required), else the value read, or its default. */
export function readField<T, O extends boolean>(field: Field<T, O>, value: unknown, path: string, problems: Problems): O extends true ? T | undefined : T {
    let read: T | undefined;
    if (value === undefined) {
        if (field.required !== undefined) problems.add(path, undefined, field.required);
    } else {
        read = field.read(value, path, problems);
    }
    return (read === undefined ? field.default : read) as O extends true ? T | undefined : T;
}

/**
 * Reports keys a section does not know (the raw object as written, so each typo is reported once, where it was
 * written), with the known ones; recurses into nested sections. `extra` are keys the caller reads itself.
 */
export function checkKeys(s: Section, raw: unknown, path: string, problems: Problems, extra: readonly string[] = []): void {
    if (raw === undefined) return;
    const known = [...extra, ...Object.keys(s.fields)];
    if (!isPlainObject(raw)) {
        problems.add(path, raw, `expected an object with the keys ${known.join(", ")}`);
        return;
    }
    for (const [key, value] of Object.entries(raw)) {
        if (!known.includes(key)) problems.add(`${path}.${key}`, value, `not a known setting; known: ${known.join(", ")}`);
    }
    for (const [key, entry] of Object.entries(s.fields)) {
        if (entry.kind === "section") checkKeys(entry, raw[key], `${path}.${key}`, problems);
    }
}

/** The values a section has when nothing is set. */
export function defaultsOf<S extends Spec>(s: Section<S>): ValuesOf<S> {
    return readSection(s, {}, () => "", new Problems());
}
