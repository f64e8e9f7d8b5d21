/** The table actions the event workers need. Pure. */

/** What a transactional, conditional write (TransactWriteItems of puts and updates) needs. */
export const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem"];
