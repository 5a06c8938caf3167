/**
 * The time limit of one request: a timer composed with the caller's signal,
 * telling a timeout (`timeout`) from the caller giving up (`aborted`).
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/** The longest delay a timer can wait (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A running time limit. */
export interface Deadline {
  /** Fires on timeout or when the caller aborts: pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** Throws `aborted` or `timeout` if either happened (with `cause` as the cause of a timeout). */
  check(cause?: unknown): void;
  /** Stops the timer and removes the listeners on the caller's signal. */
  dispose(): void;
}

/**
 * Starts a time limit of `timeoutMs`, linked to `callerSignal`. Call
 * `dispose()` when the request is over, so a long-lived caller signal does not
 * collect one listener per request. One controller and one timer per attempt;
 * a listener on the caller's signal only when there is one.
 *
 * @param timeoutMs The limit.
 * @param callerSignal The caller's signal, if any.
 * @returns The deadline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startDeadline } from "./deadline.ts";
 * const caller = new AbortController();
 * const deadline = startDeadline(60_000, caller.signal);
 * caller.abort();
 * assert.ok(deadline.signal.aborted);
 * assert.throws(() => deadline.check(), { code: "aborted" });
 * deadline.dispose();
 * ```
 */
export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.min(timeoutMs, MAX_TIMER_MS));
  const onCallerAbort = () => controller.abort(callerSignal!.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    check(cause?: unknown): void {
      if (callerSignal?.aborted) {
        throw new PlexError("aborted", "The request was aborted", { cause: callerSignal.reason });
      }
      if (timedOut) throw new PlexError("timeout", `The request timed out after ${timeoutMs} ms`, { cause });
    },
    dispose(): void {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/**
 * Checks a timer option: a whole number of milliseconds from 1 to {@linkcode MAX_TIMER_MS} (a
 * longer one would fire at once, a fraction is refused by some backends).
 *
 * @param value The option's value.
 * @param what The option, for the message (`connectTimeoutMs`).
 * @returns The value.
 * @throws {PlexError} `invalid_argument` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timerMs } from "./deadline.ts";
 * assert.equal(timerMs(1_500, "lockTtlMs"), 1_500);
 * assert.throws(() => timerMs(1500.5, "lockTtlMs"), { code: "invalid_argument" });
 * ```
 */
export function timerMs(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new PlexError(
      "invalid_argument",
      `${what} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`,
    );
  }
  return value;
}

/**
 * Checks a timeout option: absent (`undefined`), or a number of milliseconds above 0. A longer one
 * than a timer can wait is kept: {@linkcode startDeadline} waits as long as a timer can.
 *
 * @param value The option's value.
 * @param what The option, for the message (`timeoutMs`, or `The timeout`).
 * @returns The value.
 * @throws {PlexError} `invalid_argument` otherwise (`null`, `NaN`, 0, a string, ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeoutMs } from "./deadline.ts";
 * assert.equal(timeoutMs(undefined, "timeoutMs") ?? 10_000, 10_000);
 * assert.equal(timeoutMs(2.5, "timeoutMs"), 2.5);
 * assert.throws(() => timeoutMs(0, "timeoutMs"), { message: "timeoutMs must be a number of milliseconds above 0" });
 * ```
 */
export function timeoutMs(value: unknown, what: string): number | undefined {
  if (value === undefined || (typeof value === "number" && value > 0)) return value;
  throw new PlexError("invalid_argument", `${what} must be a number of milliseconds above 0`);
}
