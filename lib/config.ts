/**
 * `Config`: who the client is (client id, device, scopes), where plex.tv is,
 * and every authentication flow as a method. Immutable: each `with*` returns
 * a new Config.
 *
 * @module
 */
import { Client } from "./client.ts";
import { checkClientId } from "./client_id.ts";
import { checkDevice, type Device, frozenDevice } from "./device.ts";
import type { CredentialsOptions } from "./flows/credentials.ts";
import type {
  OnPin,
  PinRequestOptions,
  PinRequestResult,
  PinSignInOptions,
  ValidatePinOptions,
  ValidatePinResult,
} from "./flows/pin.ts";
import type { PinJwtOptions, PinJwtResult } from "./flows/pin_jwt.ts";
import type { PlexKeySet } from "./flows/plex_key_set.ts";
import type { VerifyOptions } from "./flows/verify.ts";
import { PlexError } from "./errors.ts";
import { checkBaseUrl } from "./http/base_url.ts";
import { checkHttpSettings } from "./http/http_settings.ts";
import { RequestChecks } from "./http/checked_hosts.ts";
import { SHARED_STATE, sharedState } from "./http/shared_state.ts";
import type { CallOptions, HttpSettings, RequestContext } from "./http/types.ts";
import type { CryptoKey, DeviceKey, PublicJwk } from "./keys.ts";
import type { Logger } from "./logger.ts";
import type { PlexJwtClaims, Token } from "./token.ts";
import type { TokenSourceOption } from "./token_sources/options.ts";
import { PlexTokenSource } from "./token_sources/plex_token_source.ts";
import type { TokenSource } from "./token_sources/token_source.ts";
import { VERSION } from "./version.ts";

/** Every scope a device JWT can ask for. */
export const ALL_SCOPES: readonly string[] = [
  "username",
  "email",
  "friendly_name",
  "restricted",
  "anonymous",
  "joinedAt",
];

/** Whether a value is a frozen plain object, as `Config` makes its device and HTTP settings. */
function plainFrozen(value: object): boolean {
  return Object.isFrozen(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** Scopes a device JWT can ask for: one or more, each from {@linkcode ALL_SCOPES}. */
function checkScopes(scopes: readonly string[]): readonly string[] {
  const unknown = scopes.find((scope) => !ALL_SCOPES.includes(scope));
  if (scopes.length === 0 || unknown !== undefined) {
    throw new PlexError(
      "invalid_argument",
      scopes.length ? `There is no scope ${String(unknown)}` : "A device JWT asks for one scope or more",
      { hint: `The scopes are ${ALL_SCOPES.join(", ")}` },
    );
  }
  return scopes;
}

/** The discover host's default base URL (the watchlist). */
const DISCOVER_URL = "https://discover.provider.plex.tv";

interface ConfigFields {
  url: string;
  v2Url: string;
  /** Default `https://discover.provider.plex.tv`. */
  discoverUrl?: string;
  authAppUrl: string;
  clientId: string;
  device: Device;
  scopes: readonly string[];
  http: HttpSettings;
  keys?: { set?: PlexKeySet };
}

/**
 * The configuration of a plex.tv client, and the authentication flows.
 * Each flow's code is loaded when the flow is first used, so an app that
 * signs in one way does not ship the others.
 *
 * @example Sign in with a PIN
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process; leave out withUrls/withFetch for the real one
 * const config = defaultConfig()
 *   .withClientId("doc-example") // newClientId() once, then keep it
 *   .withDevice({ product: "My Dashboard", version: "1.0.0" })
 *   .withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
 * assert.ok(token.isLegacy());
 * assert.equal(emulator.requests[0]?.headers["x-plex-product"], "My Dashboard");
 * await emulator.close();
 * ```
 */
export class Config implements RequestContext {
  /** Base URL of the legacy host. Default `https://plex.tv`. */
  readonly url: string;
  /** Base URL of the v2 auth host. Default `https://clients.plex.tv`. */
  readonly v2Url: string;
  /** Base URL of the discover host, which serves the watchlist. Default `https://discover.provider.plex.tv`. */
  readonly discoverUrl: string;
  /** The Plex auth app, where strong PINs are approved. Default `https://app.plex.tv/auth`. */
  readonly authAppUrl: string;
  /** The client identifier: stable per installation. Empty in `defaultConfig()`. */
  readonly clientId: string;
  /** The device description sent as `X-Plex-*` headers. */
  readonly device: Device;
  /** Scopes asked for in device JWTs. */
  readonly scopes: readonly string[];
  /**
   * HTTP settings: fetch, timeout, retries, size cap, logger; the retry budget and plex.tv clock estimate
   * that every `with*` copy shares, when given, or else made when first needed (and shared all the same).
   */
  readonly http: HttpSettings;
  /** What the request helper checked of this configuration (hosts, device headers), kept so it checks once. */
  readonly checks: RequestChecks = new RequestChecks();
  /**
   * Where {@linkcode Config.verifyPlexToken} caches plex.tv's signing keys: made on the first
   * verification and shared by the `with*` copies, except copies with other hosts (`withUrls`) or
   * another clock (`withHttp({ clock })`, which its cache age and cooldown follow).
   * Held here rather than made at once, so a Config that never verifies carries no key-set code.
   */
  readonly #keys: { set?: PlexKeySet };

  /**
   * Creates a Config; prefer {@linkcode defaultConfig} and the `with*` methods.
   * Every field is checked as its `with*` method checks it.
   *
   * @param fields All fields.
   * @throws {PlexError} `insecure_url` for a URL that is not https (http only for loopback hosts),
   *   `invalid_argument` for a URL that is not a base URL (see `checkBaseUrl`), or a device, scope or
   *   HTTP setting that is not usable.
   */
  constructor(fields: ConfigFields) {
    const discoverUrl = fields.discoverUrl ?? DISCOVER_URL;
    for (const base of [fields.url, fields.v2Url, discoverUrl, fields.authAppUrl]) checkBaseUrl(base);
    this.url = fields.url.replace(/\/+$/, "");
    this.v2Url = fields.v2Url.replace(/\/+$/, "");
    this.discoverUrl = discoverUrl.replace(/\/+$/, "");
    this.authAppUrl = fields.authAppUrl;
    this.clientId = fields.clientId;
    // A copy (`with*`) takes its parent's frozen parts as they are (plain frozen objects, as this
    // constructor makes them): freezing is a noticeable part of a CLI's start-up.
    const { device, scopes, http } = fields;
    this.device = plainFrozen(device) ? device : frozenDevice(checkDevice(device));
    this.scopes = Array.isArray(scopes) && Object.isFrozen(scopes)
      ? scopes
      : Object.freeze([...checkScopes(scopes)]);
    // The holder of what requests share (the retry budget, plex.tv's clock) is carried to every copy.
    const shared = sharedState(http);
    this.http = plainFrozen(http) && shared ? http : Object.freeze({
      ...checkHttpSettings(http),
      [SHARED_STATE]: shared ?? {},
    });
    this.#keys = fields.keys ?? {};
    Object.freeze(this);
  }

  #with(changes: Partial<ConfigFields>): Config {
    const fields = { ...this.#fields(), ...changes };
    // Other hosts publish other keys; another clock ages them otherwise.
    if (fields.v2Url !== this.v2Url || fields.http.clock !== this.http.clock) fields.keys = undefined;
    return new Config(fields);
  }

  #fields(): ConfigFields {
    return {
      url: this.url,
      v2Url: this.v2Url,
      discoverUrl: this.discoverUrl,
      authAppUrl: this.authAppUrl,
      clientId: this.clientId,
      device: this.device,
      scopes: this.scopes,
      http: this.http,
      keys: this.#keys,
    };
  }

  /**
   * Returns a copy with the client identifier set. Keep the identifier stable:
   * create it once with `newClientId()` and persist it.
   *
   * @param clientId The client identifier.
   * @returns The new Config.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withClientId("abc").clientId, "abc");
   * ```
   */
  withClientId(clientId: string): Config {
    return this.#with({ clientId: checkClientId(clientId) });
  }

  /**
   * Returns a copy with the device description replaced.
   *
   * @param device The device fields.
   * @returns The new Config.
   * @throws {PlexError} `invalid_argument` for a field that is no device field, or a value that is not a string.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withDevice({ product: "My App" }).device.product, "My App");
   * ```
   */
  withDevice(device: Device): Config {
    return this.#with({ device: checkDevice(device) });
  }

  /**
   * Returns a copy asking for these scopes in device JWTs.
   *
   * @param scopes Scope names from {@linkcode ALL_SCOPES}, at least one.
   * @returns The new Config.
   * @throws {PlexError} `invalid_argument` for no scope, or a name that is not in {@linkcode ALL_SCOPES}.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withScopes("username", "email").scopes.join(), "username,email");
   * ```
   */
  withScopes(...scopes: string[]): Config {
    return this.#with({ scopes });
  }

  /**
   * Returns a copy talking to other plex.tv hosts (the emulator, a proxy).
   * `http:` is accepted only for loopback hosts. A base URL is a scheme, host,
   * port and path: the request paths are appended to it.
   *
   * @param url The legacy host's base URL.
   * @param v2Url The v2 host's base URL (default: the same as `url`).
   * @returns The new Config.
   * @throws {PlexError} `insecure_url` for a URL that is not https (http only for loopback hosts),
   *   `invalid_argument` for a value that is not an absolute URL or has a user name, password, query or
   *   fragment.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * const local = defaultConfig().withUrls("http://127.0.0.1:8080");
   * assert.equal(local.v2Url, "http://127.0.0.1:8080");
   * assert.throws(() => local.withUrls("http://127.0.0.1:8080/?x=1"), { code: "invalid_argument" });
   * ```
   */
  withUrls(url: string, v2Url: string = url): Config {
    return this.#with({ url, v2Url });
  }

  /**
   * Returns a copy using another discover host (where the watchlist is), e.g.
   * the emulator. `http:` is accepted only for loopback hosts. {@linkcode Config.withUrls}
   * leaves it alone: point it at the emulator too, or the watchlist goes to
   * plex.tv's discover host.
   *
   * @param discoverUrl The discover host's base URL.
   * @returns The new Config.
   * @throws {PlexError} `insecure_url` for `http:` on a host other than loopback, `invalid_argument`
   *   for a value that is not an absolute URL (`undefined` among them) or has a user name, password,
   *   query or fragment.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().discoverUrl, "https://discover.provider.plex.tv");
   * assert.equal(defaultConfig().withDiscoverUrl("http://127.0.0.1:8080/").discoverUrl, "http://127.0.0.1:8080");
   * assert.throws(() => defaultConfig().withDiscoverUrl("http://discover.example"), { code: "insecure_url" });
   * ```
   */
  withDiscoverUrl(discoverUrl: string): Config {
    // As text, so that `undefined` is refused as a URL rather than taken as the default host.
    return this.#with({ discoverUrl: String(discoverUrl) });
  }

  /**
   * Returns a copy using another Plex auth app URL for strong PINs.
   *
   * @param authAppUrl The auth app URL, e.g. the emulator's `/auth`.
   * @returns The new Config.
   * @throws {PlexError} `insecure_url` for a URL that is not https (http only for loopback hosts),
   *   `invalid_argument` for a value that is not an absolute URL or has a user name, password, query or
   *   fragment (the PIN's parameters follow it as a fragment).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.ok(defaultConfig().withAuthAppUrl("http://127.0.0.1:9/auth").authAppUrl.endsWith("/auth"));
   * ```
   */
  withAuthAppUrl(authAppUrl: string): Config {
    return this.#with({ authAppUrl });
  }

  /**
   * Returns a copy with HTTP settings merged in (fetch, timeout, retries, size cap, logger).
   *
   * @param http The settings to change.
   * @returns The new Config.
   * @throws {PlexError} `invalid_argument` for a setting that is unknown or not a usable value.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withHttp({ timeoutMs: 5_000 }).http.timeoutMs, 5_000);
   * ```
   */
  withHttp(http: HttpSettings): Config {
    return this.#with({ http: { ...this.http, ...checkHttpSettings(http) } });
  }

  /**
   * Returns a copy using this `fetch` for every request (the seed's `ContextWithHTTPClient`).
   *
   * @param fetchFn The fetch implementation.
   * @returns The new Config.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withFetch(fetch).http.fetch, fetch);
   * ```
   */
  withFetch(fetchFn: typeof fetch): Config {
    return this.withHttp({ fetch: fetchFn });
  }

  /**
   * Returns a copy logging requests (without secrets) to `logger`.
   *
   * @param logger The logger, e.g. `console`.
   * @returns The new Config.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * assert.equal(defaultConfig().withLogger(console).http.logger, console);
   * ```
   */
  withLogger(logger: Logger): Config {
    return this.withHttp({ logger });
  }

  /**
   * Signs in with a username and password and returns the legacy token.
   *
   * @param username The Plex username or email.
   * @param password The password.
   * @param options `verificationCode` for 2FA, `rememberMe`, `signal`.
   * @returns The legacy token.
   * @throws {PlexError} `verification_code_required`, `invalid_verification_code`, `unauthorized`, `ip_blocked`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * await assert.rejects(config.registerWithCredentials("twofactor", "twofactorpass"), {
   *   code: "verification_code_required",
   * });
   * const token = await config.registerWithCredentials("twofactor", "twofactorpass", { verificationCode: "123456" });
   * assert.ok(token.isLegacy());
   * await emulator.close();
   * ```
   */
  async registerWithCredentials(
    username: string,
    password: string,
    options?: CredentialsOptions,
  ): Promise<Token> {
    const { registerWithCredentials } = await import("./flows/credentials.ts");
    return registerWithCredentials(this, username, password, options);
  }

  /**
   * Requests a PIN and returns it with the URL the user must open.
   *
   * @param options `strong`, `jwk`, `forwardUrl`, `signal`.
   * @returns The PIN and its URL.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const { pin, url } = await config.pinRequest({ strong: true });
   * assert.equal(pin.code.length, 25); // a strong PIN, for the auth app
   * assert.ok(url.includes(pin.code));
   * await emulator.close();
   * ```
   */
  async pinRequest(options?: PinRequestOptions): Promise<PinRequestResult> {
    const { pinRequest } = await import("./flows/pin.ts");
    return pinRequest(this, options);
  }

  /**
   * Checks once whether a PIN was approved.
   *
   * @param id The PIN id.
   * @param options `deviceJwt` for a PIN created with a JWK, `signal`.
   * @returns The token once approved, and the PIN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const { pin } = await config.pinRequest();
   * assert.equal((await config.validatePin(pin.id)).token, undefined); // not approved yet
   * emulator.approvePin(pin.code);
   * const { token } = await config.validatePin(pin.id);
   * assert.ok(token?.isLegacy());
   * await emulator.close();
   * ```
   */
  async validatePin(id: number, options?: ValidatePinOptions): Promise<ValidatePinResult> {
    const { validatePin } = await import("./flows/pin.ts");
    return validatePin(this, id, options);
  }

  /**
   * Signs in with a PIN: requests it, calls `onPin`, polls until approved.
   *
   * @param onPin Shows the PIN and URL to the user.
   * @param options `pollInterval`, `strong`, `forwardUrl`, `signal`.
   * @returns The legacy token.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const shown: string[] = [];
   * const token = await config.registerWithPin((pin, url) => {
   *   shown.push(url); // show it to the user; here the emulator approves it
   *   emulator.approvePin(pin.code);
   * }, { pollInterval: 50 });
   * assert.ok(token.isLegacy());
   * assert.equal(shown.length, 1);
   * await emulator.close();
   * ```
   */
  async registerWithPin(onPin: OnPin, options?: PinSignInOptions): Promise<Token> {
    const { registerWithPin } = await import("./flows/pin.ts");
    return registerWithPin(this, onPin, options);
  }

  /**
   * Signs in with a strong PIN that registers a new device key, and returns a
   * Plex JWT without any legacy token.
   *
   * @param onPin Shows the PIN and URL to the user.
   * @param options `pollInterval`, `forwardUrl`, `signal`, an existing `key`.
   * @returns The Plex JWT and the device key to keep.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const { token, key } = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
   * assert.ok(token.isJwt()); // no legacy token was ever issued
   * assert.equal(token.claims?.thumbprint, key.keyId);
   * await emulator.close();
   * ```
   */
  async registerWithPinJwt(onPin: OnPin, options?: PinJwtOptions): Promise<PinJwtResult> {
    const { registerWithPinJwt } = await import("./flows/pin_jwt.ts");
    return registerWithPinJwt(this, onPin, options);
  }

  /**
   * Generates an Ed25519 key and registers its public key with plex.tv.
   *
   * @param token A valid legacy token or Plex JWT.
   * @param options `signal`.
   * @returns The device key.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const token = await config.registerWithCredentials("plexuser", "plexpass");
   * const { keyId } = await config.generateAndUploadPublicKey(token);
   * assert.equal(emulator.registeredKey("doc-example"), keyId);
   * await emulator.close();
   * ```
   */
  async generateAndUploadPublicKey(token: Token | string, options?: CallOptions): Promise<DeviceKey> {
    const { generateAndUploadPublicKey } = await import("./flows/jwt.ts");
    return generateAndUploadPublicKey(this, token, options);
  }

  /**
   * Registers a public key with plex.tv.
   *
   * @param publicKey The key as a JWK or an Ed25519 CryptoKey.
   * @param token A valid legacy token or Plex JWT.
   * @param options `signal`.
   * @returns The key id.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, generateDeviceKey } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const key = await generateDeviceKey();
   * const token = await config.registerWithCredentials("plexuser", "plexpass");
   * assert.equal(await config.uploadPublicKey(key.publicJwk, token), key.keyId);
   * assert.equal(emulator.registeredKey("doc-example"), key.keyId);
   * await emulator.close();
   * ```
   */
  async uploadPublicKey(
    publicKey: PublicJwk | CryptoKey,
    token: Token | string,
    options?: CallOptions,
  ): Promise<string> {
    const { uploadPublicKey } = await import("./flows/jwt.ts");
    return uploadPublicKey(this, publicKey, token, options);
  }

  /**
   * Gets a fresh Plex JWT with the device key (nonce → device JWT → token).
   *
   * @param privateKey The device's private key.
   * @param keyId The registered key id.
   * @param options `signal`.
   * @returns The Plex JWT, valid 7 days.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const legacy = await config.registerWithCredentials("plexuser", "plexpass");
   * const { privateKey, keyId } = await config.generateAndUploadPublicKey(legacy);
   * const token = await config.jwtToken(privateKey, keyId);
   * assert.equal(token.claims?.thumbprint, keyId);
   * assert.ok(token.expiresAt!.getTime() > Date.now() + 6 * 86_400_000); // valid 7 days
   * await emulator.close();
   * ```
   */
  async jwtToken(privateKey: CryptoKey, keyId: string, options?: CallOptions): Promise<Token> {
    const { jwtToken } = await import("./flows/jwt.ts");
    return jwtToken(this, privateKey, keyId, options);
  }

  /**
   * Fetches plex.tv's public keys that sign Plex JWTs.
   *
   * @param options `signal`.
   * @returns The keys.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const keys = await config.plexPublicKeys();
   * assert.deepEqual(keys.map((key) => key.kid), emulator.signingKeys().map((key) => key.kid));
   * await emulator.close();
   * ```
   */
  async plexPublicKeys(options?: CallOptions): Promise<PublicJwk[]> {
    const { plexPublicKeys } = await import("./flows/verify.ts");
    return plexPublicKeys(this, options);
  }

  /**
   * Creates a token source from options (the seed's `TokenSource`): a
   * registrar (`withToken`, `withCredentials`, `withPin`, `withPinJwt`), and
   * `withJwt(store)` or `withStore(store)` to persist across restarts.
   *
   * @param options The options.
   * @returns A caching, refreshing token source.
   * @throws {PlexError} `invalid_argument` for an option that is not one (a string, an object), and for
   *   two ways to sign in or two stores.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * import { withToken } from "./token_sources/options.ts";
   * const source = defaultConfig().withClientId("id").tokenSource(withToken("abcdefghij0123456789"));
   * assert.ok((await source.token()).isLegacy());
   * ```
   */
  tokenSource(...options: TokenSourceOption[]): PlexTokenSource {
    return new PlexTokenSource(this, options);
  }

  /**
   * Verifies a Plex JWT's signature (jose, EdDSA, plex.tv's keys, cached by this Config and its copies) and
   * claims; unusable options are refused and every token that does not verify is refused.
   *
   * @param token The Plex JWT.
   * @param options Expected `thumbprint` and `audience`, `clockToleranceSeconds`, `now`, `keys`, `keySet`, `signal`.
   * @returns The verified claims.
   * @throws {PlexError} `invalid_argument`, `invalid_token`, `expired_token`, `aborted`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
   *
   * const { token, key } = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.code), { pollInterval: 50 });
   * const claims = await config.verifyPlexToken(token, { thumbprint: key.keyId });
   * assert.equal(claims.user?.username, "plexuser");
   * await assert.rejects(config.verifyPlexToken(token, { thumbprint: "another-key" }), { code: "invalid_token" });
   * await emulator.close();
   * ```
   */
  async verifyPlexToken(token: Token | string, options?: VerifyOptions): Promise<PlexJwtClaims> {
    const { PlexKeySet, verifyPlexToken } = await import("./flows/verify.ts");
    // On the configured clock, as requests are: a test that moves it ages the cached keys too.
    const clock = this.http.clock;
    this.#keys.set ??= new PlexKeySet(clock && { now: () => clock.now() });
    return verifyPlexToken({ ...this.#fields(), keySet: this.#keys.set }, token, options);
  }

  /**
   * A client for the plex.tv account endpoints; each call takes its token from `source`.
   *
   * @param source Any token source: `config.tokenSource(...)`, or `{ token: async () => new Token("...") }`.
   * @returns The client.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig } from "./config.ts";
   * import { Token } from "./token.ts";
   * const client = defaultConfig().withClientId("id").client({ token: async () => new Token("abcdefghij0123456789") });
   * assert.equal(typeof client.user, "function");
   * ```
   */
  client(source: TokenSource): Client {
    return new Client(this, source);
  }
}

/**
 * A Config with plex.tv's hosts, the plextv device and all scopes — and NO
 * client identifier: set one with `withClientId`, created once with
 * `newClientId()` and persisted, or every request fails with `client_id_missing`.
 *
 * @returns The default Config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "./config.ts";
 * import { newClientId } from "./client_id.ts";
 * const config = defaultConfig().withClientId(newClientId());
 * assert.ok(config.url === "https://plex.tv" && config.v2Url === "https://clients.plex.tv");
 * ```
 */
export function defaultConfig(): Config {
  return new Config({
    url: "https://plex.tv",
    v2Url: "https://clients.plex.tv",
    discoverUrl: DISCOVER_URL,
    authAppUrl: "https://app.plex.tv/auth",
    clientId: "",
    device: { product: "plextv", version: VERSION, provides: "controller" },
    scopes: ALL_SCOPES,
    http: {},
  });
}
