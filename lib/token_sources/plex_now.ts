/**
 * plex.tv's time as a token source sees it: the one clock its freshness
 * checks and records use.
 *
 * @module
 */
import { plexTime } from "../http/shared_state.ts";
import type { SourceState } from "./settings.ts";

/**
 * plex.tv's time: this machine's clock (`withClock`, else the HTTP clock the
 * estimate is made against) corrected by the configuration's estimate of
 * plex.tv's clock, so tokens are judged (and records stamped) on the clock
 * that issued them.
 *
 * @param state The source's state.
 * @returns plex.tv's time now.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { plexNow } from "./plex_now.ts";
 * import { defaultConfig } from "../config.ts";
 * const settings = { ...defaultTokenSourceSettings(), now: () => new Date(1_000) };
 * assert.equal(plexNow({ config: defaultConfig(), settings, retryRefreshAt: 0 }).getTime(), 1_000);
 * ```
 */
export function plexNow(state: SourceState): Date {
  return plexTime(state.config.http, state.settings.now?.().getTime());
}
