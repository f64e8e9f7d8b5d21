import { strict as assert } from "assert";
import { UNKNOWN as CAPTURE_UNKNOWN } from "../../../tools/lib/capture";
import { SECRET_SIG as POLICY_SECRET_SIG, SIG_KEY as POLICY_SIG_KEY } from "../../../tools/lib/policy-props";
import { at, hasUnknown, iamLength, known, plain, SECRET_SIG, show, SIG_KEY, UNKNOWN } from "../../../tools/lib/deploy-check/values";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

describe("the deploy check's values (tools/lib/deploy-check/values.ts)", () => {
    it("repeats the engine's wire constants exactly as the capture and the policy properties have them", () => {
        assert.equal(UNKNOWN, CAPTURE_UNKNOWN);
        assert.equal(SIG_KEY, POLICY_SIG_KEY);
        assert.equal(SECRET_SIG, POLICY_SECRET_SIG);
    });

    it("unwraps secrets at every level, and leaves a value without secrets as the same object", () => {
        const inputs = { value: secret("s3cret"), nested: { list: [secret(1), 2] } };
        assert.deepEqual(plain(inputs), { value: "s3cret", nested: { list: [1, 2] } });
        const clean = { a: { b: [1] } };
        assert.equal(plain(clean), clean);
    });

    it("reads a dotted path through secrets, and gives undefined for a missing step", () => {
        const inputs = { loggingConfig: secret({ logGroup: "/aws/lambda/orders" }) };
        assert.equal(at(inputs, "loggingConfig.logGroup"), "/aws/lambda/orders");
        assert.equal(at(inputs, "loggingConfig.missing.deeper"), undefined);
        assert.equal(at({ a: "text" }, "a.b"), undefined);
    });

    it("finds an unknown anywhere in a value", () => {
        assert.equal(hasUnknown({ a: [1, { b: UNKNOWN }] }), true);
        assert.equal(hasUnknown({ a: [1, { b: "x" }] }), false);
        assert.equal(known(undefined), false);
        assert.equal(known(null), false);
        assert.equal(known(0), true);
    });

    it("shows strings quoted, numbers plain, and shortens long values", () => {
        assert.equal(show("a"), "\"a\"");
        assert.equal(show(3), "3");
        assert.equal(show(undefined), "not set");
        assert.equal(show("x".repeat(200)), `"${"x".repeat(116)}...`);
    });

    it("counts a policy's length as IAM does, without white space", () => {
        assert.equal(iamLength("{ \"Version\": \"2012-10-17\",\n  \"Statement\": [] }"), "{\"Version\":\"2012-10-17\",\"Statement\":[]}".length);
    });
});
