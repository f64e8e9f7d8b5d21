import * as assert from "node:assert/strict";
import { VirtualTime } from "../../bench/virtual-time";

describe("scaled time (bench/virtual-time.ts)", () => {
    it("runs callbacks in time order, same-time ones in the order they were set, and skips cleared ones", async () => {
        const time = new VirtualTime();
        const seen: string[] = [];
        time.setTimeout(() => seen.push(`b@${time.now()}`), 20);
        time.setTimeout(() => seen.push(`a@${time.now()}`), 10);
        const cleared = time.setTimeout(() => seen.push("never"), 15);
        time.setTimeout(() => seen.push(`c@${time.now()}`), 20);
        time.clearTimeout(cleared);
        await time.run();
        assert.deepEqual(seen, ["a@10", "b@20", "c@20"]);
    });

    it("lets promises settle between events, so async code driven by its timers runs on time", async () => {
        const time = new VirtualTime();
        const sleep = (ms: number) => new Promise<void>(resolve => time.setTimeout(resolve, ms));
        const seen: number[] = [];
        void (async () => {
            for (let i = 0; i < 3; i++) {
                await sleep(100);
                seen.push(time.now());
            }
        })();
        await time.run();
        assert.deepEqual(seen, [100, 200, 300]);
    });

    it("stops at `until`, leaving later callbacks for the next run", async () => {
        const time = new VirtualTime();
        const seen: number[] = [];
        for (const ms of [5, 50, 500]) time.setTimeout(() => seen.push(time.now()), ms);
        await time.run(100);
        assert.deepEqual(seen, [5, 50]);
        assert.equal(time.now(), 100);
        await time.run();
        assert.deepEqual(seen, [5, 50, 500]);
    });
});
