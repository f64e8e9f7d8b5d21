/** The control plane's one error class for what an operator asked that cannot be done (nothing was changed). */
export class ControlError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ControlError";
    }
}

export function isControlError(err: unknown): err is ControlError {
    return err instanceof ControlError || (err instanceof Error && err.name === "ControlError");
}

/** A crash injected by a test or a drill after the named step (the move is left exactly as a real crash would). */
export class InjectedCrashError extends Error {
    constructor(readonly step: string) {
        super(`crashed after ${step}`);
        this.name = "InjectedCrashError";
    }
}
