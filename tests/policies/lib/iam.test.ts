import { strict as assert } from "assert";
import { StackGraph } from "../../../policies/lib/graph";
import { allows, invokeTargets, roleAccess, roleLabel, servicePrincipal, statementLabel, statements, strings, trustOf } from "../../../policies/lib/iam";
import { AWS } from "../../../policies/lib/types";
import { UNKNOWN, read } from "../../../policies/lib/values";
import { UNKNOWN_STRING, proxied, resource } from "../../fixtures/policies/resources";

const ACCOUNT = "123456789012";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const doc = (...statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const trust = (principal: unknown, extra: object = {}) => doc({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra });

describe("lib/iam: documents", () => {
    it("reads a document's statements (a single one counts as one), their labels, effects and strings", () => {
        const single = proxied({ Statement: { Sid: "Read", Effect: "Deny", Action: "s3:GetObject" } });
        assert.equal(statements(single).length, 1);
        assert.equal(statementLabel(statements(single)[0], 0), "statement 1 (Sid \"Read\")");
        assert.equal(statementLabel({}, 2), "statement 3");
        assert.equal(allows(statements(single)[0]), false);
        assert.equal(allows({}), true);
        assert.equal(allows(proxied({ Effect: UNKNOWN_STRING })), UNKNOWN);
        assert.deepEqual(strings(read(proxied({ Action: ["a", UNKNOWN_STRING, 7] }), "Action")), { values: ["a"], unknown: true });
        assert.deepEqual(strings("a"), { values: ["a"], unknown: false });
    });

    it("names the service of a service principal", () => {
        assert.equal(servicePrincipal("sns.amazonaws.com"), "sns");
        assert.equal(servicePrincipal("logs.eu-west-1.amazonaws.com"), "logs");
        assert.equal(servicePrincipal("lambda.amazonaws.com.cn"), "lambda");
        assert.equal(servicePrincipal(ACCOUNT), undefined);
        assert.equal(servicePrincipal("*"), undefined);
    });
});

describe("lib/iam: trust", () => {
    const role = (assumeRolePolicy: string) => resource(AWS.role, "r", { props: { assumeRolePolicy } });

    it("tells a role Lambda may assume, through its service principal or anyone", () => {
        assert.deepEqual(trustOf(role(trust({ Service: "lambda.amazonaws.com" }))), { lambda: true, anyone: [], unknown: false });
        assert.deepEqual(trustOf(role(trust({ Service: "states.amazonaws.com" }))), { lambda: false, anyone: [], unknown: false });
        assert.equal(trustOf(role(trust({ AWS: "*" }, { Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }))).lambda, true);
    });

    it("lists the statements that let anyone assume the role without a condition", () => {
        const t = trustOf(role(trust("*")));
        assert.equal(t.lambda, true);
        assert.deepEqual(t.anyone.map(a => a.index), [0]);
        assert.deepEqual(trustOf(role(trust({ AWS: "*" }, { Condition: { Bool: { "aws:SecureTransport": "true" } } }))).anyone, []);
    });

    it("says when the trust policy is unknown", () => {
        assert.deepEqual(trustOf(role(UNKNOWN_STRING)), { lambda: false, anyone: [], unknown: true });
    });
});

describe("lib/iam: grants that reach a role", () => {
    it("collects inline policies, role policies and attachments, AWS-managed policies by name", () => {
        const role = resource(AWS.role, "orders-role", { props: {
            name: "orders",
            inlinePolicies: [{ name: "inline", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) }],
            managedPolicyArns: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"],
        } });
        const rolePolicy = resource(AWS.rolePolicy, "orders-policy", { props: { role: "orders", policy: doc() } });
        const policy = resource(AWS.policy, "shared", { props: { name: "shared", arn: `arn:aws:iam::${ACCOUNT}:policy/shared`, policy: doc() } });
        const attachment = resource(AWS.rolePolicyAttachment, "attach", { props: { role: "orders", policyArn: `arn:aws:iam::${ACCOUNT}:policy/shared` } });
        const graph = new StackGraph([role, rolePolicy, policy, attachment]);

        const { byRole, unattached } = roleAccess(graph);
        const access = byRole.get(role.urn)!;
        assert.deepEqual(access.documents.map(d => [d.holder, d.label]), [
            [role, "aws.iam.Role \"orders-role\" (orders), inline policy \"inline\""],
            [rolePolicy, "aws.iam.RolePolicy \"orders-policy\" of role orders"],
            [policy, "aws.iam.Policy \"shared\", attached to role orders"],
        ]);
        assert.deepEqual(access.awsManaged, [{ holder: role, name: "AWSXRayDaemonWriteAccess" }]);
        assert.deepEqual(unattached, []);
        assert.equal(roleLabel(graph, role), "role orders");
        assert.equal(roleLabel(graph, resource(AWS.role, "unnamed")), "role \"unnamed\"");
    });

    it("leaves a grant whose role is unknown and depends on nothing unattached", () => {
        const rolePolicy = resource(AWS.rolePolicy, "p", { props: { role: UNKNOWN_STRING, policy: doc() } });
        assert.deepEqual(roleAccess(new StackGraph([rolePolicy])).unattached, [
            { holder: rolePolicy, reason: "its role can't be known during preview and depends on no role of this stack" },
        ]);
    });
});

describe("lib/iam: invokeTargets", () => {
    function stack(resourceArn: unknown) {
        const role = resource(AWS.role, "caller-role", { props: { name: "caller" } });
        const caller = resource(AWS.function, "caller-function", { props: { name: "caller", role: `arn:aws:iam::${ACCOUNT}:role/caller` } });
        const cells = ["cell-a", "cell-b", "other"].map(name => resource(AWS.function, `${name}-function`, { props: { name, arn: fnArn(name) } }));
        const grant = resource(AWS.rolePolicy, "grant", { props: { role: "caller", policy: doc({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: resourceArn }) } });
        const graph = new StackGraph([role, caller, ...cells, grant]);
        return { names: invokeTargets(graph, roleAccess(graph).byRole, caller).map(fn => read(fn.props, "name")) };
    }

    it("finds the functions a role may invoke: by exact ARN, by a wildcard, and never the caller itself", () => {
        assert.deepEqual(stack([fnArn("cell-a"), `${fnArn("cell-b")}:live`]).names, ["cell-a", "cell-b"]);
        assert.deepEqual(stack(fnArn("cell-*")).names, ["cell-a", "cell-b"]);
        assert.deepEqual(stack("*").names, ["cell-a", "cell-b", "other"]);
    });
});
