import { strict as assert } from "assert";
import { boolean, checkKeys, custom, defaultsOf, integer, integerIn, oneOf, optionalText, readField, readSection, section, text } from "../../../components/config/fields";
import { Problems } from "../../../components/config/problems";

const SPEC = section("a test section", {
    size: integer({ min: 1, max: 10, default: 5, description: "a size" }),
    on: boolean({ default: false, description: "on or off" }),
    mode: oneOf(["a", "b"], { default: "a", description: "a mode" }),
    days: integerIn({ values: [1, 7, 30], what: "expected a retention", default: 7, description: "days" }),
    name: text({ pattern: /^[a-z]+$/, allowed: "expected lowercase letters", default: "x", description: "a name" }),
    why: optionalText({ pattern: /\S/, allowed: "expected a reason", description: "a reason" }),
    inner: section("nested", { depth: integer({ min: 0, max: 3, default: 1, description: "depth" }) }),
}, (v, at) => {
    if (v.on && v.size > 8) at.problem("size", v.size, "at most 8 when on");
});

function read(raw: unknown): { values: unknown; problems: string[] } {
    const problems = new Problems();
    const values = readSection(SPEC, raw, at => `t.${at.join(".")}`, problems);
    return { values, problems: problems.list };
}

describe("the settings table (components/config/fields.ts)", () => {
    it("gives every default, nested sections included, and leaves an optional setting absent", () => {
        assert.deepEqual(defaultsOf(SPEC), { size: 5, on: false, mode: "a", days: 7, name: "x", inner: { depth: 1 } });
    });

    it("reads valid values, and keeps an optional one when given", () => {
        assert.deepEqual(read({ size: 2, on: true, mode: "b", days: 30, name: "abc", why: "because", inner: { depth: 3 } }), {
            values: { size: 2, on: true, mode: "b", days: 30, name: "abc", why: "because", inner: { depth: 3 } },
            problems: [],
        });
    });

    it("reports every bad value at its path, with what is allowed, and falls back to the default", () => {
        assert.deepEqual(read({ size: 11, on: "yes", mode: "c", days: 2, name: "A", why: " ", inner: { depth: 1.5 } }), {
            values: { size: 5, on: false, mode: "a", days: 7, name: "x", inner: { depth: 1 } },
            problems: [
                "t.size is 11; expected an integer from 1 to 10",
                't.on is "yes"; expected true or false',
                't.mode is "c"; expected one of a, b',
                "t.days is 2; expected a retention: 1, 7, 30",
                't.name is "A"; expected lowercase letters',
                't.why is " "; expected a reason',
                "t.inner.depth is 1.5; expected an integer from 0 to 3",
            ],
        });
    });

    it("runs the section's checks after its fields", () => {
        assert.deepEqual(read({ on: true, size: 9 }).problems, ["t.size is 9; at most 8 when on"]);
        assert.deepEqual(read({ on: false, size: 9 }).problems, []);
    });

    it("names the known keys when a key is misspelt, nested ones included, and refuses a non-object", () => {
        const problems = new Problems();
        checkKeys(SPEC, { sise: 1, inner: { dept: 2 } }, "t", problems);
        checkKeys(SPEC, [1], "u", problems, ["id"]);
        assert.deepEqual(problems.list, [
            "t.sise is 1; not a known setting; known: size, on, mode, days, name, why, inner",
            "t.inner.dept is 2; not a known setting; known: depth",
            "u is [1]; expected an object with the keys id, size, on, mode, days, name, why, inner",
        ]);
    });

    it("reports a required setting that is absent", () => {
        const field = custom<string>({ default: "", type: "string", allowed: "any", description: "d", required: "set it", read: v => String(v) });
        const problems = new Problems();
        assert.equal(readField(field, undefined, "k", problems), "");
        assert.deepEqual(problems.list, ["k is missing; set it"]);
    });
});
