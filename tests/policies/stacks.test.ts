import { strict as assert } from "assert";
import { edit, Raw, runStack, shippedStack, stackConfig } from "../fixtures/stack";
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

describe("the stack's variants under the policy pack: every guardrail passes and decides at preview", () => {
    const variants: Record<string, () => Raw> = {
        "redirect mode, its cells' own APIs, an external issuer": () => ({
            ...edit(stackConfig("dev"), "router", r => { r.mode = "redirect"; }),
            "cellular:auth": JSON.stringify({ issuer: "https://login.example.com/", audience: ["cellular-api"] }),
        }),
        "a REST API with the Lambda authorizer of an external issuer": () => ({
            ...edit(stackConfig("dev"), "router", r => { r.api = "rest"; }),
            "cellular:auth": JSON.stringify({ issuer: "https://login.example.com/", audience: ["cellular-api"] }),
        }),
        "a REST API with the stack's Cognito authorizer": () => edit(stackConfig("dev"), "router", r => { r.api = "rest"; }),
    };
    for (const [name, raw] of Object.entries(variants)) {
        it(name, async () => {
            const [captured, pack] = await Promise.all([runStack("dev", { config: raw() }), policyPack()]);
            const lines = (await pack.analyze(captured.capture, pack.reconcile({}))).diagnostics.map(line);
            assert.deepEqual(lines.filter(l => l.startsWith("mandatory ") || l.includes("during preview")), []);
        });
    }
});
