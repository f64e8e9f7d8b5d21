/**
 * cellular-guardrails: the CrossGuard policy pack of this project.
 *
 *   pulumi preview --policy-pack policies [--policy-pack-config <file>]
 *   npm run plan -- --stack dev            (offline: tools/lib/analyzer.ts runs this pack as the CLI does)
 *
 * Constructing the pack starts its gRPC Analyzer server and prints the port: this module does nothing else.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME } from "./lib/facts";
import { policies } from "./policies";

new PolicyPack(PACK_NAME, { policies });
