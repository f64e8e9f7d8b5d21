import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import { TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, compareConfig, run } from "../fixtures/policies/harness";

const MEMORY = "lambda-memory-right-sized";

describe("lambda-memory-right-sized", () => {
    it("rejects 4096 MB without a justification tag, and accepts 1769 MB or a justified 4096 MB", async () => {
        const outcome = await run(() => {
            lambda("big", { args: { memorySize: 4096 } });
            lambda("blank", { args: { memorySize: 2048, tags: { ...TAGS, "memory-justification": " " } } });
            lambda("vcpu", { args: { memorySize: 1769 } });
            lambda("parallel", { args: { memorySize: 4096, tags: { ...TAGS, "memory-justification": "decodes images in 2 worker threads" } } });
        });
        const tooMuch = (name: string, mb: number) => `mandatory ${MEMORY} ${name}-function: aws.lambda.Function "${name}-function" (${name}) ` +
            `has ${mb} MB of memory, more than 1769 MB (one full vCPU; a single-threaded Node.js handler cannot use a second one), and no ` +
            "memory-justification tag saying why; lower memorySize to 1769 or less, or tag it memory-justification with the reason";
        assert.deepEqual(outcome.lines(), [tooMuch("big", 4096), tooMuch("blank", 2048)]);
    });

    it("counts a justification the provider adds through defaultTags", async () => {
        const outcome = await run(() => {
            const provider = new aws.Provider("justified", { region: "us-east-1", defaultTags: { tags: { "memory-justification": "batch image resizing" } } });
            lambda("big", { args: { memorySize: 4096 }, opts: { provider } });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    for (const mode of MODES) {
        it(`rejects provisioned concurrency above the function's reserved concurrency (${mode})`, async () => {
            const outcome = await run(() => {
                for (const [name, reserved] of [["over", 5], ["within", 10], ["unreserved", undefined]] as const) {
                    const { fn } = lambda(name, { args: { publish: true, ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }) } });
                    const alias = new aws.lambda.Alias(`${name}-live`, { name: "live", functionName: fn.name, functionVersion: fn.version });
                    new aws.lambda.ProvisionedConcurrencyConfig(`${name}-provisioned`, {
                        functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: 10,
                    });
                }
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${MEMORY} over-provisioned: aws.lambda.ProvisionedConcurrencyConfig "over-provisioned" provisions 10 concurrent ` +
                "executions on live of aws.lambda.Function \"over-function\" (over), more than its reserved concurrency of 5, which AWS rejects; " +
                "lower provisionedConcurrentExecutions to at most 5, or raise reservedConcurrentExecutions",
            ]);
        });
    }

    it("maxMemoryMb and justificationTag, changed in a config file, change the verdict", async () => {
        const { defaults, configured } = await compareConfig(() => {
            lambda("medium", { args: { memorySize: 2048 } });
            lambda("old-tag", { args: { memorySize: 4096, tags: { ...TAGS, "memory-justification": "image resizing" } } });
            lambda("new-tag", { args: { memorySize: 4096, tags: { ...TAGS, why: "image resizing" } } });
        }, "memory-3008.json", MEMORY);
        assert.deepEqual(defaults.map(l => l.split(":")[0]), [
            "mandatory lambda-memory-right-sized medium-function",
            "mandatory lambda-memory-right-sized new-tag-function",
        ]);
        assert.deepEqual(configured, [
            "mandatory lambda-memory-right-sized old-tag-function: aws.lambda.Function \"old-tag-function\" (old-tag) has 4096 MB of memory, " +
            "more than maxMemoryMb (3008 MB), and no why tag saying why; lower memorySize to 3008 or less, or tag it why with the reason",
        ]);
    });
});
