import { strict as assert } from "assert";
import { tokenOverrides } from "../../../handlers/lib/tenant";

describe("the Cognito trigger's answer: the tenant in access tokens (handlers/lib/tenant.ts tokenOverrides)", () => {
    const scopes = ["cellular/items"];

    it("puts the tenant claim in both tokens and the scopes in the access token only", () => {
        assert.deepEqual(tokenOverrides({ email: "a@example.com", "custom:tenant_id": "acme" }, "tenant_id", scopes), {
            idTokenGeneration: { claimsToAddOrOverride: { tenant_id: "acme" } },
            accessTokenGeneration: { claimsToAddOrOverride: { tenant_id: "acme" }, scopesToAdd: ["cellular/items"] },
        });
    });

    it("gives a user without a valid tenant neither the claim nor the scopes, so their token opens no route", () => {
        const none = { idTokenGeneration: { claimsToSuppress: ["tenant_id"] }, accessTokenGeneration: { claimsToSuppress: ["tenant_id"], scopesToSuppress: ["cellular/items"] } };
        assert.deepEqual(tokenOverrides({ email: "a@example.com" }, "tenant_id", scopes), none);
        for (const bad of ["", "../acme", "a b", "x".repeat(65)]) assert.deepEqual(tokenOverrides({ "custom:tenant_id": bad }, "tenant_id", scopes), none, bad);
    });

    it("reads the tenant from the admin-only attribute, never from one a user could set", () => {
        assert.deepEqual(tokenOverrides({ tenant_id: "acme", "custom:tenant": "acme" }, "tenant_id", scopes).accessTokenGeneration?.scopesToAdd, undefined);
    });
});
