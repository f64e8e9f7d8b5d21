/**
 * Runs concurrent actors one DynamoDB call at a time, in an order drawn from a list of choices: each call waits at
 * the gate; when no call is running and every actor has reached its next call (two turns of the event loop), the
 * scheduler lets the waiting call that `choices` picks go. The same choices give the same interleaving.
 */
import type { Gate } from "./fakes/cells-world";

export class StepScheduler implements Gate {
    private readonly waiting: Array<{ what: string; go: () => void }> = [];
    private busy = false;
    private pending = false;
    private turn = 0;
    /** The calls let through, in order (for a failing case's report). */
    readonly trace: string[] = [];

    constructor(private readonly choices: readonly number[]) {}

    enter(what: string): Promise<void> {
        return new Promise(go => {
            this.waiting.push({ what, go });
            this.next();
        });
    }

    leave(): void {
        this.busy = false;
        this.next();
    }

    private next(): void {
        if (this.pending) return;
        this.pending = true;
        setImmediate(() => setImmediate(() => {
            this.pending = false;
            if (this.busy || this.waiting.length === 0) return;
            const choice = this.choices.length === 0 ? 0 : this.choices[this.turn % this.choices.length]!;
            this.turn++;
            const [picked] = this.waiting.splice(choice % this.waiting.length, 1);
            this.busy = true;
            this.trace.push(picked!.what);
            picked!.go();
        }));
    }
}
