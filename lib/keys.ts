/**
 * Ed25519 device keys: generation, JWK import and export through jose (Web
 * Crypto underneath), and the RFC 7638 thumbprint used as the key id
 * (`key_thumbprint.ts`, which says why it is not jose's). Each function loads
 * its module when first called: this module is on every app's main path
 * (`mod.ts`), and an app that signs in without device keys does not ship
 * jose's key code.
 *
 * @module
 */
import { PlexError } from "./errors.ts";

/**
 * The runtime's own Web Crypto key type, the `CryptoKey` of plextv's
 * signatures. It is named from the runtime's `crypto.subtle`, not from the DOM
 * library, so that plextv's declarations type-check in a program without that
 * library (a Node project with `@types/node` only), where it is Node's Web
 * Crypto key; with the DOM library, or in Deno or Bun, it is theirs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type CryptoKey, generateDeviceKey } from "./keys.ts";
 * const key: CryptoKey = (await generateDeviceKey()).privateKey;
 * const signature = await crypto.subtle.sign("Ed25519", key, new Uint8Array(1));
 * assert.equal(signature.byteLength, 64);
 * ```
 */
export type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * A JSON Web Key, as Web Crypto's `exportKey("jwk")` gives it, with the members
 * an Ed25519 key has: the type of the private keys that stores keep. It is declared here, not taken from the DOM
 * library's `JsonWebKey`, so that plextv's declarations type-check in a program
 * without that library (a Node project with `@types/node` only); a `JsonWebKey`
 * of either library passes where a `Jwk` is asked for, and a `Jwk` where
 * theirs is ({@linkcode CryptoKey} is declared for the same reason).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey, importPrivateJwk, type Jwk } from "./keys.ts";
 * const { privateKey } = await generateDeviceKey();
 * const jwk: Jwk = await crypto.subtle.exportKey("jwk", privateKey);
 * assert.equal((await importPrivateJwk(jwk)).type, "private");
 * ```
 */
export type Jwk = {
  /** Key type (`OKP` for Ed25519). */
  kty?: string;
  /** Curve (`Ed25519`). */
  crv?: string;
  /** The public key, base64url. */
  x?: string;
  /** The private key, base64url: a secret. */
  d?: string;
  /** The key id. */
  kid?: string;
  /** The algorithm. */
  alg?: string;
  /** The use (`sig`). */
  use?: string;
  /** The operations the key may do. */
  key_ops?: string[];
  /** Whether Web Crypto may export the key. */
  ext?: boolean;
};

/**
 * An Ed25519 public key as a JWK, as plex.tv registers it.
 *
 * @example
 * ```ts
 * import type { PublicJwk } from "./keys.ts";
 * const jwk: PublicJwk = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k1", use: "sig", alg: "EdDSA" };
 * ```
 */
export interface PublicJwk {
  /** Key type: always `OKP`. */
  kty: "OKP";
  /** Curve: always `Ed25519`. */
  crv: "Ed25519";
  /** The public key, base64url. */
  x: string;
  /** The key id (the RFC 7638 thumbprint for device keys). */
  kid?: string;
  /** Always `sig`. */
  use?: string;
  /** Always `EdDSA`. */
  alg?: string;
}

/**
 * A device's key pair with its key id, as used by the JWT flows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey } from "./keys.ts";
 * const key = await generateDeviceKey();
 * assert.equal(key.publicJwk.kid, key.keyId);
 * ```
 */
export interface DeviceKey {
  /** The private key (extractable, so a store can persist it). */
  privateKey: CryptoKey;
  /** The public key as registered with plex.tv, `kid` set. */
  publicJwk: PublicJwk;
  /** The key id: the public key's RFC 7638 SHA-256 thumbprint. */
  keyId: string;
}

/**
 * The RFC 7638 SHA-256 thumbprint of an Ed25519 public JWK, base64url.
 *
 * @param jwk The public key (only `crv`, `kty` and `x` count).
 * @returns The thumbprint.
 * @throws {PlexError} `invalid_argument` when the JWK is not an Ed25519 public key (`x` 32 bytes, base64url).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jwkThumbprint } from "./keys.ts";
 * const kid = await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
 * assert.equal(kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
 * ```
 */
export async function jwkThumbprint(jwk: Pick<PublicJwk, "crv" | "kty" | "x">): Promise<string> {
  return (await import("./key_thumbprint.ts")).thumbprint(jwk);
}

/**
 * Generates a new Ed25519 device key.
 *
 * @returns The key pair, its public JWK and key id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey } from "./keys.ts";
 * const { keyId, publicJwk } = await generateDeviceKey();
 * assert.ok(publicJwk.crv === "Ed25519" && keyId.length === 43);
 * ```
 */
export async function generateDeviceKey(): Promise<DeviceKey> {
  const { generateKeyPair } = await import("jose/key/generate/keypair");
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return deviceKeyFromPrivate(privateKey);
}

/**
 * Rebuilds the {@linkcode DeviceKey} of an extractable Ed25519 private key.
 *
 * @param privateKey The private key.
 * @returns The key with its public JWK and key id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deviceKeyFromPrivate, generateDeviceKey } from "./keys.ts";
 * const key = await generateDeviceKey();
 * assert.equal((await deviceKeyFromPrivate(key.privateKey)).keyId, key.keyId);
 * ```
 */
export async function deviceKeyFromPrivate(privateKey: CryptoKey): Promise<DeviceKey> {
  const jwk = await exportKey(privateKey);
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new PlexError("invalid_argument", "The private key is not an Ed25519 key");
  }
  const keyId = await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x });
  return {
    privateKey,
    keyId,
    publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: keyId, use: "sig", alg: "EdDSA" },
  };
}

/**
 * Exports a private key as a JWK (`kty`, `crv`, `x`, `d`) for a secure store.
 *
 * @param privateKey An extractable Ed25519 private key.
 * @returns The private JWK. It is a secret: keep it in a secure store only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportPrivateJwk, generateDeviceKey, importPrivateJwk } from "./keys.ts";
 * const jwk = await exportPrivateJwk((await generateDeviceKey()).privateKey);
 * const again = await importPrivateJwk(jwk);
 * assert.equal(again.type, "private");
 * ```
 */
export async function exportPrivateJwk(privateKey: CryptoKey): Promise<Jwk> {
  const jwk = await exportKey(privateKey);
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string") {
    throw new PlexError("invalid_argument", "The key is not an Ed25519 private key");
  }
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
}

/** A key as a JWK; a key that cannot be exported is an `invalid_argument`. */
async function exportKey(key: CryptoKey): Promise<Jwk> {
  const { exportJWK } = await import("jose/key/export");
  try {
    return await exportJWK(key);
  } catch (cause) {
    throw new PlexError(
      "invalid_argument",
      "The key cannot be exported (it must be an extractable CryptoKey)",
      {
        cause,
      },
    );
  }
}

/**
 * Imports an Ed25519 private JWK (`kty: "OKP"`, `crv: "Ed25519"`, `x`, `d`).
 *
 * @param jwk The private JWK.
 * @returns An extractable private key usable for signing.
 * @throws {PlexError} `invalid_argument` when the JWK is not an Ed25519 private key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportPrivateJwk, generateDeviceKey, importPrivateJwk } from "./keys.ts";
 * const key = await importPrivateJwk(await exportPrivateJwk((await generateDeviceKey()).privateKey));
 * assert.equal(key.algorithm.name, "Ed25519");
 * ```
 */
export async function importPrivateJwk(jwk: Jwk): Promise<CryptoKey> {
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string" || typeof jwk.x !== "string") {
    throw new PlexError("invalid_argument", "The private key must be an Ed25519 JWK with x and d");
  }
  const { importJWK } = await import("jose/key/import");
  try {
    return await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }, "EdDSA", {
      extractable: true,
    }) as CryptoKey;
  } catch (cause) {
    throw new PlexError("invalid_argument", "The private key could not be imported", { cause });
  }
}

/**
 * Imports an Ed25519 public JWK for verifying signatures.
 *
 * @param jwk The public JWK.
 * @returns The public key.
 * @throws {PlexError} `invalid_argument` when the JWK is not an Ed25519 public key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey, importPublicJwk } from "./keys.ts";
 * const key = await importPublicJwk((await generateDeviceKey()).publicJwk);
 * assert.equal(key.type, "public");
 * ```
 */
export async function importPublicJwk(jwk: PublicJwk): Promise<CryptoKey> {
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new PlexError("invalid_argument", "The public key must be an Ed25519 JWK");
  }
  const { importJWK } = await import("jose/key/import");
  try {
    return await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "EdDSA", {
      extractable: true,
    }) as CryptoKey;
  } catch (cause) {
    throw new PlexError("invalid_argument", "The public key could not be imported", { cause });
  }
}
