import { strict as assert } from "assert";
import { cellFunctions } from "../components/cell-inventory";
import { loadSettings, StackSettings } from "../components/config";
import { CELL_TYPE } from "../components/type-tokens";
import { expectedCellCounts, total } from "./fixtures/cell-resources";
import { countByType, edit, ProgramError, runStack, shippedStack, Stack, stackConfig } from "./fixtures/stack";
import { EVENT_SOURCE_KINDS } from "../components/event-sources/registry";

/**
 * Outside every cell: the stack, the default provider, the router, its API (with its JWT authorizer) and dashboard
 * (and an alarm per cell), and the identity: the Cognito user pool, its resource server and app client, the
 * token-claims trigger and the record of what it holds data in; the alarm topic and its e-mail subscription.
 */
const SHARED = {
    "aws:apigatewayv2/api:Api": 1,
    "aws:apigatewayv2/authorizer:Authorizer": 1,
    "aws:apigatewayv2/integration:Integration": 1,
    "aws:apigatewayv2/route:Route": 2,
    "aws:apigatewayv2/stage:Stage": 1,
    "aws:cloudwatch/dashboard:Dashboard": 1,
    "aws:cloudwatch/logGroup:LogGroup": 3,
    "aws:codedeploy/application:Application": 1,
    "aws:cognito/resourceServer:ResourceServer": 1,
    "aws:cognito/userPool:UserPool": 1,
    "aws:cognito/userPoolClient:UserPoolClient": 1,
    "aws:dynamodb/table:Table": 1,
    "aws:iam/policy:Policy": 1,
    "aws:iam/role:Role": 2,
    "aws:iam/rolePolicy:RolePolicy": 2,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    "aws:lambda/alias:Alias": 1,
    "aws:lambda/function:Function": 2,
    "aws:lambda/permission:Permission": 2,
    "aws:sns/topic:Topic": 1,
    "aws:sns/topicSubscription:TopicSubscription": 1,
    "aws:ssm/parameter:Parameter": 1,
    "cellular:index:CellRouter": 1,
    "cellular:index:ControlPlane": 1,
    "cellular:index:Identity": 1,
    "pulumi:providers:aws": 1,
    "pulumi:providers:pulumi-nodejs": 1,
    "pulumi:pulumi:Stack": 1,
} as Record<string, number>;

function shared(stack: Stack) {
    return stack.resources.filter(r => stack.cellOf(r) === undefined);
}

/** The shared resources of a stack in invoke mode: SHARED and the router's breaker alarm per cell. */
function sharedOf(settings: StackSettings): Record<string, number> {
    return { ...SHARED, "aws:cloudwatch/metricAlarm:MetricAlarm": settings.cells.length };
}

function settingsOf(name: string): StackSettings {
    return loadSettings(stackConfig(name), { project: "cellular", stack: name });
}

describe("the program under mocks (index.ts)", () => {
    describe("dev", () => {
        let stack: Stack;
        const settings = settingsOf("dev");
        before(async () => {
            stack = await shippedStack("dev");
        });

        it("registers in each cell what its settings ask for: the core, its functions, its sources", () => {
            for (const cell of settings.cells) assert.deepEqual(countByType(stack.inCell(cell.id)), expectedCellCounts(cell), cell.id);
            // Every event source but the ALB (dev has no listener for it) is on in dev: each cell has a function per
            // source, plus its API and failure handler.
            for (const cell of settings.cells) assert.equal(cellFunctions(cell).length, EVENT_SOURCE_KINDS.length - 1 + 2);
        });

        it("registers the router and its API outside every cell", () => {
            assert.deepEqual(countByType(shared(stack)), sharedOf(settings));
        });

        it("registers the cells' resources, a component per cell and the shared ones, nothing else", () => {
            assert.equal(stack.ofType(CELL_TYPE).length, settings.cells.length);
            const cells = settings.cells.reduce((n, c) => n + total(expectedCellCounts(c)), 0);
            assert.equal(stack.resources.length, cells + settings.cells.length + total(sharedOf(settings)));
        });

        it("exports the router URL (unknown in preview) and the cells", () => {
            const outputs = stack.capture.stackOutputs;
            assert.equal(outputs.url, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
            assert.deepEqual(outputs.cells, [
                { id: "cell-a", wave: 0, state: "active", table: "cellular-dev-cell-a-data", function: "cellular-dev-cell-a-api:live" },
                { id: "cell-b", wave: 0, state: "active", table: "cellular-dev-cell-b-data", function: "cellular-dev-cell-b-api:live" },
                { id: "cell-c", wave: 0, state: "active", table: "cellular-dev-cell-c-data", function: "cellular-dev-cell-c-api:live" },
            ]);
            assert.equal(outputs.reservedConcurrency, settings.reservedConcurrencyTotal);
        });
    });

    describe("prod", () => {
        let stack: Stack;
        const settings = settingsOf("prod");
        before(async () => {
            stack = await shippedStack("prod");
        });

        it("registers in each of its cells what the cell's settings ask for", () => {
            assert.equal(stack.ofType(CELL_TYPE).length, settings.cells.length);
            for (const cell of settings.cells) assert.deepEqual(countByType(stack.inCell(cell.id)), expectedCellCounts(cell), cell.id);
        });

        it("gates each wave after the first (a dynamic resource) and adds the router's provisioned concurrency outside the cells", () => {
            const waves = new Set(settings.cells.map(c => c.wave)).size;
            assert.deepEqual(countByType(shared(stack)), {
                ...sharedOf(settings),
                "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": 1,
                // The wave gates.
                "pulumi-nodejs:dynamic:Resource": waves - 1,
            });
        });
    });

    describe("with an invalid config", () => {
        it("registers no resource besides the stack itself, and fails with every problem", async () => {
            let raw = edit(stackConfig("dev"), "defaults", d => { d.timeoutSeconds = 40; });
            raw = edit(raw, "cells", c => { c[0].id = "Cell_A"; });
            await assert.rejects(runStack("dev", { config: raw }), (err: unknown) => {
                assert.ok(err instanceof ProgramError);
                assert.equal((err.cause as Error).message, "invalid stack configuration (2 problems):\n" +
                    '  - cellular:cells[0].id is "Cell_A"; cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 20 characters\n' +
                    "  - cellular:defaults.timeoutSeconds is 40; a cell's API function is behind API Gateway or invoked synchronously by the router, so it must finish within 28 s");
                assert.deepEqual(err.resources.map(r => r.type), ["pulumi:pulumi:Stack"]);
                return true;
            });
        });
    });
});
