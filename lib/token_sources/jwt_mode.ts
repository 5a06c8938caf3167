/**
 * What a token source needs only when it uses Ed25519 JWTs: registering a
 * device key, exchanging it for a Plex JWT, reading and writing the key in a
 * store, refreshing under a shared store's lock, and a new client identifier
 * for a re-registration. `withJwt` and `withPinJwt` bring it along, and it
 * loads the code behind it when first used, so a source without JWTs does
 * not carry that code.
 *
 * @module
 */
import { newClientId } from "../client_id.ts";
import type { DeviceKey } from "../keys.ts";
import type { SecureStore } from "../store/store.ts";
import type { Token } from "../token.ts";
import type { LockedRefresh } from "./refresh_lock.ts";
import type { SourceContext } from "./token_source.ts";

/**
 * The JWT operations of a token source.
 *
 * @example
 * ```ts
 * import type { JwtMode } from "./jwt_mode.ts";
 * function usesLocks(mode: JwtMode): boolean { return typeof mode.underLock === "function"; }
 * ```
 */
export interface JwtMode {
  /** Generates a device key and registers it with a legacy token. */
  register(context: SourceContext, legacy: Token, signal: AbortSignal): Promise<DeviceKey>;
  /** Exchanges the device key for a Plex JWT (nonce, device JWT, token). */
  exchange(context: SourceContext, key: DeviceKey, signal: AbortSignal): Promise<Token>;
  /** Reads a stored private key (its `keyId` is the key's thumbprint). */
  readKey(privateKey: JsonWebKey): Promise<DeviceKey>;
  /** The private key as a JWK, for the store. */
  writeKey(key: DeviceKey): Promise<JsonWebKey>;
  /** Runs a refresh under the store's lock (see `refreshUnderLock`). */
  underLock<T>(store: SecureStore<unknown>, plan: LockedRefresh<T>): Promise<T>;
  /** A new client identifier, for a re-registration. */
  newClientId(): string;
}

/**
 * The JWT operations, on plex.tv's protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jwtMode } from "./jwt_mode.ts";
 * assert.equal(typeof jwtMode.exchange, "function");
 * ```
 */
export const jwtMode: JwtMode = Object.freeze({
  async register(context: SourceContext, legacy: Token, signal: AbortSignal): Promise<DeviceKey> {
    const { generateAndUploadPublicKey } = await import("../flows/jwt.ts");
    return generateAndUploadPublicKey(context, legacy, { signal });
  },
  async exchange(context: SourceContext, key: DeviceKey, signal: AbortSignal): Promise<Token> {
    const { jwtToken } = await import("../flows/jwt.ts");
    return jwtToken(context, key.privateKey, key.keyId, { signal });
  },
  async readKey(privateKey: JsonWebKey): Promise<DeviceKey> {
    const { deviceKeyFromPrivate, importPrivateJwk } = await import("../keys.ts");
    return deviceKeyFromPrivate(await importPrivateJwk(privateKey));
  },
  async writeKey(key: DeviceKey): Promise<JsonWebKey> {
    const { exportPrivateJwk } = await import("../keys.ts");
    return exportPrivateJwk(key.privateKey);
  },
  async underLock<T>(store: SecureStore<unknown>, plan: LockedRefresh<T>): Promise<T> {
    const { refreshUnderLock } = await import("./refresh_lock.ts");
    return refreshUnderLock(store, plan);
  },
  newClientId,
});
