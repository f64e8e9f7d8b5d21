import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EVENT_SOURCE_KINDS } from "../../../components/event-sources/registry";
import { FUNCTION_KINDS } from "../../../tools/cost";
import { FUNCTION_DEFAULTS, UsageFileError, hasTraffic, noTraffic, readUsage, readUsageFile } from "../../../tools/lib/cost/usage";
import { USAGE_REFERENCE_END, USAGE_REFERENCE_START, renderUsageReference, withUsageReference } from "../../../tools/lib/cost/usage-reference";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function problemsOf(raw: unknown): readonly string[] {
    try {
        readUsage(raw, FUNCTION_KINDS);
    } catch (err) {
        if (err instanceof UsageFileError) return err.problems;
        throw err;
    }
    return [];
}

describe("the usage file (tools/lib/cost/usage.ts)", () => {
    it("defaults to no traffic, each function kind at the documented duration and log output", () => {
        const u = noTraffic(FUNCTION_KINDS);
        assert.equal(hasTraffic(u), false);
        assert.deepEqual(u.api, { requestsPerMonth: 0, readFraction: 0.8, requestBytes: 2048, accessLogBytes: 350, authorizerCacheHitFraction: 0, credentialsCacheHitFraction: 0 });
        assert.deepEqual(u.auth, { monthlyActiveUsers: 0, signInsPerUser: 20, sessionMinutes: 30 });
        assert.equal(hasTraffic(readUsage({ auth: { monthlyActiveUsers: 1 } }, FUNCTION_KINDS)), true);
        assert.deepEqual(Object.keys(u.functions).sort(), [...FUNCTION_KINDS].sort());
        for (const kind of FUNCTION_KINDS) assert.deepEqual(u.functions[kind], FUNCTION_DEFAULTS);
    });

    it("reads the shipped examples for dev and prod", () => {
        for (const stack of ["dev", "prod"]) {
            const u = readUsageFile(path.join(ROOT, "usage", `${stack}.json`), FUNCTION_KINDS);
            assert.equal(hasTraffic(u), true, stack);
        }
        assert.equal(readUsageFile(path.join(ROOT, "usage", "prod.json"), FUNCTION_KINDS).api.requestsPerMonth, 5_000_000);
    });

    it("reports every problem at once: an unknown key, a negative or non-numeric figure, an unknown function kind", () => {
        assert.deepEqual(problemsOf({
            api: { requestsPerMonth: -5, readFraction: 1.5, requestByte: 10 },
            queue: { messagesPerMonth: "lots" },
            bucket: { rowsPerObject: 2.5 },
            functions: { routr: { durationMs: 3 }, api: { durationMs: -1, logBytesPerInvocation: "x" } },
            extra: true,
        }), [
            "usage.extra is true; not a known setting; known: description, api, auth, queue, topic, bucket, kinesis, table, failures, tracing, functions",
            "usage.api.requestByte is 10; not a known setting; known: requestsPerMonth, readFraction, requestBytes, accessLogBytes, authorizerCacheHitFraction, credentialsCacheHitFraction",
            `usage.functions.routr is {"durationMs":3}; not a known setting; known: ${FUNCTION_KINDS.join(", ")}`,
            "usage.api.requestsPerMonth is -5; expected a number of requests per month, at least 0",
            "usage.api.readFraction is 1.5; expected a fraction from 0 to 1",
            "usage.queue.messagesPerMonth is \"lots\"; expected a number of messages per month, at least 0",
            "usage.bucket.rowsPerObject is 2.5; expected a whole number of rows, at least 0",
            "usage.functions.api.durationMs is -1; expected a duration in ms, at least 0",
            "usage.functions.api.logBytesPerInvocation is \"x\"; expected a whole number of bytes, at least 0",
        ]);
    });

    it("refuses what is not a JSON object, naming the file", () => {
        assert.deepEqual(problemsOf([1, 2]), [
            "usage is [1,2]; expected an object with the keys description, api, auth, queue, topic, bucket, kinesis, table, failures, tracing, functions",
        ]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "usage-"));
        const file = path.join(dir, "bad.json");
        fs.writeFileSync(file, "{ not json");
        assert.throws(() => readUsageFile(file, FUNCTION_KINDS), (err: unknown) => err instanceof UsageFileError &&
            err.message.startsWith(`${file}: invalid usage file (1 problem):\n  - is not JSON:`));
        fs.rmSync(dir, { recursive: true });
    });

    it("names its event-source sections after kinds the registry has", () => {
        for (const section of ["queue", "topic", "bucket", "kinesis"]) assert.ok((EVENT_SOURCE_KINDS as string[]).includes(section), section);
    });

    it("is documented in README.md exactly as its table renders (npm run docs regenerates it)", () => {
        assert.equal(withUsageReference(README, renderUsageReference(FUNCTION_KINDS)), README,
            "README.md's usage reference is out of date: run npm run docs");
        assert.ok(README.includes(USAGE_REFERENCE_START) && README.includes(USAGE_REFERENCE_END));
        const reference = renderUsageReference(FUNCTION_KINDS);
        assert.ok(reference.includes("| `api.requestsPerMonth` | number | `0` | a number of requests per month, at least 0 |"));
        assert.ok(reference.includes("| `functions.<kind>.durationMs` | ms | `100` |"));
    });
});
