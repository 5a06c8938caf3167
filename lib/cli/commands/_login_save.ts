/**
 * `login`'s view of the store: it reads as empty (login signs in afresh and
 * replaces what was stored only when it saves), it stops the PIN screen
 * before a save may ask for a new vault's passphrase, and a save that fails
 * stops the sign-in (the token source would otherwise keep the token in
 * memory and carry on). After a lost save, {@linkcode undoSignIn} takes back
 * at plex.tv what the sign-in created, so the next `login` with the same
 * client identifier is not a dead end.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { memoryStore } from "../../store/memory.ts";
import type { SecureData, SecureStore } from "../../store/store.ts";
import { Token } from "../../token.ts";
import { withJwt } from "../../token_sources/options.ts";
import { CliError } from "../exit.ts";
import { removeDevice } from "./_device.ts";

/**
 * The store `login` signs in through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryStore } from "../../store/memory.ts";
 * import { LoginStore } from "./_login_save.ts";
 * const guarded = new LoginStore(memoryStore({ version: 1, clientId: "old" }));
 * assert.equal(await guarded.view.load(), undefined);
 * await guarded.view.save({ version: 1, clientId: "new" });
 * assert.equal(guarded.saved?.clientId, "new");
 * ```
 */
export class LoginStore {
  /** The data last saved. */
  saved?: SecureData;
  /** The save that failed: its error, and what it tried to save. */
  failure?: { error: unknown; data: SecureData };
  /** What the token source sees. */
  readonly view: SecureStore<SecureData>;

  /**
   * Wraps the store.
   *
   * @param store The session's store.
   * @param beforeSave Called before each save (stops the PIN screen).
   */
  constructor(store: SecureStore<SecureData>, beforeSave: () => void = () => {}) {
    this.view = {
      load: () => Promise.resolve(undefined),
      save: async (data) => {
        beforeSave();
        try {
          await store.save(data);
          this.saved = data;
        } catch (error) {
          this.failure ??= { error, data };
          throw new CliError("The sign-in could not be saved", { cause: error });
        }
      },
      clear: () => store.clear(),
    };
  }
}

/**
 * Takes back at plex.tv what a sign-in created: the device it registered a
 * key for is removed from the account (with a fresh JWT from that key when
 * the data holds none: registering a key ends the legacy token), else the new
 * token is revoked.
 *
 * @param config The configuration.
 * @param data What the sign-in tried to save.
 * @param signal Cancels the requests.
 * @returns What was undone, for the error's hint.
 * @throws {PlexError} when plex.tv cannot be reached or refuses.
 */
export async function undoSignIn(config: Config, data: SecureData, signal: AbortSignal): Promise<string> {
  const own = config.withClientId(data.clientId);
  if (data.keyId && data.privateKey) {
    const { token: _token, tokenExpiresAt: _expiresAt, ...key } = data;
    const stored = data.token && Token.from(data.token).isJwt() ? data : key;
    const client = own.client(own.tokenSource(withJwt(memoryStore<SecureData>(stored))));
    if (await removeDevice(client, data.clientId, signal) === "not listed") {
      throw new CliError("plex.tv does not list the device that was just registered");
    }
    return "the device key registered just now was removed from plex.tv again";
  }
  if (!data.token) return "nothing was registered at plex.tv";
  await own.client({ token: () => Promise.resolve(Token.from(data.token!)) }).signOut({ signal });
  return "the new token was revoked at plex.tv";
}
