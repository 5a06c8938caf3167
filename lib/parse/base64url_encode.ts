/**
 * Base64url (RFC 4648 §5, no padding) encoding of bytes, web-standard only.
 *
 * @module
 */

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
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    // apply takes the bytes as they are; a spread would run an iterator step per byte.
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
