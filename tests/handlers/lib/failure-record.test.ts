import { strict as assert } from "assert";
import { API_FUNCTION, FAILURE_HANDLER } from "../../../components/core-functions";
import { EVENT_SOURCE_KINDS, EVENT_SOURCES } from "../../../components/event-sources/registry";
import { FUNCTION_KINDS, functionKindOf, parseFailureMessage } from "../../../handlers/lib/failure-record";

describe("failure records (handlers/lib/failure-record.ts)", () => {
    it("knows every kind of function a cell can have (the handler cannot import the program's registry)", () => {
        const program = [API_FUNCTION.kind, FAILURE_HANDLER.kind, ...EVENT_SOURCE_KINDS.map(k => EVENT_SOURCES[k].function.kind)];
        assert.deepEqual([...FUNCTION_KINDS].sort(), program.sort());
    });

    it("reads the function kind from a function ARN, qualified or not", () => {
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-queue-worker"), "queue-worker");
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-api:live"), "api");
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:cellular-dev-cell-a-alb-api"), "alb-api");
        assert.equal(functionKindOf("arn:aws:lambda:us-east-1:123456789012:function:someone-else"), undefined);
        assert.equal(functionKindOf(undefined), undefined);
    });

    it("reads a worker's refusal of another cell's customer as a failure of its own kind, with the reason and the owner", () => {
        const body = JSON.stringify({ cellularRejection: { version: 1, reason: "not-owned", origin: "ingest", customerId: "c-9", owner: "cell-b", at: "2026-12-01T10:00:00.000Z" },
            record: { object: "s3://b/k.csv", line: 4 } });
        assert.deepEqual(parseFailureMessage({ body }), {
            kind: "rejected", source: "ingest", condition: "not-owned", customerId: "c-9", owner: "cell-b", failedAt: "2026-12-01T10:00:00.000Z",
        });
        // A body that merely mentions the marker is not one.
        assert.equal(parseFailureMessage({ body: JSON.stringify({ cellularRejection: "x" }) }).kind, "dead-letter");
    });
});
