/**
 * lambda-memory-right-sized: memory is paid for by the GB-second, and above one vCPU (1,769 MB) a single-threaded
 * Node.js handler gets nothing for it; a function that needs more says why in a tag. Provisioned concurrency
 * above the function's reserved concurrency is rejected by AWS at deploy time: caught here at preview.
 */
import { Policies, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf, integer, text } from "./lib/config-schema";
import { AWS_DEFAULTS, JUSTIFICATION_TAG, SINGLE_VCPU_MEMORY_MB } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { reservedOf } from "./lib/lambda";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, effectiveTags, num, read, str } from "./lib/values";

export interface MemoryConfig {
    /** The most memory, in MB, of a function without a justification. */
    maxMemoryMb: number;
    /** The tag that justifies more memory; it must not be empty. */
    justificationTag: string;
}

export const MEMORY_DEFAULTS: MemoryConfig = { maxMemoryMb: SINGLE_VCPU_MEMORY_MB, justificationTag: JUSTIFICATION_TAG };

const NAME = "lambda-memory-right-sized";

export const lambdaMemoryRightSized: StackValidationPolicy = {
    name: NAME,
    description: "A Lambda function's memory stays within one vCPU unless a tag justifies more, and provisioned concurrency stays within reserved concurrency.",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: {
        properties: {
            maxMemoryMb: integer("The most memory, in MB, of a function without a justification tag (1769 MB is one full vCPU).",
                MEMORY_DEFAULTS.maxMemoryMb, 128),
            justificationTag: text("The tag whose non-empty value justifies more memory.", MEMORY_DEFAULTS.justificationTag),
        },
    },
    validateStack: (args, report) => {
        const { maxMemoryMb, justificationTag } = configOf(args, MEMORY_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);

        for (const fn of graph.ofType(AWS.function)) {
            reporter.guard(subject(fn), () => {
                const memory = num(read(fn.props, "memorySize")) ?? AWS_DEFAULTS.lambdaMemoryMb;
                if (memory === UNKNOWN) {
                    reporter.undecided(subject(fn), "its memorySize can't be known during preview");
                    return;
                }
                if (memory <= maxMemoryMb) return;
                const justification = effectiveTags(fn.props, fn.provider?.props).get(justificationTag);
                if (justification === UNKNOWN) {
                    reporter.undecided(subject(fn), `its ${justificationTag} tag can't be known during preview`);
                    return;
                }
                if (typeof justification === "string" && justification.trim() !== "") return;
                const limit = maxMemoryMb === SINGLE_VCPU_MEMORY_MB
                    ? `${maxMemoryMb} MB (one full vCPU; a single-threaded Node.js handler cannot use a second one)`
                    : `maxMemoryMb (${maxMemoryMb} MB)`;
                reporter.violation(fn, `${describe(subject(fn))} has ${memory} MB of memory, more than ${limit}, and no ${justificationTag} ` +
                    `tag saying why; lower memorySize to ${maxMemoryMb} or less, or tag it ${justificationTag} with the reason`);
            });
        }

        // Provisioned concurrency, summed over the function's aliases and versions, within its reserved concurrency.
        const byFunction = new Map<string, { fn: PolicyResource; configs: Array<{ config: PolicyResource; count: number; qualifier?: string }> }>();
        for (const config of graph.ofType(AWS.provisionedConcurrency)) {
            const count = num(read(config.props, "provisionedConcurrentExecutions"));
            if (count === UNKNOWN) {
                reporter.undecided(subject(config), "its provisionedConcurrentExecutions can't be known during preview");
                continue;
            }
            if (count === undefined) continue;
            const targets = graph.functions(config, "functionName");
            if (!targets.decided) reporter.undecided(subject(config), "its functionName can't be known during preview and depends on no function of this stack");
            const qualifier = str(read(config.props, "qualifier"));
            for (const { fn } of targets.targets) {
                const entry = byFunction.get(fn.urn) ?? { fn, configs: [] };
                entry.configs.push({ config, count, ...(typeof qualifier === "string" ? { qualifier } : {}) });
                byFunction.set(fn.urn, entry);
            }
        }
        for (const { fn, configs } of byFunction.values()) {
            const reserved = reservedOf(fn);
            if (reserved === undefined) continue;
            if (reserved === UNKNOWN) {
                reporter.undecided(subject(fn), "its reservedConcurrentExecutions can't be known during preview");
                continue;
            }
            const total = configs.reduce((sum, c) => sum + c.count, 0);
            if (total <= reserved) continue;
            for (const { config, count, qualifier } of configs) {
                const others = configs.length > 1 ? `; with the function's other provisioned concurrency that makes ${total}` : "";
                reporter.violation(config, `${describe(subject(config))} provisions ${count} concurrent executions` +
                    `${qualifier ? ` on ${qualifier}` : ""} of ${describe(subject(fn))}${others}, more than its reserved concurrency of ` +
                    `${reserved}, which AWS rejects; lower provisionedConcurrentExecutions to at most ${reserved}, or raise reservedConcurrentExecutions`);
            }
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [lambdaMemoryRightSized];
