/**
 * Before anything is registered: reads what the last deployment recorded of the resources that hold data (SSM
 * parameters under `/<project>/<stack>/data`, see components/data-shape.ts) and refuses a configuration that would
 * delete one of them. Runs in `pulumi preview` too, so a pull request shows the refusal (index.ts reports it with the
 * other account checks, before anything is registered).
 */
import * as aws from "@pulumi/aws";
import type { StackSettings } from "./config/stack-settings";
import { dataLossProblems, decodeDeployed } from "./data-shape";

/** Each deletion of data this configuration would make, and each stale acceptance. */
export async function dataGuardProblems(settings: StackSettings): Promise<string[]> {
    const path = settings.names.dataPath();
    const [parameters, identity] = await Promise.all([
        aws.ssm.getParametersByPath({ path, recursive: false, withDecryption: false }),
        aws.getCallerIdentity({}),
    ]);
    const recorded = Object.fromEntries(parameters.names.map((name, i) => [name, parameters.values[i] ?? ""]));
    const { held, problems } = decodeDeployed(recorded, path);
    return [...problems, ...dataLossProblems(held, settings, identity.accountId)];
}
