/**
 * Records a Lambda Power Tuning result as a stack's memory evidence:
 * `npm run memory-evidence -- --stack <name> --function <name or pattern> [options] <power-tuning-output.json>`.
 *
 * The output file may be the state machine's output as the console shows it (`{ "power", "cost", "duration",
 * "stateMachine", "stats"? }`), the same wrapped as `{ "results": ... }` (Power Tuning's scripts/execute.sh), or the
 * whole `aws stepfunctions describe-execution` document (its `input` and `output` are JSON strings; its `stopDate`
 * dates the measurement). The entry is added to `memory-evidence/<stack>.json` (created when missing; an entry
 * of the same key is replaced), the whole file is checked as the policies read it (policies/lib/memory-evidence.ts),
 * and written only when it is valid.
 *
 * Exit codes: 0 written, 1 invalid input (with every problem), 2 usage.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EVIDENCE_VERSION, evidenceFile, parseMemoryEvidence } from "../policies/lib/memory-evidence";
import { CliUsageError, flagValue, runCommand } from "./lib/cli";

const ROOT = path.resolve(__dirname, "..");

export interface MemoryEvidenceOptions {
    stack: string;
    functionKey: string;
    outputFile: string;
    inputFile?: string;
    measuredAt?: string;
    commit?: string;
    dir: string;
    note?: string;
}

const USAGE = `usage: npm run memory-evidence -- --stack <name> --function <name or pattern> [options] <power-tuning-output.json>

  --stack <name>          the stack whose memory-evidence/<name>.json to write
  --function <key>        the function measured (its name), or a pattern with * for every cell's function of one kind
                          (cellular-prod-cell-*-api)
  --input <file>          the state machine's input (strategy, balancedWeight, powerValues, ...); default: the
                          describe-execution document's own input, else none (Power Tuning's defaults: strategy cost)
  --measured-at <date>    when it was measured (YYYY-MM-DD); default: the execution's stopDate, else today
  --commit <sha>          the commit measured; default: git rev-parse HEAD
  --note <text>           a note kept in the file
  --dir <dir>             where the evidence files are (default: memory-evidence/)

Exit codes: 0 written, 1 invalid input, 2 usage.`;

export { CliUsageError };

export class EvidenceInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EvidenceInputError";
    }
}

export function parseArgs(argv: readonly string[]): MemoryEvidenceOptions {
    const options: Partial<MemoryEvidenceOptions> & { dir: string } = { dir: path.join(ROOT, "memory-evidence") };
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const value = (): string => flagValue(argv, i++);
        switch (arg) {
            case "--stack": case "-s": options.stack = value(); break;
            case "--function": options.functionKey = value(); break;
            case "--input": options.inputFile = value(); break;
            case "--measured-at": options.measuredAt = value(); break;
            case "--commit": options.commit = value(); break;
            case "--note": options.note = value(); break;
            case "--dir": options.dir = path.resolve(value()); break;
            case "--help": case "-h": throw new CliUsageError("");
            default:
                if (arg.startsWith("--")) throw new CliUsageError(`unknown argument ${JSON.stringify(arg)}`);
                positional.push(arg);
        }
    }
    if (!options.stack) throw new CliUsageError("--stack is required");
    if (!options.functionKey) throw new CliUsageError("--function is required");
    if (positional.length !== 1) throw new CliUsageError(`expected one Power Tuning output file, got ${positional.length}`);
    return { ...options, stack: options.stack, functionKey: options.functionKey, outputFile: positional[0]! };
}

function readJson(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new EvidenceInputError(`cannot read ${what} ${file}: ${(err as Error).message}`);
    }
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new EvidenceInputError(`${what} ${file} is not JSON: ${(err as Error).message}`);
    }
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The state machine's output, input and end time, from whichever of the three forms the file is. */
export function unwrapExecution(raw: unknown, file: string): { output: unknown; input?: unknown; stoppedAt?: string } {
    if (!isRecord(raw)) throw new EvidenceInputError(`${file} holds no Power Tuning output (expected a JSON object)`);
    if (typeof raw.executionArn === "string") {
        if (raw.status !== "SUCCEEDED") throw new EvidenceInputError(`${file}: the execution's status is ${JSON.stringify(raw.status)}; only a SUCCEEDED execution measured anything`);
        const parse = (field: string): unknown => {
            const text = raw[field];
            if (typeof text !== "string") throw new EvidenceInputError(`${file}: describe-execution's ${field} is ${JSON.stringify(text)}; expected a JSON string`);
            try {
                return JSON.parse(text);
            } catch (err) {
                throw new EvidenceInputError(`${file}: describe-execution's ${field} is not JSON: ${(err as Error).message}`);
            }
        };
        return { output: parse("output"), input: parse("input"), ...(typeof raw.stopDate === "string" ? { stoppedAt: raw.stopDate } : {}) };
    }
    if (isRecord(raw.results) && !("power" in raw)) return { output: raw.results };
    return { output: raw };
}

function headCommit(): string | undefined {
    try {
        return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        return undefined;
    }
}

/** The evidence file with the new entry, checked; throws EvidenceInputError listing every problem. */
export function recordEvidence(options: MemoryEvidenceOptions, today = new Date()): { file: string; content: Record<string, unknown> } {
    const execution = unwrapExecution(readJson(options.outputFile, "the Power Tuning output"), options.outputFile);
    const input = options.inputFile ? readJson(options.inputFile, "the state machine input") : execution.input;
    const measuredAt = options.measuredAt ?? (execution.stoppedAt ? new Date(execution.stoppedAt).toISOString().slice(0, 10) : today.toISOString().slice(0, 10));
    const commit = options.commit ?? headCommit();
    if (commit === undefined) throw new EvidenceInputError("no --commit given and git rev-parse HEAD failed: say which commit was measured");
    const file = evidenceFile(options.dir, options.stack);
    const existing = fs.existsSync(file) ? readJson(file, "the evidence file") : undefined;
    const base: Record<string, unknown> = isRecord(existing) ? existing : { version: EVIDENCE_VERSION, stack: options.stack, measuredAt, commit };
    const functions = isRecord(base.functions) ? { ...base.functions } : {};
    functions[options.functionKey] = {
        measuredAt, commit,
        ...(input === undefined ? {} : { input }),
        output: execution.output,
    };
    const content: Record<string, unknown> = { ...base, ...(options.note ? { note: options.note } : {}), functions };
    const parsed = parseMemoryEvidence(content, file, options.stack);
    if ("problems" in parsed) {
        throw new EvidenceInputError(`the evidence would not be valid, so ${file} is unchanged:\n${parsed.problems.map(p => `  - ${p}`).join("\n")}`);
    }
    return { file, content };
}

export async function main(argv: readonly string[]): Promise<number> {
    let options: MemoryEvidenceOptions;
    try {
        options = parseArgs(argv);
    } catch (err) {
        if (err instanceof CliUsageError) {
            if (err.message) console.error(`error: ${err.message}\n`);
            console.error(USAGE);
            return 2;
        }
        throw err;
    }
    try {
        const { file, content } = recordEvidence(options);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
        console.log(`${path.relative(process.cwd(), file)}: ${JSON.stringify(options.functionKey)} recorded`);
        return 0;
    } catch (err) {
        if (err instanceof EvidenceInputError) {
            console.error(`error: ${err.message}`);
            return 1;
        }
        throw err;
    }
}

if (require.main === module) runCommand(argv => main(argv));
