/**
 * PIN routes: `POST /api/v2/pins` (short or strong, optionally with a JWK for
 * the PIN + JWK flow; whatever body a real client sends), `GET
 * /api/v2/pins/{id}` (with `deviceJWT` for PINs created with a JWK),
 * `PUT /api/v2/pins/link` (a signed-in account approves a code shown by
 * another client) and the QR image.
 *
 * @module
 */
import { calculateJwkThumbprint, importJWK } from "jose";
import type { CryptoKey, PublicJwk } from "../../keys.ts";
import { checkDeviceJwt } from "../device_jwt.ts";
import { geoData } from "../payloads/geo.ts";
import { pinJson, pinXml } from "../payloads/pins.ts";
import { HttpFailure, jsonReply, type Reply, xmlReply } from "../respond.ts";
import {
  bodyFields,
  deviceInfo,
  requireToken,
  type Route,
  route,
  type RouteContext,
  stringParam,
} from "../route.ts";
import type { PinRecord } from "../state/pins.ts";
import { escapeXml } from "../xml_text.ts";
import { BOUND_CLIENT_MESSAGE } from "./signin.ts";

/**
 * Checks a JWK sent for registration: an Ed25519 public key with a `kid`
 * (an opaque string the client chose: Plex's own example uses "your-key-id").
 *
 * @param value The `jwk` member of the request body.
 * @returns The key with its kid, and its RFC 7638 thumbprint.
 * @throws {HttpFailure} 422 when it is not such a key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey } from "../../keys.ts";
 * import { checkJwk } from "./pins.ts";
 * const { publicJwk, keyId } = await generateDeviceKey();
 * const { jwk, thumbprint } = await checkJwk({ ...publicJwk, kid: "your-key-id" });
 * assert.deepEqual([jwk.kid, thumbprint], ["your-key-id", keyId]);
 * await assert.rejects(checkJwk({ ...publicJwk, d: "private" }), { status: 422 }); // not a public key
 * ```
 */
export async function checkJwk(
  value: unknown,
): Promise<{ jwk: PublicJwk & { kid: string }; thumbprint: string }> {
  if (value === null || typeof value !== "object") {
    throw new HttpFailure(422, undefined, "jwk must be a JSON object");
  }
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") {
    throw new HttpFailure(422, undefined, "jwk must be an Ed25519 key (kty OKP, crv Ed25519)");
  }
  if (typeof jwk.x !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) {
    throw new HttpFailure(422, undefined, "jwk.x must be a base64url Ed25519 public key");
  }
  if ("d" in jwk) throw new HttpFailure(422, undefined, "jwk must be a public key");
  if (jwk.use !== undefined && jwk.use !== "sig") {
    throw new HttpFailure(422, undefined, "jwk.use must be sig");
  }
  if (jwk.alg !== undefined && jwk.alg !== "EdDSA") {
    throw new HttpFailure(422, undefined, "jwk.alg must be EdDSA");
  }
  if (typeof jwk.kid !== "string" || jwk.kid === "") {
    throw new HttpFailure(422, undefined, "jwk.kid must be a non-empty string");
  }
  try {
    await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "EdDSA");
  } catch {
    throw new HttpFailure(422, undefined, "jwk.x is not a valid Ed25519 public key");
  }
  const thumbprint = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x });
  return {
    jwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid, use: "sig", alg: "EdDSA" },
    thumbprint,
  };
}

function location(ctx: RouteContext): Record<string, unknown> {
  const payload = ctx.payloads.get("pin_create.json");
  return geoData(
    payload === undefined ? undefined : (JSON.parse(payload) as { location?: unknown }).location,
  );
}

function pinReply(ctx: RouteContext, status: number, pin: PinRecord): Reply {
  const doc = pinJson(pin, ctx.origin, location(ctx), ctx.state.nowSeconds());
  return ctx.wantsJson ? jsonReply(status, doc) : xmlReply(status, pinXml(doc));
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === "string" && /^(true|1)$/i.test(value));
}

async function createPin(ctx: RouteContext): Promise<Reply> {
  const fields = bodyFields(ctx);
  const strong = truthy(ctx.query.get("strong")) || truthy(fields.strong);
  const key = fields.jwk === undefined ? undefined : await checkJwk(fields.jwk);
  if (!key && !ctx.state.mayUseLegacyTokens(ctx.clientId)) {
    throw new HttpFailure(422, undefined, BOUND_CLIENT_MESSAGE);
  }
  const settings = ctx.state.settings;
  const pin = ctx.state.pins.create({
    clientId: ctx.clientId,
    info: deviceInfo(ctx),
    strong,
    jwk: key?.jwk,
    lifetimeSeconds: strong ? settings.strongPinLifetimeSeconds : settings.pinLifetimeSeconds,
    nowSeconds: ctx.state.nowSeconds(),
  });
  ctx.state.onPinCreated?.(pin);
  return pinReply(ctx, 201, pin);
}

async function checkPin(ctx: RouteContext): Promise<Reply> {
  const id = ctx.params[0]!;
  const pin = /^\d+$/.test(id) ? ctx.state.findPin(Number(id)) : undefined;
  if (!pin || pin.clientId !== ctx.clientId) throw new HttpFailure(404, 1020, "Code not found or expired");
  if (!pin.jwk) return pinReply(ctx, 200, pin);
  const deviceJwt = ctx.query.get("deviceJWT");
  if (!deviceJwt) return pinReply(ctx, 200, pin);
  const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: pin.jwk.x }, "EdDSA") as CryptoKey;
  const claims = await checkDeviceJwt(
    deviceJwt,
    { kid: pin.jwk.kid, key },
    ctx.clientId,
    ctx.state.nowSeconds(),
  );
  const approver = pin.approvedBy === undefined ? undefined : ctx.state.accounts.byId(pin.approvedBy);
  if (approver && pin.authToken === undefined) {
    const known = ctx.state.devices.get(ctx.clientId)?.userId === approver.id;
    const thumbprint = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: pin.jwk.x });
    if (await ctx.state.registerKey(ctx.clientId, pin.jwk, thumbprint, approver) === "taken") {
      throw new HttpFailure(422, undefined, "Thumbprint Already Taken");
    }
    ctx.state.devices.touch(
      approver.id,
      ctx.clientId,
      { ...pin.info, ...deviceInfo(ctx) },
      ctx.state.nowSeconds(),
    );
    pin.authToken = await ctx.state.issuePlexJwt(approver, ctx.clientId, {
      thumbprint: pin.jwk.kid,
      scope: typeof claims.scope === "string" ? claims.scope : undefined,
    });
    pin.newRegistration = !known;
  }
  return pinReply(ctx, 200, pin);
}

async function linkPin(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const code = stringParam(ctx, "code")?.trim();
  if (!code) throw new HttpFailure(400, undefined, "code is required");
  // By its code only: a PIN's id is not a code (a code may be all digits, such as 1480).
  const pin = ctx.state.findPin(code);
  if (!pin || pin.code.toUpperCase() !== code.toUpperCase()) {
    throw new HttpFailure(404, 1020, "Code not found or expired");
  }
  ctx.state.approvePin(pin, user);
  return { status: 204 };
}

function qrCode(ctx: RouteContext): Reply {
  const code = escapeXml(ctx.params[0]);
  return {
    status: 200,
    body:
      `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60"><text x="10" y="40" font-size="28">${code}</text></svg>`,
    headers: { "Content-Type": "image/svg+xml" },
  };
}

/** The PIN routes. */
export const pinRoutes: Route[] = [
  route("POST", "/api/v2/pins", createPin, { clientId: true }),
  route("PUT", "/api/v2/pins/link", linkPin),
  route("GET", "/api/v2/pins/qr/:code", qrCode, { anyAccept: true }),
  route("GET", "/api/v2/pins/:id", checkPin, { clientId: true }),
];
