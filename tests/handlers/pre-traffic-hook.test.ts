import { strict as assert } from "assert";
import { Logger } from "@aws-lambda-powertools/logger";
import { PutLifecycleEventHookExecutionStatusCommand } from "@aws-sdk/client-codedeploy";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import type { ApiEvent } from "../../handlers/lib/http";
import { ownershipFor } from "../../handlers/lib/ownership";
import { PROBE_CUSTOMER } from "../../handlers/lib/rollout-probe";
import { captureLogs, releaseLogs, takeLogs } from "./fakes/routing-logs";

const FN = "cellular-prod-cell-01-api";
const EVENT = { DeploymentId: "d-ABCDEF123", LifecycleEventHookExecutionId: "eyJ-hook-execution" };

type Version = (event: unknown) => Promise<{ FunctionError?: string; Payload?: Uint8Array }>;

/** Lambda, invoking a version of the cell API (or whatever a test makes it), recording each invoke; CodeDeploy recording each report. */
function world(version: Version, options: { reportFails?: boolean } = {}) {
    const invokes: Array<Record<string, unknown>> = [];
    const reports: Array<Record<string, unknown>> = [];
    const lambda = { send: async (command: object) => {
        assert.ok(command instanceof InvokeCommand);
        invokes.push({ ...command.input, Payload: JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString("utf8")) });
        return version(JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString("utf8")));
    } };
    const codedeploy = { send: async (command: object) => {
        assert.ok(command instanceof PutLifecycleEventHookExecutionStatusCommand);
        if (options.reportFails) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        reports.push({ ...command.input });
        return {};
    } };
    return { lambda, codedeploy, invokes, reports };
}

const json = (value: unknown) => ({ Payload: Buffer.from(JSON.stringify(value)) });

describe("the pre-traffic hook (handlers/pre-traffic-hook.ts)", () => {
    let hookModule: typeof import("../../handlers/pre-traffic-hook");
    let cellApi: typeof import("../../handlers/cell-api");
    before(async () => {
        captureLogs();
        process.env.TARGET_FUNCTION = FN;
        process.env.TARGET_VERSION = "7";
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        hookModule = require("../../handlers/pre-traffic-hook") as typeof import("../../handlers/pre-traffic-hook");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        cellApi = require("../../handlers/cell-api") as typeof import("../../handlers/cell-api");
    });
    after(() => {
        delete process.env.TARGET_FUNCTION;
        delete process.env.TARGET_VERSION;
        releaseLogs();
    });
    beforeEach(() => takeLogs());

    function hook(w: ReturnType<typeof world>) {
        return hookModule.createPreTrafficHook({ lambda: w.lambda, codedeploy: w.codedeploy, functionName: FN, version: "7", logger: new Logger({ serviceName: "pre-traffic-hook" }) });
    }

    /** The real cell API, as the new version: it must never reach a table for the probe. */
    function realCellApi(): Version {
        const api = cellApi.createCellApi({ cellId: "cell-01", tableName: "t", tenantClaim: "tenant_id",
            ownership: ownershipFor("cell-01", { version: 1, cells: ["cell-01"], pinned: {} }),
            tables: { clientFor: () => Promise.reject(new Error("the probe must not reach the table")) }, logger: new Logger({ serviceName: "cell-api" }) });
        return async event => json(await api(event as ApiEvent));
    }

    it("passes a version of the real cell API: it invokes that version with the probe and reports Succeeded", async () => {
        const w = world(realCellApi());
        assert.deepEqual(await hook(w)(EVENT), { status: "Succeeded" });
        assert.equal(w.invokes.length, 1);
        assert.deepEqual({ ...w.invokes[0], Payload: undefined }, { FunctionName: FN, Qualifier: "7", InvocationType: "RequestResponse", Payload: undefined });
        assert.equal((w.invokes[0]!.Payload as { rawPath: string }).rawPath, `/customers/${PROBE_CUSTOMER}/items`);
        assert.deepEqual(w.reports, [{ deploymentId: "d-ABCDEF123", lifecycleEventHookExecutionId: "eyJ-hook-execution", status: "Succeeded" }]);
    });

    it("fails a version that lets a request without a token through", async () => {
        const w = world(async () => json({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ items: [] }) }));
        assert.deepEqual(await hook(w)(EVENT), { status: "Failed" });
        assert.deepEqual(w.reports, [{ deploymentId: "d-ABCDEF123", lifecycleEventHookExecutionId: "eyJ-hook-execution", status: "Failed" }]);
        const [error] = takeLogs().filter(l => l.level === "ERROR");
        assert.equal(error!.problem, "expected status 401 for a request without a token, got 200");
    });

    it("fails a version that crashes, or answers 401 with another body, or cannot be invoked", async () => {
        const crashing = world(async () => ({ FunctionError: "Unhandled", Payload: Buffer.from(JSON.stringify({ errorType: "Runtime.ImportModuleError", errorMessage: "Cannot find module 'index'" })) }));
        const otherBody = world(async () => json({ statusCode: 401, body: "Unauthorized" }));
        const missing = world(async () => { throw Object.assign(new Error("Function not found: cellular-prod-cell-01-api:7"), { name: "ResourceNotFoundException" }); });
        for (const w of [crashing, otherBody, missing]) assert.deepEqual(await hook(w)(EVENT), { status: "Failed" });
        assert.deepEqual(takeLogs().filter(l => l.level === "ERROR").map(l => l.problem), [
            'the version failed (Unhandled): {"errorType":"Runtime.ImportModuleError","errorMessage":"Cannot find module \'index\'"}',
            'expected the body {"error":"a valid bearer token is required"}, got Unauthorized',
            "the version could not be invoked: ResourceNotFoundException: Function not found: cellular-prod-cell-01-api:7",
        ]);
    });

    it("fails its own invocation when CodeDeploy cannot be told, so Lambda retries it", async () => {
        const w = world(realCellApi(), { reportFails: true });
        await assert.rejects(hook(w)(EVENT), /Rate exceeded/);
    });

    it("reads the function and version it probes from its environment", () => {
        assert.equal(typeof hookModule.handler, "function");
    });
});
