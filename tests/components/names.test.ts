import { strict as assert } from "assert";
import { cellNames } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";
import { sharedNames } from "../../components/config/checks";
import * as aws from "@pulumi/aws";
import { ACCOUNT_ID_PLACEHOLDER, NAME_LIMITS, Names, REGION_PATTERN, nameProblems, regionCode } from "../../components/names";
import { edit, Raw, runStack, shippedStack, Stack, stackConfig } from "../fixtures/stack";

/** Every region the AWS provider knows (an independent list: the provider's own enum). */
const AWS_REGIONS: string[] = Object.values(aws.Region);

/** The inputs that hold a resource's physical name, by type (the provider's names for them). */
const NAME_INPUTS: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:codedeploy/deploymentGroup:DeploymentGroup": "deploymentGroupName",
    "aws:codedeploy/deploymentConfig:DeploymentConfig": "deploymentConfigName",
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
    return new Set([...settings.cells.flatMap(c => cellNames(settings.names, c, settings.router.mode, settings.rollout.preTrafficHook)), ...sharedNames(settings)].map(n => n.name));
}

describe("physical names (components/names.ts)", () => {
    for (const [what, raw] of [
        ["dev", () => stackConfig("dev")],
        ["dev with every destination and redirect mode", () => edit(edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "topic"; d.async.onSuccess = "bus"; }), "router", r => { r.mode = "redirect"; })],
        ["dev with a REST API", () => edit(stackConfig("dev"), "router", r => { r.api = "rest"; })],
        ["dev with a pre-traffic hook", () => edit(stackConfig("dev"), "rollout", r => { r.preTrafficHook = true; })],
    ] as const) {
        it(`names every resource of ${what} through Names, so the config check sees every name`, async () => {
            const stack = what === "dev" ? await shippedStack("dev") : await runStack("dev", { config: raw() });
            const known = enumerated(raw());
            const outside = plannedNames(stack).filter(n => !known.has(n.name));
            assert.deepEqual(outside, []);
        });
    }

    it("reports, per kind of name, the longest that does not fit, with its owner", () => {
        const names = new Names("cellular", "a-rather-long-stack-name", "us-east-1");
        assert.deepEqual(nameProblems(names, [
            { owner: 'cell "c1"', name: { kind: "function", name: "f".repeat(64) } },
            { owner: 'cell "c2"', name: { kind: "function", name: "f".repeat(66) } },
            { owner: 'cell "c3"', name: { kind: "function", name: "f".repeat(65) } },
            { owner: "the router", name: { kind: "queue", name: "q".repeat(81) } },
            { owner: "the router", name: { kind: "table", name: "t".repeat(255) } },
        ]), [
            `Lambda function names are limited to 64 characters, but cell "c2" of stack "a-rather-long-stack-name" would get "${"f".repeat(66)}" (66); use a shorter stack name or cell id`,
            `SQS queue names are limited to 80 characters, but the router of stack "a-rather-long-stack-name" would get "${"q".repeat(81)}" (81); use a shorter stack name or cell id`,
        ]);
    });

    it("holds AWS's documented limits", () => {
        assert.deepEqual(Object.fromEntries(Object.entries(NAME_LIMITS).map(([k, v]) => [k, v.max])), {
            function: 64, role: 64, managedPolicy: 128, queue: 80, bucket: 63, eventRule: 64, topic: 256, kinesisStream: 128,
            table: 255, logGroup: 512, alarm: 255, dashboard: 255, api: 128, userPool: 128, parameter: 1011, targetGroup: 32, loadBalancer: 32, codedeploy: 100,
        });
    });

    it("checks the names only some settings create: the bus destination's rule", () => {
        const stack = "stack-name-of-thirty-three-chars1";
        const problemsOf = (raw: Record<string, string>): string[] => {
            try {
                loadSettings(raw, { project: "cellular", stack });
            } catch (err) {
                return (err as Error).message.split("\n").slice(1).map(line => line.replace(/^  - /, ""));
            }
            return [];
        };
        const withBus = problemsOf(edit(stackConfig("dev"), "defaults", d => { d.async.onFailure = "bus"; }));
        const without = problemsOf(stackConfig("dev"));
        assert.deepEqual(withBus.filter(p => !without.includes(p)), [
            `EventBridge rule names are limited to 64 characters, but cell "cell-a" of stack "${stack}" would get "cellular-${stack}-cell-a-failure-records" (65); use a shorter stack name or cell id`,
        ]);
        assert.ok(without.every(p => withBus.includes(p)));
    });

    it("makes account-global names the stack's in its region, with AWS's short region codes", () => {
        const names = new Names("cellular", "dev", "ap-southeast-2");
        assert.equal(names.functionRole(names.cellFunction("cell-a", "api")), "cellular-dev-cell-a-api-apse2");
        assert.equal(names.bucket("cell-a", "123456789012"), "cellular-dev-cell-a-123456789012-apse2");
        assert.equal(names.dashboard("cell-a"), "cellular-dev-cell-a-apse2");
        assert.equal(names.cellDataRole("cell-a"), "cellular-dev-cell-a-tenant-apse2");
        // Regional names stay as they were.
        assert.equal(names.cellFunction("cell-a", "api"), "cellular-dev-cell-a-api");
        assert.equal(names.table("cell-a"), "cellular-dev-cell-a-data");
    });

    it("gives every region AWS lists its own short code", () => {
        const codes = new Map(AWS_REGIONS.map(r => [regionCode(r), r]));
        assert.equal(codes.size, AWS_REGIONS.length, "two regions share a code");
        assert.deepEqual(["us-east-1", "eu-west-1", "ap-southeast-2", "ap-south-1", "us-gov-west-1", "cn-north-1", "ap-northeast-3", "il-central-1"].map(regionCode),
            ["use1", "euw1", "apse2", "aps1", "usgovw1", "cnn1", "apne3", "ilc1"]);
        for (const r of AWS_REGIONS) assert.match(r, REGION_PATTERN);
    });

    it("lets the dev stack's names fit with a stack name of up to 27 characters (the failure handler's role is the longest)", () => {
        assert.doesNotThrow(() => loadSettings(stackConfig("dev"), { project: "cellular", stack: "stack-name-of-27-characters" }));
        assert.throws(() => loadSettings(stackConfig("dev"), { project: "cellular", stack: "stack-name-of-28-characters1" }),
            /IAM role names are limited to 64 characters, but cell "cell-a" of stack "stack-name-of-28-characters1" would get "cellular-stack-name-of-28-characters1-cell-a-failure-handler-use1" \(65\)/);
    });
});
