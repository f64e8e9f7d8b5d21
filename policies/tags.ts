/**
 * cell-cost-tags: every taggable AWS resource carries the cost tags, counting those its provider adds through
 * `defaultTags`, and its `cell` tag names the cell it belongs to (through `parent`, the `cellular:index:Cell`
 * component's registered `cellId`), or `shared` outside every cell. A stack with no cell at all (another team's
 * program) needs no `cell` tag unless `requireCellTag` is `always`.
 *
 * Taggable means: a type whose args take `tags` in @pulumi/aws (the generated lib/taggable-types.ts), whether or
 * not the program set any; a type the list does not know (a newer provider) when its props have `tags`.
 */
import { Policies, StackValidationPolicy } from "@pulumi/policy";
import { configOf, oneOf, stringList, text } from "./lib/config-schema";
import { CELL_TAG, CELL_TYPE, REQUIRED_TAGS, SHARED_CELL_VALUE } from "./lib/facts";
import { stackGraph, subject } from "./lib/graph";
import { TAGGABLE_AWS_TYPES } from "./lib/taggable-types";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, effectiveTags, has, list, tagSourcesUnknown } from "./lib/values";

export interface TagsConfig {
    requiredTags: string[];
    /** The tag that names the cell; checked when it is one of `requiredTags`. */
    cellTag: string;
    /** The cell tag of resources outside every cell. */
    sharedCellValue: string;
    /** Whether `cellTag` is required of a stack that has no cell. */
    requireCellTag: "stacks-with-cells" | "always";
}

export const CELL_TAG_WHEN = ["stacks-with-cells", "always"] as const;

export const TAGS_DEFAULTS: TagsConfig = {
    requiredTags: [...REQUIRED_TAGS], cellTag: CELL_TAG, sharedCellValue: SHARED_CELL_VALUE, requireCellTag: "stacks-with-cells",
};

const NAME = "cell-cost-tags";

/** Types that take tags even when a program sets none (so their props may have no `tags` key). */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set(TAGGABLE_AWS_TYPES);

/** Types that take no tags, whatever their props say. */
export const UNTAGGABLE_TYPES: ReadonlySet<string> = new Set([
    "aws:cloudwatch/dashboard:Dashboard",
    AWS.permission,
    AWS.rolePolicy,
    AWS.eventTarget,
    AWS.topicSubscription,
]);

export const cellCostTags: StackValidationPolicy = {
    name: NAME,
    description: "Every taggable AWS resource carries the cost tags, and its cell tag names the cell it belongs to.",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: {
        properties: {
            requiredTags: stringList("The tags every taggable resource carries with a non-empty value.", TAGS_DEFAULTS.requiredTags),
            cellTag: text(`The tag that names the resource's cell (the registered cellId of its ${CELL_TYPE} ancestor).`, TAGS_DEFAULTS.cellTag),
            sharedCellValue: text("The cell tag's value on resources outside every cell.", TAGS_DEFAULTS.sharedCellValue),
            requireCellTag: oneOf(`Whether a stack with no ${CELL_TYPE} still needs the cell tag: stacks-with-cells (another team's ` +
                "program has no cells to name) or always.", CELL_TAG_WHEN, TAGS_DEFAULTS.requireCellTag),
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, TAGS_DEFAULTS);
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const hasCells = args.resources.some(r => r.type === CELL_TYPE);
        const requiredTags = hasCells || config.requireCellTag === "always"
            ? config.requiredTags : config.requiredTags.filter(t => t !== config.cellTag);
        for (const r of args.resources) {
            if (!r.type.startsWith("aws:") || UNTAGGABLE_TYPES.has(r.type)) continue;
            if (!TAGGABLE_TYPES.has(r.type) && !has(r.props, "tags")) continue;
            reporter.guard(subject(r), () => {
                const tags = effectiveTags(r.props, r.provider?.props);
                const sourcesUnknown = tagSourcesUnknown(r.props, r.provider?.props);
                const missing: string[] = [];
                const unknown: string[] = [];
                for (const tag of requiredTags) {
                    const value = tags.get(tag);
                    if (value === UNKNOWN || ((value === undefined || value === "") && sourcesUnknown)) unknown.push(tag);
                    else if (typeof value !== "string" || value.trim() === "") missing.push(tag);
                }
                if (missing.length > 0) {
                    reporter.violation(r, `${describe(subject(r))} lacks the required tag${missing.length > 1 ? "s" : ""} ${list(missing)} ` +
                        `(missing or empty); add ${missing.length > 1 ? "them" : "it"} to its tags, or to its provider's defaultTags`);
                }
                if (unknown.length > 0) {
                    reporter.undecided(subject(r), `its tag${unknown.length > 1 ? "s" : ""} ${list(unknown)} can't be known during preview`);
                }
                const value = tags.get(config.cellTag);
                if (!requiredTags.includes(config.cellTag) || typeof value !== "string" || value.trim() === "") return;
                const cell = graph.cellOf(r);
                if (cell?.id === UNKNOWN) {
                    reporter.undecided(subject(r), `the ${CELL_TYPE} it belongs to has a cellId that can't be known during preview`);
                    return;
                }
                const expected = cell ? cell.id : config.sharedCellValue;
                if (value === expected) return;
                reporter.violation(r, cell
                    ? `${describe(subject(r))} belongs to cell ${expected} but its ${config.cellTag} tag is "${value}"; set it to "${expected}"`
                    : `${describe(subject(r))} is outside every cell but its ${config.cellTag} tag is "${value}"; set it to "${expected}"`);
            });
        }
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [cellCostTags];
