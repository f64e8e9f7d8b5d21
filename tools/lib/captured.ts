/**
 * What the offline plan records of a program: every resource it registered or read, with what the engine would know
 * of it, as the policy analysis, the plan's summary and the tests read it.
 */

/** The string the engine sends for a value that is not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** A custom resource (provider-managed) rather than a component. */
    custom: boolean;
    /** A multi-language component (e.g. awsx.ec2.Vpc) whose children are built by its plugin. */
    remote: boolean;
    /**
     * Read from the live environment (`Resource.get`, a StackReference) rather than managed by the program: with the
     * state the user gave (`answered`), or with what the mock provider assumes for a resource of that id.
     */
    read?: "answered" | "assumed";
    parent?: string;
    /** Provider reference `<urn>::<id>`; default providers are filled in as the engine does. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Inputs as registered with the engine: unknown values are {@link UNKNOWN}. */
    inputs: Props;
    /** Outputs: what the (mock) provider returned, or a component's registered outputs. */
    outputs: Props;
    id?: string;
    /** Added by the capture to stand for a resource the engine adds itself (default providers). */
    synthetic?: boolean;
    /** The options that decide what an update or a destroy does to it (only those the program set). */
    options: LifecycleOptions;
}

/** Resource options that change what `pulumi up` and `pulumi destroy` do to a resource, as the engine receives them. */
export interface LifecycleOptions {
    protect?: boolean;
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
}

/**
 * Something the offline engine could not do as a deployment would, so the plan is not what the CLI would show:
 * an invoke or a read it has no answer for, a method call on a remote component, a registration it refused.
 */
export interface EngineProblem {
    kind: "invoke" | "read" | "call" | "register";
    /** The invoke's or method's token, or the resource type. */
    token: string;
    /** The resource's URN, for reads and registrations. */
    urn?: string;
    message: string;
}

export interface Capture {
    project: string;
    stack: string;
    preview: boolean;
    /** In registration order. */
    resources: CapturedResource[];
    /** The program's exports (the stack outputs), with unknowns as {@link UNKNOWN}. */
    stackOutputs: Props;
}
