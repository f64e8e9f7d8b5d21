/**
 * Every policy of the pack. Each rule file exports its own `policies`; this registry concatenates them, the files
 * in the order the contract lists their policies (the CLI reports violations in this order and policies/README.md
 * lists them so). A new policy goes into its rule file's list; only a new rule file is added here.
 *
 * Importable without starting a server (constructing a PolicyPack does), so index.ts is the only module with a
 * side effect.
 */
import { Policies } from "@pulumi/policy";
import * as asynchronous from "./async";
import * as concurrency from "./concurrency";
import * as cost from "./cost";
import * as eventSources from "./event-sources";
import * as iam from "./iam";
import * as memory from "./memory";
import * as observability from "./observability";
import * as permissions from "./permissions";
import * as rollouts from "./rollouts";
import * as secrets from "./secrets";
import * as tags from "./tags";
import * as tenants from "./tenants";
import * as timeouts from "./timeouts";

/** The rule files, by file name (`policies/<area>.ts`), in the pack's order. */
export const RULE_FILES = {
    iam,
    timeouts,
    async: asynchronous,
    "event-sources": eventSources,
    memory,
    tags,
    permissions,
    secrets,
    concurrency,
    observability,
    tenants,
    cost,
    rollouts,
} satisfies Record<string, { policies: Policies }>;

export const policies: Policies = Object.values(RULE_FILES).flatMap(file => file.policies);
