/**
 * Scaled time for the shared-fate model: a clock and timers that advance only when the model says so, so seconds of
 * Lambda traffic run in milliseconds and every run is exactly repeatable. It is a {@link RouterClock}, so the real
 * router's breakers and budget timers run on it.
 *
 * Between two events the loop lets every pending promise callback run (one `setImmediate` turn), so async code
 * driven only by these timers (the router awaiting a fake Lambda client) settles before time moves on.
 */
import type { RouterClock } from "../handlers/router";

interface Scheduled {
    time: number;
    seq: number;
    callback: () => void;
    cancelled: boolean;
}

/** A binary min-heap of scheduled callbacks by (time, order of scheduling). */
class Agenda {
    private readonly items: Scheduled[] = [];

    get size(): number {
        return this.items.length;
    }

    peek(): Scheduled | undefined {
        return this.items[0];
    }

    push(item: Scheduled): void {
        const items = this.items;
        items.push(item);
        let i = items.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!before(items[i]!, items[parent]!)) break;
            [items[i], items[parent]] = [items[parent]!, items[i]!];
            i = parent;
        }
    }

    pop(): Scheduled | undefined {
        const items = this.items;
        const top = items[0];
        const last = items.pop();
        if (items.length > 0 && last !== undefined) {
            items[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let least = i;
                if (l < items.length && before(items[l]!, items[least]!)) least = l;
                if (r < items.length && before(items[r]!, items[least]!)) least = r;
                if (least === i) break;
                [items[i], items[least]] = [items[least]!, items[i]!];
                i = least;
            }
        }
        return top;
    }
}

function before(a: Scheduled, b: Scheduled): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

export class VirtualTime implements RouterClock {
    private current = 0;
    private seq = 0;
    private readonly agenda = new Agenda();

    now(): number {
        return this.current;
    }

    /** Runs `callback` `ms` from now (at once if `ms` is not positive, after what is already due). */
    setTimeout(callback: () => void, ms: number): Scheduled {
        const item: Scheduled = { time: this.current + Math.max(0, ms), seq: this.seq++, callback, cancelled: false };
        this.agenda.push(item);
        return item;
    }

    clearTimeout(timer: unknown): void {
        (timer as Scheduled).cancelled = true;
    }

    /** Runs every callback due up to `until` (all of them when absent), in time order, settling promises after each. */
    async run(until = Infinity): Promise<void> {
        for (;;) {
            const next = this.agenda.peek();
            if (next === undefined || next.time > until) break;
            this.agenda.pop();
            if (next.cancelled) continue;
            this.current = next.time;
            next.callback();
            await nextTurn();
        }
        if (until !== Infinity) this.current = Math.max(this.current, until);
    }
}
