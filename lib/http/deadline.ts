/**
 * The time limit of one request, composed with the caller's signal, telling a
 * timeout (`timeout`) from the caller giving up (`aborted`). One timer serves
 * every running limit: it waits for the soonest, and a limit that ends takes
 * its entry out of the set. On Deno a timer set and cleared per request cost
 * more than the rest of the request helper; a process with no request
 * running has no timer, so it can exit.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOptionNames } from "./options.ts";

/** The longest delay a timer can wait (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A running time limit. */
export interface Deadline {
  /** Fires on timeout or when the caller aborts: pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** Throws `aborted` or `timeout` if either happened (with `cause` as the cause of a timeout). */
  check(cause?: unknown): void;
  /** Ends the limit (its timer no longer waits for it) and removes the listener on the caller's signal. */
  dispose(): void;
}

/** Every running time limit of this process: its controller, and when it ends (`performance.now()` time). */
const running = new Map<AbortController, number>();
let timer: ReturnType<typeof setTimeout> | undefined;
/** When the timer fires (`Infinity` when there is none). */
let timerAt = Infinity;

/** Sets the one timer to fire at `at`, or stops it (`Infinity`). */
function wake(at: number): void {
  clearTimeout(timer);
  timerAt = at;
  // Never below 0: Deno and Node warn about a negative delay.
  timer = at < Infinity ? setTimeout(expire, Math.max(0, at - performance.now())) : undefined;
}

/**
 * Ends every limit that ran out, then waits for the soonest of the others. An abort listener may
 * end others: when none is left, no timer; when some are, one that ended may wake it early, to no effect.
 */
function expire(): void {
  const now = performance.now();
  let next = Infinity;
  for (const [controller, at] of running) {
    if (at > now) next = Math.min(next, at);
    else {
      running.delete(controller);
      controller.abort();
    }
  }
  wake(running.size ? next : Infinity);
}

/**
 * Starts a time limit of `timeoutMs`, linked to `callerSignal`. Call
 * `dispose()` when the request is over: it takes the limit out of the timer's
 * set, and removes the listener on a long-lived caller signal. One controller
 * per attempt; a listener on the caller's signal only when there is one.
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
  const at = performance.now() + Math.min(timeoutMs, MAX_TIMER_MS);
  running.set(controller, at);
  if (at < timerAt) wake(at);
  const onCallerAbort = () => controller.abort(callerSignal!.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    check(cause?: unknown): void {
      if (callerSignal?.aborted) {
        throw new PlexError("aborted", "The request was aborted", { cause: callerSignal.reason });
      }
      // Aborted, not by the caller: by the timer.
      if (controller.signal.aborted) {
        throw new PlexError("timeout", `The request timed out after ${timeoutMs} ms`, { cause });
      }
    },
    dispose(): void {
      running.delete(controller);
      if (!running.size) wake(Infinity);
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

/** The options every call takes; a call with more names them ({@linkcode checkCallOptions}). */
const CALL_OPTIONS: readonly string[] = ["signal", "fetch", "timeoutMs"];

/**
 * Checks a call's options: an object, whose signal is an AbortSignal and fetch a function (its
 * timeout is checked with the configuration's), and, when `names` is given, with no option but
 * `signal`, `fetch`, `timeoutMs` and `names` (a misspelt `timeoutMs` would be dropped). A call
 * refuses them before it asks for a token or sends.
 *
 * @param options The call's options.
 * @param names The call's own options beyond the common ones; without it, names are not checked
 *   (the request helper, which an endpoint hands its whole options).
 * @param what The call, for the message.
 * @throws {PlexError} `invalid_argument` for options that are not an object, a signal that is not an
 *   AbortSignal, a fetch that is not a function, or an option the call does not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCallOptions } from "./deadline.ts";
 * checkCallOptions({ signal: AbortSignal.timeout(1_000) }, []);
 * assert.throws(() => checkCallOptions({ signal: 5 as never }), { code: "invalid_argument" });
 * assert.throws(() => checkCallOptions({ timeoutMS: 5_000 } as never, []), { message: "This call has no option timeoutMS" });
 * checkCallOptions({ includeHttps: true } as never, ["includeHttps"]);
 * ```
 */
export function checkCallOptions(
  options: { signal?: AbortSignal; fetch?: typeof globalThis.fetch },
  names?: readonly string[],
  what = "This call",
): void {
  // From JavaScript the options may be anything (null, a string).
  if (typeof options !== "object" || options === null) {
    throw new PlexError("invalid_argument", "A call's options are an object, such as { timeoutMs: 5000 }");
  }
  const { signal, fetch } = options;
  if (
    (signal != null && typeof signal.addEventListener !== "function") ||
    (fetch != null && typeof fetch !== "function")
  ) {
    throw new PlexError("invalid_argument", "A call's signal is an AbortSignal, and its fetch a function");
  }
  if (names) checkOptionNames(options, [...CALL_OPTIONS, ...names], what);
}
