/**
 * Sign-in routes of the emulator: `POST /api/v2/users/signin` (form `login`,
 * `password`, `rememberMe`, `verificationCode`) and the legacy
 * `POST /users/sign_in.xml` (form `user[login]`, `user[password]`, or HTTP Basic).
 *
 * @module
 */
import type { EmulatorUser } from "./accounts.ts";
import { accountJson, accountXml, withJsonToken } from "./payloads.ts";
import {
  deviceInfo,
  errorReply,
  HttpFailure,
  jsonReply,
  readForm,
  type Reply,
  type Route,
  route,
  type RouteContext,
  unauthorized,
  xmlReply,
} from "./respond.ts";

const BLOCKED_MESSAGE =
  "User could not be authenticated. This IP appears to be having trouble signing in to an account (detected repeated failures)";

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
 * ```ts ignore
 * const user = checkCredentials(ctx, "plexuser", "plexpass", undefined);
 * ```
 */
export function checkCredentials(
  ctx: RouteContext,
  login: string,
  password: string,
  code: string | undefined,
): EmulatorUser {
  const { state } = ctx;
  if (state.isSigninBlocked(ctx.clientId)) throw new HttpFailure(401, 1031, BLOCKED_MESSAGE);
  const user = state.accounts.find(login);
  const secret = user?.password;
  const appended = user?.verificationCode !== undefined && secret !== undefined &&
    password === secret + user.verificationCode;
  if (!user || secret === undefined || (password !== secret && !appended)) {
    state.recordSigninFailure(ctx.clientId);
    throw unauthorized();
  }
  if (user.verificationCode !== undefined && !appended) {
    if (!code) throw new HttpFailure(401, 1029, "Please enter the verification code");
    if (code !== user.verificationCode) {
      state.recordSigninFailure(ctx.clientId);
      throw new HttpFailure(401, 1028, "Please enter a valid verification code");
    }
  }
  if (!state.mayUseLegacyTokens(ctx.clientId)) {
    throw new HttpFailure(
      422,
      undefined,
      "This client identifier has a registered device key: use the key, or a new client identifier",
    );
  }
  state.clearSigninFailures(ctx.clientId);
  return user;
}

function homeSize(ctx: RouteContext, user: EmulatorUser): number {
  return user.homeId === undefined ? 1 : ctx.state.accounts.home(user.homeId).length;
}

function signIn(ctx: RouteContext): Reply {
  const form = readForm(ctx);
  const login = form.get("login");
  const password = form.get("password");
  if (!login || !password) {
    throw new HttpFailure(400, undefined, "The login and password fields are required");
  }
  const rememberMe = form.get("rememberMe");
  if (rememberMe !== null && !/^(true|false|1|0)$/.test(rememberMe)) {
    throw new HttpFailure(400, undefined, "rememberMe must be true or false");
  }
  const user = checkCredentials(ctx, login, password, form.get("verificationCode") || undefined);
  const token = ctx.state.issueLegacyToken(user, ctx.clientId, deviceInfo(ctx));
  if (!ctx.wantsJson) return xmlReply(201, accountXml(user, token, homeSize(ctx, user), false));
  const payload = ctx.payloads.get("signin.json");
  if (payload !== undefined) {
    return {
      status: 201,
      body: withJsonToken(payload, token),
      headers: { "Content-Type": "application/json" },
    };
  }
  return jsonReply(201, accountJson(user, token, homeSize(ctx, user), true));
}

function legacySignIn(ctx: RouteContext): Reply {
  let login: string | null = null;
  let password: string | null = null;
  let code: string | null = null;
  const basic = /^Basic\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ""));
  if (basic) {
    const decoded = atob(basic[1]!);
    const colon = decoded.indexOf(":");
    login = decoded.slice(0, colon);
    password = colon >= 0 ? decoded.slice(colon + 1) : null;
  } else {
    const form = readForm(ctx);
    login = form.get("user[login]");
    password = form.get("user[password]");
    code = form.get("user[verificationCode]");
  }
  if (!login || !password) {
    throw new HttpFailure(400, undefined, "The user[login] and user[password] fields are required");
  }
  try {
    const user = checkCredentials(ctx, login, password, code || undefined);
    const token = ctx.state.issueLegacyToken(user, ctx.clientId, deviceInfo(ctx));
    return xmlReply(201, accountXml(user, token, homeSize(ctx, user), true));
  } catch (err) {
    if (!(err instanceof HttpFailure)) throw err;
    return errorReply(err.status, err.plexCode, err.message, false);
  }
}

/** The sign-in routes. */
export const signinRoutes: Route[] = [
  route("POST", "/api/v2/users/signin", signIn),
  route("POST", "/users/sign_in.xml", legacySignIn),
];
