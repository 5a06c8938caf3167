/**
 * The emulator's own Ed25519 keys, which sign the Plex JWTs it issues and are
 * published at `/api/v2/auth/keys`. Rotation adds a new current key; the
 * previous keys stay published (tokens they signed keep verifying) unless
 * the rotation retires them. Signing and verification go through jose.
 *
 * @module
 */
import { calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair, SignJWT } from "jose";
import type { CryptoKey, PublicJwk } from "../../keys.ts";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: PublicJwk;
}

/**
 * The signing key ring of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SigningKeys } from "./signing_keys.ts";
 * const keys = await SigningKeys.create();
 * const jwt = await keys.sign({ iss: "plex.tv" });
 * assert.equal((await keys.verify(jwt))?.iss, "plex.tv");
 * ```
 */
export class SigningKeys {
  #keys: SigningKey[] = [];

  private constructor() {}

  /**
   * Creates a key ring with one fresh key.
   *
   * @returns The key ring.
   */
  static async create(): Promise<SigningKeys> {
    const ring = new SigningKeys();
    await ring.rotate(false);
    return ring;
  }

  /**
   * Adds a new current key.
   *
   * @param retirePrevious Stop publishing (and accepting) the previous keys.
   * @returns The new key's `kid`.
   */
  async rotate(retirePrevious: boolean): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("Ed25519");
    const { x } = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: x! });
    const publicJwk: PublicJwk = { kty: "OKP", crv: "Ed25519", x: x!, kid, use: "sig", alg: "EdDSA" };
    const key: SigningKey = { kid, privateKey, publicKey, publicJwk };
    this.#keys = retirePrevious ? [key] : [...this.#keys, key];
    return kid;
  }

  /** The `kid` of the key that signs new tokens. */
  get currentKid(): string {
    return this.#keys[this.#keys.length - 1]!.kid;
  }

  /**
   * The published public keys, newest first.
   *
   * @returns The keys as JWKs.
   */
  published(): PublicJwk[] {
    return this.#keys.map((k) => ({ ...k.publicJwk })).reverse();
  }

  /**
   * Signs claims with the current key (header `alg: EdDSA`, `kid`, `typ: JWT`).
   *
   * @param claims The claims.
   * @returns The compact JWT.
   */
  sign(claims: Record<string, unknown>): Promise<string> {
    const key = this.#keys[this.#keys.length - 1]!;
    return new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
      .sign(key.privateKey);
  }

  /**
   * Verifies a JWT signed by one of the published keys (signature only; the
   * caller judges the claims on the emulator's clock).
   *
   * @param compact The JWT.
   * @returns Its claims, or `undefined` when it is not one of ours.
   */
  async verify(compact: string): Promise<Record<string, unknown> | undefined> {
    for (const key of this.#keys) {
      try {
        const { payload } = await compactVerify(compact, key.publicKey, { algorithms: ["EdDSA"] });
        const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
        return claims !== null && typeof claims === "object" ? claims as Record<string, unknown> : undefined;
      } catch {
        // try the next key
      }
    }
    return undefined;
  }
}
