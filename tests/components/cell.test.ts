import { strict as assert } from "assert";
import { CapturedResource } from "../../tools/lib/capture";
import { edit, Json, runStack, shippedStack, Stack, stackConfig, UNKNOWN } from "../fixtures/stack";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

const LOGS = (fn: string) => ({
    Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [arn("logs", `log-group:/aws/lambda/${fn}:*`)],
});
const TRACING = { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: ["*"] };
const ENIS = {
    Sid: "NetworkInterfaces", Effect: "Allow",
    Action: ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:UnassignPrivateIpAddresses"],
    Resource: ["*"],
};
/** Actions AWS only grants on "*". */
const RESOURCELESS = new Set([...TRACING.Action, ...ENIS.Action]);

/** Types that take tags (every one the program creates that has a `tags` input in the AWS provider). */
const TAGGABLE = new Set([
    "aws:lambda/function:Function", "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:cloudwatch/logGroup:LogGroup",
    "aws:dynamodb/table:Table", "aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:s3/bucket:Bucket",
    "aws:kinesis/stream:Stream", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/eventRule:EventRule",
    "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:apigatewayv2/api:Api", "aws:apigatewayv2/stage:Stage",
    "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage", "aws:ssm/parameter:Parameter", "aws:ec2/securityGroup:SecurityGroup",
    "awsx:ec2:Vpc",
]);

function routingTable(stack: Stack): Json {
    const code = stack.get("aws:lambda/function:Function", "router-function").inputs.code as Json;
    return JSON.parse(code.assets["routing.json"].text as string) as Json;
}

function statementsOf(stack: Stack, policy: CapturedResource): Json[] {
    return stack.json(policy, "policy").Statement as Json[];
}

describe("Cell and CellRouter", () => {
    let dev: Stack;
    before(async () => {
        dev = await shippedStack("dev");
    });

    describe("a cell's API function", () => {
        it("is nodejs22.x on arm64 with the cell's memory, timeout, reserved concurrency, tracing and JSON logs", () => {
            const fn = dev.get("aws:lambda/function:Function", "cell-b-api-function");
            assert.equal(fn.inputs.name, "cellular-dev-cell-b-api");
            assert.equal(fn.inputs.runtime, "nodejs22.x");
            assert.deepEqual(fn.inputs.architectures, ["arm64"]);
            assert.equal(fn.inputs.memorySize, 256);
            assert.equal(fn.inputs.timeout, 10);
            assert.equal(fn.inputs.reservedConcurrentExecutions, 5);
            assert.equal(fn.inputs.publish, true);
            assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
            assert.deepEqual(fn.inputs.loggingConfig, { applicationLogLevel: "INFO", logFormat: "JSON", logGroup: "/aws/lambda/cellular-dev-cell-b-api", systemLogLevel: "WARN" });
            assert.deepEqual(fn.inputs.environment, { variables: {
                CELL_ID: "cell-b", TABLE_NAME: "cellular-dev-cell-b-data", POWERTOOLS_SERVICE_NAME: "api", POWERTOOLS_METRICS_NAMESPACE: "cellular",
            } });
        });

        it("has its own role whose policy is exact actions on its own table, its own log group and X-Ray", () => {
            const role = dev.get("aws:iam/role:Role", "cell-a-api-role");
            assert.deepEqual(dev.json(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const policy = dev.get("aws:iam/rolePolicy:RolePolicy", "cell-a-api-policy");
            assert.equal(policy.inputs.role, "cellular-dev-cell-a-api");
            assert.deepEqual(dev.json(policy, "policy"), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadWriteOwnTable", Effect: "Allow",
                        Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                        Resource: [arn("dynamodb", "table/cellular-dev-cell-a-data")] },
                    LOGS("cellular-dev-cell-a-api"),
                    TRACING,
                ],
            });
        });

        it("is invoked through the alias live, which points at the published version", () => {
            const alias = dev.get("aws:lambda/alias:Alias", "cell-a-api-live");
            assert.equal(alias.inputs.name, "live");
            const fnUrn = dev.get("aws:lambda/function:Function", "cell-a-api-function").urn;
            assert.deepEqual(alias.propertyDependencies.functionVersion, [fnUrn]);
            assert.equal(dev.ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig").length, 0);
        });
    });

    describe("every function of the stack", () => {
        it("lists exact actions on exact ARNs: no wildcard action, and '*' only for actions AWS scopes to no resource", () => {
            const policies = [...dev.ofType("aws:iam/rolePolicy:RolePolicy"), ...dev.ofType("aws:iam/policy:Policy")];
            assert.equal(policies.length, 26);
            for (const policy of policies) {
                for (const st of statementsOf(dev, policy)) {
                    assert.equal(st.Effect, "Allow");
                    for (const action of st.Action as string[]) assert.ok(!action.includes("*"), `${policy.name}: ${action}`);
                    for (const resource of st.Resource as string[]) {
                        if (resource === "*") {
                            for (const action of st.Action as string[]) assert.ok(RESOURCELESS.has(action), `${policy.name}: ${action} on *`);
                            continue;
                        }
                        const [, , , region, account, rest] = resource.split(":");
                        assert.ok(region !== "*" && account !== "*", `${policy.name}: ${resource}`);
                        // The only wildcards: a sub-path of one named resource.
                        const wildcard = resource.indexOf("*");
                        if (wildcard >= 0) {
                            assert.ok(/(\/index\/\*|\/stream\/\*|:\*|\/[a-z]+\/\*)$/.test(resource) && wildcard === resource.length - 1, `${policy.name}: ${resource}`);
                        }
                        assert.ok(rest !== undefined || resource.startsWith("arn:aws:s3:::"), resource);
                    }
                }
            }
        });

        it("has reserved concurrency", () => {
            const fns = dev.ofType("aws:lambda/function:Function");
            assert.equal(fns.length, 25);
            for (const fn of fns) assert.equal(typeof fn.inputs.reservedConcurrentExecutions, "number", fn.name);
        });

        it("has a log group with retention named after it, created first", () => {
            for (const fn of dev.ofType("aws:lambda/function:Function")) {
                const logGroup = dev.get("aws:cloudwatch/logGroup:LogGroup", fn.name.replace(/-function$/, "-logs"));
                assert.equal(logGroup.inputs.name, `/aws/lambda/${fn.inputs.name as string}`);
                assert.equal(logGroup.inputs.retentionInDays, fn.name.startsWith("router") ? 30 : 14);
                assert.ok(fn.dependencies.includes(logGroup.urn), fn.name);
            }
        });
    });

    describe("cost tags", () => {
        it("puts cell, cost-center and environment on every taggable resource, the cell's id inside a cell", () => {
            let checked = 0;
            for (const r of dev.resources) {
                if (!TAGGABLE.has(r.type)) continue;
                const cell = dev.cellOf(r) ?? "shared";
                const tags = r.inputs.tags as Record<string, string>;
                assert.equal(tags.cell, cell, r.name);
                assert.equal(tags["cost-center"], "cc-platform-dev", r.name);
                assert.equal(tags.environment, "dev", r.name);
                checked++;
            }
            // Per cell: 8 functions, roles and log groups, the table, 4 queues, topic, bucket, stream, 3 alarms, the
            // rule and 4 mappings; shared: the router's function, role, invoke policy, 2 log groups, API and stage.
            assert.equal(checked, 3 * 40 + 7);
        });
    });

    describe("structure", () => {
        it("parents every child of a cell to its Cell, which registers its id", () => {
            for (const cell of dev.ofType("cellular:index:Cell")) {
                assert.equal(cell.outputs.cellId, cell.name);
                const children = dev.resources.filter(r => r.parent === cell.urn);
                assert.equal(children.length, 63);
                for (const child of children) assert.ok(child.name.startsWith(`${cell.name}-`), child.name);
            }
        });

        it("shares no state between cells: no resource of one cell refers to a resource of another", () => {
            for (const r of dev.resources) {
                const cell = dev.cellOf(r);
                if (!cell) continue;
                for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
                    const other = dev.cellOf(dev.byUrn.get(dep)!);
                    assert.ok(other === undefined || other === cell, `${r.name} depends on ${dep}`);
                }
                const text = JSON.stringify(r.inputs);
                for (const otherCell of ["cell-a", "cell-b", "cell-c"].filter(c => c !== cell)) {
                    assert.ok(!text.includes(`cellular-dev-${otherCell}`), `${r.name} names ${otherCell}`);
                }
            }
        });
    });

    describe("the router", () => {
        it("may invoke exactly the cells' live aliases, and nothing else", () => {
            const [policy, ...more] = dev.ofType("aws:iam/policy:Policy");
            assert.equal(more.length, 0);
            assert.equal(policy!.inputs.name, "cellular-dev-router-invoke-cells-0");
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
            assert.deepEqual(dev.json(dev.get("aws:iam/rolePolicy:RolePolicy", "router-policy"), "policy").Statement,
                [LOGS("cellular-dev-router"), TRACING]);
        });

        it("has memory and a timeout within API Gateway's limit, and reserved concurrency", () => {
            const fn = dev.get("aws:lambda/function:Function", "router-function");
            assert.equal(fn.inputs.timeout, 15);
            assert.equal(fn.inputs.memorySize, 256);
            assert.equal(fn.inputs.reservedConcurrentExecutions, 10);
            assert.equal(fn.inputs.runtime, "nodejs22.x");
        });

        it("is deployed with its routing table: the cells in order, their state, the pins", () => {
            assert.deepEqual(routingTable(dev), {
                version: 1, mode: "invoke",
                cells: [
                    { id: "cell-a", state: "active", functionName: "cellular-dev-cell-a-api:live" },
                    { id: "cell-b", state: "active", functionName: "cellular-dev-cell-b-api:live" },
                    { id: "cell-c", state: "active", functionName: "cellular-dev-cell-c-api:live" },
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

    describe("other configurations", () => {
        it("marks a disabled cell in the routing table, keeping its place", async () => {
            const stack = await runStack("dev", { config: edit(stackConfig("dev"), "cells", c => { c[1].state = "disabled"; }) });
            assert.deepEqual(routingTable(stack).cells.map((c: Json) => `${c.id}:${c.state}`), ["cell-a:active", "cell-b:disabled", "cell-c:active"]);
        });

        it("in redirect mode, gives each cell its own endpoint and the router no permission to invoke anything", async () => {
            const stack = await runStack("dev", { mode: "update", config: edit(stackConfig("dev"), "router", r => { r.mode = "redirect"; }) });
            assert.equal(stack.ofType("aws:iam/policy:Policy").length, 0);
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

        it("with provisioned concurrency (prod), configures it on the live alias of every cell and of the router", async () => {
            const prod = await shippedStack("prod");
            const configs = prod.ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
            assert.equal(configs.length, 13);
            const cellConfig = prod.get("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "cell-01-api-provisioned");
            assert.equal(cellConfig.inputs.provisionedConcurrentExecutions, 2);
            assert.equal(cellConfig.inputs.qualifier, "live");
            assert.equal(prod.get("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "router-provisioned").inputs.provisionedConcurrentExecutions, 10);
        });

        it("rolls prod out in waves: wave 1 waits for the canary, wave 2 for wave 1", async () => {
            const prod = await shippedStack("prod");
            const gate1 = prod.get("aws:ssm/parameter:Parameter", "wave-1-gate");
            const gate2 = prod.get("aws:ssm/parameter:Parameter", "wave-2-gate");
            assert.equal(gate1.inputs.name, "/cellular/prod/waves/1");
            const canary = prod.inCell("cell-01").filter(r => r.custom);
            assert.equal(canary.length, 58);
            for (const r of canary) {
                assert.ok(gate1.dependencies.includes(r.urn), r.name);
                assert.ok(!r.dependencies.includes(gate1.urn), r.name);
            }
            for (const r of prod.inCell("cell-02").filter(x => x.custom)) assert.ok(r.dependencies.includes(gate1.urn), r.name);
            for (const r of prod.inCell("cell-05").filter(x => x.custom)) {
                assert.ok(r.dependencies.includes(gate2.urn), r.name);
                assert.ok(!r.dependencies.includes(gate1.urn), r.name);
            }
            // The gate of wave 2 waits for the 3 cells of wave 1, not for the canary again.
            assert.equal(gate2.dependencies.length, 3 * 58);
        });

        it("at 100 cells, splits the router's grants into managed policies within IAM's size limits, naming every cell once", async () => {
            let raw = edit(stackConfig("dev"), "router", r => { r.pinned = {}; });
            delete raw["cellular:cells"];
            raw = { ...raw, "cellular:cellCount": "100", "cellular:accountConcurrencyLimit": "10000" };
            const stack = await runStack("dev", { config: raw });
            const grants = stack.ofType("aws:iam/policy:Policy");
            assert.deepEqual(grants.map(p => p.inputs.name), ["cellular-dev-router-invoke-cells-0", "cellular-dev-router-invoke-cells-1"]);
            const named = grants.flatMap(p => stack.json(p, "policy").Statement[0].Resource as string[]);
            assert.deepEqual(named, Array.from({ length: 100 }, (_, i) => arn("lambda", `function:cellular-dev-cell-${String(i + 1).padStart(3, "0")}-api:live`)));
            for (const p of grants) assert.ok((p.inputs.policy as string).length <= 6144, `${p.name}: ${(p.inputs.policy as string).length}`);
            assert.equal(stack.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 2);
            const inline = stack.ofType("aws:iam/rolePolicy:RolePolicy").map(p => (p.inputs.policy as string).length);
            assert.equal(inline.length, 801);
            assert.ok(Math.max(...inline) <= 10240, String(Math.max(...inline)));
        });

        it("with isolation vpc, puts each cell's functions in its own VPC with no NAT and a DynamoDB gateway endpoint", async () => {
            const stack = await runStack("dev", { mode: "update", config: { ...stackConfig("dev"), "cellular:isolation": "vpc" } });
            const vpcs = stack.ofType("awsx:ec2:Vpc");
            assert.deepEqual(vpcs.map(v => v.name), ["cell-a-vpc", "cell-b-vpc", "cell-c-vpc"]);
            const vpc = vpcs[0]!;
            assert.equal(stack.cellOf(vpc), "cell-a");
            assert.deepEqual(vpc.inputs.natGateways, { strategy: "None" });
            assert.deepEqual(vpc.inputs.subnetSpecs, [{ type: "Isolated", cidrMask: 20 }]);
            assert.equal(vpc.inputs.vpcEndpointStrategy, "Auto");
            assert.deepEqual(vpc.inputs.vpcEndpointSpecs, [
                { serviceName: "com.amazonaws.us-east-1.dynamodb", vpcEndpointType: "Gateway" },
                { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
            ]);
            const fn = stack.get("aws:lambda/function:Function", "cell-a-api-function");
            const sg = stack.get("aws:ec2/securityGroup:SecurityGroup", "cell-a-functions-sg");
            const isolated = vpc.outputs.isolatedSubnetIds as string[];
            assert.equal(isolated.length, 2);
            assert.deepEqual(vpc.outputs.privateSubnetIds, []);
            assert.deepEqual((fn.inputs.vpcConfig as Json).subnetIds, isolated);
            assert.deepEqual(fn.propertyDependencies.vpcConfig!.sort(), [vpc.urn, sg.urn].sort());
            for (const f of stack.inCell("cell-a").filter(r => r.type === "aws:lambda/function:Function")) assert.ok(f.inputs.vpcConfig, f.name);
            assert.deepEqual(stack.json(stack.get("aws:iam/rolePolicy:RolePolicy", "cell-a-api-policy"), "policy").Statement.at(-1), ENIS);
            assert.equal(stack.ofType("aws:lambda/function:Function").filter(f => f.inputs.vpcConfig).length, 24);
        });
    });
});
