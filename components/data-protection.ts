/**
 * What keeps the stack's data when a `pulumi up` or a `pulumi destroy` would delete or replace the resource that holds
 * it: the tables, the queues (a source queue, its DLQ, the failure and last-resort queues), the bucket, the Kinesis
 * stream and the user pool (every tenant's users).
 *
 * With `cellular:protectData` (the default), each is `protect`ed — the engine refuses to delete or replace it, in
 * preview already — and `retainOnDelete`, so that even once unprotected a destroy leaves it in the account; where AWS
 * has its own deletion protection (DynamoDB tables, Cognito user pools) that is on too, so no other tool deletes them
 * either. Without it (throwaway stacks), a destroy deletes them all, a bucket with its objects. Config validation
 * refuses, before that, any change that would delete one of them (components/data-shape.ts). Pure apart from types.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Resource options for a resource that holds data. */
export function dataResourceOptions(protectData: boolean): pulumi.CustomResourceOptions {
    return protectData ? { protect: true, retainOnDelete: true } : {};
}
