/**
 * The retry rules of the request helper: the policy with its defaults and
 * checks, which responses are rate limiting and which outcomes may be retried.
 * The retries themselves (the wait, the budget) are in `retry_loop.ts`.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { MAX_TIMER_MS } from "./deadline.ts";
import { parseErrorBody } from "./error_body.ts";
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
 * The policy with its defaults filled in.
 *
 * @param settings The configured policy, partial or absent.
 * @returns The complete policy.
 * @throws {PlexError} `invalid_argument` for a value that is not a number of 0 or more.
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
  for (const name of Object.keys(DEFAULT_RETRY) as (keyof RetryPolicy)[]) {
    const value = settings?.[name];
    if (value === undefined) continue;
    const finite = name !== "retries" && name !== "maxRetryAfterMs";
    if (typeof value !== "number" || !(value >= 0) || (finite && !Number.isFinite(value))) {
      throw new PlexError("invalid_argument", `The retry policy's ${name} must be a number, 0 or more`);
    }
    policy[name] = name === "retries" ? Math.floor(value) : Math.min(value, MAX_TIMER_MS);
  }
  return policy;
}

/**
 * Whether plex.tv is rate limiting: 429, or Plex code 1003 in an error body.
 *
 * @param response The response.
 * @returns `true` when rate limited.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRateLimited } from "./retry.ts";
 * assert.ok(isRateLimited({ status: 429, headers: new Headers(), body: "", url: "" }));
 * ```
 */
export function isRateLimited(response: PlexResponse): boolean {
  if (response.status === 429) return true;
  return response.status >= 400 && parseErrorBody(response.body).some((detail) => detail.code === 1003);
}

/**
 * Whether an attempt may be tried again: a failure of an idempotent request,
 * or of any request whose connection was refused (nothing reached plex.tv); an
 * idempotent request answered with a rate limit or a 5xx other than 501.
 *
 * @param outcome The attempt's outcome.
 * @param idempotent Whether the request may be repeated safely.
 * @returns `true` when a retry is allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRetryable } from "./retry.ts";
 * const response = { status: 503, headers: new Headers(), body: "", url: "" };
 * assert.ok(isRetryable({ response }, true) && !isRetryable({ response }, false));
 * ```
 */
export function isRetryable(outcome: Outcome, idempotent: boolean): boolean {
  const { response, failure } = outcome;
  if (failure) return idempotent || outcome.refused;
  return idempotent && (isRateLimited(response) || (response.status >= 500 && response.status !== 501));
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
