/**
 * Routing benchmark: the jump-hash scheme (handlers/lib/routing.ts) against the seed's md5 % N, measured in the
 * same run over the same random customer ids.
 *
 * - decision time for N = 3, 10, 100 (target < 2 µs): the median of 5 runs, each over its own fifth of the
 *   1,000,000 ids, the two schemes alternating run by run so drift on a shared machine hits both alike;
 * - keys moved going from N to N+1 cells (target <= 1.1/(N+1); mod-N moves N/(N+1));
 * - load balance: busiest cell / mean over 1,000,000 ids (target <= 1.05).
 *
 * `node --import tsx bench/routing.ts` prints the rows.
 */
import { randomBytes } from "node:crypto";
import { BenchRow, median } from "./lib";
import {
    buildRoutingTable,
    cellIndexFor,
    compileRoutingTable,
    jumpConsistentHash,
    md5Key,
    md5ModN,
    routeCustomer,
    routingKey,
} from "../handlers/lib/routing";

const GROUP = "routing";
const CELL_COUNTS = [3, 10, 100] as const;

export interface RoutingBenchOptions {
    /** Random customer ids (default 1,000,000). */
    keys?: number;
    /** Timing runs per scheme and N, each over its own slice of the ids; the median is reported (default 5). */
    runs?: number;
}

/** Random customer ids like `c` + 12 base64url characters (valid ids; 72 random bits each). */
function randomCustomerIds(count: number): string[] {
    const bytes = randomBytes(count * 9);
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) ids[i] = `c${bytes.toString("base64url", i * 9, i * 9 + 9)}`;
    return ids;
}

/** Nanoseconds per call of `decide` over `ids` (one pass). */
function timePerDecision(ids: readonly string[], decide: (id: string) => number): number {
    let sink = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < ids.length; i++) sink += decide(ids[i]!);
    const ns = Number(process.hrtime.bigint() - start);
    if (sink < 0) throw new Error("unreachable: keeps the loop from being optimised away");
    return ns / ids.length;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export async function run(options: RoutingBenchOptions = {}): Promise<BenchRow[]> {
    const count = options.keys ?? 1_000_000;
    const runs = options.runs ?? 5;
    const ids = randomCustomerIds(count);
    const slice = Math.floor(count / runs);
    const slices = Array.from({ length: runs }, (_, r) => ids.slice(r * slice, (r + 1) * slice));
    const warmUp = ids.slice(0, Math.min(count, 50_000));
    const rows: BenchRow[] = [];

    for (const n of CELL_COUNTS) {
        const jump: number[] = [];
        const md5: number[] = [];
        timePerDecision(warmUp, id => cellIndexFor(id, n));
        timePerDecision(warmUp, id => md5ModN(id, n));
        for (const part of slices) {
            jump.push(timePerDecision(part, id => cellIndexFor(id, n)));
            md5.push(timePerDecision(part, id => md5ModN(id, n)));
        }
        const value = median(jump) / 1000;
        const baseline = median(md5) / 1000;
        rows.push({
            group: GROUP,
            name: `decision time, N=${n} (sha256 + jump hash)`,
            value: round(value, 3),
            unit: "µs",
            baseline: { name: `md5 % N, N=${n}`, value: round(baseline, 3) },
            ratio: round(value / baseline, 2),
            target: "< 2 µs",
            pass: value < 2,
        });
    }

    // The whole decision the router makes: pin lookup, then the hash (12 cells, 100 pins, none of these ids pinned).
    {
        const table = compileRoutingTable(buildRoutingTable({
            mode: "invoke",
            cells: Array.from({ length: 12 }, (_, i) => ({ id: `cell-${i}`, state: "active" as const, functionName: `f-${i}:live` })),
            pinned: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`pinned-${i}`, `cell-${i % 12}`])),
        }));
        const full: number[] = [];
        const md5: number[] = [];
        timePerDecision(warmUp, id => routeCustomer(table, id).index);
        for (const part of slices) {
            full.push(timePerDecision(part, id => routeCustomer(table, id).index));
            md5.push(timePerDecision(part, id => md5ModN(id, 12)));
        }
        const value = median(full) / 1000;
        const baseline = median(md5) / 1000;
        rows.push({
            group: GROUP,
            name: "decision time, N=12 with 100 pins (routeCustomer)",
            value: round(value, 3),
            unit: "µs",
            baseline: { name: "md5 % N, N=12", value: round(baseline, 3) },
            ratio: round(value / baseline, 2),
            target: "< 2 µs",
            pass: value < 2,
        });
    }

    // Movement and balance: hash every id once. cellIndexFor(id, n) is jumpConsistentHash(...routingKey(id), n)
    // and md5ModN(id, n) is md5Key(id) % n (tests/routing.test.ts checks both).
    const hi = new Uint32Array(count);
    const lo = new Uint32Array(count);
    const md5Word = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
        const [h, l] = routingKey(ids[i]!);
        hi[i] = h;
        lo[i] = l;
        md5Word[i] = md5Key(ids[i]!);
    }

    for (const n of CELL_COUNTS) {
        let moved = 0;
        let movedModN = 0;
        for (let i = 0; i < count; i++) {
            if (jumpConsistentHash(hi[i]!, lo[i]!, n) !== jumpConsistentHash(hi[i]!, lo[i]!, n + 1)) moved++;
            if (md5Word[i]! % n !== md5Word[i]! % (n + 1)) movedModN++;
        }
        const limit = 1.1 / (n + 1);
        rows.push({
            group: GROUP,
            name: `keys moved ${n}→${n + 1} cells (jump hash)`,
            value: round((100 * moved) / count, 3),
            unit: "%",
            baseline: { name: `md5 % N, ${n}→${n + 1}`, value: round((100 * movedModN) / count, 3) },
            ratio: round(moved / movedModN, 4),
            target: `<= 1.1/(N+1) = ${round(100 * limit, 3)}% (ideal ${round(100 / (n + 1), 3)}%)`,
            pass: moved / count <= limit,
        });
    }

    for (const n of CELL_COUNTS) {
        const jumpCounts = new Array<number>(n).fill(0);
        const modCounts = new Array<number>(n).fill(0);
        for (let i = 0; i < count; i++) {
            jumpCounts[jumpConsistentHash(hi[i]!, lo[i]!, n)]!++;
            modCounts[md5Word[i]! % n]!++;
        }
        const mean = count / n;
        const value = Math.max(...jumpCounts) / mean;
        const baseline = Math.max(...modCounts) / mean;
        rows.push({
            group: GROUP,
            name: `load max/mean, N=${n} (jump hash)`,
            value: round(value, 4),
            unit: "x",
            baseline: { name: `md5 % N, N=${n}`, value: round(baseline, 4) },
            ratio: round(value / baseline, 4),
            target: "<= 1.05",
            pass: value <= 1.05,
        });
    }
    return rows;
}

function printTable(rows: BenchRow[]): void {
    const header = ["name", "value", "baseline", "ratio", "target", "pass"];
    const lines = rows.map(r => [
        r.name,
        `${r.value} ${r.unit}`,
        r.baseline ? `${r.baseline.value} ${r.unit} (${r.baseline.name})` : "",
        r.ratio === undefined ? "" : String(r.ratio),
        r.target ?? "",
        r.pass === undefined ? "" : r.pass ? "yes" : "NO",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)));
    const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    console.log(format(header));
    console.log(widths.map(w => "-".repeat(w)).join("  "));
    for (const l of lines) console.log(format(l));
}

if (require.main === module) {
    run().then(rows => {
        printTable(rows);
        if (rows.some(r => r.pass === false)) process.exitCode = 1;
    }).catch(err => {
        console.error(err);
        process.exitCode = 1;
    });
}
