/**
 * What the user tells the offline plan about the world it cannot see, in one JSON file (`--answers <file>`):
 *
 * ```json
 * {
 *   "invokes": { "aws:ec2/getVpc:getVpc": [{ "args": { "default": true }, "result": { "id": "vpc-0abc", "cidrBlock": "10.0.0.0/16" } }] },
 *   "reads":   { "aws:iam/role:Role": { "existing-role": { "name": "existing-role", "arn": "arn:aws:iam::123456789012:role/existing-role" } } },
 *   "stacks":  { "acme/network/prod": { "vpcId": "vpc-0abc", "dbPassword": "[secret]" }, "acme/dns/prod": "dns-outputs.json" }
 * }
 * ```
 *
 * - `invokes`: results by function token; an answer with `args` answers only calls whose arguments include those
 *   values (the first match wins), one without answers every call. An answer may be a single object.
 * - `reads`: the state a `Resource.get(name, id)` reads, by type and id.
 * - `stacks`: a referenced stack's outputs, by the name the program gives its `StackReference`: an object as
 *   `pulumi stack output --json` prints it, or the path of such a file (relative to the answers file). A value
 *   of `"[secret]"` (as the CLI prints a secret without `--show-secrets`) stands for a secret output.
 */
import * as fs from "fs";
import * as path from "path";

type Props = Record<string, unknown>;

export interface InvokeAnswer {
    args?: Props;
    result: Props;
}

export interface OfflineAnswers {
    invokes: Record<string, InvokeAnswer[]>;
    reads: Record<string, Record<string, Props>>;
    stacks: Record<string, Props>;
    /** Where the answers came from (the file), for messages. */
    source?: string;
}

export const NO_ANSWERS: OfflineAnswers = { invokes: {}, reads: {}, stacks: {} };

/** The CLI's placeholder for a secret output printed without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

export class OfflineAnswersError extends Error {
    constructor(readonly file: string, readonly problems: string[]) {
        super(`the answers file ${file} is invalid:\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "OfflineAnswersError";
    }
}

function isObject(value: unknown): value is Props {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads and checks an answers file; every problem is reported at once. */
export function readOfflineAnswers(file: string): OfflineAnswers {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new OfflineAnswersError(file, [`it cannot be read as JSON: ${(err as Error).message}`]);
    }
    const problems: string[] = [];
    const answers: OfflineAnswers = { invokes: {}, reads: {}, stacks: {}, source: file };
    if (!isObject(doc)) throw new OfflineAnswersError(file, ["it must be a JSON object with invokes, reads and stacks"]);
    for (const key of Object.keys(doc)) {
        if (!["invokes", "reads", "stacks"].includes(key)) problems.push(`${key} is not a section; the sections are invokes, reads and stacks`);
    }
    for (const [token, value] of Object.entries(isObject(doc.invokes) ? doc.invokes : {})) {
        const list = Array.isArray(value) ? value : [value];
        answers.invokes[token] = [];
        list.forEach((answer, i) => {
            const at = `invokes.${token}${Array.isArray(value) ? `[${i}]` : ""}`;
            if (!isObject(answer) || !isObject(answer.result)) {
                problems.push(`${at} is ${JSON.stringify(answer)}; an answer is {"args": {...}, "result": {...}} (args optional)`);
            } else if (answer.args !== undefined && !isObject(answer.args)) {
                problems.push(`${at}.args is ${JSON.stringify(answer.args)}; it must be an object of the arguments to match`);
            } else {
                answers.invokes[token]!.push({ ...(answer.args ? { args: answer.args as Props } : {}), result: answer.result as Props });
            }
        });
    }
    for (const [type, byId] of Object.entries(isObject(doc.reads) ? doc.reads : {})) {
        if (!isObject(byId) || !Object.values(byId).every(isObject)) {
            problems.push(`reads.${type} is ${JSON.stringify(byId)}; it must map each id to the state read`);
            continue;
        }
        answers.reads[type] = byId as Record<string, Props>;
    }
    for (const [stack, value] of Object.entries(isObject(doc.stacks) ? doc.stacks : {})) {
        if (typeof value === "string") {
            const outputsFile = path.resolve(path.dirname(file), value);
            try {
                const outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as unknown;
                if (isObject(outputs)) answers.stacks[stack] = outputs;
                else problems.push(`stacks.${stack}: ${outputsFile} holds ${JSON.stringify(outputs)}; it must hold an object of outputs`);
            } catch (err) {
                problems.push(`stacks.${stack}: ${outputsFile} cannot be read as JSON: ${(err as Error).message}`);
            }
        } else if (isObject(value)) {
            answers.stacks[stack] = value;
        } else {
            problems.push(`stacks.${stack} is ${JSON.stringify(value)}; it must be the stack's outputs (an object) or a file holding them`);
        }
    }
    for (const key of ["invokes", "reads", "stacks"] as const) {
        if (doc[key] !== undefined && !isObject(doc[key])) problems.push(`${key} is ${JSON.stringify(doc[key])}; it must be an object`);
    }
    if (problems.length > 0) throw new OfflineAnswersError(file, problems);
    return answers;
}

/** Whether `actual` holds every value of `expected` (objects compared key by key, the rest by JSON). */
function includes(actual: unknown, expected: unknown): boolean {
    if (isObject(expected)) return isObject(actual) && Object.entries(expected).every(([k, v]) => includes(actual[k], v));
    return JSON.stringify(actual) === JSON.stringify(expected);
}

/** The user's answer to an invoke, if any. */
export function answerInvoke(answers: OfflineAnswers, token: string, args: Props): Props | undefined {
    return answers.invokes[token]?.find(a => a.args === undefined || includes(args, a.args))?.result;
}
