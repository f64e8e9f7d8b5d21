/**
 * A local S3 for the event-handler tests: GetObject and PutObject on path-style URLs
 * (`http://127.0.0.1:<port>/<bucket>/<key>`), objects in memory. Enough for a client created with
 * `forcePathStyle: true` and `AWS_ENDPOINT_URL_S3` pointing here.
 */
import { createHash } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export interface StoredObject {
    body: Buffer;
    etag: string;
    contentType?: string;
}

export interface FakeS3 {
    endpoint: string;
    put(bucket: string, key: string, body: string | Buffer): StoredObject;
    get(bucket: string, key: string): StoredObject | undefined;
    /** Keys of a bucket, sorted. */
    keys(bucket: string): string[];
    /** Answers GetObject/PutObject of matching keys with 403 AccessDenied; `undefined` stops it. */
    denyWhen(match: ((method: string, bucket: string, key: string) => boolean) | undefined): void;
    /** Requests seen (`GET bucket/key`), for asserting how a handler used the bucket. */
    requests: string[];
    clear(): void;
    close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
    const buckets = new Map<string, Map<string, StoredObject>>();
    const requests: string[] = [];
    let deny: ((method: string, bucket: string, key: string) => boolean) | undefined;

    const put = (bucket: string, key: string, body: string | Buffer, contentType?: string): StoredObject => {
        const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
        const stored = { body: data, etag: createHash("md5").update(data).digest("hex"), contentType };
        if (!buckets.has(bucket)) buckets.set(bucket, new Map());
        buckets.get(bucket)!.set(key, stored);
        return stored;
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://localhost");
            const [, bucket = "", ...rest] = url.pathname.split("/");
            const key = rest.map(decodeURIComponent).join("/");
            const method = req.method ?? "GET";
            requests.push(`${method} ${bucket}/${key}`);
            if (deny?.(method, bucket, key)) return xmlError(res, 403, "AccessDenied", "Access Denied");
            if (method === "GET" || method === "HEAD") {
                const object = buckets.get(bucket)?.get(key);
                if (!object) return xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
                res.writeHead(200, {
                    "content-length": object.body.length,
                    "content-type": object.contentType ?? "application/octet-stream",
                    etag: `"${object.etag}"`,
                    "last-modified": new Date(0).toUTCString(),
                });
                return res.end(method === "HEAD" ? undefined : object.body);
            }
            if (method === "PUT") {
                let body: Buffer = Buffer.concat(chunks);
                const encoding = String(req.headers["content-encoding"] ?? "");
                const sha = String(req.headers["x-amz-content-sha256"] ?? "");
                if (encoding.includes("aws-chunked") || sha.startsWith("STREAMING-")) body = decodeAwsChunked(body);
                const stored = put(bucket, key, body, req.headers["content-type"]);
                res.writeHead(200, { etag: `"${stored.etag}"`, "content-length": 0 });
                return res.end();
            }
            return xmlError(res, 405, "MethodNotAllowed", `the fake does not serve ${method}`);
        });
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));

    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        put: (bucket, key, body) => put(bucket, key, body),
        get: (bucket, key) => buckets.get(bucket)?.get(key),
        keys: bucket => [...(buckets.get(bucket)?.keys() ?? [])].sort(),
        denyWhen(match) {
            deny = match;
        },
        requests,
        clear() {
            buckets.clear();
            requests.length = 0;
            deny = undefined;
        },
        async close() {
            server.closeAllConnections?.();
            await new Promise<void>(resolve => server.close(() => resolve()));
        },
    };
}

function xmlError(res: http.ServerResponse, status: number, code: string, message: string): void {
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
    res.end(body);
}

/** Decodes an `aws-chunked` body: `<hex size>[;ext]\r\n<data>\r\n` ... `0\r\n[trailers]\r\n`. */
function decodeAwsChunked(raw: Buffer): Buffer {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
        const eol = raw.indexOf("\r\n", at);
        if (eol < 0) break;
        const size = parseInt(raw.subarray(at, eol).toString("latin1").split(";")[0], 16);
        if (!Number.isFinite(size) || size === 0) break;
        parts.push(raw.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
    }
    return Buffer.concat(parts);
}
