/**
 * The gate between wave k and wave k+1, as `pulumi up` runs it (components/rollout/gate-resource.ts): once every
 * deployment of wave k has succeeded, the wave bakes for `bakeMinutes` with its alarms watched (polled while it
 * waits, then their history over the whole bake, so an alarm that fired and cleared between two polls counts), and
 * each of its cells must have served `minRequests` requests in that time. Any of these fails the update, naming the
 * alarm or the shortfall; wave k+1 depends on the gate, so it is not touched.
 */
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { alarmsFiredBetween, alarmsInAlarm, describeAlarms } from "./alarms";
import { Clock, minutes, RolloutClients, RolloutError } from "./clients";

export interface GateCell {
    cellId: string;
    /** The function whose AWS/Lambda Invocations count as the cell's requests (its API function). */
    functionName: string;
}

export interface GateSpec {
    /** The wave the gate lets through (k+1); it watches wave k. */
    wave: number;
    bakeMinutes: number;
    minRequests: number;
    /** Every alarm of wave k's cells. */
    alarmNames: string[];
    /**
     * The router's breaker alarm of each of wave k's cells: watched too, but a cell new in this update has none yet
     * (the router, which creates it, comes after every wave), so a missing one does not stop the gate.
     */
    routerAlarmNames: string[];
    cells: GateCell[];
    pollSeconds: number;
}

export interface GateOutcome {
    /** When the bake started and ended (ISO 8601). */
    from: string;
    to: string;
    /** Requests each cell served during the bake. */
    requests: Record<string, number>;
}

/** The AWS/Lambda Invocations of each cell's function between `from` and `to`, summed over one-minute periods. */
export async function requestsServed(clients: RolloutClients, cells: readonly GateCell[], from: Date, to: Date): Promise<Record<string, number>> {
    const served: Record<string, number> = Object.fromEntries(cells.map(c => [c.cellId, 0]));
    // GetMetricData takes up to 500 queries per call.
    for (let i = 0; i < cells.length; i += 500) {
        const batch = cells.slice(i, i + 500);
        let token: string | undefined;
        do {
            const page = await clients.cloudwatch.send(new GetMetricDataCommand({
                StartTime: from, EndTime: to, ScanBy: "TimestampAscending",
                MetricDataQueries: batch.map((c, j) => ({
                    Id: `c${i + j}`, ReturnData: true,
                    MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: [{ Name: "FunctionName", Value: c.functionName }] }, Period: 60, Stat: "Sum" },
                })),
                ...(token ? { NextToken: token } : {}),
            }));
            for (const result of page.MetricDataResults ?? []) {
                const cell = cells[Number(String(result.Id).slice(1))];
                if (cell) served[cell.cellId] = (served[cell.cellId] ?? 0) + (result.Values ?? []).reduce((a: number, b: number) => a + b, 0);
            }
            token = page.NextToken;
        } while (token);
    }
    return served;
}

export async function runGate(clients: RolloutClients, clock: Clock, spec: GateSpec): Promise<GateOutcome> {
    const watched = `wave ${spec.wave - 1} (${spec.cells.map(c => c.cellId).join(", ")})`;
    const stop = (why: string) => new RolloutError(`the gate of wave ${spec.wave}: ${why}; wave ${spec.wave} and later were not touched. ` +
        "Fix the cause (or roll the wave back), then run pulumi up again: the gate bakes and checks again");
    const watchedAlarms = [...spec.alarmNames, ...spec.routerAlarmNames];
    const start = clock.now();
    const end = start + spec.bakeMinutes * 60_000;
    for (;;) {
        const firing = await alarmsInAlarm(clients.cloudwatch, watchedAlarms, spec.routerAlarmNames);
        if (firing.length > 0) throw stop(`${watched} is in alarm after ${minutes(clock.now() - start)} of its ${minutes(end - start)} bake: ${describeAlarms(firing)}`);
        const left = end - clock.now();
        if (left <= 0) break;
        await clock.sleep(Math.min(spec.pollSeconds * 1000, left));
    }
    const from = new Date(start);
    const to = new Date(clock.now());
    if (spec.bakeMinutes > 0) {
        const fired = await alarmsFiredBetween(clients.cloudwatch, watchedAlarms, from, to);
        if (fired.length > 0) throw stop(`an alarm of ${watched} fired during its ${minutes(end - start)} bake: ${describeAlarms(fired)}`);
    }
    const requests = spec.minRequests > 0 ? await requestsServed(clients, spec.cells, from, to) : {};
    const short = spec.cells.filter(c => (requests[c.cellId] ?? 0) < spec.minRequests);
    if (short.length > 0) {
        throw stop(`${short.map(c => `cell ${c.cellId} served ${requests[c.cellId] ?? 0} requests`).join(", ")} during the ${minutes(end - start)} bake ` +
            `(AWS/Lambda Invocations of its API function); each cell needs at least ${spec.minRequests} (cellular:rollout.minRequests) for the next wave to start`);
    }
    return { from: from.toISOString(), to: to.toISOString(), requests };
}
