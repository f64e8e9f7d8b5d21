import { strict as assert } from "assert";
import { cellNames } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";
import { sharedNames } from "../../components/config/checks";
import { ACCOUNT_ID_PLACEHOLDER, NAME_LIMITS, Names, nameProblems } from "../../components/names";
import { edit, Raw, runStack, shippedStack, Stack, stackConfig } from "../fixtures/stack";

/** The inputs that hold a resource's physical name, by type (the provider's names for them). */
const NAME_INPUTS: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
};
/**
 * Names that are not physical names of the stack: an alias (per function), an inline policy (per role), a stage and
 * an authorizer (per API), a resource server's identifier (per user pool, and the scopes' prefix).
 */
const NOT_PHYSICAL = new Set(["aws:lambda/alias:Alias", "aws:iam/rolePolicy:RolePolicy", "aws:apigatewayv2/stage:Stage", "aws:apigateway/stage:Stage",
    "aws:apigatewayv2/authorizer:Authorizer", "aws:apigateway/authorizer:Authorizer", "aws:cognito/resourceServer:ResourceServer"]);

/** Every physical name the plan gives a resource. */
function plannedNames(stack: Stack): Array<{ type: string; name: string }> {
    return stack.resources.flatMap(r => {
        if (!r.custom || NOT_PHYSICAL.has(r.type)) return [];
        const value = r.inputs[NAME_INPUTS[r.type] ?? "name"];
        return typeof value === "string" ? [{ type: r.type, name: value.replace(/\d{12}$/, ACCOUNT_ID_PLACEHOLDER) }] : [];
    });
}

function enumerated(raw: Raw): Set<string> {
    const settings = loadSettings(raw, { project: "cellular", stack: "dev" });
    return new Set([...settings.cells.flatMap(c => cellNames(settings.names, c, settings.router.mode)), ...sharedNames(settings)].map(n => n.name));
}

describe("physical names (components/names.ts)", () => {
    for (const [what, raw] of [
        ["dev", () => stackConfig("dev")],
        ["dev with every destination and redirect mode", () => edit(edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "topic"; d.async.onSuccess = "bus"; }), "router", r => { r.mode = "redirect"; })],
        ["dev with a REST API", () => edit(stackConfig("dev"), "router", r => { r.api = "rest"; })],
    ] as const) {
        it(`names every resource of ${what} through Names, so the config check sees every name`, async () => {
            const stack = what === "dev" ? await shippedStack("dev") : await runStack("dev", { config: raw() });
            const known = enumerated(raw());
            const outside = plannedNames(stack).filter(n => !known.has(n.name));
            assert.deepEqual(outside, []);
        });
    }

    it("reports, per kind of name, the longest that does not fit, with its owner", () => {
        const names = new Names("cellular", "a-rather-long-stack-name");
        assert.deepEqual(nameProblems(names, [
            { owner: 'cell "c1"', name: { kind: "function", name: "f".repeat(64) } },
            { owner: 'cell "c2"', name: { kind: "function", name: "f".repeat(66) } },
            { owner: 'cell "c3"', name: { kind: "function", name: "f".repeat(65) } },
            { owner: "the router", name: { kind: "queue", name: "q".repeat(81) } },
            { owner: "the router", name: { kind: "table", name: "t".repeat(255) } },
        ]), [
            `Lambda function and IAM role names are limited to 64 characters, but cell "c2" of stack "a-rather-long-stack-name" would get "${"f".repeat(66)}" (66); use a shorter stack name or cell id`,
            `SQS queue names are limited to 80 characters, but the router of stack "a-rather-long-stack-name" would get "${"q".repeat(81)}" (81); use a shorter stack name or cell id`,
        ]);
    });

    it("holds AWS's documented limits", () => {
        assert.deepEqual(Object.fromEntries(Object.entries(NAME_LIMITS).map(([k, v]) => [k, v.max])), {
            function: 64, role: 64, managedPolicy: 128, queue: 80, bucket: 63, eventRule: 64, topic: 256, kinesisStream: 128,
            table: 255, logGroup: 512, alarm: 255, dashboard: 255, api: 128, userPool: 128, parameter: 1011,
        });
    });

    it("checks the names only some settings create: the bus destination's rule", () => {
        const raw = edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; });
        const stack = "stack-name-of-thirty-three-chars1";
        const problem = (what: string, name: string) => `${what}, but cell "cell-a" of stack "${stack}" would get "${name}" (65); use a shorter stack name or cell id`;
        assert.throws(() => loadSettings(raw, { project: "cellular", stack }), (err: Error) => {
            assert.equal(err.message, "invalid stack configuration (2 problems):\n" +
                `  - ${problem("Lambda function and IAM role names are limited to 64 characters", `cellular-${stack}-cell-a-failure-handler`)}\n` +
                `  - ${problem("EventBridge rule names are limited to 64 characters", `cellular-${stack}-cell-a-failure-records`)}`);
            return true;
        });
        assert.doesNotThrow(() => loadSettings(stackConfig("dev"), { project: "cellular", stack: "stack-name-of-thirty-two-chars12" }));
    });
});
