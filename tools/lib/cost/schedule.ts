/**
 * How often an EventBridge schedule expression fires in a month (730 hours): `rate(...)` exactly, `cron(...)` by
 * counting its fields (minutes × hours × days, days from day-of-month or day-of-week, scaled by the months it names).
 * Pure.
 */
import { DAYS_PER_MONTH, MONTH_HOURS } from "./formulas";

export interface Runs {
    perMonth: number;
    /** How the figure was reached, for the estimate's `derived` list. */
    how: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The values a cron field allows (`*`, lists, ranges, steps, names), counted; undefined for what is not counted here. */
function fieldValues(field: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> | undefined {
    const values = new Set<number>();
    const value = (text: string): number | undefined => {
        const i = names.indexOf(text.toUpperCase());
        if (i >= 0) return i + nameBase;
        return /^\d+$/.test(text) ? Number(text) : undefined;
    };
    for (const part of field.split(",")) {
        const [range, stepText] = part.split("/");
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!range || !Number.isInteger(step) || step < 1) return undefined;
        let from: number | undefined;
        let to: number | undefined;
        if (range === "*" || range === "?") {
            from = min;
            to = max;
        } else if (range.includes("-")) {
            const [a, b] = range.split("-");
            from = value(a!);
            to = value(b!);
        } else {
            from = value(range);
            to = stepText === undefined ? from : max;
        }
        if (from === undefined || to === undefined || from < min || to > max || from > to) return undefined;
        for (let v = from; v <= to; v += step) values.add(v);
    }
    return values;
}

/** On average, how many months (of 12) have day `d`: every month up to 28, fewer for 29, 30 and 31. */
function monthsWithDay(d: number): number {
    if (d <= 28) return 12;
    if (d === 29) return 11 + 97 / 400;
    return d === 30 ? 11 : 7;
}

/** Runs per month of a schedule expression, or undefined when it cannot be counted (the caller says so). */
export function runsPerMonth(expression: string): Runs | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const n = Number(rate[1]);
        const hours = rate[2]!.startsWith("minute") ? n / 60 : rate[2]!.startsWith("hour") ? n : n * 24;
        return { perMonth: MONTH_HOURS / hours, how: `${expression}: ${MONTH_HOURS} hours a month / ${hours} h` };
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) return undefined;
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) return undefined;
    const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
    const mins = fieldValues(minutes, 0, 59);
    const hrs = fieldValues(hours, 0, 23);
    const months = fieldValues(month, 1, 12, MONTHS, 1);
    if (!mins || !hrs || !months || (year !== "*" && year !== "?")) return undefined;
    let daysPerMonth: number;
    let days: string;
    if (dayOfMonth === "?" || dayOfMonth === "*") {
        if (dayOfWeek === "?" || dayOfWeek === "*") {
            daysPerMonth = DAYS_PER_MONTH;
            days = "every day";
        } else if (/^[0-9A-Za-z]+(#[1-5]|L)$/.test(dayOfWeek)) {
            daysPerMonth = 1;
            days = `${dayOfWeek}: once a month`;
        } else {
            const weekdays = fieldValues(dayOfWeek, 1, 7, WEEKDAYS, 1);
            if (!weekdays) return undefined;
            daysPerMonth = weekdays.size * (DAYS_PER_MONTH / 7);
            days = `${weekdays.size} weekday(s)`;
        }
    } else if (/^(L|L-\d+|\d+W|LW)$/.test(dayOfMonth)) {
        daysPerMonth = 1;
        days = `${dayOfMonth}: once a month`;
    } else {
        const dates = fieldValues(dayOfMonth, 1, 31);
        if (!dates) return undefined;
        daysPerMonth = [...dates].reduce((n, d) => n + monthsWithDay(d) / 12, 0);
        days = `${dates.size} day(s) of the month`;
    }
    const perDay = mins.size * hrs.size;
    const perMonth = perDay * daysPerMonth * (months.size / 12);
    return { perMonth, how: `${expression}: ${perDay} run(s) a day on ${days}${months.size < 12 ? `, ${months.size} month(s) of 12` : ""}` };
}
