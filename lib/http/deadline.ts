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
 * collect one listener per request.
 *
 * @param timeoutMs The limit.
 * @param callerSignal The caller's signal, if any.
 * @returns The deadline.
 */
export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), Math.min(timeoutMs, MAX_TIMER_MS));
  const controller = new AbortController();
  const listeners: [AbortSignal, () => void][] = [];
  for (const signal of callerSignal ? [callerSignal, timeout.signal] : [timeout.signal]) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const listener = () => controller.abort(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    listeners.push([signal, listener]);
  }
  return {
    signal: controller.signal,
    check(cause?: unknown): void {
      if (callerSignal?.aborted) {
        throw new PlexError("aborted", "The request was aborted", { cause: callerSignal.reason });
      }
      if (timeout.signal.aborted) {
        throw new PlexError("timeout", `The request timed out after ${timeoutMs} ms`, { cause });
      }
    },
    dispose(): void {
      clearTimeout(timer);
      for (const [signal, listener] of listeners) signal.removeEventListener("abort", listener);
    },
  };
}
