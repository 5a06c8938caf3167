/**
 * The retry rules of the request helper: the policy with its defaults and
 * checks, which responses are rate limiting, and the wait before a retry
 * (`Retry-After`, else exponential backoff with full jitter).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { MAX_TIMER_MS } from "./deadline.ts";
import { parseErrorBody } from "./error_body.ts";
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
 * The wait before retry `attempt + 1`: `Retry-After` when given, else
 * `baseDelayMs · 2^attempt` (capped at `maxDelayMs`) times `random`, plus the
 * rate-limit floor when rate limited.
 *
 * @param policy The complete policy.
 * @param attempt The attempt that failed, from 0.
 * @param retryAfterMs The server's `Retry-After`, in milliseconds.
 * @param rateLimited Whether the failure was a rate limit.
 * @param random A number in [0, 1): the jitter.
 * @returns The delay in milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryDelay, retryPolicy } from "./retry.ts";
 * assert.equal(retryDelay(retryPolicy({}), 2, undefined, false, 0.5), 500);
 * ```
 */
export function retryDelay(
  policy: Required<RetryPolicy>,
  attempt: number,
  retryAfterMs: number | undefined,
  rateLimited: boolean,
  random: number,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30)) * random;
  return rateLimited ? policy.rateLimitDelayMs + backoff : backoff;
}
