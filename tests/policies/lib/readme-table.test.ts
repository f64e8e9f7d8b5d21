import { strict as assert } from "assert";
import { TABLE_HEADER, readPolicyTable, renderPolicyTable, withPolicyTable } from "../../../policies/lib/readme-table";

const TABLE = [
    TABLE_HEADER,
    "|---|---|---|",
    "| `plain` | mandatory | |",
    "| `tuned` | advisory | `limit` (28), `tag` (`why`), `tags` (`cell`, `owner`), `on` (true), `shape` (`{\"a\":1}`), `free` |",
].join("\n");

describe("lib/readme-table", () => {
    it("renders a row per policy: its name, level, and each setting with its default", () => {
        assert.equal(renderPolicyTable([
            { name: "plain", enforcementLevel: "mandatory" },
            {
                name: "tuned",
                configSchema: {
                    properties: {
                        limit: { type: "integer", default: 28 },
                        tag: { type: "string", default: "why" },
                        tags: { type: "array", default: ["cell", "owner"] },
                        on: { type: "boolean", default: true },
                        shape: { type: "object", default: { a: 1 } },
                        free: { type: "string" },
                    },
                },
            },
        ]), TABLE);
    });

    it("replaces the table of a README, and only the table", () => {
        const readme = `# pack\n\nIntro.\n\n${TABLE_HEADER}\n|---|---|---|\n| \`old\` | advisory | |\n\nAfter.\n`;
        const updated = withPolicyTable(readme, TABLE);
        assert.equal(updated, `# pack\n\nIntro.\n\n${TABLE}\n\nAfter.\n`);
        assert.equal(readPolicyTable(updated), TABLE);
    });

    it("says so when the README has no policy table", () => {
        assert.throws(() => readPolicyTable("# pack\n"), { message: `the README has no policy table (no line "${TABLE_HEADER}")` });
    });
});
