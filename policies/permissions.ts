/**
 * lambda-permission-source-arn: a Lambda permission names who may invoke the function. `*` lets anyone; a service
 * principal without `sourceArn` lets that service invoke it on behalf of any resource of any account (the confused
 * deputy). S3 may use `sourceAccount` instead (bucket ARNs carry no account).
 *
 * A permission for a function URL (`lambda:InvokeFunctionUrl`, or `functionUrlAuthType` set) is judged as what it is:
 * with `NONE` and principal `*` the URL is public, and the fix is the URL's `AWS_IAM` authorization, not a sourceArn
 * (a caller on the internet has none); with `AWS_IAM` and `*`, any AWS account's principals may call it.
 */
import { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { parseFunctionRef } from "./lib/arn";
import { servicePrincipal } from "./lib/iam";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, given, read } from "./lib/values";

const NAME = "lambda-permission-source-arn";

/** What `sourceArn` names for each service principal. */
const SOURCES: Record<string, string> = {
    s3: "bucket",
    sns: "topic",
    events: "EventBridge rule",
    scheduler: "schedule",
    apigateway: "API (its execution ARN)",
    logs: "log group",
    sqs: "queue",
    iot: "IoT rule",
    ses: "SES receipt rule",
    elasticloadbalancing: "target group",
    "secretsmanager": "secret",
    cognito: "user pool",
};

export const lambdaPermissionSourceArn: ResourceValidationPolicy = {
    name: NAME,
    description: "A Lambda permission names its caller: never principal \"*\", and a service principal only with sourceArn.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, report) => {
        if (args.type !== AWS.permission) return;
        const reporter = new Reporter(NAME, report, false);
        const resource = { urn: args.urn, type: args.type, name: args.name, props: args.props };
        reporter.guard(resource, () => {
            const props = args.props;
            const principal = read(props, "principal");
            if (principal === UNKNOWN) {
                reporter.undecided(resource, "its principal can't be known during preview");
                return;
            }
            if (typeof principal !== "string") return;
            const target = read(props, "function");
            const ref = typeof target === "string" ? parseFunctionRef(target) : undefined;
            const fn = ref ? `function ${ref.name}` : "its function";
            const action = read(props, "action");
            const urlAuth = read(props, "functionUrlAuthType");
            if (action === UNKNOWN || urlAuth === UNKNOWN) {
                reporter.undecided(resource, "its action or functionUrlAuthType can't be known during preview");
                return;
            }
            if (principal === "*" && (action === "lambda:InvokeFunctionUrl" || given(urlAuth))) {
                if (urlAuth === "AWS_IAM") {
                    reporter.violation(resource, `${describe(resource)} lets the principals of any AWS account call the URL of ${fn}; name ` +
                        "the account or role that calls it as the principal");
                } else {
                    reporter.violation(resource, `${describe(resource)} makes the URL of ${fn} public (functionUrlAuthType ` +
                        `${typeof urlAuth === "string" ? urlAuth : "unset"}, principal "*"): anyone on the internet can invoke it; set ` +
                        "authorizationType to AWS_IAM on its aws.lambda.FunctionUrl and grant lambda:InvokeFunctionUrl to the callers " +
                        "(or put it behind CloudFront with origin access control)");
                }
                return;
            }
            if (principal === "*") {
                reporter.violation(resource, `${describe(resource)} lets anyone (principal "*") invoke ${fn}; name the calling ` +
                    "service (with sourceArn) or account as the principal");
                return;
            }
            const service = servicePrincipal(principal);
            if (!service || given(read(props, "sourceArn"))) return;
            if (service === "s3" && given(read(props, "sourceAccount"))) return;
            reporter.violation(resource, `${describe(resource)} lets ${principal} invoke ${fn} on behalf of any resource of any ` +
                `account (a confused deputy); set sourceArn to the ${SOURCES[service] ?? "resource"} that calls it` +
                `${service === "s3" ? " (or sourceAccount to the bucket's account)" : ""}`);
        });
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [lambdaPermissionSourceArn];
