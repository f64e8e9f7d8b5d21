/** Which of some CloudWatch alarms are in ALARM now, and which went into ALARM during a window (deploy-time). */
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { Sender } from "./clients";

export interface FiringAlarm {
    name: string;
    /** CloudWatch's reason, or when it fired during the window. */
    reason: string;
}

/** DescribeAlarms takes at most 100 names. */
const NAMES_PER_CALL = 100;

/**
 * The alarms among `names` whose state is ALARM. A name CloudWatch does not know counts as firing (an alarm that
 * cannot be read watches nothing), unless it is one of `mayBeMissing` (an alarm created later in the same update).
 */
export async function alarmsInAlarm(cloudwatch: Sender, names: readonly string[], mayBeMissing: readonly string[] = []): Promise<FiringAlarm[]> {
    const firing: FiringAlarm[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
        const batch = names.slice(i, i + NAMES_PER_CALL);
        let token: string | undefined;
        do {
            const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ["MetricAlarm", "CompositeAlarm"], ...(token ? { NextToken: token } : {}) }));
            for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
                seen.add(a.AlarmName);
                if (a.StateValue === "ALARM") firing.push({ name: a.AlarmName, reason: a.StateReason ?? "in ALARM" });
            }
            token = page.NextToken;
        } while (token);
    }
    for (const name of names) if (!seen.has(name) && !mayBeMissing.includes(name)) firing.push({ name, reason: "CloudWatch has no alarm of this name, so it cannot watch the wave" });
    return firing;
}

/** The alarms among `names` that went into ALARM between `from` and `to` (their state history), first time each. */
export async function alarmsFiredBetween(cloudwatch: Sender, names: readonly string[], from: Date, to: Date): Promise<FiringAlarm[]> {
    const fired: FiringAlarm[] = [];
    for (const name of names) {
        let token: string | undefined;
        let first: { at: Date; reason: string } | undefined;
        do {
            const page = await cloudwatch.send(new DescribeAlarmHistoryCommand({
                AlarmName: name, HistoryItemType: "StateUpdate", StartDate: from, EndDate: to, ...(token ? { NextToken: token } : {}),
            }));
            for (const item of page.AlarmHistoryItems ?? []) {
                const data = parseHistory(item.HistoryData);
                if (data?.newState?.stateValue !== "ALARM") continue;
                const at = new Date(item.Timestamp);
                if (!first || at < first.at) first = { at, reason: data.newState.stateReason ?? item.HistorySummary ?? "went into ALARM" };
            }
            token = page.NextToken;
        } while (token);
        if (first) fired.push({ name, reason: `went into ALARM at ${first.at.toISOString()}: ${first.reason}` });
    }
    return fired;
}

function parseHistory(text: unknown): { newState?: { stateValue?: string; stateReason?: string } } | undefined {
    if (typeof text !== "string") return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

export function describeAlarms(alarms: readonly FiringAlarm[]): string {
    return alarms.map(a => `${a.name} (${a.reason})`).join("; ");
}
