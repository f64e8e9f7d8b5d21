/**
 * token-claims: the Cognito pre token generation trigger (event version V2_0). It puts the user's tenant — the
 * attribute `custom:tenant_id`, which only an administrator can set — into the access token as the claim
 * `TENANT_CLAIM`, with the scopes of `REQUIRED_SCOPES`. A user without a valid tenant gets neither, so their tokens
 * open no route. The ID token gets the tenant claim too, but no scopes: the APIs refuse it.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { requireEnv } from "./lib/events-env";
import { TOKEN_CLAIMS_ENV, tokenOverrides } from "./lib/tenant";
import { traceTenant, tracedHandler } from "./clients/tracing";

const logger = new Logger({ serviceName: "token-claims" });
const tenantClaim = requireEnv(TOKEN_CLAIMS_ENV.tenantClaim);
const scopes = JSON.parse(requireEnv(TOKEN_CLAIMS_ENV.scopes)) as string[];

export const handler = tracedHandler(async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
    const overrides = tokenOverrides(event.request.userAttributes, tenantClaim, scopes);
    if (overrides.accessTokenGeneration?.scopesToAdd === undefined) {
        logger.warn("user without a valid tenant: the token grants no API access", { triggerSource: event.triggerSource });
    } else {
        traceTenant(String(overrides.accessTokenGeneration.claimsToAddOrOverride?.[tenantClaim]));
    }
    event.response = { claimsAndScopeOverrideDetails: overrides };
    return event;
});
