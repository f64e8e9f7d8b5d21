/**
 * Records an event worker refuses to write — today: a customer another cell owns — go to the cell's failure queue
 * with the reason, never dropped and never written: the failure handler records them (`FAILURE#` rows, the
 * `FailedEvents` metric, the failed-events alarm) like every other failed event, and the record inside can be
 * replayed into the owning cell. A record whose rejection cannot be sent fails like any other, so it is retried.
 */
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { REJECTION_MARKER, RejectionReason } from "../lib/failure-record";
import type { Ownership } from "../lib/ownership";
import { traced } from "./tracing";

export interface Rejection {
    reason: RejectionReason;
    /** The function kind that refused it (`queue-worker`, `ingest`, ...). */
    origin: string;
    customerId: string;
    /** The cell that owns the customer, as this cell's ownership table says. */
    owner: string;
    /** The record as it arrived (a message body, a row, a stream record): what to replay. */
    record: unknown;
}

export interface Rejecter {
    reject(rejection: Rejection): Promise<void>;
}

export class FailureQueueRejecter implements Rejecter {
    constructor(private readonly sqs: Pick<SQSClient, "send">, private readonly queueUrl: string, private readonly now: () => Date = () => new Date()) {}

    async reject(r: Rejection): Promise<void> {
        const { record, ...about } = r;
        await this.sqs.send(new SendMessageCommand({
            QueueUrl: this.queueUrl,
            MessageBody: JSON.stringify({ [REJECTION_MARKER]: { version: 1, ...about, at: this.now().toISOString() }, record }),
        }));
    }
}

/**
 * Whether a worker may write for `customerId`: yes when this cell owns the customer; else the record goes to the
 * failure path with the reason `not-owned` (and the caller writes nothing).
 */
export async function ownedOrRejected(ownership: Ownership, rejecter: Rejecter, origin: string, customerId: string, record: unknown): Promise<boolean> {
    if (ownership.owns(customerId)) return true;
    await rejecter.reject({ reason: "not-owned", origin, customerId, owner: ownership.ownerOf(customerId), record });
    return false;
}

/** The deployed workers': the cell's failure queue. */
export function failureQueueRejecter(queueUrl: string): FailureQueueRejecter {
    // The endpoint comes from the SDK's configuration (the function's region, or an endpoint override), not from
    // the queue URL: the queue is in the function's own region and account anyway.
    return new FailureQueueRejecter(traced(new SQSClient({ useQueueUrlAsEndpoint: false })), queueUrl);
}
