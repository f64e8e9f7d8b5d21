/**
 * reserved-concurrency-budget: reserved concurrency is both a floor and a ceiling. The stack's reservations fit in
 * the account's limit minus the 100 executions AWS keeps unreserved (else the deploy fails), and every function
 * of a cell has one, so that a cell's blast radius is bounded.
 *
 * The account's limit is the policy's `accountConcurrencyLimit` when its config sets one, else the stack's own
 * `cellular:accountConcurrencyLimit` (which the CLI hands to the pack with the stack's config), else AWS's default.
 */
import { Policies, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "./lib/config-schema";
import { ACCOUNT_CONCURRENCY_KEY, ACCOUNT_CONCURRENCY_LIMIT, UNRESERVED_MINIMUM } from "./lib/facts";
import { stackConfigInteger } from "./lib/stack-config";
import { stackGraph, subject } from "./lib/graph";
import { reservedOf } from "./lib/lambda";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe } from "./lib/values";

export interface ConcurrencyConfig {
    /** The account's concurrency limit in the stack's region. */
    accountConcurrencyLimit?: number;
}

/** The limit the policy judges by, and where it comes from (for the message). */
export function accountLimit(configured: ConcurrencyConfig, env: NodeJS.ProcessEnv = process.env): { limit: number; from: string } {
    if (configured.accountConcurrencyLimit !== undefined) return { limit: configured.accountConcurrencyLimit, from: "the policy's accountConcurrencyLimit" };
    const stated = stackConfigInteger(ACCOUNT_CONCURRENCY_KEY, env);
    if (stated !== undefined) return { limit: stated, from: `the stack's ${ACCOUNT_CONCURRENCY_KEY}` };
    return { limit: ACCOUNT_CONCURRENCY_LIMIT, from: "AWS's default" };
}

const NAME = "reserved-concurrency-budget";

export const reservedConcurrencyBudget: StackValidationPolicy = {
    name: NAME,
    description: "The stack's reserved concurrency fits in the account's budget, and every function of a cell has reserved concurrency.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: {
            accountConcurrencyLimit: { type: "integer", minimum: UNRESERVED_MINIMUM + 1,
                description: `The account's Lambda concurrency limit in the stack's region (AWS keeps ${UNRESERVED_MINIMUM} of it unreserved); ` +
                    `default: the stack's ${ACCOUNT_CONCURRENCY_KEY}, else AWS's ${ACCOUNT_CONCURRENCY_LIMIT}` },
        },
    },
    validateStack: (args, report) => {
        const { limit: accountConcurrencyLimit, from } = accountLimit(configOf<ConcurrencyConfig>(args, {}));
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        let total = 0;
        for (const fn of graph.ofType(AWS.function)) {
            reporter.guard(subject(fn), () => {
                const reserved = reservedOf(fn);
                if (reserved === UNKNOWN) {
                    reporter.undecided(subject(fn), "its reservedConcurrentExecutions can't be known during preview, so the stack's total can't be checked");
                    return;
                }
                if (reserved !== undefined) {
                    total += reserved;
                    return;
                }
                const cell = graph.cellOf(fn);
                if (!cell) return;
                const id = cell.id === UNKNOWN ? `"${cell.cell.name}"` : cell.id;
                reporter.violation(fn, `${describe(subject(fn))} in cell ${id} has no reserved concurrency, so it can take the whole ` +
                    "account's concurrency and the cell's blast radius is unbounded; set reservedConcurrentExecutions");
            });
        }
        const budget = accountConcurrencyLimit - UNRESERVED_MINIMUM;
        if (total > budget) {
            reporter.violation(graph.stack, `The functions of this stack reserve ${total} concurrent executions in total, more than the ` +
                `${budget} that an account limit of ${accountConcurrencyLimit} (${from}) leaves (AWS keeps ${UNRESERVED_MINIMUM} unreserved, and the ` +
                `deploy fails); lower reservedConcurrentExecutions, or raise ${ACCOUNT_CONCURRENCY_KEY} once the account's quota is raised`);
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [reservedConcurrencyBudget];
