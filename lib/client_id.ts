/**
 * Client identifiers: create one once per installation and keep it.
 *
 * @module
 */
import { PlexError } from "./errors.ts";

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

/**
 * Whether a value is a usable client identifier: 1 to 255 visible ASCII
 * characters, no spaces (what `Config.withClientId` accepts).
 *
 * @param value The value.
 * @returns `true` for a usable identifier.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isClientId } from "./client_id.ts";
 * assert.ok(isClientId("my-app-1") && !isClientId("") && !isClientId("a".repeat(256)));
 * ```
 */
export function isClientId(value: unknown): value is string {
  return typeof value === "string" && /^[\x21-\x7e]{1,255}$/.test(value);
}

/**
 * Checks a client identifier (see {@linkcode isClientId}).
 *
 * @param clientId The identifier.
 * @returns It, unchanged.
 * @throws {PlexError} `invalid_argument` otherwise (the value is not repeated).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkClientId } from "./client_id.ts";
 * assert.equal(checkClientId("my-app-1"), "my-app-1");
 * assert.throws(() => checkClientId("has space"), { code: "invalid_argument" });
 * ```
 */
export function checkClientId(clientId: string): string {
  if (!isClientId(clientId)) {
    throw new PlexError(
      "invalid_argument",
      "A client identifier is 1 to 255 visible ASCII characters (no spaces)",
    );
  }
  return clientId;
}
