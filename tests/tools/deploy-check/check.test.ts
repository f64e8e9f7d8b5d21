import { strict as assert } from "assert";
import { deployCheck, message } from "../../../tools/lib/deploy-check/check";
import { enumRule } from "../../../tools/lib/deploy-check/rule";
import { RULES } from "../../../tools/lib/deploy-check/rules";
import { TYPES as T } from "../../../tools/lib/deploy-check/types";
import { resource, urnOf } from "../../fixtures/deploy-check";

const role = (policies: number) => resource(T.role, "role", { name: "router", managedPolicyArns: Array.from({ length: policies }, (_, i) => `arn:aws:iam::123456789012:policy/p${i}`) });

describe("the deploy check's run (tools/lib/deploy-check/check.ts)", () => {
    it("says how many rules ran over how many resources", () => {
        const result = deployCheck([resource(T.queue, "q", { name: "orders" }), resource("cellular:index:Cell", "cell-a", {})]);
        assert.deepEqual(result, { rules: RULES.length, resources: 2, findings: [] });
    });

    it("reports each problem with the rule, the resource, the input, the value and the house message", () => {
        const queue = resource(T.queue, "q", { name: "orders", delaySeconds: 901 });
        assert.deepEqual(deployCheck([queue]).findings, [{
            rule: "sqs-delay", urn: urnOf(T.queue, "q"), type: T.queue, name: "q", input: "delaySeconds", value: 901,
            message: "aws:sqs/queue:Queue q: delaySeconds is 901; an integer from 0 to 900 seconds (terraform-provider-aws internal/service/sqs/queue.go delay_seconds: validation.IntBetween(0, 900))",
        }]);
    });

    it("says when a limit is an account quota, and uses the stack's raised quota when it has one", () => {
        assert.deepEqual(deployCheck([role(11)]).findings.map(f => f.message), [
            "aws:iam/role:Role role: managedPolicyArns is 11 attached policies; at most 10 managed policies per role; an account quota: AWS's default, raisable to 20 on request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policies attached to an IAM role, 10, up to 20))",
        ]);
        assert.deepEqual(deployCheck([role(11)], { quotas: { managedPoliciesPerRole: 20 } }).findings, []);
        assert.deepEqual(deployCheck([role(21)], { quotas: { managedPoliciesPerRole: 20 } }).findings.map(f => f.message), [
            "aws:iam/role:Role role: managedPolicyArns is 21 attached policies; at most 20 managed policies per role; an account quota, 20 for this stack (AWS's default is 10) (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (Managed policies attached to an IAM role, 10, up to 20))",
        ]);
    });

    it("runs the rules for every AWS type (tags) on AWS resources only", () => {
        const tags = { "aws:owner": "me" };
        const findings = deployCheck([resource("aws:sfn/stateMachine:StateMachine", "sm", { tags }), resource("cellular:index:Cell", "cell", { tags })]).findings;
        assert.deepEqual(findings.map(f => `${f.rule} ${f.name}`), ["tags sm"]);
    });

    it("orders findings by resource as the plan registered them, then by the table's order of rules", () => {
        const first = resource(T.queue, "first", { name: "a b", delaySeconds: 901 });
        const second = resource(T.queue, "second", { name: "c d" });
        assert.deepEqual(deployCheck([first, second]).findings.map(f => `${f.name} ${f.rule}`), [
            "first sqs-queue-name", "first sqs-delay", "second sqs-queue-name",
        ]);
    });

    it("runs only the rules it is given", () => {
        const rule = enumRule({ id: "test-state", what: "test", source: "https://docs.aws.amazon.com/x", inputs: { [T.eventRule]: "state" }, values: ["ENABLED"] });
        const result = deployCheck([resource(T.eventRule, "r", { name: "a b", state: "ON" })], { rules: [rule] });
        assert.deepEqual(result.findings.map(f => f.message), ["aws:cloudwatch/eventRule:EventRule r: state is \"ON\"; one of ENABLED (https://docs.aws.amazon.com/x)"]);
        assert.equal(message(rule, resource(T.eventRule, "r", {}), { input: "state", value: 1, allowed: "ok", shown: "one" }), "aws:cloudwatch/eventRule:EventRule r: state is one; ok (https://docs.aws.amazon.com/x)");
    });
});
