/**
 * `tableStream`: the cell table's DynamoDB stream (keys only, item rows only) consumed by the stream processor,
 * which keeps the per-customer counters and the audit trail. Failed batches are bisected, retried a finite number
 * of times and then sent to the cell's failure queue.
 */
import { ITEM_STREAM_FILTER } from "../../handlers/lib/table";
import { ValuesOf } from "../config/fields";
import { allow } from "../iam";
import { eventSource } from "./kind";
import { rejectionEnvironment } from "./rejections";
import { sourceSettings } from "./settings";
import { STREAM_FUNCTION, streamFields, streamMapping } from "./stream";
import { TABLE_WRITE_ACTIONS } from "./table-access";

const settings = sourceSettings("The cell table's stream, consumed by the stream processor", streamFields(), STREAM_FUNCTION);

export type TableStreamSettings = ValuesOf<typeof settings.fields>;

export const tableStream = eventSource({
    settings,
    function: { kind: "table-stream", handler: "stream-processor", invocation: "poll" },
    names: () => ({}),
    // The consumer reads only the keys of a change; it needs no item images.
    table: { streamViewType: "KEYS_ONLY" },
    grants: (arns, cell) => [
        allow("ReadOwnTableStream", ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            [arns.tableStreams(cell.tableName)]),
        allow("WriteOwnTable", TABLE_WRITE_ACTIONS, [arns.table(cell.tableName)]),
        // Failed batches (the mapping's on-failure records) and refused records (another cell's customers).
        allow("DeliverFailedBatches", ["sqs:SendMessage"], [arns.queue(cell.failureQueueName)]),
    ],
    environment: rejectionEnvironment,
    wire(cell, worker, s) {
        // Only item rows: the processor's own writes (counters, audit) never trigger it again.
        streamMapping(cell, `${cell.cellId}-table-stream-mapping`, cell.table.streamArn, worker, s, ITEM_STREAM_FILTER);
    },
});
