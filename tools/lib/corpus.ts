/**
 * The corpus: public Pulumi programs kept in corpus/ (corpus/corpus.json lists each with the repository, path and
 * commit it was copied from, and everything done to it since), each planned as a user plans it —
 * `npm run plan -- --program corpus/<name> --json` with this project's policy pack, type-checked as the CLI does —
 * and its outcome recorded in corpus/results.json: the exit code, the resources, the violations per level and
 * policy, what was not judged offline, or the error it fails with.
 *
 *   npm run corpus               plans every program and fails when an outcome differs from the recorded one
 *   npm run corpus -- --update   records the outcomes and renders the README's corpus table
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../plan";

const ROOT = path.resolve(__dirname, "..", "..");
export const CORPUS_DIR = path.join(ROOT, "corpus");
const MANIFEST = path.join(CORPUS_DIR, "corpus.json");
const RESULTS = path.join(CORPUS_DIR, "results.json");
const README = path.join(ROOT, "README.md");
const BEGIN = "<!-- corpus-table:begin (npm run corpus -- --update) -->";
const END = "<!-- corpus-table:end -->";
const CORPUS_TIMEOUT_S = 300;

export interface CorpusProgram {
    /** Its directory under corpus/. */
    name: string;
    source: { repo: string; path: string; commit: string };
    /** What was added beside the program, as a user would before `pulumi preview` (stack config from its README, ...). */
    setup: string[];
    /** Every change to the program's own files; none is best. */
    changes: string[];
    /** Packages it imports that this repository does not install (it then fails as the CLI would without them). */
    needs?: string[];
    mode?: "preview" | "update" | "both";
    /** An answers file under corpus/answers/. */
    answers?: string;
}

export interface CorpusResult {
    name: string;
    exit: number;
    /** Resources planned, or null when the program failed. */
    resources: number | null;
    violations: { mandatory: number; advisory: number } | null;
    /** The policies with mandatory violations, sorted. */
    mandatory: string[];
    /** What the plan could not judge: `<kind> <type> <name>`. */
    notJudged: string[];
    /** With --mode both: update mode's verdicts where preview could not decide. */
    secondOpinion?: { undecided: number; mandatory: number };
    /** The failure as the plan reports it (paths relative to the repository), or null. */
    error: string | null;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function readManifest(): CorpusProgram[] {
    return (JSON.parse(fs.readFileSync(MANIFEST, "utf8")) as { programs: CorpusProgram[] }).programs;
}

export function readResults(): CorpusResult[] {
    return JSON.parse(fs.readFileSync(RESULTS, "utf8")) as CorpusResult[];
}

/** The failure text, without colours and with this machine's paths made relative to the repository. */
function normalizeError(stderr: string): string {
    // eslint-disable-next-line no-control-regex
    const plain = stderr.replace(/\u001b\[[0-9;]*m/g, "").split(ROOT).join(".").trim();
    return plain.split("\n").slice(0, 5).map(l => l.trimEnd()).join("\n");
}

/** Plans one program and summarises the outcome. */
export async function planProgram(program: CorpusProgram): Promise<CorpusResult> {
    // The corpus checks outcomes, not speed: a loaded machine may type-check a program for longer than the default.
    const args = ["--program", path.join(CORPUS_DIR, program.name), "--json", "--mode", program.mode ?? "preview", "--timeout", String(CORPUS_TIMEOUT_S),
        ...(program.answers ? ["--answers", path.join(CORPUS_DIR, "answers", program.answers)] : [])];
    let stdout = "";
    let stderr = "";
    const env = { ...process.env };
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const exit = await main(args, { out: t => void (stdout += t), err: t => void (stderr += t), env });
    if (!stdout.trim()) {
        return { name: program.name, exit, resources: null, violations: null, mandatory: [], notJudged: [], error: normalizeError(stderr) };
    }
    const doc = JSON.parse(stdout) as Json;
    const diagnostics = (doc.policies as Json[]).flatMap(p => p.diagnostics as Json[]);
    const count = (level: string) => diagnostics.filter(d => (level === "mandatory") === (d.enforcementLevel === "mandatory")).length;
    return {
        name: program.name, exit,
        resources: (doc.resources as Json[]).length,
        violations: { mandatory: count("mandatory"), advisory: count("advisory") },
        mandatory: [...new Set(diagnostics.filter(d => d.enforcementLevel === "mandatory").map(d => String(d.policyName)))].sort(),
        notJudged: (doc.notJudged as Json[]).map(s => `${s.kind} ${s.type} ${s.name}`),
        ...(doc.secondOpinion ? { secondOpinion: {
            undecided: (doc.secondOpinion as Json[]).length,
            mandatory: (doc.secondOpinion as Json[]).filter(o => (o.verdicts as Json[]).some(v => v.enforcementLevel === "mandatory")).length,
        } } : {}),
        error: null,
    };
}

/** Plans every program, two at a time (the programs are type-checked: CPU-bound). */
export async function runCorpus(programs: readonly CorpusProgram[], onDone: (r: CorpusResult, ms: number) => void = () => undefined): Promise<CorpusResult[]> {
    const results: CorpusResult[] = new Array(programs.length);
    let next = 0;
    const worker = async () => {
        while (next < programs.length) {
            const index = next++;
            const began = performance.now();
            results[index] = await planProgram(programs[index]!);
            onDone(results[index]!, performance.now() - began);
        }
    };
    await Promise.all([worker(), worker()]);
    return results;
}

/** The failure in one line: the first that says what went wrong, past the SDK's and ts-node's headings. */
function failure(error: string): string {
    const lines = error.split("\n").map(l => l.replace(/^ {2}- /, "").trim()).filter(Boolean);
    const heading = /^(error: the program (failed|timed out):|Running program '.*' failed with an unhandled exception:|TSError: ⨯ Unable to compile TypeScript:)$/;
    return lines.find(l => !heading.test(l)) ?? lines[0] ?? "";
}

function outcome(r: CorpusResult): string {
    if (r.error !== null) {
        const first = failure(r.error);
        return `fails: ${first.length > 140 ? `${first.slice(0, 137)}...` : first}`;
    }
    return `plans ${r.resources} resources`;
}

/** The README's corpus table. */
export function renderTable(programs: readonly CorpusProgram[], results: readonly CorpusResult[]): string {
    const byName = new Map(results.map(r => [r.name, r]));
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const lines = [
        "| program | source | outcome | exit | violations (mandatory / advisory) | policies with mandatory violations | not judged offline |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const p of programs) {
        const r = byName.get(p.name);
        if (!r) continue;
        const source = `[${p.source.repo}/${p.source.path}](https://github.com/${p.source.repo}/tree/${p.source.commit}/${p.source.path})`;
        const needs = p.needs?.length ? ` (needs ${p.needs.join(", ")})` : "";
        const violations = r.violations ? `${r.violations.mandatory} / ${r.violations.advisory}` : "-";
        const second = r.secondOpinion ? `; update mode decides ${r.secondOpinion.undecided}, ${r.secondOpinion.mandatory} mandatory` : "";
        lines.push(`| ${p.name} | ${source} | ${cell(outcome(r))}${needs} | ${r.exit} | ${violations}${second} | ${r.mandatory.join(", ") || "-"} | ` +
            `${r.notJudged.map(n => n.split(" ").slice(1).join(" ")).join(", ") || "-"} |`);
    }
    return lines.join("\n");
}

/** The README with its corpus table replaced. */
export function withTable(readme: string, table: string): string {
    const begin = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
    return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

/** How each outcome differs from the recorded one. */
export function differences(recorded: readonly CorpusResult[], actual: readonly CorpusResult[]): string[] {
    const byName = new Map(recorded.map(r => [r.name, r]));
    const out: string[] = [];
    for (const a of actual) {
        const r = byName.get(a.name);
        if (!r) out.push(`${a.name}: no recorded outcome`);
        else if (JSON.stringify(r) !== JSON.stringify(a)) out.push(`${a.name}: recorded ${JSON.stringify(r)}\n    got      ${JSON.stringify(a)}`);
    }
    return out;
}

async function cli(argv: readonly string[]): Promise<number> {
    const update = argv.includes("--update");
    const only = argv.filter(a => !a.startsWith("--"));
    const programs = readManifest().filter(p => only.length === 0 || only.includes(p.name));
    const results = await runCorpus(programs, (r, ms) => console.log(`${r.name}: exit ${r.exit}, ${outcome(r)} (${(ms / 1000).toFixed(1)} s)`));
    if (update) {
        const kept = fs.existsSync(RESULTS) ? readResults().filter(r => !programs.some(p => p.name === r.name)) : [];
        const all = readManifest().map(p => [...kept, ...results].find(r => r.name === p.name)).filter((r): r is CorpusResult => r !== undefined);
        fs.writeFileSync(RESULTS, JSON.stringify(all, null, 2) + "\n");
        fs.writeFileSync(README, withTable(fs.readFileSync(README, "utf8"), renderTable(readManifest(), all)));
        console.log(`recorded ${all.length} outcomes in corpus/results.json and the README's table`);
        return 0;
    }
    const diffs = differences(readResults(), results);
    for (const d of diffs) console.error(d);
    console.log(diffs.length ? `${diffs.length} of ${results.length} outcomes differ from corpus/results.json` : `all ${results.length} outcomes as recorded`);
    return diffs.length ? 1 : 0;
}

if (require.main === module) {
    cli(process.argv.slice(2)).then(code => process.exit(code), err => {
        console.error(err);
        process.exit(1);
    });
}
