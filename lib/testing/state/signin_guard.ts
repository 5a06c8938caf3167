/**
 * Failed sign-ins counted per client identifier (the emulator sees one IP):
 * after a limit, the client is blocked (1031) for a while, even with the
 * right password.
 *
 * @module
 */

/**
 * The sign-in failure counter of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SigninGuard } from "./signin_guard.ts";
 * const guard = new SigninGuard(2, 300);
 * guard.fail("c", 0);
 * guard.fail("c", 0);
 * assert.ok(guard.isBlocked("c", 1_000) && !guard.isBlocked("c", 301_000));
 * ```
 */
export class SigninGuard {
  readonly #failures = new Map<string, { count: number; blockedUntil: number }>();
  readonly #limit: number;
  readonly #lockoutMs: number;

  /**
   * Creates the counter.
   *
   * @param limit Failures before a client is blocked.
   * @param lockoutSeconds How long it stays blocked.
   */
  constructor(limit: number, lockoutSeconds: number) {
    this.#limit = limit;
    this.#lockoutMs = lockoutSeconds * 1000;
  }

  /**
   * Whether sign-ins from this client are blocked.
   *
   * @param clientId The client identifier.
   * @param nowMs The emulator's time, ms.
   * @returns `true` while blocked.
   */
  isBlocked(clientId: string, nowMs: number): boolean {
    return (this.#failures.get(clientId)?.blockedUntil ?? 0) > nowMs;
  }

  /**
   * Records a failed sign-in; blocks the client after too many.
   *
   * @param clientId The client identifier.
   * @param nowMs The emulator's time, ms.
   */
  fail(clientId: string, nowMs: number): void {
    const entry = this.#failures.get(clientId) ?? { count: 0, blockedUntil: 0 };
    entry.count++;
    if (entry.count >= this.#limit) {
      entry.blockedUntil = nowMs + this.#lockoutMs;
      entry.count = 0;
    }
    this.#failures.set(clientId, entry);
  }

  /**
   * Clears the count after a successful sign-in.
   *
   * @param clientId The client identifier.
   */
  clear(clientId: string): void {
    this.#failures.delete(clientId);
  }
}
