/**
 * Base64url (RFC 4648 §5) decoding to bytes, web-standard only. Encoding is
 * in `base64url_encode.ts`: a token is only ever decoded, so the sign-in path
 * does not carry the encoder.
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/**
 * Decodes base64url text (padding optional) to bytes.
 *
 * @param text The base64url text.
 * @returns The bytes.
 * @throws {PlexError} `invalid_argument` when the text is not base64url.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeBase64Url } from "./base64url.ts";
 * assert.equal(new TextDecoder().decode(decodeBase64Url("aGk_")), "hi?");
 * ```
 */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const unpadded = text.replace(/=+$/, "");
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || unpadded.length % 4 === 1) {
    throw new PlexError("invalid_argument", "The text is not valid base64url");
  }
  // ES2026's decoder where the runtime has one (Deno, Bun, browsers): a cold start has no loop to warm up.
  const native = (Uint8Array as { fromBase64?: (text: string, options: object) => Uint8Array<ArrayBuffer> })
    .fromBase64;
  if (native) return native(unpadded, { alphabet: "base64url" });
  // atob decodes "forgiving-base64" (HTML): padding may be left out.
  return Uint8Array.from(atob(unpadded.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}
