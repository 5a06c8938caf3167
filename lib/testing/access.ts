/**
 * Who the emulator answers, so that running it on a developer's machine does
 * not open a door: requests must name the emulator's own host (127.0.0.1,
 * localhost or [::1] with its port, or a name the options list), which
 * defeats DNS rebinding; browsers get CORS answers only for loopback origins
 * unless the options list more, and a request from any other origin is
 * refused outright (a form post needs no preflight, and must not approve a
 * PIN from a foreign page).
 *
 * @module
 */

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;

/**
 * Whether an origin is on this machine (`http(s)://localhost`, `127.x.x.x`, `[::1]`, any port).
 *
 * @param origin The `Origin` header.
 * @returns `true` for a loopback origin.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLoopbackOrigin } from "./access.ts";
 * assert.ok(isLoopbackOrigin("http://localhost:5173") && !isLoopbackOrigin("https://evil.example"));
 * ```
 */
export function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK.test(url.hostname);
}

/**
 * The emulator's rules for the `Host` a request names and the `Origin` it comes from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessPolicy } from "./access.ts";
 * const policy = new AccessPolicy(() => "http://127.0.0.1:8080", ["plex.test"], []);
 * assert.ok(policy.allowsHost("localhost:8080") && policy.allowsHost("plex.test"));
 * assert.ok(!policy.allowsHost("attacker.example:8080") && !policy.allowsHost("localhost:9999"));
 * assert.ok(policy.allowsOrigin("http://127.0.0.1:3000") && !policy.allowsOrigin("https://attacker.example"));
 * ```
 */
export class AccessPolicy {
  readonly #origin: () => string;
  readonly #hosts: Set<string>;
  readonly #origins: Set<string>;

  /**
   * Creates the rules.
   *
   * @param origin The emulator's current base URL (its port may be known only after listening).
   * @param hosts More host names (`name` for any port, or `name:port`) to answer for.
   * @param origins More browser origins to allow (`*` for any).
   */
  constructor(origin: () => string, hosts: readonly string[], origins: readonly string[]) {
    this.#origin = origin;
    this.#hosts = new Set(hosts.map((h) => h.toLowerCase()));
    this.#origins = new Set(origins.map((o) => o === "*" ? o : new URL(o).origin));
  }

  /**
   * Whether the emulator answers a request naming this host.
   *
   * @param host The request's host (`name` or `name:port`, lower or upper case).
   * @returns `true` when it is the emulator's own.
   */
  allowsHost(host: string): boolean {
    const wanted = host.toLowerCase();
    if (this.#hosts.has(wanted)) return true;
    const match = /^(.*?)(?::(\d+))?$/.exec(wanted);
    const name = match?.[1] ?? "";
    if (this.#hosts.has(name)) return true;
    const own = new URL(this.#origin());
    const port = match?.[2] ?? (own.protocol === "https:" ? "443" : "80");
    const ownPort = own.port || (own.protocol === "https:" ? "443" : "80");
    if (port !== ownPort) return false;
    return LOOPBACK.test(name) || name === own.hostname.toLowerCase();
  }

  /**
   * Whether a browser origin may talk to the emulator.
   *
   * @param origin The `Origin` header.
   * @returns `true` for loopback origins and the configured ones.
   */
  allowsOrigin(origin: string): boolean {
    if (this.#origins.has("*") || isLoopbackOrigin(origin)) return true;
    return URL.canParse(origin) && this.#origins.has(new URL(origin).origin);
  }
}

/** Request headers the emulator's CORS preflight allows besides any `X-Plex-*` header. */
const ALLOWED_HEADERS = [
  "Accept",
  "Accept-Language",
  "Authorization",
  "Content-Type",
  "X-Plex-Client-Identifier",
  "X-Plex-Token",
  "X-Plex-Product",
  "X-Plex-Version",
  "X-Plex-Platform",
  "X-Plex-Platform-Version",
  "X-Plex-Device",
  "X-Plex-Model",
  "X-Plex-Device-Vendor",
  "X-Plex-Device-Name",
  "X-Plex-Device-Screen-Resolution",
  "X-Plex-Provides",
  "X-Plex-Language",
  "X-Plex-Features",
  "X-Plex-Sync-Version",
  "X-Plex-Session-Identifier",
  "X-Plex-Client-Profile-Extra",
  "X-Plex-Container-Start",
  "X-Plex-Container-Size",
  "X-Plex-Marketplace",
];

/**
 * The CORS headers of an answer to an allowed origin.
 *
 * @param origin The `Origin` header.
 * @returns The headers (the `Date` header is exposed for clock-skew estimates).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { corsHeaders } from "./access.ts";
 * assert.equal(corsHeaders("http://localhost:5173")["Access-Control-Allow-Origin"], "http://localhost:5173");
 * ```
 */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Retry-After, Location, Content-Length, Date",
    Vary: "Origin",
  };
}

/**
 * The headers of a preflight answer: every method plex.tv allows, the known
 * headers plus every `X-Plex-*` header the request asks for.
 *
 * @param requested The `Access-Control-Request-Headers` header, if any.
 * @returns The headers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preflightHeaders } from "./access.ts";
 * const headers = preflightHeaders("x-plex-drm, x-plex-token");
 * assert.match(headers["Access-Control-Allow-Headers"]!, /x-plex-drm/);
 * ```
 */
export function preflightHeaders(requested: string | null): Record<string, string> {
  const known = new Set(ALLOWED_HEADERS.map((h) => h.toLowerCase()));
  const extra = (requested ?? "").split(",").map((h) => h.trim()).filter((h) =>
    /^x-plex-[a-z0-9-]+$/i.test(h) && !known.has(h.toLowerCase())
  );
  return {
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, HEAD, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": [...ALLOWED_HEADERS, ...extra].join(", "),
    "Access-Control-Max-Age": "86400",
  };
}
