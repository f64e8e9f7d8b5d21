/*
 * A Lambda execution environment in a fresh process, for tests of what a deployed bundle does: the environment the
 * runtime sets (AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT, _HANDLER, ...), the bundle loaded once (the cold start), then
 * each invocation with its own `_X_AMZN_TRACE_ID` as the runtime sets it, and a context. Prints the handler's
 * output as it would go to CloudWatch, and one line `RUNTIME-RESULT <json>` per invocation. When nothing is left
 * to do (every X-Ray datagram sent), sends `END <id>` to the X-Ray daemon address.
 *
 * Usage: node lambda-runtime.cjs <spec.json>, the spec being { id, bundle, env, invocations: [{ event, traceHeader }] }.
 */
"use strict";
const dgram = require("node:dgram");
const fs = require("node:fs");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
Object.assign(process.env, spec.env);

function context(n) {
    return {
        callbackWaitsForEmptyEventLoop: true,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
        memoryLimitInMB: "256",
        awsRequestId: `00000000-0000-4000-8000-00000000000${n}`,
        logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
        logStreamName: "2026/12/02/[$LATEST]0000",
        getRemainingTimeInMillis: () => 30000,
        done() {}, fail() {}, succeed() {},
    };
}

process.once("beforeExit", () => {
    const [host, port] = process.env.AWS_XRAY_DAEMON_ADDRESS.split(":");
    const socket = dgram.createSocket("udp4");
    socket.send(`END ${spec.id}`, Number(port), host, () => socket.close());
});

(async () => {
    const mod = require(spec.bundle);
    for (const [n, invocation] of spec.invocations.entries()) {
        process.env._X_AMZN_TRACE_ID = invocation.traceHeader;
        let outcome;
        try {
            outcome = { result: await mod.handler(invocation.event, context(n)) };
        } catch (err) {
            outcome = { error: { name: err.name, message: err.message } };
        }
        process.stdout.write(`RUNTIME-RESULT ${JSON.stringify(outcome)}\n`);
    }
})();
