/** How the stack's SQS queues keep and hide messages (AWS's guidance). Pure. */

/** SQS's visibility timeout should be at least six times the consumer's timeout. */
export const VISIBILITY_MULTIPLIER = 6;
/** Source queues keep messages four days (SQS's default). */
export const SOURCE_RETENTION_SECONDS = 345600;
/** Dead-letter and failure queues keep them the maximum, fourteen days. */
export const DLQ_RETENTION_SECONDS = 1209600;
/** Receives of a failure-queue message before it moves to the last-resort queue. */
export const FAILURE_MAX_RECEIVE_COUNT = 5;
