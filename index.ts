/**
 * cellular: a cell-based serverless architecture on AWS. The stack's settings are read and validated in full
 * before any resource is registered (components/config/), and so are what they would delete of the data the last
 * deployment holds (components/data-guard.ts) and what they reserve against the account's real Lambda concurrency
 * (components/account-limits.ts); the components do the rest.
 */
import * as pulumi from "@pulumi/pulumi";
import { createCellular } from "./components/cellular";
import { accountLimitProblems } from "./components/account-limits";
import { ConfigError, isConfigError, loadSettings, StackSettings } from "./components/config";
import { dataGuardProblems } from "./components/data-guard";

async function readSettings(): Promise<StackSettings> {
    try {
        const settings = loadSettings(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
        // What the account holds: the data the last deployment left, and the concurrency it can reserve.
        const problems = (await Promise.all([dataGuardProblems(settings), accountLimitProblems(settings)])).flat();
        if (problems.length > 0) throw new ConfigError(problems);
        return settings;
    } catch (err) {
        // A RunError is shown without a stack trace: the message lists every problem.
        if (isConfigError(err)) throw new pulumi.RunError(err.message);
        throw err;
    }
}

export = async () => {
    const settings = await readSettings();
    const app = await createCellular(settings);
    return {
        /** Where clients send requests: `<url>/customers/{customerId}/items`. */
        url: app.router.url,
        routerMode: settings.router.mode,
        /** Who may call it: tokens from this issuer (with cognito: true, the stack's own user pool and app client). */
        auth: {
            issuer: app.identity.verification.issuer,
            tenantClaim: settings.auth.tenantClaim,
            ...(app.identity.userPool ? { userPoolId: app.identity.userPool.id, clientId: app.identity.client!.id } : {}),
        },
        cells: app.cells.map(c => ({ id: c.cellId, wave: c.settings.wave, state: c.settings.state, table: c.tableName, function: c.invokeName })),
        reservedConcurrency: settings.reservedConcurrencyTotal,
        /** The live routing map's table, and the policy document for the role that runs `npm run cells`. */
        control: { table: app.controlPlane.tableName, operatorPolicy: app.controlPlane.operatorPolicy },
    };
};
