/**
 * Everything the plex.tv emulator remembers, one store per resource
 * (accounts, tokens, devices and their keys, PINs, nonces, sign-in failures,
 * friends, webhooks), and the operations that span several of them (a
 * sign-in issues a token and records a device; registering a key ends the
 * client's legacy tokens; removing a device revokes everything it holds).
 * All time is the emulator's clock. No HTTP here.
 *
 * @module
 */
import { decodeJwt } from "jose";
import type { PublicJwk } from "../../keys.ts";
import { Accounts, type EmulatorUser } from "./accounts.ts";
import { Devices } from "./devices.ts";
import { Friends } from "./friends.ts";
import { Nonces } from "./nonces.ts";
import { type PinRecord, Pins } from "./pins.ts";
import { SigninGuard } from "./signin_guard.ts";
import { SigningKeys } from "./signing_keys.ts";
import { Tokens } from "./tokens.ts";
import { Webhooks } from "./webhooks.ts";

/**
 * The settings the state needs (the emulator's options, resolved).
 *
 * @example
 * ```ts
 * import type { StateSettings } from "./state.ts";
 * const settings: StateSettings = { jwtLifetimeSeconds: 604_800, pinLifetimeSeconds: 900,
 *   strongPinLifetimeSeconds: 1_800, nonceLifetimeSeconds: 300, nonceRateLimit: 10,
 *   signinFailureLimit: 5, signinLockoutSeconds: 300, keyRegistrationEndsLegacyToken: true,
 *   now: () => Date.now() };
 * ```
 */
export interface StateSettings {
  /** Lifetime of issued Plex JWTs. */
  jwtLifetimeSeconds: number;
  /** Lifetime of 4-character PINs. */
  pinLifetimeSeconds: number;
  /** Lifetime of strong PINs (and PINs with a key). */
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
  /** The emulator's clock, ms since the epoch (skew included). */
  now: () => number;
}

/**
 * Who a valid token belongs to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateSettings } from "../options.ts";
 * import { EmulatorState } from "./state.ts";
 * const state = await EmulatorState.create(stateSettings({}));
 * const token = state.issueLegacyToken(state.accounts.users.default, "client-1", {});
 * const principal = await state.resolveToken(token);
 * assert.deepEqual([principal?.user.username, principal?.clientId, principal?.kind], ["plexuser", "client-1", "legacy"]);
 * assert.equal(await state.resolveToken("unknown-token"), undefined);
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

/** Claims to set on an issued Plex JWT (`null` leaves `thumbprint` or `exp` out). */
export interface PlexJwtFields {
  /** The `thumbprint` claim. */
  thumbprint: string | null;
  /** The `nonce` claim. */
  nonce?: string;
  /** The scopes asked for (comma-separated); all user claims when absent. */
  scope?: string;
  /** Seconds to `exp`; default the JWT lifetime. */
  expiresInSeconds?: number | null;
  /** `iat`, unix seconds; default now. */
  issuedAt?: number;
  /** `iss`; default `plex.tv`. */
  issuer?: string;
  /** `aud`; default `["plex.tv", clientId]`. */
  audience?: string | string[];
}

/**
 * The emulator's memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EmulatorState } from "./state.ts";
 * const state = await EmulatorState.create({ jwtLifetimeSeconds: 60, pinLifetimeSeconds: 900,
 *   strongPinLifetimeSeconds: 1_800, nonceLifetimeSeconds: 300, nonceRateLimit: 10,
 *   signinFailureLimit: 5, signinLockoutSeconds: 300, keyRegistrationEndsLegacyToken: true,
 *   now: () => Date.now() });
 * const token = state.issueLegacyToken(state.accounts.users.default, "client-1", {});
 * assert.equal((await state.resolveToken(token))?.user.username, "plexuser");
 * ```
 */
export class EmulatorState {
  /** The accounts. */
  readonly accounts: Accounts = new Accounts();
  /** The emulator's signing keys. */
  readonly signingKeys: SigningKeys;
  /** The settings. */
  readonly settings: StateSettings;
  /** Legacy tokens and issued JWTs. */
  readonly tokens: Tokens = new Tokens();
  /** Signed-in devices and their keys. */
  readonly devices: Devices = new Devices();
  /** Live PINs. */
  readonly pins: Pins = new Pins();
  /** Nonces and their rate limit. */
  readonly nonces: Nonces = new Nonces();
  /** Sign-in failures. */
  readonly signins: SigninGuard;
  /** Friends per account. */
  readonly friends: Friends = new Friends();
  /** Webhooks per account. */
  readonly webhooks: Webhooks = new Webhooks();
  /** Called after a PIN is created (the emulator's automatic approval hooks in here). */
  onPinCreated?: (pin: PinRecord) => void;

  private constructor(settings: StateSettings, signingKeys: SigningKeys) {
    this.settings = settings;
    this.signingKeys = signingKeys;
    this.signins = new SigninGuard(settings.signinFailureLimit, settings.signinLockoutSeconds);
    const owner = this.accounts.users.default.id;
    this.friends.add(owner, { username: "moviebuddy", friendlyName: "Movie Buddy" });
    this.friends.add(owner, { username: "farcousin", friendlyName: null, sectionKeys: [2] });
  }

  /**
   * Creates the state with the seeded accounts and friends, and one signing key.
   *
   * @param settings The settings.
   * @returns The state.
   */
  static async create(settings: StateSettings): Promise<EmulatorState> {
    return new EmulatorState(settings, await SigningKeys.create());
  }

  /**
   * The emulator's time.
   *
   * @returns Unix seconds, whole.
   */
  nowSeconds(): number {
    return Math.floor(this.settings.now() / 1000);
  }

  /**
   * Issues the legacy token of (account, client), replacing the previous one, and records the device.
   *
   * @param user The account.
   * @param clientId The client identifier.
   * @param info The device's `X-Plex-*` headers.
   * @returns The 20-character token.
   */
  issueLegacyToken(user: EmulatorUser, clientId: string, info: Record<string, string>): string {
    const token = this.tokens.issueLegacy(user.id, clientId);
    this.devices.touch(user.id, clientId, info, this.nowSeconds());
    return token;
  }

  /**
   * Whether this client may still obtain legacy tokens (no device key was registered for it).
   *
   * @param clientId The client identifier.
   * @returns `false` once a key was registered (until the device is removed).
   */
  mayUseLegacyTokens(clientId: string): boolean {
    return !this.settings.keyRegistrationEndsLegacyToken || !this.devices.isBound(clientId);
  }

  /**
   * Signs a Plex JWT for an account and client.
   *
   * @param user The account.
   * @param clientId The client identifier (second audience).
   * @param fields Thumbprint, nonce, scope, lifetime and overrides.
   * @returns The compact JWT.
   */
  async issuePlexJwt(user: EmulatorUser, clientId: string, fields: PlexJwtFields): Promise<string> {
    const iat = fields.issuedAt ?? this.nowSeconds();
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
    this.tokens.trackJwt(clientId, jwt);
    return jwt;
  }

  /**
   * Resolves an `X-Plex-Token`: a live legacy token, or a Plex JWT signed by a
   * published key, issued by `plex.tv`, not expired (on the emulator's clock) and not revoked.
   *
   * @param token The token.
   * @returns Who it belongs to, or `undefined`.
   */
  async resolveToken(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined;
    const legacy = this.tokens.legacy(token);
    if (legacy) {
      const user = this.accounts.byId(legacy.userId);
      return user && { user, clientId: legacy.clientId, kind: "legacy", token };
    }
    if (this.tokens.isRevoked(token) || token.split(".").length !== 3) return undefined;
    const claims = await this.signingKeys.verify(token);
    if (!claims || claims.iss !== "plex.tv") return undefined;
    if (typeof claims.exp !== "number" || claims.exp <= this.nowSeconds()) return undefined;
    const userClaim = claims.user as { id?: unknown } | undefined;
    const user = typeof userClaim?.id === "number" ? this.accounts.byId(userClaim.id) : undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = aud.find((a) => typeof a === "string" && a !== "plex.tv") as string | undefined;
    return user && { user, clientId: clientId ?? "", kind: "jwt", token };
  }

  /**
   * Whether a token is a Plex JWT this emulator signed, issued by `plex.tv` and not revoked, whose
   * `exp` has passed: plex.tv answers it 498 ("Your JWT has expired and needs refresh"), not 401.
   *
   * @param token The token.
   * @returns `true` for such an expired Plex JWT.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { stateSettings } from "../options.ts";
   * import { EmulatorState } from "./state.ts";
   * const state = await EmulatorState.create(stateSettings({}));
   * const user = state.accounts.users.default;
   * const expired = await state.issuePlexJwt(user, "client-1", { thumbprint: null, expiresInSeconds: -60 });
   * assert.equal(await state.isExpiredJwt(expired), true);
   * assert.equal(await state.isExpiredJwt(await state.issuePlexJwt(user, "client-1", { thumbprint: null })), false);
   * ```
   */
  async isExpiredJwt(token: string | undefined): Promise<boolean> {
    if (!token || this.tokens.isRevoked(token) || token.split(".").length !== 3) return false;
    const claims = await this.signingKeys.verify(token);
    return claims?.iss === "plex.tv" && typeof claims.exp === "number" && claims.exp <= this.nowSeconds();
  }

  /**
   * Revokes a token of either kind.
   *
   * @param token The token.
   * @returns `true` when it was a known legacy token or a JWT (JWTs are remembered as revoked).
   */
  revokeToken(token: string): boolean {
    if (this.tokens.revokeLegacy(token)) return true;
    try {
      decodeJwt(token);
    } catch {
      return false;
    }
    this.tokens.revokeJwt(token);
    return true;
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
    removed = this.tokens.revokeLegacyOfClient(clientId) || removed;
    this.tokens.revokeJwtsOfClient(clientId);
    removed = this.devices.forgetKey(clientId) || removed;
    this.devices.unbind(clientId);
    return removed;
  }

  /**
   * Registers a device public key for a client. When enabled, the client's
   * legacy tokens are revoked and it may not get new ones.
   *
   * @param clientId The client identifier.
   * @param jwk The public key with the client's `kid`.
   * @param thumbprint Its RFC 7638 thumbprint.
   * @param user The account.
   * @returns `"taken"` when another client registered the same key, else `"ok"`.
   */
  async registerKey(
    clientId: string,
    jwk: PublicJwk & { kid: string },
    thumbprint: string,
    user: EmulatorUser,
  ): Promise<"ok" | "taken"> {
    const outcome = await this.devices.registerKey(clientId, jwk, thumbprint, user.id);
    if (outcome === "ok" && this.settings.keyRegistrationEndsLegacyToken) {
      this.tokens.revokeLegacyOfClient(clientId);
    }
    return outcome;
  }

  /**
   * A live PIN by id or code.
   *
   * @param idOrCode The PIN id or code.
   * @returns The PIN, or `undefined`.
   */
  findPin(idOrCode: number | string): PinRecord | undefined {
    return this.pins.find(idOrCode, this.nowSeconds());
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
      const known = this.devices.get(pin.clientId)?.userId === user.id;
      pin.authToken = this.issueLegacyToken(user, pin.clientId, pin.info);
      pin.newRegistration = !known;
    }
  }
}
