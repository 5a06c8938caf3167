/**
 * plextv: sign in to plex.tv with every Plex flow — username/password with
 * 2FA, PIN, Ed25519 JWT with refresh — keep the device's key and tokens in a
 * store, and talk to the plex.tv account API.
 *
 * This is the user's layer: `Config` (who the client is, and every flow),
 * token sources that sign in once and then reuse, refresh and persist,
 * `Client` for the account endpoints, `Token`, `PlexError`, device keys and
 * stores. The request/response pairs and parsers behind it, for bringing your
 * own transport, are in `@plexkit/plextv/protocol`.
 *
 * Web standards only (fetch, Web Crypto): runs in Deno, Bun, Node and browsers.
 *
 * @example Sign in once, stay signed in
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig, memoryStore, withJwt, withPinJwt } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process: drop withUrls and withFetch for the real one
 * const config = defaultConfig()
 *   .withClientId("doc-example") // newClientId() once, then persist and reuse it
 *   .withDevice({ product: "My Dashboard", version: "1.0.0" })
 *   .withUrls(emulator.url).withFetch(emulator.fetch);
 * const source = config.tokenSource(
 *   withPinJwt((pin) => emulator.approvePin(pin.code), { pollInterval: 50 }), // the first run: show the PIN's URL
 *   withJwt(memoryStore()), // use a vault, keychain or Redis store to survive restarts
 * );
 * const account = await config.client(source).user();
 * assert.equal(account.username, "plexuser");
 * assert.ok((await source.token()).isJwt());
 * await emulator.close();
 * ```
 *
 * @module
 */
export { ALL_SCOPES, Config, defaultConfig } from "./lib/config.ts";
export { Client } from "./lib/client.ts";
export { newClientId } from "./lib/client_id.ts";
export { isPlexError, PlexError } from "./lib/errors.ts";
export { Token } from "./lib/token.ts";
export { RetryBudget } from "./lib/http/retry_budget.ts";
export { PlexClock } from "./lib/http/plex_clock.ts";
export { PlexKeySet } from "./lib/flows/plex_key_set.ts";
export {
  deviceKeyFromPrivate,
  exportPrivateJwk,
  generateDeviceKey,
  importPrivateJwk,
  jwkThumbprint,
} from "./lib/keys.ts";
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
export { PlexTokenSource } from "./lib/token_sources/plex_token_source.ts";
export { refreshUnderLock } from "./lib/token_sources/refresh_lock.ts";
export { memoryStore } from "./lib/store/memory.ts";
export { StoreRegistry } from "./lib/store/registry.ts";
export { VERSION } from "./lib/version.ts";

export type { Clock } from "./lib/clock.ts";
export type { Device } from "./lib/device.ts";
export type { PlexErrorCode, PlexErrorDetail, PlexErrorOptions } from "./lib/errors.ts";
export type { PlexJwtClaims } from "./lib/token.ts";
export type { CryptoKey, DeviceKey, Jwk, PublicJwk } from "./lib/keys.ts";
export type { Logger } from "./lib/logger.ts";
export type { CallOptions, HttpSettings, RequestContext, RetryPolicy } from "./lib/http/types.ts";
export type { RetryBudgetOptions } from "./lib/http/retry_budget.ts";
export type { PlexClockOptions } from "./lib/http/plex_clock.ts";
export type { BaseUrls, Host, Hosts, RequestChecks } from "./lib/http/checked_hosts.ts";
export type { CredentialsOptions, SignInResult } from "./lib/flows/credentials.ts";
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
export type { PinJwtOptions, PinJwtResult } from "./lib/flows/pin_jwt.ts";
export type { JwtContext } from "./lib/flows/jwt.ts";
export type { VerifyOptions } from "./lib/flows/verify.ts";
export type { KeySetLoader, PlexKeySetOptions } from "./lib/flows/plex_key_set.ts";
export type { SourceContext, TokenOptions, TokenSource } from "./lib/token_sources/token_source.ts";
export type {
  JwkMissingPolicy,
  JwtSourceOptions,
  Registrar,
  TokenSourceOption,
  TokenSourceSettings,
} from "./lib/token_sources/options.ts";
export type { JwtMode, SourceState } from "./lib/token_sources/settings.ts";
export type { LockedRefresh } from "./lib/token_sources/refresh_lock.ts";
export type { SaveOutcome, SecureData, SecureStore, StoreLock } from "./lib/store/store.ts";
export type {
  OpenStoreOptions,
  RegisterStoreOptions,
  StoreFactory,
  StoreScheme,
} from "./lib/store/registry.ts";
export type { Account, AccountService, Profile, Subscription } from "./lib/endpoints/account.ts";
export type { DeviceConnection, RegisteredDevice, SyncList } from "./lib/endpoints/registered_device.ts";
export type { Resource, ResourceConnection, ResourcesOptions } from "./lib/endpoints/resource.ts";
export type { PlexTvDevice } from "./lib/endpoints/plex_tv_device.ts";
export type { Home, HomeUser, SwitchHomeUserOptions } from "./lib/endpoints/home_user.ts";
export type { SharedServer, SharedUser } from "./lib/endpoints/shared_user.ts";
export type { Invite, InviteServer, InvitesOptions } from "./lib/endpoints/invite.ts";
export type { Friend } from "./lib/endpoints/friend.ts";
export type { ServerShare, ShareSection } from "./lib/endpoints/server_share.ts";
export type { GeoLocation } from "./lib/endpoints/geoip.ts";
export type { WatchlistItem, WatchlistOptions } from "./lib/endpoints/watchlist.ts";
export type { ConnectOptions, ServerConnection } from "./lib/servers/connect.ts";
