/**
 * What the browser sign-ins need from a configuration, and the one PIN check
 * that the popup and the forwarded sign-in both make.
 *
 * @module
 */
import { type JwtContext, signDeviceJwt } from "../flows/jwt.ts";
import { type PinContext, validatePin } from "../flows/pin.ts";
import type { DeviceKey } from "../keys.ts";
import type { Token } from "../token.ts";

/**
 * What the browser sign-ins need from a configuration; a `Config` satisfies it.
 *
 * @example
 * ```ts
 * import type { BrowserSignInContext } from "./context.ts";
 * import { defaultConfig } from "../config.ts";
 * const context: BrowserSignInContext = defaultConfig().withClientId("my-client-id");
 * ```
 */
export type BrowserSignInContext = PinContext & JwtContext;

/**
 * Checks a PIN once: its token when the user approved it, else `undefined`.
 * With a device key, the check carries a device JWT, so the token is a Plex JWT.
 *
 * @param config The configuration.
 * @param id The PIN id.
 * @param key The device key registered with the PIN, if any.
 * @param signal Cancels the check.
 * @returns The token, or `undefined` while the PIN is not approved.
 */
export async function checkPin(
  config: BrowserSignInContext,
  id: number,
  key: DeviceKey | undefined,
  signal?: AbortSignal,
): Promise<Token | undefined> {
  const deviceJwt = key ? await signDeviceJwt(config, key.privateKey, key.keyId) : undefined;
  return (await validatePin(config, id, { deviceJwt, signal })).token;
}
