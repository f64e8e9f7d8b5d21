import { strict as assert } from "assert";
import { Cell, TAGS, lambda } from "../fixtures/policies/builders";
import { accountLimit } from "../../policies/concurrency";
import { PolicyPack } from "../../tools/lib/analyzer";
import { capture } from "../../tools/lib/capture";
import { MODES, compareConfig, line, run } from "../fixtures/policies/harness";

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
                "that an account limit of 1000 (AWS's default) leaves (AWS keeps 100 unreserved, and the deploy fails); lower reservedConcurrentExecutions, or raise " +
                "cellular:accountConcurrencyLimit once the account's quota is raised",
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

    describe("the account's limit: the policy's config, else the stack's cellular:accountConcurrencyLimit, else AWS's default", () => {
        it("takes it from where it is stated, the policy's config first", () => {
            const env = (value?: string) => ({ PULUMI_CONFIG: JSON.stringify({ "aws:region": "us-east-1", ...(value ? { "cellular:accountConcurrencyLimit": value } : {}) }) });
            assert.deepEqual(accountLimit({}, env("20000")), { limit: 20000, from: "the stack's cellular:accountConcurrencyLimit" });
            assert.deepEqual(accountLimit({ accountConcurrencyLimit: 3000 }, env("20000")), { limit: 3000, from: "the policy's accountConcurrencyLimit" });
            assert.deepEqual(accountLimit({}, env()), { limit: 1000, from: "AWS's default" });
            assert.deepEqual(accountLimit({}, {}), { limit: 1000, from: "AWS's default" });
            // Not a number the program would accept: the program's own validation reports it; the policy uses AWS's default.
            assert.deepEqual(accountLimit({}, env("lots")), { limit: 1000, from: "AWS's default" });
        });

        it("reads the stack's config the CLI hands the pack: a stack that states 20000 may reserve 1500, without a policy config", async function () {
            this.timeout(120_000);
            const stackConfig = { "aws:region": "us-east-1", "cellular:accountConcurrencyLimit": "20000" };
            const pack = await PolicyPack.start({ project: "policy-test", stack: "dev", dryRun: true, config: stackConfig });
            try {
                const captured = await capture(() => {
                    lambda("a", { args: { reservedConcurrentExecutions: 1500 } });
                }, { project: "policy-test", stack: "dev", preview: true, config: stackConfig });
                const stated = await pack.analyze(captured, pack.reconcile({}, "no config"));
                assert.deepEqual(stated.diagnostics.filter(d => d.policyName === BUDGET).map(line), []);
                const overridden = await pack.analyze(captured, pack.reconcile({ [BUDGET]: { accountConcurrencyLimit: 1000 } }, "the test's config"));
                assert.deepEqual(overridden.diagnostics.filter(d => d.policyName === BUDGET).map(line), [
                    `mandatory ${BUDGET} policy-test-dev: The functions of this stack reserve 1500 concurrent executions in total, more than the 900 ` +
                    "that an account limit of 1000 (the policy's accountConcurrencyLimit) leaves (AWS keeps 100 unreserved, and the deploy fails); " +
                    "lower reservedConcurrentExecutions, or raise cellular:accountConcurrencyLimit once the account's quota is raised",
                ]);
            } finally {
                await pack.close();
            }
        });
    });
});
