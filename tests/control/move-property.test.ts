/**
 * The property of an online move: whatever the interleaving of clients and a move that crashes at a random step and
 * is then resumed or rolled back, every acknowledged write is present exactly once, in exactly one cell, the items
 * equal a sequential model's, and no write is acknowledged while the customer is fenced. Real router and cell API
 * code on dynalite; every DynamoDB call goes through a deterministic step scheduler.
 */
import * as assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import fc from "fast-check";
import { LocalDynamo, startDynamo } from "../handlers/fakes/cell-api-dynamo";
import { isControlError } from "../../control/errors";
import { forgetMove, moveCustomer, ownerInMap, rollBackMove } from "../../control/move";
import { PLACEMENT_STATE_ATTRIBUTE } from "../../handlers/lib/placement";
import { Gate, OPEN_GATE, World, buildWorld } from "./fakes/cells-world";
import { StepScheduler } from "./step-scheduler";

/**
 * Interleavings in all: fast-check runs of {@link LANES} independent customers each, run side by side (more lanes
 * overlap the emulator's latency on an idle machine; on a loaded one they only add scheduling).
 */
const RUNS = Number(process.env.MOVE_PROPERTY_RUNS ?? 1000);
const LANES = 1;
const SEED = Number(process.env.MOVE_PROPERTY_SEED ?? 20261202);
const ITEMS = ["i0", "i1"] as const;
const CRASH_POINTS = [undefined, "registered", "fenced", "copied", "verified", "flip-target", "flip-source", "flipped"] as const;

type ClientOp = { kind: "put"; item: (typeof ITEMS)[number]; conditional: boolean } | { kind: "delete"; item: (typeof ITEMS)[number] };

const clientOp: fc.Arbitrary<ClientOp> = fc.oneof(
    fc.record({ kind: fc.constant("put" as const), item: fc.constantFrom(...ITEMS), conditional: fc.boolean() }),
    fc.record({ kind: fc.constant("delete" as const), item: fc.constantFrom(...ITEMS) }),
);

interface Ack {
    client: number;
    op: ClientOp;
    status: number;
    ifMatch?: string;
    etag?: string;
    version?: number;
    data?: string;
    /** Whether the customer was fenced (between the fence and the target owning it) when this was answered. */
    duringFence: boolean;
}

describe("control plane: an online move loses no write (property, fast-check)", function () {
    this.timeout(600_000);
    let dynamo: LocalDynamo;
    let world: World;
    // Each lane (one customer, its clients and its move) has its own scheduler; a call finds its lane's gate here.
    const lane = new AsyncLocalStorage<Gate>();
    const fenced = new Map<string, boolean>();

    before(async () => {
        dynamo = await startDynamo();
        world = await buildWorld(dynamo, "prop", [{ id: "cell-a", state: "active" }, { id: "cell-b", state: "active" }], {
            gate: () => lane.getStore() ?? OPEN_GATE,
            // The fence window, as the tables see it: from the source's fenced marker to the target's owned one (or the roll back).
            observe(input, name) {
                const key = (input.Item ?? input.Key) as Record<string, unknown> | undefined;
                if (key?.sk !== "PLACEMENT") return;
                const customer = String(key.pk).slice("CUSTOMER#".length);
                const state = (input.Item as Record<string, unknown> | undefined)?.[PLACEMENT_STATE_ATTRIBUTE];
                if (name === "PutCommand" && state === "fenced") fenced.set(customer, true);
                if (name === "PutCommand" && state === "owned") fenced.set(customer, false);
                if (name === "DeleteCommand") fenced.set(customer, false);
            },
        });
    });
    after(async () => {
        await dynamo?.close();
    });

    it(`holds for ${RUNS} interleavings of two clients and a crashing, resumed move (seed ${SEED})`, async () => {
        console.log(`      move property: seed ${SEED}, ${RUNS} interleavings in ${Math.ceil(RUNS / LANES)} runs of ${LANES} (MOVE_PROPERTY_SEED / MOVE_PROPERTY_RUNS to change)`);
        let run = 0;
        const laneSpec = fc.tuple(
            fc.array(fc.array(clientOp, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 2 }),
            fc.constantFrom(...CRASH_POINTS),
            fc.constantFrom("resume" as const, "roll back" as const),
            fc.array(fc.nat(), { minLength: 8, maxLength: 64 }),
        );
        await fc.assert(fc.asyncProperty(fc.array(laneSpec, { minLength: LANES, maxLength: LANES }), async lanes => {
            await Promise.all(lanes.map(spec => interleaving(`prop-${run++}`, ...spec)));
        }), { numRuns: Math.ceil(RUNS / LANES), seed: SEED, endOnFailure: true });
    });

    async function interleaving(customer: string, clients: ClientOp[][], crashAfter: (typeof CRASH_POINTS)[number], recovery: "resume" | "roll back", choices: number[]): Promise<void> {
                const seed = await world.request("PUT", customer, "i0", { "content-type": "application/json" }, "{\"seed\":true}");
                assert.equal(seed.status, 201);
                // An item no client touches: the customer always exists when the move starts.
                const keep = await world.request("PUT", customer, "keep", { "content-type": "application/json" }, "{}");
                assert.equal(keep.status, 201);
                const from = ownerInMap((await world.plane.store.readMap())!, customer);
                const to = from === "cell-a" ? "cell-b" : "cell-a";

                const scheduler = new StepScheduler(choices);
                const acks: Ack[] = [];
                // Each client knows the tags it was given (the seed's for i0).
                const tags = clients.map(() => new Map<string, string>([["i0", seed.headers.etag!]]));
                const clientRuns = clients.map((ops, c) => async () => {
                    for (const op of ops) {
                        const tag = tags[c]!.get(op.item);
                        const conditional = op.kind === "delete" || op.conditional;
                        const headers: Record<string, string> = { "content-type": "application/json", ...(conditional ? { "if-match": tag ?? "\"1.none\"" } : {}) };
                        const data = `{"c":${c},"n":${acks.length}}`;
                        for (let attempt = 0; attempt < 2; attempt++) {
                            const out = await world.request(op.kind === "put" ? "PUT" : "DELETE", customer, op.item, headers, op.kind === "put" ? data : undefined);
                            const ack: Ack = { client: c, op, status: out.status, duringFence: fenced.get(customer) === true, ...(conditional ? { ifMatch: headers["if-match"] } : {}) };
                            if (out.status === 200 || out.status === 201) {
                                ack.etag = out.headers.etag;
                                ack.version = (JSON.parse(out.body) as { version: number }).version;
                                ack.data = data;
                                tags[c]!.set(op.item, out.headers.etag!);
                            }
                            acks.push(ack);
                            if (out.status !== 503) break;
                        }
                    }
                });
                const mover = async () => {
                    try {
                        await moveCustomer(world.plane, customer, to, crashAfter === undefined ? {} : { crashAfter });
                    } catch (err) {
                        if (!(err instanceof Error) || err.name !== "InjectedCrashError") throw err;
                        if (recovery === "roll back") {
                            try {
                                await rollBackMove(world.plane, customer);
                                return;
                            } catch (e) {
                                // A move that flipped, or half flipped, is finished instead.
                                if (!isControlError(e)) throw e;
                            }
                        }
                        await moveCustomer(world.plane, customer, to);
                    }
                };
                await lane.run(scheduler, () => Promise.all([...clientRuns.map(f => f()), mover()]));

                // The sequential model: the acknowledged writes in the order they were answered.
                const model = new Map<string, { etag: string; version: number; data: string }>([
                    ["i0", { etag: seed.headers.etag!, version: 1, data: "{\"seed\":true}" }], ["keep", { etag: keep.headers.etag!, version: 1, data: "{}" }]]);
                for (const ack of acks) {
                    const current = model.get(ack.op.item);
                    const write = ack.status === 200 || ack.status === 201 || ack.status === 204;
                    assert.ok(!(write && ack.duringFence), `a write was acknowledged during the fence: ${JSON.stringify(ack)}`);
                    assert.ok([200, 201, 204, 404, 412, 503].includes(ack.status), `unexpected answer ${JSON.stringify(ack)}`);
                    if (ack.op.kind === "put" && (ack.status === 200 || ack.status === 201)) {
                        assert.equal(ack.status, current === undefined ? 201 : 200, JSON.stringify(ack));
                        assert.equal(ack.version, (current?.version ?? 0) + 1, `lost or doubled write: ${JSON.stringify(ack)}`);
                        model.set(ack.op.item, { etag: ack.etag!, version: ack.version!, data: ack.data! });
                    } else if (ack.status === 204) {
                        assert.equal(ack.ifMatch, current?.etag, `deleted an item whose tag did not match: ${JSON.stringify(ack)}`);
                        model.delete(ack.op.item);
                    } else if (ack.status === 412) {
                        assert.notEqual(ack.ifMatch, current?.etag, `refused a write whose tag matched: ${JSON.stringify(ack)}`);
                    }
                }

                // The customer is served by exactly one cell, which holds exactly the model's items.
                const map = (await world.plane.store.readMap())!;
                const owner = ownerInMap(map, customer);
                const move = await world.plane.store.getMove(customer);
                assert.equal(owner, move?.step === "flipped" ? to : from);
                if (move?.step === "flipped") assert.notEqual(await forgetMove(world.plane, move, 0), undefined);
                const other = owner === from ? to : from;
                const ownerRows = (await world.plane.cells[owner]!.customerRows(customer)).filter(r => String(r.sk).startsWith("ITEM#"));
                const otherRows = (await world.plane.cells[other]!.customerRows(customer)).filter(r => String(r.sk).startsWith("ITEM#"));
                assert.deepEqual(otherRows, [], `the other cell ${other} still holds items`);
                assert.deepEqual(
                    ownerRows.map(r => [String(r.sk).slice(5), r.data, r.version]),
                    [...model].sort(([a], [b]) => a.localeCompare(b)).map(([item, m]) => [item, m.data, m.version]),
                    `choices ${JSON.stringify(choices)}; trace ${scheduler.trace.join(" ")}`,
                );
                const listed = await world.request("GET", customer, undefined);
                assert.equal(listed.status, 200);
                assert.deepEqual((JSON.parse(listed.body) as { items: Array<{ id: string }> }).items.map(i => i.id), [...model.keys()].sort());
    }
});
