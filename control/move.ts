/**
 * Moving one customer between cells online: fence -> copy -> verify -> flip, then (after a grace period) forget.
 * A library without CLI assumptions: tools/cells.ts drives it from a terminal, an orchestrator (a Step Functions
 * Distributed Map over customers, README) can call {@link moveCustomer} once per customer.
 *
 * Every step is idempotent and the move record (control/store.ts) says how far a move got, so a move that crashed
 * anywhere is finished by running it again, or undone by {@link rollBackMove} while it has not flipped. At every
 * point exactly one cell accepts the customer's writes (none while fenced: they get 503 and are retried):
 *
 * | step       | source marker | target marker | map          | who serves                      |
 * |------------|---------------|---------------|--------------|---------------------------------|
 * | registered | -             | -             | source       | source                          |
 * | fenced     | fenced        | -             | source       | source (reads; writes 503)      |
 * | copied     | fenced        | incoming      | source       | source (reads; writes 503)      |
 * | flip (1)   | fenced        | owned         | source       | source reads; target (unrouted) |
 * | flip (2)   | fenced        | owned         | target       | target (source: writes 503)     |
 * | flip (3)   | moved -> to   | owned         | target       | target (source answers 421)     |
 * | flipped    | moved -> to   | owned         | target       | target                          |
 * | forgotten  | moved, no data| owned         | target       | target                          |
 */
import { randomUUID } from "node:crypto";
import type { ControlMap } from "../handlers/lib/control-map";
import { cellIndexFor } from "../handlers/lib/routing";
import { isHashed } from "../handlers/lib/routing-table";
import { CellTable, Row, contentHash } from "./cell-table";
import { ControlError, InjectedCrashError } from "./errors";
import { ControlStore, MoveRecord, MoveStep } from "./store";

export interface ControlPlane {
    store: ControlStore;
    /** Every cell's table, by cell id. */
    cells: Record<string, CellTable>;
    now?: () => Date;
}

/** Where the map sends a customer: its override, else the jump hash over the hashed (non-standby) cells. */
export function ownerInMap(map: ControlMap, customerId: string): string {
    const override = Object.hasOwn(map.overrides, customerId) ? map.overrides[customerId] : undefined;
    if (override !== undefined) return override;
    const hashed = map.cells.filter(c => isHashed(c.state));
    return hashed[cellIndexFor(customerId, hashed.length)]!.id;
}

/** Where the hash alone sends a customer over `cells` (standby ones skipped). */
export function hashOwner(cells: ControlMap["cells"], customerId: string): string {
    const hashed = cells.filter(c => isHashed(c.state));
    return hashed[cellIndexFor(customerId, hashed.length)]!.id;
}

export interface MoveOptions {
    /** Test and drill hook: throw {@link InjectedCrashError} right after this step (or flip sub-step) is done. */
    crashAfter?: MoveStep | "flip-target" | "flip-source";
    onStep?: (step: MoveStep) => void;
}

export interface MoveResult {
    move: MoveRecord;
    /** Whether this call found the move already under way (and resumed it). */
    resumed: boolean;
}

function cellOf(plane: ControlPlane, id: string): CellTable {
    const cell = plane.cells[id];
    if (cell === undefined) throw new ControlError(`cell ${id} is not one of the stack's cells (${Object.keys(plane.cells).join(", ")})`);
    return cell;
}

/**
 * Moves `customerId` to cell `to` (or resumes the unfinished move of the customer to `to`).
 *
 * @throws ControlError, with nothing changed, for a target that is not standby or active, a customer with no data in
 *   its cell, a customer already in `to`, another move of the customer in progress (named), an unreachable store.
 */
export async function moveCustomer(plane: ControlPlane, customerId: string, to: string, options: MoveOptions = {}): Promise<MoveResult> {
    const now = plane.now ?? (() => new Date());
    const map = await plane.store.readMap();
    if (map === undefined) throw new ControlError(`the control table ${plane.store.tableName} holds no routing map; run \`npm run cells -- status\` first`);
    const target = map.cells.find(c => c.id === to);
    if (target === undefined) throw new ControlError(`cannot move ${customerId} to ${to}: no such cell (cells: ${map.cells.map(c => c.id).join(", ")})`);
    cellOf(plane, to);

    let move = await plane.store.getMove(customerId);
    let resumed = false;
    if (move !== undefined && move.step !== "forgotten") {
        if (move.to !== to) throw new ControlError(inProgress(move));
        // Run again after it finished: nothing left to do.
        if (move.step === "flipped") return { move, resumed: true };
        resumed = true;
    } else {
        if (target.state !== "standby" && target.state !== "active") throw new ControlError(`cannot move ${customerId} to ${to}: the cell is ${target.state}; a customer can be moved only to a standby or active cell`);
        const from = ownerInMap(map, customerId);
        if (from === to) throw new ControlError(`${customerId} is already served by ${to}`);
        const source = cellOf(plane, from);
        const marker = await source.marker(customerId);
        if (marker?.state === "moved") throw new ControlError(`${customerId} has no data in ${from}: its marker says it moved to ${marker.to}`);
        if ((await source.customerRows(customerId, 1)).length === 0) throw new ControlError(`customer ${customerId} does not exist: no data in its cell ${from}`);
        const fresh: MoveRecord = { moveId: `mv-${randomUUID()}`, customerId, from, to, step: "registered", startedAt: now().toISOString() };
        const existing = await plane.store.registerMove(fresh);
        if (existing !== undefined) throw new ControlError(inProgress(existing));
        move = fresh;
        options.onStep?.("registered");
        if (options.crashAfter === "registered") throw new InjectedCrashError("registered");
    }
    await runMove(plane, move, options);
    return { move, resumed };
}

function inProgress(move: MoveRecord): string {
    return move.step === "flipped"
        ? `${move.customerId} was moved from ${move.from} to ${move.to} (${move.moveId}); run \`npm run cells -- forget\` after the grace period before moving it again`
        : `${move.customerId} is already being moved: ${move.moveId} from ${move.from} to ${move.to}, at step ${move.step}; run that move again to finish it, or roll it back`;
}

async function runMove(plane: ControlPlane, move: MoveRecord, options: MoveOptions): Promise<void> {
    const now = plane.now ?? (() => new Date());
    const source = cellOf(plane, move.from);
    const target = cellOf(plane, move.to);
    const done = async (step: MoveStep) => {
        move.step = step;
        await plane.store.saveMove(move);
        options.onStep?.(step);
        if (options.crashAfter === step) throw new InjectedCrashError(step);
    };
    const at = () => now().toISOString();
    const base = { customerId: move.customerId, moveId: move.moveId };

    if (move.step === "registered") {
        // Fence: from here every write of the customer in the source is refused atomically (lib/placement.ts).
        const fenced = await source.setMarker({ ...base, state: "fenced", to: move.to, at: at() }, { absent: true, replaces: ["owned"], resumes: ["fenced"] });
        if (!fenced.ok) throw new ControlError(`cannot fence ${move.customerId} in ${move.from}: its marker is ${JSON.stringify(fenced.found)}`);
        move.fencedAt = at();
        await done("fenced");
    }
    if (move.step === "fenced") {
        const incoming = await target.setMarker({ ...base, state: "incoming", from: move.from, at: at() }, { absent: true, replaces: ["moved"], resumes: ["incoming"] });
        if (!incoming.ok) throw new ControlError(`cannot copy ${move.customerId} into ${move.to}: its marker there is ${JSON.stringify(incoming.found)}`);
        const rows = await source.customerRows(move.customerId);
        // Whatever the target held of the customer (an earlier stay, a crashed copy) and the source no longer has.
        const stale = (await target.customerRows(move.customerId)).filter(r => !rows.some(s => s.sk === r.sk));
        await target.deleteRows(stale);
        await target.putRows(rows);
        await done("copied");
    }
    if (move.step === "copied") {
        const [a, b] = await Promise.all([source.customerRows(move.customerId), target.customerRows(move.customerId)]);
        const [ha, hb] = [contentHash(a), contentHash(b)];
        if (a.length !== b.length || ha !== hb) {
            // The copy is redone on the next run.
            move.step = "fenced";
            await plane.store.saveMove(move);
            throw new ControlError(`verification of ${move.moveId} failed: ${move.from} has ${a.length} rows (${ha}), ${move.to} ${b.length} (${hb}); run the move again to copy again`);
        }
        move.rows = a.length;
        move.hash = ha;
        await done("verified");
    }
    if (move.step === "verified") {
        // The target first: while the source is fenced, the target owning the customer makes it the only writer.
        const owned = await target.setMarker({ ...base, state: "owned", from: move.from, at: at() }, { absent: false, replaces: [], resumes: ["incoming", "owned"] });
        if (!owned.ok) throw new ControlError(`cannot flip ${move.moveId}: the marker in ${move.to} is ${JSON.stringify(owned.found)}`);
        if (options.crashAfter === "flip-target") throw new InjectedCrashError("flip-target");
        const map = await plane.store.updateMap(m => {
            const overrides = withOverride(m, move.customerId, move.to);
            const already = ownerInMap(m, move.customerId) === move.to && m.overrides[move.customerId] === overrides[move.customerId];
            return already ? undefined : { ...m, overrides };
        });
        move.epoch = map.epoch;
        const moved = await source.setMarker({ ...base, state: "moved", to: move.to, epoch: map.epoch, at: at() }, { absent: false, replaces: [], resumes: ["fenced", "moved"] });
        if (!moved.ok) throw new ControlError(`cannot flip ${move.moveId}: the marker in ${move.from} is ${JSON.stringify(moved.found)}`);
        if (options.crashAfter === "flip-source") throw new InjectedCrashError("flip-source");
        move.flippedAt = at();
        await done("flipped");
    }
}

/** The overrides with the customer sent to `to`: no override when the hash sends it there anyway. */
function withOverride(map: ControlMap, customerId: string, to: string): Record<string, string> {
    const overrides = { ...map.overrides };
    delete overrides[customerId];
    if (hashOwner(map.cells, customerId) !== to) overrides[customerId] = to;
    return overrides;
}

/**
 * Undoes an unfinished move that has not flipped: the target's copy and marker are deleted, the source unfenced.
 * @throws ControlError for a move that flipped (the target may have taken writes: run it again to finish).
 */
export async function rollBackMove(plane: ControlPlane, customerId: string): Promise<MoveRecord | undefined> {
    const move = await plane.store.getMove(customerId);
    if (move === undefined || move.step === "forgotten") return undefined;
    if (move.step === "flipped") throw new ControlError(`${move.moveId} has flipped: ${customerId} is served by ${move.to}; it cannot be rolled back`);
    const source = cellOf(plane, move.from);
    const target = cellOf(plane, move.to);
    const targetMarker = await target.marker(customerId);
    if (targetMarker?.moveId === move.moveId && targetMarker.state === "owned") {
        throw new ControlError(`${move.moveId} is half flipped (${move.to} owns ${customerId}); run the move again to finish it`);
    }
    if (targetMarker?.moveId === move.moveId) {
        await target.deleteRows(await target.customerRows(customerId));
        await target.deleteMarker(customerId, move.moveId);
    }
    await source.deleteMarker(customerId, move.moveId);
    await plane.store.dropMove(move);
    return move;
}

/**
 * After the grace period, deletes the source copies of flipped moves (the source keeps its `moved` marker, so a
 * late request is still told where the customer is). Returns the moves forgotten.
 */
export async function forgetMoves(plane: ControlPlane, graceMs: number, onMove?: (move: MoveRecord, rows: number) => void): Promise<MoveRecord[]> {
    const forgotten: MoveRecord[] = [];
    for (const move of await plane.store.listMoves()) {
        const rows = await forgetMove(plane, move, graceMs);
        if (rows === undefined) continue;
        onMove?.(move, rows);
        forgotten.push(move);
    }
    return forgotten;
}

/** Forgets one flipped move whose grace period is over: the number of source rows deleted, or `undefined` when not yet. */
export async function forgetMove(plane: ControlPlane, move: MoveRecord, graceMs: number): Promise<number | undefined> {
    const now = (plane.now ?? (() => new Date()))().getTime();
    if (move.step !== "flipped" || move.flippedAt === undefined || now - Date.parse(move.flippedAt) < graceMs) return undefined;
    const source = cellOf(plane, move.from);
    const rows: Row[] = await source.customerRows(move.customerId);
    await source.deleteRows(rows);
    move.step = "forgotten";
    await plane.store.saveMove(move);
    return rows.length;
}
