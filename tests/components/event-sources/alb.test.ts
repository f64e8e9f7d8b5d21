/**
 * The `alb` event source (components/event-sources/alb.ts) over the captured plan: on a given listener, and with
 * the ALB a cell creates in its own VPC; its config validation; and the guardrails over both plans.
 */
import { strict as assert } from "assert";
import { loadSettings } from "../../../components/config";
import { deployCheck } from "../../../tools/lib/deploy-check/check";
import { line, policyPack } from "../../fixtures/policies/harness";
import { configProblems, edit, Json, Raw, runStack, Stack, stackConfig } from "../../fixtures/stack";
import { FN, LOGS, PERMISSION, statements, TRACING, urn } from "../../fixtures/plan";

const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

/** dev with the ALB source on in every cell, with `alb` settings (cell-b's priority its own on a shared listener). */
function withAlb(alb: Json, extra: Raw = {}): Raw {
    const raw = edit(stackConfig("dev"), "defaults", d => { d.eventSources.alb = { enabled: true, ...alb }; });
    return { ...edit(raw, "cells", cells => {
        cells.forEach((c: Json, i: number) => { c.eventSources = { ...(c.eventSources ?? {}), alb: { priority: 100 + i } }; });
    }), ...extra };
}

describe("event source alb (components/event-sources/alb.ts)", function () {
    this.timeout(120_000);

    describe("on a given listener", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("dev", { mode: "update", config: withAlb({ listenerArn: LISTENER, hostHeader: "cell-a.api.example.com", multiValueHeaders: true }) });
        });

        it("adds a Lambda target group, its attachment, a rule on the listener and a permission scoped to the target group", () => {
            const tg = stack.get("aws:lb/targetGroup:TargetGroup", "cell-a-alb-targets");
            assert.deepEqual(tg.inputs, {
                name: "cellular-dev-cell-a-alb-tg", targetType: "lambda", lambdaMultiValueHeadersEnabled: true,
                tags: { cell: "cell-a", "cost-center": "cc-platform-dev", environment: "dev" },
            });
            const fn = stack.get(FN, "cell-a-alb-api-function");
            const permission = stack.get(PERMISSION, "cell-a-alb-api-from-alb");
            assert.equal(permission.inputs.principal, "elasticloadbalancing.amazonaws.com");
            assert.equal(permission.inputs.action, "lambda:InvokeFunction");
            assert.equal(permission.inputs.function, "cellular-dev-cell-a-alb-api");
            assert.deepEqual(permission.propertyDependencies.sourceArn, [tg.urn]);
            const attachment = stack.get("aws:lb/targetGroupAttachment:TargetGroupAttachment", "cell-a-alb-attachment");
            assert.deepEqual(attachment.propertyDependencies.targetGroupArn, [tg.urn]);
            assert.deepEqual(attachment.propertyDependencies.targetId, [fn.urn]);
            assert.ok(attachment.dependencies.includes(permission.urn), "ELB checks its permission when the target is registered");
            const rule = stack.get("aws:lb/listenerRule:ListenerRule", "cell-a-alb-rule");
            assert.equal(rule.inputs.listenerArn, LISTENER);
            assert.equal(rule.inputs.priority, 100);
            assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/customers/*"] } }, { hostHeader: { values: ["cell-a.api.example.com"] } }]);
            assert.deepEqual((rule.inputs.actions as Json[]).map(a => a.type), ["forward"]);
            assert.deepEqual(rule.propertyDependencies.actions, [tg.urn]);
            assert.deepEqual(stack.ofType("aws:lb/listenerRule:ListenerRule").map(r => r.inputs.priority), [100, 101, 102]);
            assert.equal(stack.ofType("aws:lb/loadBalancer:LoadBalancer").length, 0);
        });

        it("gives the function exactly the API's grant (its tenant's items through the data role) and what it verifies tokens with", () => {
            assert.deepEqual(statements(stack, "cell-a", "alb-api"), [
                { Sid: "AssumeTenantDataRole", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: ["arn:aws:iam::123456789012:role/cellular-dev-cell-a-tenant-use1"] },
                LOGS("cellular-dev-cell-a-alb-api"),
                TRACING,
            ]);
            const fn = stack.get(FN, "cell-a-alb-api-function");
            const env = (fn.inputs.environment as Json).variables as Json;
            const pool = stack.get("aws:cognito/userPool:UserPool", "identity-users");
            const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`;
            assert.equal(env.ISSUER, issuer);
            assert.equal(env.JWKS_URI, `${issuer}/.well-known/jwks.json`);
            assert.equal(env.AUDIENCE, JSON.stringify([stack.get("aws:cognito/userPoolClient:UserPoolClient", "identity-app").id]));
            assert.equal(env.REQUIRED_SCOPES, "[\"cellular/items\"]");
            assert.equal(env.TENANT_CLAIM, "tenant_id");
            assert.equal(env.DATA_ROLE_ARN, "arn:aws:iam::123456789012:role/cellular-dev-cell-a-tenant-use1");
            // A tenant-serving role, like the API's: not tagged as reaching many tenants' records.
            const role = stack.get("aws:iam/role:Role", "cell-a-alb-api-role");
            assert.equal(((role.inputs.tags ?? {}) as Json)["data-access"], undefined);
        });

        it("lets the data role be assumed by the API's role and the ALB function's, each only for one tenant", () => {
            const trust = stack.json(stack.get("aws:iam/role:Role", "cell-a-tenant-role"), "assumeRolePolicy");
            const principal = { AWS: ["arn:aws:iam::123456789012:role/cellular-dev-cell-a-api-use1", "arn:aws:iam::123456789012:role/cellular-dev-cell-a-alb-api-use1"] };
            assert.deepEqual(trust.Statement.map((s: Json) => [s.Sid, s.Principal]), [["AssumeForOneTenant", principal], ["TagTheTenant", principal]]);
        });
    });

    describe("with the ALB a cell creates (cellular:isolation vpc)", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("dev", { mode: "update", config: withAlb({ certificateArn: CERTIFICATE, idleTimeoutSeconds: 30, ingressCidr: "10.20.0.0/16" }, { "cellular:isolation": "vpc" }) });
        });

        it("is internal, in the cell's two subnets, HTTPS only with TLS 1.2+, reachable on 443 from ingressCidr alone", () => {
            const lb = stack.get("aws:lb/loadBalancer:LoadBalancer", "cell-a-alb");
            assert.equal(lb.inputs.name, "cellular-dev-cell-a-alb");
            assert.equal(lb.inputs.loadBalancerType, "application");
            assert.equal(lb.inputs.internal, true);
            assert.equal(lb.inputs.idleTimeout, 30);
            assert.equal(lb.inputs.dropInvalidHeaderFields, true);
            assert.deepEqual(lb.propertyDependencies.subnets, ["cell-a-isolated-1", "cell-a-isolated-2"].map(n => urn(stack, "aws:ec2/subnet:Subnet", n)));
            const group = stack.get("aws:ec2/securityGroup:SecurityGroup", "cell-a-alb-sg");
            assert.deepEqual(lb.propertyDependencies.securityGroups, [group.urn]);
            assert.deepEqual(group.propertyDependencies.vpcId, [urn(stack, "aws:ec2/vpc:Vpc", "cell-a-vpc")]);
            const rules = stack.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(r => r.propertyDependencies.securityGroupId?.includes(group.urn));
            assert.deepEqual(rules.map(r => [r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]), [["10.20.0.0/16", "tcp", 443, 443]]);
            assert.equal(stack.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(r => r.propertyDependencies.securityGroupId?.includes(group.urn)).length, 0);
            const listener = stack.get("aws:lb/listener:Listener", "cell-a-alb-https");
            assert.equal(listener.inputs.port, 443);
            assert.equal(listener.inputs.protocol, "HTTPS");
            assert.equal(listener.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.equal(listener.inputs.certificateArn, CERTIFICATE);
            assert.deepEqual(listener.propertyDependencies.loadBalancerArn, [lb.urn]);
            assert.deepEqual(stack.get("aws:lb/listenerRule:ListenerRule", "cell-a-alb-rule").propertyDependencies.listenerArn, [listener.urn]);
        });
    });

    describe("under the guardrails and the deploy check", () => {
        it("passes every mandatory policy and finds nothing AWS would refuse, on either listener", async () => {
            const pack = await policyPack();
            for (const [what, raw] of [["given listener", withAlb({ listenerArn: LISTENER })],
                ["created ALB", withAlb({ certificateArn: CERTIFICATE }, { "cellular:isolation": "vpc" })]] as const) {
                const stack = await runStack("dev", { config: raw });
                const lines = (await pack.analyze(stack.capture, pack.reconcile({}))).diagnostics.map(line);
                assert.deepEqual(lines.filter(l => l.startsWith("mandatory ") || l.includes("during preview")), [], what);
                const settings = loadSettings(raw, { project: "cellular", stack: "dev" });
                assert.deepEqual(deployCheck(stack.resources, { quotas: settings.quotas }).findings.map(f => `${f.rule} ${f.name}: ${f.message}`), [], what);
            }
        });
    });

    describe("config validation", () => {
        const problemsOf = (raw: Raw): string[] => configProblems(raw);
        const one = (alb: Json, extra: Raw = {}) => problemsOf({ ...edit(stackConfig("dev"), "cells", cells => { cells[0].eventSources = { alb: { enabled: true, ...alb } }; }), ...extra });
        const at = "cellular:cells[0].eventSources.alb";

        it("is off by default and accepts either listener", () => {
            assert.equal(loadSettings(stackConfig("dev"), { project: "cellular", stack: "dev" }).cells[0]!.eventSources.alb.enabled, false);
            assert.deepEqual(one({ listenerArn: LISTENER }), []);
            assert.deepEqual(one({ certificateArn: CERTIFICATE }, { "cellular:isolation": "vpc" }), []);
        });

        it("refuses a listener or certificate that is not an ARN of its kind, or of another region", () => {
            assert.deepEqual(one({ listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared-alb/50dc6c495c0c9188" }), [
                // (values are shortened to 80 characters in messages; a key the cell does not set is the defaults')
                `${at}.listenerArn is "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared-...; expected an ALB listener ARN, arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>, in the stack's region`,
                `cellular:defaults.eventSources.alb.certificateArn is missing; the ALB the cell creates listens on HTTPS only (callers send bearer tokens): give an ACM certificate, or set ${at}.listenerArn`,
                `${at}.listenerArn is missing; the cell creates its ALB in its own VPC's two subnets, which only cellular:isolation vpc gives it: set cellular:isolation to vpc, or give an existing listener`,
            ]);
            const west = LISTENER.replace("us-east-1", "eu-west-1");
            assert.deepEqual(one({ listenerArn: west }), [
                `${at}.listenerArn is ${JSON.stringify(west)}; a target group serves load balancers of its own region only: expected a listener in us-east-1`,
            ]);
            const cert = CERTIFICATE.replace("us-east-1", "us-west-2");
            assert.deepEqual(one({ certificateArn: cert }, { "cellular:isolation": "vpc" }), [
                `${at}.certificateArn is ${JSON.stringify(cert)}; a load balancer uses ACM certificates of its own region only: expected one in us-east-1`,
            ]);
            assert.deepEqual(one({ listenerArn: LISTENER, certificateArn: CERTIFICATE }), [
                `${at}.certificateArn is ${JSON.stringify(CERTIFICATE).slice(0, 77)}...; only for the ALB the cell creates; with ${at}.listenerArn the listener has its own certificate: remove one`,
            ]);
        });

        it("refuses two cells with one priority on one listener", () => {
            const raw = edit(edit(stackConfig("dev"), "defaults", d => { d.eventSources.alb = { enabled: true, listenerArn: LISTENER }; }),
                "cells", cells => { cells[2].eventSources = { ...cells[2].eventSources, alb: { priority: 7 } }; });
            assert.deepEqual(problemsOf(raw), [
                "cellular:cells[1].eventSources.alb.priority is 100; cellular:cells[0].eventSources.alb has it on the same listener, and a listener holds one rule per priority: give each cell its own",
            ]);
        });

        it("refuses a rule priority outside 1–50000 and a function that outlives the load balancer's idle timeout", () => {
            assert.deepEqual(one({ listenerArn: LISTENER, priority: 0 }), [`${at}.priority is 0; expected an integer from 1 to 50000`]);
            assert.deepEqual(one({ listenerArn: LISTENER, priority: 50001 }), [`${at}.priority is 50001; expected an integer from 1 to 50000`]);
            assert.deepEqual(one({ listenerArn: LISTENER, idleTimeoutSeconds: 20, timeoutSeconds: 20 }), [
                `${at}.timeoutSeconds is 20; the load balancer gives up after its idle timeout (${at}.idleTimeoutSeconds is 20); the function must finish within 19 s`,
            ]);
            assert.deepEqual(one({ listenerArn: LISTENER, idleTimeoutSeconds: 4001 }), [`${at}.idleTimeoutSeconds is 4001; expected an integer from 1 to 4000`]);
        });

        it("refuses a path pattern or host the listener rule cannot hold, and a bad CIDR", () => {
            assert.equal(one({ listenerArn: LISTENER, pathPattern: "customers/*" })[0]!.startsWith(`${at}.pathPattern is "customers/*"; expected a path pattern starting with /`), true);
            assert.equal(one({ listenerArn: LISTENER, pathPattern: `/${"a".repeat(128)}` }).length, 1);
            assert.deepEqual(one({ listenerArn: LISTENER, hostHeader: "bad host" }), [`${at}.hostHeader is "bad host"; expected a host name (wildcards * and ? allowed), e.g. cell-a.api.example.com`]);
            assert.deepEqual(one({ certificateArn: CERTIFICATE, ingressCidr: "10.0.0.0/33" }, { "cellular:isolation": "vpc" }), [`${at}.ingressCidr is "10.0.0.0/33"; expected an IPv4 CIDR block such as 10.0.0.0/8`]);
        });
    });
});
