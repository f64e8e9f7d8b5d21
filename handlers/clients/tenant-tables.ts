/**
 * The cell API's data access, scoped to one tenant: a DynamoDB document client whose credentials come from
 * `sts:AssumeRole` on the cell's tenant data role with the session tag `tenant`, so IAM itself refuses any item
 * outside that tenant's partition (the role's `dynamodb:LeadingKeys` condition). The credentials are cached per
 * tenant for their lifetime (refreshed a few minutes before they expire), so a warm function calls STS at most
 * once per tenant per session; the cache is bounded (least recently used tenants are forgotten first).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { traced } from "./tracing";

export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

export interface TenantCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiration: Date;
}

/** What the cell API asks for: the client that can reach this tenant's items, and only those. */
export interface TenantTables {
    clientFor(tenant: string): Promise<DocumentClient>;
}

export interface StsTenantTablesOptions {
    roleArn: string;
    sts: Pick<STSClient, "send">;
    /** The session tag's key, as the data role's policy reads it (`aws:PrincipalTag/<key>`). */
    tagKey: string;
    /** A client for these credentials (the deployed one builds a DynamoDB document client). */
    clientWith(credentials: TenantCredentials): DocumentClient;
    /** Session length asked of STS (the role's maximum session duration caps it). @default 3600 */
    sessionSeconds?: number;
    /** Credentials closer than this to expiring are renewed first. @default 300000 */
    renewBeforeMs?: number;
    /** Tenants kept at most. @default 1000 */
    maxTenants?: number;
    now?: () => number;
}

/** A role session name from a tenant id (2-64 of `[\w+=,.@-]`; customer ids are already in that alphabet). */
export function sessionName(tenant: string): string {
    return `tenant-${tenant}`.slice(0, 64);
}

export class StsTenantTables implements TenantTables {
    private readonly entries = new Map<string, Promise<{ client: DocumentClient; expiresAt: number }>>();
    /** STS calls made, for tests and metrics. */
    assumeRoleCalls = 0;

    constructor(private readonly o: StsTenantTablesOptions) {}

    async clientFor(tenant: string): Promise<DocumentClient> {
        const now = (this.o.now ?? Date.now)();
        const cached = this.entries.get(tenant);
        if (cached !== undefined) {
            const entry = await cached.catch(() => undefined);
            if (entry !== undefined && entry.expiresAt - (this.o.renewBeforeMs ?? 300_000) > now) {
                // Most recently used last: Map keeps insertion order.
                this.entries.delete(tenant);
                this.entries.set(tenant, cached);
                return entry.client;
            }
            this.entries.delete(tenant);
        }
        const fresh = this.assume(tenant);
        this.entries.set(tenant, fresh);
        while (this.entries.size > (this.o.maxTenants ?? 1000)) this.entries.delete(this.entries.keys().next().value!);
        try {
            return (await fresh).client;
        } catch (err) {
            this.entries.delete(tenant);
            throw err;
        }
    }

    private async assume(tenant: string): Promise<{ client: DocumentClient; expiresAt: number }> {
        this.assumeRoleCalls++;
        const out = await this.o.sts.send(new AssumeRoleCommand({
            RoleArn: this.o.roleArn,
            RoleSessionName: sessionName(tenant),
            DurationSeconds: this.o.sessionSeconds ?? 3600,
            Tags: [{ Key: this.o.tagKey, Value: tenant }],
        }));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error("STS returned no credentials");
        const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
        return { client: this.o.clientWith(credentials), expiresAt: credentials.expiration.getTime() };
    }
}

/** The deployed cell API's: STS in the function's region, one document client per tenant session. */
export function deployedTenantTables(roleArn: string, tagKey: string): StsTenantTables {
    return new StsTenantTables({
        roleArn,
        tagKey,
        sts: traced(new STSClient({})),
        clientWith: credentials => DynamoDBDocumentClient.from(traced(new DynamoDBClient({ credentials }))),
    });
}
