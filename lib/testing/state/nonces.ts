/**
 * Nonces for the JWT refresh: single use, bound to the client that asked,
 * valid for a lifetime, and rate limited per client per second.
 *
 * @module
 */

/** Why a nonce is refused. */
export type NonceOutcome = "ok" | "unknown" | "used" | "expired" | "other_client";

/**
 * The nonce store of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Nonces } from "./nonces.ts";
 * const nonces = new Nonces();
 * const nonce = nonces.create("c", 1_000 + 300_000);
 * assert.equal(nonces.consume(nonce, "c", 1_000), "ok");
 * assert.equal(nonces.consume(nonce, "c", 1_000), "used");
 * ```
 */
export class Nonces {
  readonly #nonces = new Map<string, { clientId: string; expiresAt: number; used: boolean }>();
  readonly #window = new Map<string, number[]>();

  /**
   * Counts a nonce request against the client's per-second budget.
   *
   * @param clientId The client identifier.
   * @param limit Requests allowed per second.
   * @param nowMs The emulator's time, ms.
   * @returns `true` when the request is within the limit.
   */
  allow(clientId: string, limit: number, nowMs: number): boolean {
    const recent = (this.#window.get(clientId) ?? []).filter((t) => nowMs - t < 1_000 && t <= nowMs);
    recent.push(nowMs);
    this.#window.set(clientId, recent);
    return recent.length <= limit;
  }

  /**
   * Creates a single-use nonce for a client.
   *
   * @param clientId The client identifier.
   * @param expiresAtMs When it expires, ms on the emulator's clock.
   * @returns The nonce (a UUID).
   */
  create(clientId: string, expiresAtMs: number): string {
    const nonce = crypto.randomUUID();
    this.#nonces.set(nonce, { clientId, expiresAt: expiresAtMs, used: false });
    return nonce;
  }

  /**
   * Uses up a nonce.
   *
   * @param nonce The nonce.
   * @param clientId The client presenting it.
   * @param nowMs The emulator's time, ms.
   * @returns `"ok"`, or why it is refused.
   */
  consume(nonce: string, clientId: string, nowMs: number): NonceOutcome {
    const entry = this.#nonces.get(nonce);
    if (!entry) return "unknown";
    if (entry.used) return "used";
    if (entry.clientId !== clientId) return "other_client";
    if (entry.expiresAt <= nowMs) return "expired";
    entry.used = true;
    return "ok";
  }
}
