/**
 * Every worker that writes customers' records refuses another cell's customers and puts those records on the
 * cell's failure queue (handlers/clients/rejections.ts): the grant and the environment it needs for that.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ENV } from "../../handlers/lib/table";
import type { Arns } from "../arns";
import { allow, Statement } from "../iam";
import type { CellScope } from "./kind";

export function rejectNotOwned(arns: Arns, cell: CellScope): Statement {
    return allow("RejectNotOwned", ["sqs:SendMessage"], [arns.queue(cell.failureQueueName)]);
}

export function rejectionEnvironment(cell: CellScope): Record<string, pulumi.Input<string>> {
    return { [ENV.failureQueueUrl]: cell.failureQueueUrl };
}
