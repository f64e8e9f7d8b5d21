import { strict as assert } from "assert";
import { PolicyDiagnostic } from "../../tools/lib/analyzer";
import { isUndecided, mandatoryOpinions, secondOpinions } from "../../tools/lib/second-opinion";

function diagnostic(policyName: string, urn: string, enforcementLevel: PolicyDiagnostic["enforcementLevel"], message: string): PolicyDiagnostic {
    return { policyName, policyPackName: "p", policyPackVersion: "1", description: "d", message, enforcementLevel, urn, resourceType: "t", resourceName: urn.split("::").pop()!, phase: "stack" };
}

const UNDECIDED = "can't run policy 'least' from policy pack 'p@v1' during preview: the value at .policy can't be known during preview";

describe("the second opinion of --mode both (tools/lib/second-opinion.ts)", () => {
    it("takes update mode's verdict on each policy and resource preview left undecided, and only those", () => {
        const preview = [
            diagnostic("least", "urn:a", "advisory", UNDECIDED),
            diagnostic("least", "urn:a", "advisory", UNDECIDED),
            diagnostic("least", "urn:b", "advisory", UNDECIDED),
            diagnostic("tags", "urn:c", "mandatory", "lacks tags"),
        ];
        const update = [
            diagnostic("least", "urn:a", "mandatory", "allows s3:*"),
            diagnostic("tags", "urn:c", "mandatory", "lacks tags"),
            diagnostic("least", "urn:d", "mandatory", "allows iam:*"),
        ];
        const opinions = secondOpinions(preview, update);
        assert.deepEqual(opinions.map(o => [o.urn, o.verdicts.map(v => v.message)]), [["urn:a", ["allows s3:*"]], ["urn:b", []]]);
        assert.deepEqual(mandatoryOpinions(opinions).map(o => o.urn), ["urn:a"]);
    });

    it("counts as undecided the SDK's advisory about unknown values, not a violation that mentions preview", () => {
        assert.equal(isUndecided(diagnostic("least", "urn:a", "advisory", UNDECIDED)), true);
        assert.equal(isUndecided(diagnostic("least", "urn:a", "mandatory", UNDECIDED)), false);
        assert.equal(isUndecided(diagnostic("least", "urn:a", "advisory", "preview environments must be tagged")), false);
    });
});
