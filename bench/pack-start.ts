/**
 * The `pack-start` group of `npm run bench`: how long the policy pack takes from being spawned, as the CLI's
 * `run-policy-pack` runs it, to answering `GetAnalyzerInfo`; once loading the compiled pack (bin/, built by the
 * root's `npm ci`), once loading its TypeScript sources through the ts-node `run-policy-pack` registers (what every
 * `pulumi preview --policy-pack policies` paid before; policies/start.js takes that path when bin/ is stale).
 * The two alternate, so a change in the machine's load reaches both.
 */
import { BenchRow, median } from "./lib";

const r0 = (n: number) => Math.round(n);

export async function run(options: { samples?: number } = {}): Promise<BenchRow[]> {
    const { PolicyPack } = require("../tools/lib/analyzer") as typeof import("../tools/lib/analyzer");
    const { compiledIsCurrent } = require("../policies/build/sources") as { compiledIsCurrent(): boolean };
    if (!compiledIsCurrent()) throw new Error("policies/bin is missing or older than the pack's sources: run npm run build --prefix policies");
    const samples = options.samples ?? 5;
    const compiled: number[] = [];
    const sources: number[] = [];
    const start = async (fromSource: boolean): Promise<number> => {
        const before = process.env.CELLULAR_PACK_FROM_SOURCE;
        if (fromSource) process.env.CELLULAR_PACK_FROM_SOURCE = "1";
        else delete process.env.CELLULAR_PACK_FROM_SOURCE;
        try {
            const pack = await PolicyPack.start({ project: "cellular", stack: "dev", dryRun: true });
            await pack.close();
            return pack.startMs;
        } finally {
            if (before === undefined) delete process.env.CELLULAR_PACK_FROM_SOURCE;
            else process.env.CELLULAR_PACK_FROM_SOURCE = before;
        }
    };
    for (let i = 0; i < samples; i++) {
        compiled.push(await start(false));
        sources.push(await start(true));
    }
    const ms = median(compiled);
    const baseline = median(sources);
    return [{
        group: "pack-start", name: "policy pack start-up, compiled (bin/)", value: r0(ms), unit: "ms",
        baseline: { name: "the TypeScript sources through ts-node", value: r0(baseline) },
        target: "<= 0.35x the sources", pass: ms <= 0.35 * baseline,
    }];
}
