/**
 * JWT routes: device key registration (`POST /api/v2/auth/jwk`), nonces
 * (`GET /api/v2/auth/nonce`, single use, rate limited), the token exchange
 * (`POST /api/v2/auth/token`) and the emulator's public keys
 * (`GET /api/v2/auth/keys`).
 *
 * @module
 */
import { checkDeviceJwt } from "../device_jwt.ts";
import { HttpFailure, jsonReply, type Reply } from "../respond.ts";
import { bodyFields, deviceInfo, requireToken, type Route, route, type RouteContext } from "../route.ts";
import type { NonceOutcome } from "../state/nonces.ts";
import { checkJwk } from "./pins.ts";

async function registerJwk(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  const { jwk, thumbprint } = await checkJwk(bodyFields(ctx).jwk);
  if (await ctx.state.registerKey(ctx.clientId, jwk, thumbprint, user) === "taken") {
    throw new HttpFailure(422, undefined, "Thumbprint Already Taken");
  }
  ctx.state.devices.touch(user.id, ctx.clientId, deviceInfo(ctx), ctx.state.nowSeconds());
  return { status: 201 };
}

function nonce(ctx: RouteContext): Reply {
  const { nonces, settings } = ctx.state;
  const now = settings.now();
  if (!nonces.allow(ctx.clientId, settings.nonceRateLimit, now)) {
    throw new HttpFailure(429, 1003, "Too many requests", { "Retry-After": "1" });
  }
  return jsonReply(200, { nonce: nonces.create(ctx.clientId, now + settings.nonceLifetimeSeconds * 1000) });
}

const NONCE_MESSAGES: Record<Exclude<NonceOutcome, "ok">, string> = {
  unknown: "The nonce is not valid",
  used: "The nonce has already been used",
  expired: "The nonce has expired",
  other_client: "The nonce was issued to another client",
};

async function exchange(ctx: RouteContext): Promise<Reply> {
  const { jwt } = bodyFields(ctx);
  if (typeof jwt !== "string" || jwt.length === 0) throw new HttpFailure(400, undefined, "jwt is required");
  const key = ctx.state.devices.keyOf(ctx.clientId);
  const claims = await checkDeviceJwt(jwt, key, ctx.clientId, ctx.state.nowSeconds());
  if (typeof claims.nonce !== "string") {
    throw new HttpFailure(422, undefined, "The JWT must have a nonce claim");
  }
  const outcome = ctx.state.nonces.consume(claims.nonce, ctx.clientId, ctx.state.settings.now());
  if (outcome !== "ok") throw new HttpFailure(422, undefined, NONCE_MESSAGES[outcome]);
  const user = ctx.state.accounts.byId(key!.userId);
  if (!user) throw new HttpFailure(401, 1097, "No public key is registered for this client with this kid");
  ctx.state.devices.touch(user.id, ctx.clientId, deviceInfo(ctx), ctx.state.nowSeconds());
  const authToken = await ctx.state.issuePlexJwt(user, ctx.clientId, {
    thumbprint: key!.kid,
    nonce: claims.nonce,
    scope: typeof claims.scope === "string" ? claims.scope : undefined,
  });
  return jsonReply(200, { auth_token: authToken });
}

/** The JWT routes. */
export const jwtRoutes: Route[] = [
  route("POST", "/api/v2/auth/jwk", registerJwk, { clientId: true, jsonOnly: true }),
  route("GET", "/api/v2/auth/nonce", nonce, { clientId: true, jsonOnly: true }),
  route("POST", "/api/v2/auth/token", exchange, { clientId: true, jsonOnly: true }),
  route("GET", "/api/v2/auth/keys", (ctx) => jsonReply(200, { keys: ctx.state.signingKeys.published() }), {
    jsonOnly: true,
  }),
];
