import { strict as assert } from "assert";
import { UNKNOWN } from "../../tools/lib/captured";
import { DYNAMIC_TYPE, OfflineEngine, providerView, RegisterRequest } from "../../tools/lib/engine";
import { NO_ANSWERS, OfflineAnswers } from "../../tools/lib/offline-answers";
import { OUTPUT_VALUE_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY } from "../../tools/lib/policy-props";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const ref = (urn: string, id?: string) => ({ [SIG_KEY]: RESOURCE_SIG, urn, ...(id === undefined ? {} : { id }) });

function engine(preview: boolean, answers: OfflineAnswers = NO_ANSWERS): OfflineEngine {
    return new OfflineEngine({ project: "shop", stack: "dev", preview, config: { "aws:region": "eu-west-1", "aws:skipMetadataApiCheck": "true" }, answers });
}

function request(type: string, name: string, inputs: Record<string, unknown> = {}, more: Partial<RegisterRequest> = {}): RegisterRequest {
    return { type, name, custom: !type.includes(":index:") && type !== "pulumi:pulumi:Stack", remote: false, dependencies: [], propertyDependencies: {}, inputs, options: {}, ...more };
}

const STACK = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";

describe("the offline engine (tools/lib/engine.ts)", () => {
    it("hands the provider what the engine hands a bridged provider: secrets unwrapped, references as ids", () => {
        assert.deepEqual(providerView({
            password: secret("hunter2"),
            role: ref("urn:pulumi:dev::shop::aws:iam/role:Role::r", "r-123"),
            pending: ref("urn:pulumi:dev::shop::aws:iam/role:Role::q", ""),
            component: ref("urn:pulumi:dev::shop::my:index:Thing::t"),
            known: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: ["a"], secret: true },
            unknown: { [SIG_KEY]: OUTPUT_VALUE_SIG, dependencies: [] },
            nested: { list: [secret(1), 2] },
        }), {
            password: "hunter2", role: "r-123", pending: UNKNOWN, component: "urn:pulumi:dev::shop::my:index:Thing::t",
            known: ["a"], unknown: UNKNOWN, nested: { list: [1, 2] },
        });
    });

    it("chains every ancestor's type into a URN but the stack's, as the engine does", () => {
        const e = engine(true);
        e.register(request("pulumi:pulumi:Stack", "shop-dev"));
        const cell = e.register(request("cellular:index:Cell", "a", {}, { parent: STACK }));
        const group = e.register(request("test:index:Group", "g", {}, { parent: cell.urn }));
        assert.equal(e.register(request("aws:sqs/queue:Queue", "q", {}, { parent: group.urn })).urn,
            "urn:pulumi:dev::shop::cellular:index:Cell$test:index:Group$aws:sqs/queue:Queue::q");
    });

    it("adds one default provider per package and version, configured from the stack, and refuses a duplicate URN", async () => {
        const e = engine(false);
        e.register(request("aws:sqs/queue:Queue", "a", {}, { version: "7.48.0" }));
        e.register(request("aws:sqs/queue:Queue", "b", {}, { version: "7.48.0" }));
        e.register(request("aws:sqs/queue:Queue", "c", {}, { version: "6.0.0" }));
        assert.deepEqual(e.resources.filter(r => r.synthetic).map(r => [r.urn, r.inputs]), [
            ["urn:pulumi:dev::shop::pulumi:providers:aws::default_7_48_0", { version: "7.48.0", region: "eu-west-1", skipMetadataApiCheck: "true" }],
            ["urn:pulumi:dev::shop::pulumi:providers:aws::default_6_0_0", { version: "6.0.0", region: "eu-west-1", skipMetadataApiCheck: "true" }],
        ]);
        assert.equal(e.resources.find(r => r.name === "c")!.provider, "urn:pulumi:dev::shop::pulumi:providers:aws::default_6_0_0::default_6_0_0-id");
        assert.throws(() => e.register(request("aws:sqs/queue:Queue", "a")), {
            name: "OfflineAnswerError", message: "Duplicate resource URN 'urn:pulumi:dev::shop::aws:sqs/queue:Queue::a'; try giving it a unique name",
        });
        assert.equal((await e.failedStep).kind, "register");
    });

    it("keeps outputs secret whose inputs were, and those the SDK lists as additional secret outputs", () => {
        const preview = engine(true).register(request("aws:iam/accessKey:AccessKey", "k", { user: secret("deployer") }, { additionalSecretOutputs: ["secret"] }));
        assert.deepEqual(preview.outputs, { user: secret("deployer"), secret: secret(UNKNOWN) });
        const update = engine(false).register(request("aws:iam/accessKey:AccessKey", "k", { user: "deployer" }, { additionalSecretOutputs: ["secret"] }));
        const key = update.outputs.secret as Record<string, unknown>;
        assert.equal(key[SIG_KEY], SECRET_SIG);
        assert.match(String(key.value), /^[A-Za-z0-9/+]{40}$/);
        assert.equal(update.outputs.user, "deployer");
    });

    it("gives in an update the ARNs AWS would, and the outputs @pulumi/aws says a type always has: built, or unknown", () => {
        // ARN formats: AWS's service authorization reference (states: stateMachine:<name>; kms: key/<key-id>).
        const machine = engine(false).register(request("aws:sfn/stateMachine:StateMachine", "flow", { name: "flow", roleArn: "arn:aws:iam::123456789012:role/r", definition: "{}" }));
        assert.equal(machine.outputs.arn, "arn:aws:states:eu-west-1:123456789012:stateMachine:flow");
        assert.equal(machine.outputs.creationDate, UNKNOWN);
        assert.equal(machine.outputs.region, "eu-west-1");
        assert.equal(machine.unknowns, true);
        // A type without a rule: the common shape <resource-type>/<name>, and its other computed outputs unknown.
        const key = engine(false).register(request("aws:kms/key:Key", "data", { description: "data" }));
        assert.equal(key.outputs.arn, "arn:aws:kms:eu-west-1:123456789012:key/data-3a6eb07");
        assert.equal(key.outputs.keyId, UNKNOWN);
        assert.equal(key.outputs.description, "data");
        assert.equal(engine(false).register(request("aws:sqs/queue:Queue", "q", { name: "q" })).unknowns, false);
    });

    it("never runs a dynamic provider: its result is unknown, in an update too", () => {
        const result = engine(false).register(request(DYNAMIC_TYPE, "echo", { payload: "hi", __provider: "exports.handler = ..." }));
        assert.deepEqual(result, { urn: "urn:pulumi:dev::shop::pulumi-nodejs:dynamic:Resource::echo", id: "", outputs: { payload: "hi", __provider: "exports.handler = ..." }, unknowns: true });
    });

    it("reads a stack reference from the answers, a \"[secret]\" output as a secret, and fails one it has no outputs for", async () => {
        const answered = engine(true, { ...NO_ANSWERS, stacks: { "acme/net/prod": { vpcId: "vpc-1", dbPassword: "[secret]" } } });
        assert.deepEqual(answered.read({ type: "pulumi:pulumi:StackReference", name: "acme/net/prod", id: "acme/net/prod", dependencies: [], properties: { name: "acme/net/prod" } }).outputs, {
            name: "acme/net/prod", outputs: { vpcId: "vpc-1", dbPassword: secret("[secret]") }, secretOutputNames: ["dbPassword"],
        });
        const e = engine(true);
        assert.throws(() => e.read({ type: "pulumi:pulumi:StackReference", name: "acme/net/prod", id: "acme/net/prod", dependencies: [], properties: { name: "acme/net/prod" } }),
            { message: /^the offline plan has no outputs for the stack reference "acme\/net\/prod": give them in an answers file/ });
        assert.equal((await e.failedStep).kind, "read");
    });

    it("reads a resource with the state the user gave, else assumes the mock provider's and records that", () => {
        const answers = { ...NO_ANSWERS, reads: { "aws:iam/role:Role": { ops: { name: "ops", arn: "arn:aws:iam::123456789012:role/ops" } } } };
        const e = engine(false, answers);
        assert.equal(e.read({ type: "aws:iam/role:Role", name: "ops", id: "ops", dependencies: [], properties: {} }).outputs.arn, "arn:aws:iam::123456789012:role/ops");
        e.read({ type: "aws:sqs/queue:Queue", name: "ext", id: "https://sqs.eu-west-1.amazonaws.com/123456789012/ext", dependencies: [], properties: {} });
        assert.deepEqual(e.resources.filter(r => r.read).map(r => [r.name, r.read]), [["ops", "answered"], ["ext", "assumed"]]);
    });

    it("answers invokes: the user's first, then the plan's own for the provider they go to, else a failure naming them", () => {
        const answers = { ...NO_ANSWERS, invokes: { "aws:index/getCallerIdentity:getCallerIdentity": [{ result: { accountId: "999999999999" } }] } };
        const e = engine(true, answers);
        assert.deepEqual(e.invoke("aws:index/getCallerIdentity:getCallerIdentity", {}), { accountId: "999999999999" });
        const provider = e.register(request("pulumi:providers:aws", "west", { region: "us-west-2" }));
        assert.equal(e.invoke("aws:index/getRegion:getRegion", {}, `${provider.urn}::west-id`).name, "us-west-2");
        assert.equal(e.invoke("aws:index/getRegion:getRegion", {}).name, "eu-west-1");
        assert.equal(e.invoke("aws:index/getPartition:getPartition", {}).partition, "aws");
        assert.throws(() => e.invoke("aws:ec2/getVpc:getVpc", { default: secret(true) }), {
            name: "OfflineAnswerError",
            message: "the offline plan has no answer for the invoke aws:ec2/getVpc:getVpc with arguments {\"default\":true}: it reads your cloud " +
                "account, which the plan cannot see. Give its result in an answers file (--answers <file>): {\"invokes\": {\"aws:ec2/getVpc:getVpc\": " +
                "[{\"args\": {\"default\":true}, \"result\": {...}}]}}",
        });
        assert.throws(() => e.call("awsx:ec2:Vpc/getSubnets"), { message: /^the offline plan cannot call awsx:ec2:Vpc\/getSubnets: it is a method of a multi-language component/ });
        assert.deepEqual(e.problems.map(p => `${p.kind} ${p.token}`), ["invoke aws:ec2/getVpc:getVpc", "call awsx:ec2:Vpc/getSubnets"]);
    });
});
