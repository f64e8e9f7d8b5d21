/**
 * Before anything is registered: reads what the last deployment recorded of the resources that hold data (SSM
 * parameters under `/<project>/<stack>/data`, see components/data-shape.ts) and refuses a configuration that would
 * delete one of them. Runs in `pulumi preview` too, so a pull request shows the refusal.
 */
import * as aws from "@pulumi/aws";
import { ConfigError } from "./config/problems";
import type { StackSettings } from "./config/stack-settings";
import { dataLossProblems, decodeDeployed } from "./data-shape";

/** @throws ConfigError listing each deletion of data this configuration would make, and each stale acceptance. */
export async function refuseDataLoss(settings: StackSettings): Promise<void> {
    const path = settings.names.dataPath();
    const [parameters, identity] = await Promise.all([
        aws.ssm.getParametersByPath({ path, recursive: false, withDecryption: false }),
        aws.getCallerIdentity({}),
    ]);
    const recorded = Object.fromEntries(parameters.names.map((name, i) => [name, parameters.values[i] ?? ""]));
    const { held, problems } = decodeDeployed(recorded, path);
    problems.push(...dataLossProblems(held, settings, identity.accountId));
    if (problems.length > 0) throw new ConfigError(problems);
}
