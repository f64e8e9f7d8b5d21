/** The settings section of an event source: `enabled`, the source's own fields, then its function's. Pure. */
import { Section, SectionCheck, Spec, ValuesOf, boolean, section } from "../config/fields";
import { FunctionDefaults, FunctionSettings, checkFunction, functionFields } from "../config/function-settings";

type SourceSpec<F extends Spec> = { enabled: ReturnType<typeof boolean> } & F & ReturnType<typeof functionFields>;

export function sourceSettings<F extends Spec>(description: string, own: F, fn: FunctionDefaults,
    check?: (values: ValuesOf<SourceSpec<F>>, at: SectionCheck) => void): Section<SourceSpec<F>> {
    const fields = { enabled: boolean({ default: false, description: "Turns the source (and its function) on" }), ...own, ...functionFields(fn) } as SourceSpec<F>;
    return section(description, fields, (values, at) => {
        checkFunction(values as unknown as FunctionSettings, at);
        check?.(values, at);
    });
}
