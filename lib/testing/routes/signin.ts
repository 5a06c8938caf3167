/**
 * Sign-in routes: `POST /api/v2/users/signin` (form or JSON `login`,
 * `password`, `rememberMe`, `verificationCode`) and the legacy
 * `POST /users/sign_in.json` / `.xml` (HTTP Basic, form `user[login]` /
 * `user[password]`, or JSON `{"user": {...}}`; the 2FA code appended to the
 * password). Every failure counts towards the client's lockout (1031).
 *
 * @module
 */
import { accountXml, legacySignInJson } from "../payloads/account.ts";
import { errorReply, HttpFailure, jsonReply, type Reply, unauthorized, xmlReply } from "../respond.ts";
import { bodyFields, deviceInfo, type Route, route, type RouteContext, textValue } from "../route.ts";
import { accountReply } from "./account.ts";
import type { EmulatorUser } from "../state/accounts.ts";

const BLOCKED_MESSAGE =
  "User could not be authenticated. This IP appears to be having trouble signing in to an account (detected repeated failures)";

/** The message for a client that registered a device key and asks for a legacy token again. */
export const BOUND_CLIENT_MESSAGE =
  "This client identifier has a registered device key: use the key, or a new client identifier";

/**
 * Checks credentials like plex.tv: blocked clients (1031), unknown login or
 * wrong password (1001), 2FA code missing (1029) or wrong (1028); the code may
 * also be appended to the password. Failures count towards the block.
 *
 * @param ctx The request.
 * @param login The username or email.
 * @param password The password.
 * @param code The 2FA code, if sent.
 * @returns The account.
 * @throws {HttpFailure} as above, or 422 when the client identifier has a registered device key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateSettings } from "../options.ts";
 * import type { RouteContext } from "../route.ts";
 * import { EmulatorState } from "../state/state.ts";
 * import { checkCredentials } from "./signin.ts";
 * const ctx = { state: await EmulatorState.create(stateSettings({})), clientId: "client-1" } as RouteContext;
 * assert.equal(checkCredentials(ctx, "plexuser", "plexpass", undefined).username, "plexuser");
 * assert.throws(() => checkCredentials(ctx, "twofactor", "twofactorpass", undefined), { plexCode: 1029 });
 * assert.throws(() => checkCredentials(ctx, "plexuser", "wrong", undefined), { status: 401, plexCode: 1001 });
 * ```
 */
export function checkCredentials(
  ctx: RouteContext,
  login: string,
  password: string,
  code: string | undefined,
): EmulatorUser {
  const { state } = ctx;
  const now = state.settings.now();
  if (state.signins.isBlocked(ctx.clientId, now)) throw new HttpFailure(401, 1031, BLOCKED_MESSAGE);
  const user = state.accounts.find(login);
  const secret = user?.password;
  const appended = user?.verificationCode !== undefined && secret !== undefined &&
    password === secret + user.verificationCode;
  if (!user || secret === undefined || (password !== secret && !appended)) {
    state.signins.fail(ctx.clientId, now);
    throw unauthorized();
  }
  if (user.verificationCode !== undefined && !appended) {
    if (!code) throw new HttpFailure(401, 1029, "Please enter the verification code");
    if (code !== user.verificationCode) {
      state.signins.fail(ctx.clientId, now);
      throw new HttpFailure(401, 1028, "Please enter a valid verification code");
    }
  }
  if (!state.mayUseLegacyTokens(ctx.clientId)) throw new HttpFailure(422, undefined, BOUND_CLIENT_MESSAGE);
  state.signins.clear(ctx.clientId);
  return user;
}

function accountContext(ctx: RouteContext, user: EmulatorUser, token: string) {
  const homeSize = user.homeId === undefined ? 1 : ctx.state.accounts.home(user.homeId).length;
  return { token, homeSize, nowSeconds: ctx.state.nowSeconds() };
}

function signIn(ctx: RouteContext): Reply {
  const fields = bodyFields(ctx);
  const login = textValue(fields.login);
  const password = textValue(fields.password);
  if (!login || !password) {
    throw new HttpFailure(400, undefined, "The login and password fields are required");
  }
  const user = checkCredentials(ctx, login, password, textValue(fields.verificationCode) || undefined);
  return accountReply(ctx, user, ctx.state.issueLegacyToken(user, ctx.clientId, deviceInfo(ctx)), 201, true);
}

function decodeBasic(header: string | null): { login: string; password: string } | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!basic) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(basic[1]!), (c) => c.charCodeAt(0)),
    );
  } catch {
    return { login: "", password: "" };
  }
  const colon = decoded.indexOf(":");
  return colon < 0
    ? { login: decoded, password: "" }
    : { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function legacyCredentials(ctx: RouteContext): { login?: string; password?: string; code?: string } {
  const basic = decodeBasic(ctx.headers.get("authorization"));
  if (basic) return basic;
  const fields = bodyFields(ctx);
  const nested = fields.user !== null && typeof fields.user === "object"
    ? fields.user as Record<string, unknown>
    : {};
  return {
    login: textValue(fields["user[login]"] ?? nested.login),
    password: textValue(fields["user[password]"] ?? nested.password),
    code: textValue(fields["user[verificationCode]"] ?? nested.verificationCode),
  };
}

function legacySignIn(json: boolean) {
  return (ctx: RouteContext): Reply => {
    try {
      const { login, password, code } = legacyCredentials(ctx);
      if (!login || !password) throw unauthorized();
      const user = checkCredentials(ctx, login, password, code || undefined);
      const token = ctx.state.issueLegacyToken(user, ctx.clientId, deviceInfo(ctx));
      const account = accountContext(ctx, user, token);
      return json
        ? jsonReply(201, legacySignInJson(user, account))
        : xmlReply(201, accountXml(user, account, true));
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      return errorReply(err.status, err.plexCode, err.message, json);
    }
  };
}

/** The sign-in routes. */
export const signinRoutes: Route[] = [
  route("POST", "/api/v2/users/signin", signIn, { clientId: true }),
  route("POST", "/users/sign_in.json", legacySignIn(true), { anyAccept: true }),
  route("POST", "/users/sign_in.xml", legacySignIn(false), { anyAccept: true }),
];
