/**
 * The redirect rule of a plex.tv request (`attempt.ts`), loaded with the
 * first redirect: plex.tv's API answers rarely are, so a path that meets
 * none does not carry it. A redirect is followed only to a configured
 * plex.tv host, at most five times, to an http(s) location without a user
 * name or password; a 303, and a 301 or 302 answering a POST, continue as a
 * GET without the body (as browsers do).
 *
 * @module
 */
import { PlexError } from "../errors.ts";

/** Redirects followed for one request, at most. */
const MAX_REDIRECTS = 5;

/** A redirect as `attempt.ts` met it. */
export interface Redirect {
  /** The response's status. */
  status: number;
  /** Its `Location` header (`null` when the runtime hid it: an opaque redirect). */
  location: string | null;
  /** The URL that answered. */
  url: string;
  /** The method that was sent. */
  method: string;
  /** The origins of the configured hosts. */
  origins: readonly string[];
  /** The redirects followed before this one. */
  followed: number;
}

/**
 * Where the request goes next, and how.
 *
 * @param redirect The redirect.
 * @returns The next URL and method; `keepsBody` is false when the body is dropped (a GET follows).
 * @throws {PlexError} `redirect_refused` for a location that is hidden, invalid, outside the configured
 *   hosts, or one redirect too many.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextRequest } from "./redirect.ts";
 * const origins = ["https://plex.tv"];
 * const next = nextRequest({ status: 303, location: "/api/v2/x", url: "https://plex.tv/a", method: "POST", origins, followed: 0 });
 * assert.deepEqual(next, { url: "https://plex.tv/api/v2/x", method: "GET", keepsBody: false });
 * assert.throws(
 *   () => nextRequest({ status: 302, location: "https://evil.example/", url: "https://plex.tv/a", method: "GET", origins, followed: 0 }),
 *   { code: "redirect_refused" },
 * );
 * ```
 */
export function nextRequest(redirect: Redirect): { url: string; method: string; keepsBody: boolean } {
  const { status, method } = redirect;
  const next = target(redirect.location, redirect.url);
  const refused = !next
    ? "plex.tv redirected to a hidden or invalid location"
    : !redirect.origins.includes(next.origin)
    ? `plex.tv redirected to ${next.origin}, outside the configured hosts`
    : redirect.followed >= MAX_REDIRECTS
    ? `plex.tv redirected more than ${MAX_REDIRECTS} times`
    : undefined;
  if (refused || !next) {
    throw new PlexError("redirect_refused", `${refused}; the request was not followed`, { status });
  }
  const asGet = status === 303 || ((status === 301 || status === 302) && method === "POST");
  return { url: next.href, method: asGet ? "GET" : method, keepsBody: !asGet };
}

/**
 * The URL a `Location` header points to; `undefined` when absent, not a URL, not http(s), or
 * carrying a user name or password (which the runtime would send on as an `Authorization` header).
 */
function target(location: string | null, base: string): URL | undefined {
  if (!location) return undefined;
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return undefined;
  }
  const web = url.protocol === "https:" || url.protocol === "http:";
  return web && !url.username && !url.password ? url : undefined;
}
