import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { answerInvoke, readOfflineAnswers } from "../../tools/lib/offline-answers";

describe("the answers file (tools/lib/offline-answers.ts)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "answers-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, value: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
        return file;
    };

    it("answers an invoke with the first answer whose args the call's include, or the one without args", () => {
        const answers = readOfflineAnswers(write("a.json", {
            invokes: {
                "aws:ec2/getVpc:getVpc": [{ args: { tags: { Name: "core" } }, result: { id: "vpc-core" } }, { result: { id: "vpc-default" } }],
                "aws:ec2/getAmi:getAmi": { result: { id: "ami-1" } },
            },
        }));
        assert.deepEqual(answerInvoke(answers, "aws:ec2/getVpc:getVpc", { tags: { Name: "core", Team: "x" } }), { id: "vpc-core" });
        assert.deepEqual(answerInvoke(answers, "aws:ec2/getVpc:getVpc", { default: true }), { id: "vpc-default" });
        assert.deepEqual(answerInvoke(answers, "aws:ec2/getAmi:getAmi", {}), { id: "ami-1" });
        assert.equal(answerInvoke(answers, "aws:ec2/getSubnets:getSubnets", {}), undefined);
    });

    it("reads a referenced stack's outputs inline or from a file beside it", () => {
        write("net.json", { vpcId: "vpc-1" });
        const answers = readOfflineAnswers(write("b.json", { stacks: { "acme/net/prod": "net.json", "acme/dns/prod": { zone: "z" } } }));
        assert.deepEqual(answers.stacks, { "acme/net/prod": { vpcId: "vpc-1" }, "acme/dns/prod": { zone: "z" } });
    });

    it("reports every problem of a file at once", () => {
        const file = write("c.json", {
            invokes: { "aws:ec2/getVpc:getVpc": [{ args: 3, result: {} }, { id: "vpc" }] },
            reads: { "aws:iam/role:Role": { r: "x" } },
            stacks: { "acme/net/prod": "missing.json", "acme/x/y": 4 },
            extra: {},
        });
        assert.throws(() => readOfflineAnswers(file), {
            name: "OfflineAnswersError",
            message: [
                `the answers file ${file} is invalid:`,
                "  - extra is not a section; the sections are invokes, reads and stacks",
                "  - invokes.aws:ec2/getVpc:getVpc[0].args is 3; it must be an object of the arguments to match",
                "  - invokes.aws:ec2/getVpc:getVpc[1] is {\"id\":\"vpc\"}; an answer is {\"args\": {...}, \"result\": {...}} (args optional)",
                "  - reads.aws:iam/role:Role is {\"r\":\"x\"}; it must map each id to the state read",
                `  - stacks.acme/net/prod: ${path.join(dir, "missing.json")} cannot be read as JSON: ENOENT: no such file or directory, open '${path.join(dir, "missing.json")}'`,
                "  - stacks.acme/x/y is 4; it must be the stack's outputs (an object) or a file holding them",
            ].join("\n"),
        });
        assert.throws(() => readOfflineAnswers(write("d.json", "{ nope")), { message: new RegExp(`^the answers file ${file.replace("c.json", "d.json")} is invalid:\\n  - it cannot be read as JSON: `) });
    });
});
