import { strict as assert } from "assert";
import { reservedOf, timeoutOf } from "../../../policies/lib/lambda";
import { AWS } from "../../../policies/lib/types";
import { UNKNOWN } from "../../../policies/lib/values";
import { UNKNOWN_STRING, resource } from "../../fixtures/policies/resources";

const fn = (props: Record<string, unknown>) => resource(AWS.function, "f", { props });

describe("lib/lambda", () => {
    it("reads a function's timeout, AWS's 3 s when unset", () => {
        assert.equal(timeoutOf(fn({ timeout: 10 })), 10);
        assert.equal(timeoutOf(fn({})), 3);
        assert.equal(timeoutOf(fn({ timeout: UNKNOWN_STRING })), UNKNOWN);
    });

    it("reads reserved concurrency: unset and -1 are not set, 0 is (it stops the function)", () => {
        assert.equal(reservedOf(fn({})), undefined);
        assert.equal(reservedOf(fn({ reservedConcurrentExecutions: -1 })), undefined);
        assert.equal(reservedOf(fn({ reservedConcurrentExecutions: 0 })), 0);
        assert.equal(reservedOf(fn({ reservedConcurrentExecutions: "25" })), 25);
        assert.equal(reservedOf(fn({ reservedConcurrentExecutions: UNKNOWN_STRING })), UNKNOWN);
    });
});
