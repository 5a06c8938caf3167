/**
 * The emulator's timers (delays, hangs, automatic PIN approval), so that
 * `close()` can stop them all: waits end as a dropped connection would, and
 * no timer keeps the process alive.
 *
 * @module
 */

/**
 * The timers of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Timers } from "./timers.ts";
 * const timers = new Timers();
 * const waiting = timers.wait(Infinity, new AbortController().signal);
 * timers.stop();
 * await assert.rejects(waiting, TypeError);
 * ```
 */
export class Timers {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #closing = new AbortController();

  /** Whether {@linkcode Timers.stop} was called. */
  get stopped(): boolean {
    return this.#closing.signal.aborted;
  }

  /**
   * Runs `task` after `ms`, unless stopped first.
   *
   * @param ms The delay.
   * @param task What to run.
   */
  after(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  /**
   * Waits `ms` (forever for `Infinity`).
   *
   * @param ms The delay.
   * @param signal The request's signal.
   * @returns A promise that resolves after the delay, rejects with the signal's reason when it
   *   aborts, and with a `TypeError` when the timers stop.
   */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const closing = this.#closing.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const end = (error?: unknown) => {
        if (timer !== undefined) {
          clearTimeout(timer);
          this.#timers.delete(timer);
        }
        signal.removeEventListener("abort", onAbort);
        closing.removeEventListener("abort", onClose);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => end(signal.reason);
      const onClose = () => end(new TypeError("The plex.tv emulator closed the connection"));
      if (signal.aborted) return onAbort();
      if (closing.aborted) return onClose();
      signal.addEventListener("abort", onAbort, { once: true });
      closing.addEventListener("abort", onClose, { once: true });
      if (Number.isFinite(ms)) {
        timer = setTimeout(() => end(), Math.max(0, ms));
        this.#timers.add(timer);
      }
    });
  }

  /** Cancels every timer and ends every wait. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#closing.abort();
  }
}
