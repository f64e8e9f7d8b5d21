/** A service's permission to invoke a source's function: from one resource only, as the guardrails require. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LambdaResources } from "../function";
import type { CellScope } from "./kind";

/**
 * `principal` may invoke `fn` for events of `sourceArn` only; `sourceAccount` too where the source's ARN holds no
 * account (S3 bucket ARNs), so a bucket of the same name in another account cannot invoke it.
 */
export function allowInvoke(cell: CellScope, logicalName: string, fn: LambdaResources, principal: string,
    sourceArn: pulumi.Input<string>, sourceAccount?: pulumi.Input<string>): aws.lambda.Permission {
    return new aws.lambda.Permission(logicalName, {
        action: "lambda:InvokeFunction",
        function: fn.fn.name,
        principal,
        sourceArn,
        ...(sourceAccount === undefined ? {} : { sourceAccount }),
    }, cell.opts());
}
