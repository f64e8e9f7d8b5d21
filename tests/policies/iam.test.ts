import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, REGION, TAGS, allow, arn, lambda, LAMBDA_TRUST, logsStatement, policyDocument, Statement } from "../fixtures/policies/builders";
import { MODES, compareConfig, run, runBoth } from "../fixtures/policies/harness";

const POLICY = "lambda-least-privilege";
const TABLE = arn.table("orders");

/** The one function `w` whose role policy has the log statement and then `statements`. */
function withStatements(...statements: Statement[]) {
    return () => {
        lambda("w", { statements });
    };
}

const rolePolicy = (text: string) => `mandatory ${POLICY} w-policy: aws.iam.RolePolicy "w-policy" of role w: ${text}`;

describe("lambda-least-privilege", () => {
    it("accepts exact actions on exact resources, and X-Ray on \"*\", in both modes", async () => {
        const outcomes = await runBoth(withStatements(
            allow("Orders", ["dynamodb:GetItem", "dynamodb:PutItem"], [TABLE, `${TABLE}/index/*`, `${TABLE}/stream/*`]),
            allow("Objects", "s3:GetObject", "arn:aws:s3:::orders-bucket/*"),
            allow("Tracing", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
        ));
        for (const mode of MODES) assert.deepEqual(outcomes[mode].lines(), [], mode);
    });

    for (const action of ["*", "s3:*", "dynamodb:Get*"]) {
        it(`rejects the wildcard action ${action} in a later statement`, async () => {
            const outcome = await run(withStatements(allow("Read", action, TABLE)));
            assert.deepEqual(outcome.lines(), [
                rolePolicy(`statement 2 (Sid "Read") allows the wildcard action "${action}"; list the exact actions the function needs instead`),
            ]);
        });
    }

    it("rejects a statement that allows an action on every resource", async () => {
        const outcome = await run(withStatements(allow("Read", ["dynamodb:GetItem", "dynamodb:Query"], "*")));
        assert.deepEqual(outcome.lines(), [
            rolePolicy("statement 2 (Sid \"Read\") allows dynamodb:GetItem, dynamodb:Query on \"*\", which is every resource; name the exact " +
                "resources (only the actions in wildcardResourceActions may use \"*\")"),
        ]);
    });

    it("rejects \"*\" for a statement that mixes an X-Ray action with another action", async () => {
        const outcome = await run(withStatements(allow("Mixed", ["xray:PutTraceSegments", "sqs:SendMessage"], "*")));
        assert.deepEqual(outcome.lines(), [
            rolePolicy("statement 2 (Sid \"Mixed\") allows xray:PutTraceSegments, sqs:SendMessage on \"*\", which is every resource; name the exact " +
                "resources (only the actions in wildcardResourceActions may use \"*\")"),
        ]);
    });

    const broad: Array<[string, string]> = [
        [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/*`, "the whole table name is \"*\""],
        [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders-*`, "the table name \"orders-*\" has a wildcard"],
        [`arn:aws:dynamodb:*:${ACCOUNT}:table/orders`, "its region field is \"*\""],
        [`arn:aws:dynamodb:${REGION}:*:table/orders`, "its account field is \"*\""],
        [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`, "the whole function name is \"*\""],
        [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/*`, "the log-group name \"/aws/lambda/*\" has a wildcard"],
        ["arn:aws:s3:::*", "the whole resource name is \"*\""],
    ];
    for (const [resource, reason] of broad) {
        it(`rejects the resource ${resource}`, async () => {
            const outcome = await run(withStatements(allow("Broad", "dynamodb:GetItem", resource)));
            assert.deepEqual(outcome.lines(), [
                rolePolicy(`statement 2 (Sid "Broad") allows dynamodb:GetItem on "${resource}", where ${reason}; name one resource ` +
                    "(a sub-path of one named resource, such as table/orders/index/*, is fine)"),
            ]);
        });
    }

    it("accepts a trailing sub-path under one named resource", async () => {
        const outcome = await run(withStatements(allow("SubPaths", "dynamodb:Query", [`${TABLE}/index/*`, `${TABLE}/stream/*`]),
            allow("Logs", "logs:PutLogEvents", arn.logStreams("w")), allow("Versions", "lambda:GetFunction", `${arn.fn("w")}:*`)));
        assert.deepEqual(outcome.lines(), []);
    });

    it("rejects Allow with NotAction and with NotResource", async () => {
        const outcome = await run(withStatements(
            { Sid: "AllBut", Effect: "Allow", NotAction: "iam:*", Resource: "*" },
            { Sid: "Elsewhere", Effect: "Allow", Action: "dynamodb:GetItem", NotResource: TABLE },
        ));
        assert.deepEqual(outcome.lines(), [
            rolePolicy("statement 2 (Sid \"AllBut\") combines Allow with NotAction, which allows every action except the listed ones; " +
                "use Action with the exact actions instead"),
            rolePolicy("statement 3 (Sid \"Elsewhere\") combines Allow with NotResource, which allows every resource except the listed ones; " +
                "use Resource with the exact ARNs instead"),
        ]);
    });

    it("ignores Deny statements", async () => {
        const outcome = await run(withStatements({ Sid: "Guard", Effect: "Deny", Action: "*", Resource: "*" }));
        assert.deepEqual(outcome.lines(), []);
    });

    it("reads an inline policy whose Statement is one object, with Action and Resource as strings", async () => {
        const outcome = await run(() => {
            lambda("w", { roleArgs: { inlinePolicies: [{ name: "extra", policy: JSON.stringify({ Version: "2012-10-17", Statement: allow("One", "s3:*", "*") }) }] } });
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${POLICY} w-role: aws.iam.Role "w-role" (w), inline policy "extra": statement 1 (Sid "One") allows s3:* on "*", which is ` +
            "every resource; name the exact resources (only the actions in wildcardResourceActions may use \"*\")",
            `mandatory ${POLICY} w-role: aws.iam.Role "w-role" (w), inline policy "extra": statement 1 (Sid "One") allows the wildcard action "s3:*"; ` +
            "list the exact actions the function needs instead",
        ]);
    });

    it("reads a role policy given as an object rather than a JSON string", async () => {
        const outcome = await run(() => {
            const { role } = lambda("w");
            new aws.iam.RolePolicy("w-object", {
                role: role.name,
                policy: {
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::orders-bucket/*"] },
                        { Effect: "Allow", Action: "sqs:*", Resource: arn.queue("jobs") },
                    ],
                },
            });
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${POLICY} w-object: aws.iam.RolePolicy "w-object" of role w: statement 2 allows the wildcard action "sqs:*"; ` +
            "list the exact actions the function needs instead",
        ]);
    });

    it("rejects an AWS-managed policy in managedPolicyArns, and accepts the allowed ones", async () => {
        const outcome = await run(() => {
            lambda("w", { roleArgs: { managedPolicyArns: [aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole, aws.iam.ManagedPolicy.AmazonDynamoDBFullAccess] } });
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${POLICY} w-role: aws.iam.Role "w-role" (w) has the AWS-managed policy AmazonDynamoDBFullAccess in managedPolicyArns, ` +
            "and Lambda may assume it; AWS-managed policies grant broad actions on every resource: grant the exact actions in a role policy " +
            "instead, or add AmazonDynamoDBFullAccess to allowedManagedPolicies",
        ]);
    });

    it("accepts AWSXrayWriteOnlyAccess as it accepts AWSXRayDaemonWriteAccess (the same X-Ray write actions on \"*\")", async () => {
        // pulumi/examples programs attach the older of the two X-Ray policies.
        const outcome = await run(() => {
            const { role } = lambda("w", { roleArgs: { managedPolicyArns: [aws.iam.ManagedPolicy.AWSXRayDaemonWriteAccess] } });
            new aws.iam.RolePolicyAttachment("w-xray", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSXrayWriteOnlyAccess });
        });
        assert.deepEqual(outcome.of(POLICY), []);
    });

    for (const mode of MODES) {
        it(`rejects an AWS-managed policy attached by a separate RolePolicyAttachment or PolicyAttachment (${mode})`, async () => {
            const outcome = await run(() => {
                const { role } = lambda("w");
                new aws.iam.RolePolicyAttachment("w-s3", { role: role.name, policyArn: aws.iam.ManagedPolicy.AmazonS3FullAccess });
                new aws.iam.PolicyAttachment("w-sqs", { roles: [role.name], policyArn: aws.iam.ManagedPolicy.AmazonSQSFullAccess });
                new aws.iam.RolePolicyAttachment("w-basic", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });
            }, { mode });
            const fix = (name: string) => "which Lambda may assume; AWS-managed policies grant broad actions on every resource: grant the exact " +
                `actions in a role policy instead, or add ${name} to allowedManagedPolicies`;
            assert.deepEqual(outcome.lines(), [
                `mandatory ${POLICY} w-s3: aws.iam.RolePolicyAttachment "w-s3" attaches the AWS-managed policy AmazonS3FullAccess to role w, ${fix("AmazonS3FullAccess")}`,
                `mandatory ${POLICY} w-sqs: aws.iam.PolicyAttachment "w-sqs" attaches the AWS-managed policy AmazonSQSFullAccess to role w, ${fix("AmazonSQSFullAccess")}`,
            ]);
        });

        it(`reports a wildcard in a customer-managed policy on the aws.iam.Policy that carries it (${mode})`, async () => {
            const outcome = await run(() => {
                const { role } = lambda("w");
                const policy = new aws.iam.Policy("w-extra", {
                    name: "w-extra",
                    policy: policyDocument([allow("Read", "dynamodb:GetItem", TABLE), allow("Queues", "sqs:*", arn.queue("jobs"))]),
                    tags: TAGS,
                });
                new aws.iam.RolePolicyAttachment("w-extra", { role: role.name, policyArn: policy.arn });
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${POLICY} w-extra: aws.iam.Policy "w-extra", attached to role w: statement 2 (Sid "Queues") allows the wildcard ` +
                "action \"sqs:*\"; list the exact actions the function needs instead",
            ]);
        });
    }

    it("rejects a trust policy that lets anyone assume the role without a condition", async () => {
        const anyone = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" } as Statement;
        const outcome = await run(() => {
            lambda("w", { roleArgs: { assumeRolePolicy: policyDocument([JSON.parse(LAMBDA_TRUST).Statement[0], anyone]) } });
            lambda("v", { roleArgs: { assumeRolePolicy: policyDocument([{ ...anyone, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } }]) } });
        });
        assert.deepEqual(outcome.lines(), [
            `mandatory ${POLICY} w-role: aws.iam.Role "w-role" (w): statement 2 of its trust policy lets any principal ("*") assume the ` +
            "role without a condition; allow only lambda.amazonaws.com",
        ]);
    });

    it("ignores roles that Lambda cannot assume", async () => {
        const outcome = await run(() => {
            const role = new aws.iam.Role("api-logs", {
                name: "api-logs",
                assumeRolePolicy: policyDocument([{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }]),
                managedPolicyArns: [aws.iam.ManagedPolicy.AmazonAPIGatewayPushToCloudWatchLogs],
                tags: TAGS,
            });
            new aws.iam.RolePolicy("api-logs", { role: role.name, policy: policyDocument([allow("All", "*", "*")]) });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    it("cannot read a document built from ARNs unknown at preview: an advisory in preview, the verdict in update", async () => {
        const program = () => {
            const table = new aws.dynamodb.Table("orders", {
                name: "orders", billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [{ name: "pk", type: "S" }], tags: TAGS,
            });
            lambda("w", { policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [logsStatement("w"), allow("Read", "dynamodb:*", table.arn)] }) });
        };
        const { preview, update } = await runBoth(program);
        assert.deepEqual(preview.lines(), [
            `advisory ${POLICY} w-policy: can't run policy '${POLICY}' on aws.iam.RolePolicy "w-policy" during preview: the policy document of ` +
            "aws.iam.RolePolicy \"w-policy\" of role w can't be known during preview; build it from values known at preview (names, " +
            "aws.getCallerIdentityOutput(), aws.getRegionOutput(), aws.getPartitionOutput())",
        ]);
        assert.deepEqual(update.lines(), [
            rolePolicy("statement 2 (Sid \"Read\") allows the wildcard action \"dynamodb:*\"; list the exact actions the function needs instead"),
        ]);
    });

    it("wildcardResourceActions and allowedManagedPolicies, changed in a config file, change the verdict", async () => {
        const program = () => {
            lambda("w", {
                statements: [allow("List", "dynamodb:ListTables", "*")],
                roleArgs: { managedPolicyArns: [aws.iam.ManagedPolicy.AmazonDynamoDBReadOnlyAccess] },
            });
        };
        const { defaults, configured } = await compareConfig(program, "least-privilege-extended.json", POLICY);
        assert.equal(defaults.length, 2);
        assert.deepEqual(configured, []);
    });
});
