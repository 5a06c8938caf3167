/**
 * What every request of one configuration shares, made when first needed:
 * the retry budget (at the first retry) and plex.tv's clock (when something
 * first needs plex.tv's time: a device JWT signed, a PIN sign-in with a device
 * key, a JWT verified, a token source with a store or in JWT mode). `Config`
 * puts one holder in its HTTP settings, under a symbol, and its `with*` copies
 * carry it along, so they share what it holds. A configuration that only signs in with a password and calls the
 * account endpoints makes neither, and reads no `Date` header.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { PlexClock } from "./plex_clock.ts";
import type { RetryBudget } from "./retry_budget.ts";

/**
 * The key of the holder in a configuration's HTTP settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SHARED_STATE } from "./shared_state.ts";
 * assert.equal(typeof SHARED_STATE, "symbol");
 * ```
 */
export const SHARED_STATE: unique symbol = Symbol("plextv.sharedState");

/**
 * The holder: what it holds is made by the first request that needs it.
 *
 * @example
 * ```ts
 * import type { SharedState } from "./shared_state.ts";
 * const state: SharedState = {};
 * ```
 */
export interface SharedState {
  /** The retry budget, made at the first retry of a configuration that was given none. */
  retryBudget?: RetryBudget;
  /** plex.tv's clock, started by the first use of plex.tv's time, for a configuration that was given none. */
  plexClock?: PlexClock;
}

/** HTTP settings as `Config` makes them: with the holder. */
interface WithSharedState {
  readonly [SHARED_STATE]?: SharedState;
  readonly plexClock?: PlexClock;
  readonly clock?: Clock;
}

/**
 * The holder of a configuration's HTTP settings.
 *
 * @param http The HTTP settings (`HttpSettings`).
 * @returns Its holder, or `undefined` for settings no `Config` made (they share nothing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../../mod.ts";
 * import { sharedState } from "./shared_state.ts";
 * const config = defaultConfig();
 * assert.equal(sharedState(config.withHttp({ timeoutMs: 5_000 }).http), sharedState(config.http));
 * assert.equal(sharedState({}), undefined);
 * ```
 */
export function sharedState(http: object): SharedState | undefined {
  return (http as WithSharedState)[SHARED_STATE];
}

/**
 * The plex.tv clock a configuration's requests feed: the one it was given, or
 * the one its holder started.
 *
 * @param http The HTTP settings (`HttpSettings`).
 * @returns The clock, or `undefined` when none was given or started.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlexClock } from "./plex_clock.ts";
 * import { runningPlexClock } from "./shared_state.ts";
 * const plexClock = new PlexClock();
 * assert.equal(runningPlexClock({ plexClock }), plexClock);
 * assert.equal(runningPlexClock({}), undefined);
 * ```
 */
export function runningPlexClock(http: object): PlexClock | undefined {
  const settings = http as WithSharedState;
  return settings.plexClock ?? settings[SHARED_STATE]?.plexClock;
}

/**
 * plex.tv's current time for a configuration's HTTP settings: its clock (the
 * system's by default), or the local time given, corrected by its running
 * plex.tv clock, when it has one.
 *
 * @param http The HTTP settings (`HttpSettings`), or anything with their `clock` and `plexClock`.
 * @param localMs This machine's time (default: the settings' clock's).
 * @returns plex.tv's time then.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plexTime } from "./shared_state.ts";
 * assert.ok(Math.abs(plexTime({}).getTime() - Date.now()) < 1_000);
 * ```
 */
export function plexTime(
  http: { clock?: Clock; plexClock?: PlexClock },
  localMs: number = (http.clock ?? systemClock).now(),
): Date {
  const plexClock = runningPlexClock(http);
  return new Date(plexClock ? plexClock.now(localMs) : localMs);
}
