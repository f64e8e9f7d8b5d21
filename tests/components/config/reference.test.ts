import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REFERENCE_END, REFERENCE_START, renderReference, withReference } from "../../../components/config/reference";
import { Section, Spec } from "../../../components/config/fields";
import { STACK_SETTINGS } from "../../../components/config/stack-settings";

const README = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "README.md"), "utf8");

/** Every key path a spec declares, nested sections flattened (`eventSources.queue.batchSize`). */
function keyPaths(spec: Spec, prefix = ""): string[] {
    return Object.entries(spec).flatMap(([key, entry]) => {
        const at = prefix === "" ? key : `${prefix}.${key}`;
        return entry.kind === "section" ? keyPaths((entry as Section).fields, at) : [at];
    });
}

describe("the configuration reference (components/config/reference.ts)", () => {
    it("is in README.md exactly as the settings table renders it (npm run docs regenerates it)", () => {
        assert.equal(withReference(README), README, "README.md's configuration reference is out of date: run npm run docs");
    });

    it("documents every setting the table declares, with its default", () => {
        const reference = renderReference();
        const { defaults, router, auth, alarms, rollout, quotas, ...top } = STACK_SETTINGS.fields;
        for (const key of Object.keys(top)) assert.ok(reference.includes(`| \`cellular:${key}\` |`), key);
        for (const key of keyPaths(router.fields)) assert.ok(reference.includes(`| \`cellular:router.${key}\` |`), key);
        for (const key of keyPaths(quotas.fields)) assert.ok(reference.includes(`| \`cellular:quotas.${key}\` |`), key);
        for (const key of keyPaths(auth.fields)) assert.ok(reference.includes(`| \`cellular:auth.${key}\` |`), key);
        for (const key of keyPaths(alarms.fields)) assert.ok(reference.includes(`| \`cellular:alarms.${key}\` |`), key);
        for (const key of keyPaths(rollout.fields)) assert.ok(reference.includes(`| \`cellular:rollout.${key}\` |`), key);
        for (const key of keyPaths(defaults.fields)) {
            // A source's function settings share one row.
            const fn = /^(.+)\.(memoryMb|timeoutSeconds|reservedConcurrency|memoryJustification)$/.exec(key);
            const row = fn ? `| \`${fn[1]}.{memoryMb, timeoutSeconds, reservedConcurrency}\` |` : `| \`${key}\` |`;
            assert.ok(reference.includes(row), key);
        }
        assert.ok(reference.includes("| `eventSources.bucket.{memoryMb, timeoutSeconds, reservedConcurrency}` | integers | `512` / `120` / `2` |"));
        assert.ok(reference.includes("| `cellular:router.mode` | `invoke` \\| `redirect` | `invoke` |"));
    });

    it("refuses a README without its markers", () => {
        assert.throws(() => withReference("# no markers"), { message: `README.md has no ${REFERENCE_START} ... ${REFERENCE_END} markers` });
    });
});
