/**
 * What moving customers costs, before it is done (the `--dry-run` of `npm run cells`): DynamoDB request units per
 * step of control/move.ts, priced with the on-demand prices of tools/lib/cost/prices, and a time from the number of
 * round trips. Pure.
 */

export interface MoveSize {
    /** Data rows of the customer (items, counters, notifications, processed-message marks). */
    rows: number;
    /** Average row size in bytes. */
    rowBytes: number;
}

export interface StepUnits {
    step: "fence" | "copy" | "verify" | "flip" | "forget";
    readUnits: number;
    writeUnits: number;
    /** DynamoDB round trips, run one after another. */
    calls: number;
}

const KB = 1024;
const QUERY_PAGE_BYTES = 1024 * KB;
const BATCH = 25;

/** Per step, for one customer (strongly consistent reads; the control table's small writes count 1 unit each). */
export function moveUnits({ rows, rowBytes }: MoveSize): StepUnits[] {
    const partitionRead = Math.max(1, Math.ceil((rows * rowBytes) / (4 * KB)));
    const pages = Math.max(1, Math.ceil((rows * rowBytes) / QUERY_PAGE_BYTES));
    const rowWrite = Math.max(1, Math.ceil(rowBytes / KB));
    const batches = Math.ceil(rows / BATCH);
    return [
        // map, move record, source marker: read; register, fence, save
        { step: "fence", readUnits: 4, writeUnits: 3, calls: 7 },
        // target marker, source and target partitions read, rows written, save
        { step: "copy", readUnits: 2 * partitionRead, writeUnits: 2 + rows * rowWrite, calls: 2 + 2 * pages + batches },
        { step: "verify", readUnits: 2 * partitionRead, writeUnits: 1, calls: 2 * pages + 1 },
        // target owned, map compare-and-swap, source moved, save
        { step: "flip", readUnits: 1, writeUnits: 4, calls: 5 },
        { step: "forget", readUnits: partitionRead, writeUnits: 1 + rows * rowWrite, calls: pages + batches + 1 },
    ];
}

export interface MoveEstimate {
    customers: number;
    rows: number;
    readUnits: number;
    writeUnits: number;
    usd: number;
    /** At `callMs` per round trip, one customer after another. */
    seconds: number;
}

export function estimateMoves(sizes: readonly MoveSize[], prices: { readUnitUsd: number; writeUnitUsd: number }, callMs = 10): MoveEstimate {
    let readUnits = 0;
    let writeUnits = 0;
    let calls = 0;
    for (const size of sizes) {
        for (const s of moveUnits(size)) {
            readUnits += s.readUnits;
            writeUnits += s.writeUnits;
            calls += s.calls;
        }
    }
    return {
        customers: sizes.length,
        rows: sizes.reduce((n, s) => n + s.rows, 0),
        readUnits, writeUnits,
        usd: readUnits * prices.readUnitUsd + writeUnits * prices.writeUnitUsd,
        seconds: (calls * callMs) / 1000,
    };
}
