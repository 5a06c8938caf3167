/**
 * Plex Home routes: `GET /api/v2/home`, `GET /api/v2/home/users`,
 * `POST /api/v2/home/users/{uuid}/switch` (with `pin` for protected users,
 * 1041 without or with a wrong one), and python-plexapi's v1 forms
 * `GET /api/home/users` (XML) and `POST /api/home/users/{id}/switch`.
 *
 * @module
 */
import { accountJson, accountXml } from "../payloads/account.ts";
import { homeJson, homeUserJson, homeUsersXml } from "../payloads/home.ts";
import { HttpFailure, jsonReply, type Reply, xmlReply } from "../respond.ts";
import { deviceInfo, requireToken, type Route, route, type RouteContext, stringParam } from "../route.ts";
import type { EmulatorUser } from "../state/accounts.ts";
import { homeOf } from "../state/home.ts";

async function home(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return jsonReply(200, homeJson(homeOf(ctx.state.accounts, user)));
}

async function homeUsers(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const found = homeOf(ctx.state.accounts, user);
  return jsonReply(200, { ...homeJson(found), users: found.members.map(homeUserJson) });
}

async function homeUsersV1(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return xmlReply(200, homeUsersXml(homeOf(ctx.state.accounts, user)));
}

async function switchTo(
  ctx: RouteContext,
  matches: (u: EmulatorUser) => boolean,
): Promise<{ target: EmulatorUser; token: string; homeSize: number }> {
  const { user } = await requireToken(ctx);
  const target = ctx.state.accounts.users.list().find(matches);
  if (!target || user.homeId === undefined || target.homeId !== user.homeId) {
    throw new HttpFailure(404, undefined, "User not found in this home");
  }
  const pin = stringParam(ctx, "pin");
  if (target.pin !== undefined && pin !== target.pin) {
    throw new HttpFailure(403, 1041, "A valid PIN is required to perform this action");
  }
  const token = ctx.state.issueLegacyToken(target, ctx.clientId, deviceInfo(ctx));
  return { target, token, homeSize: ctx.state.accounts.home(user.homeId).length };
}

async function switchUser(ctx: RouteContext): Promise<Reply> {
  const { target, token, homeSize } = await switchTo(ctx, (u) => u.uuid === ctx.params[0]);
  return jsonReply(201, accountJson(target, { token, homeSize, nowSeconds: ctx.state.nowSeconds() }, false));
}

async function switchUserV1(ctx: RouteContext): Promise<Reply> {
  const { target, token, homeSize } = await switchTo(ctx, (u) => String(u.id) === ctx.params[0]);
  return xmlReply(201, accountXml(target, { token, homeSize, nowSeconds: ctx.state.nowSeconds() }, true));
}

/** The Plex Home routes. */
export const homeRoutes: Route[] = [
  route("GET", "/api/v2/home", home, { jsonOnly: true }),
  route("GET", "/api/v2/home/users", homeUsers, { jsonOnly: true }),
  route("POST", "/api/v2/home/users/:uuid/switch", switchUser, { jsonOnly: true }),
  route("GET", "/api/home/users", homeUsersV1, { anyAccept: true }),
  route("POST", "/api/home/users/:id/switch", switchUserV1, { anyAccept: true }),
];
