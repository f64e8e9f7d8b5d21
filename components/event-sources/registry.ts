/**
 * Every event-source kind, in the order a cell builds them. Keyed by kind: a kind without a module does not compile.
 * Everything that needs "all the sources" iterates over this: the config reader, the cell, the quota and name
 * checks, the plan and the README's configuration reference.
 */
import { alb } from "./alb";
import { bucket } from "./bucket";
import { EventSourceKind, EventSourceModule } from "./kind";
import { kinesis } from "./kinesis";
import { queue } from "./queue";
import { schedule } from "./schedule";
import { tableStream } from "./table-stream";
import { topic } from "./topic";

export const EVENT_SOURCES = {
    queue,
    topic,
    bucket,
    schedule,
    tableStream,
    kinesis,
    alb,
} as const satisfies Record<EventSourceKind, EventSourceModule<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type EventSourceModules = typeof EVENT_SOURCES;
export const EVENT_SOURCE_KINDS = Object.keys(EVENT_SOURCES) as EventSourceKind[];

/** A kind's module, with its settings' type widened to a source's (for code that handles every kind alike). */
export function moduleOf(kind: EventSourceKind): EventSourceModule<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return EVENT_SOURCES[kind];
}
