import { strict as assert } from "assert";
import { edit, Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../fixtures/stack";
import { arn, LOGS, TRACING } from "../fixtures/plan";
import { cellFunctions } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";

function routingTable(stack: Stack): Json {
    const code = stack.get("aws:lambda/function:Function", "router-function").inputs.code as Json;
    return JSON.parse(code.assets["routing.json"].text as string) as Json;
}

/** The router's managed policies (the control plane's operator policy is the stack's too, not the router's). */
function routerPolicies(stack: Stack) {
    return stack.ofType("aws:iam/policy:Policy").filter(p => String(p.inputs.name).includes("-router-"));
}

describe("CellRouter (components/router.ts)", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("the router", () => {
        it("may invoke exactly the cells' live aliases and read the routing map, and nothing else", () => {
            const [policy, ...more] = routerPolicies(dev);
            assert.equal(more.length, 0);
            assert.equal(policy!.inputs.name, "cellular-dev-router-invoke-cells-0-use1");
            assert.deepEqual(dev.json(policy!, "policy"), {
                Version: "2012-10-17",
                Statement: [{ Sid: "InvokeCells", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [
                    arn("lambda", "function:cellular-dev-cell-a-api:live"),
                    arn("lambda", "function:cellular-dev-cell-b-api:live"),
                    arn("lambda", "function:cellular-dev-cell-c-api:live"),
                ] }],
            });
            const attachment = dev.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "router-invoke-cells-0");
            assert.deepEqual(attachment.propertyDependencies.policyArn, [policy!.urn]);
            assert.deepEqual(attachment.propertyDependencies.role, [dev.get("aws:iam/role:Role", "router-role").urn]);
            assert.deepEqual(dev.json(dev.get("aws:iam/rolePolicy:RolePolicy", "router-policy"), "policy").Statement.slice(1),
                [LOGS("cellular-dev-router"), TRACING]);
        });

        it("has memory and a timeout within API Gateway's limit, and reserved concurrency", () => {
            const fn = dev.get("aws:lambda/function:Function", "router-function");
            assert.equal(fn.inputs.timeout, 15);
            assert.equal(fn.inputs.memorySize, 256);
            assert.equal(fn.inputs.reservedConcurrentExecutions, 50);
            assert.equal(fn.inputs.runtime, "nodejs22.x");
        });

        it("is deployed with its routing table: the cells in order, their state, the pins", () => {
            assert.deepEqual(routingTable(dev), {
                version: 1, mode: "invoke",
                cells: [
                    { id: "cell-a", state: "active", functionName: "cellular-dev-cell-a-api:live", budgetMs: 1000 },
                    { id: "cell-b", state: "active", functionName: "cellular-dev-cell-b-api:live", budgetMs: 1000 },
                    { id: "cell-c", state: "active", functionName: "cellular-dev-cell-c-api:live", budgetMs: 1000 },
                ],
                pinned: { "demo-customer": "cell-b" },
            });
        });

        it("is behind an HTTP API with the customer routes, throttling, JSON access logs and a permission scoped by sourceArn", () => {
            assert.deepEqual(dev.ofType("aws:apigatewayv2/route:Route").map(r => r.inputs.routeKey),
                ["ANY /customers/{customerId}", "ANY /customers/{customerId}/{proxy+}"]);
            const integration = dev.get("aws:apigatewayv2/integration:Integration", "router-integration");
            assert.equal(integration.inputs.integrationType, "AWS_PROXY");
            assert.equal(integration.inputs.payloadFormatVersion, "2.0");
            assert.equal(integration.inputs.timeoutMilliseconds, 29000);
            assert.deepEqual(integration.propertyDependencies.integrationUri, [dev.get("aws:lambda/alias:Alias", "router-live").urn]);
            const stage = dev.get("aws:apigatewayv2/stage:Stage", "router-stage");
            assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingBurstLimit: 100, throttlingRateLimit: 50 });
            const accessLog = (stage.inputs.accessLogSettings as Json).format as string;
            assert.equal(JSON.parse(accessLog).requestId, "$context.requestId");
            const permission = dev.get("aws:lambda/permission:Permission", "router-invoke-permission");
            assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
            assert.equal(permission.inputs.qualifier, "live");
            assert.equal(permission.inputs.sourceArn, UNKNOWN);
            assert.deepEqual(permission.propertyDependencies.sourceArn, [dev.get("aws:apigatewayv2/api:Api", "router-api").urn]);
        });
    });

    describe("bulkheads", () => {
        it("gets its breakers' thresholds and the metrics namespace in its environment", () => {
            const fn = dev.get("aws:lambda/function:Function", "router-function");
            assert.deepEqual(fn.inputs.environment, { variables: {
                POWERTOOLS_SERVICE_NAME: "router",
                POWERTOOLS_METRICS_NAMESPACE: "cellular",
                BREAKER_FAILURE_THRESHOLD: "5",
                BREAKER_COOL_DOWN_SECONDS: "10",
                TENANT_CLAIM: "tenant_id",
                CONTROL_TABLE_NAME: "cellular-dev-control",
            } });
        });

        it("may read the live routing map's item of the control table, and nothing else of it", () => {
            const policy = dev.get("aws:iam/rolePolicy:RolePolicy", "router-policy");
            assert.deepEqual(dev.json(policy, "policy").Statement[0], {
                Sid: "ReadRoutingMap", Effect: "Allow", Action: ["dynamodb:GetItem"],
                Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/cellular-dev-control"],
                Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["ROUTING"] } },
            });
        });

        it("writes each cell's own time budget into the routing table, and the configured thresholds into the environment", async () => {
            let raw = edit(stackConfig("dev"), "cells", c => { c[2].router = { cellTimeoutMs: 400 }; });
            raw = edit(raw, "router", r => { r.breaker = { failureThreshold: 2, coolDownSeconds: 60 }; });
            const stack = await runStack("dev", { config: raw });
            assert.deepEqual(routingTable(stack).cells.map((c: Json) => [c.id, c.budgetMs]), [["cell-a", 1000], ["cell-b", 1000], ["cell-c", 400]]);
            const env = (stack.get("aws:lambda/function:Function", "router-function").inputs.environment as Json).variables as Json;
            assert.deepEqual([env.BREAKER_FAILURE_THRESHOLD, env.BREAKER_COOL_DOWN_SECONDS], ["2", "60"]);
        });

        it("has an alarm per cell that fires when the cell's breakers refused its customers for 3 minutes in a row", () => {
            const alarms = dev.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter(a => dev.cellOf(a) === undefined);
            assert.deepEqual(alarms.map(a => a.name), ["router-cell-a-breaker-open-alarm", "router-cell-b-breaker-open-alarm", "router-cell-c-breaker-open-alarm"]);
            const { tags, ...inputs } = alarms[1]!.inputs;
            assert.deepEqual(inputs, {
                name: "cellular-dev-cell-b-breaker-open",
                alarmDescription: "The router's breakers for cell cell-b stayed open for 3 min: its customers get 503 without the cell being invoked",
                namespace: "cellular",
                metricName: "BreakerOpen",
                dimensions: { cell: "cell-b" },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                treatMissingData: "notBreaching",
                // The stack's alarm topic (its ARN is unknown in preview).
                alarmActions: [UNKNOWN],
                okActions: [UNKNOWN],
            });
            assert.deepEqual(alarms[1]!.propertyDependencies.alarmActions, [dev.get("aws:sns/topic:Topic", "alarms").urn]);
            // The router's, not the cell's: outside every cell, tagged shared.
            assert.equal((tags as Json).cell, "shared");
            assert.equal(dev.get("cellular:index:CellRouter", "router").urn, alarms[1]!.parent);
        });

        it("has a dashboard of its concurrency against what is reserved, and each per-cell metric with a line per cell", () => {
            const dashboard = dev.get("aws:cloudwatch/dashboard:Dashboard", "router-dashboard");
            assert.equal(dashboard.inputs.dashboardName, "cellular-dev-use1");
            const widgets = (dev.json(dashboard, "dashboardBody").widgets as Json[]).filter(w => w.type === "metric");
            const concurrency = widgets.find(w => (w.properties.title as string).includes("concurrency"))!;
            assert.deepEqual(concurrency.properties.metrics, [
                ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", "cellular-dev-router", { stat: "Maximum" }],
                ["AWS/Lambda", "Throttles", "FunctionName", "cellular-dev-router", { stat: "Sum" }],
            ]);
            assert.deepEqual(concurrency.properties.annotations, { horizontal: [{ label: "reserved concurrency", value: 50 }] });
            const searches = widgets.flatMap(w => (w.properties.metrics as unknown[][]).map(m => m[0])).filter(m => typeof m === "object") as Json[];
            assert.deepEqual(searches.map(m => m.expression), ["Routed", "CellTimeouts", "BreakerOpen", "Shed"].map(name =>
                `SEARCH('{cellular,cell} MetricName="${name}"', 'Sum', 60)`));
        });

        it("shows each cell, on the cell's own dashboard, what the router counted for it", () => {
            const dashboard = dev.get("aws:cloudwatch/dashboard:Dashboard", "cell-b-dashboard");
            const widgets = dev.json(dashboard, "dashboardBody").widgets as Json[];
            const routerView = widgets.filter(w => w.properties.title === "The router's view of cell-b");
            assert.equal(routerView.length, 1);
            assert.deepEqual(routerView[0]!.properties.metrics, ["Routed", "Shed", "BreakerOpen", "CellTimeouts"].map(name =>
                ["cellular", name, "cell", "cell-b", { stat: "Sum" }]));
        });

        it("gives prod's cells their 100 ms budget", async () => {
            const prod = await shippedStack("prod");
            assert.deepEqual([...new Set(routingTable(prod).cells.map((c: Json) => c.budgetMs))], [100]);
            assert.equal(prod.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter(a => prod.cellOf(a) === undefined).length, 12);
        });
    });

    describe("other configurations", () => {
        it("marks a disabled cell in the routing table, keeping its place", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "cells", c => { c[1].state = "disabled"; }) });
            assert.deepEqual(routingTable(stack).cells.map((c: Json) => `${c.id}:${c.state}`), ["cell-a:active", "cell-b:disabled", "cell-c:active"]);
        });

        it("in redirect mode, gives each cell its own endpoint and the router no permission to invoke anything", async () => {
            const stack = await runStack("dev", { mode: "update", config: edit(stackConfig("dev"), "router", r => { r.mode = "redirect"; }) });
            assert.equal(routerPolicies(stack).length, 0);
            // Nothing to time out or break: no budgets, no breaker alarms.
            assert.equal(stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter(a => stack.cellOf(a) === undefined).length, 0);
            assert.ok((routingTable(stack).cells as Json[]).every(c => !("budgetMs" in c)));
            assert.equal(stack.ofType("aws:apigatewayv2/api:Api").length, 4);
            const table = routingTable(stack);
            assert.equal(table.mode, "redirect");
            assert.equal(table.cells.length, 3);
            for (const cell of table.cells as Json[]) assert.match(cell.endpoint as string, /^https:\/\/[0-9a-f]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
            const cellApi = stack.get("aws:apigatewayv2/api:Api", "cell-a-endpoint-api");
            assert.equal(stack.cellOf(cellApi), "cell-a");
        });

        it("with a REST API, builds the resources, ANY methods, proxy integrations, stage throttling and the logging role", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "router", r => { r.api = "rest"; }) });
            assert.equal(stack.ofType("aws:apigatewayv2/api:Api").length, 0);
            assert.deepEqual(stack.ofType("aws:apigateway/resource:Resource").map(r => r.inputs.pathPart), ["customers", "{customerId}", "{proxy+}"]);
            assert.deepEqual(stack.ofType("aws:apigateway/method:Method").map(m => m.inputs.httpMethod), ["ANY", "ANY"]);
            for (const integration of stack.ofType("aws:apigateway/integration:Integration")) {
                assert.equal(integration.inputs.type, "AWS_PROXY");
                assert.equal(integration.inputs.timeoutMilliseconds, 29000);
            }
            const settings = stack.get("aws:apigateway/methodSettings:MethodSettings", "router-throttling");
            assert.deepEqual(settings.inputs.settings, { metricsEnabled: true, throttlingBurstLimit: 100, throttlingRateLimit: 50 });
            assert.equal(stack.ofType("aws:apigateway/account:Account").length, 1);
        });

        it("with a REST API, logs access only once the region's logging role is set, and never unsets it", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "router", r => { r.api = "rest"; }) });
            const account = stack.get("aws:apigateway/account:Account", "router-apigateway-account");
            const role = stack.get("aws:iam/role:Role", "router-apigateway-logs");
            const stage = stack.get("aws:apigateway/stage:Stage", "router-stage");
            assert.ok(stage.dependencies.includes(account.urn), "the stage waits for the account's logging role");
            assert.deepEqual(account.propertyDependencies.cloudwatchRoleArn, [role.urn]);
            // A destroy must not reset the region's setting that every REST API there logs through.
            assert.deepEqual([account.options, role.options], [{ retainOnDelete: true }, { retainOnDelete: true }]);
            assert.equal(role.inputs.name, "cellular-dev-apigateway-logs-use1");
        });

        it("logs each kind of API with the variables that kind defines (AWS's lists of access-logging variables)", async () => {
            // From https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html and
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
            const BOTH = ["$context.requestId", "$context.identity.sourceIp", "$context.requestTime", "$context.httpMethod", "$context.path",
                "$context.status", "$context.responseLength", "$context.integrationLatency", "$context.integrationErrorMessage", "$context.authorizer.error"];
            const DEFINED = { http: [...BOTH, "$context.routeKey"], rest: [...BOTH, "$context.resourcePath", "$context.error.responseType"] };
            const rest = await runStack("dev", { config: edit(stackConfig("dev"), "router", r => { r.api = "rest"; }) });
            const formats = {
                http: (dev.get("aws:apigatewayv2/stage:Stage", "router-stage").inputs.accessLogSettings as Json).format as string,
                rest: (rest.get("aws:apigateway/stage:Stage", "router-stage").inputs.accessLogSettings as Json).format as string,
            };
            for (const kind of ["http", "rest"] as const) {
                const used = Object.values(JSON.parse(formats[kind]) as Record<string, string>);
                assert.deepEqual(used.filter(v => !DEFINED[kind].includes(v)), [], kind);
                assert.ok(used.includes(kind === "http" ? "$context.routeKey" : "$context.resourcePath"), kind);
            }
        });

        it("adds a cell without replacing an invoke grant: a policy's name and description (which force a new policy) stay", async () => {
            const grown = await runStack("dev", { config: edit(stackConfig("dev"), "cells", c => { c.push({ id: "cell-d" }); }) });
            const [before, after] = [dev, grown].map(s => s.get("aws:iam/policy:Policy", "router-invoke-cells-0"));
            // aws_iam_policy: name, name_prefix, path and description are ForceNew
            // (terraform-provider-aws internal/service/iam/policy.go); the document is updated in place, as a new version.
            for (const input of ["name", "namePrefix", "path", "description"]) assert.deepEqual(after!.inputs[input], before!.inputs[input], input);
            assert.notDeepEqual(after!.inputs.policy, before!.inputs.policy);
        });

        it("at 100 cells, splits the router's grants into managed policies within IAM's size limits, naming every cell once", async () => {
            let raw = edit(stackConfig("dev"), "router", r => { r.pinned = {}; });
            delete raw["cellular:cells"];
            // 100 cells of 10 roles each (8 functions, the tenant data role, CodeDeploy's) need more than IAM's default 1,000.
            raw = { ...raw, "cellular:cellCount": "100", "cellular:accountConcurrencyLimit": "10000", "cellular:quotas": JSON.stringify({ iamRolesPerAccount: 1100 }) };
            const stack = await runStack("dev", { config: raw });
            const grants = routerPolicies(stack);
            assert.deepEqual(grants.map(p => p.inputs.name), ["cellular-dev-router-invoke-cells-0-use1", "cellular-dev-router-invoke-cells-1-use1"]);
            const named = grants.flatMap(p => stack.json(p, "policy").Statement[0].Resource as string[]);
            assert.deepEqual(named, Array.from({ length: 100 }, (_, i) => arn("lambda", `function:cellular-dev-cell-${String(i + 1).padStart(3, "0")}-api:live`)));
            for (const p of grants) assert.ok((p.inputs.policy as string).length <= 6144, `${p.name}: ${(p.inputs.policy as string).length}`);
            assert.equal(stack.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 2);
            const inline = stack.ofType("aws:iam/rolePolicy:RolePolicy").map(p => (p.inputs.policy as string).length);
            // One per function, one for the tenant data role and one for CodeDeploy's role of each of the 100 cells (all
            // alike), the router's, and the token-claims trigger's.
            assert.equal(inline.length, 100 * (cellFunctions(loadSettings(raw, { project: "cellular", stack: "dev" }).cells[0]!).length + 2) + 2);
            assert.ok(Math.max(...inline) <= 10240, String(Math.max(...inline)));
        });
    });
});
