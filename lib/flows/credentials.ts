/**
 * Username/password sign-in (`POST /api/v2/users/signin`), with 2FA.
 *
 * @module
 */
import { isPlexError, PlexError } from "../errors.ts";
import { checkCallOptions } from "../http/deadline.ts";
import { checkOk } from "../http/error_body.ts";
import { optionalFlag } from "../http/options.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import { Token } from "../token.ts";
import { array, nullable, object, optional, parse, string } from "../parse/validate.ts";
import { nullableSecret } from "../parse/fields.ts";

/**
 * Options of a credentials sign-in.
 *
 * @example
 * ```ts
 * import type { CredentialsOptions } from "./credentials.ts";
 * const options: CredentialsOptions = { verificationCode: "123456", rememberMe: true };
 * ```
 */
export interface CredentialsOptions extends CallOptions {
  /** The 6-digit 2FA code, when the account has two-factor authentication. */
  verificationCode?: string;
  /** Ask plex.tv for a long-lived session. Default `true`. */
  rememberMe?: boolean;
}

/**
 * The account returned by a successful sign-in (the shape of `/api/v2/user`),
 * with its token. Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { SignInResult } from "./credentials.ts";
 * function name(result: SignInResult): string { return result.account.username; }
 * ```
 */
export interface SignInResult {
  /** The legacy token. */
  token: Token;
  /** The account fields (without `authToken`); `email` is `null` for an account without one. */
  account: { id?: number; uuid?: string; username: string; email: string | null; [field: string]: unknown };
}

/**
 * Sends the sign-in request.
 *
 * @param context The configuration.
 * @param username The Plex username or email.
 * @param password The password (sent in the body only).
 * @param options 2FA code, remember-me and call options.
 * @returns The raw response; pass it to {@linkcode processSignInResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processSignInResponse, signInRequest } from "./credentials.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const result = processSignInResponse(await signInRequest(config, "plexuser", "plexpass"));
 * assert.equal(result.account.username, "plexuser");
 * assert.ok(result.token.isLegacy());
 * await emulator.close();
 * ```
 */
export function signInRequest(
  context: RequestContext,
  username: string,
  password: string,
  options: CredentialsOptions = {},
): Promise<PlexResponse> {
  if (!username || !password) {
    throw new PlexError("invalid_argument", "A username and a password are required");
  }
  checkCallOptions(options, ["verificationCode", "rememberMe"], "The credentials sign-in");
  return send(context, {
    method: "POST",
    host: "url",
    path: "/api/v2/users/signin",
    form: {
      login: username,
      password,
      rememberMe: String(optionalFlag(options.rememberMe, "rememberMe", true)),
      verificationCode: options.verificationCode || undefined,
    },
  }, options);
}

/**
 * Checks a sign-in response: 201 with the account and its `authToken`.
 *
 * @param response The response from {@linkcode signInRequest}, or a recorded one.
 * @returns The token and the account.
 * @throws {PlexError} `verification_code_required` (1029), `invalid_verification_code` (1028),
 *   `unauthorized` (1001: "The username or password is incorrect"), `ip_blocked` (1031), `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processSignInResponse } from "./credentials.ts";
 * const result = processSignInResponse({ status: 201, headers: new Headers(), url: "",
 *   body: '{"id":1,"username":"me","authToken":"abcdefghij0123456789"}' });
 * assert.ok(result.account.username === "me" && result.token.isLegacy());
 * ```
 */
export function processSignInResponse(response: PlexResponse): SignInResult {
  try {
    checkOk(response);
  } catch (err) {
    throw signInFailure(err);
  }
  return readSignIn(response);
}

/**
 * The error of a failed sign-in: plex.tv says "User could not be authenticated" (1001, 401),
 * which for a sign-in is the password or the name.
 */
function signInFailure(err: unknown): unknown {
  if (isPlexError(err, "unauthorized") && (err.plexCode === 1001 || err.plexCode === undefined)) {
    return new PlexError("unauthorized", "The username or password is incorrect", {
      status: err.status,
      details: [...err.details],
      hint: "Check the username (or email) and the password, and sign in again",
      cause: err,
    });
  }
  return err;
}

/** A service of the account: its `token` and `secret` wrapped in {@linkcode Token}, so printing hides them. */
const serviceSecrets = object<{ token: Token | null; secret: Token | null }>({
  token: nullableSecret,
  secret: nullableSecret,
});

/** The token and account of a sign-in response whose status was checked. */
function readSignIn(response: PlexResponse): SignInResult {
  const doc = parse(
    object<{ authToken: string; username: string; email: string | null; services?: unknown[] }>({
      authToken: string,
      username: string,
      email: nullable(string),
      services: optional(array(serviceSecrets)),
    }),
    readJson(response),
  );
  const { authToken, ...account } = doc;
  return { token: new Token(authToken), account };
}

/**
 * Signs in with a username and password and returns the legacy token
 * (the seed's `RegisterWithCredentials`).
 *
 * @param context The configuration.
 * @param username The Plex username or email.
 * @param password The password.
 * @param options 2FA code, remember-me and call options.
 * @returns The legacy token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { isPlexError } from "../errors.ts";
 * import { registerWithCredentials } from "./credentials.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const ask = () => Promise.resolve("123456"); // asks the user for the current 2FA code
 * let token;
 * try {
 *   token = await registerWithCredentials(config, "twofactor", "twofactorpass");
 * } catch (err) {
 *   if (!isPlexError(err, "verification_code_required")) throw err;
 *   token = await registerWithCredentials(config, "twofactor", "twofactorpass", { verificationCode: await ask() });
 * }
 * assert.ok(token.isLegacy());
 * await emulator.close();
 * ```
 */
export async function registerWithCredentials(
  context: RequestContext,
  username: string,
  password: string,
  options: CredentialsOptions = {},
): Promise<Token> {
  const response = await signInRequest(context, username, password, options);
  try {
    await ensureOk(response);
  } catch (err) {
    throw signInFailure(err);
  }
  return readSignIn(response).token;
}
