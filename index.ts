/**
 * cellular: a cell-based serverless architecture on AWS. The stack's settings are read and validated in full
 * before any resource is registered (components/config.ts); the components do the rest.
 */
import * as pulumi from "@pulumi/pulumi";
import { createCellular } from "./components/cellular";
import { isConfigError, loadConfig } from "./components/config";

function readConfig() {
    try {
        return loadConfig(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
    } catch (err) {
        // A RunError is shown without a stack trace: the message lists every problem.
        if (isConfigError(err)) throw new pulumi.RunError(err.message);
        throw err;
    }
}

export = async () => {
    const config = readConfig();
    const app = await createCellular(config);
    return {
        /** Where clients send requests: `<url>/customers/{customerId}/items`. */
        url: app.router.url,
        routerMode: config.router.mode,
        cells: app.cells.map(c => ({ id: c.cellId, wave: c.cell.wave, state: c.cell.state, table: c.tableName, function: c.invokeName })),
        reservedConcurrency: config.reservedConcurrencyTotal,
    };
};
