/**
 * The types of a token source: the settings its options build up, the
 * registrar that signs in, the JWT operations, and the state the source shares
 * with its JWT half (`jwt_source.ts`, loaded only in JWT mode). Types only, so
 * each part can name them without importing the others.
 *
 * @module
 */
import type { DeviceKey, Jwk } from "../keys.ts";
import type { Logger } from "../logger.ts";
import type { SecureData, SecureStore } from "../store/store.ts";
import type { Token } from "../token.ts";
import type { SourceContext } from "./token_source.ts";

/**
 * Signs in once and returns a token, and for PIN + JWK the registered key.
 *
 * @example
 * ```ts
 * import type { Registrar } from "./settings.ts";
 * import { Token } from "../token.ts";
 * const registrar: Registrar = { name: "custom", register: () => Promise.resolve({ token: new Token("abcdefghij0123456789") }) };
 * ```
 */
export interface Registrar {
  /** A short name for logs: `token`, `credentials`, `pin`, `pin-jwt`. */
  name: string;
  /** Signs in with the source's configuration. */
  register(context: SourceContext, signal?: AbortSignal): Promise<{ token: Token; key?: DeviceKey }>;
}

/**
 * What to do when plex.tv no longer knows the device key (code 1097).
 *
 * @example
 * ```ts
 * import type { JwkMissingPolicy } from "./settings.ts";
 * const policy: JwkMissingPolicy = "reregister";
 * ```
 */
export type JwkMissingPolicy = "fail" | "reregister";

/**
 * The settings the options build up.
 *
 * @example
 * ```ts
 * import type { TokenSourceSettings } from "./settings.ts";
 * function persistent(settings: TokenSourceSettings): boolean { return settings.store !== undefined; }
 * ```
 */
export interface TokenSourceSettings {
  /** How to sign in when nothing usable is stored. */
  registrar?: Registrar;
  /** Where the client id, device key and token are kept. */
  store?: SecureStore<SecureData>;
  /** Use Ed25519 JWTs (register a device key, refresh with it): the operations this needs. */
  jwt?: JwtMode;
  /** Where the source says what it does. */
  logger?: Logger;
  /** Refresh a JWT this long before it expires. Default one day. */
  refreshMarginMs: number;
  /** On 1097: fail (default) or register again with a new client id. */
  onJwkMissing: JwkMissingPolicy;
  /** Called with the new client id after a re-registration: persist it. */
  onReregister?: (clientId: string) => void | Promise<void>;
  /** How long a refresh lock in a shared store is held at most. Default 30 s. */
  lockTtlMs: number;
  /** This machine's clock (`withClock`). Default: the configuration's HTTP clock (`http.clock`). */
  now?: () => Date;
}

/**
 * What a token source knows, shared between the source and its JWT half.
 *
 * @example
 * ```ts
 * import type { SourceState } from "./settings.ts";
 * function hasKey(state: SourceState): boolean { return state.key !== undefined; }
 * ```
 */
export interface SourceState {
  /** The configuration; a re-registration replaces it with one of a new client id. */
  config: SourceContext;
  /** The options' settings. */
  readonly settings: TokenSourceSettings;
  /** The token in hand. */
  current?: Token;
  /** The device key (JWT mode). */
  key?: DeviceKey;
  /** A stored device key a source without JWTs does not use, saved back as it was. */
  keptKey?: Pick<SecureData, "keyId" | "privateKey">;
  /** After a failed refresh answered with the still-valid old JWT, no new try before this time (ms). */
  retryRefreshAt: number;
  /** The key id of the device key the store is known to hold (loaded from it, or saved to it). */
  storedKeyId?: string;
  /** The last save did not reach the store: `token()` saves again, not before `saveAgainAt` (ms). */
  unsaved?: boolean;
  /** When a save that did not reach the store is tried again (ms). */
  saveAgainAt?: number;
  /** A re-registration's new client id, told to `onReregister` just before the store first holds it. */
  announceClientId?: string;
}

/**
 * The JWT operations of a token source. `withJwt` and `withPinJwt` bring
 * them along; they load the code behind them when first used.
 *
 * @example
 * ```ts
 * import type { JwtMode } from "./settings.ts";
 * function refreshes(mode: JwtMode): boolean { return typeof mode.obtain === "function"; }
 * ```
 */
export interface JwtMode {
  /**
   * Gets a JWT when the one in hand is not fresh: registers a device key (signing in first when no
   * legacy token is in hand), or refreshes with the key, under the store's lock when it has one; recovers
   * from a lost key as `settings.onJwkMissing` says.
   */
  obtain(state: SourceState, signal: AbortSignal): Promise<Token>;
  /** Reads a stored private key (its `keyId` is the key's thumbprint). */
  readKey(privateKey: Jwk): Promise<DeviceKey>;
  /** The private key as a JWK, for the store. */
  writeKey(key: DeviceKey): Promise<Jwk>;
}
