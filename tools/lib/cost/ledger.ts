/**
 * The ledger: every billable quantity the derivation found, with who it belongs to (a cell, or the shared part) and
 * why it is billed (a resource that exists, the stack's own clock, or traffic), priced against a price book.
 *
 * Volume tiers apply to a month's total of a price across the account, so a quantity is priced as part of the
 * stack's total and each charge gets its share of that total's cost. Pure.
 */
import { Quantities } from "./formulas";
import { PRICE_KEY_LIST, PriceBook, PriceKey, SERVICES, Service, serviceOf, tieredCost } from "./prices";

/** The owner of what is outside every cell. */
export const SHARED = "shared";

/**
 * Why a quantity is billed: `resource`: the resource exists (provisioned concurrency, shards, alarms, dashboards,
 * keys, idle polling); `clock`: the stack's own schedules run; `traffic`: what arrives from outside, and what it sets
 * off. The fixed cost is `resource` and `clock`: what a cell costs with no traffic.
 */
export type Basis = "resource" | "clock" | "traffic";

export interface Charge {
    /** A cell id, or {@link SHARED}. */
    owner: string;
    key: PriceKey;
    quantity: number;
    basis: Basis;
    /** The URN of the resource billed, when one is. */
    resource?: string;
}

export function isFixed(basis: Basis): boolean {
    return basis !== "traffic";
}

/** Charges of one owner and basis from quantities. */
export function charges(owner: string, basis: Basis, q: Quantities, resource?: string): Charge[] {
    return (Object.entries(q) as Array<[PriceKey, number]>)
        .filter(([, quantity]) => quantity > 0)
        .map(([key, quantity]) => ({ owner, key, quantity, basis, ...(resource ? { resource } : {}) }));
}

export type ByService = Record<Service, number>;

export function emptyByService(): ByService {
    return Object.fromEntries(SERVICES.map(s => [s, 0])) as ByService;
}

export interface OwnerCost {
    fixedUsd: number;
    variableUsd: number;
    byService: ByService;
}

export interface Priced {
    byOwner: Map<string, OwnerCost>;
    /** Each charge's cost, in the order given. */
    costs: number[];
    totalUsd: number;
    /** Total quantity of each price key. */
    totals: Map<PriceKey, number>;
}

function totalsOf(list: readonly Charge[]): Map<PriceKey, number> {
    const totals = new Map<PriceKey, number>();
    for (const c of list) totals.set(c.key, (totals.get(c.key) ?? 0) + c.quantity);
    return totals;
}

/** Prices every charge: each key's total through its tiers, shared out in proportion to quantity. */
export function price(list: readonly Charge[], book: PriceBook): Priced {
    const totals = totalsOf(list);
    const costOfKey = new Map<PriceKey, number>();
    for (const [key, quantity] of totals) costOfKey.set(key, tieredCost(quantity, book.prices[key].tiers));
    const byOwner = new Map<string, OwnerCost>();
    const costs: number[] = [];
    let totalUsd = 0;
    for (const c of list) {
        const total = totals.get(c.key)!;
        const cost = total > 0 ? costOfKey.get(c.key)! * (c.quantity / total) : 0;
        costs.push(cost);
        totalUsd += cost;
        let owner = byOwner.get(c.owner);
        if (!owner) {
            owner = { fixedUsd: 0, variableUsd: 0, byService: emptyByService() };
            byOwner.set(c.owner, owner);
        }
        if (isFixed(c.basis)) owner.fixedUsd += cost;
        else owner.variableUsd += cost;
        owner.byService[serviceOf(c.key)] += cost;
    }
    return { byOwner, costs, totalUsd, totals };
}

/** What `extra` adds to the month's bill on top of `base`: each key priced from where the base's total ends. */
export function marginalCost(base: readonly Charge[], extra: readonly Charge[], book: PriceBook): number {
    const before = totalsOf(base);
    let cost = 0;
    for (const [key, quantity] of totalsOf(extra)) cost += tieredCost(quantity, book.prices[key].tiers, before.get(key) ?? 0);
    return cost;
}

export interface FreeTierCredit {
    /** What the always-free allowances take off the month's bill, by service. */
    byService: ByService;
    totalUsd: number;
}

/**
 * What the always-free allowances take off: each allowance's units are the first units of the month, taken from its
 * keys in order. Per account, so it is shown apart from the estimate and never in a cell's figures.
 */
export function freeTierCredit(list: readonly Charge[], book: PriceBook): FreeTierCredit {
    const totals = totalsOf(list);
    const byService = emptyByService();
    let totalUsd = 0;
    for (const pool of book.freeTier) {
        let left = pool.quantity;
        for (const key of pool.keys) {
            const quantity = totals.get(key) ?? 0;
            const used = Math.min(left, quantity);
            if (used <= 0) continue;
            left -= used;
            const tiers = book.prices[key].tiers;
            const credit = tieredCost(quantity, tiers) - tieredCost(quantity - used, tiers, used);
            byService[serviceOf(key)] += credit;
            totalUsd += credit;
        }
    }
    return { byService, totalUsd };
}

/** The quantity of each price key, in the registry's order (for tests and the derivation's notes). */
export function quantitiesOf(list: readonly Charge[], filter: (c: Charge) => boolean = () => true): Quantities {
    const out: Quantities = {};
    for (const key of PRICE_KEY_LIST) {
        const q = list.filter(c => c.key === key && filter(c)).reduce((n, c) => n + c.quantity, 0);
        if (q > 0) out[key] = q;
    }
    return out;
}
