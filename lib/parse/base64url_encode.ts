/**
 * Base64url (RFC 4648 §5, no padding) encoding of bytes, web-standard only.
 *
 * @module
 */

/** `Uint8Array.prototype.toBase64` (TC39's base64 proposal), where the runtime has it. */
type _WithToBase64 = {
  toBase64?: (options: { alphabet: "base64url"; omitPadding: boolean }) => string;
};

/**
 * Encodes bytes (or a string, as UTF-8) as base64url without padding.
 *
 * @param input Bytes or text.
 * @returns The base64url text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBase64Url } from "./base64url_encode.ts";
 * assert.equal(encodeBase64Url("hi?"), "aGk_");
 * ```
 */
export function encodeBase64Url(input: Uint8Array | string): string {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const native = (bytes as _WithToBase64).toBase64;
  // The runtime's own encoder where it has one (Deno, Bun): no string building, no regular expressions.
  if (native) return native.call(bytes, { alphabet: "base64url", omitPadding: true });
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    // apply takes the bytes as they are; a spread would run an iterator step per byte.
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
