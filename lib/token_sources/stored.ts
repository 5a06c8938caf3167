/**
 * What a token source does with its store, loaded only when it has one:
 * reading what a restart needs (client id, token, device key) and saving it
 * again after each sign-in or refresh.
 *
 * @module
 */
import { isPlexError, PlexError } from "../errors.ts";
import { declinedSave, type SaveOutcome, type SecureData } from "../store/store.ts";
import { Token } from "../token.ts";
import type { SourceState } from "./settings.ts";
import { plexNow } from "./plex_now.ts";

/** A save that did not reach the store is tried again by `token()` after this long. */
const SAVE_AGAIN_AFTER_MS = 30_000;

/**
 * Loads the stored token and device key into `state`.
 *
 * @param state The source's state, with a store.
 * @returns When loaded (nothing stored leaves `state` as it was).
 * @throws {PlexError} `store_corrupt` for data that is not device data or a key that does not match its
 *   id, `invalid_client_id` for data of another client identifier, and the store's own errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import type { SourceState } from "./settings.ts";
 * import { loadState } from "./stored.ts";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import type { SecureData } from "../store/store.ts";
 * const store = memoryStore<SecureData>({ version: 1, clientId: "id", savedAt: "", token: "abcdefghij0123456789" });
 * const state: SourceState = { config: defaultConfig().withClientId("id"), settings: { ...defaultTokenSourceSettings(), store }, retryRefreshAt: 0 };
 * await loadState(state);
 * assert.equal(state.current?.value, "abcdefghij0123456789");
 * ```
 */
export async function loadState(state: SourceState): Promise<void> {
  const { settings } = state;
  const data = await settings.store?.load();
  if (!data) return;
  if (!isSecureData(data)) {
    throw new PlexError(
      "store_corrupt",
      "The stored data is not device data (a client identifier, token and key)",
      {
        hint: "Clear the store and sign in again, or give the token source a store of its own",
      },
    );
  }
  if (data.clientId !== state.config.clientId) {
    throw new PlexError(
      "invalid_client_id",
      "The stored device data belongs to another client identifier",
      {
        hint: "Use the client identifier the data was saved with, or clear the store and sign in again",
      },
    );
  }
  state.current = data.token ? new Token(data.token) : undefined;
  if (data.privateKey && data.keyId && !settings.jwt) {
    state.keptKey = { keyId: data.keyId, privateKey: data.privateKey };
  } else if (data.privateKey && data.keyId) {
    const key = await settings.jwt!.readKey(data.privateKey);
    if (key.keyId !== data.keyId) {
      throw new PlexError("store_corrupt", "The stored key id does not match the stored private key", {
        hint: "Clear the store and sign in again",
      });
    }
    state.key = key;
    state.storedKeyId = key.keyId;
  }
  settings.logger?.debug(`Loaded the stored ${state.key ? "device key and " : ""}token`);
}

/** Whether `data` has the fields of {@linkcode SecureData} that a source reads, each of its type. */
function isSecureData(data: unknown): data is SecureData {
  const { clientId, token, keyId, privateKey } = data as Partial<Record<keyof SecureData, unknown>>;
  return typeof data === "object" && typeof clientId === "string" &&
    (token == null || typeof token === "string") && (keyId == null || typeof keyId === "string") &&
    (privateKey == null || typeof privateKey === "object");
}

/**
 * Saves the client id, the device key (JWT mode, or a kept one) and `token`
 * (else the token in hand). A store that cannot be reached, or that declines
 * the save for a reason other than holding a newer record, is logged and the
 * state marked unsaved: the token stays in memory and is saved again by a
 * later `token()`, at most every 30 seconds. Any other store error is thrown,
 * and the next `token()` saves again before it answers. So is every failure
 * of a save in JWT mode while the store does not hold the device key (a
 * sign-in that registers one): the sign-in stops before plex.tv registers a
 * key no store would keep, and a key plex.tv has registered is never left in
 * memory only, where the end of the process would lose it.
 *
 * @param state The source's state, with a store.
 * @param token The token to save; `undefined` saves the one in hand.
 * @returns When saved (or logged).
 * @throws {PlexError} any store error other than `store_unavailable` and `store_error`, and those too
 *   (or `store_error` for a declined save) in JWT mode while the store does not hold the device key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenSourceSettings } from "./options.ts";
 * import { saveState } from "./stored.ts";
 * import { defaultConfig } from "../config.ts";
 * import { memoryStore } from "../store/memory.ts";
 * import { Token } from "../token.ts";
 * const store = memoryStore();
 * const state = { config: defaultConfig().withClientId("id"), settings: { ...defaultTokenSourceSettings(), store }, retryRefreshAt: 0 };
 * await saveState(state, new Token("abcdefghij0123456789"));
 * assert.equal((await store.load())?.clientId, "id");
 * ```
 */
export async function saveState(state: SourceState, token: Token | undefined): Promise<void> {
  const { logger } = state.settings;
  // JWT mode without its key in the store (a sign-in registering one, a key only this process holds): a
  // save that fails is never a passing failure. It fails before a key is registered that no store would
  // hold, and a process that ended with its key unsaved would have lost a key plex.tv keeps registered.
  const { key } = state;
  const keyNotStored = state.settings.jwt !== undefined && (!key || state.storedKeyId !== key.keyId);
  let outcome: void | SaveOutcome;
  try {
    outcome = await save(state, token);
  } catch (err) {
    if (keyNotStored || !isPlexError(err, "store_unavailable", "store_error")) throw unsavedNow(state, err);
    return unsaved(state, `Could not save the token to the store (${err.message})`);
  }
  const declined = declinedSave(outcome);
  if (declined) {
    if (keyNotStored) throw unsavedNow(state, new PlexError("store_error", declined));
    return unsaved(state, declined);
  }
  if (outcome && !outcome.saved) logger?.debug("The store holds a newer record: it was kept");
  else if (key && state.settings.jwt) state.storedKeyId = key.keyId;
  state.unsaved = false;
}

/**
 * Marks a save the caller is told of now: the next `token()` saves again before it answers, so no call
 * succeeds while what is in hand is not stored.
 */
function unsavedNow(state: SourceState, err: unknown): unknown {
  state.unsaved = true;
  state.saveAgainAt = 0;
  return err;
}

function unsaved(state: SourceState, problem: string): void {
  state.unsaved = true;
  state.saveAgainAt = plexNow(state).getTime() + SAVE_AGAIN_AFTER_MS;
  state.settings.logger?.warn(`${problem}; keeping it in memory and saving it again later`);
}

async function save(state: SourceState, token: Token | undefined): Promise<void | SaveOutcome> {
  const { settings, key } = state;
  const store = settings.store;
  if (!store) return;
  const current = token ?? state.current;
  const data: SecureData = {
    version: 1,
    clientId: state.config.clientId,
    savedAt: plexNow(state).toISOString(),
  };
  if (key && settings.jwt) {
    data.keyId = key.keyId;
    data.privateKey = await settings.jwt.writeKey(key);
  } else if (state.keptKey) {
    Object.assign(data, state.keptKey);
  }
  if (current) {
    data.token = current.value;
    const expiresAt = current.expiresAt;
    if (expiresAt) data.tokenExpiresAt = expiresAt.toISOString();
  }
  return await store.save(data);
}
