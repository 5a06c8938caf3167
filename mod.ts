/**
 * plextv: sign in to plex.tv with every Plex flow — username/password with
 * 2FA, PIN, Ed25519 JWT with refresh — and talk to its API.
 *
 * Web standards only (fetch, Web Crypto): runs in Deno, Bun, Node and browsers.
 *
 * @example Sign in with a PIN and register a device key
 * ```ts ignore
 * import { defaultConfig, newClientId } from "@plexkit/plextv";
 *
 * const config = defaultConfig()
 *   .withClientId(newClientId()) // create once, then persist and reuse it
 *   .withDevice({ product: "My Dashboard", version: "1.0.0" });
 * const legacy = await config.registerWithPin((pin, url) => console.error(`Open ${url} (code ${pin.code})`));
 * const { privateKey, keyId } = await config.generateAndUploadPublicKey(legacy);
 * const jwt = await config.jwtToken(privateKey, keyId);
 * console.log(jwt.expiresAt);
 * ```
 *
 * @module
 */
export { ALL_SCOPES, Config, defaultConfig } from "./lib/config.ts";
export { newClientId } from "./lib/client_id.ts";
export type { Device } from "./lib/device.ts";
export { isPlexError, PlexError } from "./lib/errors.ts";
export type { PlexErrorCode, PlexErrorDetail, PlexErrorOptions } from "./lib/errors.ts";
export { errorFromResponse, parseErrorBody } from "./lib/error_body.ts";
export { checkOk, parseRetryAfter, readJson, send } from "./lib/http.ts";
export type { CallOptions, HttpSettings, PlexRequest, PlexResponse, RequestContext, RetryPolicy } from "./lib/http.ts";
export { RetryBudget } from "./lib/retry_budget.ts";
export type { RetryBudgetOptions } from "./lib/retry_budget.ts";
export type { Logger } from "./lib/logger.ts";
export { Token } from "./lib/token.ts";
export type { PlexJwtClaims } from "./lib/token.ts";
export {
  deviceKeyFromPrivate,
  exportPrivateJwk,
  generateDeviceKey,
  importPrivateJwk,
  jwkThumbprint,
} from "./lib/keys.ts";
export type { DeviceKey, PublicJwk } from "./lib/keys.ts";
export { processSignInResponse, registerWithCredentials, signInRequest } from "./lib/flows/credentials.ts";
export type { CredentialsOptions, SignInResult } from "./lib/flows/credentials.ts";
export {
  pinRequest,
  pinRequestRequest,
  pinUrl,
  processPinResponse,
  registerWithPin,
  validatePin,
} from "./lib/flows/pin.ts";
export type {
  OnPin,
  Pin,
  PinContext,
  PinRequestOptions,
  PinRequestResult,
  PinSignInOptions,
  ValidatePinOptions,
  ValidatePinResult,
} from "./lib/flows/pin.ts";
export {
  generateAndUploadPublicKey,
  jwtToken,
  nonceRequest,
  processNonceResponse,
  processTokenResponse,
  processUploadResponse,
  signDeviceJwt,
  tokenRequest,
  uploadPublicKey,
  uploadRequest,
} from "./lib/flows/jwt.ts";
export type { JwtContext } from "./lib/flows/jwt.ts";
export { registerWithPinJwt } from "./lib/flows/pin_jwt.ts";
export type { PinJwtOptions, PinJwtResult } from "./lib/flows/pin_jwt.ts";
export { plexPublicKeys, processPlexKeysResponse, verifyPlexToken } from "./lib/flows/verify.ts";
export type { VerifyOptions } from "./lib/flows/verify.ts";
export type { TokenOptions, TokenSource } from "./lib/token_source.ts";
export {
  withClock,
  withCredentials,
  withJwt,
  withLogger,
  withPin,
  withPinJwt,
  withStore,
  withToken,
} from "./lib/token_sources/options.ts";
export type {
  JwkMissingPolicy,
  JwtSourceOptions,
  Registrar,
  TokenSourceOption,
  TokenSourceSettings,
} from "./lib/token_sources/options.ts";
export { PlexTokenSource } from "./lib/token_sources/plex_token_source.ts";
export { refreshUnderLock } from "./lib/token_sources/refresh_lock.ts";
export type { LockedRefresh } from "./lib/token_sources/refresh_lock.ts";
export type { SecureData, SecureStore, StoreLock } from "./lib/store.ts";
export { memoryStore } from "./lib/stores/memory.ts";
export { openStore, registerStore, storeSchemes } from "./lib/store_registry.ts";
export type { OpenStoreOptions, RegisterStoreOptions, StoreFactory } from "./lib/store_registry.ts";
export { VERSION } from "./lib/version.ts";
