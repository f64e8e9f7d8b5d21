/**
 * One measured run, in a fresh process (so peak memory is this run's alone), printing one JSON line:
 *
 *   node --require tsx/cjs bench/plan-child.ts program <cells>   the real program for a generated config
 *   node --require tsx/cjs bench/plan-child.ts baseline <file>   the same resources, registered bare
 *   node --require tsx/cjs bench/plan-child.ts naive <cells>     the real program with the capture's levers off
 *   node --require tsx/cjs bench/plan-child.ts plan <cells>      the real program, then the policy pack on it
 *                                                                (started while the program runs, as the plan does)
 *
 * Both load @pulumi/aws first, so the timed part is the evaluation alone. The baseline registers, for each
 * resource the program registered (read from <file>), a resource of the same type, name and parent with the
 * program's inputs as constants (unknowns replaced by a constant string): the cost of registering that many
 * resources with no logic. It yields to the event loop after each cell's resources, as the program does.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PolicyPack } from "../tools/lib/analyzer";
import { capture, CapturedResource, UNKNOWN } from "../tools/lib/capture";
import { programRunner } from "../tools/lib/program";
import { cellComponentOf } from "../tools/lib/summary";
import { readStackConfig } from "../tools/lib/stack-config";

const ROOT = path.resolve(__dirname, "..");

/** The dev stack's settings (every event source on) for `cells` generated cells, with quotas to match. */
export function generatedConfig(cells: number): Record<string, string> {
    const raw = { ...readStackConfig(ROOT, "dev").config };
    delete raw["cellular:cells"];
    raw["cellular:cellCount"] = String(cells);
    raw["cellular:accountConcurrencyLimit"] = "100000";
    raw["cellular:quotas"] = JSON.stringify({ iamRolesPerAccount: 5000, managedPoliciesPerRole: 20, eventBridgeRulesPerBus: 2000, kinesisShardsPerRegion: 1000 });
    const router = JSON.parse(raw["cellular:router"]!) as { pinned: unknown };
    router.pinned = {};
    raw["cellular:router"] = JSON.stringify(router);
    return raw;
}

function constants(value: unknown): unknown {
    if (value === UNKNOWN) return "constant";
    if (Array.isArray(value)) return value.map(constants);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        // Assets and archives are kept as they are (a file path).
        if ("4dabf18193072939515e22adb298388d" in obj) return undefined;
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, constants(v)]));
    }
    return value;
}

interface BaselineResource { type: string; name: string; parent?: string; urn: string; custom: boolean; inputs: Record<string, unknown>; cell?: string }

type ResourceClass = new (name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** The @pulumi/aws class of each type token, so the baseline registers the same classes as the program. */
function awsClasses(types: Set<string>): Map<string, ResourceClass> {
    const classes = new Map<string, ResourceClass>();
    const modules = aws as unknown as Record<string, Record<string, unknown>>;
    for (const type of types) {
        const module = /^aws:([^/:]+)/.exec(type)?.[1];
        if (!module) continue;
        for (const value of Object.values(modules[module] ?? {})) {
            // Its own token, not one inherited (aws.lambda.CallbackFunction extends aws.lambda.Function).
            const own = typeof value === "function" && Object.prototype.hasOwnProperty.call(value, "__pulumiType");
            if (own && (value as unknown as { __pulumiType: string }).__pulumiType === type) classes.set(type, value as unknown as ResourceClass);
        }
    }
    return classes;
}

function baselineProgram(resources: BaselineResource[]): () => Promise<void> {
    return async () => {
        const classes = awsClasses(new Set(resources.map(r => r.type)));
        const made = new Map<string, pulumi.Resource>();
        let lastCell: string | undefined;
        for (const r of resources) {
            if (r.cell !== lastCell && lastCell !== undefined) await new Promise(resolve => setImmediate(resolve));
            lastCell = r.cell;
            const parent = r.parent ? made.get(r.parent) : undefined;
            const opts = parent ? { parent } : {};
            const Class = classes.get(r.type);
            if (r.custom && !Class) throw new Error(`no @pulumi/aws class for ${r.type}`);
            const res = r.custom ? new Class!(r.name, constants(r.inputs) as pulumi.Inputs, opts)
                : new pulumi.ComponentResource(r.type, r.name, {}, opts);
            made.set(r.urn, res);
        }
    };
}

/** What the baseline needs of a capture: every resource but the root and the synthetic provider. */
export function baselineOf(resources: CapturedResource[]): BaselineResource[] {
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const cellOf = (r: CapturedResource): string | undefined => cellComponentOf(byUrn, r)?.name;
    const root = resources.find(r => r.type === "pulumi:pulumi:Stack")?.urn;
    return resources.filter(r => !r.synthetic && r.type !== "pulumi:pulumi:Stack").map(r => ({
        type: r.type, name: r.name, urn: r.urn, custom: r.custom, inputs: r.inputs,
        ...(r.parent && r.parent !== root ? { parent: r.parent } : {}),
        ...(cellOf(r) ? { cell: cellOf(r)! } : {}),
    }));
}

async function main(): Promise<void> {
    const [kind, arg] = process.argv.slice(2);
    let program: () => unknown;
    let config: Record<string, string>;
    if (kind === "baseline") {
        const file = JSON.parse(fs.readFileSync(arg!, "utf8")) as { config: Record<string, string>; resources: BaselineResource[] };
        program = baselineProgram(file.resources);
        config = file.config;
    } else {
        program = programRunner(ROOT, { reload: "main" });
        require("../components/cellular");
        config = generatedConfig(Number(arg));
    }
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    const packStarting = kind === "plan" ? PolicyPack.start({ project: "cellular", stack: "dev", dryRun: true, config }) : undefined;
    const result = await capture(program, { project: "cellular", stack: "dev", preview: true, config, lean: kind !== "naive" });
    const ms = elapsed();
    const out: Record<string, unknown> = { kind, ms, resources: result.resources.length };
    if (packStarting) {
        const pack = await packStarting;
        // The generated stacks reserve more than the default account limit (config raises it; so does this).
        const analysis = await pack.analyze(result, pack.reconcile({ "reserved-concurrency-budget": { accountConcurrencyLimit: 100000 } }));
        await pack.close();
        const mandatory = analysis.diagnostics.filter(d => d.enforcementLevel === "mandatory").length;
        if (mandatory > 0) {
            const first = analysis.diagnostics.find(d => d.enforcementLevel === "mandatory")!;
            throw new Error(`${mandatory} mandatory policy violations in a generated stack, e.g. ${first.policyName}: ${first.message}`);
        }
        Object.assign(out, { packStartMs: pack.startMs, policyMs: analysis.timings.totalMs, policyPerResourceMs: analysis.timings.perResourceMs, totalMs: elapsed() });
    }
    out.maxRssMb = process.resourceUsage().maxRSS / 1024;
    if (process.env.BENCH_CAPTURE_OUT) {
        fs.writeFileSync(process.env.BENCH_CAPTURE_OUT, JSON.stringify({ config, resources: baselineOf(result.resources) }));
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
    main().catch(err => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
