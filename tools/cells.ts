/**
 * The control plane from a terminal: `npm run cells -- <command> --stack <name> [--endpoint <url>] [--dry-run]`.
 *
 *   status                          the routing map (written from the stack's config when there is none), moves
 *   move <customer> --to <cell>     move one customer online (or resume its unfinished move); --rollback undoes one
 *   rebalance [<cell>]              move to the standby cell everyone the hash will send there
 *   activate [<cell>]               a last rebalance pass, then the cell joins the hash (redundant overrides dropped)
 *   forget [--grace-hours <h>]      delete the source copies of moves flipped longer ago than the grace (24 h)
 *
 * The work is control/ (a library with no CLI assumptions); this file reads arguments and the stack's config,
 * prints, and draws the progress bar. Exit codes: 0 done; 1 refused (a ControlError: nothing changed); 2 bad
 * arguments or an unknown stack.
 */
import * as path from "path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isConfigError, loadSettings } from "../components/config";
import type { StackSettings } from "../components/config/stack-settings";
import { CellTable } from "../control/cell-table";
import { ControlError, isControlError } from "../control/errors";
import { MoveEstimate, estimateMoves } from "../control/estimate";
import { ControlPlane, forgetMoves, moveCustomer, ownerInMap, rollBackMove } from "../control/move";
import { activate, planRebalance, rebalance, standbyCell } from "../control/rebalance";
import { ControlStore } from "../control/store";
import type { ControlMap } from "../handlers/lib/control-map";
import { loadPriceBook } from "./lib/cost/prices";
import { readStackConfig, StackConfigError } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");

export const USAGE = `usage: npm run cells -- <command> --stack <name> [--endpoint <url>] [--dry-run]

  status                        the routing map (the first one written from the stack's config) and the moves
  move <customer> --to <cell>   move one customer online, or resume its unfinished move (--rollback: undo it)
  rebalance [<cell>]            move to the standby cell every customer the hash will send there
  activate [<cell>]             a last rebalance pass, then the cell joins the hash
  forget [--grace-hours <h>]    delete the source copies of moves flipped over <h> hours ago (default 24)

  --stack <name>     the stack whose Pulumi.<name>.yaml names the tables
  --endpoint <url>   a local DynamoDB (e.g. http://localhost:8000) instead of AWS
  --dry-run          print what would move (customers, rows, time, DynamoDB cost) and change nothing`;

export class CellsUsageError extends Error {
    override readonly name = "CellsUsageError";
}

export interface Args {
    command: "status" | "move" | "rebalance" | "activate" | "forget";
    positional: string[];
    stack: string;
    endpoint?: string;
    dryRun: boolean;
    to?: string;
    rollback: boolean;
    graceHours: number;
}

export function parseArgs(argv: readonly string[]): Args {
    const positional: string[] = [];
    const args: Partial<Args> & { dryRun: boolean; rollback: boolean; graceHours: number } = { dryRun: false, rollback: false, graceHours: 24 };
    const value = (i: number, name: string) => {
        const v = argv[i];
        if (v === undefined || v.startsWith("--")) throw new CellsUsageError(`${name} needs a value`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        if (arg === "--stack") args.stack = value(++i, arg);
        else if (arg === "--endpoint") args.endpoint = value(++i, arg);
        else if (arg === "--to") args.to = value(++i, arg);
        else if (arg === "--grace-hours") {
            const h = Number(value(++i, arg));
            if (!Number.isFinite(h) || h < 0) throw new CellsUsageError(`--grace-hours must be a number of hours from 0, not ${argv[i]}`);
            args.graceHours = h;
        } else if (arg === "--dry-run") args.dryRun = true;
        else if (arg === "--rollback") args.rollback = true;
        else if (arg.startsWith("--")) throw new CellsUsageError(`unknown argument ${JSON.stringify(arg)}`);
        else positional.push(arg);
    }
    const [command, ...rest] = positional;
    if (!["status", "move", "rebalance", "activate", "forget"].includes(command ?? "")) throw new CellsUsageError(command === undefined ? "a command is required" : `unknown command ${JSON.stringify(command)}`);
    if (args.stack === undefined) throw new CellsUsageError("--stack is required");
    if (command === "move" && (rest.length !== 1 || (args.to === undefined && !args.rollback))) throw new CellsUsageError("move needs one customer id and --to <cell> (or --rollback)");
    return { ...args, command: command as Args["command"], positional: rest, stack: args.stack };
}

/** The plane of a stack: its control table and cell tables, on AWS or a local endpoint. */
export function planeOf(settings: StackSettings, endpoint?: string): ControlPlane {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: settings.region, ...(endpoint === undefined ? {} : { endpoint }) }));
    return {
        store: new ControlStore(client, settings.names.controlTable()),
        cells: Object.fromEntries(settings.cells.map(c => [c.id, new CellTable(client, c.id, settings.names.table(c.id))])),
    };
}

/** The map as the stack's config describes it (the first map: epoch 1). */
export function mapFromConfig(settings: StackSettings): ControlMap {
    return { version: 1, epoch: 1, cells: settings.cells.map(c => ({ id: c.id, state: c.state })), overrides: { ...settings.router.pinned } };
}

export function progressBar(done: number, total: number, width = 30): string {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

function formatEstimate(e: MoveEstimate): string {
    return `${e.customers} customer(s), ${e.rows} row(s); about ${e.seconds.toFixed(1)} s one after another; ` +
        `${e.readUnits} read and ${e.writeUnits} write request units, about $${e.usd.toFixed(6)} on demand`;
}

export interface Output {
    log(text: string): void;
    error(text: string): void;
    progress(text: string): void;
}

const CONSOLE: Output = { log: t => console.log(t), error: t => console.error(t), progress: t => process.stderr.write(`\r${t}`) };

export async function run(args: Args, out: Output = CONSOLE, dir = ROOT, plane?: ControlPlane): Promise<number> {
    const stackConfig = readStackConfig(dir, args.stack);
    const settings = loadSettings(stackConfig.config, { project: stackConfig.project, stack: stackConfig.stack });
    const p = plane ?? planeOf(settings, args.endpoint);
    const book = loadPriceBook(settings.region);
    const prices = { readUnitUsd: book.prices["dynamodb.readRequestUnit"].tiers[0]!.usd, writeUnitUsd: book.prices["dynamodb.writeRequestUnit"].tiers[0]!.usd };
    const estimate = async (moves: Array<{ customerId: string; from: string; rows: number }>) =>
        estimateMoves(await Promise.all(moves.map(async m => ({ rows: m.rows, rowBytes: await averageRowBytes(p, m.from, m.customerId) }))), prices);

    switch (args.command) {
        case "status": {
            let map = await p.store.readMap();
            if (map === undefined) {
                if (args.dryRun) {
                    out.log(`no routing map yet; would write epoch 1 from the ${args.stack} stack's config`);
                    return 0;
                }
                await p.store.swapMap(0, mapFromConfig(settings));
                map = (await p.store.readMap())!;
                out.log(`wrote the first routing map (epoch 1) from the ${args.stack} stack's config`);
            }
            out.log(`routing map epoch ${map.epoch}: ${map.cells.map(c => `${c.id} ${c.state}`).join(", ")}; ${Object.keys(map.overrides).length} override(s)`);
            for (const m of (await p.store.listMoves()).filter(m => m.step !== "forgotten")) {
                out.log(`  ${m.moveId}  ${m.customerId}  ${m.from} -> ${m.to}  ${m.step}${m.flippedAt ? ` (flipped ${m.flippedAt})` : ""}`);
            }
            return 0;
        }
        case "move": {
            const customer = args.positional[0]!;
            if (args.rollback) {
                if (args.dryRun) {
                    const move = await p.store.getMove(customer);
                    out.log(move === undefined ? `no move of ${customer} to roll back` : `would roll back ${move.moveId} (${move.from} -> ${move.to}, at ${move.step})`);
                    return 0;
                }
                const undone = await rollBackMove(p, customer);
                out.log(undone === undefined ? `no unfinished move of ${customer}` : `rolled back ${undone.moveId}: ${customer} stays in ${undone.from}`);
                return 0;
            }
            const map = await p.store.readMap();
            if (map === undefined) throw new ControlError("the control table holds no routing map; run `npm run cells -- status` first");
            const from = ownerInMap(map, customer);
            if (args.dryRun) {
                const rows = p.cells[from] === undefined ? 0 : (await p.cells[from]!.customerRows(customer)).length;
                out.log(`would move ${customer} from ${from} to ${args.to}: ${formatEstimate(await estimate([{ customerId: customer, from, rows }]))}`);
                return 0;
            }
            const { move, resumed } = await moveCustomer(p, customer, args.to!, { onStep: step => out.progress(`${customer}: ${step}   `) });
            out.progress("\n");
            out.log(`${resumed ? "resumed and finished" : "moved"} ${move.moveId}: ${customer} ${move.from} -> ${move.to}, ${move.rows ?? "?"} rows verified, map epoch ${move.epoch}`);
            return 0;
        }
        case "rebalance":
        case "activate": {
            const map = await p.store.readMap();
            if (map === undefined) throw new ControlError("the control table holds no routing map; run `npm run cells -- status` first");
            const cell = standbyCell(map, args.positional[0]);
            if (args.dryRun) {
                const planned = await planRebalance(p, cell);
                out.log(`would move ${planned.length} customer(s) to ${cell}${args.command === "activate" ? `, then make ${cell} active` : ""}: ${formatEstimate(await estimate(planned))}`);
                for (const m of planned.slice(0, 20)) out.log(`  ${m.customerId}  ${m.from} -> ${m.to}  ${m.rows} rows`);
                if (planned.length > 20) out.log(`  ... and ${planned.length - 20} more`);
                return 0;
            }
            const onProgress = (pr: { pass: number; done: number; total: number }) => out.progress(`pass ${pr.pass} ${progressBar(pr.done, pr.total)}`);
            if (args.command === "rebalance") {
                const moved = await rebalance(p, cell, { onProgress });
                out.progress("\n");
                out.log(`moved ${moved.length} customer(s) to ${cell}; run \`npm run cells -- activate ${cell}\` next`);
            } else {
                const { map: next, moved, dropped } = await activate(p, cell, { onProgress });
                out.progress("\n");
                out.log(`moved ${moved.length} more customer(s); ${cell} is active at epoch ${next.epoch}; dropped ${dropped.length} redundant override(s). ` +
                    `Set cellular:cells[].state of ${cell} to active in Pulumi.${args.stack}.yaml for the next deploy.`);
            }
            return 0;
        }
        case "forget": {
            const graceMs = args.graceHours * 3_600_000;
            if (args.dryRun) {
                const now = Date.now();
                const due = (await p.store.listMoves()).filter(m => m.step === "flipped" && m.flippedAt !== undefined && now - Date.parse(m.flippedAt) >= graceMs);
                out.log(`would delete the source copies of ${due.length} move(s): ${due.map(m => `${m.customerId} in ${m.from}`).join(", ") || "none"}`);
                return 0;
            }
            const forgotten = await forgetMoves(p, graceMs, (m, rows) => out.log(`forgot ${m.customerId} in ${m.from}: ${rows} rows deleted`));
            out.log(`${forgotten.length} move(s) forgotten`);
            return 0;
        }
    }
}

async function averageRowBytes(plane: ControlPlane, cell: string, customerId: string): Promise<number> {
    const rows = await plane.cells[cell]?.customerRows(customerId) ?? [];
    if (rows.length === 0) return 0;
    return Math.ceil(rows.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) / rows.length);
}

export async function main(argv: readonly string[], out: Output = CONSOLE, dir = ROOT): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (err) {
        if (err instanceof CellsUsageError) {
            out.error(`error: ${err.message}\n\n${USAGE}`);
            return 2;
        }
        throw err;
    }
    try {
        return await run(args, out, dir);
    } catch (err) {
        if (err instanceof StackConfigError) {
            out.error(`error: ${err.message}`);
            return 2;
        }
        if (isConfigError(err)) {
            out.error(`error: the ${args.stack} stack's ${err.message}`);
            return 1;
        }
        if (isControlError(err)) {
            out.error(`error: ${err.message}`);
            return 1;
        }
        throw err;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(code => { process.exitCode = code; }, err => {
        console.error(err);
        process.exitCode = 1;
    });
}
