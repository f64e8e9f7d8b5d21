/**
 * The schema of `@pulumi/aws` resources, read from the installed package's type declarations (the generated
 * `<module>/<resource>.d.ts` files: a class whose `readonly` members are the outputs and an `<Name>Args` interface
 * whose members are the inputs), so the offline provider knows, for any type of the version a program installed,
 * which outputs the provider computes and whether the type takes tags.
 *
 * Run as a script (`npm run generate:aws-types`), it writes the pack's list of taggable types
 * (policies/lib/taggable-types.ts): the pack may not load @pulumi/aws at run time, so the list is generated.
 */
import * as fs from "fs";
import * as path from "path";

export type OutputKind = "string" | "number" | "boolean" | "array" | "object";

export interface OutputProperty {
    kind: OutputKind;
    /** `Output<T | undefined>`: the provider may leave it unset. */
    optional: boolean;
}

export interface ResourceSchema {
    token: string;
    inputs: ReadonlySet<string>;
    outputs: ReadonlyMap<string, OutputProperty>;
    /** Its args take `tags`. */
    taggable: boolean;
}

/** The directory of the `@pulumi/aws` a program in `from` loads, if it has one. */
export function awsPackageDir(from: string): string | undefined {
    try {
        return path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [from] }));
    } catch {
        return undefined;
    }
}

function kindOf(type: string): OutputKind {
    const t = type.replace(/\s*\|\s*undefined/g, "").trim();
    if (t.endsWith("[]")) return "array";
    if (t === "string" || /^enums\./.test(t)) return "string";
    if (t === "number") return "number";
    if (t === "boolean") return "boolean";
    return "object";
}

/** Parses one generated declaration file; undefined when it declares no custom resource. */
export function parseDeclaration(text: string, token: string): ResourceSchema | undefined {
    const cls = /export declare class (\w+) extends pulumi\.CustomResource \{([\s\S]*?)\n\}/.exec(text);
    if (!cls) return undefined;
    const outputs = new Map<string, OutputProperty>();
    for (const m of cls[2]!.matchAll(/^ {4}readonly (\w+): pulumi\.Output<(.+)>;$/gm)) {
        outputs.set(m[1]!, { kind: kindOf(m[2]!), optional: /\|\s*undefined\s*$/.test(m[2]!) });
    }
    const args = new RegExp(`export interface ${cls[1]}Args \\{([\\s\\S]*?)\\n\\}`).exec(text);
    const inputs = new Set([...(args?.[1] ?? "").matchAll(/^ {4}(\w+)\??: /gm)].map(m => m[1]!));
    return { token, inputs, outputs, taggable: inputs.has("tags") };
}

const cache = new Map<string, ResourceSchema | null>();

/** The file that declares a type token: `aws:lambda/functionUrl:FunctionUrl` is `lambda/functionUrl.d.ts`. */
function declarationFile(awsDir: string, token: string): string | undefined {
    const m = /^aws:([^/:]+)\/([^:]+):\w+$/.exec(token);
    if (!m) return undefined;
    return m[1] === "index" ? path.join(awsDir, `${m[2]}.d.ts`) : path.join(awsDir, m[1]!, `${m[2]}.d.ts`);
}

/** The schema of an `aws:` resource type in the package at `awsDir`, if it declares one. */
export function resourceSchema(awsDir: string, token: string): ResourceSchema | undefined {
    const file = declarationFile(awsDir, token);
    if (!file) return undefined;
    let schema = cache.get(file);
    if (schema === undefined) {
        schema = fs.existsSync(file) ? parseDeclaration(fs.readFileSync(file, "utf8"), token) ?? null : null;
        cache.set(file, schema);
    }
    return schema ?? undefined;
}

/** Every custom resource type the package declares, with its schema (tokens from the compiled `__pulumiType`). */
export function allResourceSchemas(awsDir: string): ResourceSchema[] {
    const out: ResourceSchema[] = [];
    const dirs = fs.readdirSync(awsDir, { withFileTypes: true }).filter(d => d.isDirectory() && !["types", "config", "node_modules"].includes(d.name));
    const visit = (dir: string) => {
        for (const file of fs.readdirSync(dir).filter(f => f.endsWith(".js")).sort()) {
            const js = fs.readFileSync(path.join(dir, file), "utf8");
            const token = /static __pulumiType = '([^']+)'/.exec(js)?.[1];
            if (!token) continue;
            const dts = path.join(dir, file.replace(/\.js$/, ".d.ts"));
            const schema = fs.existsSync(dts) ? parseDeclaration(fs.readFileSync(dts, "utf8"), token) : undefined;
            if (schema) out.push(schema);
        }
    };
    visit(awsDir);
    for (const d of dirs) visit(path.join(awsDir, d.name));
    return out.sort((a, b) => a.token.localeCompare(b.token));
}

/** The pack's generated list of taggable types, as the file's text. */
export function taggableTypesModule(awsDir: string): string {
    const version = (JSON.parse(fs.readFileSync(path.join(awsDir, "package.json"), "utf8")) as { version: string }).version;
    const types = allResourceSchemas(awsDir).filter(s => s.taggable).map(s => s.token);
    return [
        "/**",
        ` * The AWS resource types that take tags: every type of @pulumi/aws ${version} whose args have \`tags\`.`,
        " * Generated from the package's declarations by `npm run generate:aws-types` (tools/lib/aws-types.ts); do not edit.",
        " */",
        "export const TAGGABLE_AWS_TYPES: readonly string[] = [",
        ...types.map(t => `    "${t}",`),
        "];",
        "",
    ].join("\n");
}

export const TAGGABLE_TYPES_FILE = path.resolve(__dirname, "..", "..", "policies", "lib", "taggable-types.ts");

if (require.main === module) {
    const awsDir = awsPackageDir(path.resolve(__dirname, "..", ".."));
    if (!awsDir) throw new Error("@pulumi/aws is not installed");
    fs.writeFileSync(TAGGABLE_TYPES_FILE, taggableTypesModule(awsDir));
    console.log(`wrote ${path.relative(process.cwd(), TAGGABLE_TYPES_FILE)}`);
}
