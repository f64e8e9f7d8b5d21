/**
 * The estimate of a plan: each cell's and the shared part's fixed and variable monthly cost by service, the total,
 * the cost per million API requests and the marginal cost of one more cell, with the figures derived on the way.
 * Reads the plan (graph.ts, model.ts), derives the month's quantities (derive.ts) and prices them (ledger.ts) —
 * the usage derivation never sees a price. Pure.
 */
import { DerivedFigure, SourceKinds, derive } from "./derive";
import { PlanGraph, PlanResource } from "./graph";
import { ByService, Charge, FreeTierCredit, SHARED, emptyByService, freeTierCredit, marginalCost, price } from "./ledger";
import { Model, modelOf } from "./model";
import { PriceBook, loadPriceBook } from "./prices";
import { Usage, hasTraffic } from "./usage";

export interface PartEstimate {
    fixedMonthlyUsd: number;
    variableMonthlyUsd: number;
    byService: ByService;
}

export interface CellEstimate extends PartEstimate {
    id: string;
}

/** The documented `--json` document. */
export interface EstimateDocument {
    stack: string;
    region: string;
    pricesDate: string;
    cells: CellEstimate[];
    shared: PartEstimate;
    totalMonthlyUsd: number;
    /** The total over the month's API requests, per million; null without requests. */
    perMillionRequestsUsd: number | null;
    marginalCellMonthlyUsd: number;
    derived: DerivedFigure[];
    /** Only with the free tier asked for: what the always-free allowances would take off (per account). */
    freeTier?: { monthlyUsd: number; byService: ByService };
}

export interface Estimate {
    document: EstimateDocument;
    charges: Charge[];
    /** Each charge's cost, in the order of `charges`. */
    costs: number[];
    model: Model;
    notes: string[];
    /** Whether the usage had traffic (without it, the estimate is the fixed cost alone). */
    traffic: boolean;
    entryRequests: number;
    /** The cell the marginal cell is priced like. */
    marginalLike?: string;
    freeTier?: FreeTierCredit;
}

export interface EstimateOptions {
    stack: string;
    usage: Usage;
    sources: SourceKinds;
    /** The price book; read for the plan's region when absent. */
    book?: PriceBook;
    pricesDir?: string;
    freeTier?: boolean;
}

const round = (n: number) => Math.round(n * 10000) / 10000;

function rounded<T extends PartEstimate>(p: T): T {
    return {
        ...p,
        fixedMonthlyUsd: round(p.fixedMonthlyUsd),
        variableMonthlyUsd: round(p.variableMonthlyUsd),
        byService: Object.fromEntries(Object.entries(p.byService).map(([k, v]) => [k, round(v)])) as ByService,
    };
}

/** The cell whose charges most cells share (a new cell gets the stack's defaults, like most); the latest on a tie. */
function typicalCell(model: Model, list: readonly Charge[]): string | undefined {
    const parts = new Map<string, string[]>(model.cells.map(c => [c.id, []]));
    for (const c of list) parts.get(c.owner)?.push(`${c.key}:${c.basis}:${c.quantity.toPrecision(9)}`);
    const signature = new Map([...parts].map(([id, own]) => [id, own.sort().join("|")]));
    const counts = new Map<string, number>();
    for (const s of signature.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    let best: string | undefined;
    let bestCount = 0;
    for (const cell of model.cells) {
        const n = counts.get(signature.get(cell.id)!)!;
        if (n >= bestCount) {
            best = cell.id;
            bestCount = n;
        }
    }
    return best;
}

export function estimate(resources: readonly PlanResource[], options: EstimateOptions): Estimate {
    const graph = new PlanGraph(resources);
    const model = modelOf(graph);
    const region = model.region;
    if (!region) throw new Error("the plan has no AWS provider with a region (aws:region)");
    const book = options.book ?? loadPriceBook(region, options.pricesDir);
    const traffic = hasTraffic(options.usage);
    const derivation = derive(model, options.usage, options.sources);
    const priced = price(derivation.charges, book);

    const part = (owner: string): PartEstimate => {
        const p = priced.byOwner.get(owner);
        return { fixedMonthlyUsd: p?.fixedUsd ?? 0, variableMonthlyUsd: p?.variableUsd ?? 0, byService: { ...(p?.byService ?? emptyByService()) } };
    };

    const like = typicalCell(model, derivation.charges);
    let marginal = 0;
    const derived = [...derivation.derived];
    if (like !== undefined) {
        const cells = model.cells.length;
        const extra: Charge[] = [
            ...derivation.charges.filter(c => c.owner === like),
            ...derivation.charges.filter(c => c.owner === SHARED && c.basis === "traffic").map(c => ({ ...c, quantity: c.quantity / cells })),
        ];
        marginal = marginalCost(derivation.charges, extra, book);
        derived.push({
            scope: [SHARED], figure: "marginal cost of one more cell", value: round(marginal), unit: "USD/month",
            how: `a cell like ${like} (the configuration most cells share), and its customers' share (1/${cells}) of the shared part's traffic, ` +
                "priced on top of this month's volume tiers",
        });
    }
    const free = options.freeTier ? freeTierCredit(derivation.charges, book) : undefined;
    const document: EstimateDocument = {
        stack: options.stack,
        region,
        pricesDate: book.pricesDate,
        cells: model.cells.map(c => rounded({ id: c.id, ...part(c.id) })),
        shared: rounded(part(SHARED)),
        totalMonthlyUsd: round(priced.totalUsd),
        perMillionRequestsUsd: derivation.entryRequests > 0 ? round(priced.totalUsd / (derivation.entryRequests / 1e6)) : null,
        marginalCellMonthlyUsd: round(marginal),
        derived,
        ...(free ? { freeTier: { monthlyUsd: round(free.totalUsd), byService: rounded({ fixedMonthlyUsd: 0, variableMonthlyUsd: 0, byService: free.byService }).byService } } : {}),
    };
    return {
        document, charges: derivation.charges, costs: priced.costs, model, notes: derivation.notes, traffic,
        entryRequests: derivation.entryRequests, ...(like !== undefined ? { marginalLike: like } : {}), ...(free ? { freeTier: free } : {}),
    };
}
