/**
 * Time as plextv sees it: the current time, abortable waits and the
 * randomness of retry jitter, behind one small interface so tests (and users
 * with their own time source) can replace them and assert schedules instead of
 * waiting.
 *
 * @module
 */
import { PlexError } from "./errors.ts";
import { MAX_TIMER_MS } from "./http/deadline.ts";

/**
 * The clock, sleep and randomness of retries and polling.
 *
 * @example A clock that never waits, for tests
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Clock } from "./clock.ts";
 * let now = 0;
 * const waits: number[] = [];
 * const fake: Clock = {
 *   now: () => now,
 *   sleep: (ms) => { waits.push(ms); now += ms; return Promise.resolve(); },
 *   random: () => 0.5,
 * };
 * await fake.sleep(250);
 * assert.deepEqual(waits, [250]);
 * assert.equal(fake.now(), 250);
 * ```
 */
export interface Clock {
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Waits `ms` milliseconds; rejects with `aborted` when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

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

/**
 * The system's clock: `Date.now()`, timers and `Math.random()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemClock } from "./clock.ts";
 * assert.ok(Math.abs(systemClock.now() - Date.now()) < 1_000);
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep,
  random: () => Math.random(),
});
