/**
 * Client identifiers: create one once per installation and keep it.
 *
 * @module
 */

/**
 * Creates a new random client identifier (a UUID v4).
 *
 * Create it ONCE per installation and persist it (a config file, the secure
 * store, an environment variable): plex.tv shows every new identifier as a new
 * device in the user's account, and a JWT device key is bound to it.
 *
 * @returns A new identifier.
 *
 * @example Create once, keep forever
 * ```ts
 * import assert from "node:assert/strict";
 * import { newClientId } from "./client_id.ts";
 * const id = newClientId();
 * assert.ok(/^[0-9a-f-]{36}$/.test(id));
 * ```
 */
export function newClientId(): string {
  return crypto.randomUUID();
}
