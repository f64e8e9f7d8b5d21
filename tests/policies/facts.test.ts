import { strict as assert } from "assert";
import { DEFAULTS, LIMITS, loadSettings, REQUIRED_TAGS as PROGRAM_REQUIRED_TAGS, SHARED_CELL_TAG } from "../../components/config";
import { VISIBILITY_MULTIPLIER as PROGRAM_VISIBILITY_MULTIPLIER } from "../../components/queues";
import { cellTags, sharedTags, withJustification } from "../../components/tags";
import { CELL_ID_OUTPUT, CELL_TYPE as PROGRAM_CELL_TYPE } from "../../components/type-tokens";
import { DATA_ACCESS_TAG, SYSTEM_DATA_ACCESS } from "../../components/cell";
import { CELL_DIMENSION } from "../../handlers/lib/router-metrics";
import * as facts from "../../policies/lib/facts";
import { STACK_SETTINGS } from "../../components/config/stack-settings";
import { stackConfig } from "../fixtures/stack";
import { ALB_LIMITS } from "../../components/event-sources/alb";

/** The pack repeats the program's facts on purpose (it imports nothing from the program): both sides agree. */
describe("facts the policy pack shares with the program", () => {
    it("names the cell component's type token as the program registers it", () => {
        assert.equal(facts.CELL_TYPE, PROGRAM_CELL_TYPE);
        assert.equal(facts.CELL_ID_OUTPUT, CELL_ID_OUTPUT);
    });

    it("requires the tags the program puts on every resource, with the program's shared cell value", () => {
        assert.deepEqual(facts.REQUIRED_TAGS, PROGRAM_REQUIRED_TAGS);
        assert.equal(facts.SHARED_CELL_VALUE, SHARED_CELL_TAG);
        const config = loadSettings(stackConfig("dev"), { project: "cellular", stack: "dev" });
        assert.deepEqual(Object.keys(cellTags(config, "cell-a")).sort(), [...facts.REQUIRED_TAGS].sort());
        assert.equal(cellTags(config, "cell-a")[facts.CELL_TAG], "cell-a");
        assert.equal(sharedTags(config)[facts.CELL_TAG], facts.SHARED_CELL_VALUE);
    });

    it("names the cell in the router's per-cell metrics with the router's dimension", () => {
        assert.equal(facts.CELL_METRIC_DIMENSION, CELL_DIMENSION);
    });

    it("exempts the roles the program tags as working on many tenants' records, with the program's tag", () => {
        assert.equal(facts.DATA_ACCESS_TAG, DATA_ACCESS_TAG);
        assert.equal(facts.SYSTEM_DATA_ACCESS, SYSTEM_DATA_ACCESS);
    });

    it("accepts the justification tag the program sets for memory above one vCPU", () => {
        assert.deepEqual(Object.keys(withJustification({}, "why")), [facts.JUSTIFICATION_TAG]);
    });

    it("uses the program's limits as its defaults", () => {
        assert.equal(facts.SINGLE_VCPU_MEMORY_MB, LIMITS.singleVcpuMemoryMb);
        assert.equal(facts.MAX_SYNC_TIMEOUT_SECONDS, LIMITS.synchronousTimeoutSeconds);
        assert.equal(facts.MIN_MAX_RECEIVE_COUNT, LIMITS.maxReceiveCount.min);
        assert.equal(facts.UNRESERVED_MINIMUM, LIMITS.unreservedMinimum);
        assert.equal(facts.ACCOUNT_CONCURRENCY_LIMIT, DEFAULTS.accountConcurrencyLimit);
        assert.equal(facts.VISIBILITY_MULTIPLIER, PROGRAM_VISIBILITY_MULTIPLIER);
        assert.equal(facts.AWS_DEFAULTS.streamMaxRetryAttempts, LIMITS.streamRetryAttempts.max);
        assert.equal(facts.ALB_DEFAULT_IDLE_TIMEOUT_SECONDS, ALB_LIMITS.idleTimeoutSeconds.default);
    });

    it("reads the account's concurrency limit from the stack setting the program reads", () => {
        assert.equal(facts.ACCOUNT_CONCURRENCY_KEY, "cellular:accountConcurrencyLimit");
        assert.ok("accountConcurrencyLimit" in STACK_SETTINGS.fields);
        assert.equal(facts.ACCOUNT_CONCURRENCY_KEY, `cellular:${"accountConcurrencyLimit" satisfies keyof typeof STACK_SETTINGS.fields}`);
    });
});
