/**
 * ARNs: parsing, names of the resources they point at, IAM-style wildcard matching, and how broad a `Resource`
 * pattern of an IAM statement is. Pure.
 */

export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the fifth `:` (it may contain `:` and `/`). */
    resource: string;
}

export function parseArn(value: string): Arn | undefined {
    if (!value.startsWith("arn:")) return undefined;
    const parts = value.split(":");
    if (parts.length < 6) return undefined;
    return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(":") };
}

/** A function reference: a name, `name:qualifier`, a (partial) function ARN, or an API Gateway invoke ARN. */
export interface FunctionRef {
    name: string;
    qualifier?: string;
}

export function parseFunctionRef(value: string): FunctionRef | undefined {
    // API Gateway: arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations
    const invoke = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+?)\/invocations$/.exec(value);
    if (invoke) return parseFunctionRef(invoke[1]!);
    const arn = parseArn(value);
    if (arn) {
        if (arn.service !== "lambda") return undefined;
        const m = /^function:([^:]+)(?::(.+))?$/.exec(arn.resource);
        return m ? { name: m[1]!, ...(m[2] ? { qualifier: m[2] } : {}) } : undefined;
    }
    // Partial ARN: 123456789012:function:name[:qualifier]
    const partial = /^(?:\d{12}:)?function:([^:]+)(?::(.+))?$/.exec(value);
    if (partial) return { name: partial[1]!, ...(partial[2] ? { qualifier: partial[2] } : {}) };
    const plain = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(value);
    return plain ? { name: plain[1]!, ...(plain[2] ? { qualifier: plain[2] } : {}) } : undefined;
}

/** The name of an IAM role or policy from its name or ARN (`arn:aws:iam::123:role/path/name`). */
export function iamName(value: string, kind: "role" | "policy"): string | undefined {
    const arn = parseArn(value);
    if (!arn) return value.includes("/") || value.includes(":") ? undefined : value;
    if (arn.service !== "iam" || !arn.resource.startsWith(`${kind}/`)) return undefined;
    const path = arn.resource.slice(kind.length + 1);
    return path.slice(path.lastIndexOf("/") + 1);
}

/** An AWS-managed policy ARN's name after `policy/` (`service-role/AWSLambdaBasicExecutionRole`), else undefined. */
export function awsManagedPolicyName(value: string): string | undefined {
    const arn = parseArn(value);
    if (!arn || arn.service !== "iam" || arn.account !== "aws" || !arn.resource.startsWith("policy/")) return undefined;
    return arn.resource.slice("policy/".length);
}

/** A queue's name from its ARN (`arn:aws:sqs:<region>:<account>:<name>`) or URL (`https://sqs.../<account>/<name>`). */
export function queueName(value: string): string | undefined {
    const arn = parseArn(value);
    if (arn) return arn.service === "sqs" ? arn.resource : undefined;
    const url = /^https:\/\/[^/]*sqs[^/]*\/\d+\/([^/?]+)$/.exec(value);
    return url ? url[1] : undefined;
}

/** The service of an event source ARN: `sqs`, `dynamodb` (a table stream), `kinesis`, `kafka`, ... */
export function arnService(value: string): string | undefined {
    return parseArn(value)?.service;
}

const globs = new Map<string, RegExp>();

/** IAM-style matching: `*` any run of characters, `?` any one character. */
export function glob(pattern: string, value: string, ignoreCase = false): boolean {
    if (!/[*?]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
    const key = `${ignoreCase ? "i" : "c"}${pattern}`;
    let regex = globs.get(key);
    if (!regex) {
        const source = pattern.split("").map(c => c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")).join("");
        regex = new RegExp(`^${source}$`, ignoreCase ? "i" : "");
        globs.set(key, regex);
    }
    return regex.test(value);
}

/** Services whose ARNs have no resource type: the resource part starts with the name. */
const NAME_FIRST: Record<string, RegExp> = {
    s3: /\//, // bucket/key
    sqs: /$^/, // the whole resource is the queue name
    sns: /:/, // topic[:subscription]
    "execute-api": /\//, // api-id/stage/method/path
};

/** Resource types whose names run to the next `:` only (they may contain `/`), or to the end. */
function nameEnd(service: string, type: string): RegExp {
    if (service === "iam" || (service === "ssm" && type === "parameter")) return /$^/;
    if (service === "logs" || service === "secretsmanager") return /:/;
    return /[/:]/;
}

/**
 * Why an IAM `Resource` pattern covers more than one named resource, or undefined when it does not.
 *
 * The resource part of an ARN is its sixth field: a `*` there, in a resource's name (`table/orders-*`) or as the
 * whole name after a resource type (`table/*`, `function:*`), covers many resources; so does a `*` in the service,
 * region or account field. A trailing sub-path under one named resource (`table/orders/index/*`,
 * `arn:aws:s3:::my-bucket/*`, `log-group:/aws/lambda/fn:*`) stays within that resource.
 */
export function broadResource(pattern: string): string | undefined {
    if (pattern === "*") return "every resource";
    const arn = parseArn(pattern);
    if (!arn) return pattern.includes("*") ? "a wildcard that is not in an ARN" : undefined;
    for (const field of ["partition", "service", "region", "account"] as const) {
        if (arn[field].includes("*")) return `its ${field} field is "${arn[field]}"`;
    }
    const resource = arn.resource;
    let type: string | undefined;
    let rest = resource;
    let end: RegExp;
    if (arn.service in NAME_FIRST) {
        end = NAME_FIRST[arn.service]!;
    } else {
        const typed = /^([A-Za-z0-9_.-]+)[/:](.*)$/.exec(resource);
        if (typed) {
            type = typed[1]!;
            rest = typed[2]!;
        }
        end = type ? nameEnd(arn.service, type) : /$^/;
    }
    const cut = rest.search(end);
    const name = cut < 0 ? rest : rest.slice(0, cut);
    if (!name.includes("*")) return undefined;
    const what = type ? `${type} name` : "resource name";
    return name === "*" ? `the whole ${what} is "*"` : `the ${what} "${name}" has a wildcard`;
}
