/**
 * What the request helper checks about a configuration, done once per `Config` instead of on
 * every request: its hosts (each allowed, with its origin), its device headers (each value one
 * that fetch accepts) and the URLs of the paths it requested. {@linkcode RequestChecks} is held by
 * a `Config` (`RequestContext.checks`); each answer is kept with the values it was computed from
 * and computed again when the context's values differ (a context spread from a Config with another
 * host), so a kept answer never stands for other values. A plain context without it is checked
 * on every request.
 *
 * @module
 */
import { checkBaseUrl } from "./base_url.ts";
import { type Device, deviceHeaders } from "../device.ts";
import { PlexError } from "../errors.ts";

/** The base URLs of a configuration (a `RequestContext`'s). */
export interface BaseUrls {
  /** The legacy host. */
  readonly url: string;
  /** The v2 host. */
  readonly v2Url: string;
  /** The discover host, when configured. */
  readonly discoverUrl?: string;
}

/** A configured host: its base URL without trailing slashes, and its origin. */
export interface Host {
  /** The base URL without trailing slashes. */
  readonly root: string;
  /** Its origin. */
  readonly origin: string;
}

/** The configured hosts, each checked, and the origins redirects may go to. */
export interface Hosts {
  /** The legacy host. */
  readonly url: Host;
  /** The v2 host. */
  readonly v2Url: Host;
  /** The discover host, when configured. */
  readonly discoverUrl?: Host;
  /** The origins of the configured hosts. */
  readonly origins: readonly string[];
}

/** How many request URLs (host and path, without a query) a configuration keeps. */
const MAX_KEPT_URLS = 64;

/**
 * The checks of one configuration, kept. Made by every `Config`; its copies that keep the
 * same hosts and device share it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RequestChecks } from "./checked_hosts.ts";
 * const checks = new RequestChecks();
 * const context = { url: "https://plex.tv", v2Url: "https://clients.plex.tv" };
 * assert.equal(checks.hosts(context).url.origin, "https://plex.tv");
 * assert.equal(checks.hosts(context), checks.hosts(context));
 * ```
 */
export class RequestChecks {
  #hosts?: { url: string; v2Url: string; discoverUrl?: string; hosts: Hosts };
  #device?: { device: Device; headers: Readonly<Record<string, string>> };
  #urls = new Map<string, string>();

  /**
   * The context's hosts, checked (kept while the context's base URLs are the same).
   *
   * @param context The configuration.
   * @returns The hosts.
   * @throws {PlexError} what `checkBaseUrl` throws for a host that is not usable.
   */
  hosts(context: BaseUrls): Hosts {
    const kept = this.#hosts;
    if (
      kept && kept.url === context.url && kept.v2Url === context.v2Url &&
      kept.discoverUrl === context.discoverUrl
    ) {
      return kept.hosts;
    }
    const hosts = checkHosts(context);
    this.#hosts = { url: context.url, v2Url: context.v2Url, discoverUrl: context.discoverUrl, hosts };
    this.#urls = new Map();
    return hosts;
  }

  /**
   * The device headers, checked (kept while the device is the same frozen object, as a Config's is).
   *
   * @param device The device.
   * @returns The headers, to copy before adding to them.
   * @throws {PlexError} `invalid_argument` for a value fetch would refuse.
   */
  deviceHeaders(device: Device): Readonly<Record<string, string>> {
    const kept = this.#device;
    if (kept?.device === device) return kept.headers;
    const headers = Object.freeze(checkedDeviceHeaders(device));
    // Kept only for a device whose values cannot change: frozen, without getters.
    const fixed = Object.isFrozen(device) &&
      Object.values(Object.getOwnPropertyDescriptors(device)).every((field) => "value" in field);
    if (fixed) this.#device = { device, headers };
    return headers;
  }

  /**
   * The URL of a path on a host, kept (up to 64 of them) once it was built and checked.
   *
   * @param key The host's root and the path.
   * @param build Builds and checks the URL.
   * @returns The URL.
   */
  url(key: string, build: () => string): string {
    const kept = this.#urls.get(key);
    if (kept !== undefined) return kept;
    const url = build();
    if (this.#urls.size >= MAX_KEPT_URLS) this.#urls.clear();
    this.#urls.set(key, url);
    return url;
  }
}

/**
 * Checks every configured host (a bad one stops every request of the context).
 *
 * @param context The configuration.
 * @returns The hosts with their origins.
 * @throws {PlexError} what {@linkcode checkBaseUrl} throws.
 */
export function checkHosts(context: BaseUrls): Hosts {
  const url = checkHost(context.url);
  const v2Url = checkHost(context.v2Url);
  const discoverUrl = context.discoverUrl === undefined ? undefined : checkHost(context.discoverUrl);
  const origins = discoverUrl ? [url.origin, v2Url.origin, discoverUrl.origin] : [url.origin, v2Url.origin];
  return { url, v2Url, discoverUrl, origins };
}

function checkHost(base: string): Host {
  checkBaseUrl(base);
  return { root: String(base).replace(/\/+$/, ""), origin: new URL(base).origin };
}

/** Header values fetch accepts: no line breaks or other control characters, Latin-1 only. */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks one header value.
 *
 * @param name The header's name, for the message.
 * @param value Its value.
 * @throws {PlexError} `invalid_argument` for a value fetch would refuse.
 */
export function checkHeaderValue(name: string, value: string): void {
  if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
    throw new PlexError(
      "invalid_argument",
      `The ${name} header must be Latin-1 text without control characters or line breaks`,
    );
  }
}

/**
 * The device headers, each value checked.
 *
 * @param device The device.
 * @returns The headers.
 * @throws {PlexError} `invalid_argument` for a value fetch would refuse.
 */
export function checkedDeviceHeaders(device: Device): Record<string, string> {
  const headers = deviceHeaders(device);
  for (const name in headers) checkHeaderValue(name, headers[name]!);
  return headers;
}
