/**
 * A plex.tv emulator for tests and demos: one `node:http` server on
 * 127.0.0.1 serving both plex.tv hosts' endpoints, as strict as the real
 * service, with seeded accounts, its own Ed25519 signing keys, and fault
 * injection.
 *
 * Behaviour worth knowing (documented choices where plex.tv is not public):
 * - Registering a device key (`/api/v2/auth/jwk` or an approved PIN with a JWK)
 *   revokes the client's legacy tokens, and later credentials or PIN sign-ins
 *   from the same client identifier fail with 422, as Plex documents; a lost key
 *   means a new client identifier, or `removeDevice(clientId)` to start over.
 *   Turn this off with `keyRegistrationEndsLegacyToken: false`.
 * - `rotateKeys()` keeps the previous signing keys published (tokens they signed
 *   keep verifying); `rotateKeys({ retirePrevious: true })` drops them, so those
 *   tokens stop working as `X-Plex-Token` and stop verifying.
 * - Device JWT errors: unknown kid or no key for the client → 401/1097; bad
 *   signature, wrong `iss`/`aud`, missing `iat`/`exp`, `exp` > `iat` + 300,
 *   bad, reused, expired or foreign nonce, algorithm other than EdDSA → 422;
 *   expired device JWT → 498.
 * - `forgetKey(clientId)` only drops the registered key: Plex JWTs already issued stay valid until
 *   they expire, refreshing fails with 1097. `removeDevice(clientId)` also revokes every token of the client.
 * - Nonce requests above `nonceRateLimit` per second per client → 429/1003 with `Retry-After: 1`.
 * - Sign-in failures are counted per client identifier (the emulator sees one IP): after
 *   `signinFailureLimit` of them, even the right password gets 401/1031 for `signinLockoutSeconds`.
 * - Switching to a protected home user without its PIN, or with a wrong one → 403/1041.
 * - Seeded accounts: `plexuser`/`plexpass` (home admin), `twofactor`/`twofactorpass` with the fixed
 *   2FA code `123456`, and home members `kid` (no PIN) and `partner` (PIN `4321`); see `emulator.users`.
 * - Errors are JSON when `Accept` asks for JSON, XML otherwise; an `Accept`
 *   that allows neither gets 406.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { PublicJwk } from "../keys.ts";
import type { AddUserOptions, EmulatorUser, EmulatorUsers } from "./accounts.ts";
import { type Fault, type FaultHandle, FaultList, htmlErrorPage, retryAfterHeader } from "./faults.ts";
import { authAppRoutes } from "./pages.ts";
import { loadPayloads, type Payloads } from "./payloads.ts";
import { countRequests, redactedQuery, type RequestRecord } from "./request_log.ts";
import { errorReply, HttpFailure, type Reply, type Route, type RouteContext } from "./respond.ts";
import { accountRoutes } from "./routes_account.ts";
import { homeRoutes } from "./routes_home.ts";
import { jwtRoutes } from "./routes_jwt.ts";
import { pinRoutes } from "./routes_pins.ts";
import { signinRoutes } from "./routes_signin.ts";
import { EmulatorState } from "./state.ts";

/**
 * Options of {@linkcode startEmulator}.
 *
 * @example
 * ```ts
 * import type { EmulatorOptions } from "./emulator.ts";
 * const options: EmulatorOptions = { autoApprovePins: 200, pinLifetimeSeconds: 60 };
 * ```
 */
export interface EmulatorOptions {
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Approve every new PIN for the default user after this many ms (demos); default `false`. */
  autoApprovePins?: number | false;
  /** Lifetime of the Plex JWTs the emulator issues; default 7 days. */
  jwtLifetimeSeconds?: number;
  /** Lifetime of 4-character PINs; default 900. */
  pinLifetimeSeconds?: number;
  /** Lifetime of strong PINs; default `pinLifetimeSeconds` when given, else 1800. */
  strongPinLifetimeSeconds?: number;
  /** Lifetime of nonces; default 300. */
  nonceLifetimeSeconds?: number;
  /** Nonce requests per second per client identifier before 429; default 10. */
  nonceRateLimit?: number;
  /** Failed sign-ins from one client identifier before 1031; default 5. */
  signinFailureLimit?: number;
  /** How long a client stays blocked after too many failures; default 300 s. */
  signinLockoutSeconds?: number;
  /** Whether registering a device key ends the client's legacy tokens; default `true`. */
  keyRegistrationEndsLegacyToken?: boolean;
  /** A folder of payload files to serve instead of the built-in ones (see `payloads.ts`). */
  payloads?: string;
  /** More accounts to create at start. */
  users?: AddUserOptions[];
}

/**
 * Options of {@linkcode Emulator.issueJwt}.
 *
 * @example
 * ```ts
 * import type { IssueJwtOptions } from "./emulator.ts";
 * const expired: IssueJwtOptions = { clientId: "c1", expiresInSeconds: -60 };
 * ```
 */
export interface IssueJwtOptions {
  /** The client identifier (second `aud`). */
  clientId: string;
  /** The account; default the default user. */
  username?: string;
  /** The `thumbprint` claim; default the key registered for the client, else `"unregistered"`; `null` leaves it out. */
  thumbprint?: string | null;
  /** Seconds from `issuedAt` to `exp` (negative: already expired); default `jwtLifetimeSeconds`; `null`: no `exp`. */
  expiresInSeconds?: number | null;
  /** `iat`, unix seconds; default now. */
  issuedAt?: number;
  /** `iss`; default `plex.tv`. */
  issuer?: string;
  /** `aud`; default `["plex.tv", clientId]`. */
  audience?: string | string[];
  /** A `nonce` claim. */
  nonce?: string;
}

/**
 * A running plex.tv emulator.
 *
 * @example Point a Config at it
 * ```ts ignore
 * const emulator = await startEmulator();
 * const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url).withAuthAppUrl(`${emulator.url}/auth`);
 * const token = await config.registerWithCredentials("plexuser", "plexpass");
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** The base URL, e.g. `http://127.0.0.1:41234`, for both `url` and `v2Url`. */
  readonly url: string;
  /** The seeded accounts and lookups. */
  readonly users: EmulatorUsers;
  /** Every request received since start or {@linkcode Emulator.resetRequests}, secrets redacted. */
  readonly requests: readonly RequestRecord[];
  /**
   * Adds an account.
   *
   * @param options Its fields.
   * @returns The account.
   */
  addUser(options: AddUserOptions): EmulatorUser;
  /**
   * Approves a live PIN, as the user would in the auth app or at /link.
   *
   * @param codeOrId The PIN code or id.
   * @param username The approving account; default the default user.
   * @throws {Error} when the PIN or the user is unknown.
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
   */
  issueLegacyToken(options: { clientId: string; username?: string }): string;
  /**
   * Mints a Plex JWT signed with the current key (e.g. an expired one, for token-source tests).
   *
   * @param options Claims to set.
   * @returns The compact JWT.
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
   */
  inject(fault: Fault): FaultHandle;
  /** Removes every injected fault. */
  clearFaults(): void;
  /**
   * Stops the server, dropping open connections (hanging requests included).
   *
   * @returns When closed.
   */
  close(): Promise<void>;
}

const ALLOWED_HEADERS = [
  "Accept",
  "Accept-Language",
  "Content-Type",
  "X-Plex-Client-Identifier",
  "X-Plex-Token",
  "X-Plex-Product",
  "X-Plex-Version",
  "X-Plex-Platform",
  "X-Plex-Platform-Version",
  "X-Plex-Device",
  "X-Plex-Model",
  "X-Plex-Device-Vendor",
  "X-Plex-Device-Name",
  "X-Plex-Provides",
  "X-Plex-Language",
].join(", ");

const ROUTES: Route[] = [
  ...signinRoutes,
  ...pinRoutes,
  ...jwtRoutes,
  ...accountRoutes,
  ...homeRoutes,
  ...authAppRoutes,
];
const MAX_BODY_BYTES = 1 << 20;

/**
 * Starts a plex.tv emulator on 127.0.0.1.
 *
 * @param options Port, lifetimes, rate limits, automatic PIN approval, payload folder, extra users.
 * @returns The running emulator; `close()` it when done.
 *
 * @example Credentials sign-in against the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmulator } from "./emulator.ts";
 * import { defaultConfig } from "../config.ts";
 *
 * const emulator = await startEmulator();
 * try {
 *   const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url);
 *   const token = await config.registerWithCredentials("plexuser", "plexpass");
 *   assert.ok(token.isLegacy() && emulator.count("POST /api/v2/users/signin") === 1);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = await EmulatorState.create({
    jwtLifetimeSeconds: options.jwtLifetimeSeconds ?? 7 * 86_400,
    pinLifetimeSeconds: options.pinLifetimeSeconds ?? 900,
    strongPinLifetimeSeconds: options.strongPinLifetimeSeconds ?? options.pinLifetimeSeconds ?? 1_800,
    nonceLifetimeSeconds: options.nonceLifetimeSeconds ?? 300,
    nonceRateLimit: options.nonceRateLimit ?? 10,
    signinFailureLimit: options.signinFailureLimit ?? 5,
    signinLockoutSeconds: options.signinLockoutSeconds ?? 300,
    keyRegistrationEndsLegacyToken: options.keyRegistrationEndsLegacyToken ?? true,
  });
  for (const user of options.users ?? []) state.accounts.add(user);
  const payloads = await loadPayloads(options.payloads);
  const server = new EmulatorServer(state, payloads, options);
  await server.listen(options.port ?? 0);
  return server;
}

class EmulatorServer implements Emulator {
  readonly #state: EmulatorState;
  readonly #payloads: Payloads;
  readonly #server: Server;
  readonly #faults = new FaultList();
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #requests: RequestRecord[] = [];
  #url = "";

  constructor(state: EmulatorState, payloads: Payloads, options: EmulatorOptions) {
    this.#state = state;
    this.#payloads = payloads;
    const delay = options.autoApprovePins;
    if (typeof delay === "number") {
      state.onPinCreated = (pin) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          if (state.findPin(pin.id)) state.approvePin(pin, state.accounts.users.default);
        }, delay);
        this.#timers.add(timer);
      };
    }
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err) => {
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`Emulator failure: ${err instanceof Error ? err.message : String(err)}`);
        } else {
          res.destroy();
        }
      });
    });
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        const address = this.#server.address();
        if (address === null || typeof address === "string") {
          reject(new Error("The emulator has no TCP address"));
          return;
        }
        this.#url = `http://127.0.0.1:${address.port}`;
        resolve();
      });
    });
  }

  get url(): string {
    return this.#url;
  }

  get users(): EmulatorUsers {
    return this.#state.accounts.users;
  }

  get requests(): readonly RequestRecord[] {
    return this.#requests;
  }

  addUser(options: AddUserOptions): EmulatorUser {
    return this.#state.accounts.add(options);
  }

  approvePin(codeOrId: string | number, username?: string): void {
    const pin = this.#state.findPin(codeOrId);
    if (!pin) throw new Error(`No live PIN ${codeOrId}`);
    const user = username === undefined ? this.users.default : this.#state.accounts.find(username);
    if (!user) throw new Error(`No account ${username}`);
    this.#state.approvePin(pin, user);
  }

  count(match: string | RegExp | ((record: RequestRecord) => boolean)): number {
    return countRequests(this.#requests, match);
  }

  resetRequests(): void {
    this.#requests = [];
  }

  rotateKeys(options: { retirePrevious?: boolean } = {}): Promise<string> {
    return this.#state.signingKeys.rotate(options.retirePrevious ?? false);
  }

  signingKeys(): PublicJwk[] {
    return this.#state.signingKeys.published();
  }

  registeredKey(clientId: string): string | undefined {
    return this.#state.keyOf(clientId)?.kid;
  }

  removeDevice(clientId: string): boolean {
    return this.#state.removeDevice(clientId);
  }

  forgetKey(clientId: string): boolean {
    return this.#state.forgetKey(clientId);
  }

  issueLegacyToken(options: { clientId: string; username?: string }): string {
    const user = this.#user(options.username);
    return this.#state.issueLegacyToken(user, options.clientId, {});
  }

  issueJwt(options: IssueJwtOptions): Promise<string> {
    const user = this.#user(options.username);
    return this.#state.issuePlexJwt(user, options.clientId, {
      thumbprint: options.thumbprint === null
        ? null
        : options.thumbprint ?? this.#state.keyOf(options.clientId)?.kid ?? "unregistered",
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

  close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#faults.clear();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  #user(username: string | undefined): EmulatorUser {
    const user = username === undefined ? this.users.default : this.#state.accounts.find(username);
    if (!user) throw new Error(`No account ${username}`);
    return user;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.#url);
    const method = (req.method ?? "GET").toUpperCase();
    const clientId = headerOrQuery(req, url.searchParams, "X-Plex-Client-Identifier") ?? "";
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query: redactedQuery(url.searchParams),
      clientId,
      withToken: headerOrQuery(req, url.searchParams, "X-Plex-Token") !== undefined,
      status: 0,
      at: Date.now(),
    };
    this.#requests.push(record);
    res.on("finish", () => record.status = res.statusCode);
    const cors = corsHeaders(req);
    if (method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": "86400",
      });
      res.end();
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      send(res, { ...errorReply(413, undefined, "Request body too large", wantsJson(req)), headers: cors });
      return;
    }
    const fault = this.#faults.take({ method, path: url.pathname, query: url.searchParams });
    if (fault) record.fault = fault.kind;
    if (fault?.kind === "hang") return;
    if (fault?.kind === "delay") await this.#sleep(fault.ms);
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { ...cors };
      if (fault.retryAfter !== undefined) headers["Retry-After"] = retryAfterHeader(fault.retryAfter);
      if (fault.plexCode !== undefined) {
        const reply = errorReply(
          fault.status,
          fault.plexCode,
          fault.message ?? "Simulated failure",
          wantsJson(req),
        );
        send(res, { ...reply, headers: { ...reply.headers, ...headers } });
      } else {
        if (fault.body !== undefined) {
          headers["Content-Type"] = fault.contentType ?? "text/plain; charset=utf-8";
        }
        send(res, { status: fault.status, body: fault.body, headers });
      }
      return;
    }
    if (fault?.kind === "redirect") {
      send(res, { status: fault.status ?? 302, headers: { ...cors, Location: fault.location } });
      return;
    }
    if (fault?.kind === "huge") {
      streamHuge(res, fault.bytes ?? 50 * 1024 * 1024, fault.declareLength ?? false, cors);
      return;
    }
    if (fault?.kind === "malformed" && fault.body === "html") {
      const status = fault.status ?? 502;
      send(res, { status, body: htmlErrorPage(status), headers: { ...cors, "Content-Type": "text/html" } });
      return;
    }
    let reply = await this.#dispatch(req, method, url, body);
    reply = { ...reply, headers: { ...reply.headers, ...cors } };
    if (fault?.kind === "malformed" && fault.body === "truncated_json") {
      reply = { ...reply, body: (reply.body ?? "").slice(0, Math.floor((reply.body ?? "").length / 2)) };
    }
    if (fault?.kind === "malformed" && fault.body === "xml_missing_attributes") {
      reply = { ...reply, body: (reply.body ?? "").replace(/\s[\w:.-]+="[^"]*"/g, "") };
    }
    if (fault?.kind === "reset") {
      const full = Buffer.from(reply.body ?? "");
      const cut = Math.min(fault.afterBytes ?? Math.floor(full.length / 2), Math.max(0, full.length - 1));
      res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(Math.max(full.length, 1)) });
      res.write(full.subarray(0, cut));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    send(res, reply);
  }

  async #dispatch(req: IncomingMessage, method: string, url: URL, body: string): Promise<Reply> {
    const json = wantsJson(req);
    const matching = ROUTES.filter((r) => r.pattern.test(url.pathname));
    const found = matching.find((r) => r.method === method);
    if (!found) return errorReply(404, undefined, "Not Found", json);
    const accept = String(req.headers.accept ?? "");
    if (accept && !acceptable(accept, found.jsonOnly ?? false) && !found.open) {
      return errorReply(406, undefined, "Not Acceptable", false);
    }
    const clientId = headerOrQuery(req, url.searchParams, "X-Plex-Client-Identifier") ?? "";
    if (!found.open && !clientId) return errorReply(400, 1000, "X-Plex-Client-Identifier is missing", json);
    const ctx: RouteContext = {
      method,
      path: url.pathname,
      params: (found.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent),
      query: url.searchParams,
      headers: req.headers,
      body,
      contentType: String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase(),
      clientId,
      wantsJson: json || (found.jsonOnly ?? false),
      origin: this.#url,
      state: this.#state,
      payloads: this.#payloads,
      plexHeader: (name) => headerOrQuery(req, url.searchParams, name),
    };
    try {
      return await found.handler(ctx);
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      const reply = errorReply(err.status, err.plexCode, err.message, ctx.wantsJson);
      return { ...reply, headers: { ...reply.headers, ...err.headers } };
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

function headerOrQuery(req: IncomingMessage, query: URLSearchParams, name: string): string | undefined {
  const header = req.headers[name.toLowerCase()];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return value;
  for (const [key, v] of query) if (key.toLowerCase() === name.toLowerCase() && v) return v;
  return undefined;
}

function wantsJson(req: IncomingMessage): boolean {
  return /\bjson\b/i.test(String(req.headers.accept ?? ""));
}

function acceptable(accept: string, jsonOnly: boolean): boolean {
  const types = accept.split(",").map((t) => t.split(";")[0]!.trim().toLowerCase());
  return types.some((t) =>
    t === "*/*" || t === "application/*" || t.endsWith("json") ||
    (!jsonOnly && (t.endsWith("xml") || t === "text/*"))
  );
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Retry-After, Location, Content-Length",
    Vary: "Origin",
  };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? undefined : Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(body?.length ?? 0) });
  res.end(body);
}

function streamHuge(
  res: ServerResponse,
  bytes: number,
  declareLength: boolean,
  cors: Record<string, string>,
): void {
  res.writeHead(200, {
    ...cors,
    "Content-Type": "application/json",
    ...(declareLength ? { "Content-Length": String(bytes) } : {}),
  });
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  let closed = false;
  res.on("close", () => closed = true);
  const pump = (): void => {
    while (!closed && sent < bytes) {
      const piece = sent === 0 ? Buffer.concat([Buffer.from('{"data":"'), chunk]) : chunk;
      const part = piece.subarray(0, Math.min(piece.length, bytes - sent));
      sent += part.length;
      if (!res.write(part)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}
