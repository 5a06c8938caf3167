/**
 * Location and companion routes: `GET /api/v2/geoip` (optional
 * `ip_address`; no token needed), `GET /:/ip` (the caller's public address,
 * as text) and `GET /api/v2/companions`.
 *
 * @module
 */
import { companionsJson } from "../payloads/discover.ts";
import { geoData, geoXml } from "../payloads/geo.ts";
import { HttpFailure, jsonReply, type Reply, xmlReply } from "../respond.ts";
import { requireToken, type Route, route, type RouteContext } from "../route.ts";

function geoip(ctx: RouteContext): Reply {
  const ip = ctx.query.get("ip_address");
  if (ip !== null && ip !== "" && !/^[\d.]+$|^[0-9a-f:]+$/i.test(ip)) {
    throw new HttpFailure(400, undefined, "ip_address is not an IP address");
  }
  const payload = ctx.payloads.get("pin_create.json");
  const geo = geoData(
    payload === undefined ? undefined : (JSON.parse(payload) as { location?: unknown }).location,
  );
  return ctx.wantsJson ? jsonReply(200, geo) : xmlReply(200, geoXml(geo));
}

function publicIp(): Reply {
  return { status: 200, body: "127.0.0.1\n", headers: { "Content-Type": "text/plain" } };
}

async function companions(ctx: RouteContext): Promise<Reply> {
  const { token } = await requireToken(ctx);
  return jsonReply(200, companionsJson(token));
}

/** The location and companion routes. */
export const geoRoutes: Route[] = [
  route("GET", "/api/v2/geoip", geoip),
  route("GET", "/:/ip", publicIp, { anyAccept: true }),
  route("GET", "/api/v2/companions", companions, { jsonOnly: true }),
];
