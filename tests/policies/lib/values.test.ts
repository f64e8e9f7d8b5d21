import { strict as assert } from "assert";
import {
    Reporter, UNKNOWN, describe as describeResource, document, effectiveTags, entries, given, has, items, list, num, physicalName, read, str,
    tagSourcesUnknown,
} from "../../../policies/lib/values";
import { UNKNOWN_STRING, proxied } from "../../fixtures/policies/resources";

const FN = { urn: "urn:pulumi:dev::p::aws:lambda/function:Function::api-function", type: "aws:lambda/function:Function", name: "api-function" };

/** A Reporter of policy `p` whose reports are collected; stack-level unless told. */
function reporter(stackLevel = true): { reporter: Reporter; reports: unknown[] } {
    const reports: unknown[] = [];
    const report = ((...args: unknown[]) => void reports.push(args.length === 1 ? args[0] : args)) as ConstructorParameters<typeof Reporter>[1];
    return { reporter: new Reporter("p", report, stackLevel), reports };
}

describe("lib/values: reading props that may be unknown", () => {
    const props = proxied({ name: "orders", timeout: UNKNOWN_STRING, environment: { variables: { A: "1", B: UNKNOWN_STRING } }, arns: ["a", UNKNOWN_STRING] });

    it("reads a path, undefined where it is absent, UNKNOWN where it or a parent is unknown", () => {
        assert.equal(read(props, "name"), "orders");
        assert.equal(read(props, "environment", "variables", "A"), "1");
        assert.equal(read(props, "environment", "missing", "A"), undefined);
        assert.equal(read(props, "timeout"), UNKNOWN);
        assert.equal(read(props, "timeout", "deeper"), UNKNOWN);
        assert.equal(read(props, "arns", 1), UNKNOWN);
    });

    it("rethrows what is not the SDK's UnknownValueError", () => {
        const broken = { get value(): never { throw new RangeError("no"); } };
        assert.throws(() => read(broken, "value"), RangeError);
    });

    it("tells presence without reading: an unknown value is present", () => {
        assert.ok(has(props, "timeout"));
        assert.ok(!has(props, "memorySize"));
        assert.ok(!has(undefined, "timeout"));
    });

    it("reads elements and entries one by one, so one unknown does not hide the others", () => {
        assert.deepEqual(items(read(props, "arns")), ["a", UNKNOWN]);
        assert.deepEqual(items("a"), ["a"]);
        assert.deepEqual(items(undefined), []);
        assert.deepEqual(items(UNKNOWN), [UNKNOWN]);
        assert.deepEqual(entries(read(props, "environment", "variables")), [["A", "1"], ["B", UNKNOWN]]);
        assert.deepEqual(entries(["a"]), []);
    });

    it("takes strings and numbers (numeric strings too, as the provider coerces them)", () => {
        assert.equal(str("x"), "x");
        assert.equal(str(3), undefined);
        assert.equal(str(UNKNOWN), UNKNOWN);
        assert.equal(num("30"), 30);
        assert.equal(num(" "), undefined);
        assert.equal(num("thirty"), undefined);
        assert.equal(num(UNKNOWN), UNKNOWN);
    });

    it("counts a value as given when it is present and not empty, or unknown", () => {
        assert.deepEqual([UNKNOWN, "x", 0, false].map(given), [true, true, true, true]);
        assert.deepEqual([undefined, null, ""].map(given), [false, false, false]);
    });

    it("parses a JSON document given as a string, and passes an object or UNKNOWN through", () => {
        assert.deepEqual(document("{\"a\":1}"), { a: 1 });
        assert.equal(document("not json"), undefined);
        const doc = { a: 1 };
        assert.equal(document(doc), doc);
        assert.equal(document(UNKNOWN), UNKNOWN);
    });
});

describe("lib/values: tags", () => {
    it("applies the provider's defaultTags, then the resource's tags, then its known tagsAll", () => {
        const provider = proxied({ defaultTags: JSON.stringify({ tags: { "cost-center": "cc-1", environment: "dev" } }) });
        const props = proxied({ tags: { environment: "prod", cell: "" }, tagsAll: { cell: "a", owner: UNKNOWN_STRING } });
        assert.deepEqual([...effectiveTags(props, provider)], [["cost-center", "cc-1"], ["environment", "prod"], ["cell", "a"], ["owner", UNKNOWN]]);
        assert.ok(!tagSourcesUnknown(props, provider));
    });

    it("keeps a known tag over an unknown tagsAll entry, and says when a source of tags is unknown", () => {
        const props = proxied({ tags: { cell: "a" }, tagsAll: { cell: UNKNOWN_STRING } });
        assert.equal(effectiveTags(props, undefined).get("cell"), "a");
        assert.ok(tagSourcesUnknown(proxied({ tags: UNKNOWN_STRING }), undefined));
        assert.ok(tagSourcesUnknown(proxied({}), proxied({ defaultTags: UNKNOWN_STRING })));
    });
});

describe("lib/values: naming resources", () => {
    it("names a resource by its type as the class reads, its logical name and its physical name when it differs", () => {
        assert.equal(describeResource({ ...FN, props: proxied({ name: "cellular-dev-api" }) }), "aws.lambda.Function \"api-function\" (cellular-dev-api)");
        assert.equal(describeResource({ ...FN, props: proxied({ name: "api-function" }) }), "aws.lambda.Function \"api-function\"");
        assert.equal(describeResource({ ...FN, props: proxied({ name: UNKNOWN_STRING }) }), "aws.lambda.Function \"api-function\"");
        assert.equal(describeResource({ urn: "u", type: "cellular:index:Cell", name: "cell-a", props: {} }), "cellular.Cell \"cell-a\"");
        assert.equal(describeResource({ urn: "u", type: "pulumi:pulumi:Stack", name: "p-dev", props: { name: "x" } }), "pulumi:pulumi:Stack \"p-dev\"");
    });

    it("takes the physical name from the first naming key present", () => {
        assert.equal(physicalName({ ...FN, props: proxied({ bucket: "orders-bucket" }) }), "orders-bucket");
        assert.equal(physicalName({ ...FN, props: proxied({ name: "", bucket: "b" }) }), undefined);
    });

    it("lists values as a sentence", () => {
        assert.equal(list([]), "");
        assert.equal(list(["a"]), "a");
        assert.equal(list(["a", "b", "c"]), "a, b and c");
        assert.equal(list(["a", "b"], "or"), "a or b");
    });
});

describe("lib/values: Reporter", () => {
    it("reports a violation once, on the resource's URN for a stack policy and on the analyzed resource otherwise", () => {
        const stack = reporter();
        stack.reporter.violation(FN, "too big");
        stack.reporter.violation(FN, "too big");
        assert.deepEqual(stack.reports, [["too big", FN.urn]]);
        const resource = reporter(false);
        resource.reporter.violation(FN, "too big");
        assert.deepEqual(resource.reports, ["too big"]);
    });

    it("reports what it cannot decide as an advisory worded like the SDK's own", () => {
        const { reporter: r, reports } = reporter();
        r.undecided({ ...FN, props: proxied({ name: "api" }) }, "its timeout can't be known during preview");
        assert.deepEqual(reports, [{
            message: "can't run policy 'p' on aws.lambda.Function \"api-function\" (api) during preview: its timeout can't be known during preview",
            enforcementLevel: "advisory",
            urn: FN.urn,
        }]);
    });

    it("turns an unknown read in a check into that resource's advisory, and rethrows anything else", () => {
        const { reporter: r, reports } = reporter(false);
        const subject = { ...FN, props: proxied({ timeout: UNKNOWN_STRING }) };
        r.guard(subject, () => subject.props["timeout"]);
        assert.deepEqual(reports, [{
            message: "can't run policy 'p' on aws.lambda.Function \"api-function\" during preview: string value at .timeout can't be known during preview",
            enforcementLevel: "advisory",
        }]);
        assert.throws(() => r.guard(subject, () => { throw new TypeError("bug"); }), TypeError);
    });
});
