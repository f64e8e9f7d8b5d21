import { strict as assert } from "assert";
import { shippedStack } from "../fixtures/stack";
import { MODES, line, policyPack } from "../fixtures/policies/harness";

describe("the shipped stacks under the policy pack", () => {
    for (const stack of ["dev", "prod"]) {
        for (const mode of MODES) {
            const decides = mode === "preview" ? ", and every policy decides at preview" : "";
            it(`${stack} passes every mandatory policy (${mode})${decides}`, async () => {
                const [captured, pack] = await Promise.all([shippedStack(stack, mode), policyPack()]);
                const result = await pack.analyze(captured.capture, pack.reconcile({}));
                const lines = result.diagnostics.map(line);
                assert.deepEqual(lines.filter(l => l.startsWith("mandatory ")), []);
                assert.deepEqual(lines.filter(l => l.includes("during preview")), []);
            });
        }
    }
});
