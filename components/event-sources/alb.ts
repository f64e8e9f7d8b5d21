/**
 * `alb`: an Application Load Balancer in front of the cell's items API. A Lambda target group (multi-value headers
 * on or off), the function attached to it, a permission for Elastic Load Balancing scoped to that target group, and
 * a listener rule (path, and host when given; priority 1–50000) on either
 * - a listener the stack is given (`listenerArn`, in the stack's region), whose load balancer someone else runs, or
 * - a load balancer the cell creates: internal (the cell's network has no internet gateway), in the two subnets of
 *   the cell's own VPC (`cellular:isolation: vpc`: an ALB needs subnets in two zones), HTTPS only
 *   (`certificateArn`: the callers send bearer tokens), reachable on 443 from `ingressCidr` alone.
 *
 * The function (handlers/alb-api.ts) runs the cell API's own handler logic: an ALB has no JWT authorizer, so it
 * verifies the bearer token itself against the stack's issuer (aws-jwt-verify) and hands the cell API the verified
 * tenant, exactly as API Gateway does; it reaches the tenant's items through the cell's data role, like the API.
 * The load balancer waits for the function at most its idle timeout: the function's timeout stays below it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../../handlers/lib/table";
import { AUTHORIZER_ENV, TENANT_CLAIM_ENV } from "../../handlers/lib/tenant";
import { Arns } from "../arns";
import { CELL_CIDR } from "../cell-network-layout";
import { ValuesOf, boolean, integer, optionalText, text } from "../config/fields";
import { allow } from "../iam";
import { Names } from "../names";
import { allowInvoke } from "./invoke-permission";
import { eventSource } from "./kind";
import { sourceSettings } from "./settings";

/** Elastic Load Balancing's limits (elbv2 API reference: CreateRule Priority, LoadBalancerAttribute idle_timeout.timeout_seconds). */
export const ALB_LIMITS = {
    priority: { min: 1, max: 50000 },
    idleTimeoutSeconds: { min: 1, max: 4000, default: 60 },
    /** A path-pattern condition value (elbv2 PathPatternConditionConfig: up to 128 characters). */
    pathPatternLength: 128,
} as const;

/** `arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<lb name>/<lb id>/<listener id>`. */
export const LISTENER_ARN = /^arn:(aws|aws-cn|aws-us-gov):elasticloadbalancing:([a-z0-9-]+):(\d{12}):listener\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}$/;
/** `arn:<partition>:acm:<region>:<account>:certificate/<uuid>`. */
export const CERTIFICATE_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
/** ELB's path patterns: A–Z, a–z, 0–9, _ - . $ / ~ " ' @ : + & (as &amp;), and the wildcards * and ?. */
const PATH_PATTERN = new RegExp(`^/[A-Za-z0-9_\\-.$/~"'@:+&*?]{0,${ALB_LIMITS.pathPatternLength - 1}}$`);
const HOST_PATTERN = /^[A-Za-z0-9*?](?:[A-Za-z0-9*?.-]{0,126}[A-Za-z0-9*?])?$/;

/** The TLS policy of a listener the cell creates: TLS 1.3 and 1.2 only (AWS's recommended policy). */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const settings = sourceSettings("An Application Load Balancer in front of the cell's items API (token verified by the function)", {
    listenerArn: optionalText({ pattern: LISTENER_ARN,
        allowed: "expected an ALB listener ARN, arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>, in the stack's region",
        description: "An existing ALB listener to add the cell's rule to; absent: the cell creates an internal ALB in its VPC (needs cellular:isolation vpc and certificateArn)" }),
    certificateArn: optionalText({ pattern: CERTIFICATE_ARN,
        allowed: "expected an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>, in the stack's region",
        description: "The ACM certificate of the HTTPS listener of the ALB the cell creates (not with listenerArn)" }),
    ingressCidr: text({ default: CELL_CIDR, pattern: CIDR, allowed: "expected an IPv4 CIDR block such as 10.0.0.0/8",
        description: "Who may reach the ALB the cell creates on 443 (its security group's only rule)" }),
    idleTimeoutSeconds: integer({ min: ALB_LIMITS.idleTimeoutSeconds.min, max: ALB_LIMITS.idleTimeoutSeconds.max, default: ALB_LIMITS.idleTimeoutSeconds.default,
        description: "The load balancer's idle timeout: of the ALB the cell creates, or what the given listener's has (AWS's default 60); the function's timeout stays below it" }),
    priority: integer({ min: ALB_LIMITS.priority.min, max: ALB_LIMITS.priority.max, default: 100,
        description: "The listener rule's priority (unique on its listener: give each cell its own on a shared listener)" }),
    pathPattern: text({ default: "/customers/*", pattern: PATH_PATTERN,
        allowed: `expected a path pattern starting with / of up to ${ALB_LIMITS.pathPatternLength} characters (letters, digits, _-.$/~"'@:+& and the wildcards * and ?)`,
        description: "The rule's path condition" }),
    hostHeader: optionalText({ pattern: HOST_PATTERN, allowed: "expected a host name (wildcards * and ? allowed), e.g. cell-a.api.example.com",
        description: "A host condition too (a shared listener tells cells apart by host)" }),
    multiValueHeaders: boolean({ default: false,
        description: "The target group's multi-value headers: repeated headers and query parameters reach the function whole, not only their last value" }),
}, { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 2 }, (v, at) => {
    if (!v.enabled) return;
    if (v.timeoutSeconds >= v.idleTimeoutSeconds) {
        at.problem("timeoutSeconds", v.timeoutSeconds, `the load balancer gives up after its idle timeout (${at.path("idleTimeoutSeconds")} is ` +
            `${v.idleTimeoutSeconds}); the function must finish within ${v.idleTimeoutSeconds - 1} s`);
    }
    if (v.listenerArn !== undefined && v.certificateArn !== undefined) {
        at.problem("certificateArn", v.certificateArn, `only for the ALB the cell creates; with ${at.path("listenerArn")} the listener has its own certificate: remove one`);
    }
    if (v.listenerArn === undefined && v.certificateArn === undefined) {
        at.problem("certificateArn", undefined, `the ALB the cell creates listens on HTTPS only (callers send bearer tokens): give an ACM certificate, or set ${at.path("listenerArn")}`);
    }
});

export type AlbSettings = ValuesOf<typeof settings.fields>;

const names = (n: Names, cellId: string, s: AlbSettings) => ({
    targetGroup: n.cellResource("targetGroup", cellId, "alb-tg"),
    ...(s.listenerArn === undefined ? { loadBalancer: n.cellResource("loadBalancer", cellId, "alb") } : {}),
});

export const alb = eventSource({
    settings,
    function: { kind: "alb-api", handler: "alb-api", invocation: "sync", servesTenants: true },
    names,
    // No table access of its own: only the tenant's, through the cell's data role (as the API).
    grants: (arns, cell) => [allow("AssumeTenantDataRole", ["sts:AssumeRole", "sts:TagSession"], [arns.role(cell.dataRoleName)])],
    environment(cell) {
        const v = cell.verification;
        return {
            [ENV.dataRoleArn]: cell.context.apply(ctx => new Arns(ctx).role(cell.dataRoleName)),
            [TENANT_CLAIM_ENV]: v.tenantClaim,
            [AUTHORIZER_ENV.issuer]: v.issuer,
            [AUTHORIZER_ENV.jwksUri]: v.jwksUri ?? pulumi.output(v.issuer).apply(i => `${i.replace(/\/$/, "")}/.well-known/jwks.json`),
            [AUTHORIZER_ENV.audience]: pulumi.output(v.audiences).apply(a => JSON.stringify(a)),
            [AUTHORIZER_ENV.scopes]: JSON.stringify(v.scopes),
        };
    },
    stackProblems(s, stack, path) {
        const problems: string[] = [];
        const listenerRegion = s.listenerArn === undefined ? undefined : LISTENER_ARN.exec(s.listenerArn)?.[2];
        if (listenerRegion !== undefined && listenerRegion !== stack.region) {
            problems.push(`${path}.listenerArn is ${JSON.stringify(s.listenerArn)}; a target group serves load balancers of its own region only: expected a listener in ${stack.region}`);
        }
        const certificateRegion = s.certificateArn === undefined ? undefined : CERTIFICATE_ARN.exec(s.certificateArn)?.[2];
        if (certificateRegion !== undefined && certificateRegion !== stack.region) {
            problems.push(`${path}.certificateArn is ${JSON.stringify(s.certificateArn)}; a load balancer uses ACM certificates of its own region only: expected one in ${stack.region}`);
        }
        if (s.listenerArn === undefined && stack.isolation !== "vpc") {
            problems.push(`${path}.listenerArn is missing; the cell creates its ALB in its own VPC's two subnets, which only cellular:isolation vpc gives it: set cellular:isolation to vpc, or give an existing listener`);
        }
        return problems;
    },
    acrossCells(cells) {
        // Elastic Load Balancing refuses a second rule of one priority on a listener (PriorityInUse).
        const problems: string[] = [];
        const first = new Map<string, string>();
        for (const { path, settings: s } of cells) {
            if (s.listenerArn === undefined) continue;
            const slot = `${s.listenerArn} ${s.priority}`;
            const other = first.get(slot);
            if (other === undefined) first.set(slot, path);
            else problems.push(`${path}.priority is ${s.priority}; ${other} has it on the same listener, and a listener holds one rule per priority: give each cell its own`);
        }
        return problems;
    },
    wire(cell, fn, s) {
        const id = cell.cellId;
        const n = names(cell.names, id, s);
        const listenerArn = s.listenerArn ?? createLoadBalancer(cell, s, n.loadBalancer!.name).arn;
        const targets = new aws.lb.TargetGroup(`${id}-alb-targets`, {
            name: n.targetGroup.name,
            targetType: "lambda",
            lambdaMultiValueHeadersEnabled: s.multiValueHeaders,
            tags: cell.tags,
        }, cell.opts());
        // Elastic Load Balancing checks that it may invoke the function when the target is registered.
        const permission = allowInvoke(cell, `${id}-alb-api-from-alb`, fn, "elasticloadbalancing.amazonaws.com", targets.arn);
        new aws.lb.TargetGroupAttachment(`${id}-alb-attachment`, {
            targetGroupArn: targets.arn,
            targetId: fn.fn.arn,
        }, cell.opts({ dependsOn: [permission] }));
        new aws.lb.ListenerRule(`${id}-alb-rule`, {
            listenerArn,
            priority: s.priority,
            actions: [{ type: "forward", targetGroupArn: targets.arn }],
            conditions: [
                { pathPattern: { values: [s.pathPattern] } },
                ...(s.hostHeader === undefined ? [] : [{ hostHeader: { values: [s.hostHeader] } }]),
            ],
            tags: cell.tags,
        }, cell.opts());
    },
});

/**
 * The cell's own internal ALB: in the cell's two subnets, HTTPS from `ingressCidr` only (no egress rule: "the load
 * balancer invokes the Lambda function directly instead of using a network connection", ELB's "Lambda functions as
 * targets"), invalid header fields dropped, and a listener that answers 404 to anything no rule takes.
 */
function createLoadBalancer(cell: Parameters<typeof alb.wire>[0], s: AlbSettings, name: string): aws.lb.Listener {
    const id = cell.cellId;
    const network = cell.network!;
    const group = new aws.ec2.SecurityGroup(`${id}-alb-sg`, {
        vpcId: network.vpcId,
        description: `Load balancer of cell ${id}: HTTPS from ${s.ingressCidr} only`,
        tags: cell.tags,
    }, cell.opts());
    new aws.vpc.SecurityGroupIngressRule(`${id}-alb-https-in`, {
        securityGroupId: group.id,
        cidrIpv4: s.ingressCidr,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        description: "HTTPS from the callers of the cell",
        tags: cell.tags,
    }, cell.opts());
    const lb = new aws.lb.LoadBalancer(`${id}-alb`, {
        name,
        loadBalancerType: "application",
        internal: true,
        subnets: network.subnetIds,
        securityGroups: [group.id],
        idleTimeout: s.idleTimeoutSeconds,
        dropInvalidHeaderFields: true,
        tags: cell.tags,
    }, cell.opts());
    return new aws.lb.Listener(`${id}-alb-https`, {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: ALB_SSL_POLICY,
        certificateArn: s.certificateArn!,
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: "{\"error\":\"not found\"}" } }],
        tags: cell.tags,
    }, cell.opts());
}
