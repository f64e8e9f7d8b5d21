/**
 * Runs the real program (index.ts) for a stack under Pulumi's mocks and gives tests exact access to what it
 * registered. Inputs are as registered: unknowns (preview) are the engine's sentinel string.
 */
import * as path from "path";
import { capture, Capture, CapturedResource, indexByUrn, ProgramError, UNKNOWN } from "../../tools/lib/capture";
import { programRunner } from "../../tools/lib/program";
import { cellComponentOf } from "../../tools/lib/summary";
import { readStackConfig } from "../../tools/lib/stack-config";

export const ROOT = path.resolve(__dirname, "..", "..");
export { UNKNOWN, ProgramError };

export type Raw = Record<string, string>;
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function stackConfig(stack: string): Raw {
    return { ...readStackConfig(ROOT, stack).config };
}

/** Edits one `cellular:*` JSON value. */
export function edit(raw: Raw, key: string, change: (value: Json) => void): Raw {
    const value = JSON.parse(raw[`cellular:${key}`] ?? "{}") as Json;
    change(value);
    return { ...raw, [`cellular:${key}`]: JSON.stringify(value) };
}

export class Stack {
    readonly byUrn: Map<string, CapturedResource>;

    constructor(readonly capture: Capture) {
        this.byUrn = indexByUrn(capture.resources);
    }

    get resources(): CapturedResource[] {
        return this.capture.resources;
    }

    ofType(type: string): CapturedResource[] {
        return this.resources.filter(r => r.type === type);
    }

    /** The one resource of this type and logical name; throws a helpful error when there is none. */
    get(type: string, name: string): CapturedResource {
        const found = this.resources.find(r => r.type === type && r.name === name);
        if (!found) {
            const names = this.ofType(type).map(r => r.name);
            throw new Error(`no ${type} named ${name}; there are: ${names.join(", ")}`);
        }
        return found;
    }

    has(type: string, name: string): boolean {
        return this.resources.some(r => r.type === type && r.name === name);
    }

    /** The cell (id) a resource belongs to, through its parents, or undefined outside every cell. */
    cellOf(resource: CapturedResource): string | undefined {
        return cellComponentOf(this.byUrn, resource)?.outputs.cellId as string | undefined;
    }

    /** Resources of one cell (without the Cell component itself). */
    inCell(cellId: string): CapturedResource[] {
        return this.resources.filter(r => r.type !== "cellular:index:Cell" && this.cellOf(r) === cellId);
    }

    /** A JSON string input, parsed. */
    json(resource: CapturedResource, key: string): Json {
        const value = resource.inputs[key];
        if (typeof value !== "string" || value === UNKNOWN) throw new Error(`${resource.name}.${key} is not a known JSON string: ${String(value)}`);
        return JSON.parse(value) as Json;
    }
}

/** Counts of each type. */
export function countByType(resources: CapturedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

const shipped = new Map<string, Promise<Stack>>();

/**
 * Runs a shipped stack as it is; the result is shared by every test file of the process (a run of prod costs
 * seconds), so tests must only read it.
 */
export function shippedStack(stack: string, mode: "preview" | "update" = "preview"): Promise<Stack> {
    const key = `${stack}/${mode}`;
    let run = shipped.get(key);
    if (!run) {
        run = runStack(stack, { mode });
        shipped.set(key, run);
    }
    return run;
}

export async function runStack(stack: string, options: { mode?: "preview" | "update"; config?: Raw } = {}): Promise<Stack> {
    const result = await capture(programRunner(ROOT, { reload: "main" }), {
        project: "cellular",
        stack,
        preview: (options.mode ?? "preview") === "preview",
        config: options.config ?? stackConfig(stack),
    });
    return new Stack(result);
}
