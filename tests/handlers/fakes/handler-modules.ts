/**
 * Handler modules loaded afresh against a test's fakes (handlers read their environment and create their clients
 * when they are loaded), and the require cache given back afterwards, so other test files keep the modules they
 * loaded against their own fakes.
 */
const replaced = new Map<string, NodeJS.Module | undefined>();

/** `handlers/<name>` loaded now, with the environment as it is now. */
export function loadHandler<T>(name: string): T {
    const file = require.resolve(`../../../handlers/${name}`);
    if (!replaced.has(file)) replaced.set(file, require.cache[file]);
    delete require.cache[file];
    return require(file) as T;
}

/** Puts back what the require cache held before {@link loadHandler} (call in `after`). */
export function restoreHandlers(): void {
    for (const [file, module] of replaced) {
        if (module === undefined) delete require.cache[file];
        else require.cache[file] = module;
    }
    replaced.clear();
}
