/** The grammar of EventBridge schedule expressions, as far as EventBridge rejects them at deploy time. Pure. */

/** Why an EventBridge schedule expression is not valid, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const n = Number(rate[1]);
        const unit = rate[2]!;
        if (n < 1) return "a rate must be at least 1";
        if (n === 1 && unit.endsWith("s")) return `write rate(1 ${unit.slice(0, -1)}): EventBridge wants the singular for 1`;
        if (n > 1 && !unit.endsWith("s")) return `write rate(${n} ${unit}s): EventBridge wants the plural above 1`;
        return undefined;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) {
        const fields = cron[1]!.trim().split(/\s+/);
        if (fields.length !== 6) {
            return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this has ${fields.length}`;
        }
        const [, , dayOfMonth, , dayOfWeek] = fields;
        if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
            return "exactly one of day-of-month and day-of-week must be ? in an EventBridge cron expression";
        }
        const field = /^[0-9A-Za-z*?,/\-#L]+$/;
        if (!fields.every(f => field.test(f))) return "a cron field holds a character EventBridge does not accept";
        return undefined;
    }
    return "expected rate(<n> minute|minutes|hour|hours|day|days) or cron(<6 fields>)";
}
