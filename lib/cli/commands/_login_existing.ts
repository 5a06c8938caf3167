/**
 * What `login` does with a sign-in already in the store: find out whether
 * plex.tv still accepts it (and whether it still knows the device key), ask
 * before replacing it (on a terminal) or refuse without `--force` (without
 * one), and retire the old sign-in at plex.tv so the client identifier can
 * sign in again; when plex.tv forgot the device key, register afresh with a
 * new client identifier instead of sending the user in a circle.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { isPlexError } from "../../errors.ts";
import { memoryStore } from "../../store/memory.ts";
import type { SecureData } from "../../store/store.ts";
import { Token } from "../../token.ts";
import { withJwt } from "../../token_sources/options.ts";
import type { ConfigResolver } from "../config_resolver.ts";
import { CliError, EXIT } from "../exit.ts";
import type { Factory } from "../factory.ts";
import { cancelled } from "../prompt.ts";
import type { StoreSession } from "../store_session.ts";
import { removeByHand, removeDevice } from "./_device.ts";

/**
 * What plex.tv says of the stored sign-in.
 */
export type StoredSignIn =
  | { kind: "valid"; username: string }
  | { kind: "rejected" }
  | { kind: "key removed" }
  | { kind: "unchecked"; reason: string };

const _AUTH = ["unauthorized", "expired_token", "invalid_token"] as const;

/**
 * Asks plex.tv about the stored sign-in: the account it belongs to, or that
 * its token is rejected, or that its device key is gone. A rejected JWT with
 * a stored key is refreshed once to tell the two apart.
 *
 * @param f The factory.
 * @param stored The stored data.
 * @returns The state.
 */
export async function checkStoredSignIn(f: Factory, stored: SecureData): Promise<StoredSignIn> {
  const ask = async (refresh: boolean): Promise<StoredSignIn> => {
    const { client } = await f.signedIn({ envToken: false, refresh });
    return { kind: "valid", username: (await client.user({ signal: f.signal })).username };
  };
  const verdict = (err: unknown): StoredSignIn | undefined => {
    if (isPlexError(err, "jwk_missing")) return { kind: "key removed" };
    if (isPlexError(err, ..._AUTH)) return { kind: "rejected" };
    if (f.signal.aborted || isPlexError(err, "aborted") || err instanceof CliError) throw err;
    return undefined;
  };
  try {
    return await ask(false);
  } catch (err) {
    const first = verdict(err) ?? { kind: "unchecked", reason: (err as Error).message };
    if (first.kind !== "rejected" || !stored.keyId || !stored.privateKey) return first;
    try {
      return await ask(true);
    } catch (again) {
      return verdict(again) ?? { kind: "unchecked", reason: (again as Error).message };
    }
  }
}

/**
 * Decides what `login` signs in with when something is stored: the same
 * configuration once the old sign-in is retired, a new client identifier
 * when plex.tv forgot the device key, or a refusal.
 *
 * @param f The factory.
 * @param session The store session.
 * @param configs The configuration resolver.
 * @param stored The stored data.
 * @param config The configuration for the stored client identifier.
 * @param force `--force`: replace without asking.
 * @returns The configuration to sign in with, and what retires the old sign-in at plex.tv once the new
 *   one is signed in and saved (nothing is undone before: a failed or cancelled login leaves the stored
 *   sign-in working).
 * @throws {CliError} exit 2 when the user declines, or without a terminal and without `--force`.
 */
export async function replaceStoredSignIn(
  f: Factory,
  session: StoreSession,
  configs: ConfigResolver,
  stored: SecureData,
  config: Config,
  force: boolean,
): Promise<Replacement> {
  const state = await checkStoredSignIn(f, stored);
  const where = session.described;
  if (state.kind === "rejected") {
    f.out.info(`The sign-in stored in ${where} is no longer accepted by plex.tv; signing in again`);
    return { config };
  }
  if (state.kind === "key removed") {
    const question = "plex.tv no longer knows this device's key (was the device removed at plex.tv?)";
    if (!force) {
      if (!f.prompter.interactive) {
        throw new CliError(question, {
          exitCode: EXIT.usage,
          hint: "Run plextv login --force to register this device again with a new client identifier",
        });
      }
      f.out.warn(question);
      if (!await f.prompter.confirm("Register this device again with a new client identifier?", true)) {
        throw cancelled();
      }
    }
    const fresh = await configs.freshConfig();
    f.out.info(`Registering again as a new device (client id ${fresh.clientId})`);
    return { config: fresh };
  }
  const who = state.kind === "valid"
    ? `Already signed in to plex.tv as ${state.username}`
    : `A sign-in is stored in ${where} (plex.tv could not check it: ${state.reason})`;
  if (!force) {
    if (!f.prompter.interactive) {
      throw new CliError(who, {
        exitCode: EXIT.usage,
        hint: "Pass --force to replace the stored sign-in, or sign out first with plextv logout",
      });
    }
    f.out.info(state.kind === "valid" ? `${who} (kept in ${where})` : who);
    if (!await f.prompter.confirm("Sign in again and replace it?")) throw cancelled();
  }
  // A client identifier whose device key is registered cannot sign in with a password or PIN again:
  // the new sign-in is a new device, and the old one is removed once the new one is saved.
  const next = stored.keyId ? await configs.freshConfig() : config;
  return { config: next, retire: (token) => _retire(f, stored, config, token) };
}

/**
 * The configuration a replacing login signs in with, and what retires the
 * old sign-in at plex.tv once the new one is saved.
 */
export interface Replacement {
  /** The configuration to sign in with (a new client id when the old sign-in has a device key). */
  config: Config;
  /** Signs the old sign-in out (or removes its device), given the new token; best effort, warns on failure. */
  retire?: (token: Token) => Promise<void>;
}

/**
 * Signs the replaced sign-in out at plex.tv: its token revoked, or its device
 * removed when it has a key. It works from the stored data as it was read
 * (the store now holds the new sign-in), and never revokes the new token.
 */
async function _retire(f: Factory, stored: SecureData, config: Config, token: Token): Promise<void> {
  const old = config.withClientId(stored.clientId);
  try {
    if (!stored.keyId || !stored.privateKey) {
      if (!stored.token || stored.token === token.value) return;
      await old.client({ token: () => Promise.resolve(new Token(stored.token!)) }).signOut({
        signal: f.signal,
      })
        .catch((err) => {
          // plex.tv already ended it (a new sign-in of the same account and client replaces the old token).
          if (!isPlexError(err, "unauthorized")) throw err;
        });
      return;
    }
    const source = old.tokenSource(withJwt(memoryStore<SecureData>(stored)));
    const reclaim = async () => {
      const fresh = old.tokenSource(withJwt(memoryStore<SecureData>({ ...stored, token: undefined })));
      await fresh.token();
      return old.client(fresh);
    };
    if (await removeDevice(old.client(source), stored.clientId, f.signal, reclaim) === "removed") return;
    f.out.warn(
      `The replaced device was not listed at plex.tv: ${removeByHand(stored.clientId)} if it remains`,
    );
  } catch (err) {
    if (f.signal.aborted) throw err;
    f.out.warn(
      stored.keyId
        ? `Could not remove the replaced device at plex.tv (${(err as Error).message}): ${
          removeByHand(stored.clientId)
        }`
        : `Could not revoke the replaced token at plex.tv (${(err as Error).message})`,
    );
  }
}
