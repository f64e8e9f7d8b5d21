/**
 * What the rollout's deploy-time steps talk to: an AWS SDK v3 client of each service (anything with its `send`), and
 * a clock. Real ones in a deployment (components/rollout/aws-clients.ts), fakes with a virtual clock in the tests.
 */

/** The one method of an SDK v3 client the steps use. */
export interface Sender {
    send(command: object): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RolloutClients {
    codedeploy: Sender;
    lambda: Sender;
    cloudwatch: Sender;
}

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/** A step of the rollout refused to go on: the message says what happened, where, and what to do. */
export class RolloutError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RolloutError";
    }
}

export function minutes(ms: number): string {
    const m = ms / 60_000;
    return `${Number.isInteger(m) ? m : m.toFixed(1)} min`;
}
