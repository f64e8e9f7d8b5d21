import { strict as assert } from "assert";
import { CapturedResource } from "../../tools/lib/capture";
import { expectedCellCounts, total } from "../fixtures/cell-resources";
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
    "aws:cognito/userPool:UserPool", "aws:codedeploy/application:Application", "aws:codedeploy/deploymentGroup:DeploymentGroup",
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
                DATA_ROLE_ARN: "arn:aws:iam::123456789012:role/cellular-dev-cell-b-tenant-use1", TENANT_CLAIM: "tenant_id",
                CONTROL_TABLE_NAME: "cellular-dev-control",
            } });
        });

        it("ships the ownership table in the code of every function of the cell", () => {
            for (const fn of dev.inCell("cell-a").filter(r => r.type === "aws:lambda/function:Function")) {
                const assets = (fn.inputs.code as Json).assets as Json;
                assert.deepEqual(JSON.parse(assets["ownership.json"].text as string), {
                    version: 1, cells: ["cell-a", "cell-b", "cell-c"], pinned: { "demo-customer": "cell-b" },
                }, fn.name);
            }
        });

        it("has no table access of its own: it may only assume the cell's tenant data role, with a tenant tag", () => {
            const role = dev.get("aws:iam/role:Role", "cell-a-api-role");
            assert.deepEqual(dev.json(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const policy = dev.get("aws:iam/rolePolicy:RolePolicy", "cell-a-api-policy");
            assert.equal(policy.inputs.role, "cellular-dev-cell-a-api-use1");
            assert.deepEqual(dev.json(policy, "policy"), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AssumeTenantDataRole", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"],
                        Resource: ["arn:aws:iam::123456789012:role/cellular-dev-cell-a-tenant-use1"] },
                    { Sid: "ReadRoutingMap", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/cellular-dev-control"],
                        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["ROUTING"] } } },
                    LOGS("cellular-dev-cell-a-api"),
                    TRACING,
                ],
            });
            // The API works for one tenant at a time: its role carries no data-access: system tag.
            assert.equal((role.inputs.tags as Json)["data-access"], undefined);
        });

        it("reaches the table only through the tenant data role: trusted by the API role alone, limited to the tenant's partition", () => {
            const role = dev.get("aws:iam/role:Role", "cell-a-tenant-role");
            assert.equal(role.inputs.name, "cellular-dev-cell-a-tenant-use1");
            assert.equal(role.inputs.maxSessionDuration, 3600);
            assert.deepEqual(dev.json(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AssumeForOneTenant", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/cellular-dev-cell-a-api-use1" },
                        Action: "sts:AssumeRole", Condition: { StringLike: { "aws:RequestTag/tenant": "?*" } } },
                    { Sid: "TagTheTenant", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/cellular-dev-cell-a-api-use1" },
                        Action: "sts:TagSession", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["tenant"] } } },
                ],
            });
            // IAM validates the principal when it stores the trust policy: the API role must exist first.
            assert.ok(role.dependencies.includes(dev.get("aws:iam/role:Role", "cell-a-api-role").urn));
            const policy = dev.get("aws:iam/rolePolicy:RolePolicy", "cell-a-tenant-policy");
            assert.deepEqual(dev.json(policy, "policy"), {
                Version: "2012-10-17",
                Statement: [{
                    Sid: "OwnTenantItemsOnly", Effect: "Allow",
                    Action: ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                    Resource: [arn("dynamodb", "table/cellular-dev-cell-a-data")],
                    Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["CUSTOMER#${aws:PrincipalTag/tenant}"] } },
                }],
            });
        });

        it("tags the roles of the functions that work on many tenants' records data-access: system", () => {
            for (const role of dev.inCell("cell-a").filter(r => r.type === "aws:iam/role:Role")) {
                const expected = ["cell-a-api-role", "cell-a-tenant-role", "cell-a-codedeploy-role"].includes(role.name) ? undefined : "system";
                assert.equal((role.inputs.tags as Json)["data-access"], expected, role.name);
            }
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
            // One inline policy per function of every cell, per tenant data role and per CodeDeploy role, the router's
            // own, its invoke grant, and the token-claims trigger's.
            assert.equal(policies.length, devSettings.cells.reduce((n, c) => n + cellFunctions(c).length + 2, 0) + 3);
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

        it("has reserved concurrency, but for the Cognito trigger, which every sign-in of every tenant needs", () => {
            const fns = dev.ofType("aws:lambda/function:Function");
            assert.equal(fns.length, devSettings.cells.reduce((n, c) => n + cellFunctions(c).length, 0) + 2);
            for (const fn of fns) {
                const expected = fn.name === "identity-token-claims-function" ? "undefined" : "number";
                assert.equal(typeof fn.inputs.reservedConcurrentExecutions, expected, fn.name);
            }
        });

        it("has a log group with retention named after it, created first", () => {
            for (const fn of dev.ofType("aws:lambda/function:Function")) {
                const logGroup = dev.get("aws:cloudwatch/logGroup:LogGroup", fn.name.replace(/-function$/, "-logs"));
                assert.equal(logGroup.inputs.name, `/aws/lambda/${fn.inputs.name as string}`);
                assert.equal(logGroup.inputs.retentionInDays, dev.cellOf(fn) === undefined ? 30 : 14);
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
            // Per cell: 8 functions, roles and log groups, the tenant data role, the table, 4 queues, topic, bucket,
            // stream, 3 alarms, the rule, 4 mappings, the data record, CodeDeploy's role and the deployment group;
            // shared: the router's function, role, invoke policy, 2 log groups, API and stage, the identity's user
            // pool, trigger function, role, log group and data record, the router's breaker alarm per cell, the
            // alarm topic, the CodeDeploy application and the control table.
            assert.equal(checked, 3 * 44 + 7 + 5 + 3 + 1 + 1 + 1);
        });
    });

    describe("structure", () => {
        it("parents every child of a cell to its Cell, which registers its id", () => {
            for (const cell of dev.ofType("cellular:index:Cell")) {
                assert.equal(cell.outputs.cellId, cell.name);
                const children = dev.resources.filter(r => r.parent === cell.urn);
                assert.equal(children.length, total(expectedCellCounts(devSettings.cells.find(c => c.id === cell.name)!)));
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

        it("with isolation vpc, puts each cell's functions in its own VPC: isolated subnets, endpoints for what they call, HTTPS to those alone", async () => {
            const stack = await runStack("dev", { mode: "update", config: { ...stackConfig("dev"), "cellular:isolation": "vpc" } });
            assert.deepEqual(stack.ofType("aws:ec2/vpc:Vpc").map(v => v.name), ["cell-a-vpc", "cell-b-vpc", "cell-c-vpc"]);
            const vpc = stack.get("aws:ec2/vpc:Vpc", "cell-a-vpc");
            assert.equal(stack.cellOf(vpc), "cell-a");
            assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
            assert.equal(vpc.inputs.enableDnsHostnames, true);
            assert.equal(vpc.inputs.enableDnsSupport, true);
            // Nothing that reaches the internet.
            for (const type of ["aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/eip:Eip", "aws:ec2/route:Route"]) {
                assert.deepEqual(stack.ofType(type), [], type);
            }
            const subnets = ["cell-a-isolated-1", "cell-a-isolated-2"].map(n => stack.get("aws:ec2/subnet:Subnet", n));
            assert.deepEqual(subnets.map(s => [s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.mapPublicIpOnLaunch, s.inputs.vpcId]),
                [["10.0.0.0/20", "us-east-1a", false, vpc.id], ["10.0.16.0/20", "us-east-1b", false, vpc.id]]);
            const routes = stack.get("aws:ec2/routeTable:RouteTable", "cell-a-isolated-routes");
            assert.equal(routes.inputs.routes, undefined, "no route but the VPC's local one");
            assert.deepEqual(["cell-a-isolated-1-routes", "cell-a-isolated-2-routes"].map(n => stack.get("aws:ec2/routeTableAssociation:RouteTableAssociation", n).inputs),
                subnets.map(s => ({ subnetId: s.id, routeTableId: routes.id })));
            const endpoints = stack.inCell("cell-a").filter(r => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.deepEqual(endpoints.map(e => [e.inputs.serviceName, e.inputs.vpcEndpointType]), [
                ["com.amazonaws.us-east-1.dynamodb", "Gateway"], ["com.amazonaws.us-east-1.s3", "Gateway"],
                ["com.amazonaws.us-east-1.sts", "Interface"], ["com.amazonaws.us-east-1.sqs", "Interface"],
            ]);
            const endpointsSg = stack.get("aws:ec2/securityGroup:SecurityGroup", "cell-a-endpoints-sg");
            const sg = stack.get("aws:ec2/securityGroup:SecurityGroup", "cell-a-functions-sg");
            for (const e of endpoints.slice(0, 2)) assert.deepEqual(e.inputs.routeTableIds, [routes.id]);
            for (const e of endpoints.slice(2)) {
                assert.deepEqual([e.inputs.privateDnsEnabled, e.inputs.subnetIds, e.inputs.securityGroupIds], [true, subnets.map(s => s.id), [endpointsSg.id]]);
            }
            // Security groups carry no inline rules (the provider then removes AWS's allow-all egress); each rule is its own resource.
            assert.equal(sg.inputs.egress, undefined);
            assert.equal(sg.inputs.ingress, undefined);
            const rule = (type: string, name: string) => {
                const { securityGroupId, ipProtocol, fromPort, toPort, referencedSecurityGroupId, prefixListId, cidrIpv4 } = stack.get(type, name).inputs;
                return { securityGroupId, ipProtocol, fromPort, toPort, to: referencedSecurityGroupId ?? prefixListId, cidrIpv4 };
            };
            const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
            const https = { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: undefined };
            assert.deepEqual(stack.inCell("cell-a").filter(r => r.type === EGRESS).map(r => r.name),
                ["cell-a-functions-to-endpoints", "cell-a-functions-to-dynamodb", "cell-a-functions-to-s3"]);
            assert.deepEqual(rule(EGRESS, "cell-a-functions-to-endpoints"), { securityGroupId: sg.id, ...https, to: endpointsSg.id });
            assert.deepEqual(rule(EGRESS, "cell-a-functions-to-dynamodb"), { securityGroupId: sg.id, ...https, to: endpoints[0]!.outputs.prefixListId });
            assert.deepEqual(rule(EGRESS, "cell-a-functions-to-s3"), { securityGroupId: sg.id, ...https, to: endpoints[1]!.outputs.prefixListId });
            assert.deepEqual(rule("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cell-a-endpoints-from-functions"),
                { securityGroupId: endpointsSg.id, ...https, to: sg.id });

            const fn = stack.get("aws:lambda/function:Function", "cell-a-api-function");
            assert.deepEqual(fn.inputs.vpcConfig, { subnetIds: subnets.map(s => s.id), securityGroupIds: [sg.id] });
            assert.deepEqual(fn.propertyDependencies.vpcConfig!.sort(), [...subnets.map(s => s.urn), sg.urn].sort());
            for (const f of stack.inCell("cell-a").filter(r => r.type === "aws:lambda/function:Function")) assert.ok(f.inputs.vpcConfig, f.name);
            assert.deepEqual(stack.json(stack.get("aws:iam/rolePolicy:RolePolicy", "cell-a-api-policy"), "policy").Statement.at(-1), ENIS);
            assert.equal(stack.ofType("aws:lambda/function:Function").filter(f => f.inputs.vpcConfig).length,
                devSettings.cells.reduce((n, c) => n + cellFunctions(c).length, 0));
            // Cost tags on every network resource that takes them (a route table association takes none).
            const NETWORK_TAGGED = ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/vpcEndpoint:VpcEndpoint",
                "aws:ec2/securityGroup:SecurityGroup", EGRESS, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"];
            const network = stack.inCell("cell-a").filter(r => NETWORK_TAGGED.includes(r.type));
            assert.equal(network.length, 1 + 2 + 1 + 4 + 2 + 3 + 1);
            for (const r of network) assert.equal((r.inputs.tags as Record<string, string>).cell, "cell-a", r.name);
            // The router stays outside every VPC: it reaches the cells through Lambda's API.
            assert.equal(stack.get("aws:lambda/function:Function", "router-function").inputs.vpcConfig, undefined);
        });
    });
});
