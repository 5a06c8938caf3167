/**
 * The check of a JWT a legacy-mode source was given or signed in to (a
 * `withToken` JWT, a PIN's), loaded only when the token is a JWT: its expiry,
 * judged on plex.tv's time. A machine whose clock runs days ahead finds every
 * JWT expired: when the JWT looks expired before any answer from plex.tv has
 * given its time, that time is asked first (a nonce's answer carries it).
 *
 * @module
 */
import { startPlexClock } from "../http/plex_clock_start.ts";
import { runningPlexClock } from "../http/shared_state.ts";
import type { Token } from "../token.ts";
import { plexNow } from "./plex_now.ts";
import type { SourceState } from "./settings.ts";

/**
 * Checks a JWT's expiry on plex.tv's time, asking plex.tv for its time when
 * the JWT looks expired on a clock that has not met plex.tv's yet.
 *
 * @param state The source's state (its configuration's plex.tv clock is started).
 * @param token The JWT.
 * @param signal Stops the request for plex.tv's time.
 * @throws {PlexError} `expired_token` when the JWT has expired on plex.tv's time; the nonce's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { checkGivenJwt } from "./given_jwt.ts";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { Token } from "../token.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process, on the true time
 * const eightDaysAhead = { now: () => Date.now() + 8 * 86_400_000, sleep: () => Promise.resolve(), random: () => 0 };
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch)
 *   .withHttp({ clock: eightDaysAhead });
 * const state = { config, settings: defaultTokenSourceSettings(), retryRefreshAt: 0 };
 * const jwt = await emulator.issueJwt({ clientId: "doc-example" }); // valid 7 days: expired on this machine's clock
 * await checkGivenJwt(state, new Token(jwt), new AbortController().signal);
 * assert.equal(emulator.count("GET /api/v2/auth/nonce"), 1); // plex.tv's time, asked once
 * await emulator.close();
 * ```
 */
export async function checkGivenJwt(state: SourceState, token: Token, signal: AbortSignal): Promise<void> {
  const http = state.config.http;
  startPlexClock(http);
  if (!token.isValid(plexNow(state)) && !runningPlexClock(http)?.sampled) {
    await (await import("../flows/jwt.ts")).fetchNonce(state.config, { signal });
  }
  token.validate(plexNow(state));
}
