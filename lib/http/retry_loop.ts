/**
 * The request helper's retries, loaded when a request first fails (a request
 * that succeeds at once never loads them): which outcomes are retried (rate
 * limits read from the error body), `Retry-After` or backoff with full jitter,
 * the retry budget, and the wait, which the caller's signal ends.
 *
 * @module
 */
import { systemClock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { Outcome } from "./attempt.ts";
import { parseErrorBody } from "./error_body.ts";
import { answer } from "./retry.ts";
import { parseRetryAfter } from "./retry_after.ts";
import { RetryBudget } from "./retry_budget.ts";
import { sharedState } from "./shared_state.ts";
import type { CallOptions, PlexRequest, PlexResponse, RequestContext, RetryPolicy } from "./types.ts";

/** What the retries of one request need from `send`. */
export interface RetryPlan {
  /** The configuration (clock, retry budget). */
  context: RequestContext;
  /** The request. */
  request: PlexRequest;
  /** The caller's options (its signal ends a wait). */
  options: CallOptions;
  /** The complete policy. */
  policy: Required<RetryPolicy>;
  /** Whether the request may be repeated safely. */
  idempotent: boolean;
  /** Where retries are logged. */
  logger: Logger;
  /** Makes one more attempt. */
  attempt(): Promise<Outcome>;
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
 * import { isRateLimited } from "./retry_loop.ts";
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
 * import { isRetryable } from "./retry_loop.ts";
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
 * Retries after `first` as the policy, `Retry-After` and the budget allow,
 * and answers the last outcome.
 *
 * @param plan The request and how to attempt it again.
 * @param first The first attempt's outcome.
 * @returns The response.
 * @throws {PlexError} the last failure, or `aborted` when the caller's signal ends a wait.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryLoop } from "./retry_loop.ts";
 * import { retryPolicy } from "./retry.ts";
 * const waits: number[] = [];
 * const clock = { now: () => 0, random: () => 0.5, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
 * const ok = { response: { status: 200, headers: new Headers(), body: "{}", url: "" } };
 * const busy = { response: { status: 503, headers: new Headers(), body: "", url: "" } };
 * const response = await retryLoop({
 *   context: { url: "", v2Url: "", clientId: "id", device: {}, http: { clock } },
 *   request: { method: "GET", host: "url", path: "/" },
 *   options: {},
 *   policy: retryPolicy({}),
 *   idempotent: true,
 *   logger: console,
 *   attempt: () => Promise.resolve(ok),
 * }, busy);
 * assert.equal(response.status, 200);
 * assert.deepEqual(waits, [125]);
 * ```
 */
export async function retryLoop(plan: RetryPlan, first: Outcome): Promise<PlexResponse> {
  const { context, request, options, policy, idempotent, logger } = plan;
  const clock = context.http.clock ?? systemClock;
  // A configuration given no budget draws from the one its copies share, made at its first retry.
  const shared = sharedState(context.http);
  const budget = context.http.retryBudget ?? (shared ? shared.retryBudget ??= new RetryBudget() : undefined);
  let outcome = first;
  for (let attempt = 0;; attempt++) {
    if (!isRetryable(outcome, idempotent) || attempt >= policy.retries) return answer(outcome);
    const { response, failure } = outcome;
    const rateLimited = response !== undefined && isRateLimited(response);
    const retryAfterMs = response
      ? parseRetryAfter(response.headers.get("retry-after"), clock.now())
      : undefined;
    if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
      logger.debug(`Not retrying: plex.tv asked to wait ${Math.ceil(retryAfterMs / 1000)} s`);
      return answer(outcome);
    }
    const reason = failure
      ? failure.message
      : `status ${response.status}${rateLimited ? " (rate limited)" : ""}`;
    if (budget && !budget.tryAcquire()) {
      logger.warn(`Not retrying ${request.method} ${request.path}: the retry budget is spent (${reason})`);
      return answer(outcome);
    }
    const delay = retryDelay(policy, attempt, retryAfterMs, rateLimited, clock.random());
    logger.debug(`Retrying ${request.method} ${request.path} in ${Math.round(delay)} ms (${reason})`);
    await clock.sleep(delay, options.signal);
    outcome = await plan.attempt();
  }
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
 * import { retryDelay } from "./retry_loop.ts";
 * import { retryPolicy } from "./retry.ts";
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
