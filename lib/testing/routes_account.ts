/**
 * Account routes of the emulator, all behind a valid `X-Plex-Token` (legacy
 * or a Plex JWT it issued): the user, devices, resources, ping, sign-out,
 * claim token, and the legacy XML lists served from a payload folder.
 *
 * @module
 */
import {
  accountDevices,
  accountJson,
  accountXml,
  builtinResources,
  devicesJson,
  devicesXml,
  filterResources,
  withJsonToken,
  withXmlToken,
} from "./payloads.ts";
import {
  HttpFailure,
  jsonReply,
  type Reply,
  requireToken,
  type Route,
  route,
  type RouteContext,
  xmlReply,
} from "./respond.ts";
import { randomString } from "./state.ts";

async function user(ctx: RouteContext): Promise<Reply> {
  const { user, token } = await requireToken(ctx);
  const homeSize = user.homeId === undefined ? 1 : ctx.state.accounts.home(user.homeId).length;
  if (ctx.wantsJson) {
    const payload = ctx.payloads.get("user.json");
    if (payload !== undefined) {
      return {
        status: 200,
        body: withJsonToken(payload, token),
        headers: { "Content-Type": "application/json" },
      };
    }
    return jsonReply(200, accountJson(user, token, homeSize, false));
  }
  const payload = ctx.payloads.get("user.xml");
  return xmlReply(
    200,
    payload !== undefined ? withXmlToken(payload, token) : accountXml(user, token, homeSize, false),
  );
}

function ownDevices(ctx: RouteContext, userId: number) {
  return [...ctx.state.devices.values()].filter((d) => d.userId === userId).map((device) => ({
    device,
    token: ctx.state.legacyTokenOf(userId, device.clientId),
  }));
}

async function devices(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return xmlReply(200, devicesXml(ownDevices(ctx, user.id), ctx.payloads.get("devices.xml")));
}

async function devicesV2(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return jsonReply(200, devicesJson(accountDevices(ownDevices(ctx, user.id))));
}

async function removeDevice(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const id = Number(ctx.params[0]);
  const device = [...ctx.state.devices.values()].find((d) => d.id === id && d.userId === user.id);
  if (!device) throw new HttpFailure(404, undefined, "Device not found");
  ctx.state.removeDevice(device.clientId);
  return { status: 200 };
}

async function resources(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const payload = ctx.payloads.get("resources.json");
  const list = payload !== undefined
    ? JSON.parse(payload) as Record<string, unknown>[]
    : builtinResources(`srv${user.uuid}`.slice(0, 20));
  return jsonReply(200, filterResources(list, ctx.query));
}

async function ping(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return ctx.wantsJson
    ? jsonReply(200, { pong: true })
    : xmlReply(200, '<?xml version="1.0" encoding="UTF-8"?>\n<pong/>\n');
}

async function signOut(ctx: RouteContext): Promise<Reply> {
  const { token } = await requireToken(ctx);
  ctx.state.revokeToken(token);
  return { status: 204 };
}

async function claimToken(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return jsonReply(200, {
    token: `claim-${randomString(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")}`,
  });
}

function payloadXml(name: string) {
  return async (ctx: RouteContext): Promise<Reply> => {
    await requireToken(ctx);
    const payload = ctx.payloads.get(name);
    return xmlReply(
      200,
      payload ?? '<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer size="0">\n</MediaContainer>\n',
    );
  };
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
  route("GET", "/devices.xml", devices),
  route("DELETE", "/devices/:id.xml", removeDevice),
  route("GET", "/api/v2/devices", devicesV2, { jsonOnly: true }),
  route("GET", "/api/v2/resources", resources, { jsonOnly: true }),
  route("GET", "/api/v2/ping", ping),
  route("DELETE", "/api/v2/users/signout", signOut),
  route("GET", "/api/claim/token.json", claimToken, { jsonOnly: true }),
  route("GET", "/api/invites/requested", payloadXml("invites.xml")),
  route("GET", "/api/invites/requests", payloadXml("invites.xml")),
  route("GET", "/api/resources", payloadXml("resources_v1.xml")),
  route("GET", "/api/users", payloadXml("users_v1.xml")),
  route("GET", "/api/users/", payloadXml("users_v1.xml")),
  route("GET", "/.well-known/openid-configuration", openidConfiguration, { open: true, jsonOnly: true }),
];
