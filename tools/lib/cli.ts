/**
 * What the commands that run the program (`npm run plan`, `npm run cost`) share at their end: how an error becomes a
 * message and an exit code, and exiting once stdout is flushed.
 */
import { isConfigError } from "../../components/config";
import { ProgramError } from "./capture";
import { StackConfigError } from "./stack-config";

/** A command line that cannot be run as given (exit 2, with the command's usage). */
export class CliUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CliUsageError";
    }
}

/** The value of the flag at `argv[i]`: the next argument, which must not be another flag. */
export function flagValue(argv: readonly string[], i: number): string {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new CliUsageError(`${argv[i]} needs a value`);
    return v;
}

/** An error class whose message is the whole story for the user (bad input: exit 1, message only). */
type InputError = abstract new (...args: never[]) => Error;

/**
 * Prints what went wrong and returns the exit code: 1 for the stack's config problems, for `inputErrors` and for a
 * failed program (with its stack trace); 2 for a stack that cannot be read (a usage error).
 */
export function reportFailure(err: unknown, stack: string, inputErrors: readonly InputError[]): number {
    const cause = err instanceof ProgramError ? err.cause : err;
    if (isConfigError(cause)) {
        console.error(`error: the ${stack} stack's ${cause.message}`);
        return 1;
    }
    if (err instanceof StackConfigError) {
        console.error(`error: ${err.message}`);
        return 2;
    }
    if (inputErrors.some(type => err instanceof type)) {
        console.error(`error: ${(err as Error).message}`);
        return 1;
    }
    console.error(`error: the program failed: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
    return 1;
}

/** Runs a command's `main` and exits once stdout is flushed: a pipe takes 64 KB at a time, and a --json document is larger. */
export function runCommand(main: (argv: readonly string[]) => Promise<number>): void {
    const exit = (code: number) => process.stdout.write("", () => process.exit(code));
    main(process.argv.slice(2)).then(exit, err => {
        console.error(err);
        exit(1);
    });
}
