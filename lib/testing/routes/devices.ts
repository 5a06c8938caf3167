/**
 * Device and resource routes: `GET /devices.xml`, `GET /api/v2/devices`,
 * `DELETE /devices/{id}.xml`, `GET /api/v2/resources` (JSON or XML),
 * `DELETE /api/servers/{clientIdentifier}`, and the legacy XML
 * `GET /api/resources`.
 *
 * @module
 */
import {
  BUILTIN_DEVICES,
  type BuiltinDevice,
  devicesJson,
  devicesXml,
  deviceView,
} from "../payloads/devices.ts";
import { builtinResources, filterResources, resourcesXml } from "../payloads/resources.ts";
import { HttpFailure, jsonReply, type Reply, XML_PROLOG, xmlReply } from "../respond.ts";
import { requireToken, type Route, route, type RouteContext } from "../route.ts";
import type { EmulatorUser } from "../state/accounts.ts";

function listed(
  ctx: RouteContext,
  user: EmulatorUser,
): { builtin: BuiltinDevice[]; registered: BuiltinDevice[] } {
  const hidden = ctx.state.devices.hiddenBuiltins(user.id);
  return {
    builtin: BUILTIN_DEVICES.filter((d) => !hidden.has(d.attributes.clientIdentifier!)),
    registered: ctx.state.devices.of(user.id).map((device) =>
      deviceView(device, ctx.state.tokens.legacyOf(user.id, device.clientId))
    ),
  };
}

async function devices(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const { builtin, registered } = listed(ctx, user);
  return xmlReply(200, devicesXml(builtin, registered, ctx.payloads.get("devices.xml")));
}

async function devicesV2(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const { builtin, registered } = listed(ctx, user);
  return jsonReply(200, devicesJson([...builtin, ...registered]));
}

function removeListed(
  ctx: RouteContext,
  user: EmulatorUser,
  matches: (d: BuiltinDevice) => boolean,
): boolean {
  const { builtin, registered } = listed(ctx, user);
  const own = registered.find(matches);
  if (own) return ctx.state.removeDevice(own.attributes.clientIdentifier!);
  const shown = builtin.find(matches);
  if (shown) ctx.state.devices.hideBuiltin(user.id, shown.attributes.clientIdentifier!);
  return shown !== undefined;
}

async function removeDevice(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  if (!removeListed(ctx, user, (d) => d.attributes.id === ctx.params[0])) {
    throw new HttpFailure(404, undefined, "Device not found");
  }
  return { status: 200 };
}

async function removeServer(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  if (!removeListed(ctx, user, (d) => d.attributes.clientIdentifier === ctx.params[0])) {
    throw new HttpFailure(404, undefined, "Server not found");
  }
  return { status: 200 };
}

async function resources(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const payload = ctx.payloads.get("resources.json");
  const hidden = ctx.state.devices.hiddenBuiltins(user.id);
  const all = payload !== undefined
    ? JSON.parse(payload) as Record<string, unknown>[]
    : builtinResources(`srv${user.uuid}`.slice(0, 20));
  const list = filterResources(all.filter((r) => !hidden.has(String(r.clientIdentifier))), ctx.query);
  return ctx.wantsJson ? jsonReply(200, list) : xmlReply(200, resourcesXml(list));
}

async function resourcesV1(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  return xmlReply(
    200,
    ctx.payloads.get("resources_v1.xml") ?? `${XML_PROLOG}<MediaContainer size="0">\n</MediaContainer>\n`,
  );
}

/** The device and resource routes. */
export const deviceRoutes: Route[] = [
  route("GET", "/devices.xml", devices, { anyAccept: true }),
  route("DELETE", "/devices/:id.xml", removeDevice, { anyAccept: true }),
  route("GET", "/api/v2/devices", devicesV2, { jsonOnly: true }),
  route("GET", "/api/v2/resources", resources, { clientId: true }),
  route("DELETE", "/api/servers/:id", removeServer),
  route("GET", "/api/resources", resourcesV1),
];
