/**
 * Whether a stored token can be printed as it is: what `plextv token` asks
 * first (and what `quick_token.ts` asks before the CLI loads), so a script
 * that runs it often builds no configuration, token source or client while
 * the stored token is fresh. It judges by the token source's rules (the
 * refresh margin of `freshness.ts`, a usable stored client identifier, the
 * stored device key checked against its id); when it cannot answer (nothing
 * stored, a refresh due, another client identifier named, stored data the
 * signed-in path would refuse), the command takes the signed-in path, which
 * refreshes the token or says what is wrong.
 *
 * @module
 */
import { isClientId } from "../client_id.ts";
import { privateKeyId } from "../store/key_id.ts";
import type { SecureData } from "../store/store.ts";
import { Token } from "../token.ts";
import { DEFAULT_REFRESH_MARGIN_MS, jwtIsFresh } from "../token_sources/freshness.ts";

/**
 * The stored token, when no refresh is due and nothing needs the token
 * source: a legacy token stored without a device key, or a JWT before its
 * refresh margin whose stored key matches its key id.
 *
 * @param stored What the store holds.
 * @param namedClientId The client identifier the user named (`--client-id`, `PLEXTV_CLIENT_ID`), if any:
 *   stored data of another one is the signed-in path's to judge.
 * @returns The token, or `undefined` when the signed-in path must answer.
 * @throws {PlexError} `invalid_argument` for a stored device key that cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { freshToken } from "./fresh_token.ts";
 * const stored = { version: 1 as const, clientId: "my-client", token: "abcdefghij0123456789" };
 * assert.equal((await freshToken(stored, undefined))?.value, "abcdefghij0123456789");
 * assert.equal(await freshToken(stored, "another-client"), undefined);
 * assert.equal(await freshToken(undefined, undefined), undefined);
 * ```
 */
export async function freshToken(
  stored: SecureData | undefined,
  namedClientId: string | undefined,
): Promise<Token | undefined> {
  if (!stored?.token) return undefined;
  if (namedClientId && namedClientId !== stored.clientId) return undefined;
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
  return token;
}
