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
import { randomString, TOKEN_ALPHABET } from "../state/random.ts";

async function user(ctx: RouteContext): Promise<Reply> {
  const { user, token } = await requireToken(ctx);
  const homeSize = user.homeId === undefined ? 1 : ctx.state.accounts.home(user.homeId).length;
  const account = { token, homeSize, nowSeconds: ctx.state.nowSeconds() };
  if (ctx.wantsJson) {
    const payload = ctx.payloads.get("user.json");
    if (payload !== undefined) {
      return {
        status: 200,
        body: withJsonToken(payload, token),
        headers: { "Content-Type": "application/json" },
      };
    }
    return jsonReply(200, accountJson(user, account, false));
  }
  const payload = ctx.payloads.get("user.xml");
  return xmlReply(
    200,
    payload !== undefined ? withXmlToken(payload, token) : accountXml(user, account, false),
  );
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
