import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { awsPackageDir, resourceSchema, TAGGABLE_TYPES_FILE, taggableTypesModule } from "../../tools/lib/aws-types";

const ROOT = path.resolve(__dirname, "..", "..");
const AWS_DIR = awsPackageDir(ROOT)!;

describe("the schema of @pulumi/aws, read from its declarations (tools/lib/aws-types.ts)", () => {
    it("reads a type's inputs, and its outputs with whether the provider may leave them unset", () => {
        const schema = resourceSchema(AWS_DIR, "aws:lambda/functionUrl:FunctionUrl")!;
        assert.deepEqual([...schema.inputs].sort(), ["authorizationType", "cors", "functionName", "invokeMode", "qualifier", "region"]);
        assert.deepEqual(Object.fromEntries(schema.outputs), {
            authorizationType: { kind: "string", optional: false },
            cors: { kind: "object", optional: true },
            functionArn: { kind: "string", optional: false },
            functionName: { kind: "string", optional: false },
            functionUrl: { kind: "string", optional: false },
            invokeMode: { kind: "string", optional: true },
            qualifier: { kind: "string", optional: true },
            region: { kind: "string", optional: false },
            urlId: { kind: "string", optional: false },
        });
        assert.equal(schema.taggable, false);
        assert.equal(resourceSchema(AWS_DIR, "aws:cloudfront/distribution:Distribution")!.taggable, true);
        assert.equal(resourceSchema(AWS_DIR, "aws:nothing/here:Here"), undefined);
    });

    it("keeps the pack's generated list of taggable types in step with the installed @pulumi/aws (npm run generate:aws-types)", () => {
        assert.equal(fs.readFileSync(TAGGABLE_TYPES_FILE, "utf8"), taggableTypesModule(AWS_DIR));
    });
});
