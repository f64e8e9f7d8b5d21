import { strict as assert } from "assert";
import { Cell, TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, compareConfig, run } from "../fixtures/policies/harness";

const BUDGET = "reserved-concurrency-budget";

describe("reserved-concurrency-budget", () => {
    for (const mode of MODES) {
        it(`rejects reservations above the account's limit minus 100, on the stack (${mode})`, async () => {
            const outcome = await run(() => {
                lambda("a", { args: { reservedConcurrentExecutions: 500 } });
                lambda("b", { args: { reservedConcurrentExecutions: 401 } });
                lambda("c", { args: { reservedConcurrentExecutions: -1 } });
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${BUDGET} policy-test-dev: The functions of this stack reserve 901 concurrent executions in total, more than the 900 ` +
                "that an account limit of 1000 leaves (AWS keeps 100 unreserved, and the deploy fails); lower reservedConcurrentExecutions, or raise " +
                "accountConcurrencyLimit once the account's quota is raised",
            ]);
            assert.equal(outcome.diagnostics[0]!.resourceType, "pulumi:pulumi:Stack");
        });
    }

    it("accepts exactly the account's limit minus 100", async () => {
        const outcome = await run(() => {
            lambda("a", { args: { reservedConcurrentExecutions: 500 } });
            lambda("b", { args: { reservedConcurrentExecutions: 400 } });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    it("rejects a function of a cell without reserved concurrency (unset or -1); 0 is set", async () => {
        const outcome = await run(() => {
            const cell = new Cell("cell-a", "cell-a");
            const tags = { ...TAGS, cell: "cell-a" };
            lambda("unset", { args: { tags }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("minus-one", { args: { tags, reservedConcurrentExecutions: -1 }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("stopped", { args: { tags, reservedConcurrentExecutions: 0 }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("shared");
        });
        const unbounded = (name: string) => `mandatory ${BUDGET} ${name}-function: aws.lambda.Function "${name}-function" (${name}) in cell cell-a ` +
            "has no reserved concurrency, so it can take the whole account's concurrency and the cell's blast radius is unbounded; set reservedConcurrentExecutions";
        assert.deepEqual(outcome.of(BUDGET), [unbounded("minus-one"), unbounded("unset")]);
    });

    it("accountConcurrencyLimit, changed in the policy pack config, changes the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => {
            lambda("a", { args: { reservedConcurrentExecutions: 901 } });
        }, { [BUDGET]: { accountConcurrencyLimit: 2000 } }, BUDGET);
        assert.equal(defaults.length, 1);
        assert.deepEqual(configured, []);
    });
});
