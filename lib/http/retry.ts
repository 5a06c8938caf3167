/**
 * The retry rules the request helper needs on every request: the policy with
 * its defaults and checks, and whether an outcome may be worth a retry at all.
 * The retries themselves (which outcomes are retried, the wait, the budget) are
 * in `retry_loop.ts`, loaded when a request first fails.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { MAX_TIMER_MS } from "./deadline.ts";
import type { Outcome } from "./attempt.ts";
import type { PlexResponse, RetryPolicy } from "./types.ts";

const DEFAULT_RETRY: Required<RetryPolicy> = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  rateLimitDelayMs: 1_000,
};

/**
 * The names of a retry policy's settings, read from its defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RETRY_SETTINGS } from "./retry.ts";
 * assert.ok(RETRY_SETTINGS.includes("retries"));
 * ```
 */
export const RETRY_SETTINGS: readonly string[] = Object.keys(DEFAULT_RETRY);

/**
 * The policy with its defaults filled in.
 *
 * @param settings The configured policy, partial or absent.
 * @returns The complete policy.
 * @throws {PlexError} `invalid_argument` for a value that is not a number of 0 or more (`retries`: a whole one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryPolicy } from "./retry.ts";
 * assert.equal(retryPolicy({ retries: 5 }).baseDelayMs, 250);
 * ```
 */
export function retryPolicy(settings: Partial<RetryPolicy> | undefined): Required<RetryPolicy> {
  const policy = { ...DEFAULT_RETRY };
  for (const name of RETRY_SETTINGS as (keyof RetryPolicy)[]) {
    const value = settings?.[name];
    if (value === undefined) continue;
    const finite = name !== "retries" && name !== "maxRetryAfterMs";
    if (
      typeof value !== "number" || !(value >= 0) || (finite && !Number.isFinite(value)) ||
      (name === "retries" && value !== Infinity && !Number.isInteger(value))
    ) {
      throw new PlexError(
        "invalid_argument",
        `The retry policy's ${name} must be a ${name === "retries" ? "whole number" : "number"}, 0 or more`,
      );
    }
    policy[name] = name === "retries" ? value : Math.min(value, MAX_TIMER_MS);
  }
  return policy;
}

/**
 * Whether an attempt may be worth trying again, without reading its body: a
 * failure of an idempotent request, or of any request whose connection was
 * refused; an idempotent request answered with a 4xx (plex.tv may say 1003, rate
 * limited, in the body) or a 5xx other than 501. `send` loads the retries
 * (`retry_loop.ts`, which decides exactly) only when this says yes, so a
 * request that succeeds never reads an error body or loads the retries.
 *
 * @param outcome The attempt's outcome.
 * @param idempotent Whether the request may be repeated safely.
 * @returns `false` when no retry can be allowed.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayRetry } from "./retry.ts";
 * const response = (status: number) => ({ response: { status, headers: new Headers(), body: "", url: "" } });
 * assert.ok(mayRetry(response(503), true) && mayRetry(response(400), true));
 * assert.ok(!mayRetry(response(200), true) && !mayRetry(response(501), true) && !mayRetry(response(503), false));
 * ```
 */
export function mayRetry(outcome: Outcome, idempotent: boolean): boolean {
  const { response, failure } = outcome;
  if (failure) return idempotent || outcome.refused;
  return idempotent && response.status >= 400 && response.status !== 501;
}

/**
 * The outcome as the caller sees it: the response, or its failure thrown.
 *
 * @param outcome The attempt's outcome.
 * @returns The response.
 * @throws {PlexError} the attempt's failure (`network_error`, `timeout`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answer } from "./retry.ts";
 * assert.equal(answer({ response: { status: 200, headers: new Headers(), body: "", url: "" } }).status, 200);
 * ```
 */
export function answer(outcome: Outcome): PlexResponse {
  if (outcome.failure) throw outcome.failure;
  return outcome.response;
}
