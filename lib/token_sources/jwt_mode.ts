/**
 * What a token source needs only when it uses Ed25519 JWTs: getting a JWT
 * (registering a device key, refreshing under a shared store's lock,
 * recovering from a lost key: `jwt_source.ts`) and reading and writing the
 * key in a store. `withJwt` and `withPinJwt` bring it along, and it loads the
 * code behind it when first used, so a source without JWTs does not carry
 * that code.
 *
 * @module
 */
import type { DeviceKey, Jwk } from "../keys.ts";
import type { Token } from "../token.ts";
import type { JwtMode, SourceState } from "./settings.ts";

/**
 * The JWT operations, on plex.tv's protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jwtMode } from "./jwt_mode.ts";
 * assert.equal(typeof jwtMode.obtain, "function");
 * ```
 */
export const jwtMode: JwtMode = Object.freeze({
  async obtain(state: SourceState, signal: AbortSignal): Promise<Token> {
    const { obtainJwt } = await import("./jwt_source.ts");
    return obtainJwt(state, signal);
  },
  async readKey(privateKey: Jwk): Promise<DeviceKey> {
    const { deviceKeyFromPrivate, importPrivateJwk } = await import("../keys.ts");
    return deviceKeyFromPrivate(await importPrivateJwk(privateKey));
  },
  async writeKey(key: DeviceKey): Promise<Jwk> {
    const { exportPrivateJwk } = await import("../keys.ts");
    return exportPrivateJwk(key.privateKey);
  },
});
