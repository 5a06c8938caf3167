/**
 * The tokens the emulator handed out: legacy tokens (one per account and
 * client identifier, as plex.tv keeps them), the Plex JWTs issued to each
 * client, and revoked JWTs.
 *
 * @module
 */
import { randomString, TOKEN_ALPHABET } from "./random.ts";

/** Who a legacy token belongs to. */
export interface LegacyOwner {
  /** The account id. */
  userId: number;
  /** The client identifier it was issued to. */
  clientId: string;
}

/**
 * The token registry of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tokens } from "./tokens.ts";
 * const tokens = new Tokens();
 * const first = tokens.issueLegacy(1, "c");
 * const second = tokens.issueLegacy(1, "c");
 * assert.ok(tokens.legacy(first) === undefined && tokens.legacy(second)?.clientId === "c");
 * ```
 */
export class Tokens {
  readonly #legacy = new Map<string, LegacyOwner>();
  readonly #legacyByOwner = new Map<string, string>();
  readonly #jwtsByClient = new Map<string, Set<string>>();
  readonly #revoked = new Set<string>();

  /**
   * Issues the legacy token of (account, client), replacing the previous one.
   *
   * @param userId The account id.
   * @param clientId The client identifier.
   * @returns The 20-character token.
   */
  issueLegacy(userId: number, clientId: string): string {
    const owner = `${userId}|${clientId}`;
    const previous = this.#legacyByOwner.get(owner);
    if (previous) this.#legacy.delete(previous);
    const token = randomString(20, TOKEN_ALPHABET);
    this.#legacy.set(token, { userId, clientId });
    this.#legacyByOwner.set(owner, token);
    return token;
  }

  /**
   * The owner of a live legacy token.
   *
   * @param token The token.
   * @returns Its owner, or `undefined`.
   */
  legacy(token: string): LegacyOwner | undefined {
    return this.#legacy.get(token);
  }

  /**
   * The current legacy token of (account, client).
   *
   * @param userId The account id.
   * @param clientId The client identifier.
   * @returns The token, or `undefined`.
   */
  legacyOf(userId: number, clientId: string): string | undefined {
    return this.#legacyByOwner.get(`${userId}|${clientId}`);
  }

  /**
   * Revokes one legacy token.
   *
   * @param token The token.
   * @returns `true` when it was live.
   */
  revokeLegacy(token: string): boolean {
    const owner = this.#legacy.get(token);
    if (!owner) return false;
    this.#legacy.delete(token);
    this.#legacyByOwner.delete(`${owner.userId}|${owner.clientId}`);
    return true;
  }

  /**
   * Revokes every legacy token of a client.
   *
   * @param clientId The client identifier.
   * @returns `true` when there was one.
   */
  revokeLegacyOfClient(clientId: string): boolean {
    let found = false;
    for (const [token, owner] of this.#legacy) {
      if (owner.clientId === clientId) found = this.revokeLegacy(token) || found;
    }
    return found;
  }

  /**
   * Remembers a Plex JWT issued to a client (so removing the device revokes it).
   *
   * @param clientId The client identifier.
   * @param jwt The JWT.
   */
  trackJwt(clientId: string, jwt: string): void {
    let issued = this.#jwtsByClient.get(clientId);
    if (!issued) this.#jwtsByClient.set(clientId, issued = new Set());
    issued.add(jwt);
  }

  /**
   * Revokes a JWT.
   *
   * @param jwt The JWT.
   */
  revokeJwt(jwt: string): void {
    this.#revoked.add(jwt);
  }

  /**
   * Revokes every JWT issued to a client.
   *
   * @param clientId The client identifier.
   */
  revokeJwtsOfClient(clientId: string): void {
    for (const jwt of this.#jwtsByClient.get(clientId) ?? []) this.#revoked.add(jwt);
    this.#jwtsByClient.delete(clientId);
  }

  /**
   * Whether a JWT was revoked.
   *
   * @param jwt The JWT.
   * @returns `true` when revoked.
   */
  isRevoked(jwt: string): boolean {
    return this.#revoked.has(jwt);
  }
}
