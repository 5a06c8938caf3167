/**
 * A clock for tests (`HttpSettings.clock`): time moves only when something
 * sleeps, every sleep is recorded, and jitter is fixed, so a test asserts the
 * retry and polling schedule instead of measuring elapsed milliseconds.
 *
 * @module
 */
import type { Clock } from "../../lib/clock.ts";
import { PlexError } from "../../lib/errors.ts";

/** A {@linkcode Clock} whose sleeps return at once (or wait for an abort) and are recorded. */
export interface FakeClock extends Clock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[];
}

/** Options of {@linkcode fakeClock}. */
export interface FakeClockOptions {
  /** The time at the start, ms since the epoch. Default: the real time when created. */
  start?: number;
  /** What `random()` answers (the retry jitter). Default 0.5. */
  random?: number;
  /** Called with each sleep as it starts (after it is recorded). */
  onSleep?: (ms: number) => void;
  /** Sleeps never end by themselves, only when their signal aborts. */
  hold?: boolean;
}

function aborted(signal: AbortSignal): PlexError {
  return new PlexError("aborted", "The operation was aborted", { cause: signal.reason });
}

/**
 * A fake clock: `sleep(ms)` records `ms`, moves `now()` forward by it and
 * resolves at once (with `hold`, it waits for its signal instead).
 *
 * @param options Start time, jitter, a hook on each sleep, holding sleeps.
 * @returns The clock.
 */
export function fakeClock(options: FakeClockOptions = {}): FakeClock {
  let now = options.start ?? Date.now();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => options.random ?? 0.5,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(aborted(signal));
      sleeps.push(ms);
      options.onSleep?.(ms);
      if (signal?.aborted) return Promise.reject(aborted(signal));
      if (!options.hold) {
        now += Math.max(0, ms);
        return Promise.resolve();
      }
      return new Promise((_, reject) => {
        signal?.addEventListener("abort", () => reject(aborted(signal)), { once: true });
      });
    },
  };
}
