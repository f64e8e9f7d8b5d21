/**
 * Normalises the records of the cell's two streams into one shape, {@link ItemChange}, that the stream
 * processor applies to the per-customer counters and the audit trail. Pure.
 *
 * DynamoDB Streams (the cell table; the mapping's filter passes only `ITEM#` rows): INSERT counts +1, REMOVE -1,
 * MODIFY 0 (audited, not counted). The event id is the stream record's `eventID`, the time its
 * `ApproximateCreationDateTime`.
 *
 * Kinesis (the cell stream): `data` is base64 of UTF-8 JSON
 * `{ "customerId": string, "itemId": string, "action": "created" | "updated" | "deleted", "eventId"?: string,
 *    "at"?: ISO 8601 time }` — item changes reported by producers that keep the item outside the cell table
 * (a producer that writes the item to the table must not publish it here as well, or it is counted twice).
 * `created` counts +1, `deleted` -1, `updated` 0. The event id is `eventId` when given (so a producer that
 * publishes the same event twice is counted once, provided it sets `at` too), else the record's `eventID`; the
 * time is `at`, else the record's arrival time.
 *
 * Either way the (time, event id) pair is the same on every delivery of a record, which is what makes the audit
 * row a reliable "already applied" marker.
 */
import type { DynamoDBRecord, KinesisStreamRecord } from "aws-lambda";
import { ITEM_PREFIX } from "./table";
import { InvalidRecordError, describeValue, idProblem, isJsonObject, parseJson } from "./events-items";
import { CUSTOMER_ID, ITEM_ID } from "./identifiers";

export type StreamSource = "dynamodb" | "kinesis";

export interface ItemChange {
    source: StreamSource;
    customerId: string;
    itemId: string;
    /** As the source names it: INSERT / MODIFY / REMOVE, or created / updated / deleted. */
    action: string;
    delta: -1 | 0 | 1;
    eventId: string;
    /** ISO 8601 time of the change. */
    at: string;
    sequenceNumber: string;
}

const CUSTOMER_PREFIX = "CUSTOMER#";
const DYNAMODB_DELTA: Record<string, -1 | 0 | 1> = { INSERT: 1, MODIFY: 0, REMOVE: -1 };
export const KINESIS_ACTIONS: Readonly<Record<string, -1 | 0 | 1>> = { created: 1, updated: 0, deleted: -1 };
const MAX_EVENT_ID_LENGTH = 256;

/** Which stream a record came from, by its `eventSource`. */
export function streamSourceOf(record: { eventSource?: string }): StreamSource | undefined {
    if (record.eventSource === "aws:dynamodb") return "dynamodb";
    if (record.eventSource === "aws:kinesis") return "kinesis";
    return undefined;
}

/**
 * The change a table-stream record describes, or `undefined` for a row that is not a customer item (the
 * mapping's filter should never deliver one; counting it would be wrong, so it is skipped).
 */
export function fromDynamoDbRecord(record: DynamoDBRecord): ItemChange | undefined {
    const pk = record.dynamodb?.Keys?.pk?.S;
    const sk = record.dynamodb?.Keys?.sk?.S;
    if (!pk?.startsWith(CUSTOMER_PREFIX) || !sk?.startsWith(ITEM_PREFIX)) return undefined;
    const problems: string[] = [];
    const delta = record.eventName === undefined ? undefined : DYNAMODB_DELTA[record.eventName];
    if (delta === undefined) problems.push(`eventName ${JSON.stringify(record.eventName)} is not INSERT, MODIFY or REMOVE`);
    if (!record.eventID) problems.push("eventID is missing");
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (typeof created !== "number" || !Number.isFinite(created)) problems.push("dynamodb.ApproximateCreationDateTime is missing");
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (!sequenceNumber) problems.push("dynamodb.SequenceNumber is missing");
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return {
        source: "dynamodb",
        customerId: pk.slice(CUSTOMER_PREFIX.length),
        itemId: sk.slice(ITEM_PREFIX.length),
        action: record.eventName!,
        delta: delta!,
        eventId: record.eventID!,
        at: new Date(created! * 1000).toISOString(),
        sequenceNumber: sequenceNumber!,
    };
}

/** The change a Kinesis record describes; throws {@link InvalidRecordError} when its data is not a valid event. */
export function fromKinesisRecord(record: KinesisStreamRecord): ItemChange {
    const text = Buffer.from(record.kinesis.data, "base64").toString("utf8");
    const value = parseJson(text, "the record data");
    if (!isJsonObject(value)) throw new InvalidRecordError([`the record data must be a JSON object, got ${describeValue(value)}`]);
    const problems: string[] = [];
    const customer = idProblem(value.customerId, "customerId", CUSTOMER_ID);
    if (customer) problems.push(customer);
    const item = idProblem(value.itemId, "itemId", ITEM_ID);
    if (item) problems.push(item);
    const action = value.action;
    const delta = typeof action === "string" && Object.hasOwn(KINESIS_ACTIONS, action) ? KINESIS_ACTIONS[action] : undefined;
    if (delta === undefined) problems.push(`action is not one of ${Object.keys(KINESIS_ACTIONS).join(", ")}`);
    const eventId = value.eventId;
    if (eventId !== undefined && (typeof eventId !== "string" || eventId === "" || eventId.length > MAX_EVENT_ID_LENGTH)) {
        problems.push(`eventId must be a string of 1-${MAX_EVENT_ID_LENGTH} characters`);
    }
    let at: string | undefined;
    if (value.at !== undefined) {
        at = isoTime(value.at);
        if (at === undefined) problems.push("at is not an ISO 8601 time");
    }
    if (problems.length > 0) throw new InvalidRecordError(problems);
    return {
        source: "kinesis",
        customerId: value.customerId as string,
        itemId: value.itemId as string,
        action: action as string,
        delta: delta!,
        eventId: (eventId as string | undefined) ?? record.eventID,
        at: at ?? new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1000)).toISOString(),
        sequenceNumber: record.kinesis.sequenceNumber,
    };
}

function isoTime(value: unknown): string | undefined {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
