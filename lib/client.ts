/**
 * `Client`: the plex.tv account endpoints, each call taking a fresh token
 * from a {@linkcode TokenSource}, checking the HTTP status and returning
 * typed results. Create one with `config.client(tokenSource)`.
 *
 * @module
 */
import type { Account } from "./endpoints/account.ts";
import type { Home, HomeUser, SwitchHomeUserOptions } from "./endpoints/home_user.ts";
import type { Invite, InvitesOptions } from "./endpoints/invite.ts";
import type { PlexTvDevice } from "./endpoints/plex_tv_device.ts";
import type { RegisteredDevice } from "./endpoints/registered_device.ts";
import type { Resource, ResourcesOptions } from "./endpoints/resource.ts";
import type { SharedUser } from "./endpoints/shared_user.ts";
import type { CallOptions, RequestContext } from "./http/types.ts";
import type { ConnectOptions, ServerConnection } from "./servers/connect.ts";
import type { Token } from "./token.ts";
import type { TokenSource } from "./token_sources/token_source.ts";

/** Loads an endpoint's module (a dynamic `import()`, so an app ships only the endpoints it uses). */
type Load<M> = () => Promise<M>;

const account = () => import("./endpoints/account.ts");
const claimToken = () => import("./endpoints/claim_token.ts");
const homeUser = () => import("./endpoints/home_user.ts");
const invite = () => import("./endpoints/invite.ts");
const plexTvDevice = () => import("./endpoints/plex_tv_device.ts");
const registeredDevice = () => import("./endpoints/registered_device.ts");
const resource = () => import("./endpoints/resource.ts");
const servers = () => import("./servers/connect.ts");
const sharedUser = () => import("./endpoints/shared_user.ts");
const upkeep = () => import("./endpoints/upkeep.ts");

/**
 * A plex.tv client for one account (the seed's `Client`, and more). Every
 * call gets its token from the token source (passing the signal on), goes
 * through the one request helper, checks the status and validates the body:
 * failures are {@linkcode PlexError}s (`unauthorized`, `too_many_requests`,
 * `not_found`, `server_error`, `invalid_response`, ...). Each endpoint's code
 * is loaded on its first call, so an app ships only the endpoints it uses.
 *
 * @example List servers and connect to the first
 * ```ts ignore
 * import { defaultConfig, Token } from "@plexkit/plextv";
 *
 * const client = defaultConfig().withClientId(savedClientId).client({ token: async () => new Token(savedToken) });
 * const [server] = await client.servers();
 * const { uri, accessToken } = await client.connect(server!, { timeout: 5_000 });
 * ```
 */
export class Client {
  readonly #base: RequestContext;
  readonly #source: TokenSource;
  readonly #modules = new Map<Load<unknown>, Promise<unknown>>();

  /**
   * Creates a client; prefer `config.client(tokenSource)`.
   *
   * @param context The configuration.
   * @param source Where each call gets its token.
   */
  constructor(context: RequestContext, source: TokenSource) {
    this.#base = context;
    this.#source = source;
  }

  /**
   * Runs one call: takes a token from the source (passing the signal on),
   * then runs `call` with the endpoint's module and the context, whose client
   * id follows the source's (it changes when the device registered again while
   * getting the token).
   */
  async #call<M, T>(
    options: CallOptions,
    load: Load<M>,
    call: (endpoint: M, context: RequestContext, token: Token) => Promise<T>,
  ): Promise<T> {
    const token = await this.#source.token({ signal: options.signal });
    return call(await this.#load(load), this.#context(), token);
  }

  /**
   * An endpoint's module, loaded on first use and kept by this client (an
   * `import()` per call costs microseconds); a load that failed is tried again.
   */
  #load<M>(load: Load<M>): Promise<M> {
    let module = this.#modules.get(load) as Promise<M> | undefined;
    if (!module) {
      module = load();
      this.#modules.set(load, module);
      module.catch(() => this.#modules.delete(load));
    }
    return module;
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
   * ```ts ignore
   * const account = await client.user();
   * console.log(account.username, account.subscription.active);
   * ```
   */
  user(options: CallOptions = {}): Promise<Account> {
    return this.#call(
      options,
      account,
      async (endpoint, context, token) =>
        endpoint.processUserResponse(await endpoint.userRequest(context, token, options)),
    );
  }

  /**
   * The devices registered to the account (`GET {url}/devices.xml`).
   *
   * @param options Call options.
   * @returns The devices.
   *
   * @example
   * ```ts ignore
   * for (const device of await client.registeredDevices()) console.log(device.name, device.lastSeenAt);
   * ```
   */
  registeredDevices(options: CallOptions = {}): Promise<RegisteredDevice[]> {
    return this.#call(
      options,
      registeredDevice,
      async (endpoint, context, token) =>
        endpoint.processRegisteredDevicesResponse(
          await endpoint.registeredDevicesRequest(context, token, options),
        ),
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
   * ```ts ignore
   * const servers = await client.mediaServers();
   * ```
   */
  async mediaServers(options: CallOptions = {}): Promise<RegisteredDevice[]> {
    const devices = await this.registeredDevices(options);
    return devices.filter((await this.#load(registeredDevice)).isMediaServer);
  }

  /**
   * The account's resources with their connections and access tokens
   * (`GET {v2}/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1`).
   *
   * @param options Which connections to list (all by default) and call options.
   * @returns The resources.
   *
   * @example
   * ```ts ignore
   * const resources = await client.resources({ includeRelay: false });
   * ```
   */
  resources(options: ResourcesOptions = {}): Promise<Resource[]> {
    return this.#call(
      options,
      resource,
      async (endpoint, context, token) =>
        endpoint.processResourcesResponse(await endpoint.resourcesRequest(context, token, options)),
    );
  }

  /**
   * The resources that provide `server` (Plex Media Servers you can use).
   *
   * @param options Which connections to list and call options.
   * @returns The server resources.
   *
   * @example
   * ```ts ignore
   * const owned = (await client.servers()).filter((s) => s.owned);
   * ```
   */
  async servers(options: ResourcesOptions = {}): Promise<Resource[]> {
    const resources = await this.resources(options);
    return resources.filter((await this.#load(registeredDevice)).isMediaServer);
  }

  /**
   * The account's devices in JSON (`GET {v2}/api/v2/devices`).
   *
   * @param options Call options.
   * @returns The devices.
   *
   * @example
   * ```ts ignore
   * const stale = (await client.devices()).filter((d) => !d.presence);
   * ```
   */
  devices(options: CallOptions = {}): Promise<PlexTvDevice[]> {
    return this.#call(
      options,
      plexTvDevice,
      async (endpoint, context, token) =>
        endpoint.processPlexTvDevicesResponse(await endpoint.plexTvDevicesRequest(context, token, options)),
    );
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
   * ```ts ignore
   * const { uri, accessToken } = await client.connect(server, { timeout: 5_000 });
   * ```
   */
  async connect(
    resource: Resource,
    options: Omit<ConnectOptions, "context"> = {},
  ): Promise<ServerConnection> {
    const { connect } = await this.#load(servers);
    return connect(resource, { ...options, context: this.#context() });
  }

  /**
   * Keeps a legacy token alive (`GET {url}/api/v2/ping`).
   *
   * @param options Call options.
   * @returns Nothing; throws when plex.tv refuses the token.
   *
   * @example
   * ```ts ignore
   * await client.ping();
   * ```
   */
  ping(options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      upkeep,
      async (endpoint, context, token) =>
        endpoint.processEmptyResponse(await endpoint.pingRequest(context, token, options)),
    );
  }

  /**
   * Revokes the token (`DELETE {url}/api/v2/users/signout`). Clear the token
   * source's stored data afterwards.
   *
   * @param options Call options.
   * @returns Nothing.
   *
   * @example
   * ```ts ignore
   * await client.signOut();
   * ```
   */
  signOut(options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      upkeep,
      async (endpoint, context, token) =>
        endpoint.processEmptyResponse(await endpoint.signOutRequest(context, token, options)),
    );
  }

  /**
   * Removes a registered device and its token (`DELETE {url}/devices/{id}.xml`).
   *
   * @param device The device id, or a device from {@linkcode Client.registeredDevices} or {@linkcode Client.devices}.
   * @param options Call options.
   * @returns Nothing.
   *
   * @example
   * ```ts ignore
   * for (const d of await client.registeredDevices()) if (!d.lastSeenAt) await client.removeDevice(d);
   * ```
   */
  removeDevice(device: number | string | { id: number }, options: CallOptions = {}): Promise<void> {
    return this.#call(
      options,
      upkeep,
      async (endpoint, context, token) =>
        endpoint.processEmptyResponse(await endpoint.removeDeviceRequest(context, token, device, options)),
    );
  }

  /**
   * The account's Plex Home with its users (`GET {url}/api/v2/home/users`).
   *
   * @param options Call options.
   * @returns The home.
   *
   * @example
   * ```ts ignore
   * const { name, users } = await client.home();
   * ```
   */
  home(options: CallOptions = {}): Promise<Home> {
    return this.#call(
      options,
      homeUser,
      async (endpoint, context, token) =>
        endpoint.processHomeUsersResponse(await endpoint.homeUsersRequest(context, token, options)),
    );
  }

  /**
   * The users of the account's Plex Home (`GET {url}/api/v2/home/users`).
   *
   * @param options Call options.
   * @returns The home users.
   *
   * @example
   * ```ts ignore
   * const kids = (await client.homeUsers()).filter((u) => u.restricted);
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
   * ```ts ignore
   * const kidToken = await client.switchHomeUser(kid, { pin: "1234" });
   * const kidClient = config.client({ token: async () => kidToken });
   * ```
   */
  switchHomeUser(user: HomeUser | string, options: SwitchHomeUserOptions = {}): Promise<Token> {
    return this.#call(
      options,
      homeUser,
      async (endpoint, context, token) =>
        endpoint.processSwitchHomeUserResponse(
          await endpoint.switchHomeUserRequest(context, token, user, options),
        ),
    );
  }

  /**
   * A claim token for a new server (`GET {url}/api/claim/token.json`).
   *
   * @param options Call options.
   * @returns The claim token, e.g. `claim-xxxxxxxxxxxxxxxxxxxx` (valid a few minutes).
   *
   * @example
   * ```ts ignore
   * console.log(`PLEX_CLAIM=${await client.claimToken()}`);
   * ```
   */
  claimToken(options: CallOptions = {}): Promise<string> {
    return this.#call(
      options,
      claimToken,
      async (endpoint, context, token) =>
        endpoint.processClaimTokenResponse(await endpoint.claimTokenRequest(context, token, options)),
    );
  }

  /**
   * Users the account shares servers with (`GET {url}/api/users`, XML).
   *
   * @param options Call options.
   * @returns The users with their shared servers.
   *
   * @example
   * ```ts ignore
   * const friends = await client.sharedUsers();
   * ```
   */
  sharedUsers(options: CallOptions = {}): Promise<SharedUser[]> {
    return this.#call(
      options,
      sharedUser,
      async (endpoint, context, token) =>
        endpoint.processSharedUsersResponse(await endpoint.sharedUsersRequest(context, token, options)),
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
   * ```ts ignore
   * const incoming = await client.invites({ received: true });
   * ```
   */
  invites(options: InvitesOptions = {}): Promise<Invite[]> {
    return this.#call(
      options,
      invite,
      async (endpoint, context, token) =>
        endpoint.processInvitesResponse(await endpoint.invitesRequest(context, token, options)),
    );
  }
}
