/**
 * A cell's own network (`cellular:isolation: vpc`), built from `@pulumi/aws` resources so the plan (and the policy
 * pack) sees every one of them: a VPC with two isolated subnets in two zones (no internet: no NAT, no internet
 * gateway), one route table, gateway endpoints for DynamoDB and S3 on it, and interface endpoints for what the
 * cell's functions call that has no gateway endpoint — STS (the API's per-tenant credentials) and SQS (the workers
 * put refused records on the failure queue). The functions may reach only those endpoints on 443.
 *
 * Descriptions keep to the characters EC2 accepts in them (no quotes, no apostrophe).
 *
 * Every logical name starts with the cell id, so cells never collide; each cell's VPC may reuse the same CIDR
 * block, as cells' networks are never peered.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./arns";
import { CELL_CIDR, GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS, SUBNET_CIDRS } from "./cell-network-layout";
import type { VpcPlacement } from "./function";
import type { Tags } from "./tags";

export interface CellNetworkArgs {
    cellId: string;
    /** The VPC's Name tag. */
    name: string;
    context: pulumi.Output<AwsContext>;
    tags: Tags;
    opts: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions;
}

export interface CellNetwork extends VpcPlacement {
    vpc: aws.ec2.Vpc;
    subnets: aws.ec2.Subnet[];
    routeTable: aws.ec2.RouteTable;
    endpoints: aws.ec2.VpcEndpoint[];
}

export function createCellNetwork(a: CellNetworkArgs): CellNetwork {
    const id = a.cellId;
    const service = (name: string) => pulumi.interpolate`com.amazonaws.${a.context.region}.${name}`;
    const zones = aws.getAvailabilityZonesOutput({ state: "available" });
    const vpc = new aws.ec2.Vpc(`${id}-vpc`, {
        cidrBlock: CELL_CIDR,
        enableDnsSupport: true,
        // Interface endpoints answer the services' usual names only with DNS hostnames on.
        enableDnsHostnames: true,
        tags: { ...a.tags, Name: a.name },
    }, a.opts());
    const subnets = SUBNET_CIDRS.map((cidrBlock, i) => new aws.ec2.Subnet(`${id}-isolated-${i + 1}`, {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZone: zones.names[i]!,
        mapPublicIpOnLaunch: false,
        tags: { ...a.tags, Name: `${a.name}-isolated-${i + 1}` },
    }, a.opts()));
    const routeTable = new aws.ec2.RouteTable(`${id}-isolated-routes`, {
        vpcId: vpc.id,
        tags: { ...a.tags, Name: `${a.name}-isolated` },
    }, a.opts());
    subnets.forEach((subnet, i) => new aws.ec2.RouteTableAssociation(`${id}-isolated-${i + 1}-routes`, {
        subnetId: subnet.id,
        routeTableId: routeTable.id,
    }, a.opts()));
    const gateways = GATEWAY_ENDPOINTS.map(name => new aws.ec2.VpcEndpoint(`${id}-${name}-endpoint`, {
        vpcId: vpc.id,
        serviceName: service(name),
        vpcEndpointType: "Gateway",
        routeTableIds: [routeTable.id],
        tags: { ...a.tags, Name: `${a.name}-${name}` },
    }, a.opts()));
    const functions = new aws.ec2.SecurityGroup(`${id}-functions-sg`, {
        vpcId: vpc.id,
        description: `Functions of cell ${id}: HTTPS to the VPC endpoints of the cell only`,
        tags: a.tags,
    }, a.opts());
    const endpointsGroup = new aws.ec2.SecurityGroup(`${id}-endpoints-sg`, {
        vpcId: vpc.id,
        description: `Interface endpoints of cell ${id}: HTTPS from the functions of the cell`,
        tags: a.tags,
    }, a.opts());
    new aws.vpc.SecurityGroupIngressRule(`${id}-endpoints-from-functions`, {
        securityGroupId: endpointsGroup.id,
        referencedSecurityGroupId: functions.id,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        description: "HTTPS from the functions of the cell",
        tags: a.tags,
    }, a.opts());
    new aws.vpc.SecurityGroupEgressRule(`${id}-functions-to-endpoints`, {
        securityGroupId: functions.id,
        referencedSecurityGroupId: endpointsGroup.id,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        description: "HTTPS to the interface endpoints (STS, SQS)",
        tags: a.tags,
    }, a.opts());
    gateways.forEach((endpoint, i) => new aws.vpc.SecurityGroupEgressRule(`${id}-functions-to-${GATEWAY_ENDPOINTS[i]}`, {
        securityGroupId: functions.id,
        prefixListId: endpoint.prefixListId,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        description: `HTTPS to ${GATEWAY_ENDPOINTS[i]} through its gateway endpoint`,
        tags: a.tags,
    }, a.opts()));
    const interfaces = INTERFACE_ENDPOINTS.map(name => new aws.ec2.VpcEndpoint(`${id}-${name}-endpoint`, {
        vpcId: vpc.id,
        serviceName: service(name),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: subnets.map(s => s.id),
        securityGroupIds: [endpointsGroup.id],
        tags: { ...a.tags, Name: `${a.name}-${name}` },
    }, a.opts()));
    return {
        vpc, subnets, routeTable, endpoints: [...gateways, ...interfaces],
        subnetIds: subnets.map(s => s.id),
        securityGroupIds: [functions.id],
    };
}
