/**
 * AWS type tokens, as strings: the pack does not load @pulumi/aws (it would cost seconds at every start-up and
 * tie the pack to one provider version), and a token is all a policy needs to match a resource.
 */
export const AWS = {
    function: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    permission: "aws:lambda/permission:Permission",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    provisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",

    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",

    queue: "aws:sqs/queue:Queue",
    redrivePolicy: "aws:sqs/redrivePolicy:RedrivePolicy",
    table: "aws:dynamodb/table:Table",
    kinesisStream: "aws:kinesis/stream:Stream",
    topic: "aws:sns/topic:Topic",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    schedule: "aws:scheduler/schedule:Schedule",
    bucketNotification: "aws:s3/bucketNotification:BucketNotification",
    logSubscriptionFilter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    kmsKey: "aws:kms/key:Key",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",

    deploymentGroup: "aws:codedeploy/deploymentGroup:DeploymentGroup",

    restApi: "aws:apigateway/restApi:RestApi",
    restIntegration: "aws:apigateway/integration:Integration",
    httpApi: "aws:apigatewayv2/api:Api",
    httpIntegration: "aws:apigatewayv2/integration:Integration",

    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    targetGroupAttachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
} as const;

/** `aws:lambda/function:Function` as the TypeScript class reads: `aws.lambda.Function`. */
export function displayType(type: string): string {
    if (type.startsWith("pulumi:")) return type;
    const m = /^([^:]+):([^/:]+)(?:\/[^:]*)?:(.+)$/.exec(type);
    if (!m) return type;
    return m[2] === "index" ? `${m[1]}.${m[3]}` : `${m[1]}.${m[2]}.${m[3]}`;
}
