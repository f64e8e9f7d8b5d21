/**
 * `WaveGate`, a resource of a Pulumi dynamic provider between wave k and wave k+1: every resource of wave k+1 depends
 * on it, and it on wave k's deployments. In `pulumi up`, when any of them moved an alias, it bakes and checks the wave
 * (components/rollout/run-gate.ts) and fails the update when the wave is not healthy, so wave k+1 is not touched.
 * When nothing moved (a first deployment, a change of other settings) it passes at once. In preview it only diffs.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsClients } from "./aws-clients";
import { SYSTEM_CLOCK } from "./clients";
import { changedInputs } from "./inputs-diff";
import { GateOutcome, GateSpec, runGate } from "./run-gate";

export interface GateInputs extends GateSpec {
    region: string;
    /** The deployment ids of wave k's cells in this update ("" for a cell whose alias did not move). */
    deployments: string[];
}

export interface GateState extends GateInputs, GateOutcome {
    /** False when nothing of the wave moved and the gate let it through without a bake. */
    baked: boolean;
}

export const GATE_INPUTS: readonly (keyof GateInputs)[] = ["wave", "bakeMinutes", "minRequests", "alarmNames", "routerAlarmNames", "cells", "pollSeconds", "region", "deployments"];

async function pass(inputs: GateInputs): Promise<GateState> {
    if (!inputs.deployments.some(id => id !== "")) return { ...inputs, baked: false, from: "", to: "", requests: {} };
    return { ...inputs, baked: true, ...await runGate(awsClients(inputs.region), SYSTEM_CLOCK, inputs) };
}

export const gateProvider: pulumi.dynamic.ResourceProvider<GateInputs, GateState> = {
    async diff(_id, olds, news) {
        const changed = changedInputs(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, GATE_INPUTS);
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        return { id: `wave-${inputs.wave}-gate`, outs: await pass(inputs) };
    },
    async update(_id, _olds, news) {
        return { outs: await pass(news) };
    },
    async delete() {},
};

export type WaveGateArgs = { [K in keyof Omit<GateInputs, "deployments">]: pulumi.Input<GateInputs[K]> } & { deployments: pulumi.Input<pulumi.Input<string>[]> };

export class WaveGate extends pulumi.dynamic.Resource {
    declare readonly baked: pulumi.Output<boolean>;
    declare readonly requests: pulumi.Output<Record<string, number>>;

    constructor(name: string, args: WaveGateArgs, opts: pulumi.CustomResourceOptions = {}) {
        super(gateProvider, name, { ...args, baked: undefined, from: undefined, to: undefined, requests: undefined }, opts);
    }
}
