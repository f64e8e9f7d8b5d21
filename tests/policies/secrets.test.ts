import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, TAGS, lambda } from "../fixtures/policies/builders";
import { run, runBoth } from "../fixtures/policies/harness";

const SECRETS = "no-secrets-in-environment";

const FIX = "Lambda shows environment values in plain text to anyone who can read the function's configuration (a Pulumi secret " +
    "included): store it in Secrets Manager or SSM Parameter Store and pass its ARN or parameter name instead, for the handler to read at run time";

/** The function `w`, compliant but for its environment `variables`. */
function withVariables(variables: Record<string, pulumi.Input<string>>): void {
    lambda("w", { args: { environment: { variables } } });
}

describe("no-secrets-in-environment", () => {
    it("rejects literal values of secret names, and accepts references, numbers and booleans", async () => {
        const outcome = await run(() => withVariables({
            DB_PASSWORD: "hunter2",
            STRIPE_API_KEY: "sk_live_51H",
            DB_PASSWORD_PARAM: "/orders/db/password",
            SIGNING_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:signing-AbCdEf`,
            TOKEN_TTL_SECONDS: "3600",
            REFRESH_TOKENS: "true",
            TABLE_NAME: "orders",
        }));
        const literal = (name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) has a literal value in its ` +
            `environment variable ${name}, whose name says it holds a secret; ${FIX}`;
        assert.deepEqual(outcome.lines(), [literal("DB_PASSWORD"), literal("STRIPE_API_KEY")]);
    });

    for (const mode of ["preview", "update"] as const) {
        it(`rejects a Pulumi secret in an environment variable whatever its name, once its value is known (${mode})`, async () => {
            // A secret handed to the function under a plain name: a value marked secret, a provider's secret output
            // (unknown until the key exists), a whole variables map made secret.
            const outcome = await run(() => {
                const key = new aws.iam.AccessKey("deployer-key", { user: "deployer" });
                withVariables({
                    SETTING: pulumi.secret("blue-7f3a9"),
                    UPSTREAM: key.secret,
                    TABLE_NAME: "orders",
                });
                lambda("v", { args: { environment: { variables: pulumi.secret({ MODE: "fast" }) } } });
            }, { mode });
            const secret = (name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) puts a Pulumi secret in ` +
                `its environment variable ${name}; ${FIX}`;
            // In preview the key's secret is unknown, and the SDK sends an unknown value without its secretness.
            assert.deepEqual(outcome.of(SECRETS), [
                `mandatory ${SECRETS} v-function: aws.lambda.Function "v-function" (v) puts a Pulumi secret in its environment variables; ${FIX}`,
                secret("SETTING"),
                ...(mode === "update" ? [secret("UPSTREAM")] : []),
            ]);
        });
    }

    it("rejects values that look like credentials, whatever their names", async () => {
        const outcome = await run(() => withVariables({
            KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            CERT: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----",
        }));
        const holds = (what: string, name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) holds ${what} in its ` +
            `environment variable ${name}; ${FIX}`;
        assert.deepEqual(outcome.lines(), [
            holds("a private key", "CERT"),
            holds("an AWS access key id", "KEY_ID"),
            holds("an AWS secret access key (next to an access key id)", "KEY"),
        ]);
    });

    it("counts a value computed from another resource: a secret output at once, a credential once it is created", async () => {
        const { preview, update } = await runBoth(() => {
            const password = new aws.ssm.Parameter("db-password", { name: "db-password", type: "SecureString", value: "hunter2", tags: TAGS });
            const user = new aws.iam.User("deployer", { name: "deployer", tags: TAGS });
            const key = new aws.iam.AccessKey("deployer-key", { user: user.name });
            withVariables({ DB_PASSWORD: password.value, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret });
        });
        // The SDK makes a parameter's value and an access key's secret Pulumi secrets: reported as such once known.
        const secret = (name: string) => `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) puts a Pulumi secret in its ` +
            `environment variable ${name}; ${FIX}`;
        assert.deepEqual(preview.of(SECRETS), [
            `advisory ${SECRETS} w-function: can't run policy '${SECRETS}' on aws.lambda.Function "w-function" (w) during preview: the value ` +
            "of its environment variable AWS_SECRET_ACCESS_KEY can't be known during preview",
            secret("DB_PASSWORD"),
        ]);
        assert.deepEqual(update.of(SECRETS), [
            `mandatory ${SECRETS} w-function: aws.lambda.Function "w-function" (w) holds an AWS access key id in its environment variable ` +
            `AWS_ACCESS_KEY_ID; ${FIX}`,
            secret("AWS_SECRET_ACCESS_KEY"),
            secret("DB_PASSWORD"),
        ]);
    });
});
