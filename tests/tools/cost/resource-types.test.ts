/**
 * Every resource type the program can create is classified (priced, free or unpriced, with a reason), so a plan
 * that gains a type fails here before its cost goes unseen; what the table calls priced is read by the model.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FUNCTION_KINDS, estimatePlan } from "../../../tools/cost";
import { T } from "../../../tools/lib/cost/graph";
import { RESOURCE_TYPES, classificationOf } from "../../../tools/lib/cost/resource-types";
import { readUsage } from "../../../tools/lib/cost/usage";
import { ROOT, Stack, shippedStack } from "../../fixtures/stack";
import { variantStack, variantStacks } from "../../fixtures/variants";

/** `new aws.ec2.VpcEndpoint(` as the provider's type token: `aws:ec2/vpcEndpoint:VpcEndpoint`. */
function typeToken(module: string, cls: string): string {
    return `aws:${module}/${cls[0]!.toLowerCase()}${cls.slice(1)}:${cls}`;
}

/** The AWS resource types the program's source creates (components/, index.ts). */
function createdTypes(): Set<string> {
    const files = [path.join(ROOT, "index.ts"), ...fs.readdirSync(path.join(ROOT, "components"), { recursive: true, encoding: "utf8" })
        .filter(f => f.endsWith(".ts")).map(f => path.join(ROOT, "components", f))];
    const types = new Set<string>();
    for (const file of files) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/new aws\.([a-z0-9]+)\.([A-Z][A-Za-z0-9]*)\(/g)) types.add(typeToken(m[1]!, m[2]!));
    }
    return types;
}

async function plans(): Promise<Array<[string, Stack]>> {
    return [["dev", await shippedStack("dev")], ["prod", await shippedStack("prod")], ...await variantStacks()];
}

describe("the resource types the estimator knows (tools/lib/cost/resource-types.ts)", function () {
    this.timeout(120000);

    it("classifies every type of the shipped plans and of dev's variants (REST, external issuer, redirect, cell VPCs)", async () => {
        for (const [name, plan] of await plans()) {
            for (const type of new Set(plan.resources.map(r => r.type))) assert.ok(classificationOf(type), `${name}: ${type} is not classified`);
        }
    });

    it("classifies every AWS resource the program's source can create", async () => {
        const created = createdTypes();
        for (const type of created) assert.ok(RESOURCE_TYPES[type], `${type} is created in components/ but not classified`);
        // The scan reads the source as the plans have it: every AWS type of a plan is one it found.
        for (const [name, plan] of await plans()) {
            for (const r of plan.resources) if (r.type.startsWith("aws:")) assert.ok(created.has(r.type), `${name}: ${r.type} not found in the source`);
        }
    });

    it("calls priced only what the model reads", () => {
        const read = new Set<string>(Object.values(T));
        for (const [type, c] of Object.entries(RESOURCE_TYPES)) if (c.kind === "priced") assert.ok(read.has(type), `${type} is priced but the model does not read it`);
    });

    it("says which types of a plan it does not know, or does not price", async () => {
        const dev = await variantStack("rest-cognito");
        const nat = { urn: "urn:pulumi:dev::cellular::aws:ec2/natGateway:NatGateway::nat", type: "aws:ec2/natGateway:NatGateway", name: "nat", inputs: {} };
        const plan = { ...dev.capture, resources: [...dev.resources, nat] } as typeof dev.capture;
        const e = estimatePlan(plan, readUsage({}, FUNCTION_KINDS));
        assert.ok(e.notes.includes("aws:ec2/natGateway:NatGateway: a resource type the estimator does not know (not priced)"), e.notes.join("\n"));
        assert.ok(e.notes.includes("aws:apigateway/methodSettings:MethodSettings: detailed CloudWatch metrics (metricsEnabled) bill as custom metrics, " +
            "per method and stage, which the estimate does not price"), e.notes.join("\n"));
    });
});
