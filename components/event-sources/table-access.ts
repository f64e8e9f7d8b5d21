/** The table actions the event workers need. Pure. */

/**
 * What a transactional, conditional write (TransactWriteItems of puts and updates, with the ConditionCheck on the
 * customer's placement marker, lib/placement.ts) needs.
 */
export const TABLE_WRITE_ACTIONS = ["dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];
