/**
 * The stored token when it can be printed as it is: what `plextv token` asks
 * first, so a script that runs it often builds no configuration, token
 * source or client while the stored token is fresh. It judges by the token
 * source's rules (the refresh margin of `freshness.ts`, a usable stored
 * client identifier, the stored device key checked against its id); when it
 * cannot answer (nothing stored, a refresh due, another client identifier
 * named, stored data the signed-in path would refuse), the command takes the
 * signed-in path, which refreshes the token or says what is wrong.
 *
 * @module
 */
import { isClientId } from "../client_id.ts";
import { privateKeyId } from "../store/key_id.ts";
import { Token } from "../token.ts";
import { DEFAULT_REFRESH_MARGIN_MS, jwtIsFresh } from "../token_sources/freshness.ts";
import type { Factory } from "./factory.ts";
import { namedClientId } from "./globals.ts";

/**
 * The stored token, when no refresh is due and nothing needs the token
 * source: a legacy token stored without a device key, or a JWT before its
 * refresh margin whose stored key matches its key id.
 *
 * @param f The command's factory (its store session is opened).
 * @returns The token, or `undefined` when the signed-in path must answer.
 * @throws {PlexError} the store's errors, and a stored device key that cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Factory } from "./factory.ts";
 * import { freshStoredToken } from "./fresh_token.ts";
 * import { Output } from "./output.ts";
 * import { Prompter } from "./prompt.ts";
 * const env = { PLEXTV_STORE: "env:", PLEXTV_CLIENT_ID: "my-client", PLEXTV_TOKEN: "abcdefghij0123456789" };
 * const f = new Factory({
 *   out: new Output(), prompter: new Prompter(), env, globals: {}, signal: new AbortController().signal, commands: [],
 * });
 * assert.equal((await freshStoredToken(f))?.value, "abcdefghij0123456789");
 * ```
 */
export async function freshStoredToken(f: Factory): Promise<Token | undefined> {
  const stored = await (await f.session()).stored();
  if (!stored?.token) return undefined;
  const named = namedClientId(f.globals, f.env);
  if (named && named.clientId !== stored.clientId) return undefined;
  // The signed-in path refuses data without a usable client identifier, and says why.
  if (!isClientId(stored.clientId)) return undefined;
  const token = new Token(stored.token);
  const withKey = !!(stored.keyId && stored.privateKey);
  // A legacy token with a device key is the JWT mode's to replace; a JWT is due within its margin.
  const due = token.isLegacy() ? withKey : !jwtIsFresh(token, Date.now(), DEFAULT_REFRESH_MARGIN_MS);
  if (due) return undefined;
  if (withKey) {
    if ((await privateKeyId(stored.privateKey!)).keyId !== stored.keyId) return undefined;
  }
  f.out.logger.debug("The stored token is fresh: no refresh and no request");
  return token;
}
