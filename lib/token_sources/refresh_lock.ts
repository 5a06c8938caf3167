/**
 * Refreshing under a lock in a shared store, so that of many replicas only
 * one asks plex.tv for a new token and the others read it from the store.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { timerMs } from "../http/deadline.ts";
import type { Logger } from "../logger.ts";
import type { SecureStore } from "../store/store.ts";

/**
 * How {@linkcode refreshUnderLock} coordinates.
 *
 * @example
 * ```ts
 * import type { LockedRefresh } from "./refresh_lock.ts";
 * const plan: LockedRefresh<string> = {
 *   refresh: () => Promise.resolve("new"),
 *   reload: () => Promise.resolve(undefined),
 *   ttlMs: 30_000,
 * };
 * ```
 */
export interface LockedRefresh<T> {
  /** Does the refresh (asks plex.tv, saves to the store). */
  refresh(): Promise<T>;
  /** Reads the store; answers the result when another replica already refreshed. */
  reload(): Promise<T | undefined>;
  /** The lock's time to live; it expires by itself if its holder dies. */
  ttlMs: number;
  /** How often a waiting replica re-reads the store. Default 200 ms. */
  pollMs?: number;
  /** Where waits and lock failures are reported. */
  logger?: Logger;
  /** Cancels waiting. */
  signal?: AbortSignal;
  /** The clock whose sleep paces the waiting. Default: the system's. */
  clock?: Clock;
}

const LOCK_NAME = "refresh";

/**
 * Runs `plan.refresh` holding the store's lock, when the store has one.
 * Another holder → wait, re-reading the store, until it has the result or the
 * lock is free (released, or expired because its holder died: then this
 * process refreshes, and says so in the log). A store without locks, or a
 * lock or store that cannot be reached, refreshes directly (with a warning).
 *
 * @param store The shared store.
 * @param plan Refresh, reload, TTL.
 * @returns The refreshed (or reloaded) result.
 * @throws {PlexError} `invalid_argument` for a `ttlMs` or `pollMs` that is not a whole number of
 *   milliseconds from 1 to 2^31 − 1, before any lock is asked for; and what `refresh` throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryStore } from "../store/memory.ts";
 * import { refreshUnderLock } from "./refresh_lock.ts";
 * const result = await refreshUnderLock(memoryStore<string>(), {
 *   refresh: () => Promise.resolve("fresh"), reload: () => Promise.resolve(undefined), ttlMs: 1_000,
 * });
 * assert.equal(result, "fresh");
 * ```
 */
export async function refreshUnderLock<T>(store: SecureStore<unknown>, plan: LockedRefresh<T>): Promise<T> {
  // Checked before the lock is asked for: a store's refusal of it would read as a lock that is down.
  timerMs(plan.ttlMs, "ttlMs");
  if (plan.pollMs !== undefined) timerMs(plan.pollMs, "pollMs");
  if (!store.lock) return plan.refresh();
  const unavailable = (err: unknown) => {
    plan.logger?.warn(`The refresh lock is unavailable (${(err as Error).message}); refreshing without it`);
    return plan.refresh();
  };
  let waited = false;
  for (;;) {
    let lock;
    try {
      lock = await store.lock(LOCK_NAME, plan.ttlMs);
    } catch (err) {
      return unavailable(err);
    }
    if (lock) {
      try {
        let fresh;
        try {
          fresh = await plan.reload();
        } catch (err) {
          return await unavailable(err);
        }
        if (fresh !== undefined) return fresh;
        if (waited) {
          plan.logger?.warn(
            "The other process's refresh lock expired or was released without a new token; refreshing here",
          );
        }
        return await plan.refresh();
      } finally {
        await lock.release().catch((err) =>
          plan.logger?.warn(
            `Releasing the refresh lock failed (${(err as Error).message}); it expires by itself`,
          )
        );
      }
    }
    if (!waited) plan.logger?.info("Another process is refreshing the token; waiting for it");
    waited = true;
    await (plan.clock ?? systemClock).sleep(plan.pollMs ?? 200, plan.signal);
    let fresh;
    try {
      fresh = await plan.reload();
    } catch (err) {
      return unavailable(err);
    }
    if (fresh !== undefined) return fresh;
  }
}
