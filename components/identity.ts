/**
 * `Identity` (`cellular:index:Identity`): who may call the stack's APIs. With `cellular:auth.cognito` it creates a
 * Cognito user pool whose users carry their tenant in the attribute `custom:tenant_id` (set by an administrator;
 * the app client cannot write it), a resource server with the required scopes, an app client, and a pre token
 * generation trigger (V2_0, which needs the Essentials feature plan) that puts the tenant claim and the scopes into
 * access tokens, so an ID token — which has no scopes — is refused. With `cellular:auth.issuer` it creates nothing
 * and trusts that issuer. Either way it says how the APIs verify tokens ({@link TokenVerification}).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TENANT_ATTRIBUTE, TOKEN_CLAIMS_ENV } from "../handlers/lib/tenant";
import { Arns, AwsContext } from "./arns";
import { COGNITO_RESOURCE_SERVER, cognitoScopeName } from "./config/auth-settings";
import type { StackSettings } from "./config/stack-settings";
import { createLambda, LambdaResources } from "./function";
import { sharedTags, Tags } from "./tags";
import { IDENTITY_TYPE } from "./type-tokens";

/** How an API verifies the tokens it is called with. */
export interface TokenVerification {
    /** The `iss` of accepted tokens. */
    issuer: pulumi.Input<string>;
    /** Accepted `aud` (or `client_id`) values. */
    audiences: pulumi.Input<pulumi.Input<string>[]>;
    /** A token must carry one of these. */
    scopes: string[];
    /** The claim that names the tenant. */
    tenantClaim: string;
    /** With Cognito: the pool, for a REST API's Cognito authorizer. */
    userPoolArn?: pulumi.Input<string>;
    /** With an external issuer: where its keys are (for a REST API's Lambda authorizer). */
    jwksUri?: string;
}

export interface IdentityArgs {
    settings: StackSettings;
    context: pulumi.Output<AwsContext>;
}

/** The trigger runs on every sign-in and token refresh; Cognito gives it 5 s. */
const TOKEN_CLAIMS_FUNCTION = { memoryMb: 128, timeoutSeconds: 5, reservedConcurrency: 0 };

export class Identity extends pulumi.ComponentResource {
    readonly verification: TokenVerification;
    readonly userPool?: aws.cognito.UserPool;
    readonly client?: aws.cognito.UserPoolClient;
    readonly tokenClaims?: LambdaResources;
    private readonly tags: Tags;

    constructor(name: string, args: IdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(IDENTITY_TYPE, name, {}, opts);
        const { settings, context } = args;
        const auth = settings.auth;
        this.tags = sharedTags(settings);
        if (!auth.cognito) {
            this.verification = {
                issuer: auth.issuer!, audiences: auth.audience!, scopes: auth.requiredScopes, tenantClaim: auth.tenantClaim,
                jwksUri: auth.jwksUri ?? `${auth.issuer!.replace(/\/$/, "")}/.well-known/jwks.json`,
            };
            this.registerOutputs({ issuer: auth.issuer });
            return;
        }
        const names = settings.names;
        const functionName = names.tokenClaimsFunction();
        this.tokenClaims = createLambda({
            logicalName: `${name}-token-claims`,
            functionName,
            names,
            handler: "token-claims",
            settings: TOKEN_CLAIMS_FUNCTION,
            environment: {
                POWERTOOLS_SERVICE_NAME: "token-claims",
                [TOKEN_CLAIMS_ENV.tenantClaim]: auth.tenantClaim,
                [TOKEN_CLAIMS_ENV.scopes]: JSON.stringify(auth.requiredScopes),
            },
            // It only reshapes the token Cognito is about to issue: no grants beyond its logs and tracing.
            statements: () => [],
            ctx: context,
            tags: this.tags,
            reserved: false,
            logRetentionDays: settings.router.logRetentionDays,
            parent: this,
        });
        this.userPool = new aws.cognito.UserPool(`${name}-users`, {
            name: names.userPool(),
            // Access-token customization (the V2_0 trigger) needs the Essentials feature plan.
            userPoolTier: "ESSENTIALS",
            deletionProtection: "ACTIVE",
            // Tenants are provisioned: nobody signs up and picks a tenant.
            adminCreateUserConfig: { allowAdminCreateUserOnly: true },
            usernameAttributes: ["email"],
            autoVerifiedAttributes: ["email"],
            schemas: [{
                name: TENANT_ATTRIBUTE.replace(/^custom:/, ""),
                attributeDataType: "String",
                mutable: true,
                developerOnlyAttribute: false,
                required: false,
                stringAttributeConstraints: { minLength: "1", maxLength: "64" },
            }],
            passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true,
                requireSymbols: true, temporaryPasswordValidityDays: 3 },
            mfaConfiguration: "OPTIONAL",
            softwareTokenMfaConfiguration: { enabled: true },
            lambdaConfig: {
                preTokenGenerationConfig: {
                    lambdaArn: context.apply(ctx => new Arns(ctx).function(functionName)),
                    lambdaVersion: "V2_0",
                },
            },
            tags: this.tags,
        }, { parent: this, dependsOn: [this.tokenClaims.fn] });
        new aws.lambda.Permission(`${name}-token-claims-from-cognito`, {
            action: "lambda:InvokeFunction",
            function: this.tokenClaims.fn.name,
            principal: "cognito-idp.amazonaws.com",
            sourceArn: this.userPool.arn,
        }, { parent: this });
        const resourceServer = new aws.cognito.ResourceServer(`${name}-resource-server`, {
            userPoolId: this.userPool.id,
            identifier: COGNITO_RESOURCE_SERVER,
            name: COGNITO_RESOURCE_SERVER,
            scopes: auth.requiredScopes.map(scope => ({ scopeName: cognitoScopeName(scope)!, scopeDescription: `Use the API as ${scope}` })),
        }, { parent: this });
        this.client = new aws.cognito.UserPoolClient(`${name}-app`, {
            name: names.userPoolClient(),
            userPoolId: this.userPool.id,
            generateSecret: false,
            explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            preventUserExistenceErrors: "ENABLED",
            enableTokenRevocation: true,
            accessTokenValidity: 60,
            idTokenValidity: 60,
            refreshTokenValidity: 30,
            tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
            readAttributes: ["email", "email_verified", TENANT_ATTRIBUTE],
            // A user must not be able to move themselves to another tenant.
            writeAttributes: ["email"],
        }, { parent: this, dependsOn: [resourceServer] });
        this.verification = {
            issuer: pulumi.interpolate`https://cognito-idp.${context.region}.amazonaws.com/${this.userPool.id}`,
            audiences: [this.client.id],
            scopes: auth.requiredScopes,
            tenantClaim: auth.tenantClaim,
            userPoolArn: this.userPool.arn,
        };
        this.registerOutputs({ userPoolId: this.userPool.id, clientId: this.client.id, issuer: this.verification.issuer });
    }
}
