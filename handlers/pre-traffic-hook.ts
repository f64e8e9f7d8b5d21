/**
 * pre-traffic-hook: CodeDeploy's BeforeAllowTraffic hook of a cell's API. Before any traffic moves to the new
 * version, it invokes that version (env TARGET_FUNCTION and TARGET_VERSION) with the synthetic request of
 * lib/rollout-probe.ts and tells CodeDeploy `Succeeded` only for the expected answer; anything else — a wrong
 * answer, a crash, an invoke that fails — is `Failed`, and CodeDeploy stops the deployment and rolls back.
 *
 * It always reports (CodeDeploy would otherwise wait an hour); if the report itself fails, the invocation fails and
 * Lambda retries it (CodeDeploy invokes hooks asynchronously).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from "@aws-sdk/client-codedeploy";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { traced, tracedHandler } from "./clients/tracing";
import { requireEnv } from "./lib/events-env";
import { HOOK_ENV, probeEvent, wrongAnswer } from "./lib/rollout-probe";
import { ENV } from "./lib/table";

/** What CodeDeploy sends a lifecycle hook. */
export interface HookEvent {
    DeploymentId: string;
    LifecycleEventHookExecutionId: string;
}

interface Sender {
    send(command: object): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HookOptions {
    lambda: Sender;
    codedeploy: Sender;
    functionName: string;
    version: string;
    logger: Logger;
}

export function createPreTrafficHook({ lambda, codedeploy, functionName, version, logger }: HookOptions): (event: HookEvent) => Promise<{ status: string }> {
    return async event => {
        let problem: string | undefined;
        try {
            const out = await lambda.send(new InvokeCommand({
                FunctionName: functionName, Qualifier: version, InvocationType: "RequestResponse",
                Payload: Buffer.from(JSON.stringify(probeEvent(`pre-traffic-${event.DeploymentId}`))),
            }));
            problem = wrongAnswer({ ...(out.FunctionError !== undefined ? { functionError: String(out.FunctionError) } : {}),
                payload: out.Payload === undefined ? "" : Buffer.from(out.Payload).toString("utf8") });
        } catch (err) {
            problem = `the version could not be invoked: ${(err as Error).name}: ${(err as Error).message}`;
        }
        const status = problem === undefined ? "Succeeded" : "Failed";
        if (problem) logger.error("the new version gave the wrong answer; the deployment fails", { deploymentId: event.DeploymentId, functionName, version, problem });
        else logger.info("the new version answered the probe as expected", { deploymentId: event.DeploymentId, functionName, version });
        await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status,
        }));
        return { status };
    };
}

const logger = new Logger({ serviceName: "pre-traffic-hook", persistentKeys: { cellId: process.env[ENV.cellId] ?? "unknown" } });

// Traced like every handler: the probe's invoke carries the trace header, so the new version's trace joins the hook's.
export const handler = tracedHandler(createPreTrafficHook({
    lambda: traced(new LambdaClient({})),
    codedeploy: traced(new CodeDeployClient({})),
    functionName: requireEnv(HOOK_ENV.targetFunction),
    version: requireEnv(HOOK_ENV.targetVersion),
    logger,
}));
