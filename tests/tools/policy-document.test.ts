/**
 * aws.iam.getPolicyDocument offline, against the provider's documentation: each example of the Terraform data
 * source's page (website/docs/d/iam_policy_document.html.markdown, the page Pulumi's docs are generated from) with
 * the JSON it says the example evaluates to. One deliberate difference: the page's outputs were written before the
 * provider's model dropped empty Sids (`Sid string json:",omitempty"` in internal/service/iam/policy_model.go), so
 * a statement without a sid has no `"Sid": ""` here.
 */
import { strict as assert } from "assert";
import { crc32 } from "zlib";
import { policyDocument, PolicyDocumentArgs } from "../../tools/lib/policy-document";

function json(args: PolicyDocumentArgs): unknown {
    return JSON.parse(policyDocument(args).json as string);
}

const ALL = ["*"];

describe("aws.iam.getPolicyDocument, computed offline (tools/lib/policy-document.ts)", () => {
    it("writes several condition keys of one operator as one object, sorted, and a set of actions in reverse order", () => {
        assert.deepEqual(json({
            statements: [{
                actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: ALL,
                conditions: [
                    { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:service", values: ["pi"] },
                    { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:aws:pi:service", values: ["rds"] },
                    { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:aws:rds:db-id", values: ["db-AAAAABBBBBCCCCCDDDDDEEEEE", "db-EEEEEDDDDDCCCCCBBBBBAAAAA"] },
                ],
            }],
        }), {
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: "*",
                Condition: {
                    "ForAnyValue:StringEquals": {
                        "kms:EncryptionContext:aws:pi:service": "rds",
                        "kms:EncryptionContext:aws:rds:db-id": ["db-AAAAABBBBBCCCCCDDDDDEEEEE", "db-EEEEEDDDDDCCCCCBBBBBAAAAA"],
                        "kms:EncryptionContext:service": "pi",
                    },
                },
            }],
        });
    });

    const source = policyDocument({ statements: [{ actions: ["ec2:*"], resources: ALL }, { sid: "SidToOverride", actions: ["s3:*"], resources: ALL }] }).json as string;

    it("merges source documents first: a statement of its own replaces the source's with the same Sid, in place", () => {
        assert.deepEqual(json({
            sourcePolicyDocuments: [source],
            statements: [{ sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] }],
        }), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                { Sid: "SidToOverride", Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::somebucket/*", "arn:aws:s3:::somebucket"] },
            ],
        });
    });

    it("merges override documents last: their statement replaces its own with the same Sid", () => {
        const override = policyDocument({ statements: [{ sid: "SidToOverride", actions: ["s3:*"], resources: ALL }] }).json as string;
        assert.deepEqual(json({
            overridePolicyDocuments: [override],
            statements: [
                { actions: ["ec2:*"], resources: ALL },
                { sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] },
            ],
        }), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }, { Sid: "SidToOverride", Effect: "Allow", Action: "s3:*", Resource: "*" }],
        });
    });

    it("combines source and override documents", () => {
        const placeholder = (action: string) => policyDocument({ statements: [{ sid: "OverridePlaceholder", actions: [action], resources: ALL }] }).json as string;
        assert.deepEqual(json({ sourcePolicyDocuments: [placeholder("ec2:DescribeAccountAttributes")], overridePolicyDocuments: [placeholder("s3:GetObject")] }), {
            Version: "2012-10-17",
            Statement: [{ Sid: "OverridePlaceholder", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
        });
    });

    it("keeps the order of merged source documents, and refuses a Sid two of them share", () => {
        const one = policyDocument({ statements: [{ actions: ["ec2:*"], resources: ALL }, { sid: "UniqueSidOne", actions: ["s3:*"], resources: ALL }] }).json as string;
        const two = policyDocument({ statements: [{ sid: "UniqueSidTwo", actions: ["iam:*"], resources: ALL }, { actions: ["lambda:*"], resources: ALL }] }).json as string;
        assert.deepEqual(json({ sourcePolicyDocuments: [one, two] }), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                { Sid: "UniqueSidOne", Effect: "Allow", Action: "s3:*", Resource: "*" },
                { Sid: "UniqueSidTwo", Effect: "Allow", Action: "iam:*", Resource: "*" },
                { Effect: "Allow", Action: "lambda:*", Resource: "*" },
            ],
        });
        assert.throws(() => policyDocument({ sourcePolicyDocuments: [one, one] }), {
            name: "PolicyDocumentError",
            message: "writing IAM Policy Document: merging source document 1: duplicate Sid (UniqueSidOne) in source_policy_documents " +
                "(statement 1). Remove the Sid or ensure Sids are unique.",
        });
    });

    it("applies override documents one after the other", () => {
        const one = policyDocument({ statements: [{ sid: "OverridePlaceHolderOne", effect: "Allow", actions: ["s3:*"], resources: ALL }] }).json as string;
        const two = policyDocument({ statements: [
            { effect: "Allow", actions: ["ec2:*"], resources: ALL },
            { sid: "OverridePlaceHolderTwo", effect: "Allow", actions: ["iam:*"], resources: ALL },
        ] }).json as string;
        const three = policyDocument({ statements: [{ sid: "OverridePlaceHolderOne", effect: "Deny", actions: ["logs:*"], resources: ALL }] }).json as string;
        assert.deepEqual(json({
            overridePolicyDocuments: [one, two, three],
            statements: [{ sid: "OverridePlaceHolderTwo", effect: "Deny", actions: ["*"], resources: ALL }],
        }), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "OverridePlaceHolderTwo", Effect: "Allow", Action: "iam:*", Resource: "*" },
                { Sid: "OverridePlaceHolderOne", Effect: "Deny", Action: "logs:*", Resource: "*" },
                { Effect: "Allow", Action: "ec2:*", Resource: "*" },
            ],
        });
    });

    it("writes principals by type, \"*\" only for type \"*\", and turns &{...} into policy variables", () => {
        assert.deepEqual(json({
            statements: [
                { actions: ["sts:AssumeRole"], principals: [
                    { type: "Service", identifiers: ["firehose.amazonaws.com"] },
                    { type: "AWS", identifiers: ["*"] },
                    { type: "Federated", identifiers: ["arn:aws:iam::123456789012:saml-provider/corp", "cognito-identity.amazonaws.com"] },
                ] },
                { actions: ["s3:GetObject"], principals: [{ type: "*", identifiers: ["*"] }], resources: ["arn:aws:s3:::b/home/&{aws:username}/*"] },
            ],
        }), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "sts:AssumeRole", Principal: {
                    AWS: "*", Federated: ["cognito-identity.amazonaws.com", "arn:aws:iam::123456789012:saml-provider/corp"], Service: "firehose.amazonaws.com",
                } },
                { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/home/${aws:username}/*", Principal: "*" },
            ],
        });
    });

    it("gives json as Go indents it (HTML-escaped), the minified form, and the provider's hash code as id", () => {
        const result = policyDocument({ statements: [{ sid: "A", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a&b/*"] }] });
        const json = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"A\",\n      \"Effect\": \"Allow\",\n" +
            "      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:aws:s3:::a\\u0026b/*\"\n    }\n  ]\n}";
        assert.equal(result.json, json);
        assert.equal(result.minifiedJson, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::a\\u0026b/*\"}]}");
        assert.equal(result.id, String(Math.abs(crc32(json) | 0)));
    });

    it("refuses a Sid twice among its statements, and an effect other than Allow or Deny", () => {
        assert.throws(() => policyDocument({ statements: [{ sid: "S", actions: ["a:b"] }, { sid: "S", actions: ["c:d"] }] }),
            { message: "writing IAM Policy Document: duplicate Sid (S). Remove the Sid or ensure the Sid is unique." });
        assert.throws(() => policyDocument({ statements: [{ effect: "Permit", actions: ["a:b"] }] }),
            { message: "expected effect to be one of [\"Allow\" \"Deny\"], got Permit" });
    });
});
