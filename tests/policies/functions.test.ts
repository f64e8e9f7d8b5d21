import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, Cell, TAGS, lambda } from "../fixtures/policies/builders";
import { MODES, run, runBoth } from "../fixtures/policies/harness";

const MEMORY = "lambda-memory-right-sized";
const PERMISSION = "lambda-permission-source-arn";
const SECRETS = "no-secrets-in-environment";
const BUDGET = "reserved-concurrency-budget";
const TRACING = "lambda-tracing-active";
const RETENTION = "lambda-log-retention";

describe("lambda-memory-right-sized", () => {
    it("rejects 4096 MB without a justification tag, and accepts 1769 MB or a justified 4096 MB", async () => {
        const outcome = await run(() => {
            lambda("big", { args: { memorySize: 4096 } });
            lambda("blank", { args: { memorySize: 2048, tags: { ...TAGS, "memory-justification": " " } } });
            lambda("vcpu", { args: { memorySize: 1769 } });
            lambda("parallel", { args: { memorySize: 4096, tags: { ...TAGS, "memory-justification": "decodes images in 2 worker threads" } } });
        });
        const tooMuch = (name: string, mb: number) => `mandatory ${MEMORY} ${name}-function: aws.lambda.Function "${name}-function" (${name}) ` +
            `has ${mb} MB of memory, more than 1769 MB (one full vCPU; a single-threaded Node.js handler cannot use a second one), and no ` +
            "memory-justification tag saying why; lower memorySize to 1769 or less, or tag it memory-justification with the reason";
        assert.deepEqual(outcome.lines(), [tooMuch("big", 4096), tooMuch("blank", 2048)]);
    });

    it("counts a justification the provider adds through defaultTags", async () => {
        const outcome = await run(() => {
            const provider = new aws.Provider("justified", { region: "us-east-1", defaultTags: { tags: { "memory-justification": "batch image resizing" } } });
            lambda("big", { args: { memorySize: 4096 }, opts: { provider } });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    for (const mode of MODES) {
        it(`rejects provisioned concurrency above the function's reserved concurrency (${mode})`, async () => {
            const outcome = await run(() => {
                for (const [name, reserved] of [["over", 5], ["within", 10], ["unreserved", undefined]] as const) {
                    const { fn } = lambda(name, { args: { publish: true, ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }) } });
                    const alias = new aws.lambda.Alias(`${name}-live`, { name: "live", functionName: fn.name, functionVersion: fn.version });
                    new aws.lambda.ProvisionedConcurrencyConfig(`${name}-provisioned`, {
                        functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: 10,
                    });
                }
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${MEMORY} over-provisioned: aws.lambda.ProvisionedConcurrencyConfig "over-provisioned" provisions 10 concurrent ` +
                "executions on live of aws.lambda.Function \"over-function\" (over), more than its reserved concurrency of 5, which AWS rejects; " +
                "lower provisionedConcurrentExecutions to at most 5, or raise reservedConcurrentExecutions",
            ]);
        });
    }
});

describe("lambda-permission-source-arn", () => {
    for (const mode of MODES) {
        it(`rejects principal "*" and a service principal without sourceArn; accepts S3 with sourceAccount (${mode})`, async () => {
            const outcome = await run(() => {
                const { fn } = lambda("w");
                const topic = new aws.sns.Topic("t", { name: "t", tags: TAGS });
                new aws.lambda.Permission("anyone", { action: "lambda:InvokeFunction", function: fn.name, principal: "*" });
                new aws.lambda.Permission("any-topic", { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com" });
                new aws.lambda.Permission("one-topic", { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topic.arn });
                new aws.lambda.Permission("any-bucket", { action: "lambda:InvokeFunction", function: fn.name, principal: "s3.amazonaws.com" });
                new aws.lambda.Permission("own-buckets", { action: "lambda:InvokeFunction", function: fn.name, principal: "s3.amazonaws.com", sourceAccount: ACCOUNT });
                new aws.lambda.Permission("account", { action: "lambda:InvokeFunction", function: fn.name, principal: ACCOUNT });
            }, { mode });
            assert.deepEqual(outcome.of(PERMISSION), [
                `mandatory ${PERMISSION} any-bucket: aws.lambda.Permission "any-bucket" lets s3.amazonaws.com invoke function w on behalf of any ` +
                "resource of any account (a confused deputy); set sourceArn to the bucket that calls it (or sourceAccount to the bucket's account)",
                `mandatory ${PERMISSION} any-topic: aws.lambda.Permission "any-topic" lets sns.amazonaws.com invoke function w on behalf of any ` +
                "resource of any account (a confused deputy); set sourceArn to the topic that calls it",
                `mandatory ${PERMISSION} anyone: aws.lambda.Permission "anyone" lets anyone (principal "*") invoke function w; name the calling ` +
                "service (with sourceArn) or account as the principal",
            ]);
        });
    }
});

const FIX = "Lambda shows environment values in plain text to anyone who can read the function's configuration (a Pulumi secret " +
    "included): store it in Secrets Manager or SSM Parameter Store and pass its ARN or parameter name instead, for the handler to read at run time";

describe("no-secrets-in-environment", () => {
    it("rejects literal values of secret names, a Pulumi secret included, and accepts references, numbers and booleans", async () => {
        const outcome = await run(() => {
            lambda("w", {
                args: {
                    environment: {
                        variables: {
                            DB_PASSWORD: "hunter2",
                            STRIPE_API_KEY: pulumi.secret("sk_live_51H"),
                            DB_PASSWORD_PARAM: "/orders/db/password",
                            SIGNING_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:signing-AbCdEf`,
                            TOKEN_TTL_SECONDS: "3600",
                            REFRESH_TOKENS: "true",
                            TABLE_NAME: "orders",
                        },
                    },
                },
            });
        });
        const literal = (name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) has a literal value in its ` +
            `environment variable ${name}, whose name says it holds a secret; ${FIX}`;
        assert.deepEqual(outcome.lines(), [literal("DB_PASSWORD"), literal("STRIPE_API_KEY")]);
    });

    it("rejects values that look like credentials, whatever their names", async () => {
        const outcome = await run(() => {
            lambda("w", {
                args: {
                    environment: {
                        variables: {
                            KEY_ID: "AKIAIOSFODNN7EXAMPLE",
                            KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            CERT: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----",
                        },
                    },
                },
            });
        });
        const holds = (what: string, name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) holds ${what} in its ` +
            `environment variable ${name}; ${FIX}`;
        assert.deepEqual(outcome.lines(), [
            holds("a private key", "CERT"),
            holds("an AWS access key id", "KEY_ID"),
            holds("an AWS secret access key (next to an access key id)", "KEY"),
        ]);
    });

    it("counts a value computed from another resource: known through the other resource's inputs, or once it is created", async () => {
        const { preview, update } = await runBoth(() => {
            const password = new aws.ssm.Parameter("db-password", { name: "db-password", type: "SecureString", value: "hunter2", tags: TAGS });
            const user = new aws.iam.User("deployer", { name: "deployer", tags: TAGS });
            const key = new aws.iam.AccessKey("deployer-key", { user: user.name });
            lambda("w", { args: { environment: { variables: { DB_PASSWORD: password.value, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret } } } });
        });
        const password = `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) has a literal value in its environment ` +
            `variable DB_PASSWORD, whose name says it holds a secret; ${FIX}`;
        assert.deepEqual(preview.of(SECRETS), [
            `advisory ${SECRETS} w-function: can't run policy '${SECRETS}' on aws.lambda.Function "w-function" (w) during preview: the value ` +
            "of its environment variable AWS_SECRET_ACCESS_KEY can't be known during preview",
            password,
        ]);
        assert.deepEqual(update.of(SECRETS), [
            password,
            `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) holds an AWS access key id in its environment variable ` +
            `AWS_ACCESS_KEY_ID; ${FIX}`,
            `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) holds an AWS secret access key (next to an access key id) ` +
            `in its environment variable AWS_SECRET_ACCESS_KEY; ${FIX}`,
        ]);
    });
});

describe("reserved-concurrency-budget", () => {
    for (const mode of MODES) {
        it(`rejects reservations above the account's limit minus 100, on the stack (${mode})`, async () => {
            const outcome = await run(() => {
                lambda("a", { args: { reservedConcurrentExecutions: 500 } });
                lambda("b", { args: { reservedConcurrentExecutions: 401 } });
                lambda("c", { args: { reservedConcurrentExecutions: -1 } });
            }, { mode });
            assert.deepEqual(outcome.lines(), [
                `mandatory ${BUDGET} policy-test-dev: The functions of this stack reserve 901 concurrent executions in total, more than the 900 ` +
                "that an account limit of 1000 leaves (AWS keeps 100 unreserved, and the deploy fails); lower reservedConcurrentExecutions, or raise " +
                "accountConcurrencyLimit once the account's quota is raised",
            ]);
            assert.equal(outcome.diagnostics[0]!.resourceType, "pulumi:pulumi:Stack");
        });
    }

    it("accepts exactly the account's limit minus 100", async () => {
        const outcome = await run(() => {
            lambda("a", { args: { reservedConcurrentExecutions: 500 } });
            lambda("b", { args: { reservedConcurrentExecutions: 400 } });
        });
        assert.deepEqual(outcome.lines(), []);
    });

    it("rejects a function of a cell without reserved concurrency (unset or -1); 0 is set", async () => {
        const outcome = await run(() => {
            const cell = new Cell("cell-a", "cell-a");
            const tags = { ...TAGS, cell: "cell-a" };
            lambda("unset", { args: { tags }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("minus-one", { args: { tags, reservedConcurrentExecutions: -1 }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("stopped", { args: { tags, reservedConcurrentExecutions: 0 }, roleArgs: { tags }, opts: { parent: cell } });
            lambda("shared");
        });
        const unbounded = (name: string) => `mandatory ${BUDGET} ${name}-function: aws.lambda.Function "${name}-function" (${name}) in cell cell-a ` +
            "has no reserved concurrency, so it can take the whole account's concurrency and the cell's blast radius is unbounded; set reservedConcurrentExecutions";
        assert.deepEqual(outcome.of(BUDGET), [unbounded("minus-one"), unbounded("unset")]);
    });
});

describe("lambda-tracing-active", () => {
    it("advises Active tracing", async () => {
        const outcome = await run(() => {
            lambda("untraced", { args: { tracingConfig: undefined } });
            lambda("passthrough", { args: { tracingConfig: { mode: "PassThrough" } } });
        });
        assert.deepEqual(outcome.lines(), [
            `advisory ${TRACING} passthrough-function: aws.lambda.Function "passthrough-function" (passthrough) has tracingConfig.mode ` +
            "\"PassThrough\", so it traces only requests that arrive traced; set it to \"Active\"",
            `advisory ${TRACING} untraced-function: aws.lambda.Function "untraced-function" (untraced) does not trace its requests with X-Ray; ` +
            "set tracingConfig.mode to \"Active\"",
        ]);
    });
});

describe("lambda-log-retention", () => {
    it("advises a log group with retention for every function", async () => {
        const outcome = await run(() => {
            lambda("none", { noLogGroup: true });
            const forever = lambda("forever", { noLogGroup: true });
            new aws.cloudwatch.LogGroup("forever-logs", { name: "/aws/lambda/forever", tags: TAGS }, { dependsOn: [forever.fn] });
            const logs = new aws.cloudwatch.LogGroup("shared-logs", { name: "/orders/functions", retentionInDays: 30, tags: TAGS });
            lambda("custom", { noLogGroup: true, args: { loggingConfig: { logFormat: "JSON", logGroup: logs.name } } });
        });
        assert.deepEqual(outcome.lines(), [
            `advisory ${RETENTION} forever-logs: aws.cloudwatch.LogGroup "forever-logs" (/aws/lambda/forever), the log group of ` +
            "aws.lambda.Function \"forever-function\" (forever), keeps its logs forever; set retentionInDays",
            `advisory ${RETENTION} none-function: aws.lambda.Function "none-function" (none) has no log group in this stack (/aws/lambda/none), ` +
            "so Lambda creates one that keeps its logs forever; create an aws.cloudwatch.LogGroup named /aws/lambda/none with retentionInDays",
        ]);
    });

    it("finds, in preview, the log group named after a function whose own name is not known yet", async () => {
        const { preview, update } = await runBoth(() => {
            const role = new aws.iam.Role("auto-role", { assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }), tags: TAGS });
            const fn = new aws.lambda.Function("auto", {
                role: role.arn, runtime: "nodejs22.x", handler: "index.handler", tracingConfig: { mode: "Active" }, tags: TAGS,
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") }),
            });
            new aws.cloudwatch.LogGroup("auto-logs", { name: pulumi.interpolate`/aws/lambda/${fn.name}`, retentionInDays: 7, tags: TAGS });
        });
        assert.deepEqual(preview.of(RETENTION), []);
        assert.deepEqual(update.of(RETENTION), []);
    });
});
