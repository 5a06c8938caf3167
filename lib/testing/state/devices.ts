/**
 * The devices signed in to the emulator (what `/devices.xml` lists) and the
 * device public keys registered for them (the JWT flows).
 *
 * @module
 */
import { importJWK } from "jose";
import type { CryptoKey, PublicJwk } from "../../keys.ts";

/**
 * A device (client) that holds a token of an account, as `/devices.xml` lists it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Devices } from "./devices.ts";
 * const devices = new Devices();
 * devices.touch(7, "client-1", { product: "Tool" }, 1_700_000_000);
 * const device = devices.get("client-1")!;
 * assert.deepEqual([device.userId, device.info.product, device.lastSeenAt], [7, "Tool", 1_700_000_000]);
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
 * A device key registered for a client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateDeviceKey } from "../../keys.ts";
 * import { Devices } from "./devices.ts";
 * const devices = new Devices();
 * const { publicJwk, keyId } = await generateDeviceKey();
 * assert.equal(await devices.registerKey("client-1", { ...publicJwk, kid: "my-kid" }, keyId, 7), "ok");
 * const key = devices.keyOf("client-1")!;
 * assert.deepEqual([key.kid, key.thumbprint, key.userId, key.key.type], ["my-kid", keyId, 7, "public"]);
 * ```
 */
export interface DeviceKeyRecord {
  /** The `kid` the client chose (an opaque string). */
  kid: string;
  /** The public key. */
  jwk: PublicJwk;
  /** The same key, imported for verification. */
  key: CryptoKey;
  /** The account that registered it. */
  userId: number;
  /** Its RFC 7638 thumbprint (what "Thumbprint Already Taken" is about). */
  thumbprint: string;
}

/**
 * The device registry of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Devices } from "./devices.ts";
 * const devices = new Devices();
 * const device = devices.touch(7, "client-1", { product: "Tool" }, 1_700_000_000);
 * assert.equal(devices.get("client-1")?.id, device.id);
 * ```
 */
export class Devices {
  readonly #devices = new Map<string, DeviceRecord>();
  readonly #keys = new Map<string, DeviceKeyRecord>();
  readonly #thumbprintOwner = new Map<string, string>();
  readonly #bound = new Set<string>();
  readonly #hidden = new Map<number, Set<string>>();
  #nextId = 700_000_001;

  /**
   * Records (or refreshes) the device of a client for an account.
   *
   * @param userId The account id.
   * @param clientId The client identifier.
   * @param info The device's `X-Plex-*` headers.
   * @param nowSeconds The emulator's time, unix seconds.
   * @returns The device.
   */
  touch(userId: number, clientId: string, info: Record<string, string>, nowSeconds: number): DeviceRecord {
    const existing = this.#devices.get(clientId);
    const device: DeviceRecord = existing
      ? { ...existing, userId, info: { ...existing.info, ...info }, lastSeenAt: nowSeconds }
      : {
        id: this.#nextId++,
        clientId,
        userId,
        info: { ...info },
        createdAt: nowSeconds,
        lastSeenAt: nowSeconds,
      };
    this.#devices.set(clientId, device);
    return device;
  }

  /**
   * A device by client identifier.
   *
   * @param clientId The client identifier.
   * @returns The device, or `undefined`.
   */
  get(clientId: string): DeviceRecord | undefined {
    return this.#devices.get(clientId);
  }

  /**
   * The devices of an account.
   *
   * @param userId The account id.
   * @returns Its devices, oldest first.
   */
  of(userId: number): DeviceRecord[] {
    return [...this.#devices.values()].filter((d) => d.userId === userId);
  }

  /**
   * Forgets a device record (not its key or tokens).
   *
   * @param clientId The client identifier.
   * @returns `true` when there was one.
   */
  delete(clientId: string): boolean {
    return this.#devices.delete(clientId);
  }

  /**
   * Hides one of the built-in devices from an account's lists (it was removed).
   *
   * @param userId The account id.
   * @param clientId The built-in device's client identifier.
   */
  hideBuiltin(userId: number, clientId: string): void {
    let hidden = this.#hidden.get(userId);
    if (!hidden) this.#hidden.set(userId, hidden = new Set());
    hidden.add(clientId);
  }

  /**
   * The built-in devices an account removed.
   *
   * @param userId The account id.
   * @returns Their client identifiers.
   */
  hiddenBuiltins(userId: number): ReadonlySet<string> {
    return this.#hidden.get(userId) ?? new Set();
  }

  /**
   * Registers a device public key for a client.
   *
   * @param clientId The client identifier.
   * @param jwk The public key with the client's `kid`.
   * @param thumbprint The key's RFC 7638 thumbprint.
   * @param userId The account.
   * @returns `"taken"` when another client registered the same key, else `"ok"`.
   */
  async registerKey(
    clientId: string,
    jwk: PublicJwk & { kid: string },
    thumbprint: string,
    userId: number,
  ): Promise<"ok" | "taken"> {
    const owner = this.#thumbprintOwner.get(thumbprint);
    if (owner !== undefined && owner !== clientId) return "taken";
    this.forgetKey(clientId);
    const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "EdDSA") as CryptoKey;
    this.#keys.set(clientId, { kid: jwk.kid, jwk: { ...jwk }, key, userId, thumbprint });
    this.#thumbprintOwner.set(thumbprint, clientId);
    this.#bound.add(clientId);
    return "ok";
  }

  /**
   * The key registered for a client.
   *
   * @param clientId The client identifier.
   * @returns The key, or `undefined`.
   */
  keyOf(clientId: string): DeviceKeyRecord | undefined {
    return this.#keys.get(clientId);
  }

  /**
   * Forgets the key registered for a client (the client stays bound to keys).
   *
   * @param clientId The client identifier.
   * @returns `true` when a key was registered.
   */
  forgetKey(clientId: string): boolean {
    const key = this.#keys.get(clientId);
    if (!key) return false;
    this.#keys.delete(clientId);
    this.#thumbprintOwner.delete(key.thumbprint);
    return true;
  }

  /**
   * Whether a key was ever registered for this client (since it was last removed).
   *
   * @param clientId The client identifier.
   * @returns `true` once a key was registered.
   */
  isBound(clientId: string): boolean {
    return this.#bound.has(clientId);
  }

  /**
   * Lets a client use legacy tokens again (after the device was removed).
   *
   * @param clientId The client identifier.
   */
  unbind(clientId: string): void {
    this.#bound.delete(clientId);
  }
}
