/**
 * The resources of a stack that hold data, and the guard that refuses a configuration that would delete one of them.
 *
 * Every cell records what holds its data in an SSM parameter (`/<project>/<stack>/data/<cell>`, a JSON list of
 * kinds and physical names; Names.dataParameter), and the identity its user pool (`/<project>/<stack>/data/identity`). Before anything is registered,
 * the program reads those parameters back — what the last deployment left — and compares them with what this
 * configuration would create: a table, queue, bucket, stream or user pool that was deployed and that this
 * configuration no longer has (its cell removed, its source turned off, or its name changed, e.g. a queue turned
 * FIFO, which AWS cannot convert: the provider replaces it) would be deleted with its data by `pulumi up`. Each is a
 * problem naming the setting that does it, unless it is listed in `cellular:acceptDataLoss`. Pure.
 */
import { cellNames } from "./cell-inventory";
import type { CellSettings } from "./config/cell-settings";
import type { StackSettings } from "./config/stack-settings";
import { ACCOUNT_ID_PLACEHOLDER, IDENTITY_OWNER, NameKind } from "./names";

/** The kinds of physical name whose resource holds data. */
export const DATA_KINDS: ReadonlySet<NameKind> = new Set<NameKind>(["table", "queue", "bucket", "kinesisStream", "userPool"]);

/** What a kind of data-holding resource is, and what it loses when deleted, for a message. */
const HOLDS: Partial<Record<NameKind, string>> = {
    table: "DynamoDB table (and every item in it)",
    queue: "SQS queue (and the messages in it)",
    bucket: "S3 bucket (and its objects)",
    kinesisStream: "Kinesis stream (and the records in it)",
    userPool: "Cognito user pool (and every user in it)",
};

/** One resource that holds data: who owns it and which setting decides that it exists and what it is called. */
export interface DataHolder {
    /** Physical name; a bucket's carries {@link ACCOUNT_ID_PLACEHOLDER} for the account id. */
    name: string;
    kind: NameKind;
    /** A cell id, or {@link IDENTITY_OWNER}. */
    owner: string;
}

/** What one cell holds data in. */
export function cellHolders(settings: StackSettings, cell: CellSettings): DataHolder[] {
    return cellNames(settings.names, cell, settings.router.mode)
        .filter(name => DATA_KINDS.has(name.kind))
        .map(name => ({ ...name, owner: cell.id }));
}

/** What the identity holds data in: its user pool, when the stack has one. */
export function identityHolders(settings: StackSettings): DataHolder[] {
    return settings.auth.cognito ? [{ name: settings.names.userPool(), kind: "userPool", owner: IDENTITY_OWNER }] : [];
}

/** Every resource of the stack that holds data. */
export function dataHolders(settings: StackSettings): DataHolder[] {
    return [...settings.cells.flatMap(cell => cellHolders(settings, cell)), ...identityHolders(settings)];
}

/** What the last deployment recorded of one owner. */
export interface Held {
    kind: NameKind;
    name: string;
}

/** The value of an owner's parameter: what it holds data in, sorted by name. */
export function encodeHeld(holders: DataHolder[]): string {
    return JSON.stringify(holders
        .map((h): Held => ({ kind: h.kind, name: h.name }))
        .sort((a, b) => a.name.localeCompare(b.name)));
}

function isHeldList(value: unknown): value is Held[] {
    return Array.isArray(value) && value.every(v => typeof v === "object" && v !== null
        && typeof (v as Held).name === "string" && DATA_KINDS.has((v as Held).kind));
}

/** What the last deployment recorded, by owner; a parameter that is not such a record is reported, not ignored. */
export function decodeDeployed(parameters: Record<string, string>, path: string): { held: Map<string, Held[]>; problems: string[] } {
    const held = new Map<string, Held[]>();
    const problems: string[] = [];
    for (const [name, value] of Object.entries(parameters)) {
        if (!name.startsWith(`${path}/`)) continue;
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!isHeldList(parsed)) {
            problems.push(`the SSM parameter ${name} is ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)}; ` +
                "expected the list of resources that hold data the last deployment wrote there: restore it, or delete it to skip the check for its owner");
            continue;
        }
        held.set(name.slice(path.length + 1), parsed);
    }
    return { held, problems };
}

/**
 * The problems of a configuration that would delete data: each deployed holder this configuration does not have,
 * and each `acceptDataLoss` entry that accepts nothing (it would silently accept a later loss).
 *
 * @param accountId replaces the placeholder in bucket names, in messages and in `acceptDataLoss`.
 */
export function dataLossProblems(deployed: Map<string, Held[]>, settings: StackSettings, accountId: string): string[] {
    const real = (name: string) => name.split(ACCOUNT_ID_PLACEHOLDER).join(accountId);
    const holders = dataHolders(settings).map(h => ({ ...h, name: real(h.name) }));
    const current = new Set(holders.map(h => h.name));
    const accepted = new Set(settings.acceptDataLoss);
    const cells = new Map(settings.cells.map((c, i) => [c.id, i]));
    const problems: string[] = [];
    const used = new Set<string>();
    for (const [owner, held] of [...deployed].sort(([a], [b]) => a.localeCompare(b))) {
        for (const { kind, name: template } of held) {
            const name = real(template);
            if (current.has(name)) continue;
            if (accepted.has(name)) {
                used.add(name);
                continue;
            }
            const successor = holders.find(h => h.owner === owner && h.kind === kind && renamed(name, h.name));
            const settingsOf = `cell ${owner}'s settings (cellular:cells[${cells.get(owner)}] or cellular:defaults)`;
            const why = owner === IDENTITY_OWNER
                ? "cellular:auth.cognito is no longer true"
                : !cells.has(owner)
                    ? `cell ${owner} is no longer in cellular:cells`
                    : successor
                        ? `${settingsOf} now name it ${JSON.stringify(successor.name)}, and AWS cannot rename it: the provider would replace it`
                        : `${settingsOf} no longer create it`;
            problems.push(`the ${HOLDS[kind]} ${JSON.stringify(name)} would be deleted: ${why}; keep the settings as deployed ` +
                `(drain or copy it first), or list ${JSON.stringify(name)} in cellular:acceptDataLoss to accept the loss`);
        }
    }
    for (const name of settings.acceptDataLoss) {
        if (!used.has(name)) {
            problems.push(`cellular:acceptDataLoss lists ${JSON.stringify(name)}, which this configuration does not delete; ` +
                "remove it (left in place, it would accept the loss of whatever has that name later)");
        }
    }
    return problems;
}

/** The one rename the settings make: a queue turned FIFO or back (`<name>` and `<name>.fifo`). */
function renamed(before: string, after: string): boolean {
    return before !== after && before.replace(/\.fifo$/, "") === after.replace(/\.fifo$/, "");
}
