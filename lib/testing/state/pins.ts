/**
 * The live PINs of the emulator: creation (4-character or strong codes),
 * lookup by id or code, and expiry on the emulator's clock.
 *
 * @module
 */
import type { PublicJwk } from "../../keys.ts";
import { randomInt, randomString } from "./random.ts";

/**
 * A PIN, as the emulator keeps it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pins } from "./pins.ts";
 * const pins = new Pins();
 * const { code } = pins.create({ clientId: "c", info: {}, strong: false, lifetimeSeconds: 900, nowSeconds: 0 });
 * const pin = pins.find(code, 10)!;
 * assert.deepEqual([pin.clientId, pin.strong, pin.expiresAt, pin.authToken], ["c", false, 900, undefined]);
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
  /** Once claimed: whether the approval registered a device new to the account. */
  newRegistration?: boolean;
}

const SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
const STRONG_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** What a new PIN needs. */
export interface NewPin {
  /** The creating client. */
  clientId: string;
  /** Its `X-Plex-*` device headers. */
  info: Record<string, string>;
  /** A 25-character code instead of 4 characters. */
  strong: boolean;
  /** The public key of the PIN + JWK flow. */
  jwk?: PublicJwk & { kid: string };
  /** The lifetime in seconds. */
  lifetimeSeconds: number;
  /** The emulator's time, unix seconds. */
  nowSeconds: number;
}

/**
 * The PIN store of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pins } from "./pins.ts";
 * const pins = new Pins();
 * const pin = pins.create({ clientId: "c", info: {}, strong: false, lifetimeSeconds: 900, nowSeconds: 0 });
 * assert.equal(pins.find(pin.code.toLowerCase(), 10)?.id, pin.id);
 * assert.equal(pins.find(pin.id, 900), undefined, "expired");
 * ```
 */
export class Pins {
  readonly #pins = new Map<number, PinRecord>();

  /**
   * Creates a PIN with a code no live PIN has.
   *
   * @param spec Creator, kind, key, lifetime and the current time.
   * @returns The PIN.
   */
  create(spec: NewPin): PinRecord {
    this.#purge(spec.nowSeconds);
    let code: string;
    do {
      code = spec.strong ? randomString(25, STRONG_CODE_ALPHABET) : randomString(4, SHORT_CODE_ALPHABET);
    } while (this.find(code, spec.nowSeconds));
    let id: number;
    do {
      id = randomInt(100_000_000, 1_000_000_000);
    } while (this.#pins.has(id));
    const pin: PinRecord = {
      id,
      code,
      clientId: spec.clientId,
      product: spec.info.product ?? "",
      info: { ...spec.info },
      strong: spec.strong,
      jwk: spec.jwk,
      createdAt: spec.nowSeconds,
      expiresAt: spec.nowSeconds + spec.lifetimeSeconds,
    };
    this.#pins.set(id, pin);
    return pin;
  }

  /**
   * A live PIN by id or code (codes case-insensitive).
   *
   * @param idOrCode The PIN id or its code.
   * @param nowSeconds The emulator's time, unix seconds.
   * @returns The PIN, or `undefined` when unknown or expired.
   */
  find(idOrCode: number | string, nowSeconds: number): PinRecord | undefined {
    this.#purge(nowSeconds);
    if (typeof idOrCode === "number" || /^\d+$/.test(idOrCode)) {
      const pin = this.#pins.get(Number(idOrCode));
      if (pin) return pin;
    }
    const wanted = String(idOrCode).toUpperCase();
    for (const pin of this.#pins.values()) if (pin.code.toUpperCase() === wanted) return pin;
    return undefined;
  }

  #purge(nowSeconds: number): void {
    for (const [id, pin] of this.#pins) if (pin.expiresAt <= nowSeconds) this.#pins.delete(id);
  }
}
