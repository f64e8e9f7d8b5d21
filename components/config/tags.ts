/** The `cellular:tags` setting: the cost tags every taggable resource carries. Pure. */
import { custom } from "./fields";
import { LIMITS } from "./limits";
import { isPlainObject } from "./problems";

/** The tags every resource carries; `cell` is set per cell (or `shared`), the other two come from config. */
export const REQUIRED_TAGS = ["cell", "cost-center", "environment"] as const;
export const CELL_TAG = "cell";
export const SHARED_CELL_TAG = "shared";

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const EXPECTED = "expected a map of tag names to values, with at least cost-center and environment";

export const TAGS_FIELD = custom<Record<string, string>>({
    description: "Tags on every taggable resource; the program adds `cell`",
    type: "map",
    allowed: `must hold non-empty \`cost-center\` and \`environment\`; \`cell\` is set by the program; values ≤ ${LIMITS.tagValueLength} characters`,
    required: EXPECTED,
    default: { "cost-center": "unknown", environment: "unknown" },
    read(value, path, problems) {
        if (!isPlainObject(value)) {
            problems.add(path, value, EXPECTED);
            return undefined;
        }
        const tags: Record<string, string> = {};
        for (const [name, tagValue] of Object.entries(value)) {
            const at = `${path}.${name}`;
            if (name === CELL_TAG) {
                problems.add(at, tagValue, "the cell tag is set by the program on every resource (the cell id, or shared); remove it");
            } else if (name.length === 0 || name.length > LIMITS.tagKeyLength || name.startsWith("aws:")) {
                problems.add(at, tagValue, `tag names are 1-${LIMITS.tagKeyLength} characters and may not start with aws:`);
            } else if (typeof tagValue !== "string" || tagValue.length > LIMITS.tagValueLength || !TAG_VALUE.test(tagValue)) {
                problems.add(at, tagValue, `expected a string of at most ${LIMITS.tagValueLength} letters, digits, spaces and _ . : / = + - @`);
            } else {
                tags[name] = tagValue;
            }
        }
        for (const required of REQUIRED_TAGS) {
            if (required === CELL_TAG) continue;
            if (!(required in value)) {
                problems.add(`${path}.${required}`, undefined, `every resource must carry a non-empty ${required} tag; ` +
                    `set it with \`pulumi config set --path 'cellular:tags.${required}' <value>\``);
            } else if (tags[required] === "") {
                problems.add(`${path}.${required}`, "", `every resource must carry a non-empty ${required} tag`);
            }
        }
        return tags;
    },
});
