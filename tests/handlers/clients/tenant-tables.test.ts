import { strict as assert } from "assert";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { sessionName, StsTenantTables, TenantCredentials } from "../../../handlers/clients/tenant-tables";

const ROLE = "arn:aws:iam::123456789012:role/cellular-dev-cell-a-tenant";

/** An STS client that records AssumeRole calls and answers with credentials valid for `validMs` from `now()`. */
function fakeSts(now: () => number, validMs = 3_600_000) {
    const calls: Array<AssumeRoleCommand["input"]> = [];
    return {
        calls,
        fail: false,
        async send(command: AssumeRoleCommand) {
            if (this.fail) throw Object.assign(new Error("not authorized to perform: sts:AssumeRole"), { name: "AccessDenied" });
            calls.push(command.input);
            const n = calls.length;
            return { Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: `s${n}`, SessionToken: `t${n}`, Expiration: new Date(now() + validMs) } };
        },
    };
}

describe("tenant-scoped table clients (handlers/clients/tenant-tables.ts)", () => {
    let clock: number;
    const now = () => clock;
    beforeEach(() => { clock = Date.parse("2026-12-01T10:00:00Z"); });

    function tables(sts: ReturnType<typeof fakeSts>, maxTenants?: number) {
        const made: TenantCredentials[] = [];
        const t = new StsTenantTables({ roleArn: ROLE, sts: sts as never, tagKey: "tenant", now, ...(maxTenants ? { maxTenants } : {}),
            clientWith: credentials => { made.push(credentials); return { send: async () => ({}) } as never; } });
        return { t, made };
    }

    it("assumes the data role with the tenant as a session tag, for an hour", async () => {
        const sts = fakeSts(now);
        const { t, made } = tables(sts);
        await t.clientFor("acme");
        assert.deepEqual(sts.calls, [{ RoleArn: ROLE, RoleSessionName: "tenant-acme", DurationSeconds: 3600, Tags: [{ Key: "tenant", Value: "acme" }] }]);
        assert.equal(made[0]!.accessKeyId, "ASIA1");
    });

    it("calls STS at most once per tenant while the credentials last, and renews them 5 minutes before they expire", async () => {
        const sts = fakeSts(now);
        const { t } = tables(sts);
        const first = await t.clientFor("acme");
        clock += 54 * 60_000;
        assert.equal(await t.clientFor("acme"), first);
        await t.clientFor("globex");
        assert.equal(sts.calls.length, 2);
        clock += 2 * 60_000; // 56 minutes: within 5 minutes of the hour
        assert.notEqual(await t.clientFor("acme"), first);
        assert.deepEqual(sts.calls.map(c => c.Tags?.[0]?.Value), ["acme", "globex", "acme"]);
    });

    it("shares one STS call among concurrent requests of a tenant", async () => {
        const sts = fakeSts(now);
        const { t } = tables(sts);
        const clients = await Promise.all([t.clientFor("acme"), t.clientFor("acme"), t.clientFor("acme")]);
        assert.equal(new Set(clients).size, 1);
        assert.equal(sts.calls.length, 1);
    });

    it("forgets the least recently used tenant beyond its bound", async () => {
        const sts = fakeSts(now);
        const { t } = tables(sts, 2);
        await t.clientFor("a1");
        await t.clientFor("a2");
        await t.clientFor("a1");
        await t.clientFor("a3");
        await t.clientFor("a1");
        await t.clientFor("a2");
        assert.deepEqual(sts.calls.map(c => c.Tags?.[0]?.Value), ["a1", "a2", "a3", "a2"]);
    });

    it("fails the request when STS refuses, and tries again on the next one", async () => {
        const sts = fakeSts(now);
        const { t } = tables(sts);
        sts.fail = true;
        await assert.rejects(t.clientFor("acme"), { name: "AccessDenied" });
        sts.fail = false;
        await t.clientFor("acme");
        assert.equal(sts.calls.length, 1);
    });

    it("makes session names STS accepts from any customer id", () => {
        assert.equal(sessionName("acme"), "tenant-acme");
        assert.equal(sessionName("x".repeat(64)).length, 64);
        assert.match(sessionName("a.b_c-d"), /^[\w+=,.@-]{2,64}$/);
    });
});
