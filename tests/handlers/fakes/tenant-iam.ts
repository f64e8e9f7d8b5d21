/**
 * What only AWS enforces, modelled as closely as tests can: STS hands out credentials for a tagged session, and
 * IAM lets those credentials touch DynamoDB only as the role's policy allows. The cell API's real SDK clients talk
 * to both over HTTP, so what is tested is what the handler would send to AWS.
 *
 * - A fake STS (AWS Query protocol, as the SDK speaks it) answers AssumeRole with credentials whose access key id
 *   stands for the session, and remembers the session's tags and role.
 * - An IAM guard in front of dynalite evaluates, for every request, the policy document the program gives the
 *   data role (`tenantDataPolicy`), as IAM would: the action (`dynamodb:<Operation>`), the table ARN, and the
 *   condition `ForAllValues:StringEquals` on `dynamodb:LeadingKeys` with `${aws:PrincipalTag/<key>}` replaced by
 *   the session's tag. A request it does not allow gets DynamoDB's `AccessDeniedException` (HTTP 400), as AWS
 *   answers it. Requests signed with other credentials (the tests' own) pass unguarded.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StsSession {
    roleArn: string;
    sessionName: string;
    tags: Record<string, string>;
}

export interface FakeSts {
    endpoint: string;
    /** Every AssumeRole call, in order. */
    calls: StsSession[];
    /** Sessions by the access key id handed out. */
    sessions: Map<string, StsSession>;
    /** Makes AssumeRole fail (as when the caller may not assume the role) while set. */
    deny: boolean;
    close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
}

function body(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", c => chunks.push(c as Buffer));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

export async function startFakeSts(now: () => number = Date.now): Promise<FakeSts> {
    const sts: Omit<FakeSts, "endpoint" | "close"> = { calls: [], sessions: new Map(), deny: false };
    const server = http.createServer(async (req, res) => {
        const params = new URLSearchParams(await body(req));
        if (params.get("Action") !== "AssumeRole") {
            res.writeHead(400, { "content-type": "text/xml" });
            res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not faked</Message></Error></ErrorResponse>`);
            return;
        }
        if (sts.deny) {
            res.writeHead(403, { "content-type": "text/xml" });
            res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>`);
            return;
        }
        const tags: Record<string, string> = {};
        for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) tags[params.get(`Tags.member.${i}.Key`)!] = params.get(`Tags.member.${i}.Value`)!;
        const session = { roleArn: params.get("RoleArn")!, sessionName: params.get("RoleSessionName")!, tags };
        sts.calls.push(session);
        const accessKeyId = `ASIAFAKE${String(sts.calls.length).padStart(8, "0")}`;
        sts.sessions.set(accessKeyId, session);
        const expiration = new Date(now() + Number(params.get("DurationSeconds") ?? 3600) * 1000).toISOString();
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
            `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>secret-${accessKeyId}</SecretAccessKey>` +
            `<SessionToken>token-${accessKeyId}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
            `<AssumedRoleUser><Arn>${session.roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/${session.sessionName}</Arn>` +
            `<AssumedRoleId>AROAFAKE:${session.sessionName}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>` +
            `<ResponseMetadata><RequestId>fake-sts</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    });
    const endpoint = await listen(server);
    return Object.assign(sts, { endpoint, close: () => new Promise<void>(r => server.close(() => r())) });
}

/** The partition keys a DynamoDB request touches (the condition key `dynamodb:LeadingKeys`), as IAM sees them. */
export function leadingKeys(operation: string, request: Json): string[] {
    const pkOf = (item: Json | undefined) => (item?.pk?.S as string | undefined);
    switch (operation) {
        case "GetItem": case "DeleteItem": case "UpdateItem": return [pkOf(request.Key)].filter((k): k is string => k !== undefined);
        case "PutItem": return [pkOf(request.Item)].filter((k): k is string => k !== undefined);
        case "Query": {
            const m = /(?:^|\s|\()(#?\w+)\s*=\s*(:\w+)/.exec(String(request.KeyConditionExpression ?? ""));
            const name = m?.[1]?.startsWith("#") ? request.ExpressionAttributeNames?.[m[1]] : m?.[1];
            return name === "pk" && m ? [request.ExpressionAttributeValues?.[m[2]!]?.S as string] : [];
        }
        default: return [];
    }
}

/** Whether `doc` allows the session `operation` on `tableArn` touching `keys`, as IAM evaluates these statements. */
export function allows(doc: Json, session: StsSession, operation: string, tableArn: string, keys: string[]): boolean {
    const substitute = (v: string) => v.replace(/\$\{aws:PrincipalTag\/([^}]+)\}/g, (_, tag: string) => session.tags[tag] ?? "\u0000no-tag");
    return (doc.Statement as Json[]).some(st => {
        if (st.Effect !== "Allow") return false;
        if (!(st.Action as string[]).includes(`dynamodb:${operation}`)) return false;
        if (!(st.Resource as string[]).includes(tableArn)) return false;
        const condition = st.Condition as Json | undefined;
        if (condition === undefined) return true;
        return Object.entries(condition).every(([operator, tests]) => Object.entries(tests as Json).every(([key, values]) => {
            if (operator !== "ForAllValues:StringEquals" || key !== "dynamodb:LeadingKeys") return false;
            const allowed = (values as string[]).map(substitute);
            // ForAllValues: every key the request touches must be allowed (an empty set passes, as in IAM).
            return keys.every(k => allowed.includes(k));
        }));
    });
}

export interface IamGuard {
    endpoint: string;
    /** Requests refused, with why. */
    denied: Array<{ operation: string; tenant: string | undefined; keys: string[] }>;
    close(): Promise<void>;
}

/** A proxy to dynalite that enforces `policy` for every request signed with credentials the fake STS handed out. */
export async function startIamGuard(dynaliteEndpoint: string, sts: FakeSts, policy: Json, tableArnOf: (table: string) => string): Promise<IamGuard> {
    const denied: IamGuard["denied"] = [];
    const target = new URL(dynaliteEndpoint);
    const server = http.createServer(async (req, res) => {
        const raw = await body(req);
        const accessKeyId = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization))?.[1];
        const session = accessKeyId === undefined ? undefined : sts.sessions.get(accessKeyId);
        if (session !== undefined) {
            const operation = String(req.headers["x-amz-target"]).split(".")[1]!;
            const request = JSON.parse(raw) as Json;
            // A transaction is authorised item by item, each as the action it is (ConditionCheck: ConditionCheckItem).
            const parts = operation === "TransactWriteItems"
                ? (request.TransactItems as Json[]).map(entry => {
                    const [kind, op] = Object.entries(entry)[0] as [string, Json];
                    const single = kind === "ConditionCheck" ? "ConditionCheckItem" : `${kind}Item`;
                    return { operation: single, request: op, keys: leadingKeys(single === "PutItem" ? "PutItem" : "GetItem", op) };
                })
                : [{ operation, request, keys: leadingKeys(operation, request) }];
            const refused = parts.find(p => !allows(policy, session, p.operation, tableArnOf(String(p.request.TableName)), p.keys));
            if (refused !== undefined) {
                denied.push({ operation: refused.operation, tenant: session.tags.tenant, keys: refused.keys });
                res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
                res.end(JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException",
                    message: `User: ${session.sessionName} is not authorized to perform: dynamodb:${refused.operation}` }));
                return;
            }
        } else if (accessKeyId?.startsWith("ASIAFAKE")) {
            res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
            res.end(JSON.stringify({ __type: "com.amazon.coral.service#UnrecognizedClientException", message: "unknown session" }));
            return;
        }
        const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, upstream => {
            res.writeHead(upstream.statusCode ?? 500, upstream.headers);
            upstream.pipe(res);
        });
        forward.on("error", err => { res.writeHead(500); res.end(String(err)); });
        forward.end(raw);
    });
    const endpoint = await listen(server);
    return { endpoint, denied, close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }) };
}
