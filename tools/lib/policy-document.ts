/**
 * `aws.iam.getPolicyDocument` answered offline exactly as the provider computes it: the invoke is pure (terraform-provider-aws
 * `internal/service/iam/policy_document_data_source.go` and `policy_model.go`), so the plan need not ask anyone.
 *
 * - statements keep their order; `effect` defaults to Allow; a duplicate `sid` is an error;
 * - actions, resources and principal identifiers are sets: one item is written as a string, several are sorted in
 *   reverse; `&{` in resources, identifiers and condition values becomes `${` (policy variables);
 * - a lone principal of type `*` with identifier `*` is written as `"*"`, otherwise principals and conditions are
 *   objects with sorted keys; a condition's values keep their order, one value is written as a string;
 * - `sourcePolicyDocuments` are merged first (a Sid may appear once across them), then the statements, then
 *   `overridePolicyDocuments` (a statement with the same Sid replaces the earlier one);
 * - `json` is Go's `json.MarshalIndent(doc, "", "  ")` (with its HTML escaping), `minifiedJson` the compact form and
 *   `id` the provider's hash code of `json` (CRC-32).
 */
import { crc32 } from "zlib";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class PolicyDocumentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyDocumentError";
    }
}

interface Principal {
    type: string;
    identifiers: string | string[];
}

interface Condition {
    test: string;
    variable: string;
    values: string | string[];
}

/** A statement as the provider's model holds it; fields from a source document stay as that document wrote them. */
interface Statement {
    Sid?: string;
    Effect?: string;
    Action?: Json;
    NotAction?: Json;
    Resource?: Json;
    NotResource?: Json;
    Principal?: Principal[];
    NotPrincipal?: Principal[];
    Condition?: Condition[];
}

interface Doc {
    Version: string;
    Id: string;
    Statement: Statement[];
}

/** The invoke's arguments, as the SDK sends them. */
export interface PolicyDocumentArgs {
    version?: string;
    policyId?: string;
    statements?: Array<{
        sid?: string;
        effect?: string;
        actions?: string[];
        notActions?: string[];
        resources?: string[];
        notResources?: string[];
        principals?: Array<{ type: string; identifiers: string[] }>;
        notPrincipals?: Array<{ type: string; identifiers: string[] }>;
        conditions?: Array<{ test: string; variable: string; values: string[] }>;
    }>;
    sourcePolicyDocuments?: string[];
    overridePolicyDocuments?: string[];
}

const reverse = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

/** A set of strings as the provider writes it: one item as a string, several sorted in reverse (duplicates dropped). */
function stringSet(items: readonly string[]): string | string[] {
    const unique = [...new Set(items)];
    return unique.length === 1 ? unique[0]! : unique.sort(reverse);
}

function replaceVars(value: string, version: string): string {
    if (version === "2008-10-17" && value.includes("&{")) {
        throw new PolicyDocumentError(`found &{ sequence in (${value}), which is not supported in document version 2008-10-17`);
    }
    return value.split("&{").join("${");
}

function replaceVarsIn(value: string | string[], version: string): string | string[] {
    return typeof value === "string" ? replaceVars(value, version) : value.map(v => replaceVars(v, version));
}

function principalsOf(blocks: ReadonlyArray<{ type: string; identifiers: string[] }>, version: string): Principal[] {
    return blocks.map(b => ({ type: b.type, identifiers: replaceVarsIn(stringSet(b.identifiers ?? []), version) }));
}

/** A `Principal` or `NotPrincipal` of a source document, parsed as the provider's model parses it. */
function parsePrincipals(value: Json): Principal[] {
    if (typeof value === "string") return [{ type: "*", identifiers: ["*"] }];
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new PolicyDocumentError(`Unsupported data type ${Array.isArray(value) ? "[]interface {}" : typeof value} for IAMPolicyStatementPrincipalSet`);
    }
    return Object.entries(value).map(([type, ids]) => {
        if (typeof ids === "string") return { type, identifiers: ids };
        if (Array.isArray(ids)) return { type, identifiers: ids.map(String).sort() };
        throw new PolicyDocumentError(`Unsupported data type ${typeof ids} for IAMPolicyStatementPrincipalSet.Identifiers`);
    });
}

function parseConditions(value: Json): Condition[] {
    const out: Condition[] = [];
    for (const [test, variables] of Object.entries((value ?? {}) as Record<string, Json>)) {
        for (const [variable, values] of Object.entries((variables ?? {}) as Record<string, Json>)) {
            if (typeof values === "string") out.push({ test, variable, values: [values] });
            else if (typeof values === "boolean") out.push({ test, variable, values: String(values) });
            else if (Array.isArray(values)) out.push({ test, variable, values: values.map(String) });
        }
    }
    return out;
}

function parseDocument(text: string, what: string): Doc {
    let raw: Record<string, Json>;
    try {
        raw = JSON.parse(text) as Record<string, Json>;
    } catch (err) {
        throw new PolicyDocumentError(`writing IAM Policy Document: merging ${what}: ${(err as Error).message}`);
    }
    const statements = Array.isArray(raw.Statement) ? raw.Statement : raw.Statement ? [raw.Statement] : [];
    return {
        Version: typeof raw.Version === "string" ? raw.Version : "",
        Id: typeof raw.Id === "string" ? raw.Id : "",
        Statement: statements.map(s => {
            const st = s as Record<string, Json>;
            const out: Statement = {};
            if (typeof st.Sid === "string" && st.Sid) out.Sid = st.Sid;
            if (typeof st.Effect === "string" && st.Effect) out.Effect = st.Effect;
            for (const key of ["Action", "NotAction", "Resource", "NotResource"] as const) if (st[key] !== undefined) out[key] = st[key];
            if (st.Principal !== undefined) out.Principal = parsePrincipals(st.Principal);
            if (st.NotPrincipal !== undefined) out.NotPrincipal = parsePrincipals(st.NotPrincipal);
            if (st.Condition !== undefined) out.Condition = parseConditions(st.Condition);
            return out;
        }),
    };
}

/** `IAMPolicyDoc.Merge`: the newer Id and Version win; a statement with a Sid already present replaces it. */
function merge(into: Doc, doc: Doc): void {
    if (doc.Id) into.Id = doc.Id;
    if (doc.Version > into.Version) into.Version = doc.Version;
    for (const statement of doc.Statement) {
        const at = statement.Sid ? into.Statement.findIndex(s => s.Sid === statement.Sid) : -1;
        if (at >= 0) into.Statement[at] = statement;
        else into.Statement.push(statement);
    }
}

function principalJson(principals: Principal[]): Json {
    if (principals.length === 1) {
        const [p] = principals;
        const ids = p!.identifiers;
        if (p!.type === "*" && (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*"))) return "*";
    }
    const raw: Record<string, string | string[]> = {};
    for (const p of principals) {
        const current = raw[p.type];
        const ids = typeof p.identifiers === "string" ? [p.identifiers] : [...p.identifiers].sort(reverse);
        if (current === undefined) raw[p.type] = typeof p.identifiers === "string" ? p.identifiers : ids;
        else raw[p.type] = [...(typeof current === "string" ? [current] : current), ...ids];
    }
    return sortedKeys(raw) as Json;
}

function conditionJson(conditions: Condition[]): Json {
    const raw: Record<string, Record<string, string[]>> = {};
    for (const c of conditions) {
        const byVariable = (raw[c.test] ??= {});
        (byVariable[c.variable] ??= []).push(...(typeof c.values === "string" ? [c.values] : c.values));
    }
    const out: Record<string, Record<string, string | string[]>> = {};
    for (const [test, variables] of Object.entries(raw)) {
        out[test] = {};
        for (const [variable, values] of Object.entries(variables)) out[test]![variable] = values.length === 1 ? values[0]! : values;
    }
    return sortedKeys(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sortedKeys(v)]))) as Json;
}

function sortedKeys<T>(obj: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.keys(obj).sort().map(k => [k, obj[k]!]));
}

function empty(value: Json | undefined): boolean {
    return value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/** The document in the field order and with the `omitempty` rules of the provider's Go structs. */
function toJson(doc: Doc): Json {
    const out: Record<string, Json> = {};
    if (doc.Version) out.Version = doc.Version;
    if (doc.Id) out.Id = doc.Id;
    if (doc.Statement.length > 0) {
        out.Statement = doc.Statement.map(s => {
            const st: Record<string, Json> = {};
            if (s.Sid) st.Sid = s.Sid;
            if (s.Effect) st.Effect = s.Effect;
            for (const key of ["Action", "NotAction", "Resource", "NotResource"] as const) if (!empty(s[key])) st[key] = s[key]!;
            if (s.Principal && s.Principal.length > 0) st.Principal = principalJson(s.Principal);
            if (s.NotPrincipal && s.NotPrincipal.length > 0) st.NotPrincipal = principalJson(s.NotPrincipal);
            if (s.Condition && s.Condition.length > 0) st.Condition = conditionJson(s.Condition);
            return st;
        });
    }
    return out;
}

/** Go's encoding/json escapes these in strings (HTML safety and JavaScript line terminators). */
function goEscape(json: string): string {
    return json.replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The provider's `create.StringHashcode`: the CRC-32 of the text as a non-negative int. */
function hashcode(text: string): number {
    const v = crc32(text) | 0;
    return v >= 0 ? v : -v;
}

/** The result of `aws:iam/getPolicyDocument:getPolicyDocument` for `args`. */
export function policyDocument(args: PolicyDocumentArgs): Record<string, unknown> {
    const merged: Doc = { Version: "", Id: "", Statement: [] };
    const sids = new Set<string>();
    (args.sourcePolicyDocuments ?? []).forEach((text, index) => {
        const source = parseDocument(text, `source document ${index}`);
        source.Statement.forEach((s, stmtIndex) => {
            if (!s.Sid) return;
            if (sids.has(s.Sid)) {
                throw new PolicyDocumentError(`writing IAM Policy Document: merging source document ${index}: duplicate Sid (${s.Sid}) ` +
                    `in source_policy_documents (statement ${stmtIndex}). Remove the Sid or ensure Sids are unique.`);
            }
            sids.add(s.Sid);
        });
        merge(merged, source);
    });
    const version = args.version ?? "2012-10-17";
    if (version !== "2008-10-17" && version !== "2012-10-17") {
        throw new PolicyDocumentError(`expected version to be one of ["2008-10-17" "2012-10-17"], got ${version}`);
    }
    const doc: Doc = { Version: version, Id: args.policyId ?? "", Statement: [] };
    const seen = new Set<string>();
    for (const s of args.statements ?? []) {
        const effect = s.effect ?? "Allow";
        if (effect !== "Allow" && effect !== "Deny") throw new PolicyDocumentError(`expected effect to be one of ["Allow" "Deny"], got ${effect}`);
        const st: Statement = { Effect: effect };
        if (s.sid !== undefined) {
            if (seen.has(s.sid)) throw new PolicyDocumentError(`writing IAM Policy Document: duplicate Sid (${s.sid}). Remove the Sid or ensure the Sid is unique.`);
            if (s.sid) {
                seen.add(s.sid);
                st.Sid = s.sid;
            }
        }
        if (s.actions?.length) st.Action = stringSet(s.actions);
        if (s.notActions?.length) st.NotAction = stringSet(s.notActions);
        if (s.resources?.length) st.Resource = replaceVarsIn(stringSet(s.resources), version);
        if (s.notResources?.length) st.NotResource = replaceVarsIn(stringSet(s.notResources), version);
        if (s.principals?.length) st.Principal = principalsOf(s.principals, version);
        if (s.notPrincipals?.length) st.NotPrincipal = principalsOf(s.notPrincipals, version);
        if (s.conditions?.length) {
            st.Condition = s.conditions.map(c => {
                const values = replaceVarsIn(c.values ?? [], version) as string[];
                return { test: c.test, variable: c.variable, values: values.length === 1 ? values[0]! : values };
            });
        }
        doc.Statement.push(st);
    }
    merge(merged, doc);
    (args.overridePolicyDocuments ?? []).forEach((text, index) => merge(merged, parseDocument(text, `override document ${index}`)));
    const value = toJson(merged);
    const json = goEscape(JSON.stringify(value, null, 2));
    return {
        ...args,
        version,
        id: String(hashcode(json)),
        json,
        minifiedJson: goEscape(JSON.stringify(value)),
    };
}
