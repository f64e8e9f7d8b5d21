import { strict as assert } from "assert";
import { deployCheck } from "../../../tools/lib/deploy-check/check";
import { deployCheckJson, formatDeployCheck } from "../../../tools/lib/deploy-check/report";
import { RULES } from "../../../tools/lib/deploy-check/rules";
import { TYPES as T } from "../../../tools/lib/deploy-check/types";
import { resource } from "../../fixtures/deploy-check";

describe("the deploy check in the plan's output (tools/lib/deploy-check/report.ts)", () => {
    it("is one line when nothing would be refused", () => {
        assert.equal(formatDeployCheck(deployCheck([resource(T.queue, "q", { name: "orders" })])),
            `Deploy check:\n    no findings (${RULES.length} rules over 1 resource)`);
    });

    it("lists each finding under its rule and resource", () => {
        const check = deployCheck([resource(T.queue, "q", { name: "orders", delaySeconds: 901, receiveWaitTimeSeconds: 21 })]);
        assert.equal(formatDeployCheck(check), [
            "Deploy check:",
            `    2 findings (${RULES.length} rules over 1 resource): the provider or AWS would refuse these, or race on them`,
            "        - [sqs-delay]  (aws:sqs/queue:Queue: q)",
            "          aws:sqs/queue:Queue q: delaySeconds is 901; an integer from 0 to 900 seconds (terraform-provider-aws internal/service/sqs/queue.go delay_seconds: validation.IntBetween(0, 900))",
            "        - [sqs-receive-wait]  (aws:sqs/queue:Queue: q)",
            "          aws:sqs/queue:Queue q: receiveWaitTimeSeconds is 21; an integer from 0 to 20 seconds (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (ReceiveMessageWaitTimeSeconds))",
        ].join("\n"));
    });

    it("gives --json the rule and resource counts and every finding", () => {
        const check = deployCheck([resource(T.queue, "q", { name: "orders", delaySeconds: 901 })]);
        const json = deployCheckJson(check);
        assert.deepEqual(Object.keys(json), ["rules", "resources", "findings"]);
        assert.deepEqual([json.rules, json.resources, json.findings.map(f => f.rule)], [RULES.length, 1, ["sqs-delay"]]);
    });
});
