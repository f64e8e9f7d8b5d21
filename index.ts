/**
 * cellular: a cell-based serverless architecture on AWS. The stack's settings are read and validated in full
 * before any resource is registered (components/config/); the components do the rest.
 */
import * as pulumi from "@pulumi/pulumi";
import { createCellular } from "./components/cellular";
import { isConfigError, loadSettings } from "./components/config";

function readSettings() {
    try {
        return loadSettings(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
    } catch (err) {
        // A RunError is shown without a stack trace: the message lists every problem.
        if (isConfigError(err)) throw new pulumi.RunError(err.message);
        throw err;
    }
}

export = async () => {
    const settings = readSettings();
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
    };
};
