/**
 * Helpers for conditional (idempotent) DynamoDB writes: recognising "already applied" from the errors the SDK
 * throws, and the processed-message mark that makes a queue message's write happen once. Pure: inspects error
 * objects and builds rows, imports no client.
 */
import { createHash } from "node:crypto";
import { TTL_ATTRIBUTE, keys } from "./table";

/** A single-item conditional write whose condition failed (e.g. `attribute_not_exists(pk)` on a duplicate). */
export function isConditionalCheckFailed(err: unknown): boolean {
    return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

/**
 * The per-item cancellation codes of a cancelled TransactWriteItems (`None`, `ConditionalCheckFailed`,
 * `TransactionConflict`, ...), or `undefined` when `err` is not a cancelled transaction.
 */
export function cancellationCodes(err: unknown): string[] | undefined {
    if (!(err instanceof Error) || err.name !== "TransactionCanceledException") return undefined;
    const reasons = (err as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.map(r => r.Code ?? "None");
}

/**
 * `true` when a transaction was cancelled only because the condition of item `index` failed: the marker that
 * says "already applied" exists, so the redelivery is a no-op. Any other cancellation (a conflict, a
 * throttle) is not a duplicate and must be retried.
 */
export function isDuplicateTransaction(err: unknown, index: number): boolean {
    const codes = cancellationCodes(err);
    if (codes === undefined || codes[index] !== "ConditionalCheckFailed") return false;
    return codes.every((code, i) => i === index || code === "None");
}

/** Epoch seconds `ttlSeconds` after `now`: the value of the table's TTL attribute. */
export function expiresAt(now: Date, ttlSeconds: number): number {
    return Math.floor(now.getTime() / 1000) + ttlSeconds;
}

/**
 * The fingerprint of what a message asks to write (the item and its normal-form data), stored with its
 * processed-message mark: the same idempotency key with another payload is a conflict, not a duplicate.
 */
export function payloadHash(itemId: string, data: string): string {
    return createHash("sha256").update(itemId).update("\u0000").update(data).digest("base64url");
}

export interface ProcessedMessage {
    customerId: string;
    idempotencyKey: string;
    messageId: string;
    itemId: string;
    payloadHash: string;
}

/** The processed-message mark of a message, as the cell table stores it (`expiresAt` is the TTL attribute). */
export function processedMessageMark(m: ProcessedMessage, now: Date, ttlSeconds: number): Record<string, string | number> {
    return {
        ...keys.processedMessage(m.customerId, m.idempotencyKey),
        customerId: m.customerId,
        idempotencyKey: m.idempotencyKey,
        messageId: m.messageId,
        itemId: m.itemId,
        payloadHash: m.payloadHash,
        processedAt: now.toISOString(),
        [TTL_ATTRIBUTE]: expiresAt(now, ttlSeconds),
    };
}
