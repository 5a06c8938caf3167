/**
 * The JWT half of a token source, loaded only in JWT mode (`jwt_mode.ts`):
 * registering a device key, refreshing the JWT under a shared store's lock,
 * and recovering from a device key plex.tv no longer knows (registering again,
 * or adopting another replica's new registration).
 *
 * @module
 */
import { newClientId } from "../client_id.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { exchangeNonce, fetchNonce, generateAndUploadPublicKey, jwtToken } from "../flows/jwt.ts";
import { Token } from "../token.ts";
import { refreshUnderLock } from "./refresh_lock.ts";
import type { SourceState } from "./settings.ts";
import { plexNow } from "./plex_now.ts";
import { isFresh, persist, registrarOf } from "./source_state.ts";

/** After a failed refresh answered with the still-valid old JWT, wait this long before trying again. */
const RETRY_AFTER_FAILED_REFRESH_MS = 30_000;

/**
 * Gets a JWT: refreshes with the device key in hand (keeping the JWT in hand
 * when plex.tv's time, learnt from the nonce's answer, finds it fresh), else
 * registers one.
 *
 * @param state The source's state (updated: token, key, client id).
 * @param signal Stops the work.
 * @returns The JWT.
 * @throws {PlexError} from the sign-in, the key upload, the exchange or the store.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { obtainJwt } from "./jwt_source.ts";
 * import { defaultTokenSourceSettings, withCredentials, withJwt } from "./options.ts";
 * import type { SourceState } from "./settings.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const settings = defaultTokenSourceSettings();
 * for (const option of [withCredentials("plexuser", "plexpass"), withJwt(memoryStore())]) option(settings);
 * const state: SourceState = { config, settings, retryRefreshAt: 0 };
 * const signal = new AbortController().signal;
 * assert.ok((await obtainJwt(state, signal)).isJwt()); // no key yet: signs in and registers one
 * assert.ok(state.key);
 * await obtainJwt(state, signal); // a JWT fresh on plex.tv's time (learnt from the nonce's answer) is kept
 * assert.equal(emulator.count("POST /api/v2/auth/token"), 1);
 * state.current = undefined;
 * await obtainJwt(state, signal); // with the key and no JWT in hand: a refresh, no sign-in
 * assert.equal(emulator.count("POST /api/v2/users/signin"), 1);
 * assert.equal(emulator.count("POST /api/v2/auth/token"), 2);
 * await emulator.close();
 * ```
 */
export function obtainJwt(state: SourceState, signal: AbortSignal): Promise<Token> {
  return state.key ? refresh(state, signal) : registerKey(state, signal);
}

/** JWT mode without a key: sign in (or reuse a legacy token in hand), register a key, get a JWT. */
async function registerKey(state: SourceState, signal: AbortSignal): Promise<Token> {
  const { settings } = state;
  let legacy = state.current;
  if (!legacy) {
    const registrar = registrarOf(state);
    const result = await registrar.register(state.config, signal);
    settings.logger?.info(`Signed in with ${registrar.name}`);
    if (result.key) {
      state.key = result.key;
      state.current = result.token;
      await persistRegistration(state, result.token);
      return result.token;
    }
    legacy = result.token;
    state.current = legacy;
    await persistRegistration(state, legacy);
  } else if (state.unsaved) {
    // The sign-in in hand did not reach the store: it does now, or no key is registered.
    await persistRegistration(state, legacy);
  }
  const key = await generateAndUploadPublicKey(state.config, legacy, { signal });
  state.key = key;
  settings.logger?.info("Registered a device key with plex.tv");
  await persistRegistration(state, undefined);
  const token = usableJwt(state, await jwtToken(state.config, key.privateKey, key.keyId, { signal }));
  state.current = token;
  await persistRegistration(state, token);
  return token;
}

/** A JWT plex.tv issued, checked before it is kept: one already expired, or without `exp`, is no answer. */
function usableJwt(state: SourceState, token: Token): Token {
  if (!token.isJwt() || !token.isValid(plexNow(state))) {
    throw new PlexError(
      "invalid_response",
      "plex.tv answered the token exchange with a JWT that is expired or has no exp",
    );
  }
  return token;
}

/**
 * Saves a step of a registration. A re-registration's new client id is told to `onReregister` first,
 * when the store is about to hold it: a registration that fails earlier leaves the app and the store
 * on the old id, which registers again at the next start.
 */
async function persistRegistration(state: SourceState, token: Token | undefined): Promise<void> {
  const clientId = state.announceClientId;
  if (clientId !== undefined) {
    await state.settings.onReregister?.(clientId);
    state.announceClientId = undefined;
  }
  await persist(state, token);
}

/** JWT mode with a key: nonce + token exchange, under the store's lock when it has one. */
async function refresh(state: SourceState, signal: AbortSignal): Promise<Token> {
  const { settings } = state;
  const key = state.key!;
  const old = state.current;
  const store = settings.store;
  const exchange = async () => {
    const nonce = await fetchNonce(state.config, { signal });
    // The nonce's answer may be this process's first from plex.tv: on a clock ahead of plex.tv's, the JWT
    // looked due and is not. It is kept, and the nonce is left to lapse (one request instead of two).
    if (old && isFresh(state, old)) {
      settings.logger?.info("The JWT is fresh on plex.tv's time: kept");
      return old;
    }
    const token = usableJwt(
      state,
      await exchangeNonce(state.config, key.privateKey, key.keyId, nonce, { signal }),
    );
    settings.logger?.info(`Refreshed the JWT (expires ${token.expiresAt?.toISOString()})`);
    // A re-registration whose announcement failed is announced before the store first holds its id.
    await persistRegistration(state, token);
    return token;
  };
  try {
    const token = store
      ? await refreshUnderLock(store, {
        refresh: exchange,
        reload: () => reloadFresh(state),
        ttlMs: settings.lockTtlMs,
        logger: settings.logger,
        signal,
        clock: state.config.http.clock,
      })
      : await exchange();
    state.current = token;
    state.retryRefreshAt = 0;
    return token;
  } catch (err) {
    if (isPlexError(err, "jwk_missing")) return onJwkMissing(state, err, signal);
    const now = plexNow(state);
    if (
      old?.isJwt() && old.isValid(now) &&
      isPlexError(err, "network_error", "timeout", "server_error", "too_many_requests", "invalid_response")
    ) {
      settings.logger?.warn(
        `Refreshing the JWT failed (${err.message}); using the current one until ${old.expiresAt?.toISOString()}`,
      );
      state.retryRefreshAt = now.getTime() + RETRY_AFTER_FAILED_REFRESH_MS;
      return old;
    }
    throw err;
  }
}

/** The store's JWT, when another replica refreshed it with the same key. */
async function reloadFresh(state: SourceState): Promise<Token | undefined> {
  const data = await state.settings.store?.load();
  if (!data?.token || data.clientId !== state.config.clientId || data.keyId !== state.key?.keyId) {
    return undefined;
  }
  const token = new Token(data.token);
  return token.isJwt() && isFresh(state, token) ? token : undefined;
}

async function onJwkMissing(state: SourceState, err: PlexError, signal: AbortSignal): Promise<Token> {
  const { settings } = state;
  if (settings.onJwkMissing !== "reregister" || !settings.registrar) {
    throw new PlexError("jwk_missing", "plex.tv no longer knows this device's key", {
      status: err.status,
      details: [...err.details],
      cause: err,
      hint: settings.registrar
        ? 'The device was probably removed from the account: clear the store and sign in again with a new client identifier, or use onJwkMissing: "reregister"'
        : "The device was probably removed from the account: clear the store and sign in again with a new client identifier",
    });
  }
  const store = settings.store;
  const forgotten = state.config.clientId;
  const reregister = async (): Promise<Token> => {
    const clientId = newClientId();
    settings.logger?.warn(
      "plex.tv no longer knows this device's key; registering again with a new client id",
    );
    // The app is told when the store first holds the new id (persistRegistration), not before.
    state.announceClientId = clientId;
    state.config = state.config.withClientId(clientId);
    state.key = undefined;
    state.current = undefined;
    return await registerKey(state, signal);
  };
  if (!store) return await reregister();
  // Under the lock, so that of many replicas one registers and the others adopt its new device.
  return await refreshUnderLock(store, {
    refresh: reregister,
    reload: () => adoptRegistration(state, forgotten),
    ttlMs: settings.lockTtlMs,
    logger: settings.logger,
    signal,
    clock: state.config.http.clock,
  });
}

/** Adopts a device another replica registered after `forgotten` lost its key, when the store holds one. */
async function adoptRegistration(state: SourceState, forgotten: string): Promise<Token | undefined> {
  const { settings } = state;
  const data = await settings.store?.load();
  if (!data?.token || !data.privateKey || !data.keyId || data.clientId === forgotten) return undefined;
  const token = new Token(data.token);
  if (!token.isJwt() || !isFresh(state, token)) return undefined;
  const key = await settings.jwt!.readKey(data.privateKey);
  if (key.keyId !== data.keyId) return undefined;
  await settings.onReregister?.(data.clientId);
  state.config = state.config.withClientId(data.clientId);
  state.key = key;
  state.current = token;
  settings.logger?.info("Another process registered this device again; using its new client id");
  return token;
}
