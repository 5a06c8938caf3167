/**
 * `Client`: the plex.tv account endpoints, each call taking a fresh token
 * from a {@linkcode TokenSource}, checking the HTTP status and returning
 * typed results. Create one with `config.client(tokenSource)`.
 *
 * @module
 */
import type { Account } from "./endpoints/account.ts";
import type { Friend } from "./endpoints/friend.ts";
import type { GeoLocation } from "./endpoints/geoip.ts";
import type { Home, HomeUser, SwitchHomeUserOptions } from "./endpoints/home_user.ts";
import type { Invite, InvitesOptions } from "./endpoints/invite.ts";
import type { PlexTvDevice } from "./endpoints/plex_tv_device.ts";
import type { RegisteredDevice } from "./endpoints/registered_device.ts";
import type { Resource, ResourcesOptions } from "./endpoints/resource.ts";
import type { ServerShare } from "./endpoints/server_share.ts";
import type { SharedUser } from "./endpoints/shared_user.ts";
import type { WatchlistItem, WatchlistOptions } from "./endpoints/watchlist.ts";
import { isPlexError, PlexError } from "./errors.ts";
import { checkCallOptions } from "./http/deadline.ts";
import type { CallOptions, RequestContext } from "./http/types.ts";
import type { ConnectOptions, ServerConnection } from "./servers/connect.ts";
import type { Token } from "./token.ts";
import type { TokenSource } from "./token_sources/token_source.ts";

// What each method loads on its first call: the calls it needs of one endpoint module, named so that
// a bundler keeps only those (and the module's request/process pairs, with the error reader they
// import, out of the chunk). A client keeps what it loaded, so later calls load nothing.
const ACCOUNT = () => import("./endpoints/account.ts").then(({ user }) => user);
const REGISTERED_DEVICES = () =>
  import("./endpoints/registered_device.ts").then(({ isMediaServer, registeredDevices }) => ({
    isMediaServer,
    registeredDevices,
  }));
const RESOURCES = () => import("./endpoints/resource.ts").then(({ resources }) => resources);
const DEVICES = () => import("./endpoints/plex_tv_device.ts").then(({ devices }) => devices);
const UPKEEP = () =>
  import("./endpoints/upkeep.ts").then(({ deviceId, ping, removeDevice, signOut }) => ({
    deviceId,
    ping,
    removeDevice,
    signOut,
  }));
const HOME = () =>
  import("./endpoints/home_user.ts").then(({ home, switchHomeUser, switchTarget }) => ({
    home,
    switchHomeUser,
    switchTarget,
  }));
const CLAIM_TOKEN = () => import("./endpoints/claim_token.ts").then(({ claimToken }) => claimToken);
const SHARED_USERS = () => import("./endpoints/shared_user.ts").then(({ sharedUsers }) => sharedUsers);
const INVITES = () => import("./endpoints/invite.ts").then(({ invites }) => invites);
const PIN_LINK = () =>
  import("./endpoints/pin_link.ts").then(({ linkPin, pinCode }) => ({ linkPin, pinCode }));
const FRIENDS = () =>
  import("./endpoints/friend.ts").then(({ friendId, friends, removeFriend }) => ({
    friendId,
    friends,
    removeFriend,
  }));
const SHARED_SERVERS = () =>
  import("./endpoints/server_share.ts").then(({ machineId, sharedServers }) => ({
    machineId,
    sharedServers,
  }));
const WEBHOOKS = () =>
  import("./endpoints/webhook.ts").then((
    { changeWebhooks, removableUrl, webhooks, webhookUrl, withoutWebhook, withWebhook },
  ) => ({
    changeWebhooks,
    removableUrl,
    webhooks,
    webhookUrl,
    withoutWebhook,
    withWebhook,
  }));
const GEOIP = () => import("./endpoints/geoip.ts").then(({ geoip, ipAddress }) => ({ geoip, ipAddress }));
const WATCHLIST = () =>
  import("./endpoints/watchlist.ts").then(({ checkWatchlistOptions, readWatchlist }) => ({
    checkWatchlistOptions,
    readWatchlist,
  }));

/** Loads what a method needs of an endpoint module. */
type Loader<E> = () => Promise<E>;

/**
 * A plex.tv client for one account (the seed's `Client`, and more). Every
 * call gets its token from the token source (passing the signal on), goes
 * through the one request helper, checks the status and validates the body:
 * failures are {@linkcode PlexError}s (`unauthorized`, `too_many_requests`,
 * `not_found`, `server_error`, `invalid_response`, ...). Each endpoint's code
 * is loaded on its first call (and kept by the client), so an app ships only
 * the endpoints it uses.
 *
 * @example Sign in once, then call the account endpoints
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig, withCredentials } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example")
 *   .withUrls(emulator.url).withFetch(emulator.fetch);
 * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
 *
 * assert.equal((await client.user()).username, "plexuser"); // signs in
 * assert.equal((await client.servers())[0]?.name, "Emulated Server"); // reuses the token
 * assert.equal(emulator.count("POST /api/v2/users/signin"), 1);
 * await emulator.close();
 * ```
 */
export class Client {
  readonly #base: RequestContext;
  readonly #source: TokenSource;
  readonly #loaded = new Map<Loader<unknown>, unknown>();

  /**
   * Creates a client; prefer `config.client(tokenSource)`.
   *
   * @param context The configuration.
   * @param source Where each call gets its token.
   * @throws {PlexError} `invalid_argument` for a source that has no `token()` function.
   */
  constructor(context: RequestContext, source: TokenSource) {
    // From JavaScript the source may be anything: refused here rather than as a TypeError at the first call.
    if (typeof source?.token !== "function") {
      throw new PlexError(
        "invalid_argument",
        "A client takes a token source, such as config.tokenSource(...)",
      );
    }
    this.#base = context;
    this.#source = source;
  }

  /**
   * Runs one call: gets what `load` gives (loaded on the first call, then
   * kept by this client), runs `check` on the input with it, takes a token
   * from the source (passing the signal on), then runs `call` with the
   * context, whose client id follows the source's (it changes when the device
   * registered again while getting the token), and what `check` returned.
   * When plex.tv answers that the token expired (498) though the source
   * judged it fresh, this machine's clock was behind plex.tv's, and the
   * answer's `Date` header has just corrected the source's view of it: the
   * source is asked again, and the call is made once more with a token it
   * renewed (never with the same one).
   */
  async #call<E, T, I = unknown>(
    options: CallOptions,
    load: Loader<E>,
    call: (endpoint: E, context: RequestContext, token: Token, input: I) => Promise<T>,
    check?: (endpoint: E) => I,
    names: readonly string[] = [],
  ): Promise<T> {
    // No await for what this client loaded already: a call that finds it costs no extra turn.
    const endpoint = (this.#loaded.get(load) as E | undefined) ?? await this.#load(load);
    // Bad input fails here, before the token is asked for and anything is sent.
    checkCallOptions(options, names);
    const input = check?.(endpoint) as I;
    const token = await this.#token(options);
    try {
      return await call(endpoint, this.#context(), token, input);
    } catch (err) {
      if (!isPlexError(err, "expired_token")) throw err;
      const renewed = await this.#token(options);
      if (renewed.value === token.value) throw err;
      return call(endpoint, this.#context(), renewed, input);
    }
  }

  /** The source's token; a source of one's own that gives none is refused before anything is sent. */
  async #token(options: CallOptions): Promise<Token> {
    const token = await this.#source.token({ signal: options.signal });
    if (typeof token?.value !== "string") {
      throw new PlexError("invalid_argument", "The token source gave no Token", {
        hint: "Its token() resolves to a Token, such as new Token(value)",
      });
    }
    return token;
  }

  /** What a method needs of an endpoint module, loaded once per client. */
  #endpoint<E>(load: Loader<E>): E | Promise<E> {
    return (this.#loaded.get(load) as E | undefined) ?? this.#load(load);
  }

  /** Loads an endpoint module's calls once per client. */
  async #load<E>(load: Loader<E>): Promise<E> {
    const endpoint = await load();
    this.#loaded.set(load, endpoint);
    return endpoint;
  }

  /** The configuration, with the token source's client id when it changed. */
  #context(): RequestContext {
    const clientId = this.#source.clientId;
    return clientId && clientId !== this.#base.clientId ? { ...this.#base, clientId } : this.#base;
  }

  /**
   * The account (`GET {url}/api/v2/user`).
   *
   * @param options Call options.
   * @returns The account.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const account = await client.user();
   * assert.equal(account.username, "plexuser");
   * assert.ok(account.subscription.active); // Plex Pass
   * await emulator.close();
   * ```
   */
  user(options: CallOptions = {}): Promise<Account> {
    return this.#call(options, ACCOUNT, (user, context, token) => user(context, token, options));
  }

  /**
   * The devices registered to the account (`GET {url}/devices.xml`).
   *
   * @param options Call options.
   * @returns The devices.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const devices = await client.registeredDevices();
   * assert.ok(devices.some((device) => device.clientIdentifier === "doc-example")); // this client
   * await emulator.close();
   * ```
   */
  registeredDevices(options: CallOptions = {}): Promise<RegisteredDevice[]> {
    return this.#call(
      options,
      REGISTERED_DEVICES,
      (e, context, token) => e.registeredDevices(context, token, options),
    );
  }

  /**
   * The registered devices that are Plex Media Servers (product `Plex Media
   * Server`, or providing `server`).
   *
   * @param options Call options.
   * @returns The media servers.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const servers = await client.mediaServers();
   * assert.deepEqual(servers.map((server) => server.name), ["Emulated Server"]);
   * await emulator.close();
   * ```
   */
  async mediaServers(options: CallOptions = {}): Promise<RegisteredDevice[]> {
    const devices = await this.registeredDevices(options);
    return devices.filter((await this.#endpoint(REGISTERED_DEVICES)).isMediaServer);
  }

  /**
   * The account's resources with their connections and access tokens
   * (`GET {v2}/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1`).
   *
   * @param options Which connections to list (all by default) and call options.
   * @returns The resources.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const resources = await client.resources({ includeRelay: false });
   * assert.ok(resources.every((resource) => resource.connections.every((connection) => !connection.relay)));
   * await emulator.close();
   * ```
   */
  resources(options: ResourcesOptions = {}): Promise<Resource[]> {
    return this.#call(
      options,
      RESOURCES,
      (resources, context, token) => resources(context, token, options),
      undefined,
      ["includeHttps", "includeRelay", "includeIPv6"],
    );
  }

  /**
   * The resources that provide `server` (Plex Media Servers you can use).
   *
   * @param options Which connections to list and call options.
   * @returns The server resources.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const owned = (await client.servers()).filter((server) => server.owned);
   * assert.equal(owned[0]?.name, "Emulated Server");
   * await emulator.close();
   * ```
   */
  async servers(options: ResourcesOptions = {}): Promise<Resource[]> {
    const resources = await this.resources(options);
    return resources.filter((await this.#endpoint(REGISTERED_DEVICES)).isMediaServer);
  }

  /**
   * The account's devices in JSON (`GET {v2}/api/v2/devices`).
   *
   * @param options Call options.
   * @returns The devices.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const stale = (await client.devices()).filter((device) => !device.presence);
   * assert.ok(stale.some((device) => device.name === "Living Room TV"));
   * await emulator.close();
   * ```
   */
  devices(options: CallOptions = {}): Promise<PlexTvDevice[]> {
    return this.#call(options, DEVICES, (devices, context, token) => devices(context, token, options));
  }

  /**
   * Finds a working connection to a server resource: probes its ranked
   * connections in parallel with the resource's access token and this
   * client's headers (see `connect` in lib/servers/connect.ts).
   *
   * @param resource A resource from {@linkcode Client.resources}.
   * @param options Per-probe `timeout`, `signal`, `fetch`, `path`.
   * @returns The connection that answered first, with the token to use.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const [server] = await client.servers();
   * const serverFetch = () => Promise.resolve(new Response()); // stands in for the server itself
   * const { uri, accessToken } = await client.connect(server!, { timeoutMs: 5_000, fetch: serverFetch });
   * assert.equal(uri, "https://127.0.0.1:32401"); // local https first
   * assert.equal(accessToken.value, server!.accessToken!.value);
   * await emulator.close();
   * ```
   */
  async connect(
    resource: Resource,
    options: Omit<ConnectOptions, "context"> = {},
  ): Promise<ServerConnection> {
    const { connect } = await import("./servers/connect.ts");
    return connect(resource, { ...options, context: this.#context() });
  }

  /**
   * Keeps a legacy token alive (`GET {url}/api/v2/ping`).
   *
   * @param options Call options.
   * @returns Nothing; throws when plex.tv refuses the token.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * await client.ping(); // throws when plex.tv refuses the token
   * assert.equal(emulator.count("GET /api/v2/ping"), 1);
   * await emulator.close();
   * ```
   */
  ping(options: CallOptions = {}): Promise<void> {
    return this.#call(options, UPKEEP, (e, context, token) => e.ping(context, token, options));
  }

  /**
   * Revokes the token (`DELETE {url}/api/v2/users/signout`). Clear the token
   * source's stored data afterwards.
   *
   * @param options Call options.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * await client.signOut();
   * await assert.rejects(client.user(), { code: "unauthorized" }); // the token is revoked
   * await emulator.close();
   * ```
   */
  signOut(options: CallOptions = {}): Promise<void> {
    return this.#call(options, UPKEEP, (e, context, token) => e.signOut(context, token, options));
  }

  /**
   * Removes a registered device and its token (`DELETE {url}/devices/{id}.xml`).
   *
   * @param device The device id, or a device from {@linkcode Client.registeredDevices} or {@linkcode Client.devices}.
   * @param options Call options.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const tv = (await client.registeredDevices()).find((device) => device.name === "Living Room TV")!;
   * await client.removeDevice(tv);
   * assert.ok(!(await client.registeredDevices()).some((device) => device.id === tv.id));
   * await emulator.close();
   * ```
   */
  removeDevice(device: number | string | { id: number }, options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      UPKEEP,
      (e, context, token) => e.removeDevice(context, token, device, options),
      (e) => e.deviceId(device),
    );
  }

  /**
   * The account's Plex Home with its users (`GET {url}/api/v2/home/users`).
   *
   * @param options Call options.
   * @returns The home.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const { name, users } = await client.home();
   * assert.equal(name, "Plex User's Home");
   * assert.equal(users.length, 3);
   * await emulator.close();
   * ```
   */
  home(options: CallOptions = {}): Promise<Home> {
    return this.#call(options, HOME, (e, context, token) => e.home(context, token, options));
  }

  /**
   * The users of the account's Plex Home (`GET {url}/api/v2/home/users`).
   *
   * @param options Call options.
   * @returns The home users.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const kids = (await client.homeUsers()).filter((user) => user.restricted);
   * assert.deepEqual(kids.map((user) => user.title), ["Kid"]);
   * await emulator.close();
   * ```
   */
  async homeUsers(options: CallOptions = {}): Promise<HomeUser[]> {
    return (await this.home(options)).users;
  }

  /**
   * Switches to a home user and returns that user's token
   * (`POST {url}/api/v2/home/users/{uuid}/switch`).
   *
   * @param user The home user or its UUID.
   * @param options `pin` for a protected user, and call options.
   * @returns The home user's token.
   * @throws {PlexError} `pin_required` (1041) when the user is protected and the PIN is missing or wrong.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const partner = (await client.homeUsers()).find((user) => user.protected)!;
   * await assert.rejects(client.switchHomeUser(partner), { code: "pin_required" });
   * const partnerToken = await client.switchHomeUser(partner, { pin: "4321" });
   * const partnerClient = config.client({ token: async () => partnerToken });
   * assert.equal((await partnerClient.user()).title, "partner");
   * await emulator.close();
   * ```
   */
  switchHomeUser(user: HomeUser | string, options: SwitchHomeUserOptions = {}): Promise<Token> {
    return this.#call(
      options,
      HOME,
      (e, context, token) => e.switchHomeUser(context, token, user, options),
      (e) => e.switchTarget(user, options),
      ["pin"],
    );
  }

  /**
   * A claim token for a new server (`GET {url}/api/claim/token.json`).
   *
   * @param options Call options.
   * @returns The claim token, e.g. `claim-xxxxxxxxxxxxxxxxxxxx` (valid a few minutes).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * assert.match(await client.claimToken(), /^claim-/); // PLEX_CLAIM for a new server
   * await emulator.close();
   * ```
   */
  claimToken(options: CallOptions = {}): Promise<string> {
    return this.#call(
      options,
      CLAIM_TOKEN,
      (claimToken, context, token) => claimToken(context, token, options),
    );
  }

  /**
   * Users the account shares servers with (`GET {url}/api/users`, XML).
   *
   * @param options Call options.
   * @returns The users with their shared servers.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const users = await client.sharedUsers();
   * assert.deepEqual(users.map((user) => user.username), ["moviebuddy", "farcousin"]);
   * await emulator.close();
   * ```
   */
  sharedUsers(options: CallOptions = {}): Promise<SharedUser[]> {
    return this.#call(
      options,
      SHARED_USERS,
      (sharedUsers, context, token) => sharedUsers(context, token, options),
    );
  }

  /**
   * Pending sharing invitations (`GET {url}/api/invites/requested`, or
   * `/api/invites/requests` with `received`).
   *
   * @param options `received` for invitations to the account, and call options.
   * @returns The invitations.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const incoming = await client.invites({ received: true });
   * assert.deepEqual(incoming, []); // nobody invited this account
   * await emulator.close();
   * ```
   */
  invites(options: InvitesOptions = {}): Promise<Invite[]> {
    return this.#call(
      options,
      INVITES,
      (invites, context, token) => invites(context, token, options),
      undefined,
      ["received"],
    );
  }

  /**
   * Approves a PIN that another device shows, as this account
   * (`PUT {url}/api/v2/pins/link`, form `code`, with `X-Plex-Product: Plex SSO`
   * as python-plexapi sends it): what the user would do at plex.tv/link. The
   * other device gets its token on its next poll, signed in to this account.
   *
   * @param code The PIN code the other device shows, e.g. `7RQZ`.
   * @param options Call options.
   * @returns Nothing, once plex.tv accepted it.
   * @throws {PlexError} `invalid_argument` for a malformed code (checked before anything is sent),
   *   `pin_expired` for an unknown or expired code (plex.tv code 1020), `not_found` for a 404
   *   without that code, `unauthorized`, ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const tv = config.withClientId("living-room-tv"); // another device, showing a PIN
   * const { pin } = await tv.pinRequest();
   * await client.linkPin(pin.code); // as the user would at plex.tv/link
   * const { token } = await tv.validatePin(pin.id); // the TV's next poll
   * assert.ok(token?.isLegacy());
   * await emulator.close();
   * ```
   */
  linkPin(code: string, options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      PIN_LINK,
      (e, context, token) => e.linkPin(context, token, code, options),
      (e) => e.pinCode(code),
    );
  }

  /**
   * The account's friends (`GET {url}/api/v2/friends`).
   *
   * @param options Call options.
   * @returns The friends.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const friends = await client.friends();
   * assert.deepEqual(friends.map((friend) => [friend.username, friend.status]), [
   *   ["moviebuddy", "accepted"],
   *   ["farcousin", "accepted"],
   * ]);
   * await emulator.close();
   * ```
   */
  friends(options: CallOptions = {}): Promise<Friend[]> {
    return this.#call(options, FRIENDS, (e, context, token) => e.friends(context, token, options));
  }

  /**
   * Ends a friendship and the shares with that friend
   * (`DELETE {url}/api/v2/sharings/{id}`, as python-plexapi's `removeFriend`).
   *
   * @param friend The friend, or its account id.
   * @param options Call options.
   * @returns Nothing.
   * @throws {PlexError} `invalid_argument` when the id is not a positive integer (checked before
   *   anything is sent), `not_found` for someone who is not a friend, ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const cousin = (await client.friends()).find((friend) => friend.username === "farcousin")!;
   * await client.removeFriend(cousin);
   * assert.deepEqual((await client.friends()).map((friend) => friend.username), ["moviebuddy"]);
   * await emulator.close();
   * ```
   */
  removeFriend(friend: Friend | number | string, options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      FRIENDS,
      (e, context, token, id: number) => e.removeFriend(context, token, id, options),
      (e) => e.friendId(friend),
    );
  }

  /**
   * Who has which libraries of one of the account's servers
   * (`GET {url}/api/servers/{machineIdentifier}/shared_servers`, XML).
   *
   * @param machineIdentifier The server's machine identifier (a server resource's `clientIdentifier`).
   * @param options Call options.
   * @returns One share per user, with its sections and the user's token for the server.
   * @throws {PlexError} `invalid_argument` for a malformed identifier (checked before anything is
   *   sent), `not_found` for a server the account does not own, ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const [server] = (await client.servers()).filter((server) => server.owned);
   * const shares = await client.sharedServers(server!.clientIdentifier);
   * assert.deepEqual(shares.map((share) => share.username), ["moviebuddy", "farcousin"]);
   * const cousin = shares.find((share) => share.username === "farcousin")!;
   * assert.deepEqual(cousin.sections.filter((section) => section.shared).map((section) => section.title), ["TV Shows"]);
   * await emulator.close();
   * ```
   */
  sharedServers(machineIdentifier: string, options: CallOptions = {}): Promise<ServerShare[]> {
    return this.#call(
      options,
      SHARED_SERVERS,
      (e, context, token) => e.sharedServers(context, token, machineIdentifier, options),
      (e) => e.machineId(machineIdentifier),
    );
  }

  /**
   * The URLs plex.tv calls on the account's events (`GET {url}/api/v2/user/webhooks`).
   * Webhooks need Plex Pass.
   *
   * @param options Call options.
   * @returns The webhook URLs.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * assert.deepEqual(await client.webhooks(), []);
   * await client.addWebhook("https://hooks.example.com/plex");
   * assert.deepEqual(await client.webhooks(), ["https://hooks.example.com/plex"]);
   * await emulator.close();
   * ```
   */
  webhooks(options: CallOptions = {}): Promise<string[]> {
    return this.#call(options, WEBHOOKS, (e, context, token) => e.webhooks(context, token, options));
  }

  /**
   * Adds a webhook: reads the list, then sets it with `url` at the end
   * (`POST {url}/api/v2/user/webhooks`). A URL that is already there (compared
   * as URLs) leaves the list as it is, and nothing is written.
   *
   * @param url An `http:` or `https:` URL; it is added in its normal form (`new URL(url).href`).
   * @param options Call options.
   * @returns The webhooks afterwards.
   * @throws {PlexError} `invalid_argument` for a URL that is not http(s) (checked before anything is sent), ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const hooks = await client.addWebhook("https://hooks.example.com/plex");
   * assert.deepEqual(hooks, ["https://hooks.example.com/plex"]);
   * assert.deepEqual(await client.addWebhook("https://HOOKS.example.com/plex"), hooks); // already there
   * await emulator.close();
   * ```
   */
  addWebhook(url: string, options: CallOptions = {}): Promise<string[]> {
    return this.#call(
      options,
      WEBHOOKS,
      (e, context, token, wanted: string) =>
        e.changeWebhooks(context, token, (urls) => e.withWebhook(urls, wanted), options),
      (e) => e.webhookUrl(url),
    );
  }

  /**
   * Removes a webhook: reads the list, then sets it without `url` (compared as URLs).
   *
   * @param url The webhook to remove.
   * @param options Call options.
   * @returns The webhooks afterwards.
   * @throws {PlexError} `not_found` when the account has no such webhook (nothing is written), ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * await client.addWebhook("https://hooks.example.com/plex");
   * assert.deepEqual(await client.removeWebhook("https://hooks.example.com/plex"), []);
   * await assert.rejects(client.removeWebhook("https://hooks.example.com/plex"), { code: "not_found" });
   * await emulator.close();
   * ```
   */
  removeWebhook(url: string, options: CallOptions = {}): Promise<string[]> {
    return this.#call(
      options,
      WEBHOOKS,
      (e, context, token) => e.changeWebhooks(context, token, (urls) => e.withoutWebhook(urls, url), options),
      (e) => e.removableUrl(url),
    );
  }

  /**
   * Where plex.tv places an IP address, or this machine's public address
   * without one (`GET {url}/api/v2/geoip?ip_address=IP`).
   *
   * @param ip A dotted IPv4 or an IPv6 address.
   * @param options Call options.
   * @returns The location, as far as plex.tv knows it.
   * @throws {PlexError} `invalid_argument` for a malformed address (checked before anything is sent), ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withFetch(emulator.fetch);
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const { country, city } = await client.geoip("203.0.113.7");
   * assert.deepEqual([country, city], ["Netherlands", "Utrecht"]);
   * await assert.rejects(client.geoip("not-an-ip"), { code: "invalid_argument" });
   * await emulator.close();
   * ```
   */
  geoip(ip?: string, options: CallOptions = {}): Promise<GeoLocation> {
    return this.#call(
      options,
      GEOIP,
      (e, context, token) => e.geoip(context, token, ip, options),
      (e) => ip === undefined || e.ipAddress(ip),
    );
  }

  /**
   * The account's watchlist from the discover host
   * (`GET {discoverUrl}/library/sections/watchlist/all`), every page of it.
   *
   * @param options `filter` (`all`, `available`, `released`), `sort` (e.g. `watchlistedAt:desc`), call options.
   * @returns The movies and shows.
   * @throws {PlexError} `invalid_argument` for an unknown filter or a malformed sort (checked before
   *   anything is sent), ...
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { defaultConfig, withCredentials } from "@plexkit/plextv";
   * import { createEmulator } from "@plexkit/plextv/testing";
   *
   * const emulator = await createEmulator(); // plex.tv, in process
   * const config = defaultConfig().withClientId("doc-example")
   *   .withUrls(emulator.url).withDiscoverUrl(emulator.url).withFetch(emulator.fetch); // + the discover host
   * const client = config.client(config.tokenSource(withCredentials("plexuser", "plexpass")));
   *
   * const items = await client.watchlist({ sort: "watchlistedAt:desc" });
   * assert.ok(items.some((item) => item.type === "movie" && item.title === "The Emulated Movie"));
   * await emulator.close();
   * ```
   */
  watchlist(options: WatchlistOptions = {}): Promise<WatchlistItem[]> {
    return this.#call(
      options,
      WATCHLIST,
      (e, context, token) => e.readWatchlist(context, token, options),
      (e) => e.checkWatchlistOptions(options),
      ["filter", "sort"],
    );
  }
}
