/**
 * An abortable wait, for retries and polling.
 *
 * @module
 */
import { MAX_TIMER_MS } from "./http/deadline.ts";
import { PlexError } from "./errors.ts";

/**
 * Waits `ms` milliseconds, or rejects with `aborted` when `signal` fires.
 * Negative and `NaN` delays wait 0 ms; delays beyond a timer's range (about
 * 24.8 days, `Infinity` included) wait that long rather than firing at once.
 *
 * @param ms The delay.
 * @param signal Cancels the wait.
 * @returns A promise that resolves after the delay.
 *
 * @example
 * ```ts
 * import { sleep } from "./clock.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PlexError("aborted", "The operation was aborted", { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PlexError("aborted", "The operation was aborted", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.min(Math.max(0, Number.isFinite(ms) ? ms : ms > 0 ? MAX_TIMER_MS : 0), MAX_TIMER_MS));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
