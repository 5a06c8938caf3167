/**
 * Account routes, all behind a valid `X-Plex-Token` (legacy or a Plex JWT the
 * emulator issued): the user, ping, sign-out, claim token, and the OpenID
 * discovery document.
 *
 * @module
 */
import { accountJson, accountXml, withJsonToken, withXmlToken } from "../payloads/account.ts";
import { jsonReply, type Reply, XML_PROLOG, xmlReply } from "../respond.ts";
import { requireToken, type Route, route, type RouteContext } from "../route.ts";
import type { EmulatorUser } from "../state/accounts.ts";
import { randomString, TOKEN_ALPHABET } from "../state/random.ts";

/**
 * An account answer (`/api/v2/user`, or a sign-in when `signin`): the payload
 * file when one is given, else the built-in account; JSON or XML as asked.
 *
 * @param ctx The request.
 * @param user The account.
 * @param token Its token, put in `authToken`.
 * @param status The status.
 * @param signin The sign-in shape (`pastSubscriptions`, `trials`; payload `signin.json`).
 * @returns The reply.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateSettings } from "../options.ts";
 * import { loadPayloads } from "../payloads/folder.ts";
 * import type { RouteContext } from "../route.ts";
 * import { EmulatorState } from "../state/state.ts";
 * import { accountReply } from "./account.ts";
 * const state = await EmulatorState.create(stateSettings({}));
 * const ctx = { state, payloads: await loadPayloads(undefined), wantsJson: true } as RouteContext;
 * const reply = accountReply(ctx, state.accounts.users.default, "token-1", 201, true);
 * assert.equal(reply.status, 201);
 * assert.equal(JSON.parse(reply.body!).authToken, "token-1");
 * ```
 */
export function accountReply(
  ctx: RouteContext,
  user: EmulatorUser,
  token: string,
  status: number,
  signin: boolean,
): Reply {
  const homeSize = user.homeId === undefined ? 1 : ctx.state.accounts.home(user.homeId).length;
  const account = { token, homeSize, nowSeconds: ctx.state.nowSeconds() };
  const name = ctx.wantsJson ? (signin ? "signin.json" : "user.json") : signin ? undefined : "user.xml";
  const payload = name === undefined ? undefined : ctx.payloads.get(name);
  if (ctx.wantsJson) {
    return payload === undefined
      ? jsonReply(status, accountJson(user, account, signin))
      : { status, body: withJsonToken(payload, token), headers: { "Content-Type": "application/json" } };
  }
  return xmlReply(
    status,
    payload === undefined ? accountXml(user, account, false) : withXmlToken(payload, token),
  );
}

async function user(ctx: RouteContext): Promise<Reply> {
  const { user, token } = await requireToken(ctx);
  return accountReply(ctx, user, token, 200, false);
}

async function ping(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return ctx.wantsJson ? jsonReply(200, { pong: true }) : xmlReply(200, `${XML_PROLOG}<pong>true</pong>\n`);
}

async function signOut(ctx: RouteContext): Promise<Reply> {
  const { token } = await requireToken(ctx);
  ctx.state.revokeToken(token);
  return { status: 204 };
}

async function claimToken(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return jsonReply(200, { token: `claim-${randomString(20, TOKEN_ALPHABET)}` });
}

function openidConfiguration(ctx: RouteContext): Reply {
  const payload = ctx.payloads.get("openid_configuration.json");
  if (payload !== undefined) {
    return { status: 200, body: payload, headers: { "Content-Type": "application/json" } };
  }
  return jsonReply(200, {
    issuer: ctx.origin,
    jwks_uri: `${ctx.origin}/api/v2/auth/keys`,
    id_token_signing_alg_values_supported: ["EdDSA"],
  });
}

/** The account routes. */
export const accountRoutes: Route[] = [
  route("GET", "/api/v2/user", user),
  route("GET", "/api/v2/ping", ping),
  route("DELETE", "/api/v2/users/signout", signOut),
  route("GET", "/api/claim/token.json", claimToken, { jsonOnly: true }),
  route("GET", "/.well-known/openid-configuration", openidConfiguration, { jsonOnly: true }),
];
