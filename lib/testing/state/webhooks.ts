/**
 * The webhook URLs of each account, which plex.tv keeps as one list that
 * `POST /api/v2/user/webhooks` replaces.
 *
 * @module
 */

/**
 * The webhook lists of one emulator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Webhooks } from "./webhooks.ts";
 * const webhooks = new Webhooks();
 * webhooks.set(1, ["https://example.com/a"]);
 * assert.deepEqual(webhooks.of(1), ["https://example.com/a"]);
 * assert.deepEqual(webhooks.of(2), []);
 * ```
 */
export class Webhooks {
  readonly #byAccount = new Map<number, string[]>();

  /**
   * The webhook URLs of an account.
   *
   * @param userId The account id.
   * @returns The URLs, in the order they were set.
   */
  of(userId: number): string[] {
    return [...this.#byAccount.get(userId) ?? []];
  }

  /**
   * Replaces the webhook URLs of an account (duplicates kept once).
   *
   * @param userId The account id.
   * @param urls The new list.
   * @returns The list as kept.
   */
  set(userId: number, urls: string[]): string[] {
    const list = [...new Set(urls)];
    this.#byAccount.set(userId, list);
    return [...list];
  }
}
