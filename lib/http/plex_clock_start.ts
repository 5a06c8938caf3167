/**
 * Starting a configuration's plex.tv clock, by what first needs plex.tv's
 * time (the clock's code is loaded only then; see `shared_state.ts`).
 *
 * @module
 */
import { PlexClock } from "./plex_clock.ts";
import { runningPlexClock, sharedState } from "./shared_state.ts";

/**
 * Starts the plex.tv clock of a configuration that was given none: from now
 * on its requests feed it. Called by what needs plex.tv's time (a device JWT
 * signed, a PIN sign-in with a device key, a JWT verified, a token source with
 * a store or in JWT mode) before its first request. Settings no `Config`
 * made, or that were given a clock, are left as they are.
 *
 * @param http The HTTP settings (`HttpSettings`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../../mod.ts";
 * import { PlexClock } from "./plex_clock.ts";
 * import { startPlexClock } from "./plex_clock_start.ts";
 * import { runningPlexClock } from "./shared_state.ts";
 * const config = defaultConfig();
 * assert.equal(runningPlexClock(config.http), undefined);
 * startPlexClock(config.http);
 * assert.ok(runningPlexClock(config.http) instanceof PlexClock);
 * assert.equal(runningPlexClock(config.withHttp({ timeoutMs: 5_000 }).http), runningPlexClock(config.http));
 * ```
 */
export function startPlexClock(http: object): void {
  const shared = sharedState(http);
  if (shared && !runningPlexClock(http)) shared.plexClock = new PlexClock();
}
