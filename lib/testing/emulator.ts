/**
 * The plex.tv emulator as a `fetch`: {@linkcode createEmulator} returns an
 * object whose `fetch(request)` answers like plex.tv (both plex.tv hosts and
 * the discover host on one origin), in process, with no port. Pass it to
 * `Config.withFetch()`, or to any client that takes a `fetch`.
 * `startEmulator()` (in `server.ts`) puts the same handler behind a loopback
 * `node:http` server for tools that need a real socket.
 *
 * Behaviour worth knowing (documented choices where plex.tv is not public; see
 * docs/emulator.md for every rule and its evidence):
 * - Registering a device key (`/api/v2/auth/jwk` or an approved PIN with a JWK)
 *   revokes the client's legacy tokens, and later credentials or PIN sign-ins
 *   from the same client identifier fail with 422, as Plex documents; a lost key
 *   means a new client identifier, or `removeDevice(clientId)` to start over.
 *   Turn this off with `keyRegistrationEndsLegacyToken: false`.
 * - `rotateKeys()` keeps the previous signing keys published (tokens they signed
 *   keep verifying); `rotateKeys({ retirePrevious: true })` drops them.
 * - Device JWT errors: unknown kid or no key for the client → 401/1097; bad
 *   signature, wrong `iss`/`aud`, missing `iat`/`exp`, `exp` > `iat` + 3600,
 *   bad, reused, expired or foreign nonce, algorithm other than EdDSA → 422;
 *   expired device JWT → 498.
 * - An expired Plex JWT as `X-Plex-Token` → 498 (it needs a refresh); an unknown, foreign-signed
 *   or revoked token → 401/1001.
 * - Nonce requests above `nonceRateLimit` per second per client → 429/1003 with `Retry-After: 1`.
 * - Sign-in failures are counted per client identifier (the emulator sees one IP): after
 *   `signinFailureLimit` of them, even the right password gets 401/1031 for `signinLockoutSeconds`.
 * - Seeded accounts: `plexuser`/`plexpass` (home admin, two friends), `twofactor`/`twofactorpass`
 *   with the fixed 2FA code `123456`, home members `kid` (no PIN) and `partner` (PIN `4321`).
 * - Errors are JSON when `Accept` asks for JSON, XML otherwise.
 * - Requests must name the emulator's host (DNS rebinding); browsers get CORS answers only from
 *   loopback origins unless `corsOrigins` lists more.
 *
 * @module
 */
import type { PublicJwk } from "../keys.ts";
import { AccessPolicy } from "./access.ts";
import { type Fault, type FaultHandle, FaultList } from "./faults.ts";
import { handle, type Pipeline } from "./handler.ts";
import { fetchThrough } from "./network_fetch.ts";
import { checkFields, invalid, is } from "./check.ts";
import {
  checkIssueOptions,
  checkOptions,
  type EmulatorOptions,
  type IssueJwtOptions,
  stateSettings,
} from "./options.ts";
import { loadPayloads, type Payloads } from "./payloads/folder.ts";
import { countRequests, RequestLog, type RequestRecord } from "./request_log.ts";
import type { AddUserOptions, EmulatorUser, EmulatorUsers } from "./state/accounts.ts";
import { EmulatorState } from "./state/state.ts";
import { Timers } from "./timers.ts";

/**
 * A plex.tv emulator: a `fetch` that answers like plex.tv, and the helpers a
 * test needs to drive it.
 *
 * @example Point a Config at it
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig, newClientId } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator();
 * const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = await config.registerWithCredentials("plexuser", "plexpass");
 * const client = config.client({ token: async () => token });
 * assert.equal((await client.user()).username, "plexuser");
 * assert.ok(emulator.revokeToken(token.value)); // as if signed out elsewhere
 * await assert.rejects(client.user(), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** The base URL, e.g. `http://127.0.0.1:41234`, for both `url` and `v2Url` (and the discover host). */
  readonly url: string;
  /**
   * Answers a request in process, as a network `fetch` would: redirects are
   * followed (to the emulator only) unless `redirect: "manual"`, the signal
   * aborts waits and body reads, and the request's host must be the
   * emulator's. A relative URL (`"/api/v2/user"`) is resolved against `url`.
   *
   * @param input The URL or request.
   * @param init Method, headers, body, signal, redirect mode.
   * @returns The response.
   */
  readonly fetch: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  /** The seeded accounts and lookups. */
  readonly users: EmulatorUsers;
  /** The last `requestLogSize` requests received since start or {@linkcode Emulator.resetRequests}, secrets redacted. */
  readonly requests: readonly RequestRecord[];
  /** How many records the bounded request log dropped. */
  readonly droppedRequests: number;
  /**
   * The emulator's current time (its clock, skew included).
   *
   * @returns The time.
   */
  now(): Date;
  /**
   * Adds an account.
   *
   * @param options Its fields.
   * @returns The account.
   * @throws {PlexError} `invalid_argument` for an unusable or unknown field, a taken username or an unknown `homeOf`.
   */
  addUser(options: AddUserOptions): EmulatorUser;
  /**
   * Approves a live PIN, as the user would in the auth app, at /link or with `PUT /api/v2/pins/link`.
   *
   * @param codeOrId The PIN code or id.
   * @param username The approving account; default the default user.
   * @throws {PlexError} `invalid_argument` when the PIN or the user is unknown.
   */
  approvePin(codeOrId: string | number, username?: string): void;
  /**
   * Counts logged requests.
   *
   * @param match `"/api/v2/pins/*"`, `"GET /api/v2/user"`, a RegExp on the path, or a predicate.
   * @returns The count.
   */
  count(match: string | RegExp | ((record: RequestRecord) => boolean)): number;
  /** Empties the request log. */
  resetRequests(): void;
  /**
   * Makes a new signing key current.
   *
   * @param options `retirePrevious`: stop publishing and accepting the previous keys.
   * @returns The new key's `kid`.
   * @throws {PlexError} `invalid_argument` when `retirePrevious` is not a boolean or another option is given.
   */
  rotateKeys(options?: { retirePrevious?: boolean }): Promise<string>;
  /**
   * The published signing keys (what `/api/v2/auth/keys` serves), newest first.
   *
   * @returns The public keys.
   */
  signingKeys(): PublicJwk[];
  /**
   * The `kid` of the device key registered for a client.
   *
   * @param clientId The client identifier.
   * @returns The kid, or `undefined`.
   */
  registeredKey(clientId: string): string | undefined;
  /**
   * Removes a device: its tokens are revoked, its key forgotten; the client may register anew.
   *
   * @param clientId The client identifier.
   * @returns `true` when something was removed.
   */
  removeDevice(clientId: string): boolean;
  /**
   * Forgets a client's registered device key: its token exchanges fail with 1097.
   *
   * @param clientId The client identifier.
   * @returns `true` when a key was registered.
   */
  forgetKey(clientId: string): boolean;
  /**
   * Issues the legacy token of (account, client), as a sign-in would.
   *
   * @param options `clientId`, and `username` (default the default user).
   * @returns The 20-character token.
   * @throws {PlexError} `invalid_argument` for an unusable or unknown option, or an unknown user.
   */
  issueLegacyToken(options: { clientId: string; username?: string }): string;
  /**
   * Mints a Plex JWT signed with the current key (e.g. an expired one, for token-source tests).
   *
   * @param options Claims to set.
   * @returns The compact JWT.
   * @throws {PlexError} `invalid_argument` for an unusable or unknown option, or an unknown user.
   */
  issueJwt(options: IssueJwtOptions): Promise<string>;
  /**
   * Revokes a token of either kind: it then gets 401/1001.
   *
   * @param token The token.
   * @returns `true` when it was known (legacy) or is a JWT.
   */
  revokeToken(token: string): boolean;
  /**
   * Injects a fault for the next matching requests.
   *
   * @param fault What, where and how many times.
   * @returns A handle (hits, remaining, remove).
   * @throws {PlexError} `invalid_argument` for an unknown kind, a field its kind does not have, or an unusable value.
   */
  inject(fault: Fault): FaultHandle;
  /** Removes every injected fault. */
  clearFaults(): void;
  /**
   * Stops the emulator: pending hangs and delays fail as a dropped connection
   * would, timers stop, later requests fail; a server also stops listening.
   *
   * @returns When closed.
   */
  close(): Promise<void>;
}

export interface EmulatorCore extends Emulator {
  /**
   * Answers one request without following redirects (what a server relays).
   *
   * @param request The request.
   * @returns The response.
   */
  handle(request: Request): Promise<Response>;
  /**
   * Sets the base URL once the server listens.
   *
   * @param url The URL.
   */
  setUrl(url: string): void;
  /**
   * Runs `hook` when the emulator closes (the server stops listening).
   *
   * @param hook What to run; `close()` waits for it.
   */
  onClose(hook: () => Promise<void>): void;
}

/**
 * Creates a plex.tv emulator that answers through its `fetch`, in process.
 *
 * @param options Clock, host and CORS rules, log size, lifetimes, rate limits, payload folder, extra users.
 * @returns The emulator; `close()` it when done (it stops its timers).
 * @throws {PlexError} `invalid_argument` for an unusable or unknown option.
 *
 * @example Credentials sign-in with no port
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEmulator } from "./emulator.ts";
 * import { defaultConfig } from "../config.ts";
 *
 * const emulator = await createEmulator();
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = await config.registerWithCredentials("plexuser", "plexpass");
 * assert.ok(token.isLegacy() && emulator.count("POST /api/v2/users/signin") === 1);
 * await emulator.close();
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return buildEmulator(options);
}

/**
 * Creates the emulator with the parts a server needs ({@linkcode EmulatorCore}).
 *
 * @param options As for {@linkcode createEmulator}.
 * @param caller The function the options were given to, for their check.
 * @returns The emulator.
 * @throws {PlexError} `invalid_argument` for an unusable or unknown option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildEmulator } from "./emulator.ts";
 * const core = await buildEmulator({ url: "http://127.0.0.1:8080" });
 * const response = await core.handle(new Request("http://127.0.0.1:8080/api/v2/auth/keys"));
 * assert.equal(response.status, 200);
 * ```
 */
export async function buildEmulator(
  options: EmulatorOptions = {},
  caller: "createEmulator" | "startEmulator" = "createEmulator",
): Promise<EmulatorCore> {
  checkOptions(options, caller);
  const state = await EmulatorState.create(stateSettings(options));
  for (const user of options.users ?? []) state.accounts.add(user);
  return new InProcessEmulator(state, await loadPayloads(options.payloads), options);
}

class InProcessEmulator implements EmulatorCore {
  readonly #state: EmulatorState;
  readonly #faults = new FaultList();
  readonly #log: RequestLog;
  readonly #pipeline: Pipeline;
  readonly #timers = new Timers();
  readonly #closeHooks: (() => Promise<void>)[] = [];
  #url: string;

  constructor(state: EmulatorState, payloads: Payloads, options: EmulatorOptions) {
    this.#state = state;
    this.#url = new URL(options.url ?? "http://127.0.0.1:0").origin;
    this.#log = new RequestLog(options.requestLogSize ?? 1_000);
    this.#pipeline = {
      state,
      payloads,
      faults: this.#faults,
      log: this.#log,
      access: new AccessPolicy(() => this.#url, options.hosts ?? [], options.corsOrigins ?? []),
      origin: () => this.#url,
      wait: (ms, signal) => this.#timers.wait(ms, signal),
    };
    const delay = options.autoApprovePins;
    if (typeof delay === "number") {
      state.onPinCreated = (pin) =>
        this.#timers.after(delay, () => {
          if (state.findPin(pin.id)) state.approvePin(pin, state.accounts.users.default);
        });
    }
    this.fetch = this.fetch.bind(this);
  }

  get url(): string {
    return this.#url;
  }

  setUrl(url: string): void {
    this.#url = new URL(url).origin;
  }

  onClose(hook: () => Promise<void>): void {
    this.#closeHooks.push(hook);
  }

  get users(): EmulatorUsers {
    return this.#state.accounts.users;
  }

  get requests(): readonly RequestRecord[] {
    return this.#log.records();
  }

  get droppedRequests(): number {
    return this.#log.dropped;
  }

  now(): Date {
    return new Date(this.#state.settings.now());
  }

  handle(request: Request): Promise<Response> {
    if (this.#timers.stopped) return Promise.reject(new TypeError("The plex.tv emulator is closed"));
    return handle(this.#pipeline, request);
  }

  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response> {
    return fetchThrough(
      {
        base: this.#url,
        handle: (request) => this.handle(request),
        allowsHost: (host) => this.#pipeline.access.allowsHost(host),
      },
      input,
      init,
    );
  }

  addUser(options: AddUserOptions): EmulatorUser {
    return this.#state.accounts.add(options);
  }

  approvePin(codeOrId: string | number, username?: string): void {
    const pin = this.#state.findPin(codeOrId);
    if (!pin) throw invalid(`No live PIN ${codeOrId}`);
    this.#state.approvePin(pin, this.#user(username));
  }

  count(match: string | RegExp | ((record: RequestRecord) => boolean)): number {
    return countRequests(this.#log.records(), match);
  }

  resetRequests(): void {
    this.#log.clear();
  }

  async rotateKeys(options: { retirePrevious?: boolean } = {}): Promise<string> {
    checkFields(options, { retirePrevious: { is: is.boolean, must: "true or false" } }, "rotateKeys option");
    return await this.#state.signingKeys.rotate(options.retirePrevious ?? false);
  }

  signingKeys(): PublicJwk[] {
    return this.#state.signingKeys.published();
  }

  registeredKey(clientId: string): string | undefined {
    return this.#state.devices.keyOf(clientId)?.kid;
  }

  removeDevice(clientId: string): boolean {
    return this.#state.removeDevice(clientId);
  }

  forgetKey(clientId: string): boolean {
    return this.#state.devices.forgetKey(clientId);
  }

  issueLegacyToken(options: { clientId: string; username?: string }): string {
    checkIssueOptions(options, "issueLegacyToken");
    return this.#state.issueLegacyToken(this.#user(options.username), options.clientId, {});
  }

  async issueJwt(options: IssueJwtOptions): Promise<string> {
    checkIssueOptions(options, "issueJwt");
    return await this.#state.issuePlexJwt(this.#user(options.username), options.clientId, {
      thumbprint: options.thumbprint === null
        ? null
        : options.thumbprint ?? this.#state.devices.keyOf(options.clientId)?.kid ?? "unregistered",
      expiresInSeconds: options.expiresInSeconds,
      issuedAt: options.issuedAt,
      issuer: options.issuer,
      audience: options.audience,
      nonce: options.nonce,
    });
  }

  revokeToken(token: string): boolean {
    return this.#state.revokeToken(token);
  }

  inject(fault: Fault): FaultHandle {
    return this.#faults.add(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  async close(): Promise<void> {
    this.#timers.stop();
    this.#faults.clear();
    await Promise.all(this.#closeHooks.splice(0).map((hook) => hook()));
  }

  #user(username: string | undefined): EmulatorUser {
    const user = username === undefined
      ? this.users.default
      : is.string(username)
      ? this.#state.accounts.find(username)
      : undefined;
    if (!user) throw invalid(`No account ${JSON.stringify(username)}`);
    return user;
  }
}
