/**
 * Parsing of Redis store URIs: `redis://[user:pass@]host:port/db?key=NAME`
 * and `rediss://...` (TLS). Errors never repeat the URI: it may hold a password.
 *
 * @module
 */
import { PlexError } from "../lib/errors.ts";

/**
 * Where a Redis store lives, parsed from its URI.
 *
 * @example
 * ```ts
 * import type { RedisAddress } from "./_redis_uri.ts";
 * const address: RedisAddress = { tls: false, host: "127.0.0.1", port: 6379, db: 0, key: "plextv" };
 * ```
 */
export interface RedisAddress {
  /** `rediss://`: connect with TLS. */
  tls: boolean;
  /** The host name or IP address (IPv6 without brackets). */
  host: string;
  /** The TCP port (default 6379). */
  port: number;
  /** The database number (default 0). */
  db: number;
  /** The key the record is stored under (default `plextv`); lock keys derive from it. */
  key: string;
  /** The ACL user name, when the URI has one. */
  username?: string;
  /** The password, when the URI has one: a secret. */
  password?: string;
}

/** The key used when the URI has no `?key=`. */
export const DEFAULT_REDIS_KEY = "plextv";

const _FORM = "redis://[user:password@]host:port/db?key=NAME (rediss:// for TLS)";

/**
 * Parses a Redis store URI.
 *
 * @param uri `redis://[user:pass@]host:port/db?key=NAME` or `rediss://...`.
 * @returns The address.
 * @throws {PlexError} `invalid_argument` naming what is wrong, never echoing the URI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRedisUri } from "./_redis_uri.ts";
 * const address = parseRedisUri("redis://:s3cret@127.0.0.1:6380/2?key=fleet-a");
 * assert.ok(address.port === 6380 && address.db === 2 && address.key === "fleet-a");
 * ```
 */
export function parseRedisUri(uri: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw _invalid("The Redis store URI is malformed");
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== "redis:" && scheme !== "rediss:") {
    throw _invalid("A Redis store URI starts with redis:// or rediss://");
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw _invalid("The Redis store URI has no host");
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!/^\d{0,5}$/.test(dbText) || !Number.isSafeInteger(db)) {
    throw _invalid("The Redis database in the store URI must be a number, as in /0");
  }
  for (const name of url.searchParams.keys()) {
    if (name !== "key") throw _invalid("The Redis store URI accepts only the key query parameter");
  }
  const key = url.searchParams.get("key") ?? DEFAULT_REDIS_KEY;
  if (key === "") throw _invalid("The Redis key in the store URI is empty");
  const address: RedisAddress = { tls: scheme === "rediss:", host, port, db, key };
  try {
    if (url.username) address.username = decodeURIComponent(url.username);
    if (url.password) address.password = decodeURIComponent(url.password);
  } catch {
    throw _invalid("The user or password in the Redis store URI is not valid percent-encoding");
  }
  return address;
}

/**
 * The URI without its credentials, safe for logs and messages.
 *
 * @param address The parsed address.
 * @returns `redis://host:port/db?key=NAME`, with `***@` when a user or password was given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRedisUri, redactedRedisUri } from "./_redis_uri.ts";
 * const text = redactedRedisUri(parseRedisUri("redis://app:s3cret@db.local:6379/0?key=k"));
 * assert.equal(text, "redis://***@db.local:6379/0?key=k");
 * ```
 */
export function redactedRedisUri(address: RedisAddress): string {
  const credentials = address.username || address.password ? "***@" : "";
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${address.tls ? "rediss" : "redis"}://${credentials}${host}:${address.port}/${address.db}?key=${
    encodeURIComponent(address.key)
  }`;
}

function _invalid(message: string): PlexError {
  return new PlexError("invalid_argument", message, { hint: `Use the form ${_FORM}` });
}
