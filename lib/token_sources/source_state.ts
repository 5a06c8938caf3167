/**
 * What both halves of a token source do with its state: judge whether a
 * token is fresh, find the registrar, and save to the store. The source
 * (`plex_token_source.ts`) and its JWT half (`jwt_source.ts`) share them;
 * what only a source with a store needs is in `stored.ts`, loaded only then.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import type { Token } from "../token.ts";
import { jwtIsFresh } from "./freshness.ts";
import { plexNow } from "./plex_now.ts";
import type { Registrar, SourceState } from "./settings.ts";

/**
 * Whether `token` can be handed out now: a legacy token outside JWT mode, or
 * a JWT before its expiry less the refresh margin (at most half its lifetime),
 * or still valid while a failed refresh waits to be tried again.
 *
 * @param state The source's state.
 * @param token The token.
 * @returns `true` when fresh.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { isFresh } from "./source_state.ts";
 * import { Token } from "../token.ts";
 * import { defaultConfig } from "../config.ts";
 * const state = { config: defaultConfig(), settings: defaultTokenSourceSettings(), retryRefreshAt: 0 };
 * assert.ok(isFresh(state, new Token("abcdefghij0123456789")));
 * ```
 */
export function isFresh(state: SourceState, token: Token): boolean {
  const { settings } = state;
  if (token.isLegacy()) return !settings.jwt;
  const now = plexNow(state).getTime();
  if (jwtIsFresh(token, now, settings.refreshMarginMs)) return true;
  const expiresAt = token.expiresAt?.getTime();
  return expiresAt !== undefined && expiresAt > now && now < state.retryRefreshAt;
}

/**
 * The way to sign in.
 *
 * @param state The source's state.
 * @returns The registrar.
 * @throws {PlexError} `no_token_source` when the options gave none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { registrarOf } from "./source_state.ts";
 * import { defaultConfig } from "../config.ts";
 * const state = { config: defaultConfig(), settings: defaultTokenSourceSettings(), retryRefreshAt: 0 };
 * assert.throws(() => registrarOf(state), { code: "no_token_source" });
 * ```
 */
export function registrarOf(state: SourceState): Registrar {
  const registrar = state.settings.registrar;
  if (!registrar) {
    throw new PlexError("no_token_source", "No way to sign in was given and nothing usable is stored", {
      hint: "Add withCredentials(), withPin(), withPinJwt() or withToken() to the token source",
    });
  }
  return registrar;
}

/**
 * Saves the client id, the device key (JWT mode, or a kept one) and `token`
 * (else the token in hand) to the store, if there is one (`stored.ts`, loaded
 * only then). A store that cannot be reached, or declines the save, is
 * logged: the token stays in memory and `token()` saves it again (see
 * {@linkcode saveDue}); in JWT mode while the store does not hold the device
 * key, the failure is thrown instead (`stored.ts`).
 *
 * @param state The source's state.
 * @param token The token to save; `undefined` saves the one in hand.
 * @returns When saved (or logged).
 * @throws {PlexError} any store error other than `store_unavailable` and `store_error`, and those too in
 *   JWT mode while the store does not hold the device key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { persist } from "./source_state.ts";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { Token } from "../token.ts";
 * const store = memoryStore();
 * const settings = { ...defaultTokenSourceSettings(), store };
 * await persist({ config: defaultConfig().withClientId("id"), settings, retryRefreshAt: 0 }, new Token("abcdefghij0123456789"));
 * assert.equal((await store.load())?.token, "abcdefghij0123456789");
 * ```
 */
export async function persist(state: SourceState, token: Token | undefined): Promise<void> {
  if (!state.settings.store) return;
  const { saveState } = await import("./stored.ts");
  await saveState(state, token);
}

/**
 * Whether a save that did not reach the store is due again.
 *
 * @param state The source's state.
 * @returns `true` when the last save failed or was declined and its wait is over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { saveDue } from "./source_state.ts";
 * const state = { config: defaultConfig().withClientId("id"), settings: defaultTokenSourceSettings(), retryRefreshAt: 0 };
 * assert.equal(saveDue(state), false);
 * assert.equal(saveDue({ ...state, unsaved: true, saveAgainAt: 0 }), true);
 * ```
 */
export function saveDue(state: SourceState): boolean {
  return state.unsaved === true && plexNow(state).getTime() >= (state.saveAgainAt ?? 0);
}
