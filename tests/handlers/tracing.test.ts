/**
 * Traces that carry the cell: every handler's deployed bundle (components/bundle.ts, as Lambda gets it) runs in a
 * fresh process set up as a Lambda execution environment (fakes/lambda-runtime.cjs), with the X-Ray SDK sending its
 * segment documents to a local daemon (fakes/xray-daemon.ts), and its SDK clients talking to local DynamoDB, S3,
 * SQS, STS and Lambda. What is checked is what X-Ray would receive: the handler subsegment of each invocation
 * (`## index.handler`, child of the segment Lambda made for the invocation) with `cell_id` and the tenants as
 * annotations, every SDK call as a subsegment inside it, the router's invoke of a cell as a subsegment annotated
 * with that cell whose trace header the cell receives, and no value of a request in any document. And that every
 * log line of a cell function names its cell.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { HANDLERS_DIR, bundleHandler } from "../../components/bundle";
import { TRACE_ANNOTATIONS } from "../../handlers/clients/tracing";
import { buildRoutingTable } from "../../handlers/lib/routing";
import { FakeDynamo, startFakeDynamo } from "./fakes/events-dynamo";
import { OWNERSHIP_TABLES, awsEnv, dynamoRecord, s3Event, scheduledEvent, snsEvent, sqsRecord } from "./fakes/events-lambda";
import { FakeS3, startFakeS3 } from "./fakes/events-s3";
import { FakeSqs, startFakeSqs } from "./fakes/events-sqs";
import { FakeLambda, reply, startFakeLambda } from "./fakes/router-fake-lambda";
import { TENANT_CLAIM, v2Event } from "./fakes/routing-events";
import { FakeSts, startFakeSts } from "./fakes/tenant-iam";
import { FakeXrayDaemon, SegmentDocument, startFakeXrayDaemon } from "./fakes/xray-daemon";

const RUNTIME = path.join(__dirname, "fakes", "lambda-runtime.cjs");
const CANARY = "CANARY-7d2e";
const DATA_ROLE_ARN = "arn:aws:iam::123456789012:role/cellular-test-cell-a-tenant";
const BUCKET = "cell-a-ingest";
/** Every Lambda entry in handlers/ (one file each), and the ones this file runs: a new handler must be added here. */
const HANDLER_NAMES = fs.readdirSync(HANDLERS_DIR).filter(f => f.endsWith(".ts")).map(f => f.slice(0, -3)).sort();
const TRACED_HERE = ["alb-api", "authorizer", "cell-api", "failure-handler", "ingest", "notifier", "pre-traffic-hook", "queue-worker", "router", "scheduled", "stream-processor", "token-claims"];

type Json = Record<string, unknown>;

interface Invocation {
    event: unknown;
}

interface TracedRun {
    /** Per invocation: the trace it ran in, Lambda's segment id for it, and what the handler returned or threw. */
    invocations: Array<{ traceId: string; segmentId: string; outcome: { result?: unknown; error?: { name: string; message: string } } }>;
    /** Every X-Ray document of this run's traces. */
    documents: SegmentDocument[];
    /** Every log line the function printed (JSON lines with a level). */
    logs: Json[];
}

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

describe("traces carry the cell: each handler's bundle in a Lambda-like process, its X-Ray documents sent to a local daemon", function () {
    let daemon: FakeXrayDaemon;
    let dynamo: FakeDynamo;
    let s3: FakeS3;
    let sqs: FakeSqs;
    let sts: FakeSts;
    let lambda: FakeLambda;
    let tmp: string;
    let runs = 0;

    before(async () => {
        [daemon, dynamo, s3, sqs, sts] = await Promise.all([startFakeXrayDaemon(), startFakeDynamo(), startFakeS3(), startFakeSqs(), startFakeSts()]);
        lambda = await startFakeLambda({
            "cellular-test-cell-a-api": () => reply.result({ statusCode: 200, headers: { "content-type": "application/json" }, body: "{\"items\":[]}" }),
            "cellular-test-cell-b-api": () => reply.functionError("Error", `failed on {"card":"${CANARY}"}`),
        });
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tracing-test-"));
        fs.writeFileSync(path.join(tmp, "routing.json"), JSON.stringify(buildRoutingTable({
            mode: "invoke",
            cells: [
                { id: "cell-a", state: "active", functionName: "cellular-test-cell-a-api" },
                { id: "cell-b", state: "active", functionName: "cellular-test-cell-b-api" },
            ],
            pinned: { "moved-in": "cell-a", "moved-out": "cell-b" },
        })));
    });
    after(async () => {
        await Promise.all([daemon?.close(), dynamo?.close(), s3?.close(), sqs?.close(), sts?.close(), lambda?.close()]);
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    /** The environment Lambda gives a function, plus the fakes' endpoints; `cell` false for a function outside every cell. */
    function lambdaEnv(handler: string, extra: Record<string, string | undefined> = {}, cell = true): Record<string, string> {
        const env: Record<string, string | undefined> = {
            ...awsEnv({ dynamodb: dynamo.endpoint, s3: s3.endpoint, sqs: sqs.endpoint }, {
                BUCKET_NAME: BUCKET,
                OWNERSHIP_TABLE_PATH: OWNERSHIP_TABLES.twoCells,
                AWS_ENDPOINT_URL_STS: sts.endpoint,
                AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
            }),
            AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
            AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
            LAMBDA_TASK_ROOT: "/var/task",
            _HANDLER: "index.handler",
            AWS_LAMBDA_FUNCTION_NAME: `cellular-test-${handler}`,
            AWS_XRAY_DAEMON_ADDRESS: daemon.address,
            AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
            POWERTOOLS_SERVICE_NAME: handler,
            ...extra,
        };
        if (!cell) delete env.CELL_ID;
        return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    }

    /** Runs the bundle of `handler` once per invocation, in one fresh process (the first invocation is the cold start). */
    async function runTraced(handler: string, env: Record<string, string>, invocations: Invocation[]): Promise<TracedRun> {
        const bundle = bundleHandler(handler);
        const file = bundle.file ?? path.join(tmp, `${handler}.js`);
        if (bundle.file === undefined) fs.writeFileSync(file, bundle.code);
        const id = `${handler}-${++runs}`;
        const traces = invocations.map((_, n) => ({ traceId: `1-6a1e0000-${hex(`${id}/${n}`, 24)}`, segmentId: hex(`${id}/${n}/segment`, 16) }));
        const specFile = path.join(tmp, `${id}.json`);
        fs.writeFileSync(specFile, JSON.stringify({
            id, bundle: file, env,
            invocations: invocations.map((inv, n) => ({ event: inv.event, traceHeader: `Root=${traces[n]!.traceId};Parent=${traces[n]!.segmentId};Sampled=1` })),
        }));
        const child = spawn(process.execPath, [RUNTIME, specFile], { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString("utf8"); });
        const code = await new Promise<number | null>(resolve => child.on("close", resolve));
        assert.equal(code, 0, `the runtime of ${handler} exited with ${code}: ${stderr}`);
        await daemon.ended(id);
        const lines = stdout.split("\n").filter(l => l.trim() !== "");
        const outcomes = lines.filter(l => l.startsWith("RUNTIME-RESULT ")).map(l => JSON.parse(l.slice("RUNTIME-RESULT ".length)) as TracedRun["invocations"][number]["outcome"]);
        assert.equal(outcomes.length, invocations.length, stdout + stderr);
        // Powertools writes warnings and errors to stderr, the rest to stdout: Lambda sends both to the log group.
        const logs = [...lines, ...stderr.split("\n")].filter(l => l.startsWith("{")).map(l => JSON.parse(l) as Json).filter(l => "level" in l);
        const ids = new Set(traces.map(t => t.traceId));
        return {
            invocations: traces.map((t, n) => ({ ...t, outcome: outcomes[n]! })),
            documents: daemon.documents.filter(d => ids.has(d.trace_id)),
            logs,
        };
    }

    /** The handler subsegment of invocation `n`: the one document named `## index.handler` under Lambda's segment. */
    function handlerSegment(run: TracedRun, n: number): SegmentDocument {
        const { traceId, segmentId } = run.invocations[n]!;
        const found = run.documents.filter(d => d.trace_id === traceId && d.name === "## index.handler");
        assert.equal(found.length, 1, `one handler subsegment in trace ${traceId}: ${JSON.stringify(run.documents)}`);
        assert.equal(found[0]!.parent_id, segmentId);
        assert.equal(found[0]!.type, "subsegment");
        return found[0]!;
    }

    /** The names of the AWS services called in invocation `n`, each checked to sit inside the handler subsegment. */
    function awsCalls(run: TracedRun, n: number): string[] {
        const root = handlerSegment(run, n);
        const trace = run.documents.filter(d => d.trace_id === root.trace_id);
        const byId = new Map(trace.map(d => [d.id, d]));
        const within = (d: SegmentDocument): boolean => {
            for (let at: SegmentDocument | undefined = d; at !== undefined; at = at.parent_id === undefined ? undefined : byId.get(at.parent_id)) {
                if (at.id === root.id) return true;
            }
            return false;
        };
        const calls = trace.filter(d => d.namespace === "aws");
        for (const call of calls) assert.ok(within(call), `${call.name} sits inside the handler subsegment`);
        return calls.map(d => `${d.name}.${String(d.aws?.operation)}`).sort();
    }

    function annotations(run: TracedRun, n: number): Json {
        return { ...handlerSegment(run, n).annotations };
    }

    /** Every log line names the cell (the key the handler's logger uses); at least one line was printed. */
    function assertLogsCarryCell(run: TracedRun, key: "cell" | "cellId", cell = "cell-a"): void {
        assert.ok(run.logs.length > 0, "the invocations printed a log line");
        assert.deepEqual(run.logs.filter(l => l[key] !== cell).map(l => l.message), []);
    }

    it("bundles every handler with the tracer, and runs every one of them below", () => {
        assert.deepEqual(HANDLER_NAMES, TRACED_HERE);
        for (const name of HANDLER_NAMES) {
            assert.match(bundleHandler(name).code, /aws-xray-sdk-core|AWS_XRAY_DAEMON_ADDRESS/, name);
        }
    });

    it("cell API: cell_id and the caller's tenant on each request's trace; STS and DynamoDB calls inside it; no request value in any document", async () => {
        const run = await runTraced("cell-api", lambdaEnv("cell-api", { DATA_ROLE_ARN, TENANT_CLAIM }), [
            { event: v2Event({ method: "PUT", path: "/customers/moved-in/items/i-1", body: `{"card":"${CANARY}"}`, headers: { "content-type": "application/json" } }) },
            { event: v2Event({ method: "GET", path: "/customers/moved-out/items/i-1" }) },
        ]);
        assert.deepEqual(run.invocations.map(i => (i.outcome.result as { statusCode: number }).statusCode), [201, 421]);
        assert.deepEqual(annotations(run, 0), { ColdStart: true, Service: "cell-api", cell_id: "cell-a", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });
        assert.deepEqual(annotations(run, 1), { ColdStart: false, Service: "cell-api", cell_id: "cell-a", tenant_id: "moved-out", tenant_ids: ",moved-out,", tenant_count: 1 });
        // The placement marker (handlers/lib/placement.ts), the item as it is, then the write checked against both.
        assert.deepEqual(awsCalls(run, 0), ["DynamoDB.GetItem", "DynamoDB.GetItem", "DynamoDB.TransactWriteItems", "STS.AssumeRole"]);
        // Another cell's customer: its marker read (with that tenant's credentials) says nothing, the map says cell-b: 421.
        assert.deepEqual(awsCalls(run, 1), ["DynamoDB.GetItem", "STS.AssumeRole"]);
        assertLogsCarryCell(run, "cellId");
        assert.deepEqual(run.documents.filter(d => JSON.stringify(d).includes(CANARY)), []);
        assert.deepEqual(daemon.raw.filter(r => r.includes(CANARY)), []);
    });

    it("router: the target cell on the trace and on the invoke's own subsegment, whose trace header the cell receives", async () => {
        const before = lambda.invocations.length;
        const run = await runTraced("router", lambdaEnv("router", { ROUTING_TABLE_PATH: path.join(tmp, "routing.json"), TENANT_CLAIM }, false), [
            { event: v2Event({ method: "GET", path: "/customers/moved-in/items" }) },
            { event: v2Event({ method: "GET", path: "/customers/moved-out/items" }) },
        ]);
        assert.deepEqual(run.invocations.map(i => (i.outcome.result as { statusCode: number }).statusCode), [200, 502]);
        assert.deepEqual(annotations(run, 0), { ColdStart: true, Service: "router", cell_id: "cell-a", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });
        assert.deepEqual(annotations(run, 1), { ColdStart: false, Service: "router", cell_id: "cell-b", tenant_id: "moved-out", tenant_ids: ",moved-out,", tenant_count: 1 });
        const calls = lambda.invocations.slice(before);
        assert.deepEqual(calls.map(c => c.functionName), ["cellular-test-cell-a-api", "cellular-test-cell-b-api"]);
        for (const [n, cell] of ["cell-a", "cell-b"].entries()) {
            const root = handlerSegment(run, n);
            const invoke = run.documents.filter(d => d.trace_id === root.trace_id && d.name === `### invoke ${cell}`);
            assert.equal(invoke.length, 1);
            assert.equal(invoke[0]!.parent_id, root.id);
            assert.deepEqual(invoke[0]!.annotations, { [TRACE_ANNOTATIONS.cell]: cell });
            const sdk = run.documents.filter(d => d.trace_id === root.trace_id && d.namespace === "aws");
            assert.deepEqual(sdk.map(d => [d.name, d.aws?.operation, d.aws?.function_name, d.parent_id]), [["Lambda", "Invoke", `cellular-test-${cell}-api`, invoke[0]!.id]]);
            // The cell's invocation joins the router's trace, as a child of the router's call.
            assert.equal(calls[n]!.traceHeader, `Root=${root.trace_id};Parent=${sdk[0]!.id};Sampled=1`);
        }
        assertLogsCarryCell(run, "cellId", "cell-b");
        assert.deepEqual(run.documents.filter(d => JSON.stringify(d).includes(CANARY)), []);
    });

    it("queue worker: a batch of two tenants is annotated with both (tenant_ids, tenant_count) and no single tenant_id", async () => {
        const run = await runTraced("queue-worker", lambdaEnv("queue-worker"), [{ event: { Records: [
            sqsRecord("q-1", JSON.stringify({ customerId: "moved-in", itemId: "i-2", data: { n: 1 } })),
            sqsRecord("q-2", JSON.stringify({ customerId: "moved-out", itemId: "i-3", data: {} })),
            sqsRecord("q-3", `not json ${CANARY}`),
        ] } }]);
        assert.deepEqual(run.invocations[0]!.outcome.result, { batchItemFailures: [{ itemIdentifier: "q-3" }] });
        assert.deepEqual(annotations(run, 0), { ColdStart: true, Service: "queue-worker", cell_id: "cell-a", tenant_ids: ",moved-in,moved-out,", tenant_count: 2 });
        assert.deepEqual(awsCalls(run, 0), ["DynamoDB.TransactWriteItems", "SQS.SendMessage"]);
        assertLogsCarryCell(run, "cell");
        assert.deepEqual(run.documents.filter(d => JSON.stringify(d).includes(CANARY)), []);
    });

    it("stream processor, notifier: the cell and the record's tenant; a redelivery logs with the cell", async () => {
        const stream = await runTraced("stream-processor", lambdaEnv("stream-processor"), [
            { event: { Records: [dynamoRecord("100", "INSERT", "moved-in", "i-1")] } },
            { event: { Records: [dynamoRecord("100", "INSERT", "moved-in", "i-1")] } },
        ]);
        for (const n of [0, 1]) assert.deepEqual(annotations(stream, n), { ColdStart: n === 0, Service: "stream-processor", cell_id: "cell-a", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });
        assert.ok(awsCalls(stream, 0).length > 0);
        assertLogsCarryCell(stream, "cell");

        const message = JSON.stringify({ customerId: "moved-in", type: "welcome", message: CANARY });
        const notifier = await runTraced("notifier", lambdaEnv("notifier"), [
            { event: snsEvent([{ messageId: "n-1", message }]) },
            { event: snsEvent([{ messageId: "n-1", message }]) },
        ]);
        for (const n of [0, 1]) assert.deepEqual(annotations(notifier, n), { ColdStart: n === 0, Service: "notifier", cell_id: "cell-a", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });
        // The notification and the check of the customer's placement marker, in one transaction.
        assert.deepEqual(awsCalls(notifier, 0), ["DynamoDB.TransactWriteItems"]);
        assertLogsCarryCell(notifier, "cell");
        assert.deepEqual([...stream.documents, ...notifier.documents].filter(d => JSON.stringify(d).includes(CANARY)), []);
    });

    it("ALB entry of the cell API: one handler subsegment with the cell, and no tenant for a caller without a verified token", async () => {
        const run = await runTraced("alb-api", lambdaEnv("alb-api", {
            DATA_ROLE_ARN, TENANT_CLAIM, REQUIRED_SCOPES: "[\"cellular/items\"]", AUDIENCE: "[\"client-1\"]",
            ISSUER: "https://issuer.example.com", JWKS_URI: "https://issuer.example.com/.well-known/jwks.json",
        }), [{
            event: {
                requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/cell-a-api/0123456789abcdef" } },
                httpMethod: "GET", path: "/customers/moved-in/items/i-1", queryStringParameters: {},
                headers: { authorization: `Bearer ${CANARY}.${CANARY}.${CANARY}` }, body: "", isBase64Encoded: false,
            },
        }]);
        assert.equal((run.invocations[0]!.outcome.result as { statusCode: number }).statusCode, 401);
        assert.deepEqual(annotations(run, 0), { ColdStart: true, Service: "alb-api", cell_id: "cell-a" });
        assertLogsCarryCell(run, "cellId");
        assert.deepEqual(run.documents.filter(d => JSON.stringify(d).includes(CANARY)), []);
    });

    it("pre-traffic hook: the cell on its trace, the probe's invoke and the report to CodeDeploy inside it", async () => {
        const reports: string[] = [];
        const codedeploy = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c: Buffer) => { body += c.toString("utf8"); });
            req.on("end", () => {
                reports.push(`${String(req.headers["x-amz-target"])} ${body}`);
                res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end("{}");
            });
        });
        await new Promise<void>(resolve => codedeploy.listen(0, "127.0.0.1", resolve));
        try {
            const port = (codedeploy.address() as { port: number }).port;
            const run = await runTraced("pre-traffic-hook", lambdaEnv("pre-traffic-hook", {
                TARGET_FUNCTION: "cellular-test-cell-a-api", TARGET_VERSION: "7", AWS_ENDPOINT_URL_CODEDEPLOY: `http://127.0.0.1:${port}`,
            }), [{ event: { DeploymentId: "d-TEST1", LifecycleEventHookExecutionId: "hook-1" } }]);
            // The fake cell answers 200 to the probe, which must get the 401 of a caller without a token: Failed.
            assert.deepEqual(run.invocations[0]!.outcome.result, { status: "Failed" });
            assert.deepEqual(reports.map(r => r.split(" ")[0]), ["CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus"]);
            assert.deepEqual(annotations(run, 0), { ColdStart: true, Service: "pre-traffic-hook", cell_id: "cell-a" });
            assert.deepEqual(awsCalls(run, 0), ["CodeDeploy.PutLifecycleEventHookExecutionStatus", "Lambda.Invoke"]);
            assertLogsCarryCell(run, "cellId");
        } finally {
            await new Promise<void>(resolve => codedeploy.close(() => resolve()));
        }
    });

    it("ingest, scheduled, failure handler: the cell on every trace, S3 and DynamoDB calls inside it", async () => {
        const stored = s3.put(BUCKET, "uploads/items.jsonl", `${JSON.stringify({ customerId: "moved-in", itemId: "i-9", data: { note: CANARY } })}\n`);
        const ingest = await runTraced("ingest", lambdaEnv("ingest"), [
            { event: s3Event(BUCKET, "uploads/items.jsonl", stored.etag) },
            { event: s3Event(BUCKET, "uploads/notes.txt") },
        ]);
        assert.deepEqual(annotations(ingest, 0), { ColdStart: true, Service: "ingest", cell_id: "cell-a", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });
        assert.deepEqual(annotations(ingest, 1), { ColdStart: false, Service: "ingest", cell_id: "cell-a" });
        assert.ok(awsCalls(ingest, 0).includes("S3.GetObject"), awsCalls(ingest, 0).join());
        assertLogsCarryCell(ingest, "cell");

        const scheduled = await runTraced("scheduled", lambdaEnv("scheduled"), [{ event: scheduledEvent("2026-12-02T00:00:00Z") }]);
        assert.deepEqual(annotations(scheduled, 0), { ColdStart: true, Service: "scheduled", cell_id: "cell-a" });
        assert.deepEqual(awsCalls(scheduled, 0), ["DynamoDB.Scan", "S3.PutObject"]);
        assertLogsCarryCell(scheduled, "cell");

        const failure = JSON.stringify({
            version: "1.0", timestamp: "2026-12-02T00:29:59.000Z",
            requestContext: { requestId: "req-1", functionArn: "arn:aws:lambda:us-east-1:123456789012:function:cellular-test-cell-a-notifier:$LATEST", condition: "RetriesExhausted", approximateInvokeCount: 3 },
            requestPayload: { Records: [{ Sns: { MessageId: "sns-1", Message: CANARY } }] },
            responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
            responsePayload: { errorType: "NotificationFailedError", errorMessage: "1 notification(s) not stored", trace: [] },
        });
        const failures = await runTraced("failure-handler", lambdaEnv("failure-handler"), [{ event: { Records: [sqsRecord("f-1", failure, { queue: "cellular-test-cell-a-failures" })] } }]);
        assert.deepEqual(annotations(failures, 0), { ColdStart: true, Service: "failure-handler", cell_id: "cell-a" });
        assert.ok(awsCalls(failures, 0).some(c => c.startsWith("DynamoDB.")), awsCalls(failures, 0).join());
        assertLogsCarryCell(failures, "cell");
        assert.deepEqual([...ingest.documents, ...scheduled.documents, ...failures.documents].filter(d => JSON.stringify(d).includes(CANARY)), []);
    });

    it("functions outside every cell (token-claims, authorizer): traced with the tenant where known, no cell_id, an error by its class only", async () => {
        const claims = await runTraced("token-claims", lambdaEnv("token-claims", { TENANT_CLAIM, REQUIRED_SCOPES: "[\"cellular/items\"]" }, false), [
            { event: { version: "2", triggerSource: "TokenGeneration_Authentication", request: { userAttributes: { "custom:tenant_id": "moved-in" } }, response: {} } },
        ]);
        assert.deepEqual(annotations(claims, 0), { ColdStart: true, Service: "token-claims", tenant_id: "moved-in", tenant_ids: ",moved-in,", tenant_count: 1 });

        const authorizer = await runTraced("authorizer", lambdaEnv("authorizer", {
            TENANT_CLAIM, REQUIRED_SCOPES: "[\"cellular/items\"]", AUDIENCE: "[\"client-1\"]",
            ISSUER: "https://issuer.example.com", JWKS_URI: "https://issuer.example.com/.well-known/jwks.json",
        }, false), [{ event: { type: "REQUEST", methodArn: "arn:aws:execute-api:us-east-1:123456789012:api1234/prod/GET/customers/x", headers: { authorization: `Basic ${CANARY}` } } }]);
        assert.deepEqual(authorizer.invocations[0]!.outcome.error, { name: "Error", message: "Unauthorized" });
        const segment = handlerSegment(authorizer, 0);
        assert.deepEqual(segment.annotations, { ColdStart: true, Service: "authorizer" });
        // Not log-safe: only the class reaches the trace.
        assert.deepEqual(segment.cause?.exceptions?.map(e => [e.type, e.message]), [["Error", "Error"]]);
        assert.deepEqual([...claims.documents, ...authorizer.documents].filter(d => JSON.stringify(d).includes(CANARY)), []);
    });
});
