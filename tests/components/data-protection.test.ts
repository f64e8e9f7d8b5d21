import { strict as assert } from "assert";
import { SECRET_SIG, SIG_KEY } from "../../tools/lib/policy-props";
import { edit, ProgramError, Raw, runStack, shippedStack, Stack, stackConfig } from "../fixtures/stack";

/**
 * The resource types that hold data, as an independent list (what `pulumi destroy` would take with it): a table's
 * items, a queue's messages, a bucket's objects, a stream's records, a user pool's users.
 */
const DATA_TYPES = ["aws:dynamodb/table:Table", "aws:sqs/queue:Queue", "aws:s3/bucket:Bucket", "aws:kinesis/stream:Stream", "aws:cognito/userPool:UserPool"];
const PARAMETER = "aws:ssm/parameter:Parameter";

/** A value as the provider gets it: the SDK sends a parameter's value wrapped as a secret (the provider marks it so). */
function revealed(value: unknown): unknown {
    const secret = value as Record<string, unknown> | undefined;
    return secret?.[SIG_KEY] === SECRET_SIG ? secret.value : value;
}

/** What a deployment of `stack` left in the account: the values of its data records, by parameter name. */
function recordsOf(stack: Stack): Record<string, string> {
    return Object.fromEntries(stack.ofType(PARAMETER)
        .filter(p => String(p.inputs.name).startsWith("/cellular/dev/data/"))
        .map(p => [String(p.inputs.name), String(revealed(p.inputs.value))]));
}

async function refusal(config: Raw, parameters: Record<string, string>): Promise<ProgramError> {
    try {
        await runStack("dev", { config, account: { parameters } });
    } catch (err) {
        assert.ok(err instanceof ProgramError, String(err));
        return err;
    }
    assert.fail("the program ran");
}

const problems = (err: Error) => err.message.split("\n").slice(1).map(l => l.replace(/^ {2}- /, ""));

describe("data protection (components/data-protection.ts, data-shape.ts, data-guard.ts)", () => {
    let dev: Stack;
    before(async () => { dev = await shippedStack("dev"); });

    describe("resources that hold data", () => {
        it("are protected and retained on delete, and nothing else is", () => {
            const holders = dev.resources.filter(r => DATA_TYPES.includes(r.type));
            // Per cell: the table, the failure and last-resort queues, the source queue and its DLQ, the bucket and
            // the stream; and the user pool and the control table (the live routing map).
            assert.equal(holders.length, 3 * 7 + 2);
            for (const r of holders) assert.deepEqual(r.options, { protect: true, retainOnDelete: true }, r.name);
            const others = dev.resources.filter(r => !DATA_TYPES.includes(r.type) && (r.options.protect || r.options.retainOnDelete));
            // The REST logging role and account setting would be the only others; dev's API is HTTP.
            assert.deepEqual(others.map(r => r.name), []);
        });

        it("turn on AWS's own deletion protection where it has one, and a bucket keeps its objects", () => {
            for (const t of dev.ofType("aws:dynamodb/table:Table")) assert.equal(t.inputs.deletionProtectionEnabled, true, t.name);
            assert.equal(dev.get("aws:cognito/userPool:UserPool", "identity-users").inputs.deletionProtection, "ACTIVE");
            for (const b of dev.ofType("aws:s3/bucket:Bucket")) assert.equal(b.inputs.forceDestroy, false, b.name);
        });

        it("with protectData false (a throwaway stack), are neither protected nor retained, and a destroy empties the bucket", async () => {
            const stack = await runStack("dev", { config: { ...stackConfig("dev"), "cellular:protectData": "false" } });
            for (const r of stack.resources) assert.deepEqual([r.name, r.options.protect, r.options.retainOnDelete], [r.name, undefined, undefined]);
            for (const t of stack.ofType("aws:dynamodb/table:Table")) assert.equal(t.inputs.deletionProtectionEnabled, false, t.name);
            assert.equal(stack.get("aws:cognito/userPool:UserPool", "identity-users").inputs.deletionProtection, "INACTIVE");
            for (const b of stack.ofType("aws:s3/bucket:Bucket")) assert.equal(b.inputs.forceDestroy, true, b.name);
        });

        it("a stream mapping keeps reading where it is when its starting position changes (no second mapping, no restart)", () => {
            const mappings = dev.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").filter(m => m.inputs.startingPosition !== undefined);
            assert.equal(mappings.length, 3 * 2);
            for (const m of mappings) assert.deepEqual(m.options, { ignoreChanges: ["startingPosition"] }, m.name);
        });
    });

    describe("the record of what holds data", () => {
        it("is one SSM parameter per cell, and one for the identity, listing each holder's kind and name", () => {
            const records = recordsOf(dev);
            assert.deepEqual(Object.keys(records).sort(), ["/cellular/dev/data/_identity", "/cellular/dev/data/cell-a", "/cellular/dev/data/cell-b", "/cellular/dev/data/cell-c"]);
            assert.deepEqual(JSON.parse(records["/cellular/dev/data/cell-c"]!), [
                { kind: "bucket", name: "cellular-dev-cell-c-123456789012-use1" },
                { kind: "table", name: "cellular-dev-cell-c-data" },
                { kind: "queue", name: "cellular-dev-cell-c-failures" },
                { kind: "queue", name: "cellular-dev-cell-c-failures-last-resort" },
                { kind: "queue", name: "cellular-dev-cell-c-queue-dlq.fifo" },
                { kind: "queue", name: "cellular-dev-cell-c-queue.fifo" },
                { kind: "kinesisStream", name: "cellular-dev-cell-c-stream" },
            ]);
            assert.deepEqual(JSON.parse(records["/cellular/dev/data/_identity"]!), [{ kind: "userPool", name: "cellular-dev-users" }]);
        });

        it("is written once the cell's table and failure queues exist", () => {
            const record = dev.get(PARAMETER, "cell-a-data-shape");
            for (const name of ["cell-a-table", "cell-a-failures", "cell-a-failures-last-resort"]) {
                assert.ok(record.dependencies.includes(dev.resources.find(r => r.name === name && DATA_TYPES.includes(r.type))!.urn), name);
            }
        });
    });

    describe("the guard, against what the last deployment recorded", () => {
        let deployed: Record<string, string>;
        before(() => { deployed = recordsOf(dev); });

        it("lets the same configuration deploy again, and a first deployment (nothing recorded)", async () => {
            await runStack("dev", { account: { parameters: deployed } });
            await runStack("dev", { account: { parameters: {} } });
        });

        it("lets a configuration add data holders: a new cell, a source turned on", async () => {
            const raw = edit(stackConfig("dev"), "cells", c => { c.push({ id: "cell-d" }); });
            await runStack("dev", { config: raw, account: { parameters: deployed } });
        });

        it("refuses a queue turned from FIFO to standard, which replaces it and its DLQ, naming the cell's settings; nothing is registered", async () => {
            const raw = edit(stackConfig("dev"), "cells", c => { c[2].eventSources.queue.fifo = false; });
            const err = await refusal(raw, deployed);
            const settings = "cell cell-c's settings (cellular:cells[2] or cellular:defaults)";
            assert.deepEqual(problems(err), ["cellular-dev-cell-c-queue-dlq.fifo", "cellular-dev-cell-c-queue.fifo"].map(name =>
                `the SQS queue (and the messages in it) "${name}" would be deleted: ${settings} now name it "${name.replace(".fifo", "")}", ` +
                `and AWS cannot rename it: the provider would replace it; keep the settings as deployed (drain or copy it first), ` +
                `or list "${name}" in cellular:acceptDataLoss to accept the loss`));
            // The invokes register the default provider, as the engine does; no resource of the program.
            assert.deepEqual(err.resources.map(r => r.type).sort(), ["pulumi:providers:aws", "pulumi:pulumi:Stack"]);
        });

        it("refuses a source turned off, in every cell it held data in", async () => {
            const raw = edit(stackConfig("dev"), "defaults", d => { d.eventSources.kinesis.enabled = false; });
            const err = await refusal(raw, deployed);
            assert.deepEqual(problems(err), ["a", "b", "c"].map(c =>
                `the Kinesis stream (and the records in it) "cellular-dev-cell-${c}-stream" would be deleted: cell cell-${c}'s settings ` +
                `(cellular:cells[${c.charCodeAt(0) - 97}] or cellular:defaults) no longer create it; keep the settings as deployed ` +
                `(drain or copy it first), or list "cellular-dev-cell-${c}-stream" in cellular:acceptDataLoss to accept the loss`));
        });

        it("refuses a removed cell, for each of its holders, with the real account in a bucket's name", async () => {
            const raw = edit(stackConfig("dev"), "cells", c => { c.pop(); });
            const err = await refusal(raw, deployed);
            const lost = problems(err).map(p => /^the .+? "([^"]+)" would be deleted: cell cell-c is no longer in cellular:cells;/.exec(p)?.[1]);
            assert.deepEqual(lost, ["cellular-dev-cell-c-123456789012-use1", "cellular-dev-cell-c-data", "cellular-dev-cell-c-failures",
                "cellular-dev-cell-c-failures-last-resort", "cellular-dev-cell-c-queue-dlq.fifo", "cellular-dev-cell-c-queue.fifo", "cellular-dev-cell-c-stream"]);
        });

        it("lets a loss through once every lost name is in acceptDataLoss, and refuses an entry that accepts nothing", async () => {
            const raw = edit(stackConfig("dev"), "cells", c => { c[2].eventSources.queue.fifo = false; });
            const accept = (names: string[]) => ({ ...raw, "cellular:acceptDataLoss": JSON.stringify(names) });
            await runStack("dev", { config: accept(["cellular-dev-cell-c-queue.fifo", "cellular-dev-cell-c-queue-dlq.fifo"]), account: { parameters: deployed } });
            const half = await refusal(accept(["cellular-dev-cell-c-queue.fifo"]), deployed);
            assert.equal(problems(half).length, 1);
            assert.match(problems(half)[0]!, /^the SQS queue \(and the messages in it\) "cellular-dev-cell-c-queue-dlq\.fifo" would be deleted/);
            const stale = await refusal({ ...stackConfig("dev"), "cellular:acceptDataLoss": JSON.stringify(["cellular-dev-cell-a-data"]) }, deployed);
            assert.deepEqual(problems(stale), ['cellular:acceptDataLoss lists "cellular-dev-cell-a-data", which this configuration does not delete; ' +
                "remove it (left in place, it would accept the loss of whatever has that name later)"]);
        });

        it("reports a record it cannot read rather than skipping the check", async () => {
            const err = await refusal(stackConfig("dev"), { ...deployed, "/cellular/dev/data/cell-b": "cellular-dev-cell-b-data" });
            assert.deepEqual(problems(err), ['the SSM parameter /cellular/dev/data/cell-b is "cellular-dev-cell-b-data"; expected the list of ' +
                "resources that hold data the last deployment wrote there: restore it, or delete it to skip the check for its owner"]);
        });

        it("reads only its own stack's records", async () => {
            const other = Object.fromEntries(Object.entries(deployed).map(([k, v]) => [k.replace("/dev/", "/prod/"), v]));
            await runStack("dev", { config: edit(stackConfig("dev"), "cells", c => { c.pop(); }), account: { parameters: other } });
        });

        it("rejects an acceptDataLoss that is not a list of names", async () => {
            const err = await refusal({ ...stackConfig("dev"), "cellular:acceptDataLoss": JSON.stringify("cellular-dev-cell-a-data") }, {});
            assert.deepEqual(problems(err), ['cellular:acceptDataLoss is "cellular-dev-cell-a-data"; expected a list of distinct physical names, e.g. ["cellular-dev-cell-c-queue"]']);
        });
    });
});
