/**
 * ARNs built from deterministic names and the account, region and partition, which `pulumi preview` resolves
 * (invokes run during preview). IAM documents built from these are known at pull-request time, so a policy can
 * read them in `pulumi preview`, not only after `pulumi up`. Pure: no Pulumi, no AWS.
 */
export interface AwsContext {
    partition: string;
    region: string;
    accountId: string;
}

/** The partition of a region, from its name (`cn-` and `us-gov-` regions live in their own partitions). */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-iso-")) return "aws-iso";
    return "aws";
}

export class Arns {
    constructor(readonly ctx: AwsContext) {}

    private arn(service: string, resource: string, region = this.ctx.region, account = this.ctx.accountId): string {
        return `arn:${this.ctx.partition}:${service}:${region}:${account}:${resource}`;
    }

    table(name: string): string {
        return this.arn("dynamodb", `table/${name}`);
    }

    /** Every index of one table (a sub-path of one named resource). */
    tableIndexes(name: string): string {
        return `${this.table(name)}/index/*`;
    }

    /** The streams of one table (the stream label is only known after creation). */
    tableStreams(name: string): string {
        return `${this.table(name)}/stream/*`;
    }

    queue(name: string): string {
        return this.arn("sqs", name);
    }

    /** A queue's URL, as SQS makes it (the service's domain follows the partition). */
    queueUrl(name: string): string {
        const domain = this.ctx.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
        return `https://sqs.${this.ctx.region}.${domain}/${this.ctx.accountId}/${name}`;
    }

    topic(name: string): string {
        return this.arn("sns", name);
    }

    kinesisStream(name: string): string {
        return this.arn("kinesis", `stream/${name}`);
    }

    function(name: string): string {
        return this.arn("lambda", `function:${name}`);
    }

    functionAlias(name: string, alias: string): string {
        return `${this.function(name)}:${alias}`;
    }

    /** The log streams of one log group (`logs:CreateLogStream`/`PutLogEvents` act on streams). */
    logStreams(logGroupName: string): string {
        return this.arn("logs", `log-group:${logGroupName}:*`);
    }

    logGroup(logGroupName: string): string {
        return this.arn("logs", `log-group:${logGroupName}`);
    }

    bucket(name: string): string {
        return `arn:${this.ctx.partition}:s3:::${name}`;
    }

    /** Objects under one key prefix of one bucket. */
    bucketObjects(name: string, prefix: string): string {
        return `${this.bucket(name)}/${prefix}*`;
    }

    eventBus(name = "default"): string {
        return this.arn("events", `event-bus/${name}`);
    }

    eventRule(name: string): string {
        return this.arn("events", `rule/${name}`);
    }

    /** IAM is global: a role's ARN has no region. */
    role(name: string): string {
        return `arn:${this.ctx.partition}:iam::${this.ctx.accountId}:role/${name}`;
    }

    /** A Cognito user pool (its id is known only once it exists, so this takes the id). */
    userPool(id: string): string {
        return this.arn("cognito-idp", `userpool/${id}`);
    }

    deploymentGroup(application: string, group: string): string {
        return this.arn("codedeploy", `deploymentgroup:${application}/${group}`);
    }

    alarm(name: string): string {
        return this.arn("cloudwatch", `alarm:${name}`);
    }

    ssmParameter(name: string): string {
        return this.arn("ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`);
    }
}
