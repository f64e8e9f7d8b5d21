import * as assert from "node:assert/strict";
import { CUSTOMER_ID_RULE, ITEM_ID_RULE, isValidCustomerId, isValidItemId } from "../../../handlers/lib/identifiers";

describe("identifiers (handlers/lib/identifiers.ts)", () => {
    it("accepts customer ids of 1-64 letters, digits, _ . - starting with a letter or digit", () => {
        for (const ok of ["a", "A", "0", "demo-customer", "a.b_c-d", "x".repeat(64)]) assert.ok(isValidCustomerId(ok), ok);
        for (const bad of ["", "-a", ".a", "_a", "a b", "a/b", "é", "x".repeat(65), "a\n", "..", "."]) assert.ok(!isValidCustomerId(bad), JSON.stringify(bad));
        assert.ok(!isValidCustomerId(42));
        assert.equal(CUSTOMER_ID_RULE, "customer ids are 1-64 letters, digits, _ . - and start with a letter or digit");
    });

    it("accepts item ids of 1-128 such characters", () => {
        for (const ok of ["i", "item-1", "a.b", "x".repeat(128)]) assert.ok(isValidItemId(ok), ok);
        for (const bad of ["", "-i", "x".repeat(129), "a%2Fb", "a/b", null]) assert.ok(!isValidItemId(bad), JSON.stringify(bad));
        assert.equal(ITEM_ID_RULE, "item ids are 1-128 letters, digits, _ . - and start with a letter or digit");
    });
});
