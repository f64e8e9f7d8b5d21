/**
 * A local X-Ray daemon: the UDP socket the X-Ray SDK sends segment documents to (`AWS_XRAY_DAEMON_ADDRESS`), as
 * the daemon Lambda runs beside a traced function. Each datagram is the header `{"format":"json","version":1}`, a
 * newline and one (sub)segment document; this keeps the documents, parsed. A datagram `END <id>` (sent by
 * fakes/lambda-runtime.cjs once its process has nothing left to send) says everything before it has arrived: a
 * socket reads its datagrams in the order they reached it.
 */
import * as dgram from "node:dgram";

export interface SegmentDocument {
    id: string;
    name: string;
    trace_id: string;
    parent_id?: string;
    type?: string;
    annotations?: Record<string, string | number | boolean>;
    metadata?: Record<string, unknown>;
    namespace?: string;
    aws?: Record<string, unknown>;
    error?: boolean;
    fault?: boolean;
    cause?: { exceptions?: Array<{ message?: string; type?: string }> };
    in_progress?: boolean;
}

export interface FakeXrayDaemon {
    /** `127.0.0.1:<port>`, for AWS_XRAY_DAEMON_ADDRESS. */
    address: string;
    /** Every document received, with the raw text of each datagram. */
    documents: SegmentDocument[];
    raw: string[];
    /** Resolves once the datagram `END <id>` has arrived. */
    ended(id: string): Promise<void>;
    close(): Promise<void>;
}

const HEADER = "{\"format\":\"json\",\"version\":1}\n";

export async function startFakeXrayDaemon(): Promise<FakeXrayDaemon> {
    const socket = dgram.createSocket("udp4");
    const documents: SegmentDocument[] = [];
    const raw: string[] = [];
    const ends = new Set<string>();
    const waiting = new Map<string, () => void>();
    socket.on("message", message => {
        const text = message.toString("utf8");
        if (text.startsWith("END ")) {
            const id = text.slice(4);
            ends.add(id);
            waiting.get(id)?.();
            return;
        }
        raw.push(text);
        if (!text.startsWith(HEADER)) throw new Error(`not an X-Ray datagram: ${text.slice(0, 80)}`);
        documents.push(JSON.parse(text.slice(HEADER.length)) as SegmentDocument);
    });
    await new Promise<void>(resolve => socket.bind(0, "127.0.0.1", resolve));
    return {
        address: `127.0.0.1:${socket.address().port}`,
        documents,
        raw,
        ended: id => ends.has(id) ? Promise.resolve() : new Promise(resolve => waiting.set(id, resolve)),
        close: () => new Promise(resolve => socket.close(() => resolve())),
    };
}
