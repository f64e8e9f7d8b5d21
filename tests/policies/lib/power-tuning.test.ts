import { strict as assert } from "assert";
import { Choice, PowerStat, optimalStat } from "../../../policies/lib/power-tuning";

/**
 * The expectations of Power Tuning's own analyzer tests (alexcasalboni/aws-lambda-power-tuning,
 * test/unit/test-lambda.js, describe('analyzer'), at 262ecc2): the same stats must give the same power.
 */
const stat = (value: number, averagePrice: number, averageDuration: number): PowerStat => ({ value, averagePrice, averageDuration });
const CASES: Array<[string, Choice, PowerStat[], number]> = [
    ["the cheapest (cost)", { strategy: "cost", balancedWeight: 0.5 }, [stat(128, 100, 100), stat(256, 200, 300), stat(512, 30, 200)], 512],
    ["the cheapest, then the fastest at the same cost", { strategy: "cost", balancedWeight: 0.5 }, [stat(128, 100, 100), stat(256, 100, 90), stat(512, 300, 200)], 256],
    ["the fastest (speed)", { strategy: "speed", balancedWeight: 0.5 }, [stat(128, 100, 300), stat(256, 200, 200), stat(512, 300, 100)], 512],
    ["the fastest, then the cheapest at the same duration", { strategy: "speed", balancedWeight: 0.5 }, [stat(128, 100, 200), stat(256, 90, 200), stat(512, 300, 400)], 256],
    ["balanced, weight 1 (the cheapest)", { strategy: "balanced", balancedWeight: 1 }, [stat(128, 100, 100), stat(256, 200, 300), stat(512, 30, 200)], 512],
    ["balanced, weight 0 (the fastest)", { strategy: "balanced", balancedWeight: 0 }, [stat(128, 100, 300), stat(256, 200, 200), stat(512, 300, 100)], 512],
    ["balanced, the default weight 0.5", { strategy: "balanced", balancedWeight: 0.5 }, [stat(128, 101, 300), stat(256, 200, 200), stat(512, 300, 101)], 256],
    ["balanced, weight 0.3", { strategy: "balanced", balancedWeight: 0.3 }, [stat(128, 100, 300), stat(256, 200, 200), stat(512, 300, 100), stat(1024, 1000, 50)], 512],
];

describe("Power Tuning's strategies (policies/lib/power-tuning.ts)", () => {
    for (const [name, choice, stats, power] of CASES) {
        it(`picks ${name} as Power Tuning's analyzer does: ${power} MB`, () => {
            assert.equal(optimalStat(stats, choice)?.value, power);
        });
    }

    it("ignores entries without an average duration, as the analyzer drops an executor's empty results", () => {
        assert.equal(optimalStat([stat(128, 0, 0), stat(256, 5, 10)], { strategy: "cost", balancedWeight: 0.5 })?.value, 256);
        assert.equal(optimalStat([stat(128, 0, 0)], { strategy: "cost", balancedWeight: 0.5 }), undefined);
    });

    it("clamps a balanced weight outside 0-1, as the analyzer does", () => {
        const stats = [stat(128, 100, 300), stat(256, 200, 200), stat(512, 300, 100)];
        assert.equal(optimalStat(stats, { strategy: "balanced", balancedWeight: 7 })?.value, 128);
        assert.equal(optimalStat(stats, { strategy: "balanced", balancedWeight: -2 })?.value, 512);
    });
});
