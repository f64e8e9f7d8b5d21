/** The real SDK v3 clients of the rollout's deploy-time steps, in the stack's region (credentials: the SDK's default chain). */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { RolloutClients } from "./clients";

export function awsClients(region: string): RolloutClients {
    return { codedeploy: new CodeDeployClient({ region }), lambda: new LambdaClient({ region }), cloudwatch: new CloudWatchClient({ region }) };
}
