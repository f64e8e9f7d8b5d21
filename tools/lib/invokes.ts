/**
 * The invokes the offline plan answers itself, because their result follows from what the plan already knows: the
 * provider's configuration (region, partition, default tags), the offline account, or the arguments alone.
 *
 * | token | answer |
 * |---|---|
 * | `aws:index/getCallerIdentity:getCallerIdentity` | the offline account (123456789012), user `offline` |
 * | `aws:index/getRegion:getRegion` | the region asked for, else the provider's (`aws:region`, default us-east-1) |
 * | `aws:index/getPartition:getPartition` | the partition of the provider's region (aws, aws-cn, aws-us-gov) |
 * | `aws:iam/getPolicyDocument:getPolicyDocument` | computed as the provider computes it (tools/lib/policy-document.ts) |
 * | `aws:index/getArn:getArn` | the ARN's parts, as the provider parses them |
 * | `aws:index/getDefaultTags:getDefaultTags` | the provider's `defaultTags` |
 * | `aws:index/getAvailabilityZones:getAvailabilityZones` | three zones, `<region>a` to `<region>c` |
 * | `aws:ssm/getParametersByPath:getParametersByPath` | the offline account's parameters under the path (none: a fresh account) |
 * | `aws:servicequotas/getServiceQuota:getServiceQuota` | the offline account's quota, else one with room for any plan (assumed) |
 *
 * Anything else reads the account, which the plan cannot see: it is answered from an answers file
 * (tools/lib/offline-answers.ts) or fails, naming the invoke.
 */
import { partitionOf } from "../../components/arns";
import { ASSUMED_SERVICE_QUOTAS, MockAccount } from "./account";
import { policyDocument, PolicyDocumentArgs } from "./policy-document";

type Props = Record<string, unknown>;

/** What the answer may depend on: the account and the configuration of the provider the invoke goes to. */
export interface InvokeContext {
    account: MockAccount;
    /** The provider's configuration (`region`, `defaultTags`, ...), as its inputs. */
    provider: Props;
}

const DNS_SUFFIX: Record<string, string> = {
    aws: "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com", "aws-iso": "c2s.ic.gov", "aws-iso-b": "sc2s.sgov.gov",
};

function regionOf(context: InvokeContext): string {
    return typeof context.provider.region === "string" ? context.provider.region : context.account.region;
}

function parseJsonObject(value: unknown): Props {
    if (typeof value !== "string") return (value ?? {}) as Props;
    try {
        return JSON.parse(value) as Props;
    } catch {
        return {};
    }
}

const ANSWERS: Record<string, (args: Props, context: InvokeContext) => Props> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_args, { account }) => ({
        accountId: account.accountId, id: account.accountId, userId: "AIDACELLULAROFFLINE",
        arn: `arn:${account.partition}:iam::${account.accountId}:user/offline`,
    }),
    "aws:index/getRegion:getRegion": (args, context) => {
        const region = typeof args.region === "string" ? args.region : typeof args.name === "string" ? args.name : regionOf(context);
        return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.${DNS_SUFFIX[partitionOf(region)]}` };
    },
    "aws:index/getPartition:getPartition": (_args, context) => {
        const partition = partitionOf(regionOf(context));
        const suffix = DNS_SUFFIX[partition]!;
        return { partition, id: partition, dnsSuffix: suffix, reverseDnsPrefix: suffix.split(".").reverse().join(".") };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": args => policyDocument(args as PolicyDocumentArgs),
    "aws:index/getArn:getArn": args => {
        const arn = String(args.arn ?? "");
        const parts = arn.split(":");
        if (parts.length < 6 || parts[0] !== "arn") throw new Error(`arn: invalid prefix in ${JSON.stringify(arn)}`);
        return { arn, id: arn, partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
    },
    "aws:index/getDefaultTags:getDefaultTags": (_args, context) => {
        const tags = parseJsonObject(context.provider.defaultTags).tags ?? {};
        return { id: "offline", tags };
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_args, context) => {
        const region = regionOf(context);
        return { id: region, names: ["a", "b", "c"].map(z => `${region}${z}`),
            zoneIds: [1, 2, 3].map(n => `${region.replace(/-/g, "").slice(0, 4)}-az${n}`), state: "available" };
    },
    "aws:ssm/getParametersByPath:getParametersByPath": (args, context) => {
        const { account } = context;
        const region = regionOf(context);
        const path = String(args.path).replace(/\/$/, "");
        const found = Object.entries(account.parameters ?? {})
            .filter(([name]) => args.recursive ? name.startsWith(`${path}/`) : name.slice(0, name.lastIndexOf("/")) === path)
            .sort(([a], [b]) => a.localeCompare(b));
        return { id: path, path, region, recursive: args.recursive ?? false, withDecryption: args.withDecryption ?? true,
            names: found.map(([n]) => n), values: found.map(([, v]) => v), types: found.map(() => "String"),
            arns: found.map(([n]) => `arn:${account.partition}:ssm:${region}:${account.accountId}:parameter${n}`) };
    },
    "aws:servicequotas/getServiceQuota:getServiceQuota": (args, context) => {
        const { account } = context;
        const key = `${String(args.serviceCode)}/${String(args.quotaCode)}`;
        const value = account.serviceQuotas?.[key] ?? ASSUMED_SERVICE_QUOTAS[key];
        if (value === undefined) throw new Error(`the offline account has no value for the service quota ${key}; give it in the account's serviceQuotas`);
        const region = regionOf(context);
        return { id: key, serviceCode: args.serviceCode, quotaCode: args.quotaCode, value, defaultValue: value, adjustable: true, globalQuota: false,
            region, quotaName: key, serviceName: String(args.serviceCode), usageMetrics: [],
            arn: `arn:${account.partition}:servicequotas:${region}:${account.accountId}:${key}` };
    },
};

/** The tokens answered by {@link answerBuiltInInvoke}. */
export const BUILT_IN_INVOKES: readonly string[] = Object.keys(ANSWERS);

/** The plan's own answer to an invoke, or undefined when it has none. */
export function answerBuiltInInvoke(token: string, args: Props, context: InvokeContext): Props | undefined {
    return ANSWERS[token]?.(args, context);
}
