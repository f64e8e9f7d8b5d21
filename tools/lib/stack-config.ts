/**
 * Reads a stack's configuration the way the Pulumi CLI hands it to a program: from `Pulumi.yaml` (project name)
 * and `Pulumi.<stack>.yaml`, keys namespaced by project (`cells` means `cellular:cells`), every value a string
 * and objects/lists JSON-encoded — the form `pulumi.runtime.allConfig()` returns.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackConfig {
    project: string;
    stack: string;
    /** `"<namespace>:<key>" -> string` as the Pulumi CLI passes it in PULUMI_CONFIG. */
    config: Record<string, string>;
    /** Keys whose values are Pulumi secrets; they cannot be decrypted offline and are passed as "[secret]". */
    secretKeys: string[];
}

export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

export function readProjectName(dir: string): string {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new StackConfigError(`no Pulumi.yaml in ${dir}`);
    const project = parse(fs.readFileSync(file, "utf8")) as { name?: unknown };
    if (typeof project?.name !== "string") throw new StackConfigError(`${file} has no project name`);
    return project.name;
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`. */
export function listStacks(dir: string): string[] {
    return fs.readdirSync(dir)
        .map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function readStackConfig(dir: string, stack: string): StackConfig {
    const project = readProjectName(dir);
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = listStacks(dir);
        throw new StackConfigError(`no stack ${JSON.stringify(stack)}: ${file} does not exist` +
            (known.length ? `; stacks here: ${known.join(", ")}` : ""));
    }
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return { project, stack, ...encodeConfig(project, doc.config ?? {}) };
}

/** Encodes a `config:` block (as parsed from YAML) the way the CLI does. */
export function encodeConfig(project: string, values: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const full = key.includes(":") ? key : `${project}:${key}`;
        if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            config[full] = "[secret]";
            secretKeys.push(full);
            continue;
        }
        config[full] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys };
}
