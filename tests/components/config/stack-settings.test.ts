import { strict as assert } from "assert";
import { ConfigError, DEFAULTS, loadSettings, LIMITS } from "../../../components/config";
import { configProblems, edit, Json, Raw, ROOT, stackConfig } from "../../fixtures/stack";
import { readStackConfig } from "../../../tools/lib/stack-config";

/** The dev stack's config, as the CLI would pass it: the known-good starting point of every negative case. */
function devConfig(): Raw {
    return stackConfig("dev");
}

const problemsOf = (raw: Raw, stack = "dev"): string[] => configProblems(raw, stack);

const WITHIN_28 = "a cell's API function is behind API Gateway or invoked synchronously by the router, so it must finish within 28 s";

describe("stack config", () => {
    describe("the shipped stacks", () => {
        it("loads dev: 3 cells, every event source on, small reserved concurrency", () => {
            const dev = readStackConfig(ROOT, "dev");
            const config = loadSettings(dev.config, dev);
            assert.deepEqual(config.cells.map(c => c.id), ["cell-a", "cell-b", "cell-c"]);
            for (const cell of config.cells) {
                // Every source but the ALB, which needs a listener (or the cell VPC) dev does not have.
                for (const [kind, source] of Object.entries(cell.eventSources)) assert.equal(source.enabled, kind !== "alb", `${cell.id} ${kind}`);
                assert.equal(cell.api.reservedConcurrency, 5);
            }
            assert.equal(config.cells[2]!.eventSources.queue.fifo, true);
            assert.equal(config.reservedConcurrencyTotal, 95);
            assert.deepEqual(config.tags, { "cost-center": "cc-platform-dev", environment: "dev" });
        });

        it("loads prod: 12 cells in waves with a single canary first, within the account budget", () => {
            const prod = readStackConfig(ROOT, "prod");
            const config = loadSettings(prod.config, prod);
            assert.equal(config.cells.length, 12);
            assert.deepEqual(config.cells.filter(c => c.wave === 0).map(c => c.id), ["cell-01"]);
            assert.deepEqual([...new Set(config.cells.map(c => c.wave))], [0, 1, 2]);
            assert.equal(config.reservedConcurrencyTotal, 822);
            assert.ok(config.reservedConcurrencyTotal <= config.accountConcurrencyLimit - LIMITS.unreservedMinimum);
        });

        it("lets a cell's settings default from the stack-wide ones, and override them", () => {
            const raw = edit(devConfig(), "cells", cells => { cells[1].memoryMb = 512; cells[1].eventSources = { topic: { enabled: false } }; });
            const config = loadSettings(raw, { project: "cellular", stack: "dev" });
            assert.equal(config.cells[0]!.api.memoryMb, 256);
            assert.equal(config.cells[1]!.api.memoryMb, 512);
            assert.equal(config.cells[1]!.api.timeoutSeconds, 10);
            assert.equal(config.cells[1]!.eventSources.topic.enabled, false);
            assert.equal(config.cells[1]!.eventSources.topic.reservedConcurrency, 1);
            assert.equal(config.cells[1]!.eventSources.queue.enabled, true);
        });

        it("generates cell ids from cellular:cellCount", () => {
            const raw = edit(devConfig(), "router", r => { r.pinned = {}; });
            delete raw["cellular:cells"];
            raw["cellular:cellCount"] = "4";
            const config = loadSettings(raw, { project: "cellular", stack: "dev" });
            assert.deepEqual(config.cells.map(c => c.id), ["cell-001", "cell-002", "cell-003", "cell-004"]);
        });

        it("pins the built-in defaults", () => {
            assert.deepEqual(DEFAULTS.router, {
                mode: "invoke", api: "http", memoryMb: 256, timeoutSeconds: 15, reservedConcurrency: 50,
                provisionedConcurrency: 0, throttle: { rateLimit: 50, burstLimit: 100 }, pinned: {}, logRetentionDays: 30,
                breaker: { failureThreshold: 5, coolDownSeconds: 10, alarmMinutes: 3 },
                cors: {
                    allowOrigins: [], allowMethods: ["DELETE", "GET", "HEAD", "PUT"], allowHeaders: ["authorization", "content-type", "if-match", "if-none-match"],
                    exposeHeaders: ["etag", "location", "retry-after"], maxAgeSeconds: 600, allowCredentials: false,
                },
            });
            assert.deepEqual(DEFAULTS.cell.router, { cellTimeoutMs: 1000 });
            assert.equal(DEFAULTS.accountConcurrencyLimit, 1000);
            assert.equal(DEFAULTS.cell.timeoutSeconds, 10);
            assert.equal(DEFAULTS.cell.eventSources.queue.maxReceiveCount, 5);
            assert.deepEqual(DEFAULTS.cell.async, { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600, onFailure: "queue", onSuccess: "none" });
            const minimal = { "aws:region": "eu-west-1", "cellular:tags": JSON.stringify({ "cost-center": "c", environment: "e" }), "cellular:cellCount": "1",
                "cellular:auth": JSON.stringify({ cognito: true }), "cellular:alarms": JSON.stringify({ emails: ["oncall@example.com"] }) };
            const config = loadSettings(minimal, { project: "cellular", stack: "dev" });
            assert.deepEqual(config.cells[0]!.api, { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 10, provisionedConcurrency: 0 });
            assert.equal(config.isolation, "none");
        });
    });

    describe("each invalid setting gives its exact message", () => {
        const cases: Array<{ name: string; raw: () => Raw; problem: string; stack?: string }> = [
            { name: "a cell id that is not DNS-safe",
                raw: () => edit(devConfig(), "cells", c => { c[0].id = "Cell_A"; }),
                problem: 'cellular:cells[0].id is "Cell_A"; cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 20 characters' },
            { name: "a cell id longer than 20 characters",
                raw: () => edit(devConfig(), "cells", c => { c[0].id = "a".repeat(21); }),
                problem: `cellular:cells[0].id is "${"a".repeat(21)}"; cell ids are at most 20 characters` },
            { name: "a duplicate cell id",
                raw: () => edit(devConfig(), "cells", c => { c[2].id = "cell-a"; }),
                problem: 'cellular:cells[2].id is "cell-a"; cell ids must be unique; cellular:cells[0] has it too' },
            { name: "a cell count that disagrees with the list",
                raw: () => ({ ...devConfig(), "cellular:cellCount": "5" }),
                problem: "cellular:cellCount is 5; must equal the number of cells listed in cellular:cells (3), or be left out" },
            { name: "no cells at all",
                raw: () => { const r = devConfig(); delete r["cellular:cells"]; return r; },
                problem: "cellular:cells is missing; list the cells (each with an id), or set cellular:cellCount" },
            { name: "a cell count above the limit",
                raw: () => { const r = devConfig(); delete r["cellular:cells"]; r["cellular:cellCount"] = "1001"; return r; },
                problem: "cellular:cellCount is 1001; expected an integer from 1 to 1000" },
            { name: "memory below 128 MB",
                raw: () => edit(devConfig(), "defaults", d => { d.memoryMb = 100; }),
                problem: "cellular:defaults.memoryMb is 100; expected an integer from 128 to 10240" },
            { name: "memory above 10240 MB",
                raw: () => edit(devConfig(), "cells", c => { c[1].memoryMb = 10241; }),
                problem: "cellular:cells[1].memoryMb is 10241; expected an integer from 128 to 10240" },
            { name: "memory above one vCPU without a justification",
                raw: () => edit(devConfig(), "cells", c => { c[1].memoryMb = 4096; }),
                problem: "cellular:cells[1].memoryMb is 4096; above 1769 MB (one vCPU) a single-threaded Node.js handler gains nothing; lower it or say why in cellular:cells[1].memoryJustification" },
            { name: "a timeout of 0",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.queue.timeoutSeconds = 0; }),
                problem: "cellular:defaults.eventSources.queue.timeoutSeconds is 0; expected an integer from 1 to 900" },
            { name: "a timeout above 900 s",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.bucket.timeoutSeconds = 901; }),
                problem: "cellular:defaults.eventSources.bucket.timeoutSeconds is 901; expected an integer from 1 to 900" },
            { name: "a cell function timeout of 29 s (behind API Gateway)",
                raw: () => edit(devConfig(), "cells", c => { c[2].timeoutSeconds = 29; }),
                problem: `cellular:cells[2].timeoutSeconds is 29; ${WITHIN_28}` },
            { name: "a cell function timeout of 40 s set stack-wide",
                raw: () => edit(devConfig(), "defaults", d => { d.timeoutSeconds = 40; }),
                problem: `cellular:defaults.timeoutSeconds is 40; ${WITHIN_28}` },
            { name: "a router timeout of 29 s",
                raw: () => edit(devConfig(), "router", r => { r.timeoutSeconds = 29; }),
                problem: "cellular:router.timeoutSeconds is 29; the router sits behind API Gateway and must finish within 28 s" },
            { name: "a cell that would outlive the router that invokes it",
                raw: () => edit(devConfig(), "cells", c => { c[1].timeoutSeconds = 15; }),
                problem: "cellular:cells[1].timeoutSeconds is 15; the router (cellular:router.timeoutSeconds 15) invokes the cell synchronously, so the cell must time out first: at most 14 s" },
            { name: "reserved concurrency beyond the account budget",
                raw: () => edit(devConfig(), "defaults", d => { d.reservedConcurrency = 300; }),
                problem: "cellular:accountConcurrencyLimit is 1000, which leaves 900 to reserve after the 100 AWS keeps unreserved, but the stack reserves 980 (router 50 + 3 cells, up to 310 each, counting every function of the cell); lower the cells' reservedConcurrency settings or raise cellular:accountConcurrencyLimit after a quota increase" },
            { name: "a queue worker reserved below 2, which its SQS mapping's maximumConcurrency cannot equal",
                raw: () => edit(devConfig(), "cells", c => { c[0].eventSources = { queue: { enabled: true, reservedConcurrency: 1 } }; }),
                problem: "cellular:cells[0].eventSources.queue.reservedConcurrency is 1; a function fed by an SQS queue needs a reserved concurrency from 2 to 1000, which its event source mapping's maximumConcurrency then equals (Lambda polls with five batches at first; a throttled batch counts as a receive)" },
            { name: "a failure handler reserved below 2 (it drains the failure queue through an SQS mapping)",
                raw: () => edit(devConfig(), "defaults", d => { d.failureHandler.reservedConcurrency = 1; }),
                problem: "cellular:defaults.failureHandler.reservedConcurrency is 1; a function fed by an SQS queue needs a reserved concurrency from 2 to 1000, which its event source mapping's maximumConcurrency then equals (Lambda polls with five batches at first; a throttled batch counts as a receive)" },
            { name: "a queue worker reserved above what a mapping's maximumConcurrency can be",
                raw: () => ({ ...edit(devConfig(), "defaults", d => { d.eventSources.queue.reservedConcurrency = 1001; }), "cellular:accountConcurrencyLimit": "100000" }),
                problem: "cellular:defaults.eventSources.queue.reservedConcurrency is 1001; a function fed by an SQS queue needs a reserved concurrency from 2 to 1000, which its event source mapping's maximumConcurrency then equals (Lambda polls with five batches at first; a throttled batch counts as a receive)" },
            { name: "on-success records sent to the failure path (the failure handler)",
                raw: () => edit(devConfig(), "defaults", d => { d.async.onSuccess = "function"; }),
                problem: 'cellular:defaults.async.onSuccess is "function"; expected one of none, queue, bus' },
            { name: "a failure retention of 0 days",
                raw: () => edit(devConfig(), "defaults", d => { d.failureHandler.retentionDays = 0; }),
                problem: "cellular:defaults.failureHandler.retentionDays is 0; expected an integer from 1 to 3653" },
            { name: "provisioned concurrency above reserved",
                raw: () => edit(devConfig(), "defaults", d => { d.provisionedConcurrency = 9; }),
                problem: "cellular:defaults.provisionedConcurrency is 9; must not exceed the reserved concurrency (5)" },
            { name: "an SQS batch size above 10000",
                raw: () => edit(devConfig(), "cells", c => { c[0].eventSources = { queue: { batchSize: 10001, batchingWindowSeconds: 1 } }; }),
                problem: "cellular:cells[0].eventSources.queue.batchSize is 10001; expected an integer from 1 to 10000" },
            { name: "a stack-wide batching window that a FIFO cell inherits",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.queue.batchingWindowSeconds = 1; }),
                problem: "cellular:defaults.eventSources.queue.batchingWindowSeconds is 1; FIFO queues do not support a batching window; expected 0" },
            { name: "a FIFO batch size above 10",
                raw: () => edit(devConfig(), "cells", c => { c[2].eventSources.queue.batchSize = 11; }),
                problem: "cellular:cells[2].eventSources.queue.batchSize is 11; a FIFO queue delivers at most 10 messages per batch; expected 1 to 10" },
            { name: "a batching window on a FIFO queue",
                raw: () => edit(devConfig(), "cells", c => { c[2].eventSources.queue.batchingWindowSeconds = 5; }),
                problem: "cellular:cells[2].eventSources.queue.batchingWindowSeconds is 5; FIFO queues do not support a batching window; expected 0" },
            { name: "a standard batch above 10 without a batching window",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.queue.batchSize = 100; }),
                problem: "cellular:defaults.eventSources.queue.batchingWindowSeconds is 0; a batch size above 10 (100) needs a batching window of at least 1 s" },
            { name: "a stream batch size of 0",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.tableStream.batchSize = 0; }),
                problem: "cellular:defaults.eventSources.tableStream.batchSize is 0; expected an integer from 1 to 10000" },
            { name: "a batching window above 300 s",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.kinesis.batchingWindowSeconds = 301; }),
                problem: "cellular:defaults.eventSources.kinesis.batchingWindowSeconds is 301; expected an integer from 0 to 300" },
            { name: "unbounded stream retries",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.tableStream.maximumRetryAttempts = -1; }),
                problem: "cellular:defaults.eventSources.tableStream.maximumRetryAttempts is -1; expected a finite number of retries from 0 to 10000 (-1, retry until the record expires, blocks the shard)" },
            { name: "a maxReceiveCount below 5",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.queue.maxReceiveCount = 4; }),
                problem: "cellular:defaults.eventSources.queue.maxReceiveCount is 4; expected 5 to 1000 (fewer receives send messages to the dead-letter queue on a passing throttle)" },
            { name: "a Kinesis parallelization factor above 10",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.kinesis.parallelizationFactor = 11; }),
                problem: "cellular:defaults.eventSources.kinesis.parallelizationFactor is 11; expected an integer from 1 to 10" },
            { name: "three async retries",
                raw: () => edit(devConfig(), "defaults", d => { d.async.maximumRetryAttempts = 3; }),
                problem: "cellular:defaults.async.maximumRetryAttempts is 3; expected an integer from 0 to 2" },
            { name: "a maximum event age below 60 s",
                raw: () => edit(devConfig(), "cells", c => { c[0].async = { maximumEventAgeSeconds: 59 }; }),
                problem: "cellular:cells[0].async.maximumEventAgeSeconds is 59; expected an integer from 60 to 21600" },
            { name: "a maximum event age above 6 hours",
                raw: () => edit(devConfig(), "defaults", d => { d.async.maximumEventAgeSeconds = 21601; }),
                problem: "cellular:defaults.async.maximumEventAgeSeconds is 21601; expected an integer from 60 to 21600" },
            { name: "an unknown destination",
                raw: () => edit(devConfig(), "defaults", d => { d.async.onFailure = "email"; }),
                problem: 'cellular:defaults.async.onFailure is "email"; expected one of queue, topic, bus, function' },
            { name: "a log retention CloudWatch does not accept",
                raw: () => edit(devConfig(), "defaults", d => { d.logRetentionDays = 10; }),
                problem: "cellular:defaults.logRetentionDays is 10; expected one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653" },
            { name: "a missing cost-center tag",
                raw: () => edit(devConfig(), "tags", t => { delete t["cost-center"]; }),
                problem: "cellular:tags.cost-center is missing; every resource must carry a non-empty cost-center tag; set it with `pulumi config set --path 'cellular:tags.cost-center' <value>`" },
            { name: "an empty environment tag",
                raw: () => edit(devConfig(), "tags", t => { t.environment = ""; }),
                problem: 'cellular:tags.environment is ""; every resource must carry a non-empty environment tag' },
            { name: "a cell tag set by hand",
                raw: () => edit(devConfig(), "tags", t => { t.cell = "x"; }),
                problem: 'cellular:tags.cell is "x"; the cell tag is set by the program on every resource (the cell id, or shared); remove it' },
            { name: "an unknown key",
                raw: () => ({ ...devConfig(), "cellular:cell": "[]" }),
                problem: 'cellular:cell is "[]"; not a known setting; known: cellular:tags, cellular:accountConcurrencyLimit, cellular:protectData, cellular:acceptDataLoss, cellular:isolation, cellular:cellCount, cellular:cells, cellular:defaults, cellular:router, cellular:auth, cellular:alarms, cellular:rollout, cellular:quotas' },
            { name: "a misspelt nested key",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.queue.batchsize = 3; }),
                problem: "cellular:defaults.eventSources.queue.batchsize is 3; not a known setting; known: enabled, fifo, batchSize, batchingWindowSeconds, maxReceiveCount, memoryMb, timeoutSeconds, reservedConcurrency, memoryJustification" },
            { name: "a schedule expression EventBridge rejects",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.schedule.expression = "rate(1 minutes)"; }),
                problem: 'cellular:defaults.eventSources.schedule.expression is "rate(1 minutes)"; write rate(1 minute): EventBridge wants the singular for 1' },
            { name: "a cron expression with both day fields set",
                raw: () => edit(devConfig(), "defaults", d => { d.eventSources.schedule.expression = "cron(0 3 * * * *)"; }),
                problem: 'cellular:defaults.eventSources.schedule.expression is "cron(0 3 * * * *)"; exactly one of day-of-month and day-of-week must be ? in an EventBridge cron expression' },
            { name: "a customer pinned to an unknown cell",
                raw: () => edit(devConfig(), "router", r => { r.pinned = { "cust-1": "cell-z" }; }),
                problem: 'cellular:router.pinned.cust-1 is "cell-z"; expected one of the cell ids: cell-a, cell-b, cell-c' },
            { name: "an unknown router mode",
                raw: () => edit(devConfig(), "router", r => { r.mode = "proxy"; }),
                problem: 'cellular:router.mode is "proxy"; expected one of invoke, redirect' },
            { name: "an unknown isolation",
                raw: () => ({ ...devConfig(), "cellular:isolation": "full" }),
                problem: 'cellular:isolation is "full"; expected one of none, vpc' },
            { name: "a gap between waves",
                raw: () => edit(devConfig(), "cells", c => { c[2].wave = 2; }),
                problem: "cellular:cells[2].wave is 2; waves are numbered without gaps from 0 (the canary wave); wave 1 has no cell" },
            { name: "no cellular:alarms (an alarm must tell someone)",
                raw: () => { const r = devConfig(); delete r["cellular:alarms"]; return r; },
                problem: "cellular:alarms is missing; set emails: [<address>, ...] (the stack creates a topic and subscribes them) or topicArn: <an SNS topic of the stack's region>; an alarm that tells no one is not one" },
            { name: "an alarm topic in another region",
                raw: () => ({ ...devConfig(), "cellular:alarms": JSON.stringify({ topicArn: "arn:aws:sns:eu-west-1:123456789012:paging" }) }),
                problem: 'cellular:alarms.topicArn is "arn:aws:sns:eu-west-1:123456789012:paging"; CloudWatch alarms notify topics of their own region only; expected a topic in us-east-1' },
            { name: "an alarm topic that is not an SNS ARN",
                raw: () => ({ ...devConfig(), "cellular:alarms": JSON.stringify({ topicArn: "paging" }) }),
                problem: 'cellular:alarms.topicArn is "paging"; expected an SNS topic ARN: arn:<partition>:sns:<region>:<account id>:<topic name>' },
            { name: "both an alarm topic and addresses",
                raw: () => ({ ...devConfig(), "cellular:alarms": JSON.stringify({ topicArn: "arn:aws:sns:us-east-1:123456789012:paging", emails: ["a@example.com"] }) }),
                problem: 'cellular:alarms.emails is ["a@example.com"]; set either topicArn or emails, not both' },
            { name: "an address that is not one",
                raw: () => ({ ...devConfig(), "cellular:alarms": JSON.stringify({ emails: ["oncall"] }) }),
                problem: 'cellular:alarms.emails is ["oncall"]; expected a non-empty list of distinct e-mail addresses' },
            { name: "no cellular:auth (there is no anonymous mode)",
                raw: () => { const r = devConfig(); delete r["cellular:auth"]; return r; },
                problem: "cellular:auth is missing; set cognito: true (the stack creates a Cognito user pool) or issuer: <an OIDC issuer URL>; there is no anonymous mode" },
            { name: "an auth section naming no issuer",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ tenantClaim: "tid" }) }),
                problem: "cellular:auth.issuer is missing; set cognito: true (the stack creates a Cognito user pool) or issuer: <an OIDC issuer URL>; there is no anonymous mode" },
            { name: "both a Cognito pool and an external issuer",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ cognito: true, issuer: "https://login.example.com/" }) }),
                problem: 'cellular:auth.issuer is "https://login.example.com/"; set either cognito: true or an issuer, not both' },
            { name: "an issuer that is not https",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ issuer: "http://login.example.com/", audience: ["a"] }) }),
                problem: 'cellular:auth.issuer is "http://login.example.com/"; expected the issuer\'s https URL, without query or fragment, as the tokens\' iss claim has it' },
            { name: "an external issuer without an audience",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ issuer: "https://login.example.com/" }) }),
                problem: "cellular:auth.audience is missing; an external issuer needs the audience its tokens are for (their aud or client_id), as a list" },
            { name: "an audience with the stack's own Cognito pool",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ cognito: true, audience: ["mine"] }) }),
                problem: 'cellular:auth.audience is ["mine"]; with cognito: true the audience is the app client the stack creates; leave it out' },
            { name: "a scope the stack's resource server cannot have",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ cognito: true, requiredScopes: ["other/items"] }) }),
                problem: 'cellular:auth.requiredScopes is ["other/items"]; with cognito: true the scopes are the stack\'s resource server\'s: cellular/<name>' },
            { name: "no required scope (an ID token would pass)",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ cognito: true, requiredScopes: [] }) }),
                problem: "cellular:auth.requiredScopes is []; expected a non-empty list of distinct OAuth scopes" },
            { name: "a misspelt auth key",
                raw: () => ({ ...devConfig(), "cellular:auth": JSON.stringify({ cognito: true, tenantclaim: "t" }) }),
                problem: 'cellular:auth.tenantclaim is "t"; not a known setting; known: cognito, issuer, jwksUri, audience, tenantClaim, requiredScopes' },
            { name: "no region",
                raw: () => { const r = devConfig(); delete r["aws:region"]; return r; },
                problem: "aws:region is missing; set it with `pulumi config set aws:region <region>`" },
            { name: "a region that is not a region's name",
                raw: () => ({ ...devConfig(), "aws:region": "US East (N. Virginia)" }),
                problem: 'aws:region is "US East (N. Virginia)"; expected an AWS region name such as us-east-1 or ap-southeast-2' },
        ];
        for (const c of cases) {
            it(`rejects ${c.name}`, () => {
                assert.deepEqual(problemsOf(c.raw(), c.stack), [c.problem]);
            });
        }
    });

    describe("AWS quotas the stack runs into as it grows", () => {
        /** n cells with only their API and failure handler (4 roles each, with the tenant data role and CodeDeploy's), reserved concurrency 1 each. */
        function bare(n: number, quotas?: Json): Raw {
            let raw = edit(devConfig(), "defaults", d => {
                for (const source of Object.values(d.eventSources) as Json[]) source.enabled = false;
                d.reservedConcurrency = 1;
            });
            raw = edit(raw, "router", r => { r.pinned = {}; });
            delete raw["cellular:cells"];
            raw["cellular:cellCount"] = String(n);
            raw["cellular:accountConcurrencyLimit"] = "100000";
            if (quotas) raw["cellular:quotas"] = JSON.stringify(quotas);
            return raw;
        }

        it("counts every role it names against the account's 1000: one per function, each cell's tenant data role and CodeDeploy role", () => {
            // 4 per cell, and the router's and the Cognito trigger's.
            assert.deepEqual(problemsOf(bare(249)), []);
            assert.deepEqual(problemsOf(bare(250)), [
                "cellular:quotas.iamRolesPerAccount is 1000 (IAM roles per account), but the stack needs 1002; after a quota increase, set cellular:quotas.iamRolesPerAccount (AWS allows up to 5000)",
            ]);
            assert.deepEqual(problemsOf(bare(250, { iamRolesPerAccount: 1002 })), []);
        });

        it("splits the router's invoke grants into managed policies, at most 10 per role by default", () => {
            const quotas = { iamRolesPerAccount: 5000 };
            assert.deepEqual(problemsOf(bare(700, quotas)), []);
            assert.deepEqual(problemsOf(bare(1000, quotas)), [
                "cellular:quotas.managedPoliciesPerRole is 10 (managed policies attached to one IAM role (the router's invoke grants)), but the stack needs 14; after a quota increase, set cellular:quotas.managedPoliciesPerRole (AWS allows up to 20)",
            ]);
            assert.deepEqual(problemsOf(bare(1000, { ...quotas, managedPoliciesPerRole: 20 })), []);
            // In redirect mode the router may invoke nothing: no grants at all.
            assert.deepEqual(problemsOf(edit(bare(1000, { ...quotas, apisPerRegion: 1001 }), "router", r => { r.mode = "redirect"; })), []);
        });

        it("needs a VPC per cell with isolation vpc, 5 per region by default", () => {
            assert.deepEqual(problemsOf({ ...devConfig(), "cellular:isolation": "vpc" }), []);
            const six = edit({ ...devConfig(), "cellular:isolation": "vpc" }, "cells", c => { c.push({ id: "cell-d" }, { id: "cell-e" }, { id: "cell-f" }); });
            assert.deepEqual(problemsOf(six), [
                "cellular:quotas.vpcsPerRegion is 5 (VPCs per region), but the stack needs 6; after a quota increase, set cellular:quotas.vpcsPerRegion (AWS allows up to 1000)",
            ]);
        });

        it("needs two gateway endpoints (DynamoDB, S3) per cell with isolation vpc, 20 per region by default", () => {
            const vpc = (n: number) => ({ ...bare(n, { vpcsPerRegion: 100 }), "cellular:isolation": "vpc" });
            assert.deepEqual(problemsOf(vpc(10)), []);
            assert.deepEqual(problemsOf(vpc(11)), [
                "cellular:quotas.gatewayEndpointsPerRegion is 20 (gateway VPC endpoints per region), but the stack needs 22; after a quota increase, set cellular:quotas.gatewayEndpointsPerRegion (AWS allows up to 255)",
            ]);
        });

        it("takes AWS's Kinesis shard default of the stack's region: 20,000 in us-east-1, us-west-2 and eu-west-1, 1,000 elsewhere", () => {
            const shards = (region: string, perCell: number, quotas?: Json) => {
                const raw = edit(bare(10, quotas), "defaults", d => { d.eventSources.kinesis.enabled = true; d.eventSources.kinesis.shardCount = perCell; d.eventSources.kinesis.reservedConcurrency = 2; });
                return { ...raw, "aws:region": region };
            };
            assert.equal(loadSettings(shards("us-east-1", 1), { project: "cellular", stack: "dev" }).quotas.kinesisShardsPerRegion, 20000);
            assert.equal(loadSettings(shards("ap-southeast-2", 1), { project: "cellular", stack: "dev" }).quotas.kinesisShardsPerRegion, 1000);
            // 10 cells of 200 shards: fine where the default is 20,000, too many where it is 1,000.
            assert.deepEqual(problemsOf(shards("eu-west-1", 200)), []);
            assert.deepEqual(problemsOf(shards("eu-central-1", 200)), [
                "cellular:quotas.kinesisShardsPerRegion is 1000 (Kinesis shards per region), but the stack needs 2000; after a quota increase, set cellular:quotas.kinesisShardsPerRegion (AWS allows up to 100000)",
            ]);
            assert.deepEqual(problemsOf(shards("eu-central-1", 200, { kinesisShardsPerRegion: 6000 })), []);
        });

        it("counts a schedule rule per cell on the default bus (300)", () => {
            const raw = edit(bare(301, { iamRolesPerAccount: 5000 }), "defaults", d => { d.eventSources.schedule.enabled = true; });
            assert.deepEqual(problemsOf(raw), [
                "cellular:quotas.eventBridgeRulesPerBus is 300 (EventBridge rules on the default event bus), but the stack needs 301; after a quota increase, set cellular:quotas.eventBridgeRulesPerBus (AWS allows up to 2000)",
            ]);
        });

        it("says when no quota increase can help", () => {
            const quotas = { iamRolesPerAccount: 5000, managedPoliciesPerRole: 20, eventBridgeRulesPerBus: 2000, kinesisShardsPerRegion: 1000 };
            const raw = edit(bare(1000, quotas), "defaults", d => {
                for (const source of Object.values(d.eventSources) as Json[]) { source.enabled = true; source.reservedConcurrency = 1; }
                d.eventSources.queue.reservedConcurrency = 2;
            });
            assert.deepEqual(problemsOf(raw), [
                "cellular:quotas.iamRolesPerAccount is 5000 (IAM roles per account), but the stack needs 10002; AWS allows at most 5000: use fewer cells per stack",
            ]);
        });

        it("rejects a quota below AWS's default or above its maximum, and unknown quotas", () => {
            assert.deepEqual(problemsOf(bare(3, { vpcsPerRegion: 2, apisPerRegion: 20000, lambdas: 1 })), [
                "cellular:quotas.lambdas is 1; not a known setting; known: iamRolesPerAccount, managedPoliciesPerRole, eventBridgeRulesPerBus, kinesisShardsPerRegion, vpcsPerRegion, gatewayEndpointsPerRegion, apisPerRegion, dynamodbTablesPerRegion, alarmsPerRegion",
                "cellular:quotas.vpcsPerRegion is 2; expected the account's quota for VPCs per region: an integer from AWS's default 5 to 1000",
                "cellular:quotas.apisPerRegion is 20000; expected the account's quota for API Gateway HTTP APIs per region: an integer from AWS's default 600 to 10000",
            ]);
        });
    });

    it("rejects a stack name that makes physical names too long for AWS", () => {
        const stack = "staging-europe-west-canary-blue-green";
        assert.deepEqual(problemsOf(devConfig(), stack), [
            `Lambda function names are limited to 64 characters, but cell "cell-a" of stack "${stack}" would get "cellular-${stack}-cell-a-failure-handler" (69); use a shorter stack name or cell id`,
            `IAM role names are limited to 64 characters, but cell "cell-a" of stack "${stack}" would get "cellular-${stack}-cell-a-failure-handler-use1" (74); use a shorter stack name or cell id`,
            `S3 bucket names are limited to 63 characters, but cell "cell-a" of stack "${stack}" would get "cellular-${stack}-cell-a-123456789012-use1" (71); use a shorter stack name or cell id`,
        ]);
    });

    it("reports several invalid settings at once, each with its message", () => {
        let raw = edit(devConfig(), "cells", c => { c[0].id = "Cell_A"; c[1].timeoutSeconds = 40; });
        raw = edit(raw, "defaults", d => { d.logRetentionDays = 10; d.async.maximumRetryAttempts = 3; });
        raw = { ...raw, "cellular:isolation": "full" };
        assert.deepEqual(problemsOf(raw), [
            'cellular:isolation is "full"; expected one of none, vpc',
            'cellular:cells[0].id is "Cell_A"; cell ids are DNS-safe: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 20 characters',
            "cellular:defaults.logRetentionDays is 10; expected one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            "cellular:defaults.async.maximumRetryAttempts is 3; expected an integer from 0 to 2",
            `cellular:cells[1].timeoutSeconds is 40; ${WITHIN_28}`,
        ]);
    });

    it("throws one ConfigError whose message lists every problem", () => {
        const raw = edit(devConfig(), "defaults", d => { d.memoryMb = 100; d.timeoutSeconds = 0; });
        assert.throws(() => loadSettings(raw, { project: "cellular", stack: "dev" }), (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.equal(err.message, "invalid stack configuration (2 problems):\n" +
                "  - cellular:defaults.memoryMb is 100; expected an integer from 128 to 10240\n" +
                "  - cellular:defaults.timeoutSeconds is 0; expected an integer from 1 to 900");
            return true;
        });
    });
});
