import { strict as assert } from "assert";
import { ProgramError, runStack, stackConfig } from "../fixtures/stack";

const QUOTA = "lambda/L-B99A9384";

async function refusal(stack: string, quota: number): Promise<ProgramError> {
    try {
        await runStack(stack, { account: { serviceQuotas: { [QUOTA]: quota } } });
    } catch (err) {
        assert.ok(err instanceof ProgramError, String(err));
        return err;
    }
    assert.fail("the program ran");
}

describe("the account's real Lambda concurrency (components/account-limits.ts)", () => {
    it("lets a stack whose reservations fit the account's quota deploy", async () => {
        // dev reserves 95: it fits a quota of 195 (100 stay unreserved).
        await runStack("dev", { account: { serviceQuotas: { [QUOTA]: 195 } } });
    });

    it("refuses, before anything is registered, a stack a new account (quota 10) cannot hold, whatever the config claims", async () => {
        const err = await refusal("dev", 10);
        assert.equal(err.message, "invalid stack configuration (1 problem):\n" +
            "  - the stack reserves 95 concurrent executions, but the account's Lambda concurrency quota in us-east-1 is 10 " +
            "(Service Quotas L-B99A9384), which leaves none after the 100 AWS keeps unreserved (cellular:accountConcurrencyLimit says 1000); " +
            "request a quota increase for the region, or lower the reservations");
        // The invokes register the default provider, as the engine does; no resource of the program.
        assert.deepEqual(err.resources.map(r => r.type).sort(), ["pulumi:providers:aws", "pulumi:pulumi:Stack"]);
    });

    it("refuses one execution too many", async () => {
        const err = await refusal("dev", 194);
        assert.match(err.message, /the stack reserves 95 concurrent executions, but the account's Lambda concurrency quota in us-east-1 is 194/);
        assert.equal(stackConfig("dev")["cellular:accountConcurrencyLimit"], "1000");
    });
});
