/**
 * PIN routes of the emulator: `POST /api/v2/pins` (short or strong, or with a
 * JWK for the PIN + JWK flow) and `GET /api/v2/pins/{id}` (with `deviceJWT`
 * for PINs created with a JWK).
 *
 * @module
 */
import { importPublicJwk, jwkThumbprint, type PublicJwk } from "../keys.ts";
import { checkDeviceJwt } from "./device_jwt.ts";
import { pinJson } from "./payloads.ts";
import {
  deviceInfo,
  HttpFailure,
  jsonReply,
  readJsonObject,
  type Reply,
  type Route,
  route,
  type RouteContext,
  xmlReply,
} from "./respond.ts";
import { escapeXml, xmlAttributes } from "./xml_text.ts";
import type { PinRecord } from "./state.ts";

/**
 * Checks a JWK sent for registration: an Ed25519 public key whose `kid` is its RFC 7638 thumbprint.
 *
 * @param value The `jwk` member of the request body.
 * @returns The key with its kid.
 * @throws {HttpFailure} 422 when it is not such a key.
 *
 * @example
 * ```ts ignore
 * const jwk = await checkJwk(body.jwk);
 * ```
 */
export async function checkJwk(value: unknown): Promise<PublicJwk & { kid: string }> {
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
  const thumbprint = await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x });
  if (jwk.kid !== thumbprint) {
    throw new HttpFailure(422, undefined, "jwk.kid must be the key's RFC 7638 SHA-256 thumbprint");
  }
  try {
    await importPublicJwk({ kty: "OKP", crv: "Ed25519", x: jwk.x });
  } catch {
    throw new HttpFailure(422, undefined, "jwk.x is not a valid Ed25519 public key");
  }
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: thumbprint, use: "sig", alg: "EdDSA" };
}

function location(ctx: RouteContext): unknown {
  const payload = ctx.payloads.get("pin_create.json");
  return payload === undefined ? undefined : (JSON.parse(payload) as { location?: unknown }).location;
}

function pinReply(ctx: RouteContext, status: number, pin: PinRecord, authToken: string | null): Reply {
  const doc: Record<string, unknown> = { ...pinJson(pin, ctx.origin, location(ctx)), authToken };
  if (ctx.wantsJson) return jsonReply(status, doc);
  const { location: place, ...attributes } = doc;
  return xmlReply(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<pin${xmlAttributes(attributes)}>\n  <location${
      xmlAttributes(place as Record<string, unknown>)
    }/>\n</pin>\n`,
  );
}

async function createPin(ctx: RouteContext): Promise<Reply> {
  let strong = /^(true|1)$/.test(ctx.query.get("strong") ?? "");
  let jwk: (PublicJwk & { kid: string }) | undefined;
  if (ctx.contentType === "application/json") {
    const body = readJsonObject(ctx);
    if (body.strong !== undefined && typeof body.strong !== "boolean") {
      throw new HttpFailure(400, undefined, "strong must be a boolean");
    }
    strong ||= body.strong === true;
    if (body.jwk !== undefined) {
      jwk = await checkJwk(body.jwk);
      if (!strong) throw new HttpFailure(400, undefined, "A PIN with a jwk must be strong");
    }
  } else if (ctx.body.length > 0) {
    if (ctx.contentType !== "application/x-www-form-urlencoded") {
      throw new HttpFailure(
        400,
        undefined,
        "Content-Type must be application/json or application/x-www-form-urlencoded",
      );
    }
    strong ||= /^(true|1)$/.test(new URLSearchParams(ctx.body).get("strong") ?? "");
  }
  if (!jwk && !ctx.state.mayUseLegacyTokens(ctx.clientId)) {
    throw new HttpFailure(
      422,
      undefined,
      "This client identifier has a registered device key: use the key, or a new client identifier",
    );
  }
  const pin = ctx.state.createPin(ctx.clientId, deviceInfo(ctx), strong, jwk);
  ctx.state.onPinCreated?.(pin);
  return pinReply(ctx, 201, pin, null);
}

async function checkPin(ctx: RouteContext): Promise<Reply> {
  const id = ctx.params[0]!;
  const pin = /^\d+$/.test(id) ? ctx.state.pins.get(Number(id)) : undefined;
  if (!pin || pin.expiresAt <= Date.now() / 1000 || pin.clientId !== ctx.clientId) {
    throw new HttpFailure(404, 1020, "Code not found or expired");
  }
  if (!pin.jwk) return pinReply(ctx, 200, pin, pin.authToken ?? null);
  const deviceJwt = ctx.query.get("deviceJWT");
  if (!deviceJwt) return pinReply(ctx, 200, pin, null);
  const claims = await checkDeviceJwt(
    deviceJwt,
    { kid: pin.jwk.kid, key: await importPublicJwk(pin.jwk) },
    ctx.clientId,
  );
  const approver = pin.approvedBy === undefined ? undefined : ctx.state.accounts.byId(pin.approvedBy);
  if (approver && pin.authToken === undefined) {
    if (await ctx.state.registerKey(ctx.clientId, pin.jwk, approver) === "taken") {
      throw new HttpFailure(422, undefined, "Thumbprint Already Taken");
    }
    ctx.state.touchDevice(approver, ctx.clientId, { ...pin.info, ...deviceInfo(ctx) });
    pin.authToken = await ctx.state.issuePlexJwt(approver, ctx.clientId, {
      thumbprint: pin.jwk.kid,
      scope: typeof claims.scope === "string" ? claims.scope : undefined,
    });
  }
  return pinReply(ctx, 200, pin, pin.authToken ?? null);
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
  route("POST", "/api/v2/pins", createPin),
  route("GET", "/api/v2/pins/:id", checkPin),
  route("GET", "/api/v2/pins/qr/:code", qrCode, { open: true }),
];
