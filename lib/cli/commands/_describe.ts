/**
 * Store URIs for messages: credentials in a URL (`redis://:pw@host`) hidden.
 *
 * @module
 */

/**
 * The store URI without the password of a URL-style URI.
 *
 * @param uri The store URI.
 * @returns The URI, safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeStore } from "./_describe.ts";
 * assert.equal(describeStore("redis://:secret@127.0.0.1:6379/0"), "redis://***@127.0.0.1:6379/0");
 * ```
 */
export function describeStore(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1***@");
}
