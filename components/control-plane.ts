/**
 * The control plane's store, outside every cell: the control table (the live routing map and the move records,
 * handlers/lib/control-map.ts), and the least-privilege grants around it — the router and the cells' API functions
 * may read only the map item ({@link mapReadStatement}); only an operator's role given the policy document
 * {@link ControlPlane.operatorPolicy} (what `npm run cells` needs, a stack output) may write it and move customers'
 * data. The document is an output, not a managed policy: it names every cell's table, which at 100 cells is beyond
 * a managed policy's 6,144 characters, and the operators' role (and where its policies live) is the account's.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Arns, AwsContext } from "./arns";
import type { StackSettings } from "./config/stack-settings";
import { dataResourceOptions } from "./data-protection";
import { Statement, allow } from "./iam";
import { sharedTags } from "./tags";
import { CONTROL_PLANE_TYPE } from "./type-tokens";
import { CONTROL_KEYS } from "../handlers/lib/control-map";
import { PARTITION_KEY, SORT_KEY } from "../handlers/lib/table";

export interface ControlPlaneArgs {
    settings: StackSettings;
    context: pulumi.Output<AwsContext>;
}

/** What a function that routes needs of the control table: GetItem of the map item, nothing else. */
export function mapReadStatement(arns: Arns, controlTable: string): Statement {
    return {
        ...allow("ReadRoutingMap", ["dynamodb:GetItem"], [arns.table(controlTable)]),
        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [CONTROL_KEYS.map.pk] } },
    };
}

/** The actions of the control tooling on the control table and on every cell's table (control/). */
export const OPERATOR_CONTROL_ACTIONS = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"];
export const OPERATOR_CELL_ACTIONS = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"];

/** The operator policy's document: exact actions on the control table and the stack's cell tables. */
export function operatorDocument(arns: Arns, controlTable: string, cellTables: readonly string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            allow("ControlTable", OPERATOR_CONTROL_ACTIONS, [arns.table(controlTable)]),
            allow("MoveCustomersBetweenCells", OPERATOR_CELL_ACTIONS, cellTables.map(t => arns.table(t))),
        ],
    });
}

export class ControlPlane extends pulumi.ComponentResource {
    readonly table: aws.dynamodb.Table;
    /** The policy document to give the role operators run `npm run cells` with. */
    readonly operatorPolicy: pulumi.Output<string>;
    readonly tableName: string;

    constructor(name: string, args: ControlPlaneArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(CONTROL_PLANE_TYPE, name, {}, opts);
        const { settings } = args;
        const names = settings.names;
        this.tableName = names.controlTable();
        this.table = new aws.dynamodb.Table(`${name}-table`, {
            name: this.tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: PARTITION_KEY,
            rangeKey: SORT_KEY,
            attributes: [{ name: PARTITION_KEY, type: "S" }, { name: SORT_KEY, type: "S" }],
            // The map's history (every epoch) is recoverable to the second.
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true },
            deletionProtectionEnabled: settings.protectData,
            tags: sharedTags(settings),
        }, { parent: this, ...dataResourceOptions(settings.protectData) });
        this.operatorPolicy = args.context.apply(ctx => operatorDocument(new Arns(ctx), this.tableName, settings.cells.map(c => names.table(c.id))));
        this.registerOutputs({ tableName: this.tableName, operatorPolicy: this.operatorPolicy });
    }
}
