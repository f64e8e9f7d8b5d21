/**
 * Every policy of the pack, in the order the contract lists them. Importable without starting a server
 * (constructing a PolicyPack does), so index.ts is the only module with a side effect.
 */
import { Policies } from "@pulumi/policy";
import { asyncLambdaDlq } from "./async";
import { reservedConcurrencyBudget } from "./concurrency";
import { eventSourceFailureHandling, sqsVisibilityTimeout } from "./event-sources";
import { lambdaLeastPrivilege } from "./iam";
import { lambdaMemoryRightSized } from "./memory";
import { lambdaLogRetention, lambdaTracingActive } from "./observability";
import { lambdaPermissionSourceArn } from "./permissions";
import { noSecretsInEnvironment } from "./secrets";
import { cellCostTags } from "./tags";
import { apigatewayLambdaTimeout } from "./timeouts";

export const policies: Policies = [
    lambdaLeastPrivilege,
    apigatewayLambdaTimeout,
    asyncLambdaDlq,
    eventSourceFailureHandling,
    sqsVisibilityTimeout,
    lambdaMemoryRightSized,
    cellCostTags,
    lambdaPermissionSourceArn,
    noSecretsInEnvironment,
    reservedConcurrencyBudget,
    lambdaTracingActive,
    lambdaLogRetention,
];
