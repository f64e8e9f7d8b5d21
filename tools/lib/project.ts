/**
 * A Pulumi project as the CLI reads it from `Pulumi.yaml`: its name, runtime and runtime options, `main`, project
 * config and where its stack config files live, and where the program runs from (the CLI's `getPwdMain`: a `main`
 * directory is the working directory with entry point `.`, a `main` file runs from its own directory).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** The Node.js language host's runtime options (`runtime: {name: nodejs, options: {...}}`). */
export interface NodeRuntimeOptions {
    /** Run TypeScript through ts-node (default true). */
    typescript: boolean;
    /** A tsconfig other than the program directory's tsconfig.json. */
    tsconfig?: string;
    /** Arguments for the node process, split as a shell would. */
    nodeargs?: string;
}

export interface PulumiProject {
    /** The directory holding Pulumi.yaml (the project's root). */
    root: string;
    file: string;
    name: string;
    runtime: string;
    options: NodeRuntimeOptions;
    main?: string;
    /** The `config:` block, as written. */
    config: Record<string, unknown>;
    /** Where Pulumi.<stack>.yaml files live. */
    stackConfigDir: string;
}

export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

/** Reads `Pulumi.yaml` (or `Pulumi.yml`) in `dir`. */
export function readProject(dir: string): PulumiProject {
    const root = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map(f => path.join(root, f)).find(f => fs.existsSync(f));
    if (!file) throw new ProjectError(`no Pulumi.yaml in ${root}: not a Pulumi project`);
    let doc: Record<string, unknown>;
    try {
        doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (err) {
        throw new ProjectError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (typeof doc.name !== "string" || doc.name === "") throw new ProjectError(`${file}: project is missing a 'name' attribute`);
    // As the CLI's backends check it when they select the stack (tokens.ValidateProjectName).
    if (doc.name.length > 100) throw new ProjectError(`${file}: project names are limited to 100 characters`);
    if (!/^[A-Za-z0-9_.-]+$/.test(doc.name)) {
        throw new ProjectError(`${file}: project names may only contain alphanumerics, hyphens, underscores, and periods (the name is ${JSON.stringify(doc.name)})`);
    }
    const runtimeValue = doc.runtime as unknown;
    const runtime = typeof runtimeValue === "string" ? runtimeValue : (runtimeValue as { name?: unknown } | undefined)?.name;
    if (typeof runtime !== "string") throw new ProjectError(`${file} names no runtime`);
    const raw = (typeof runtimeValue === "object" && runtimeValue !== null ? (runtimeValue as { options?: Record<string, unknown> }).options : undefined) ?? {};
    const options: NodeRuntimeOptions = { typescript: true };
    if (raw.typescript !== undefined) {
        if (typeof raw.typescript !== "boolean") throw new ProjectError("typescript option must be a boolean");
        options.typescript = raw.typescript;
    }
    if (raw.tsconfig !== undefined) {
        if (typeof raw.tsconfig !== "string") throw new ProjectError("tsconfigpath option must be a string");
        options.tsconfig = raw.tsconfig;
    }
    if (raw.nodeargs !== undefined) {
        if (typeof raw.nodeargs !== "string") throw new ProjectError("nodeargs option must be a string");
        options.nodeargs = raw.nodeargs;
    }
    // `config: <dir>` is the old spelling of stackConfigDir.
    const configDir = typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : typeof doc.config === "string" ? doc.config : undefined;
    return {
        root, file, name: doc.name, runtime, options,
        ...(typeof doc.main === "string" && doc.main !== "" ? { main: doc.main } : {}),
        config: typeof doc.config === "object" && doc.config !== null ? doc.config as Record<string, unknown> : {},
        stackConfigDir: configDir ? path.resolve(root, configDir) : root,
    };
}

/** The CLI's `getPwdMain`: the working directory of the program and its entry point relative to it. */
export function programLocation(project: PulumiProject): { pwd: string; entryPoint: string } {
    if (!project.main) return { pwd: project.root, entryPoint: "." };
    const main = path.resolve(project.root, project.main);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(main);
    } catch (err) {
        throw new ProjectError(`project 'main' could not be read: ${(err as Error).message}`);
    }
    return stat.isDirectory() ? { pwd: main, entryPoint: "." } : { pwd: path.dirname(main), entryPoint: path.basename(main) };
}

/** Splits `nodeargs` as the language host does (shlex: whitespace, quotes and backslash escapes). */
export function splitArgs(text: string): string[] {
    const args: string[] = [];
    let current = "";
    let quote: string | undefined;
    let started = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (quote) {
            if (c === quote) quote = undefined;
            else if (c === "\\" && quote === "\"" && i + 1 < text.length) current += text[++i];
            else current += c;
        } else if (c === "'" || c === "\"") {
            quote = c;
            started = true;
        } else if (c === "\\" && i + 1 < text.length) {
            current += text[++i];
            started = true;
        } else if (/\s/.test(c)) {
            if (started) args.push(current);
            current = "";
            started = false;
        } else {
            current += c;
            started = true;
        }
    }
    if (quote) throw new ProjectError(`nodeargs ${JSON.stringify(text)} has an unclosed quote`);
    if (started) args.push(current);
    return args;
}
