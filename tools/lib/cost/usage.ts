/**
 * The usage file: what arrives from outside in a month, for ONE active cell (cells are sized alike, so a cell's load
 * is the unit): API requests and their mix, the users who sign in, messages, objects and records with their sizes,
 * the table's size, the share of events that fail, and each function kind's average duration and log output. Everything else (router
 * invocations, stream records, retries, failure records, ...) is derived from the plan's wiring (derive.ts).
 *
 * Declared once, as a settings table with the stack config's own field constructors (components/config/fields.ts):
 * defaults, limits, the README's table and the messages all come from the declarations, and every problem is
 * reported at once, as `<key path> is <value>; <what is allowed>`. Pure (file reading aside).
 */
import * as fs from "fs";
import { Field, Section, ValuesOf, checkKeys, custom, optionalText, readSection, section } from "../../../components/config/fields";
import { Problems } from "../../../components/config/problems";

/** A usage file with problems; carries every problem, one per line. */
export class UsageFileError extends Error {
    constructor(readonly file: string, readonly problems: readonly string[]) {
        super(`${file}: invalid usage file (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "UsageFileError";
    }
}

function number(o: { description: string; default: number; type: string; min: number; max?: number; allowed: string; integer?: boolean }): Field<number, false> {
    return custom<number>({
        description: o.description, default: o.default, type: o.type, allowed: o.allowed,
        read(value, path, problems) {
            const ok = typeof value === "number" && Number.isFinite(value) && value >= o.min && (o.max === undefined || value <= o.max)
                && (!o.integer || Number.isInteger(value));
            if (ok) return value;
            problems.add(path, value, `expected ${o.allowed}`);
            return undefined;
        },
    });
}

const perMonth = (description: string, what: string) =>
    number({ description, default: 0, type: "number", min: 0, allowed: `a number of ${what} per month, at least 0` });
const bytes = (description: string, value: number) =>
    number({ description, default: value, type: "bytes", min: 1, integer: true, allowed: "a whole number of bytes, at least 1" });
const fraction = (description: string, value: number) =>
    number({ description, default: value, type: "fraction", min: 0, max: 1, allowed: "a fraction from 0 to 1" });
const gigabytes = (description: string) =>
    number({ description, default: 0, type: "GB", min: 0, allowed: "a size in GB, at least 0" });

/** The defaults of a function kind's figures (documented in the README's usage table). */
export const FUNCTION_DEFAULTS = { durationMs: 100, logBytesPerInvocation: 600 } as const;

function functionSection(kind: string) {
    return section(`The ${kind} function`, {
        durationMs: number({ description: "Average billed duration of one invocation, in ms (include the share of cold starts: INIT is billed)",
            default: FUNCTION_DEFAULTS.durationMs, type: "ms", min: 0, allowed: "a duration in ms, at least 0" }),
        logBytesPerInvocation: number({ description: "Log bytes one invocation writes (Lambda's START/END/REPORT lines included)",
            default: FUNCTION_DEFAULTS.logBytesPerInvocation, type: "bytes", min: 0, integer: true, allowed: "a whole number of bytes, at least 0" }),
    });
}

const SECTIONS = {
    description: optionalText({ description: "What this usage describes", pattern: /^[^\u0000]{1,500}$/, allowed: "expected a text of 1 to 500 characters" }),
    api: section("What the cell's customers send through the router's API", {
        requestsPerMonth: perMonth("API requests for the cell's customers", "requests"),
        readFraction: fraction("Share of requests that read (GET); the rest write (PUT, DELETE)", 0.8),
        requestBytes: bytes("Size of a request as the router forwards it (the event)", 2048),
        accessLogBytes: bytes("Bytes of the API's access-log line per request", 350),
        authorizerCacheHitFraction: fraction("Share of requests a Lambda authorizer's cached answer serves (the same token within its TTL)", 0),
        credentialsCacheHitFraction: fraction("Share of the cell API's requests whose tenant credentials the warm instance holds; the rest call " +
            "STS AssumeRole (free, but in a cell's VPC its bytes pass the STS interface endpoint)", 0),
    }),
    auth: section("Who signs in: the cell's customers' users, in the stack's Cognito user pool", {
        monthlyActiveUsers: number({ description: "Users who sign in or refresh a token in the month (Cognito bills each once a month)",
            default: 0, type: "number", min: 0, allowed: "a number of users, at least 0" }),
        signInsPerUser: number({ description: "Sign-ins of an active user in the month",
            default: 20, type: "number", min: 0, allowed: "a number of sign-ins, at least 0" }),
        sessionMinutes: number({ description: "How long a signed-in session calls the API: each time its access token expires (the app client's " +
            "lifetime in the plan), a refresh issues another", default: 30, type: "minutes", min: 0, allowed: "a duration in minutes, at least 0" }),
    }),
    queue: section("Messages producers send to the cell's queue", {
        messagesPerMonth: perMonth("Messages sent to the cell's queue", "messages"),
        messageBytes: bytes("Size of a message", 1024),
    }),
    topic: section("Notifications published to the cell's topic", {
        messagesPerMonth: perMonth("Messages published to the cell's topic", "messages"),
        messageBytes: bytes("Size of a message", 1024),
    }),
    bucket: section("Objects uploaded to the cell's bucket", {
        objectsPerMonth: perMonth("Objects uploaded under the ingest prefix", "objects"),
        objectBytes: bytes("Size of an object", 1048576),
        rowsPerObject: number({ description: "Rows (items) in one object", default: 1000, type: "integer", min: 0, integer: true, allowed: "a whole number of rows, at least 0" }),
        storedGb: gigabytes("Data kept in the bucket"),
    }),
    kinesis: section("Records producers put on the cell's Kinesis stream", {
        recordsPerMonth: perMonth("Records put on the cell's stream", "records"),
        recordBytes: bytes("Size of a record", 1024),
    }),
    table: section("The cell's DynamoDB table", {
        itemBytes: bytes("Size of an item", 1024),
        storedGb: gigabytes("Data kept in the table"),
        createOrDeleteFraction: fraction("Share of item writes that create or delete an item (the stream processor counts those in a transaction)", 0.5),
    }),
    failures: section("Events that fail", {
        fraction: fraction("Share of events (messages, objects, records) that fail every attempt and end in a failure queue", 0),
    }),
    tracing: section("X-Ray sampling (the default rule)", {
        sampleRate: fraction("Share of requests traced beyond the reservoir", 0.05),
        reservoirPerSecond: number({ description: "Requests traced each second before the rate applies", default: 1, type: "number", min: 0, allowed: "a number of requests, at least 0" }),
    }),
};

/** The usage file's table, for the function kinds a plan can have (`functions.<kind>`). */
export function usageSpec(functionKinds: readonly string[]) {
    return section("A month of one active cell's traffic", {
        ...SECTIONS,
        functions: section("Each function kind's duration and logs", Object.fromEntries(functionKinds.map(k => [k, functionSection(k)]))),
    });
}

type Spec = ReturnType<typeof usageSpec>;
type Raw = ValuesOf<Spec["fields"]>;
export type FunctionUsage = ValuesOf<ReturnType<typeof functionSection>["fields"]>;

export type Usage = Omit<Raw, "functions"> & {
    /** Each function kind's figures (the defaults for a kind not given). */
    functions: Record<string, FunctionUsage>;
};

/**
 * Reads a parsed usage document; each problem names its key as `usage.<path>`.
 * @throws UsageFileError with every problem (headed by `file`)
 */
export function readUsage(raw: unknown, functionKinds: readonly string[], file = "usage"): Usage {
    const spec = usageSpec(functionKinds);
    const problems = new Problems();
    checkKeys(spec as Section, raw, "usage", problems);
    const values = readSection(spec, raw, segments => `usage.${segments.join(".")}`, problems);
    if (problems.size > 0) throw new UsageFileError(file, problems.list);
    return values as unknown as Usage;
}

/** The usage when no file is given: nothing arrives, every figure at its default. */
export function noTraffic(functionKinds: readonly string[]): Usage {
    return readUsage({}, functionKinds);
}

/** Reads a usage file (JSON). @throws UsageFileError */
export function readUsageFile(file: string, functionKinds: readonly string[]): Usage {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new UsageFileError(file, [`cannot be read: ${(err as Error).message}`]);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new UsageFileError(file, [`is not JSON: ${(err as Error).message}`]);
    }
    return readUsage(raw, functionKinds, file);
}

/** Whether anything arrives from outside. */
export function hasTraffic(u: Usage): boolean {
    return u.api.requestsPerMonth > 0 || u.auth.monthlyActiveUsers > 0 || u.queue.messagesPerMonth > 0 || u.topic.messagesPerMonth > 0 ||
        u.bucket.objectsPerMonth > 0 || u.kinesis.recordsPerMonth > 0;
}
