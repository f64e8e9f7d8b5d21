import { strict as assert } from "assert";
import { configOf, integer, stringList, text } from "../../../policies/lib/config-schema";

/** What a policy's args answer to getConfig(): the config the CLI sent with Configure, `{}` without one. */
const args = (config: object) => ({ getConfig: <T extends object>() => config as T });

describe("lib/config-schema", () => {
    it("reads a policy's config over its defaults, which apply when nothing was configured", () => {
        const defaults = { maxTimeoutSeconds: 28, tags: ["cell"] };
        assert.deepEqual(configOf(args({}), defaults), defaults);
        assert.deepEqual(configOf(args({ maxTimeoutSeconds: 10 }), defaults), { maxTimeoutSeconds: 10, tags: ["cell"] });
    });

    it("declares each kind of setting as the schema the CLI validates config files against", () => {
        assert.deepEqual(integer("Seconds.", 28, 1), { type: "integer", minimum: 1, default: 28, description: "Seconds." });
        assert.deepEqual(integer("Count.", 5), { type: "integer", minimum: 0, default: 5, description: "Count." });
        assert.deepEqual(text("Tag.", "cell"), { type: "string", minLength: 1, default: "cell", description: "Tag." });
        const defaults = ["cell", "owner"];
        const list = stringList("Tags.", defaults);
        assert.deepEqual(list, { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: ["cell", "owner"], description: "Tags." });
        assert.notEqual((list as { default: unknown }).default, defaults, "the schema holds a copy of the defaults");
    });
});
