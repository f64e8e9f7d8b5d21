/**
 * `npm run plan -- --program <dir>` on a minimal program for each crash, hang and silent success of issue #14
 * (tests/fixtures/programs; each fails on the plan before the fix). Each plan runs the program as the CLI does, in a
 * process of its own; the plans run two at a time, started before the first test. Transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY, a
 * setting of the CLI itself) keeps them quick; one plan type-checks as the CLI does by default.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN } from "../../tools/lib/captured";
import { SECRET_SIG, SIG_KEY } from "../../tools/lib/policy-props";
import { main } from "../../tools/plan";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAMS = path.join("tests", "fixtures", "programs");
const QUEUE_PACK = path.join(ROOT, "tests", "fixtures", "packs", "queue-naming");

interface Plan {
    code: number;
    stdout: string;
    stderr: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One plan, as `npm run plan` runs it, its output kept apart (plans run side by side in this process). */
async function runPlan(args: readonly string[], typeCheck: boolean): Promise<Plan> {
    const env = { ...process.env };
    if (typeCheck) delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    else env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    let stdout = "";
    let stderr = "";
    const code = await main(args, { out: text => void (stdout += text), err: text => void (stderr += text), env });
    return { code, stdout, stderr };
}

/** The plans the tests read, by name: started at once, run two at a time (the machine has two cores). */
const PLANS: Record<string, { args: string[]; typeCheck?: boolean }> = {
    "resource-reference": { args: ["resource-reference", "--mode", "update", "--no-policies", "--json"] },
    "unanswered-invoke": { args: ["unanswered-invoke", "--no-policies"] },
    "unanswered-invoke, answered": { args: ["unanswered-invoke", "--mode", "update", "--no-policies", "--json", "--answers", "unanswered-invoke/answers.json"] },
    "duplicate-urn": { args: ["duplicate-urn", "--no-policies"] },
    hang: { args: ["hang", "--timeout", "15"] },
    "working-directory": { args: ["working-directory", "--no-policies", "--json"] },
    "main-ts-fallback": { args: ["main-ts-fallback", "--mode", "update", "--no-policies", "--json"] },
    closure: { args: ["closure", "--mode", "update", "--no-policies", "--json"] },
    esm: { args: ["esm", "--mode", "update", "--no-policies", "--json"] },
    "nested-secret": { args: ["nested-secret", "--no-policies", "--json"] },
    "policy-document": { args: ["policy-document", "--json"] },
    "function-url": { args: ["function-url", "--mode", "update", "--json"] },
    "stack-reference": { args: ["stack-reference", "--no-policies"] },
    "stack-reference, answered": { args: ["stack-reference", "--mode", "update", "--no-policies", "--json", "--answers", "stack-reference/answers.json"] },
    "dynamic-provider": { args: ["dynamic-provider", "--mode", "update", "--no-policies", "--json"] },
    "remote-component": { args: ["remote-component", "--no-policies"] },
    "undecided-in-preview": { args: ["undecided-in-preview", "--mode", "both", "--json"] },
    // ts-node's type check of a program takes tens of seconds on a loaded machine: more than the default --timeout.
    "tsconfig-check": { args: ["tsconfig-check", "--no-policies", "--timeout", "240"], typeCheck: true },
    "tsconfig-check, transpile-only": { args: ["tsconfig-check", "--no-policies"] },
    "two packs": { args: ["esm", "--policy-pack", "policies", "--policy-pack", QUEUE_PACK, "--policy-pack-config", "tests/fixtures/policies/configs/all-advisory.json",
        "--policy-pack-config", "tests/fixtures/packs/queue-naming/prefix-jo.json"] },
};

/** The plan's arguments, with the program and files as absolute paths. */
function argsOf(name: string): string[] {
    const [program, ...rest] = PLANS[name]!.args;
    const file = (a: string, flag: string | undefined) => flag === "--answers" ? path.join(ROOT, PROGRAMS, a)
        : flag === "--policy-pack" || flag === "--policy-pack-config" ? path.resolve(ROOT, a) : a;
    return ["--program", path.join(ROOT, PROGRAMS, program!), ...rest.map((a, i) => file(a, rest[i - 1]))];
}

const results = new Map<string, Promise<Plan>>();

before(function () {
    this.timeout(300_000);
    // The pack's node_modules: a link to the policy SDK policies/ installed (a pack of its own would have its own).
    const modules = path.join(QUEUE_PACK, "node_modules");
    if (!fs.existsSync(modules)) fs.symlinkSync(path.relative(QUEUE_PACK, path.join(ROOT, "policies", "node_modules")), modules);
    const names = Object.keys(PLANS);
    const slots: Array<(() => void)> = [];
    const release = () => slots.shift()?.();
    let running = 0;
    for (const name of names) {
        results.set(name, (async () => {
            if (running >= 2) await new Promise<void>(resolve => slots.push(resolve));
            running++;
            try {
                return await runPlan(argsOf(name), PLANS[name]!.typeCheck ?? false);
            } finally {
                running--;
                release();
            }
        })());
    }
});

async function plan(name: string): Promise<Plan> {
    return results.get(name)!;
}

async function planJson(name: string): Promise<Json> {
    const result = await plan(name);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Json;
}

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

function resource(doc: Json, type: string, name: string): Json {
    const found = (doc.resources as Json[]).find(r => r.type === type && r.name === name);
    assert.ok(found, `no ${type} ${name} in ${(doc.resources as Json[]).map(r => `${r.type} ${r.name}`).join(", ")}`);
    return found;
}

describe("npm run plan -- --program, on the failures of issue #14", function () {
    this.timeout(300_000);

    it("passes a resource as an input (role: role, function: fn) as a reference the engine resolves", async () => {
        const doc = await planJson("resource-reference");
        const attachment = resource(doc, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "logs");
        assert.deepEqual(attachment.inputs.role, {
            "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
            urn: "urn:pulumi:dev::resource-reference::aws:iam/role:Role::role", id: "role-4b168d8",
        });
        assert.equal(resource(doc, "aws:lambda/permission:Permission", "invoke").inputs.function.urn,
            "urn:pulumi:dev::resource-reference::aws:lambda/function:Function::fn");
        assert.deepEqual(doc.outputs, { roleName: "role-4b168d8" });
    });

    it("fails an invoke it cannot answer, naming it and how to answer it", async () => {
        const { code, stdout, stderr } = await plan("unanswered-invoke");
        assert.equal(code, 1);
        assert.equal(stdout, "");
        assert.equal(stderr, [
            "error: the program failed:",
            "  - the offline plan has no answer for the invoke aws:ec2/getVpc:getVpc with arguments {\"default\":true}: it reads your cloud " +
            "account, which the plan cannot see. Give its result in an answers file (--answers <file>): {\"invokes\": {\"aws:ec2/getVpc:getVpc\": " +
            "[{\"args\": {\"default\":true}, \"result\": {...}}]}}",
            "",
        ].join("\n"));
    });

    it("answers an invoke from the answers file", async () => {
        const doc = await planJson("unanswered-invoke, answered");
        assert.equal(resource(doc, "aws:ec2/securityGroup:SecurityGroup", "sg").inputs.vpcId, "vpc-0a1b2c3d4e5f67890");
    });

    it("refuses a second resource with the same URN, as the engine does, instead of planning it", async () => {
        const { code, stderr } = await plan("duplicate-urn");
        assert.equal(code, 1);
        assert.equal(stderr, "error: the program failed:\n  - aws:sqs/queue:Queue \"jobs\": Duplicate resource URN " +
            "'urn:pulumi:dev::duplicate-urn::aws:sqs/queue:Queue::jobs'; try giving it a unique name\n");
    });

    it("gives up on a program that never finishes after --timeout, saying what it did last, with the policies running too", async () => {
        const { code, stdout, stderr } = await plan("hang");
        assert.equal(code, 1);
        assert.equal(stdout, "");
        // What it had done depends on how far a loaded machine got in 15 s; that it stops, and says so, does not.
        assert.match(stderr, new RegExp("^error: the program timed out:\n  - (?:\\S+ \"[^\"]+\": )?the program did not finish within 15 s " +
            "\\(--timeout\\): (?:it had registered \\d+ resources?, the last \\S+ \"[^\"]+\", and asked the engine nothing for the last " +
            "\\d+\\.\\d s; (?:it may await something that never settles|it was waiting for [^\\n]+)|it registered nothing; loading and " +
            "type-checking it may take longer than that \\(raise --timeout, or set PULUMI_NODEJS_TRANSPILE_ONLY=true\\))\n$"), stderr);
    });

    it("runs the program in its own directory: relative files and archives are the program's", async () => {
        const doc = await planJson("working-directory");
        assert.deepEqual(doc.outputs, { readme: "# working-directory\n\nThe stack README.\n", handlerSize: 53 });
        assert.equal(resource(doc, "aws:lambda/function:Function", "fn").inputs.code.path, "./app");
    });

    it("falls back from package.json's index.js to index.ts, with the CLI's warning", async () => {
        const doc = await planJson("main-ts-fallback");
        assert.deepEqual(doc.outputs, { queueName: "orders" });
        assert.deepEqual(doc.logs, [{ severity: "warning", message: `Could not find entry point 'index.js' specified in package.json; using '${path.join(ROOT, PROGRAMS, "main-ts-fallback")}' instead` }]);
    });

    it("serializes closures under the CLI's ts-node, packaging the program's own dependencies", async () => {
        const doc = await planJson("closure");
        const code = resource(doc, "aws:lambda/function:Function", "greet").inputs.code;
        assert.deepEqual(Object.keys(code.assets), ["__index.js"]);
        assert.match(code.assets["__index.js"].text, /^exports\.handler = __f0;\n[\s\S]*with\(\{ greeting: "hello", this: undefined, arguments: undefined \}\)/);
        assert.ok(resource(doc, "aws:s3:BucketEventSubscription", "on-upload"));
        assert.deepEqual(doc.outputs, { functionName: "greet-231bf89" });
    });

    it("loads an ES module program as one", async () => {
        const doc = await planJson("esm");
        assert.deepEqual(doc.outputs, { moduleKind: "esm", queueName: "jobs" });
    });

    it("passes nested secure config as the CLI does: the key secret, the value a placeholder", async () => {
        const doc = await planJson("nested-secret");
        assert.deepEqual(doc.outputs, {
            dbUser: secret("admin"), dbPassword: secret("[secret]"), dbKeyIsSecret: true, apiToken: secret("[secret]"),
        });
    });

    it("computes aws.iam.getPolicyDocument as the provider does, and the policies judge the document", async () => {
        const { code, stdout } = await plan("policy-document");
        assert.equal(code, 1);
        const doc = JSON.parse(stdout) as Json;
        assert.equal(doc.outputs.policy, JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Read", Effect: "Allow", Action: ["dynamodb:Query", "dynamodb:GetItem"], Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" },
                { Sid: "Everything", Effect: "Allow", Action: "dynamodb:*", Resource: "*" },
            ],
        }));
        assert.deepEqual((doc.policies[0].diagnostics as Json[]).filter(d => d.policyName === "lambda-least-privilege").map(d => d.message.split("\n")[1]).sort(), [
            "aws.iam.RolePolicy \"worker-policy\" of role \"worker\": statement 2 (Sid \"Everything\") allows dynamodb:* on \"*\", which is every resource; name the exact resources (only the actions in wildcardResourceActions may use \"*\")",
            "aws.iam.RolePolicy \"worker-policy\" of role \"worker\": statement 2 (Sid \"Everything\") allows the wildcard action \"dynamodb:*\"; list the exact actions the function needs instead",
        ]);
    });

    it("gives a function URL its address in update mode, and advises AWS_IAM for a public one", async () => {
        const { stdout } = await plan("function-url");
        const doc = JSON.parse(stdout) as Json;
        // AWS's form: https://<url-id>.lambda-url.<region>.on.aws/, the id 32 lowercase letters and digits.
        assert.match(doc.outputs.host, /^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/);
        const permission = (doc.policies[0].diagnostics as Json[]).filter(d => d.policyName === "lambda-permission-source-arn");
        assert.deepEqual(permission.map(d => d.message.split("\n")[1]), [
            "aws.lambda.Permission \"public\" makes the URL of function api-14c2529 public (functionUrlAuthType NONE, principal \"*\"): anyone on the internet " +
            "can invoke it; set authorizationType to AWS_IAM on its aws.lambda.FunctionUrl and grant lambda:InvokeFunctionUrl to the callers (or put " +
            "it behind CloudFront with origin access control)",
        ]);
    });

    it("fails a stack reference it has no outputs for, naming the stack", async () => {
        const { code, stderr } = await plan("stack-reference");
        assert.equal(code, 1);
        assert.equal(stderr, "error: the program failed:\n  - pulumi:pulumi:StackReference \"acme/network/prod\": the offline plan has no " +
            "outputs for the stack reference \"acme/network/prod\": give them in an answers file (--answers <file>): {\"stacks\": " +
            "{\"acme/network/prod\": <the output of pulumi stack output --json -s acme/network/prod>}}\n");
    });

    it("reads a referenced stack's outputs from the answers file, a \"[secret]\" one as a secret", async () => {
        const doc = await planJson("stack-reference, answered");
        assert.equal(resource(doc, "aws:ec2/securityGroup:SecurityGroup", "web").inputs.vpcId, "vpc-0a1b2c3d4e5f67890");
        assert.deepEqual(doc.outputs, { vpc: "vpc-0a1b2c3d4e5f67890", dbPassword: secret("[secret]") });
    });

    it("keeps what a dynamic provider's create returns unknown in update mode, and says so", async () => {
        const doc = await planJson("dynamic-provider");
        assert.deepEqual(doc.outputs, { host: UNKNOWN });
        assert.deepEqual(doc.notJudged, [{
            kind: "dynamic-resource", urn: "urn:pulumi:dev::dynamic-provider::pulumi-nodejs:dynamic:Resource::echo",
            type: "pulumi-nodejs:dynamic:Resource", name: "echo", given: [],
            reason: "a dynamic provider's resource: its create runs only in a deployment, so what it returns is unknown offline",
        }]);
    });

    it("lists a remote component whose children it could not see, with the resources handed to it", async () => {
        const { code, stdout } = await plan("remote-component");
        assert.equal(code, 0);
        assert.ok(stdout.includes("\n\nNot judged offline (1):\n  - aws-apigateway.RestAPI \"reports\": a component of the aws-apigateway " +
            "plugin: its children are built by the plugin, which the offline plan does not run, so the policies could not judge them; it is " +
            "given aws.lambda.Function \"report\"\n"), stdout);
    });

    it("says what update mode decides where preview could not (--mode both), and fails on its mandatory verdict", async () => {
        const { code, stdout } = await plan("undecided-in-preview");
        assert.equal(code, 1);
        const doc = JSON.parse(stdout) as Json;
        assert.deepEqual((doc.secondOpinion as Json[]).map(o => [o.policyName, o.resourceName, o.verdicts.map((v: Json) => `${v.enforcementLevel}: ${v.message.split("\n")[1]}`)]), [[
            "lambda-least-privilege", "worker-table",
            ["mandatory: aws.iam.RolePolicy \"worker-table\" of role worker-87eba76: statement 1 allows the wildcard action \"dynamodb:*\"; list the exact actions the function needs instead"],
        ]]);
        assert.deepEqual(doc.policies[0].violations, { mandatory: 2, advisory: 1 });
    });

    it("type-checks with the program's own tsconfig, as the CLI's ts-node does, unless PULUMI_NODEJS_TRANSPILE_ONLY is set", async () => {
        const checked = await plan("tsconfig-check");
        assert.equal(checked.code, 1);
        assert.match(checked.stderr, /TSError: ⨯ Unable to compile TypeScript:\n {4}index\.ts\(5,66\): error TS4111: Property 'jobs' comes from an index signature, so it must be accessed with \['jobs'\]\./);
        assert.equal((await plan("tsconfig-check, transpile-only")).code, 0);
    });

    it("runs several policy packs, a JavaScript one with its own node_modules, each with its own config", async () => {
        const { code, stdout } = await plan("two packs");
        assert.equal(code, 0, stdout);
        const report = stdout.slice(stdout.indexOf("Policies:"));
        assert.deepEqual(report.split("\n").filter(l => /^ {4}\S/.test(l)).map(l => l.replace(/; \d+ resources analyzed.*$/, "")), [
            "    ⚠️  cellular-guardrails@v0.1.0 (local: policies)",
            "    0 mandatory violations, 1 advisory violation (preview)",
            "    ✅ queue-naming@v1.2.0 (local: tests/fixtures/packs/queue-naming)",
            "    no policy violations (preview)",
        ]);
    });
});
