import { strict as assert } from "assert";
import { CapturedResource } from "../../tools/lib/capture";
import { arn, ENIS, LOGS, TRACING } from "../fixtures/plan";
import { Json, runStack, shippedStack, Stack, stackConfig } from "../fixtures/stack";
import { cellFunctions } from "../../components/cell-inventory";
import { loadSettings } from "../../components/config";

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

function statementsOf(stack: Stack, policy: CapturedResource): Json[] {
    return stack.json(policy, "policy").Statement as Json[];
}

const devSettings = loadSettings(stackConfig("dev"), { project: "cellular", stack: "dev" });
const prodSettings = () => loadSettings(stackConfig("prod"), { project: "cellular", stack: "prod" });

describe("Cell (components/cell.ts)", () => {
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
            // One inline policy per function of every cell, the router's own, and its invoke grant.
            assert.equal(policies.length, devSettings.cells.reduce((n, c) => n + cellFunctions(c).length, 0) + 2);
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
            // rule and 4 mappings; shared: the router's function, role, invoke policy, 2 log groups, API and stage,
            // and its breaker alarm per cell.
            assert.equal(checked, 3 * 40 + 7 + 3);
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

    describe("other configurations", () => {
        it("with provisioned concurrency (prod), configures it on the live alias of every cell and of the router", async () => {
            const prod = await shippedStack("prod");
            const configs = prod.ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
            assert.equal(configs.length, prodSettings().cells.length + 1);
            const cellConfig = prod.get("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "cell-01-api-provisioned");
            assert.equal(cellConfig.inputs.provisionedConcurrentExecutions, 2);
            assert.equal(cellConfig.inputs.qualifier, "live");
            assert.equal(prod.get("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "router-provisioned").inputs.provisionedConcurrentExecutions, 10);
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
            assert.equal(stack.ofType("aws:lambda/function:Function").filter(f => f.inputs.vpcConfig).length,
                devSettings.cells.reduce((n, c) => n + cellFunctions(c).length, 0));
        });
    });
});
