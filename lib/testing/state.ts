/**
 * Everything the plex.tv emulator remembers: accounts, legacy tokens (one per
 * account and client identifier), issued Plex JWTs, registered devices, PINs,
 * device keys, nonces, rate-limit windows and sign-in failures. No HTTP here.
 *
 * @module
 */
import { decodeJwt } from "jose/jwt/decode";
import { importPublicJwk, type PublicJwk } from "../keys.ts";
import { Accounts, type EmulatorUser } from "./accounts.ts";
import { SigningKeys } from "./signing_keys.ts";

/**
 * The settings the state needs (the emulator's options, resolved).
 *
 * @example
 * ```ts
 * import type { StateSettings } from "./state.ts";
 * const settings: StateSettings = { jwtLifetimeSeconds: 604_800, pinLifetimeSeconds: 900,
 *   strongPinLifetimeSeconds: 1_800, nonceLifetimeSeconds: 300, nonceRateLimit: 10,
 *   signinFailureLimit: 5, signinLockoutSeconds: 300, keyRegistrationEndsLegacyToken: true };
 * ```
 */
export interface StateSettings {
  /** Lifetime of issued Plex JWTs. */
  jwtLifetimeSeconds: number;
  /** Lifetime of 4-character PINs. */
  pinLifetimeSeconds: number;
  /** Lifetime of strong PINs. */
  strongPinLifetimeSeconds: number;
  /** Lifetime of nonces. */
  nonceLifetimeSeconds: number;
  /** Nonce requests per second per client identifier. */
  nonceRateLimit: number;
  /** Failed sign-ins from one client identifier before it is blocked (1031). */
  signinFailureLimit: number;
  /** How long a blocked client stays blocked. */
  signinLockoutSeconds: number;
  /** Whether registering a device key revokes the client's legacy tokens and bars new ones. */
  keyRegistrationEndsLegacyToken: boolean;
}

/**
 * Who a valid token belongs to.
 *
 * @example
 * ```ts ignore
 * const principal = await state.resolveToken(token);
 * console.log(principal?.user.username);
 * ```
 */
export interface Principal {
  /** The account. */
  user: EmulatorUser;
  /** The client identifier the token was issued to. */
  clientId: string;
  /** Legacy token or Plex JWT. */
  kind: "legacy" | "jwt";
  /** The token itself. */
  token: string;
}

/**
 * A device (client) that holds a token of an account, as `/devices.xml` lists it.
 *
 * @example
 * ```ts ignore
 * const device = state.devices.get(clientId);
 * ```
 */
export interface DeviceRecord {
  /** Numeric device id (for `DELETE /devices/{id}.xml`). */
  id: number;
  /** The client identifier. */
  clientId: string;
  /** The account that owns it. */
  userId: number;
  /** `X-Plex-*` headers seen at sign-in: product, version, platform, ... */
  info: Record<string, string>;
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds. */
  lastSeenAt: number;
}

/**
 * A PIN, as the emulator keeps it.
 *
 * @example
 * ```ts ignore
 * const pin = state.findPin("7RQZ");
 * ```
 */
export interface PinRecord {
  /** The PIN id. */
  id: number;
  /** The code. */
  code: string;
  /** The client identifier that created it. */
  clientId: string;
  /** The product that created it. */
  product: string;
  /** The `X-Plex-*` device headers of the request that created it. */
  info: Record<string, string>;
  /** A strong (long-code) PIN. */
  strong: boolean;
  /** The public key sent at creation (the PIN + JWK flow). */
  jwk?: PublicJwk & { kid: string };
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds. */
  expiresAt: number;
  /** The account that approved it. */
  approvedBy?: number;
  /** The token handed out once approved. */
  authToken?: string;
}

interface DeviceKeyRecord {
  kid: string;
  jwk: PublicJwk;
  key: CryptoKey;
  userId: number;
}

const LEGACY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
const STRONG_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random string.
 *
 * @param length The length.
 * @param alphabet The characters to use.
 * @returns The string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomString } from "./state.ts";
 * assert.equal(randomString(4, "AB").length, 4);
 * ```
 */
export function randomString(length: number, alphabet: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * The emulator's memory.
 *
 * @example
 * ```ts ignore
 * const state = await EmulatorState.create(settings);
 * const token = state.issueLegacyToken(state.accounts.users.default, "client-1", {});
 * ```
 */
export class EmulatorState {
  /** The accounts. */
  readonly accounts: Accounts = new Accounts();
  /** The emulator's signing keys. */
  readonly signingKeys: SigningKeys;
  /** The settings. */
  readonly settings: StateSettings;
  /** Registered devices by client identifier. */
  readonly devices: Map<string, DeviceRecord> = new Map();
  /** Live PINs by id. */
  readonly pins: Map<number, PinRecord> = new Map();
  /** Called after a PIN is created (the emulator's automatic approval hooks in here). */
  onPinCreated?: (pin: PinRecord) => void;

  readonly #legacy = new Map<string, { userId: number; clientId: string }>();
  readonly #legacyByOwner = new Map<string, string>();
  readonly #jwtsByClient = new Map<string, Set<string>>();
  readonly #revoked = new Set<string>();
  readonly #deviceKeys = new Map<string, DeviceKeyRecord>();
  readonly #kidOwner = new Map<string, string>();
  readonly #boundClients = new Set<string>();
  readonly #nonces = new Map<string, { clientId: string; expiresAt: number; used: boolean }>();
  readonly #nonceWindow = new Map<string, number[]>();
  readonly #failures = new Map<string, { count: number; blockedUntil: number }>();
  #nextDeviceId = 700_000_001;

  private constructor(settings: StateSettings, signingKeys: SigningKeys) {
    this.settings = settings;
    this.signingKeys = signingKeys;
  }

  /**
   * Creates the state with the seeded accounts and one signing key.
   *
   * @param settings The settings.
   * @returns The state.
   */
  static async create(settings: StateSettings): Promise<EmulatorState> {
    return new EmulatorState(settings, await SigningKeys.create());
  }

  // ---- legacy tokens -------------------------------------------------------

  /**
   * Issues the legacy token of (account, client), replacing the previous one, and records the device.
   *
   * @param user The account.
   * @param clientId The client identifier.
   * @param info The device's `X-Plex-*` headers.
   * @returns The 20-character token.
   */
  issueLegacyToken(user: EmulatorUser, clientId: string, info: Record<string, string>): string {
    const owner = `${user.id}|${clientId}`;
    const previous = this.#legacyByOwner.get(owner);
    if (previous) this.#legacy.delete(previous);
    const token = randomString(20, LEGACY_ALPHABET);
    this.#legacy.set(token, { userId: user.id, clientId });
    this.#legacyByOwner.set(owner, token);
    this.touchDevice(user, clientId, info);
    return token;
  }

  /**
   * The current legacy token of (account, client), if any.
   *
   * @param userId The account id.
   * @param clientId The client identifier.
   * @returns The token or `undefined`.
   */
  legacyTokenOf(userId: number, clientId: string): string | undefined {
    return this.#legacyByOwner.get(`${userId}|${clientId}`);
  }

  /**
   * Whether this client may still obtain legacy tokens (no device key was registered for it).
   *
   * @param clientId The client identifier.
   * @returns `false` once a key was registered (until the device is removed).
   */
  mayUseLegacyTokens(clientId: string): boolean {
    return !this.settings.keyRegistrationEndsLegacyToken || !this.#boundClients.has(clientId);
  }

  // ---- Plex JWTs -------------------------------------------------------------

  /**
   * Signs a Plex JWT for an account and client.
   *
   * @param user The account.
   * @param clientId The client identifier (second audience).
   * @param fields Thumbprint, nonce, scope, lifetime and overrides (`null` leaves `thumbprint` or `exp` out).
   * @returns The compact JWT.
   */
  async issuePlexJwt(user: EmulatorUser, clientId: string, fields: {
    thumbprint: string | null;
    nonce?: string;
    scope?: string;
    expiresInSeconds?: number | null;
    issuedAt?: number;
    issuer?: string;
    audience?: string | string[];
  }): Promise<string> {
    const iat = fields.issuedAt ?? nowSeconds();
    const scopes = fields.scope === undefined
      ? undefined
      : new Set(fields.scope.split(",").map((s) => s.trim()));
    const wants = (name: string) => scopes === undefined || scopes.has(name);
    const claims: Record<string, unknown> = {
      iss: fields.issuer ?? "plex.tv",
      aud: fields.audience ?? ["plex.tv", clientId],
      iat,
      ...(fields.expiresInSeconds === null
        ? {}
        : { exp: iat + (fields.expiresInSeconds ?? this.settings.jwtLifetimeSeconds) }),
      ...(fields.thumbprint === null ? {} : { thumbprint: fields.thumbprint }),
      ...(fields.nonce === undefined ? {} : { nonce: fields.nonce }),
      ...(fields.scope === undefined ? {} : { scope: fields.scope }),
      user: {
        id: user.id,
        uuid: user.uuid,
        ...(wants("username") ? { username: user.username } : {}),
        ...(wants("email") ? { email: user.email } : {}),
        ...(wants("friendly_name") ? { friendly_name: user.friendlyName } : {}),
        ...(wants("restricted") ? { restricted: user.restricted } : {}),
        ...(wants("anonymous") ? { anonymous: false } : {}),
        ...(wants("joinedAt") ? { joinedAt: user.joinedAt } : {}),
      },
    };
    const jwt = await this.signingKeys.sign(claims);
    let issued = this.#jwtsByClient.get(clientId);
    if (!issued) this.#jwtsByClient.set(clientId, issued = new Set());
    issued.add(jwt);
    return jwt;
  }

  // ---- tokens of either kind -------------------------------------------------

  /**
   * Resolves an `X-Plex-Token`: a live legacy token, or a Plex JWT signed by a
   * published key, issued by `plex.tv`, not expired and not revoked.
   *
   * @param token The token.
   * @returns Who it belongs to, or `undefined`.
   */
  async resolveToken(token: string | undefined): Promise<Principal | undefined> {
    if (!token || this.#revoked.has(token)) return undefined;
    const legacy = this.#legacy.get(token);
    if (legacy) {
      const user = this.accounts.byId(legacy.userId);
      return user && { user, clientId: legacy.clientId, kind: "legacy", token };
    }
    if (token.split(".").length !== 3) return undefined;
    const claims = await this.signingKeys.verify(token);
    if (!claims || claims.iss !== "plex.tv") return undefined;
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds()) return undefined;
    const userClaim = claims.user as { id?: unknown } | undefined;
    const user = typeof userClaim?.id === "number" ? this.accounts.byId(userClaim.id) : undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = aud.find((a) => typeof a === "string" && a !== "plex.tv") as string | undefined;
    return user && { user, clientId: clientId ?? "", kind: "jwt", token };
  }

  /**
   * Revokes a token of either kind.
   *
   * @param token The token.
   * @returns `true` when it was a known legacy token or a JWT (JWTs are remembered as revoked).
   */
  revokeToken(token: string): boolean {
    const legacy = this.#legacy.get(token);
    if (legacy) {
      this.#legacy.delete(token);
      this.#legacyByOwner.delete(`${legacy.userId}|${legacy.clientId}`);
      return true;
    }
    try {
      decodeJwt(token);
    } catch {
      return false;
    }
    this.#revoked.add(token);
    return true;
  }

  // ---- devices ---------------------------------------------------------------

  /**
   * Records (or refreshes) the device of a client for an account.
   *
   * @param user The account.
   * @param clientId The client identifier.
   * @param info The device's `X-Plex-*` headers.
   * @returns The device.
   */
  touchDevice(user: EmulatorUser, clientId: string, info: Record<string, string>): DeviceRecord {
    const now = nowSeconds();
    const existing = this.devices.get(clientId);
    const device: DeviceRecord = existing
      ? { ...existing, userId: user.id, info: { ...existing.info, ...info }, lastSeenAt: now }
      : {
        id: this.#nextDeviceId++,
        clientId,
        userId: user.id,
        info: { ...info },
        createdAt: now,
        lastSeenAt: now,
      };
    this.devices.set(clientId, device);
    return device;
  }

  /**
   * Removes a device like "Sign out" in the account's Authorized Devices: its
   * tokens are revoked, its key forgotten, and the client may register again.
   *
   * @param clientId The client identifier.
   * @returns `true` when something was removed.
   */
  removeDevice(clientId: string): boolean {
    let removed = this.devices.delete(clientId);
    for (const [token, owner] of this.#legacy) {
      if (owner.clientId === clientId) {
        this.#legacy.delete(token);
        this.#legacyByOwner.delete(`${owner.userId}|${clientId}`);
        removed = true;
      }
    }
    for (const jwt of this.#jwtsByClient.get(clientId) ?? []) this.#revoked.add(jwt);
    this.#jwtsByClient.delete(clientId);
    removed = this.forgetKey(clientId) || removed;
    this.#boundClients.delete(clientId);
    return removed;
  }

  // ---- device keys -----------------------------------------------------------

  /**
   * Registers a device public key for a client. When enabled, the client's
   * legacy tokens are revoked and it may not get new ones.
   *
   * @param clientId The client identifier.
   * @param jwk The public key, `kid` checked by the caller.
   * @param user The account.
   * @returns `"taken"` when the key belongs to another client, else `"ok"`.
   */
  async registerKey(
    clientId: string,
    jwk: PublicJwk & { kid: string },
    user: EmulatorUser,
  ): Promise<"ok" | "taken"> {
    const owner = this.#kidOwner.get(jwk.kid);
    if (owner !== undefined && owner !== clientId) return "taken";
    const previous = this.#deviceKeys.get(clientId);
    if (previous) this.#kidOwner.delete(previous.kid);
    const publicJwk: PublicJwk = {
      kty: "OKP",
      crv: "Ed25519",
      x: jwk.x,
      kid: jwk.kid,
      use: "sig",
      alg: "EdDSA",
    };
    this.#deviceKeys.set(clientId, {
      kid: jwk.kid,
      jwk: publicJwk,
      key: await importPublicJwk(publicJwk),
      userId: user.id,
    });
    this.#kidOwner.set(jwk.kid, clientId);
    if (this.settings.keyRegistrationEndsLegacyToken) {
      this.#boundClients.add(clientId);
      for (const [token, entry] of this.#legacy) {
        if (entry.clientId === clientId) {
          this.#legacy.delete(token);
          this.#legacyByOwner.delete(`${entry.userId}|${clientId}`);
        }
      }
    }
    return "ok";
  }

  /**
   * The key registered for a client.
   *
   * @param clientId The client identifier.
   * @returns The key's id, JWK, CryptoKey and account, or `undefined`.
   */
  keyOf(clientId: string): { kid: string; jwk: PublicJwk; key: CryptoKey; userId: number } | undefined {
    return this.#deviceKeys.get(clientId);
  }

  /**
   * Forgets the key registered for a client: its token exchanges then fail with 1097.
   *
   * @param clientId The client identifier.
   * @returns `true` when a key was registered.
   */
  forgetKey(clientId: string): boolean {
    const key = this.#deviceKeys.get(clientId);
    if (!key) return false;
    this.#deviceKeys.delete(clientId);
    this.#kidOwner.delete(key.kid);
    return true;
  }

  // ---- PINs ------------------------------------------------------------------

  /**
   * Creates a PIN.
   *
   * @param clientId The client identifier.
   * @param info The device's `X-Plex-*` headers.
   * @param strong A long code.
   * @param jwk The public key for the PIN + JWK flow.
   * @returns The PIN.
   */
  createPin(
    clientId: string,
    info: Record<string, string>,
    strong: boolean,
    jwk?: PublicJwk & { kid: string },
  ): PinRecord {
    this.#purgePins();
    let code: string;
    do {
      code = strong ? randomString(25, STRONG_CODE_ALPHABET) : randomString(4, SHORT_CODE_ALPHABET);
    } while (this.findPin(code));
    let id: number;
    do {
      id = 100_000_000 + Math.floor(Math.random() * 900_000_000);
    } while (this.pins.has(id));
    const createdAt = nowSeconds();
    const lifetime = strong || jwk
      ? this.settings.strongPinLifetimeSeconds
      : this.settings.pinLifetimeSeconds;
    const pin: PinRecord = {
      id,
      code,
      clientId,
      product: info.product ?? "",
      info: { ...info },
      strong,
      jwk,
      createdAt,
      expiresAt: createdAt + lifetime,
    };
    this.pins.set(id, pin);
    return pin;
  }

  /**
   * A live PIN by id or code.
   *
   * @param idOrCode The PIN id or its code.
   * @returns The PIN, or `undefined` when unknown or expired.
   */
  findPin(idOrCode: number | string): PinRecord | undefined {
    this.#purgePins();
    if (typeof idOrCode === "number" || /^\d+$/.test(idOrCode)) {
      const pin = this.pins.get(Number(idOrCode));
      if (pin) return pin;
    }
    const wanted = String(idOrCode).toUpperCase();
    for (const pin of this.pins.values()) if (pin.code.toUpperCase() === wanted) return pin;
    return undefined;
  }

  /**
   * Approves a PIN for an account. A PIN without a key gets the legacy token
   * of (account, client) at once; a PIN with a key gets a Plex JWT when it is
   * next polled with a valid device JWT.
   *
   * @param pin The PIN.
   * @param user The approving account.
   */
  approvePin(pin: PinRecord, user: EmulatorUser): void {
    pin.approvedBy = user.id;
    if (!pin.jwk) {
      pin.authToken = this.issueLegacyToken(user, pin.clientId, pin.info);
    }
  }

  #purgePins(): void {
    const now = nowSeconds();
    for (const [id, pin] of this.pins) if (pin.expiresAt <= now) this.pins.delete(id);
  }

  // ---- nonces and rate limits ------------------------------------------------

  /**
   * Counts a nonce request against the client's per-second budget.
   *
   * @param clientId The client identifier.
   * @returns `true` when the request is within the limit.
   */
  allowNonceRequest(clientId: string): boolean {
    const now = Date.now();
    const recent = (this.#nonceWindow.get(clientId) ?? []).filter((t) => now - t < 1_000);
    recent.push(now);
    this.#nonceWindow.set(clientId, recent);
    return recent.length <= this.settings.nonceRateLimit;
  }

  /**
   * Creates a single-use nonce for a client.
   *
   * @param clientId The client identifier.
   * @returns The nonce (a UUID).
   */
  createNonce(clientId: string): string {
    const nonce = crypto.randomUUID();
    this.#nonces.set(nonce, {
      clientId,
      expiresAt: Date.now() + this.settings.nonceLifetimeSeconds * 1000,
      used: false,
    });
    return nonce;
  }

  /**
   * Uses up a nonce.
   *
   * @param nonce The nonce.
   * @param clientId The client presenting it.
   * @returns `"ok"`, or why it is refused.
   */
  consumeNonce(nonce: string, clientId: string): "ok" | "unknown" | "used" | "expired" | "other_client" {
    const entry = this.#nonces.get(nonce);
    if (!entry) return "unknown";
    if (entry.used) return "used";
    if (entry.clientId !== clientId) return "other_client";
    if (entry.expiresAt <= Date.now()) return "expired";
    entry.used = true;
    return "ok";
  }

  // ---- sign-in failures ------------------------------------------------------

  /**
   * Whether sign-ins from this client are blocked after repeated failures.
   *
   * @param clientId The client identifier.
   * @returns `true` while blocked.
   */
  isSigninBlocked(clientId: string): boolean {
    return (this.#failures.get(clientId)?.blockedUntil ?? 0) > Date.now();
  }

  /**
   * Records a failed sign-in; blocks the client after too many.
   *
   * @param clientId The client identifier.
   */
  recordSigninFailure(clientId: string): void {
    const entry = this.#failures.get(clientId) ?? { count: 0, blockedUntil: 0 };
    entry.count++;
    if (entry.count >= this.settings.signinFailureLimit) {
      entry.blockedUntil = Date.now() + this.settings.signinLockoutSeconds * 1000;
      entry.count = 0;
    }
    this.#failures.set(clientId, entry);
  }

  /**
   * Clears the failure count after a successful sign-in.
   *
   * @param clientId The client identifier.
   */
  clearSigninFailures(clientId: string): void {
    this.#failures.delete(clientId);
  }
}
