import { strict as assert } from "assert";
import { API_FUNCTION, FAILURE_HANDLER } from "../../../components/core-functions";
import { EVENT_SOURCE_KINDS, EVENT_SOURCES } from "../../../components/event-sources/registry";
import { FUNCTION_KINDS, functionKindOf } from "../../../handlers/lib/failure-record";

describe("failure records (handlers/lib/failure-record.ts)", () => {
    it("knows every kind of function a cell can have (the handler cannot import the program's registry)", () => {
        const program = [API_FUNCTION.kind, FAILURE_HANDLER.kind, ...EVENT_SOURCE_KINDS.map(k => EVENT_SOURCES[k].function.kind)];
        assert.deepEqual([...FUNCTION_KINDS].sort(), program.sort());
    });

    it("reads the function kind from a function ARN, qualified or not", () => {
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-queue-worker"), "queue-worker");
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-api:live"), "api");
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:someone-else"), undefined);
        assert.equal(functionKindOf(undefined), undefined);
    });
});
