/**
 * The JWT flow that needs no legacy token: a strong PIN created with the
 * device's public key; once approved, polling with a signed device JWT
 * returns a Plex JWT directly.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkCallOptions } from "../http/deadline.ts";
import type { DeviceKey } from "../keys.ts";
import { generateDeviceKey } from "../keys.ts";
import type { Token } from "../token.ts";
import { type JwtContext, signDeviceJwt } from "./jwt.ts";
import { type OnPin, type PinContext, type PinSignInOptions, registerWithPin } from "./pin.ts";

/**
 * The result of a PIN + JWK sign-in: the Plex JWT and the device key to keep.
 *
 * @example
 * ```ts
 * import type { PinJwtResult } from "./pin_jwt.ts";
 * function keyId(result: PinJwtResult): string { return result.key.keyId; }
 * ```
 */
export interface PinJwtResult {
  /** The Plex JWT. */
  token: Token;
  /** The registered device key: store it to refresh the JWT later. */
  key: DeviceKey;
}

/**
 * Options of a PIN + JWK sign-in.
 *
 * @example
 * ```ts
 * import type { PinJwtOptions } from "./pin_jwt.ts";
 * const options: PinJwtOptions = { pollInterval: 1_000 };
 * ```
 */
export interface PinJwtOptions extends Omit<PinSignInOptions, "jwk" | "strong" | "deviceJwt"> {
  /** Use this key instead of generating one. */
  key?: DeviceKey;
}

/**
 * Registers a new device key through a strong PIN and returns a Plex JWT,
 * without any legacy token.
 *
 * @param context The configuration.
 * @param onPin Shows the PIN and the auth app URL to the user.
 * @param options Poll interval, forward URL, signal, an existing key.
 * @returns The Plex JWT and the device key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { registerWithPinJwt } from "./pin_jwt.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { token, key } = await registerWithPinJwt(config, (pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
 * assert.ok(token.isJwt());
 * assert.equal(emulator.registeredKey("doc-example"), key.keyId); // keep the key to refresh the JWT
 * await emulator.close();
 * ```
 */
export async function registerWithPinJwt(
  context: PinContext & JwtContext,
  onPin: OnPin,
  options: PinJwtOptions = {},
): Promise<PinJwtResult> {
  checkCallOptions(options, ["key", "forwardUrl", "pollInterval"], "registerWithPinJwt");
  const { key: given, ...rest } = options;
  // Checked before the PIN is asked for: a key that cannot sign would end the flow after the user approved.
  if (
    given !== undefined &&
    (!(given?.privateKey instanceof globalThis.CryptoKey) || typeof given.keyId !== "string" ||
      typeof given.publicJwk?.x !== "string")
  ) {
    throw new PlexError(
      "invalid_argument",
      "key must be a device key (generateDeviceKey or deviceKeyFromPrivate)",
    );
  }
  const key = given ?? await generateDeviceKey();
  const token = await registerWithPin(context, onPin, {
    ...rest,
    jwk: key.publicJwk,
    strong: true,
    deviceJwt: () => signDeviceJwt(context, key.privateKey, key.keyId),
  });
  return { token, key };
}
