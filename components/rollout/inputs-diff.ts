/** The diff of a rollout step's resource: which of its inputs changed (its outputs of the last run are not inputs). Pure. */

export function changedInputs(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
    return keys.filter(k => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}
