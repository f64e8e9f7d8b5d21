/**
 * lambda-memory-right-sized: memory is paid for by the GB-second. Where the stack's memory evidence
 * (`memory-evidence/<stack>.json`, AWS Lambda Power Tuning results per function; policies/lib/memory-evidence.ts)
 * measured a function, its memory stays within `tolerancePercent` of the optimum that evidence gives for the chosen
 * strategy (`cost`, `speed` or `balanced`, Power Tuning's own). Without evidence: above one vCPU (1,769 MB) a
 * single-threaded Node.js handler gets nothing for more memory, so a function that has more says why in a tag.
 * Provisioned concurrency above the function's reserved concurrency is rejected by AWS at deploy time: caught here
 * at preview.
 *
 * lambda-memory-evidence-current (advisory): the evidence is younger than `maxEvidenceAgeDays`, and each entry still
 * names a function of the stack. Advisory by default, so that a date passing never fails a deploy that passed the
 * day before; a policy-pack config can make it mandatory.
 *
 * The stack is the one the resources' URNs name (`urn:pulumi:<stack>::...`): the engine sends them with every
 * analysis, whereas the pack's environment (PULUMI_NODEJS_STACK) is fixed when the pack starts.
 */
import { Policies, PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configOf, integer, oneOf, text } from "./lib/config-schema";
import { AWS_DEFAULTS, JUSTIFICATION_TAG, SINGLE_VCPU_MEMORY_MB } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { reservedOf } from "./lib/lambda";
import { EvidenceRead, MemoryEvidence, ageDays, entryMatches, evidenceFor, optimumFor, readMemoryEvidence, shown, stackOfUrn } from "./lib/memory-evidence";
import { DEFAULT_BALANCED_WEIGHT, DEFAULT_STRATEGY, STRATEGIES, Strategy, describeChoice } from "./lib/power-tuning";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, effectiveTags, list, num, physicalName, read, str } from "./lib/values";

/** Where the evidence files are, relative to the pack's working directory (the CLI runs the pack in its own directory). */
export const EVIDENCE_DIR_DEFAULT = "../memory-evidence";

export interface MemoryConfig {
    /** The most memory, in MB, of a function without a justification (and without evidence). */
    maxMemoryMb: number;
    /** The tag that justifies more memory; it must not be empty. */
    justificationTag: string;
    evidenceDir: string;
    /** The strategy whose optimum the memory is held to. */
    strategy: Strategy;
    /** For `balanced`: 0 is speed, 1 is cost (Power Tuning's balancedWeight). */
    balancedWeight: number;
    /** How far, in percent of the optimum, a function's memory may be from it. */
    tolerancePercent: number;
}

export const MEMORY_DEFAULTS: MemoryConfig = {
    maxMemoryMb: SINGLE_VCPU_MEMORY_MB, justificationTag: JUSTIFICATION_TAG,
    evidenceDir: EVIDENCE_DIR_DEFAULT, strategy: DEFAULT_STRATEGY, balancedWeight: DEFAULT_BALANCED_WEIGHT, tolerancePercent: 20,
};

export interface EvidenceAgeConfig {
    evidenceDir: string;
    maxEvidenceAgeDays: number;
}

export const EVIDENCE_AGE_DEFAULTS: EvidenceAgeConfig = { evidenceDir: EVIDENCE_DIR_DEFAULT, maxEvidenceAgeDays: 90 };

const NAME = "lambda-memory-right-sized";
const AGE = "lambda-memory-evidence-current";

const evidenceDirProperty = text("The directory of the memory evidence files (<stack>.json), relative to the policy pack's directory.", EVIDENCE_DIR_DEFAULT);

/** The stack's evidence, as the analysis's resources name the stack; undefined for an empty stack. */
function stackEvidence(args: StackValidationArgs, evidenceDir: string): EvidenceRead | undefined {
    const urn = args.resources[0]?.urn;
    const stack = urn === undefined ? undefined : stackOfUrn(urn);
    return stack === undefined ? undefined : readMemoryEvidence(evidenceDir, stack);
}

function checkEvidence(fn: PolicyResource, memory: number, read: { file: string; evidence: MemoryEvidence }, config: MemoryConfig, reporter: Reporter): boolean {
    const name = physicalName(subject(fn));
    if (name === undefined) return false;
    const found = evidenceFor(read.evidence, name);
    if (found === undefined) return false;
    if ("ambiguous" in found) {
        reporter.violation(fn, `${describe(subject(fn))} matches ${list(found.ambiguous.map(k => JSON.stringify(k)))} in ${shown(read)}, so its evidence is ambiguous; ` +
            "give it an entry of its own name, or narrow the patterns");
        return true;
    }
    const { entry } = found;
    const choice = { strategy: config.strategy, balancedWeight: config.balancedWeight };
    const optimum = optimumFor(entry, choice);
    const source = `its Power Tuning evidence (${shown(read)} ${JSON.stringify(entry.key)}, measured ${entry.measuredAt} at commit ${entry.commit.slice(0, 12)})`;
    if ("unanswerable" in optimum) {
        reporter.violation(fn, `${describe(subject(fn))} cannot be judged by ${source}: ${optimum.unanswerable}`);
        return true;
    }
    const away = Math.abs(memory - optimum.memoryMb) / optimum.memoryMb * 100;
    if (away > config.tolerancePercent) {
        reporter.violation(fn, `${describe(subject(fn))} has ${memory} MB of memory; ${source} finds ${optimum.memoryMb} MB the optimum for the ` +
            `${describeChoice(choice)} strategy, ${Number(away.toFixed(1))}% away, more than tolerancePercent (${config.tolerancePercent}%); ` +
            `set memorySize to ${optimum.memoryMb}, or measure again and commit the new evidence`);
    }
    return true;
}

export const lambdaMemoryRightSized: StackValidationPolicy = {
    name: NAME,
    description: "A Lambda function's memory is near the optimum its Power Tuning evidence measured, or without evidence within one vCPU unless a tag justifies more; provisioned concurrency stays within reserved concurrency.",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: {
        properties: {
            maxMemoryMb: integer("The most memory, in MB, of a function without a justification tag (1769 MB is one full vCPU).",
                MEMORY_DEFAULTS.maxMemoryMb, 128),
            justificationTag: text("The tag whose non-empty value justifies more memory.", MEMORY_DEFAULTS.justificationTag),
            evidenceDir: evidenceDirProperty,
            strategy: oneOf("The Power Tuning strategy whose optimum memory is held to: cost, speed or balanced.", STRATEGIES, MEMORY_DEFAULTS.strategy),
            balancedWeight: { type: "number", minimum: 0, maximum: 1, default: MEMORY_DEFAULTS.balancedWeight,
                description: "For the balanced strategy, Power Tuning's balancedWeight: 0 is speed, 1 is cost." },
            tolerancePercent: integer("How far, in percent of the measured optimum, a function's memory may be from it.", MEMORY_DEFAULTS.tolerancePercent, 0),
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, MEMORY_DEFAULTS);
        const { maxMemoryMb, justificationTag } = config;
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const evidence = stackEvidence(args, config.evidenceDir);
        if (evidence?.found && "problems" in evidence) {
            // A broken file must not switch the evidence off unnoticed; the one-vCPU rule judges meanwhile.
            reporter.violation(graph.stack, `${shown(evidence)} is not valid memory evidence, so no function is judged by it:\n` +
                `${evidence.problems.map(p => `  - ${p}`).join("\n")}\nfix the file (npm run memory-evidence writes valid ones)`);
        }

        for (const fn of graph.ofType(AWS.function)) {
            reporter.guard(subject(fn), () => {
                const memory = num(read(fn.props, "memorySize")) ?? AWS_DEFAULTS.lambdaMemoryMb;
                if (memory === UNKNOWN) {
                    reporter.undecided(subject(fn), "its memorySize can't be known during preview");
                    return;
                }
                if (evidence?.found && "evidence" in evidence && checkEvidence(fn, memory, evidence, config, reporter)) return;
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

export const lambdaMemoryEvidenceCurrent: StackValidationPolicy = {
    name: AGE,
    description: "The stack's memory evidence is recent enough to trust, and each entry names a function of the stack.",
    enforcementLevel: "advisory",
    severity: "low",
    configSchema: {
        properties: {
            evidenceDir: evidenceDirProperty,
            maxEvidenceAgeDays: integer("The most days since a function's Power Tuning evidence was measured.", EVIDENCE_AGE_DEFAULTS.maxEvidenceAgeDays, 1),
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, EVIDENCE_AGE_DEFAULTS);
        const read = stackEvidence(args, config.evidenceDir);
        // No file: nothing to age. An invalid one: lambda-memory-right-sized reports it.
        if (!read?.found || !("evidence" in read)) return;
        const graph = stackGraph(args);
        const reporter = new Reporter(AGE, report, true);
        const names = graph.ofType(AWS.function).map(fn => physicalName(subject(fn))).filter((n): n is string => n !== undefined);
        const now = Date.now();
        for (const entry of read.evidence.functions) {
            const days = ageDays(entry.measuredAt, now);
            const what = `${shown(read)} ${JSON.stringify(entry.key)} (measured ${entry.measuredAt} at commit ${entry.commit.slice(0, 12)})`;
            if (days < 0) {
                reporter.violation(graph.stack, `${what} is dated in the future; correct measuredAt`);
            } else if (days > config.maxEvidenceAgeDays) {
                reporter.violation(graph.stack, `${what} is ${days} days old, more than maxEvidenceAgeDays (${config.maxEvidenceAgeDays}); ` +
                    "the code and its dependencies have changed since: run Power Tuning again and commit the new evidence");
            }
            if (!entryMatches(entry, names)) {
                reporter.violation(graph.stack, `${what} names no function of this stack (renamed?), so it judges nothing; correct the name or remove the entry`);
            }
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [lambdaMemoryRightSized, lambdaMemoryEvidenceCurrent];
