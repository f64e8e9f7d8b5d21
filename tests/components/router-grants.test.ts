import { strict as assert } from "assert";
import { Arns, partitionOf } from "../../components/arns";
import { loadSettings } from "../../components/config";
import { MANAGED_POLICY_LIMIT, policySize } from "../../components/iam";
import { ACCOUNT_ID_PLACEHOLDER, Names } from "../../components/names";
import { cellAliasArn, invokeDocument, invokeGrantShards, shardInvokeGrants } from "../../components/router-grants";
import { edit, Json, Raw, runStack, stackConfig } from "../fixtures/stack";

const names = new Names("cellular", "dev", "us-east-1");
const ids = (n: number) => Array.from({ length: n }, (_, i) => `cell-${String(i + 1).padStart(3, "0")}`);

/** The documents the router would get, with the ARNs of the given partition. */
function documents(region: string, partition: string, cells: string[]) {
    const arns = new Arns({ partition, region, accountId: ACCOUNT_ID_PLACEHOLDER });
    return invokeGrantShards(names, region, cells, c => c).map(group => invokeDocument(group.map(c => cellAliasArn(arns, names, c))));
}

/** n cells with only their API and failure handler, and quotas high enough for 300 of them. */
function bare(n: number, region: string): Raw {
    let raw = edit(stackConfig("dev"), "defaults", d => {
        for (const source of Object.values(d.eventSources) as Json[]) source.enabled = false;
        d.reservedConcurrency = 1;
    });
    raw = edit(raw, "router", r => { r.pinned = {}; });
    delete raw["cellular:cells"];
    // Each cell has 4 roles (API, failure handler, tenant data, CodeDeploy): more cells than 249 need more than IAM's default.
    return { ...raw, "aws:region": region, "cellular:cellCount": String(n), "cellular:accountConcurrencyLimit": "100000",
        "cellular:quotas": JSON.stringify({ iamRolesPerAccount: 4 * n + 2 }) };
}

describe("the router's invoke grants (components/router-grants.ts)", () => {
    it("knows the partition of every region family", () => {
        assert.deepEqual(["us-east-1", "eu-west-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"].map(partitionOf),
            ["aws", "aws", "aws-cn", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]);
    });

    it("fills each managed policy as far as IAM's 6,144 bytes allow, in cell order, naming every cell once", () => {
        const cells = ids(300);
        const shards = invokeGrantShards(names, "us-east-1", cells, c => c);
        assert.deepEqual(shards.flat(), cells);
        const docs = documents("us-east-1", "aws", cells);
        for (const doc of docs) assert.ok(policySize(doc) <= MANAGED_POLICY_LIMIT, String(policySize(doc)));
        // Full: one more ARN would not have fitted.
        const arns = new Arns({ partition: "aws", region: "us-east-1", accountId: ACCOUNT_ID_PLACEHOLDER });
        for (const [k, group] of shards.slice(0, -1).entries()) {
            const next = shards[k + 1]![0]!;
            assert.ok(policySize(invokeDocument([...group, next].map(c => cellAliasArn(arns, names, c)))) > MANAGED_POLICY_LIMIT);
        }
    });

    it("sizes the grants with the region's partition: 300 cells in cn-north-1 stay within 6,144 bytes", () => {
        const docs = documents("cn-north-1", "aws-cn", ids(300));
        for (const doc of docs) assert.ok(policySize(doc) <= MANAGED_POLICY_LIMIT, `${policySize(doc)} bytes`);
        // Sized as if the partition were always aws (the bug this guards against), the aws-cn documents overflow.
        const sizedForAws = shardInvokeGrants(ids(300).map(c => cellAliasArn(new Arns({ partition: "aws", region: "cn-north-1", accountId: ACCOUNT_ID_PLACEHOLDER }), names, c)));
        const cn = new Arns({ partition: "aws-cn", region: "cn-north-1", accountId: ACCOUNT_ID_PLACEHOLDER });
        let next = 0;
        const overflowing = sizedForAws.map(group => {
            const doc = invokeDocument(ids(300).slice(next, next + group.length).map(c => cellAliasArn(cn, names, c)));
            next += group.length;
            return policySize(doc);
        }).filter(size => size > MANAGED_POLICY_LIMIT);
        assert.deepEqual(overflowing, [6341, 6341, 6341, 6341]);
    });

    it("creates exactly the policies the quota check counts, each within the limit, for a 300-cell stack in cn-north-1", async () => {
        const raw = bare(300, "cn-north-1");
        const settings = loadSettings(raw, { project: "cellular", stack: "dev" });
        const stack = await runStack("dev", { config: raw });
        const policies = stack.ofType("aws:iam/policy:Policy");
        assert.equal(policies.length, invokeGrantShards(settings.names, settings.region, settings.cells, c => c.id).length);
        for (const policy of policies) {
            const doc = stack.json(policy, "policy");
            assert.ok(JSON.stringify(doc).length <= MANAGED_POLICY_LIMIT, `${policy.name}: ${JSON.stringify(doc).length} bytes`);
            for (const arn of doc.Statement[0].Resource as string[]) assert.match(arn, /^arn:aws-cn:lambda:cn-north-1:123456789012:function:cellular-dev-cell-\d{3}-api:live$/);
        }
        assert.equal(policies.flatMap(p => stack.json(p, "policy").Statement[0].Resource as string[]).length, 300);
    });
});
