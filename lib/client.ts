/**
 * `Client`: the plex.tv account endpoints, each call taking a fresh token
 * from a {@linkcode TokenSource}, checking the HTTP status and returning
 * typed results. Create one with `config.client(tokenSource)`.
 *
 * @module
 */
import { connect, type ConnectOptions, type ServerConnection } from "./servers/connect.ts";
import type { CallOptions, RequestContext } from "./http/send.ts";
import type { Token } from "./token.ts";
import type { TokenSource } from "./token_sources/token_source.ts";
import { pingRequest, processEmptyResponse, removeDeviceRequest, signOutRequest } from "./endpoints/upkeep.ts";
import { type Account, processUserResponse, userRequest } from "./endpoints/account.ts";
import { claimTokenRequest, processClaimTokenResponse } from "./endpoints/claim_token.ts";
import {
  type Home,
  type HomeUser,
  homeUsersRequest,
  processHomeUsersResponse,
  processSwitchHomeUserResponse,
  type SwitchHomeUserOptions,
  switchHomeUserRequest,
} from "./endpoints/home_user.ts";
import { type Invite, type InvitesOptions, invitesRequest, processInvitesResponse } from "./endpoints/invite.ts";
import {
  type PlexTvDevice,
  plexTvDevicesRequest,
  processPlexTvDevicesResponse,
} from "./endpoints/plex_tv_device.ts";
import {
  isMediaServer,
  processRegisteredDevicesResponse,
  type RegisteredDevice,
  registeredDevicesRequest,
} from "./endpoints/registered_device.ts";
import {
  processResourcesResponse,
  type Resource,
  type ResourcesOptions,
  resourcesRequest,
} from "./endpoints/resource.ts";
import { processSharedUsersResponse, type SharedUser, sharedUsersRequest } from "./endpoints/shared_user.ts";

/**
 * A plex.tv client for one account (the seed's `Client`, and more). Every
 * call gets its token from the token source (passing the signal on), goes
 * through the one request helper, checks the status and validates the body:
 * failures are {@linkcode PlexError}s (`unauthorized`, `too_many_requests`,
 * `not_found`, `server_error`, `invalid_response`, ...).
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

  /** The context for a call: the client id follows the token source's after a re-registration. */
  get #context(): RequestContext {
    const clientId = (this.#source as { config?: RequestContext }).config?.clientId;
    return clientId && clientId !== this.#base.clientId ? { ...this.#base, clientId } : this.#base;
  }

  #token(options: CallOptions): Promise<Token> {
    return this.#source.token({ signal: options.signal });
  }

  /** The token, then the context (read after the token, which may have re-registered the device). */
  async #auth(options: CallOptions): Promise<[RequestContext, Token]> {
    const token = await this.#token(options);
    return [this.#context, token];
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
  async user(options: CallOptions = {}): Promise<Account> {
    return processUserResponse(await userRequest(...(await this.#auth(options)), options));
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
  async registeredDevices(options: CallOptions = {}): Promise<RegisteredDevice[]> {
    const token = await this.#token(options);
    return processRegisteredDevicesResponse(await registeredDevicesRequest(this.#context, token, options));
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
    return (await this.registeredDevices(options)).filter(isMediaServer);
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
  async resources(options: ResourcesOptions = {}): Promise<Resource[]> {
    return processResourcesResponse(
      await resourcesRequest(...(await this.#auth(options)), options),
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
    return (await this.resources(options)).filter(isMediaServer);
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
  async devices(options: CallOptions = {}): Promise<PlexTvDevice[]> {
    const token = await this.#token(options);
    return processPlexTvDevicesResponse(await plexTvDevicesRequest(this.#context, token, options));
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
  connect(resource: Resource, options: Omit<ConnectOptions, "context"> = {}): Promise<ServerConnection> {
    return connect(resource, { ...options, context: this.#context });
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
  async ping(options: CallOptions = {}): Promise<void> {
    processEmptyResponse(await pingRequest(...(await this.#auth(options)), options));
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
  async signOut(options: CallOptions = {}): Promise<void> {
    processEmptyResponse(await signOutRequest(...(await this.#auth(options)), options));
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
  async removeDevice(device: number | string | { id: number }, options: CallOptions = {}): Promise<void> {
    const token = await this.#token(options);
    processEmptyResponse(await removeDeviceRequest(this.#context, token, device, options));
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
  async home(options: CallOptions = {}): Promise<Home> {
    return processHomeUsersResponse(
      await homeUsersRequest(...(await this.#auth(options)), options),
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
  async switchHomeUser(user: HomeUser | string, options: SwitchHomeUserOptions = {}): Promise<Token> {
    const token = await this.#token(options);
    return processSwitchHomeUserResponse(await switchHomeUserRequest(this.#context, token, user, options));
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
  async claimToken(options: CallOptions = {}): Promise<string> {
    return processClaimTokenResponse(
      await claimTokenRequest(...(await this.#auth(options)), options),
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
  async sharedUsers(options: CallOptions = {}): Promise<SharedUser[]> {
    const token = await this.#token(options);
    return processSharedUsersResponse(await sharedUsersRequest(this.#context, token, options));
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
  async invites(options: InvitesOptions = {}): Promise<Invite[]> {
    return processInvitesResponse(await invitesRequest(...(await this.#auth(options)), options));
  }
}
