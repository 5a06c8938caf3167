// The retry budget's token bucket: capacity, refill over time, validation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPlexError } from "../../lib/errors.ts";
import { RetryBudget } from "../../lib/http/retry_budget.ts";

describe("RetryBudget", () => {
  it("allows `capacity` retries back to back, then none until it refills", () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ capacity: 3, refillPerSecond: 2, now: () => now });
    assert.deepEqual([1, 2, 3, 4].map(() => budget.tryAcquire()), [true, true, true, false]);
    now += 400; // 0.8 retries regained
    assert.equal(budget.tryAcquire(), false);
    now += 100; // 1.0
    assert.equal(budget.tryAcquire(), true);
    assert.equal(budget.tryAcquire(), false);
    now += 60_000; // refills to capacity, not beyond
    assert.equal(budget.available, 3);
  });

  it("with refillPerSecond 0, never refills; with an infinite capacity, never runs out", () => {
    let now = 0;
    const fixed = new RetryBudget({ capacity: 1, refillPerSecond: 0, now: () => now });
    assert.equal(fixed.tryAcquire(), true);
    now += 3_600_000;
    assert.equal(fixed.tryAcquire(), false);
    const unlimited = new RetryBudget({ capacity: Infinity });
    for (let i = 0; i < 1_000; i++) assert.equal(unlimited.tryAcquire(), true);
  });

  it("ignores a clock going backwards", () => {
    let now = 10_000;
    const budget = new RetryBudget({ capacity: 1, refillPerSecond: 1, now: () => now });
    budget.tryAcquire();
    now -= 5_000;
    assert.equal(budget.tryAcquire(), false);
    now += 1_000;
    assert.equal(budget.tryAcquire(), true);
  });

  it("defaults to 20 retries, one more per second", () => {
    const budget = new RetryBudget();
    assert.equal(budget.capacity, 20);
    assert.equal(budget.refillPerSecond, 1);
  });

  it("rejects negative or non-numeric settings with invalid_argument", () => {
    for (
      const options of [{ capacity: -1 }, { capacity: NaN }, { refillPerSecond: -0.5 }, { capacity: "5" }]
    ) {
      assert.throws(
        () => new RetryBudget(options as unknown as { capacity: number }),
        (e) => isPlexError(e, "invalid_argument"),
      );
    }
  });
});
