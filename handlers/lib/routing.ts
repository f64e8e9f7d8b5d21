/**
 * The routing decision: which cell serves a customer. Pure (node:crypto only, no AWS), shared by the router, the
 * program (which writes the routing table) and the tools.
 *
 * Scheme: key = the first 64 bits of sha256(customer id) (UTF-8, big-endian); cell index = jump consistent hash
 * (Lamping & Veach 2014, the published algorithm and constants) of that key over the ordered cell list; a pinned
 * customer overrides the hash.
 *
 * Why jump hash over the ordered cells rather than a table of logical buckets:
 * - The routing table (routing-table.ts) is just the ordered cell list: there is no bucket -> cell table to
 *   generate, ship, keep in step between the program and the router, or migrate. The order is the only state.
 * - Going from N to N+1 cells moves the ideal 1/(N+1) of the customers, all of them to the new cell and none
 *   between old cells; load is uniform in expectation (no virtual-node tuning, unlike a ring); O(ln N) time, no
 *   memory.
 * - What it cannot do — remove or reorder a cell — the architecture forbids anyway: a cell holds its customers'
 *   data, so cells are only appended, and a cell taken out of service is `disabled` (its customers get 503), never
 *   dropped from the hash. Moving individual customers (a migration, a heavy or quarantined customer) is what pins
 *   are for; a bucket table would only move customers in bucket-sized groups.
 * - The inputs are standard: any sha256 plus any reference jump-hash implementation (Go, Rust, Python,
 *   ClickHouse's jumpConsistentHash) reproduces a decision, so a control plane in another language agrees with
 *   the router.
 */
import * as crypto from "node:crypto";
import { CUSTOMER_ID_RULE, isValidCustomerId } from "./identifiers";
import { CellState, ROUTED_CELL_STATES, RoutedCell, RoutingMode, RoutingTable, isHashed } from "./routing-table";

// ---------------------------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------------------------

type HexDigest = (algorithm: "sha256" | "md5", data: string) => string;

// `crypto.hash` (Node >= 20.12, and the nodejs22.x runtime) is about 4x faster than createHash for short inputs;
// hex output parsed with parseInt is faster again than "buffer" output (no Buffer allocation).
const hexDigest: HexDigest = typeof crypto.hash === "function"
    ? (algorithm, data) => crypto.hash(algorithm, data, "hex")
    : (algorithm, data) => crypto.createHash(algorithm).update(data, "utf8").digest("hex");

/** The 64-bit routing key of a customer id as two uint32 halves: the first 8 bytes of sha256(id), big-endian. */
export function routingKey(customerId: string): [hi: number, lo: number] {
    const hex = hexDigest("sha256", customerId);
    return [parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8, 16), 16)];
}

// The multiplier of the reference implementation's 64-bit LCG, 2862933555777941757, split for 32-bit arithmetic.
const K_HI = 0x27bb2ee6;
const K_LO = 0x87b0b0fd;
const K_LO0 = K_LO & 0xffff;
const K_LO1 = K_LO >>> 16;
const TWO_POW_31 = 2147483648;

/**
 * Jump consistent hash of the 64-bit key `hi:lo` into `n` buckets, bit for bit the published algorithm:
 *
 * ```c
 * while (j < n) { b = j; key = key * 2862933555777941757ULL + 1;
 *                 j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1)); }
 * ```
 * The 64-bit multiply is done on 16/32-bit pieces (exact in doubles); BigInt would be ~10x slower.
 */
export function jumpConsistentHash(hi: number, lo: number, n: number): number {
    if (!Number.isInteger(n) || n < 1 || n >= TWO_POW_31) throw new RangeError(`the number of cells must be an integer from 1 to 2^31-1, not ${n}`);
    let b = -1;
    let j = 0;
    while (j < n) {
        b = j;
        // key = key * K + 1 (mod 2^64). lo * K_LO needs its full 64-bit product; the cross terms only their low 32.
        const a0 = lo & 0xffff;
        const a1 = lo >>> 16;
        const p0 = a0 * K_LO0;
        const mid = a1 * K_LO0 + a0 * K_LO1 + (p0 >>> 16);
        const carry = a1 * K_LO1 + Math.floor(mid / 65536);
        hi = (carry + Math.imul(hi, K_LO) + Math.imul(lo, K_HI)) >>> 0;
        lo = (((mid & 0xffff) << 16) | (p0 & 0xffff)) >>> 0;
        lo = (lo + 1) >>> 0;
        if (lo === 0) hi = (hi + 1) >>> 0;
        j = Math.floor((b + 1) * (TWO_POW_31 / ((hi >>> 1) + 1)));
    }
    return b;
}

/** The index (0..n-1) of the cell that serves `customerId` among `n` cells, ignoring pins. */
export function cellIndexFor(customerId: string, n: number): number {
    const hex = hexDigest("sha256", customerId);
    return jumpConsistentHash(parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8, 16), 16), n);
}

/**
 * The seed project's scheme, kept as the baseline of the benchmark and tests: md5(customerId) mod N, the digest's
 * first 32 bits read big-endian (the modulo bias of 2^32 mod N is negligible for N <= 1000).
 * Changing N remaps N/(N+1) of the customers; do not route with it.
 */
export function md5ModN(customerId: string, n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`the number of cells must be a positive integer, not ${n}`);
    return md5Key(customerId) % n;
}

/** The number {@link md5ModN} takes modulo N: the first 32 bits of md5(customerId), big-endian. */
export function md5Key(customerId: string): number {
    return parseInt(hexDigest("md5", customerId).slice(0, 8), 16);
}

// ---------------------------------------------------------------------------------------------------------------
// Routing tables
// ---------------------------------------------------------------------------------------------------------------

/** A routing table that is not usable; carries every problem found, one per line. */
export class RoutingTableError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid routing table (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
        this.name = "RoutingTableError";
    }
}

export interface RoutingTableInput {
    mode: RoutingMode;
    /** In hash order: cells are only ever appended. */
    cells: Array<{ id: string; state: CellState; functionName?: string; endpoint?: string; budgetMs?: number }>;
    /** customer id -> cell id. */
    pinned: Record<string, string>;
}

/**
 * The routing table the router is deployed with, validated: unique cell ids, pins naming known cells with valid
 * customer ids, a function name on every cell in invoke mode and an endpoint URL in redirect mode.
 * Called by the program (to write routing.json) and by tools/route.ts, so both route the same way.
 *
 * @throws RoutingTableError listing every problem.
 */
export function buildRoutingTable(input: RoutingTableInput): RoutingTable {
    const table: RoutingTable = {
        version: 1,
        mode: input.mode,
        cells: input.cells.map(c => ({
            id: c.id,
            state: c.state,
            ...(c.functionName === undefined ? {} : { functionName: c.functionName }),
            ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
            ...(c.budgetMs === undefined ? {} : { budgetMs: c.budgetMs }),
        })),
        pinned: { ...input.pinned },
    };
    return parseRoutingTable(table);
}

function show(value: unknown): string {
    if (value === undefined) return "is missing";
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return `is ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ENDPOINT = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/;

/**
 * Checks an untyped value (e.g. routing.json as parsed) and returns it as a RoutingTable.
 *
 * @throws RoutingTableError listing every problem.
 */
export function parseRoutingTable(value: unknown): RoutingTable {
    const problems: string[] = [];
    const add = (path: string, v: unknown, allowed: string) => problems.push(`${path} ${show(v)}; ${allowed}`);
    if (!isRecord(value)) throw new RoutingTableError([`the routing table ${show(value)}; expected an object with version, mode, cells and pinned`]);

    if (value.version !== 1) add("version", value.version, "expected 1");
    const mode = value.mode;
    if (mode !== "invoke" && mode !== "redirect") add("mode", mode, "expected invoke or redirect");

    const cells: RoutedCell[] = [];
    const firstIndex = new Map<string, number>();
    if (!Array.isArray(value.cells) || value.cells.length === 0) {
        add("cells", value.cells, "expected a non-empty list of cells in hash order");
    } else {
        value.cells.forEach((raw: unknown, i: number) => {
            const at = `cells[${i}]`;
            if (!isRecord(raw)) {
                add(at, raw, "expected an object with id and state");
                return;
            }
            const { id, state, functionName, endpoint, budgetMs } = raw;
            if (typeof id !== "string" || id.length === 0) {
                add(`${at}.id`, id, "expected a non-empty cell id");
            } else if (firstIndex.has(id)) {
                add(`${at}.id`, id, `cell ids must be unique; cells[${firstIndex.get(id)}] has it too`);
            } else {
                firstIndex.set(id, i);
            }
            if (!ROUTED_CELL_STATES.includes(state as CellState)) add(`${at}.state`, state, `expected ${ROUTED_CELL_STATES.join(", ")}`);
            if (functionName !== undefined && (typeof functionName !== "string" || functionName.length === 0)) {
                add(`${at}.functionName`, functionName, "expected a non-empty function name");
            } else if (functionName === undefined && mode === "invoke") {
                add(`${at}.functionName`, functionName, "invoke mode needs the (alias-qualified) name of the cell's API function");
            }
            if (endpoint !== undefined && (typeof endpoint !== "string" || !ENDPOINT.test(endpoint) || endpoint.endsWith("/"))) {
                add(`${at}.endpoint`, endpoint, "expected an http(s) URL without a trailing slash, query or fragment");
            } else if (endpoint === undefined && mode === "redirect") {
                add(`${at}.endpoint`, endpoint, "redirect mode needs the base URL of the cell's own API");
            }
            if (budgetMs !== undefined && !(typeof budgetMs === "number" && Number.isSafeInteger(budgetMs) && budgetMs > 0)) {
                add(`${at}.budgetMs`, budgetMs, "expected the cell's time budget: a positive whole number of milliseconds");
            }
            cells.push({
                id: id as string,
                state: state as CellState,
                ...(typeof functionName === "string" ? { functionName } : {}),
                ...(typeof endpoint === "string" ? { endpoint } : {}),
                ...(typeof budgetMs === "number" ? { budgetMs } : {}),
            });
        });
    }

    const pinned: Record<string, string> = {};
    if (!isRecord(value.pinned)) {
        add("pinned", value.pinned, "expected a map of customer ids to cell ids ({} for none)");
    } else {
        for (const [customer, cellId] of Object.entries(value.pinned)) {
            if (!isValidCustomerId(customer)) {
                add("pinned", customer, CUSTOMER_ID_RULE);
            } else if (typeof cellId !== "string" || !firstIndex.has(cellId)) {
                const known = [...firstIndex.keys()];
                add(`pinned.${customer}`, cellId, `expected one of the cell ids: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", ..." : ""}`);
            } else {
                pinned[customer] = cellId;
            }
        }
    }

    if (problems.length === 0 && !cells.some(c => isHashed(c.state))) add("cells", cells.map(c => c.state), "at least one cell must be active or disabled: standby cells are not part of the hash");
    if (problems.length > 0) throw new RoutingTableError(problems);
    return { version: 1, mode: mode as RoutingMode, cells, pinned };
}

// A registered symbol brands compiled tables, so a table compiled by one copy of this module is recognised by
// another (a test runner or the program runner may load the module twice).
const COMPILED: unique symbol = Symbol.for("cellular.routing.CompiledRoutingTable");

/** A routing table prepared for fast decisions: validated once, pins in a Map. */
export class CompiledRoutingTable {
    readonly [COMPILED] = true as const;
    readonly mode: RoutingMode;
    readonly cells: readonly RoutedCell[];
    /** customer id -> index into `cells`. */
    readonly pins: ReadonlyMap<string, number>;
    /** The indexes into `cells` of the hash's buckets, in order (every cell but the standby ones). */
    readonly hashed: readonly number[];

    /** @throws RoutingTableError when `table` is not a valid routing table. */
    constructor(table: RoutingTable) {
        const valid = parseRoutingTable(table);
        this.mode = valid.mode;
        this.cells = Object.freeze(valid.cells.map(c => Object.freeze(c)));
        const index = new Map(valid.cells.map((c, i) => [c.id, i]));
        this.pins = new Map(Object.entries(valid.pinned).map(([customer, cellId]) => [customer, index.get(cellId)!]));
        this.hashed = Object.freeze(valid.cells.flatMap((c, i) => (isHashed(c.state) ? [i] : [])));
    }
}

export function compileRoutingTable(table: RoutingTable): CompiledRoutingTable {
    return new CompiledRoutingTable(table);
}

export function isCompiledRoutingTable(value: unknown): value is CompiledRoutingTable {
    return typeof value === "object" && value !== null && (value as { [COMPILED]?: unknown })[COMPILED] === true;
}

/** True for the error this module throws (also across module copies). */
export function isRoutingTableError(err: unknown): err is RoutingTableError {
    return err instanceof RoutingTableError || (err instanceof Error && err.name === "RoutingTableError" && Array.isArray((err as RoutingTableError).problems));
}

export interface RouteDecision {
    cell: RoutedCell;
    /** The cell's position in the table. */
    index: number;
    reason: "pinned" | "hash";
}

const compiledCache = new WeakMap<RoutingTable, CompiledRoutingTable>();

/**
 * The cell that serves `customerId`: its pin if it has one, else the jump hash over every cell but the standby
 * ones (in table order), disabled ones included (a customer is never silently sent to a cell that does not hold their data; the caller answers 503
 * for a disabled cell). Callers validate the id first ({@link isValidCustomerId}); any string routes.
 *
 * Pass a {@link CompiledRoutingTable} on a hot path; a plain table is compiled on first use and cached (so it must
 * not be changed afterwards).
 */
export function routeCustomer(table: RoutingTable | CompiledRoutingTable, customerId: string): RouteDecision {
    let compiled: CompiledRoutingTable;
    if (isCompiledRoutingTable(table)) {
        compiled = table;
    } else {
        const cached = compiledCache.get(table);
        compiled = cached ?? new CompiledRoutingTable(table);
        if (cached === undefined) compiledCache.set(table, compiled);
    }
    const pinned = compiled.pins.get(customerId);
    if (pinned !== undefined) return { cell: compiled.cells[pinned]!, index: pinned, reason: "pinned" };
    const index = compiled.hashed[cellIndexFor(customerId, compiled.hashed.length)]!;
    return { cell: compiled.cells[index]!, index, reason: "hash" };
}
