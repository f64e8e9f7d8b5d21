/**
 * Every resource type a plan of this program can hold, and what the estimator makes of it: `priced` (it bills, and
 * the estimate prices what it bills), `free` (it costs nothing of itself: what it sets off is priced where it bills)
 * or `unpriced` (it may bill, and the estimate leaves that out, saying so in its notes). A type the table does not
 * know is noted as not priced, and a test fails when the program can create one (tests/tools/cost/resource-types.test.ts),
 * so a new kind of resource is classified before it ships. Pure.
 */

export type Classification =
    | { kind: "priced"; what: string }
    | { kind: "free"; why: string }
    | { kind: "unpriced"; why: string };

const priced = (what: string): Classification => ({ kind: "priced", what });
const free = (why: string): Classification => ({ kind: "free", why });
const unpriced = (why: string): Classification => ({ kind: "unpriced", why });

const WIRING = "wiring: the estimate follows it, and prices what it sets off where that bills";
const IAM = "IAM costs nothing (and the STS AssumeRole calls made with a role are free)";
const NETWORK = "VPCs, subnets, route tables and security groups cost nothing";

/** By type token. */
export const RESOURCE_TYPES: Readonly<Record<string, Classification>> = {
    "aws:lambda/function:Function": priced("requests and GB-seconds of each invocation (and the logs it writes)"),
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": priced("the GB-seconds configured, used or not, and the lower rate of what it serves"),
    "aws:lambda/eventSourceMapping:EventSourceMapping": priced("an SQS mapping's receives, idle or not (a stream mapping's reads are free)"),
    "aws:lambda/alias:Alias": free(WIRING),
    "aws:lambda/permission:Permission": free(WIRING),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": free(`${WIRING} (retries, on-failure destination)`),

    "aws:dynamodb/table:Table": priced("on-demand request units, storage and point-in-time recovery (a provisioned-capacity table is noted)"),
    "aws:sqs/queue:Queue": priced("requests, per 64 KB chunk"),
    "aws:sqs/queuePolicy:QueuePolicy": free("a queue's access policy costs nothing"),
    "aws:sns/topic:Topic": priced("publishes, per 64 KB chunk"),
    "aws:sns/topicSubscription:TopicSubscription": free(`${WIRING} (deliveries to Lambda and SQS are free; the alarm topic's e-mails, a handful a month, fall within SNS's 1,000 free ones)`),
    "aws:kinesis/stream:Stream": priced("shard-hours (or an on-demand stream's hours), extended retention and payload"),

    "aws:s3/bucket:Bucket": priced("requests and storage"),
    "aws:s3/bucketV2:BucketV2": priced("requests and storage"),
    "aws:s3/bucketNotification:BucketNotification": free(WIRING),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free("a bucket setting costs nothing"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free("a bucket setting costs nothing"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": free("expiring objects costs nothing (only transitions to other storage classes bill, and none is set)"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        free("encryption with S3's own keys (SSE-S3) costs nothing; with a bucket key, SSE-KMS makes few KMS requests (not priced)"),

    "aws:cloudwatch/logGroup:LogGroup": priced("ingestion and storage, kept as long as its retention"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": priced("alarm metrics (each metric a metric-math alarm reads)"),
    "aws:cloudwatch/dashboard:Dashboard": priced("dashboard-months"),
    "aws:cloudwatch/eventRule:EventRule": free(`${WIRING} (a scheduled rule's events are free)`),
    "aws:cloudwatch/eventTarget:EventTarget": free(WIRING),
    "aws:kms/key:Key": priced("key-months of a customer managed key"),

    "aws:apigatewayv2/api:Api": priced("requests, in 512 KB increments"),
    "aws:apigatewayv2/integration:Integration": free(WIRING),
    "aws:apigatewayv2/route:Route": free(WIRING),
    "aws:apigatewayv2/stage:Stage": free(`${WIRING} (its access logs are priced with their log group)`),
    "aws:apigatewayv2/authorizer:Authorizer": free("a JWT authorizer is API Gateway's own check, in the request's price"),
    "aws:apigateway/restApi:RestApi": priced("requests"),
    "aws:apigateway/integration:Integration": free(WIRING),
    "aws:apigateway/resource:Resource": free(WIRING),
    "aws:apigateway/method:Method": free(WIRING),
    "aws:apigateway/response:Response": free("a gateway response costs nothing"),
    "aws:apigateway/methodResponse:MethodResponse": free(`${WIRING} (a CORS preflight's MOCK answer is a request of the API's)`),
    "aws:apigateway/integrationResponse:IntegrationResponse": free(WIRING),
    "aws:apigateway/deployment:Deployment": free("a deployment costs nothing"),
    "aws:apigateway/account:Account": free("the account's logging role costs nothing"),
    "aws:apigateway/stage:Stage": priced("X-Ray traces of the requests it traces (its access logs are priced with their log group)"),
    "aws:apigateway/authorizer:Authorizer": priced("a Lambda authorizer's invocations, for the requests its cache does not answer (a Cognito authorizer invokes none)"),
    "aws:apigateway/methodSettings:MethodSettings":
        unpriced("detailed CloudWatch metrics (metricsEnabled) bill as custom metrics, per method and stage, which the estimate does not price"),

    "aws:cognito/userPool:UserPool": priced("monthly active users of the Essentials feature plan (usage auth.monthlyActiveUsers); its trigger's invocations"),
    "aws:cognito/userPoolClient:UserPoolClient": free("an app client signing users in is in the MAU price (its access token's lifetime sets how often tokens are issued)"),
    "aws:cognito/resourceServer:ResourceServer": free("a resource server's scopes cost nothing"),

    "aws:ec2/vpcEndpoint:VpcEndpoint": priced("an interface endpoint's hours in each zone and the GB it processes (a gateway endpoint is free)"),
    "aws:ec2/vpc:Vpc": free(NETWORK),
    "aws:ec2/subnet:Subnet": free(NETWORK),
    "aws:ec2/routeTable:RouteTable": free(NETWORK),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": free(NETWORK),
    "aws:ec2/securityGroup:SecurityGroup": free(NETWORK),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": free(NETWORK),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": free(NETWORK),

    "aws:iam/role:Role": free(IAM),
    "aws:iam/rolePolicy:RolePolicy": free(IAM),
    "aws:iam/policy:Policy": free(IAM),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": free(IAM),

    "aws:lb/loadBalancer:LoadBalancer": priced("an Application Load Balancer's hours (its LCU-hours, which follow its traffic, are noted, not priced)"),
    "aws:lb/listener:Listener": free("a listener is in its load balancer's price"),
    "aws:lb/listenerRule:ListenerRule": free("a listener rule is in its load balancer's price (rule evaluations count towards its LCUs)"),
    "aws:lb/targetGroup:TargetGroup": free(`${WIRING} (a Lambda target's invocations are priced with the function)`),
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": free(WIRING),

    "aws:ssm/parameter:Parameter": free("a Standard-tier parameter is free (an Advanced one is noted, not priced)"),

    // https://aws.amazon.com/codedeploy/pricing/: "no additional charge for code deployments to ... AWS Lambda".
    "aws:codedeploy/application:Application": free("CodeDeploy to AWS Lambda costs nothing"),
    "aws:codedeploy/deploymentGroup:DeploymentGroup": free("CodeDeploy to AWS Lambda costs nothing (the alarms it watches are priced with them)"),
    "aws:codedeploy/deploymentConfig:DeploymentConfig": free("CodeDeploy to AWS Lambda costs nothing"),
};

/** What the estimate makes of a type; types that are not AWS's (the stack, providers, components) bill nothing. */
export function classificationOf(type: string): Classification | undefined {
    // A rollout step (components/rollout/): its API calls happen once per deployment (GetMetricData, a few metrics a wave, is the only one that bills).
    if (type === "pulumi-nodejs:dynamic:Resource") return { kind: "free", why: "a deploy-time step of the rollout: its few API calls per deployment bill next to nothing (a wave gate's GetMetricData, $0.01 per 1,000 metrics)" };
    if (!type.startsWith("aws:")) return { kind: "free", why: "not an AWS resource: Pulumi's own, or a component of AWS resources" };
    return RESOURCE_TYPES[type];
}
