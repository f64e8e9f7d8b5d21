/**
 * no-secrets-in-environment: Lambda shows environment variables in plain text to anyone who can read the
 * function's configuration, so a credential there leaks. A Pulumi secret is one whatever the variable's name (the
 * engine marks it; lib/secret-paths.ts keeps the mark the SDK drops), even while its value is unknown in preview;
 * other values count when they look like credentials or their name says they hold one. A reference the handler
 * resolves at run time (an SSM parameter name or ARN, a Secrets Manager ARN) is fine. Messages never repeat a value.
 */
import { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { isSecretAt } from "./lib/secret-paths";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, entries, read } from "./lib/values";

const NAME = "no-secrets-in-environment";

/** Names that say the variable holds a credential. */
export const SECRET_NAME = /SECRET|PASSWORD|TOKEN|PRIVATE_KEY|API_KEY/i;
const ACCESS_KEY_ID = /(?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+]{40}$/;

/** An SSM parameter name (`/app/db/password`) or an SSM / Secrets Manager ARN: resolved by the handler at run time. */
export function isReference(value: string): boolean {
    return value.startsWith("/") || /^arn:aws[a-z-]*:(ssm|secretsmanager):/.test(value);
}

/** Numbers and booleans are settings, never secrets. */
function isScalar(value: string): boolean {
    return /^-?\d+(\.\d+)?$/.test(value) || /^(true|false)$/i.test(value);
}

const FIX = "Lambda shows environment values in plain text to anyone who can read the function's configuration (a Pulumi " +
    "secret included): store it in Secrets Manager or SSM Parameter Store and pass its ARN or parameter name instead, for the " +
    "handler to read at run time";

export const noSecretsInEnvironment: ResourceValidationPolicy = {
    name: NAME,
    description: "A Lambda function's environment holds no credentials, only references to where they are kept.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, report) => {
        if (args.type !== AWS.function) return;
        const reporter = new Reporter(NAME, report, false);
        const fn = { urn: args.urn, type: args.type, name: args.name, props: args.props };
        reporter.guard(fn, () => {
            const variables = read(args.props, "environment", "variables");
            if (isSecretAt(args.props, ["environment", "variables"]) === true) {
                reporter.violation(fn, `${describe(fn)} puts a Pulumi secret in its environment variables; ${FIX}`);
                return;
            }
            if (variables === UNKNOWN) {
                reporter.undecided(fn, "its environment variables can't be known during preview");
                return;
            }
            const vars = entries(variables);
            const withAccessKey = vars.some(([, v]) => typeof v === "string" && ACCESS_KEY_ID.test(v));
            for (const [name, value] of vars) {
                if (isSecretAt(args.props, ["environment", "variables", name]) === true) {
                    reporter.violation(fn, `${describe(fn)} puts a Pulumi secret in its environment variable ${name}; ${FIX}`);
                    continue;
                }
                if (value === UNKNOWN) {
                    if (SECRET_NAME.test(name)) reporter.undecided(fn, `the value of its environment variable ${name} can't be known during preview`);
                    continue;
                }
                if (typeof value !== "string" || value === "" || isScalar(value) || isReference(value)) continue;
                const looksLike = ACCESS_KEY_ID.test(value) ? "an AWS access key id"
                    : PRIVATE_KEY.test(value) ? "a private key"
                        : withAccessKey && SECRET_ACCESS_KEY.test(value) ? "an AWS secret access key (next to an access key id)" : undefined;
                if (looksLike) {
                    reporter.violation(fn, `${describe(fn)} holds ${looksLike} in its environment variable ${name}; ${FIX}`);
                } else if (SECRET_NAME.test(name)) {
                    reporter.violation(fn, `${describe(fn)} has a literal value in its environment variable ${name}, whose name says it ` +
                        `holds a secret; ${FIX}`);
                }
            }
        });
    },
};

/** The policies of this file, in the order the pack lists them. */
export const policies: Policies = [noSecretsInEnvironment];
