/**
 * One cell's CodeDeploy deployment, as `pulumi up` runs it (components/rollout/deployment-resource.ts): when the
 * `live` alias of the cell's API function is not on the version Pulumi just published, start a deployment that
 * shifts it there (an AppSpec with CurrentVersion → TargetVersion, the group's strategy and rollback alarms), wait for
 * it, and fail — naming the deployment, the alarm and the version the alias is back on — when it did not succeed.
 *
 * What the alias is on is read from Lambda every time, not remembered: so the first deployment (the alias is created
 * on the first version) starts nothing, a re-run after a failure deploys again, and a run interrupted while waiting
 * waits for the deployment it left behind before it starts another.
 */
import { CreateDeploymentCommand, GetDeploymentCommand, ListDeploymentsCommand, StopDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand } from "@aws-sdk/client-lambda";
import { alarmsInAlarm, describeAlarms } from "./alarms";
import { Clock, minutes, RolloutClients, RolloutError } from "./clients";

export interface DeploymentSpec {
    cellId: string;
    applicationName: string;
    deploymentGroupName: string;
    functionName: string;
    alias: string;
    /** The version Pulumi published, which the alias is to serve. */
    targetVersion: string;
    /** The group's rollback alarms, to name the one that stopped a deployment. */
    alarmNames: string[];
    timeoutMinutes: number;
    pollSeconds: number;
    /** A function CodeDeploy runs before it shifts any traffic (the pre-traffic hook), if the cell has one. */
    beforeAllowTraffic?: string;
}

export interface DeploymentOutcome {
    /** The version the alias serves now (the target). */
    version: string;
    /** The deployment that moved it, or "" when the alias was on it already. */
    deploymentId: string;
    /** The version it served before, or "" when nothing moved. */
    previousVersion: string;
}

/** CodeDeploy's statuses of a deployment that has not ended. */
export const ACTIVE_STATUSES = ["Created", "Queued", "InProgress", "Baking", "Ready"] as const;
// A list, not a Set: Pulumi's closure serialization of the provider writes a Set out empty.
const ENDED: readonly string[] = ["Succeeded", "Failed", "Stopped"];

/**
 * The AppSpec of a Lambda deployment (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html),
 * as JSON; `version` is written `0.0`, as AWS's examples do.
 */
export function appSpec(spec: DeploymentSpec, currentVersion: string): string {
    const body = JSON.stringify({
        version: 0,
        Resources: [{ [spec.functionName.replace(/[^A-Za-z0-9]/g, "")]: {
            Type: "AWS::Lambda::Function",
            Properties: { Name: spec.functionName, Alias: spec.alias, CurrentVersion: currentVersion, TargetVersion: spec.targetVersion },
        } }],
        ...(spec.beforeAllowTraffic ? { Hooks: [{ BeforeAllowTraffic: spec.beforeAllowTraffic }] } : {}),
    });
    return body.replace(/^\{"version":0,/, '{"version":0.0,');
}

async function aliasVersion(clients: RolloutClients, spec: DeploymentSpec): Promise<{ version: string; shifting: boolean }> {
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: spec.functionName, Name: spec.alias }));
    const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
    return { version: String(alias.FunctionVersion), shifting: Object.keys(weights).length > 0 };
}

interface Ended {
    status: string;
    info: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Polls a deployment until it ends or `deadline` passes (then undefined). */
async function waitFor(clients: RolloutClients, clock: Clock, deploymentId: string, deadline: number, pollMs: number): Promise<Ended | undefined> {
    for (;;) {
        const { deploymentInfo: info = {} } = await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        if (ENDED.includes(info.status)) return { status: info.status, info };
        const left = deadline - clock.now();
        if (left <= 0) return undefined;
        await clock.sleep(Math.min(pollMs, left));
    }
}

/** Deployments of the group that have not ended (one left by an interrupted `pulumi up`, or started by hand). */
async function activeDeployments(clients: RolloutClients, spec: DeploymentSpec): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
        const page = await clients.codedeploy.send(new ListDeploymentsCommand({
            applicationName: spec.applicationName, deploymentGroupName: spec.deploymentGroupName,
            includeOnlyStatuses: [...ACTIVE_STATUSES], ...(nextToken ? { nextToken } : {}),
        }));
        ids.push(...(page.deployments ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return ids;
}

/** Runs the cell's deployment to its end; throws a RolloutError when it did not succeed. */
export async function runDeployment(clients: RolloutClients, clock: Clock, spec: DeploymentSpec): Promise<DeploymentOutcome> {
    const deadline = clock.now() + spec.timeoutMinutes * 60_000;
    const pollMs = spec.pollSeconds * 1000;
    const where = `cell ${spec.cellId}: ${spec.functionName}:${spec.alias}`;

    // A deployment still running (an earlier `pulumi up` interrupted while it waited) ends first: CodeDeploy runs one
    // per group at a time, and the alias is where it leaves it.
    for (const id of await activeDeployments(clients, spec)) {
        if (!await waitFor(clients, clock, id, deadline, pollMs)) {
            throw new RolloutError(`${where}: deployment ${id}, started earlier, is still running after ${minutes(spec.timeoutMinutes * 60_000)}; ` +
                `wait for it (aws deploy get-deployment --deployment-id ${id}) or stop it (aws deploy stop-deployment --deployment-id ${id} --auto-rollback-enabled), then run pulumi up again`);
        }
    }

    const current = await aliasVersion(clients, spec);
    if (current.version === spec.targetVersion && !current.shifting) return { version: spec.targetVersion, deploymentId: "", previousVersion: "" };

    const created = await clients.codedeploy.send(new CreateDeploymentCommand({
        applicationName: spec.applicationName,
        deploymentGroupName: spec.deploymentGroupName,
        description: `cell ${spec.cellId}: ${spec.functionName}:${spec.alias} ${current.version} -> ${spec.targetVersion} (pulumi up)`,
        revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec(spec, current.version) } },
    }));
    const id = String(created.deploymentId);
    const move = `${where} ${current.version} → ${spec.targetVersion}`;

    const ended = await waitFor(clients, clock, id, deadline, pollMs);
    if (!ended) {
        await clients.codedeploy.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
        const now = await aliasVersion(clients, spec);
        throw new RolloutError(`${move}: deployment ${id} did not finish within ${minutes(spec.timeoutMinutes * 60_000)} ` +
            `(cellular:rollout.deploymentTimeoutMinutes); it was stopped and rolled back, the alias serves version ${now.version}; ` +
            "later waves were not touched. Find why it hung (a pre-traffic hook that never reported?), then run pulumi up again");
    }
    if (ended.status === "Succeeded") return { version: spec.targetVersion, deploymentId: id, previousVersion: current.version };

    const error = ended.info.errorInformation as { code?: string; message?: string } | undefined;
    const rollback = ended.info.rollbackInfo as { rollbackDeploymentId?: string } | undefined;
    const firing = await alarmsInAlarm(clients.cloudwatch, spec.alarmNames);
    const now = await aliasVersion(clients, spec);
    throw new RolloutError(`${move}: deployment ${id} ${ended.status === "Stopped" ? "was stopped" : "failed"}` +
        `${error?.code ? ` (${error.code}: ${error.message ?? ""})` : ""}` +
        `${firing.length ? `; in alarm: ${describeAlarms(firing)}` : ""}` +
        `${rollback?.rollbackDeploymentId ? `; rolled back by deployment ${rollback.rollbackDeploymentId}` : ""}` +
        `; the alias serves version ${now.version} and later waves were not touched. Fix the cause, then run pulumi up again`);
}
