/**
 * The keychain item's secret: the data as JSON, UTF-8, base64-encoded, so
 * every keychain stores plain ASCII on one line.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { PlexError } from "../lib/errors.ts";
import { VAULT_HINT } from "./_keychain_errors.ts";

/**
 * Encodes data as the keychain secret: base64 of its UTF-8 JSON.
 *
 * @param data Any JSON-serialisable value.
 * @returns The secret text (ASCII, one line).
 * @throws {PlexError} `invalid_argument` when `data` has no JSON form (`undefined`, a function).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeSecret } from "./_keychain_secret.ts";
 * assert.equal(encodeSecret({ a: 1 }), "eyJhIjoxfQ==");
 * ```
 */
export function encodeSecret(data: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (cause) {
    throw new PlexError("invalid_argument", "The keychain store can only save JSON data", { cause });
  }
  if (json === undefined) {
    throw new PlexError("invalid_argument", "The keychain store can only save JSON data", {
      hint: "Call clear() to remove the stored data",
    });
  }
  return Buffer.from(json, "utf8").toString("base64");
}

const _BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a keychain secret written by {@linkcode encodeSecret}.
 *
 * @param secret The stored text (surrounding whitespace is ignored).
 * @param item The item's name for the error message (`SERVICE/ACCOUNT`).
 * @returns The data.
 * @throws {PlexError} `store_corrupt` when the item does not hold base64 JSON (the message never shows it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSecret } from "./_keychain_secret.ts";
 * assert.equal(decodeSecret<{ a: number }>("eyJhIjoxfQ==\n", "plextv/default").a, 1);
 * ```
 */
export function decodeSecret<T>(secret: string, item: string): T {
  const text = secret.trim();
  if (text !== "" && _BASE64.test(text)) {
    try {
      const json = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(text, "base64"));
      return JSON.parse(json) as T;
    } catch {
      // reported below
    }
  }
  throw new PlexError("store_corrupt", `The keychain item ${item} does not hold plextv data`, {
    hint: `Clear it (plextv logout) or choose another service name, ${VAULT_HINT}`,
  });
}

const _HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Reads the password `security find-generic-password -w` printed. `security`
 * prints a password holding non-ASCII characters or line breaks as hex
 * digits; base64 JSON is never all hex digits (it starts with `ey`, or holds
 * `=` or upper case), so hex output is decoded and anything else is taken as is.
 *
 * @param output The tool's standard output.
 * @returns The stored password text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSecurityPassword } from "./_keychain_secret.ts";
 * assert.equal(parseSecurityPassword("eyJhIjoxfQ==\n"), "eyJhIjoxfQ==");
 * assert.equal(parseSecurityPassword("c3a96c6c650a\n"), "\u00e9lle\n");
 * ```
 */
export function parseSecurityPassword(output: string): string {
  const text = output.replace(/\r?\n$/, "");
  if (!_HEX.test(text)) return text;
  return new TextDecoder().decode(Buffer.from(text, "hex"));
}
