/**
 * A local SQS that takes SendMessage (the JSON protocol the SDK speaks) and keeps what it was sent: where the event
 * workers put the records they refuse. It answers the MD5 of the body, which the SDK checks.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SentMessage {
    queueUrl: string;
    body: string;
}

export interface FakeSqs {
    endpoint: string;
    sent: SentMessage[];
    /** Makes SendMessage fail while set (as when SQS is unreachable). */
    failing: boolean;
    close(): Promise<void>;
}

export async function startFakeSqs(): Promise<FakeSqs> {
    const sqs = { sent: [] as SentMessage[], failing: false };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", c => chunks.push(c as Buffer));
        req.on("end", () => {
            const target = String(req.headers["x-amz-target"]);
            const request = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { QueueUrl?: string; MessageBody?: string };
            if (target !== "AmazonSQS.SendMessage" || sqs.failing) {
                res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
                res.end(JSON.stringify({ __type: "com.amazonaws.sqs#QueueDoesNotExist", message: sqs.failing ? "unreachable" : `${target} not faked` }));
                return;
            }
            sqs.sent.push({ queueUrl: request.QueueUrl!, body: request.MessageBody! });
            res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
            res.end(JSON.stringify({ MessageId: `sqs-${sqs.sent.length}`, MD5OfMessageBody: createHash("md5").update(request.MessageBody!).digest("hex") }));
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return Object.assign(sqs, {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }),
    });
}
