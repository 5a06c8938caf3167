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
export { errorFromResponse, parseErrorBody } from "./lib/http/error_body.ts";
export { checkOk, parseRetryAfter, readJson, send } from "./lib/http/send.ts";
export type {
  CallOptions,
  HttpSettings,
  PlexRequest,
  PlexResponse,
  RequestContext,
  RetryPolicy,
} from "./lib/http/send.ts";
export { RetryBudget } from "./lib/http/retry_budget.ts";
export type { RetryBudgetOptions } from "./lib/http/retry_budget.ts";
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
export type { TokenOptions, TokenSource } from "./lib/token_sources/token_source.ts";
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
export type { SecureData, SecureStore, StoreLock } from "./lib/store/store.ts";
export { memoryStore } from "./lib/store/memory.ts";
export { openStore, registerStore, storeSchemes } from "./lib/store/registry.ts";
export type { OpenStoreOptions, RegisterStoreOptions, StoreFactory } from "./lib/store/registry.ts";
export { Client } from "./lib/client.ts";
export { connect, rankConnections } from "./lib/servers/connect.ts";
export type { ConnectOptions, ServerConnection } from "./lib/servers/connect.ts";
export { probe } from "./lib/http/send.ts";
export type { ProbeOptions, ProbeResult } from "./lib/http/send.ts";
export {
  pingRequest,
  processEmptyResponse,
  removeDeviceRequest,
  signOutRequest,
} from "./lib/endpoints/upkeep.ts";
export { parseAccount, parseAccountXml, processUserResponse, userRequest } from "./lib/endpoints/account.ts";
export type { Account, AccountService, Profile, Subscription } from "./lib/endpoints/account.ts";
export {
  isMediaServer,
  parseRegisteredDevices,
  processRegisteredDevicesResponse,
  registeredDevicesRequest,
} from "./lib/endpoints/registered_device.ts";
export type { DeviceConnection, RegisteredDevice, SyncList } from "./lib/endpoints/registered_device.ts";
export {
  parseResources,
  parseResourcesXml,
  processResourcesResponse,
  resourcesRequest,
} from "./lib/endpoints/resource.ts";
export type { Resource, ResourceConnection, ResourcesOptions } from "./lib/endpoints/resource.ts";
export {
  parsePlexTvDevices,
  plexTvDevicesRequest,
  processPlexTvDevicesResponse,
} from "./lib/endpoints/plex_tv_device.ts";
export type { PlexTvDevice } from "./lib/endpoints/plex_tv_device.ts";
export {
  homeUsersRequest,
  parseHome,
  processHomeUsersResponse,
  processSwitchHomeUserResponse,
  switchHomeUserRequest,
} from "./lib/endpoints/home_user.ts";
export type { Home, HomeUser, SwitchHomeUserOptions } from "./lib/endpoints/home_user.ts";
export { claimTokenRequest, processClaimTokenResponse } from "./lib/endpoints/claim_token.ts";
export { parseSharedUsers, processSharedUsersResponse, sharedUsersRequest } from "./lib/endpoints/shared_user.ts";
export type { SharedServer, SharedUser } from "./lib/endpoints/shared_user.ts";
export { invitesRequest, parseInvites, processInvitesResponse } from "./lib/endpoints/invite.ts";
export type { Invite, InviteServer, InvitesOptions } from "./lib/endpoints/invite.ts";
export { VERSION } from "./lib/version.ts";
