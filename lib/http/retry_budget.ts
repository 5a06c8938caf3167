/**
 * The retry budget: a token bucket every retry of a configuration draws from,
 * so a storm of failures across many concurrent calls cannot multiply the
 * load on plex.tv (or loop), whatever the per-call retry count says.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * Options of a {@linkcode RetryBudget}.
 *
 * @example
 * ```ts
 * import type { RetryBudgetOptions } from "./retry_budget.ts";
 * const strict: RetryBudgetOptions = { capacity: 5, refillPerSecond: 0.2 };
 * ```
 */
export interface RetryBudgetOptions {
  /** How many retries may happen back to back (the bucket's size, full at start). Default 20. */
  capacity?: number;
  /** Retries regained per second, up to `capacity`. Default 1. */
  refillPerSecond?: number;
  /** The clock in milliseconds (for tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * A token bucket of retries, shared by every request made with one `Config`
 * (and the configs derived from it with `with*`, which keep its HTTP settings).
 * A `Config` given none makes one with the defaults at its first retry.
 *
 * Each retry — after a network error, a 5xx, a 429 or Plex code 1003 — takes
 * one token; first attempts are free. When the bucket is empty the failure is
 * answered at once, as if retries were off, until tokens come back at
 * `refillPerSecond`. With the defaults (20, 1/s) a burst of failures costs at
 * most 20 extra requests, and a lasting outage at most one extra request per
 * second, however many calls are in flight and however high `retry.retries` is.
 *
 * @example Sharing a budget between configurations
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { RetryBudget } from "./retry_budget.ts";
 * const budget = new RetryBudget({ capacity: 5, refillPerSecond: 0.5 });
 * const config = defaultConfig().withHttp({ retryBudget: budget });
 * assert.equal(config.withClientId("id").http.retryBudget, budget);
 * assert.ok(budget.tryAcquire() && budget.available < 5);
 * ```
 */
export class RetryBudget {
  /** The bucket's size. */
  readonly capacity: number;
  /** Retries regained per second. */
  readonly refillPerSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /**
   * Creates a full bucket.
   *
   * @param options Capacity, refill rate and clock.
   * @throws {PlexError} `invalid_argument` when the capacity or the rate is negative or not a number.
   */
  constructor(options: RetryBudgetOptions = {}) {
    const capacity = options.capacity ?? 20;
    const refill = options.refillPerSecond ?? 1;
    if (typeof capacity !== "number" || !(capacity >= 0)) {
      throw new PlexError("invalid_argument", "A retry budget's capacity is a number of retries, 0 or more");
    }
    if (typeof refill !== "number" || !(refill >= 0)) {
      throw new PlexError(
        "invalid_argument",
        "A retry budget's refill rate is a number of retries per second, 0 or more",
      );
    }
    this.capacity = capacity;
    this.refillPerSecond = refill;
    this.#now = options.now ?? Date.now;
    this.#tokens = capacity;
    this.#updatedAt = this.#now();
  }

  /** The retries available now (fractional while refilling). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Takes one retry from the bucket, when there is one.
   *
   * @returns `true` when the retry may happen; `false` when the budget is spent.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryBudget } from "./retry_budget.ts";
   * const budget = new RetryBudget({ capacity: 1, refillPerSecond: 0 });
   * assert.ok(budget.tryAcquire() === true && budget.tryAcquire() === false);
   * ```
   */
  tryAcquire(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#updatedAt = now;
    if (elapsed === 0 || this.#tokens >= this.capacity || this.refillPerSecond === 0) return;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
  }
}
