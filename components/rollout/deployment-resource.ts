/**
 * `CellDeployment`, a resource of a Pulumi dynamic provider: in `pulumi up`, when the version Pulumi published for a
 * cell's API function changes, it runs the cell's CodeDeploy deployment to the end (components/rollout/run-deployment.ts)
 * and fails the update when it did not succeed, so nothing that depends on it (the next wave's gate) goes on. In
 * `pulumi preview` only its diff runs: it shows, and does nothing.
 *
 * The provider object is serialized by Pulumi into the stack's state, and runs in the engine's Node.js provider host;
 * it captures only this module's imports, and creates its SDK clients when it runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsClients } from "./aws-clients";
import { SYSTEM_CLOCK } from "./clients";
import { changedInputs } from "./inputs-diff";
import { DeploymentOutcome, DeploymentSpec, runDeployment } from "./run-deployment";

export interface DeploymentInputs extends DeploymentSpec {
    region: string;
}

/** The inputs that, changed, make a run (all of them: a new alarm or timeout takes effect with the next version). */
export const DEPLOYMENT_INPUTS: readonly (keyof DeploymentInputs)[] = [
    "cellId", "applicationName", "deploymentGroupName", "functionName", "alias", "targetVersion", "alarmNames",
    "timeoutMinutes", "pollSeconds", "beforeAllowTraffic", "region",
];

async function deploy(inputs: DeploymentInputs): Promise<DeploymentInputs & DeploymentOutcome> {
    const outcome = await runDeployment(awsClients(inputs.region), SYSTEM_CLOCK, inputs);
    return { ...inputs, ...outcome };
}

export const deploymentProvider: pulumi.dynamic.ResourceProvider<DeploymentInputs, DeploymentInputs & DeploymentOutcome> = {
    async diff(_id, olds, news) {
        const changed = changedInputs(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, DEPLOYMENT_INPUTS);
        // Another function or group is another resource; anything else is a run of this one.
        const replaces = changed.filter(k => k === "functionName" || k === "alias" || k === "deploymentGroupName");
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs) {
        return { id: `${inputs.functionName}:${inputs.alias}`, outs: await deploy(inputs) };
    },
    async update(_id, _olds, news) {
        return { outs: await deploy(news) };
    },
    // Nothing to undo: the alias and the group go with their own resources.
    async delete() {},
};

export type CellDeploymentArgs = { [K in keyof DeploymentInputs]-?: pulumi.Input<Exclude<DeploymentInputs[K], undefined>> };

export class CellDeployment extends pulumi.dynamic.Resource {
    /** The version the alias serves after the run. */
    declare readonly version: pulumi.Output<string>;
    /** The deployment that moved it ("" when nothing moved). */
    declare readonly deploymentId: pulumi.Output<string>;
    declare readonly previousVersion: pulumi.Output<string>;

    constructor(name: string, args: Omit<CellDeploymentArgs, "beforeAllowTraffic"> & { beforeAllowTraffic?: pulumi.Input<string> }, opts: pulumi.CustomResourceOptions = {}) {
        super(deploymentProvider, name, { ...args, version: undefined, deploymentId: undefined, previousVersion: undefined }, opts);
    }
}
