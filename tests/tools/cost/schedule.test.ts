import { strict as assert } from "assert";
import { runsPerMonth } from "../../../tools/lib/cost/schedule";

const runs = (e: string) => runsPerMonth(e)?.perMonth;
const close = (actual: number | undefined, expected: number) => assert.equal(Number(actual!.toFixed(6)), Number(expected.toFixed(6)));

describe("schedule runs per month (tools/lib/cost/schedule.ts)", () => {
    it("counts rate expressions over a 730-hour month", () => {
        assert.equal(runs("rate(1 minute)"), 43800);
        assert.equal(runs("rate(5 minutes)"), 8760);
        assert.equal(runs("rate(2 hours)"), 365);
        close(runs("rate(1 day)"), 730 / 24);
    });

    it("counts cron expressions field by field", () => {
        // Once a day at 03:00: 30.4167 days a month
        close(runs("cron(0 3 * * ? *)"), 730 / 24);
        // Every 15 minutes: 4 × 24 a day
        close(runs("cron(0/15 * * * ? *)"), 96 * (730 / 24));
        // Weekdays at 09:00 and 17:00: 2 runs on 5 of 7 days
        close(runs("cron(0 9,17 ? * MON-FRI *)"), 2 * 5 * (730 / 24 / 7));
        // The 1st and 15th of each month: 2 runs
        close(runs("cron(0 0 1,15 * ? *)"), 2);
        // The 31st exists in 7 months of 12
        close(runs("cron(0 0 31 * ? *)"), 7 / 12);
        // January and July only, daily: 2 months of 12
        close(runs("cron(30 6 * JAN,JUL ? *)"), (730 / 24) * (2 / 12));
        // The last day of the month, and the second Monday: once a month each
        close(runs("cron(0 0 L * ? *)"), 1);
        close(runs("cron(0 0 ? * MON#2 *)"), 1);
    });

    it("does not guess what it cannot count", () => {
        assert.equal(runsPerMonth("cron(0 0 * * ? 2027)"), undefined);
        assert.equal(runsPerMonth("at(2027-01-01T00:00:00)"), undefined);
        assert.equal(runsPerMonth("cron(0 0 * *)"), undefined);
    });
});
