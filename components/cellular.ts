/**
 * The whole stack: the cells, rolled out in waves (the canary wave 0 first), and the router in front of them.
 *
 * Waves: every resource of a wave-k cell depends on the gate of wave k (components/rollout/gate-resource.ts), which
 * depends on every resource of the wave-(k-1) cells and on their CodeDeploy deployments. One `pulumi up` therefore
 * changes the canary first, shifts its traffic gradually, bakes it with its alarms watched, and moves on only when it
 * stayed healthy and served traffic; the gate costs one edge per resource, not one per pair of cells.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarmActions } from "./alarm-topic";
import { AwsContext } from "./arns";
import { parseOwnershipTable } from "../handlers/lib/ownership";
import { Cell } from "./cell";
import { CELL_ALARMS } from "./cell-inventory";
import { predefinedConfig, trafficRouting } from "./rollout/strategies";
import { WaveGate } from "./rollout/gate-resource";
import type { StackSettings } from "./config/stack-settings";
import { Identity } from "./identity";
import { CellRouter } from "./router";
import { ControlPlane } from "./control-plane";
import { sharedTags } from "./tags";

export interface Cellular {
    cells: Cell[];
    router: CellRouter;
    identity: Identity;
    /** The control table (live routing map, moves) and the operators' policy. */
    controlPlane: ControlPlane;
    /** One gate per wave after the first, in wave order. */
    gates: WaveGate[];
    /** The CodeDeploy application every cell's deployment group is in. */
    application: aws.codedeploy.Application;
}

/** How often a gate looks at the alarms while its wave bakes. */
export const GATE_POLL_SECONDS = 60;

/** The stack's CodeDeploy application, and the deployment config its strategy names (its own one for `custom`). */
function createCodeDeploy(settings: StackSettings): { application: aws.codedeploy.Application; deploymentConfigName: pulumi.Input<string> } {
    const application = new aws.codedeploy.Application("codedeploy", {
        name: settings.names.codedeployApplication(),
        computePlatform: "Lambda",
        tags: sharedTags(settings),
    });
    const predefined = predefinedConfig(settings.rollout.strategy);
    if (predefined !== undefined) return { application, deploymentConfigName: predefined };
    const config = new aws.codedeploy.DeploymentConfig("codedeploy-custom", {
        deploymentConfigName: settings.names.deploymentConfig(),
        computePlatform: "Lambda",
        trafficRoutingConfig: trafficRouting(settings.rollout.custom),
    });
    return { application, deploymentConfigName: config.deploymentConfigName };
}

/** The gate of `wave`: it watches the cells of the wave before it. */
function createGate(settings: StackSettings, wave: number, previous: Cell[]): WaveGate {
    const { names, rollout } = settings;
    return new WaveGate(`wave-${wave}-gate`, {
        wave,
        region: settings.region,
        bakeMinutes: rollout.bakeMinutes,
        minRequests: rollout.minRequests,
        alarmNames: previous.flatMap(c => CELL_ALARMS.map(what => names.alarm(c.cellId, what))),
        routerAlarmNames: settings.router.mode === "invoke" ? previous.map(c => names.breakerAlarm(c.cellId)) : [],
        cells: previous.map(c => ({ cellId: c.cellId, functionName: c.api.functionName })),
        pollSeconds: GATE_POLL_SECONDS,
        deployments: previous.map(c => c.rollout.deployment.deploymentId),
    }, { dependsOn: previous });
}

/**
 * The account, region and partition; the invokes resolve during `pulumi preview`, so ARNs built from them are
 * known at pull-request time.
 */
export function awsContext(): pulumi.Output<AwsContext> {
    const identity = aws.getCallerIdentityOutput();
    const region = aws.getRegionOutput();
    const partition = aws.getPartitionOutput();
    return pulumi.all([identity.accountId, region.region, partition.partition])
        .apply(([accountId, regionName, partitionName]) => ({ accountId, region: regionName, partition: partitionName }));
}

/** Lets the registrations of what was just created go ahead before more is created (see createCellular). */
function nextTurn(): Promise<void> {
    return new Promise(resolve => setImmediate(resolve));
}

/**
 * Creates the cells one at a time, yielding to the event loop after each, so that each cell's registrations go
 * ahead before the next cell is built: what is in flight stays one cell's worth at any cell count (under the
 * engine, registrations are network calls and this only interleaves them).
 */
export async function createCellular(settings: StackSettings, context: pulumi.Output<AwsContext> = awsContext()): Promise<Cellular> {
    const cells: Cell[] = [];
    const gates: WaveGate[] = [];
    const codedeploy = createCodeDeploy(settings);
    const identity = new Identity("identity", { settings, context });
    const controlPlane = new ControlPlane("control", { settings, context });
    const alarmActions = createAlarmActions(settings);
    const verification = identity.verification;
    // Which cell owns which customer, as every cell checks it: the router's inputs without its function names.
    // Standby cells are not part of the hash: they own only the customers pinned (or moved, handlers/lib/placement.ts) to them.
    const standby = settings.cells.filter(c => c.state === "standby").map(c => c.id);
    const ownership = JSON.stringify(parseOwnershipTable({
        version: 1, cells: settings.cells.filter(c => c.state !== "standby").map(c => c.id), ...(standby.length > 0 ? { standby } : {}), pinned: settings.router.pinned,
    }));
    const waves = [...new Set(settings.cells.map(c => c.wave))].sort((a, b) => a - b);
    let previous: Cell[] = [];
    for (const wave of waves) {
        let after: pulumi.Resource[] = [];
        if (previous.length > 0) {
            const gate = createGate(settings, wave, previous);
            gates.push(gate);
            after = [gate];
        }
        const current: Cell[] = [];
        for (const cell of settings.cells.filter(c => c.wave === wave)) {
            current.push(new Cell(cell.id, { settings: cell, stack: settings, context, verification, ownership, alarmActions, after, codedeploy }));
            await nextTurn();
        }
        cells.push(...current);
        previous = current;
    }
    // The routing order is the configured order, whatever the waves.
    cells.sort((a, b) => a.settings.index - b.settings.index);
    const router = new CellRouter("router", { settings, cells, context, verification, alarmActions });
    return { cells, router, identity, controlPlane, gates, application: codedeploy.application };
}

