/**
 * One shared operation for many waiters: concurrent callers share a single
 * in-flight promise; each may stop waiting with its own signal, and the
 * operation itself is aborted only when every waiter has given up.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * Runs at most one operation at a time and lets every caller wait for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SingleFlight } from "./single_flight.ts";
 * let runs = 0;
 * const flight = new SingleFlight<number>();
 * const work = () => flight.run(async () => ++runs);
 * const results = await Promise.all([work(), work(), work()]);
 * assert.ok(runs === 1 && results.every((r) => r === 1));
 * ```
 */
export class SingleFlight<T> {
  #current?: { promise: Promise<T>; controller: AbortController; waiters: number };
  readonly #abortMessage: string;

  /**
   * Creates an idle single flight.
   *
   * @param abortMessage The message of the `aborted` error a caller gets when its own signal fires.
   */
  constructor(abortMessage = "Waiting was aborted") {
    this.#abortMessage = abortMessage;
  }

  /**
   * Joins the running operation, or starts `operation` when none runs.
   *
   * @param operation The work; it receives a signal that fires when all waiters left.
   * @param signal This caller's signal.
   * @returns The operation's result.
   */
  run(operation: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(this.#aborted(signal));
    // A flight every waiter left is being aborted: a new caller starts afresh instead of joining it.
    if (!this.#current || this.#current.controller.signal.aborted) {
      const controller = new AbortController();
      const flight = { controller, waiters: 0, promise: undefined as unknown as Promise<T> };
      flight.promise = operation(controller.signal).finally(() => {
        if (this.#current === flight) this.#current = undefined;
      });
      this.#current = flight;
    }
    const flight = this.#current;
    flight.waiters++;
    if (!signal) return flight.promise.finally(() => flight.waiters--);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        flight.waiters--;
        if (flight.waiters === 0) flight.controller.abort(signal.reason);
        reject(this.#aborted(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          flight.waiters--;
          resolve(value);
        },
        (err) => {
          signal.removeEventListener("abort", onAbort);
          flight.waiters--;
          reject(err);
        },
      );
    });
  }

  #aborted(signal: AbortSignal): PlexError {
    return new PlexError("aborted", this.#abortMessage, { cause: signal.reason });
  }
}
