/**
 * Friend and sharing routes: `GET /api/v2/friends`, friend removal
 * (`DELETE /api/v2/sharings/{id}` as python-plexapi sends it, and
 * `DELETE /api/v2/friends/{id}` as other tools do), who has which libraries
 * (`GET /api/servers/{machineIdentifier}/shared_servers`, XML), the v1 user
 * list `GET /api/users` and the invitation lists.
 *
 * @module
 */
import { friendJson, sharedServersXml, sharedUsersXml } from "../payloads/friends.ts";
import { SERVER_MACHINE_ID } from "../payloads/resources.ts";
import { HttpFailure, jsonReply, type Reply, XML_PROLOG, xmlReply } from "../respond.ts";
import { requireToken, type Route, route, type RouteContext } from "../route.ts";

async function friends(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return jsonReply(200, ctx.state.friends.of(user.id).map(friendJson));
}

async function removeFriend(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const id = Number(ctx.params[0]);
  if (!Number.isInteger(id) || !ctx.state.friends.remove(user.id, id)) {
    throw new HttpFailure(404, undefined, "Friend not found");
  }
  return { status: 204 };
}

async function sharedServers(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const machineIdentifier = ctx.params[0]!;
  if (machineIdentifier !== SERVER_MACHINE_ID) throw new HttpFailure(404, undefined, "Server not found");
  return xmlReply(200, sharedServersXml(ctx.state.friends.of(user.id), machineIdentifier));
}

async function sharedUsers(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return xmlReply(200, ctx.payloads.get("users_v1.xml") ?? sharedUsersXml(ctx.state.friends.of(user.id)));
}

async function invites(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return xmlReply(
    200,
    ctx.payloads.get("invites.xml") ??
      `${XML_PROLOG}<MediaContainer friendlyName="myPlex" identifier="com.plexapp.plugins.myplex" size="0">\n</MediaContainer>\n`,
  );
}

/** The friend and sharing routes. */
export const friendRoutes: Route[] = [
  route("GET", "/api/v2/friends", friends, { jsonOnly: true }),
  route("DELETE", "/api/v2/sharings/:id", removeFriend, { anyAccept: true }),
  route("DELETE", "/api/v2/friends/:id", removeFriend, { anyAccept: true }),
  route("GET", "/api/servers/:machineIdentifier/shared_servers", sharedServers, { anyAccept: true }),
  route("GET", "/api/users", sharedUsers, { clientId: true, anyAccept: true }),
  route("GET", "/api/users/", sharedUsers, { clientId: true, anyAccept: true }),
  route("GET", "/api/invites/requested", invites, { anyAccept: true }),
  route("GET", "/api/invites/requests", invites, { anyAccept: true }),
];
