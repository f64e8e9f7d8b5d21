/**
 * lambda-gradual-deployment (advisory): a cell's function behind an alias takes new versions gradually, through a
 * CodeDeploy deployment group of the same cell that rolls back on at least one alarm. Without one, a new version
 * takes all of the cell's traffic at once, and nothing takes it back when it fails.
 */
import { Policies, StackValidationPolicy } from "@pulumi/policy";
import { stackGraph, subject } from "./lib/graph";
import { AWS } from "./lib/types";
import { Reporter, UNKNOWN, describe, items, read } from "./lib/values";

const NAME = "lambda-gradual-deployment";

export const lambdaGradualDeployment: StackValidationPolicy = {
    name: NAME,
    description: "A cell's function behind an alias is deployed through a CodeDeploy deployment group of the cell with at least one rollback alarm.",
    enforcementLevel: "advisory",
    severity: "medium",
    validateStack: (args, report) => {
        const graph = stackGraph(args);
        const reporter = new Reporter(NAME, report, true);
        const groupsByCell = new Map<string, typeof args.resources[number][]>();
        for (const group of graph.ofType(AWS.deploymentGroup)) {
            const cell = graph.cellOf(group);
            if (cell) groupsByCell.set(cell.cell.urn, [...(groupsByCell.get(cell.cell.urn) ?? []), group]);
        }
        for (const alias of graph.ofType(AWS.alias)) {
            const cell = graph.cellOf(alias);
            if (!cell) continue;
            reporter.guard(subject(alias), () => {
                const groups = groupsByCell.get(cell.cell.urn) ?? [];
                const cellName = typeof cell.id === "string" ? cell.id : cell.cell.name;
                if (groups.length === 0) {
                    reporter.violation(alias, `${describe(subject(alias))} of cell ${cellName} moves to each new version at once: no CodeDeploy ` +
                        "deployment group of the cell shifts it; create an aws.codedeploy.DeploymentGroup (computePlatform Lambda) in the cell " +
                        "with a canary or linear deployment config and the cell's alarms in alarmConfiguration");
                    return;
                }
                let unknown = false;
                const watched = groups.some(g => {
                    const enabled = read(g.props, "alarmConfiguration", "enabled");
                    const alarms = read(g.props, "alarmConfiguration", "alarms");
                    if (enabled === UNKNOWN || alarms === UNKNOWN) {
                        unknown = true;
                        return false;
                    }
                    // An alarm whose name preview does not know yet is still an alarm.
                    return enabled === true && items(alarms).length > 0;
                });
                if (!watched && unknown) {
                    reporter.undecided(subject(alias), "the alarms of its cell's deployment group can't be known during preview");
                } else if (!watched) {
                    reporter.violation(alias, `${describe(subject(alias))} of cell ${cellName} is shifted by ${groups.map(g => describe(subject(g))).join(", ")}, ` +
                        "which no alarm rolls back; set alarmConfiguration { enabled: true, alarms: [the cell's error and throttle alarms] } " +
                        "and autoRollbackConfiguration on DEPLOYMENT_STOP_ON_ALARM");
                }
            });
        }
    },
};

export const policies: Policies = [lambdaGradualDeployment];
