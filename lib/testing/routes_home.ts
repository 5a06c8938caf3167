/**
 * Plex Home routes of the emulator: `GET /api/v2/home/users` and
 * `POST /api/v2/home/users/{uuid}/switch` (with `pin` for protected users,
 * 1041 without or with a wrong one).
 *
 * @module
 */
import { accountJson, homeUserJson } from "./payloads.ts";
import {
  deviceInfo,
  HttpFailure,
  jsonReply,
  type Reply,
  requireToken,
  type Route,
  route,
  type RouteContext,
} from "./respond.ts";

async function homeUsers(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const members = user.homeId === undefined ? [user] : ctx.state.accounts.home(user.homeId);
  const admin = members.find((m) => m.homeAdmin) ?? user;
  return jsonReply(200, {
    id: user.homeId ?? null,
    name: `${admin.friendlyName}'s Home`,
    guestUserID: null,
    guestUserUUID: null,
    guestEnabled: false,
    subscription: true,
    users: members.map(homeUserJson),
  });
}

async function switchUser(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const target = ctx.state.accounts.users.list().find((u) => u.uuid === ctx.params[0]);
  if (!target || user.homeId === undefined || target.homeId !== user.homeId) {
    throw new HttpFailure(404, undefined, "User not found in this home");
  }
  let pin = ctx.query.get("pin");
  if (pin === null && ctx.contentType === "application/x-www-form-urlencoded") {
    pin = new URLSearchParams(ctx.body).get("pin");
  }
  if (target.pin !== undefined && pin !== target.pin) {
    throw new HttpFailure(403, 1041, "A valid PIN is required to perform this action");
  }
  const token = ctx.state.issueLegacyToken(target, ctx.clientId, deviceInfo(ctx));
  return jsonReply(201, accountJson(target, token, ctx.state.accounts.home(user.homeId).length, false));
}

/** The Plex Home routes. */
export const homeRoutes: Route[] = [
  route("GET", "/api/v2/home/users", homeUsers, { jsonOnly: true }),
  route("POST", "/api/v2/home/users/:uuid/switch", switchUser, { jsonOnly: true }),
];
