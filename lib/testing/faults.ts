/**
 * Fault injection for the plex.tv emulator: make the next N matching
 * requests fail the way networks and plex.tv do (rate limits, 5xx, slow or
 * malformed answers, resets, silence, huge bodies, cross-origin redirects).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkFields, type FieldRule, is } from "./check.ts";

/**
 * The request a fault is matched against.
 *
 * @example
 * ```ts
 * import type { FaultRequest } from "./faults.ts";
 * const isPoll = (r: FaultRequest) => r.method === "GET" && r.path.startsWith("/api/v2/pins/");
 * ```
 */
export interface FaultRequest {
  /** The HTTP method, upper case. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query parameters. */
  query: URLSearchParams;
}

/**
 * Which requests a fault (or a request count) applies to: a path pattern
 * (`*` matches within one segment, `**` across segments), optionally
 * prefixed by a method (`"GET /api/v2/pins/*"`), a RegExp on the path, or a predicate.
 *
 * @example
 * ```ts
 * import type { RequestMatch } from "./faults.ts";
 * const polls: RequestMatch = "GET /api/v2/pins/*";
 * ```
 */
export type RequestMatch = string | RegExp | ((request: FaultRequest) => boolean);

/**
 * What a fault does.
 *
 * - `status`: answer this status (and a Plex error body when `plexCode` is set, or `body`), with an
 *   optional `Retry-After` in seconds (number), an HTTP date (`Date`) or verbatim (string);
 * - `delay`: wait `ms`, then answer normally (a slow plex.tv);
 * - `malformed`: `html` answers an HTML error page (status default 502); `truncated_json` cuts the real
 *   answer in half; `xml_missing_attributes` strips every attribute from the real answer;
 * - `reset`: send the headers and part of the real answer, then drop the connection;
 * - `hang`: never answer (until the emulator closes);
 * - `huge`: stream `bytes` (default 50 MiB) of JSON-looking text, chunked unless `declareLength`;
 * - `redirect`: answer a redirect (default 302) to `location`.
 *
 * @example
 * ```ts
 * import type { FaultAction } from "./faults.ts";
 * const slowDown: FaultAction = { kind: "status", status: 429, plexCode: 1003, retryAfter: 1 };
 * ```
 */
export type FaultAction =
  | {
    kind: "status";
    status: number;
    plexCode?: number;
    message?: string;
    retryAfter?: number | string | Date;
    body?: string;
    contentType?: string;
  }
  | { kind: "delay"; ms: number }
  | { kind: "malformed"; body: "html" | "truncated_json" | "xml_missing_attributes"; status?: number }
  | { kind: "reset"; afterBytes?: number }
  | { kind: "hang" }
  | { kind: "huge"; bytes?: number; declareLength?: boolean }
  | { kind: "redirect"; location: string; status?: number };

const httpStatus = (min: number, max: number): FieldRule => ({
  is: is.whole(min, max),
  must: `an HTTP status from ${min} to ${max}`,
});
const text: FieldRule = { is: is.string, must: "a string" };

const ACTION_RULES: { readonly [kind in FaultAction["kind"]]: Readonly<Record<string, FieldRule>> } = {
  status: {
    status: { ...httpStatus(200, 599), required: true },
    plexCode: { is: is.whole(0), must: "a whole number" },
    message: text,
    retryAfter: {
      is: is.either(
        (v) => is.finite(v) && (v as number) >= 0,
        is.string,
        (v) => v instanceof Date && !isNaN(+v),
      ),
      must: "seconds, a valid Date or a string",
    },
    body: text,
    contentType: { is: is.text, must: "a media type" },
  },
  delay: {
    ms: { is: (v) => is.finite(v) && (v as number) >= 0, must: "a finite number of ms", required: true },
  },
  malformed: {
    body: {
      is: is.oneOf("html", "truncated_json", "xml_missing_attributes"),
      must: "html, truncated_json or xml_missing_attributes",
      required: true,
    },
    status: httpStatus(200, 599),
  },
  reset: { afterBytes: { is: is.whole(0), must: "a whole number of bytes" } },
  hang: {},
  huge: {
    bytes: { is: is.whole(0), must: "a whole number of bytes" },
    declareLength: { is: is.boolean, must: "true or false" },
  },
  redirect: { location: { ...text, required: true }, status: httpStatus(300, 399) },
};

const MATCH_RULES: Readonly<Record<string, FieldRule>> = {
  match: {
    is: is.either(is.string, (v) => v instanceof RegExp, is.function),
    must: "a path pattern, a RegExp or a predicate",
    required: true,
  },
  times: { is: (v) => v === Infinity || is.whole(1)(v), must: "a whole number of at least 1, or Infinity" },
  kind: {
    is: is.oneOf(...Object.keys(ACTION_RULES)),
    must: `one of ${Object.keys(ACTION_RULES).join(", ")}`,
    required: true,
  },
};

/**
 * Refuses a fault that cannot be injected: an unknown `kind`, a field its kind
 * does not have, a bad `match` or `times`, or an unusable value.
 *
 * @param fault The fault as given.
 * @throws {PlexError} `invalid_argument` naming the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFault } from "./faults.ts";
 * checkFault({ match: "/x", kind: "delay", ms: 10 });
 * assert.throws(() => checkFault({ match: "/x", kind: "delay", ms: Number.NaN }), /The fault field ms must be/);
 * assert.throws(() => checkFault({ match: "/x", kind: "hang", ms: 10 }), /Unknown fault field ms/);
 * ```
 */
export function checkFault(fault: unknown): void {
  const kind = is.object(fault) ? (fault as { kind?: unknown }).kind : undefined;
  const action = typeof kind === "string" && Object.hasOwn(ACTION_RULES, kind)
    ? ACTION_RULES[kind as FaultAction["kind"]]
    : {};
  checkFields(fault, { ...MATCH_RULES, ...action }, "fault field");
}

/**
 * A fault: which requests, how many times, and what happens.
 *
 * @example
 * ```ts
 * import type { Fault } from "./faults.ts";
 * const twice: Fault = { match: "GET /api/v2/pins/*", times: 2, kind: "status", status: 429 };
 * ```
 */
export type Fault = FaultAction & {
  /** The requests it applies to. */
  match: RequestMatch;
  /** How many matching requests it applies to; default 1, `Infinity` for all. */
  times?: number;
};

/**
 * A handle on an injected fault.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig, Token } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const token = new Token(emulator.issueLegacyToken({ clientId: "doc-example" }));
 * const client = config.withHttp({ retry: { retries: 0 } }).client({ token: async () => token });
 * const fault = emulator.inject({ match: "GET /api/v2/user", kind: "status", status: 503, times: Infinity });
 * await assert.rejects(client.user(), { code: "server_error" });
 * assert.deepEqual([fault.hits, fault.remaining], [1, Infinity]);
 * fault.remove();
 * assert.equal((await client.user()).username, "plexuser");
 * await emulator.close();
 * ```
 */
export interface FaultHandle {
  /** How many requests it has affected so far. */
  readonly hits: number;
  /** How many more requests it will affect. */
  readonly remaining: number;
  /** Stops it. */
  remove(): void;
}

/**
 * Compiles a {@linkcode RequestMatch} into a predicate.
 *
 * @param match The match.
 * @returns The predicate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileMatch } from "./faults.ts";
 * const polls = compileMatch("GET /api/v2/pins/*");
 * assert.ok(polls({ method: "GET", path: "/api/v2/pins/12", query: new URLSearchParams() }));
 * assert.ok(!polls({ method: "POST", path: "/api/v2/pins", query: new URLSearchParams() }));
 * ```
 */
export function compileMatch(match: RequestMatch): (request: FaultRequest) => boolean {
  if (typeof match === "function") return match;
  if (match instanceof RegExp) return (request) => match.test(request.path);
  if (typeof match !== "string") {
    throw new PlexError(
      "invalid_argument",
      'A request match is a string ("GET /api/v2/user", "/api/v2/pins/*"), a RegExp or a function',
    );
  }
  const spaced = /^([A-Z]+)\s+(\S+)$/.exec(match.trim());
  const method = spaced?.[1];
  const pattern = spaced ? spaced[2]! : match.trim();
  const source = pattern.split(/(\*\*|\*)/).map((part) =>
    part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
  ).join("");
  const regex = new RegExp(`^${source}$`);
  return (request) => (method === undefined || request.method === method) && regex.test(request.path);
}

interface ActiveFault {
  fault: Fault;
  test: (request: FaultRequest) => boolean;
  hits: number;
  remaining: number;
}

/**
 * The faults injected into one emulator, applied in injection order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FaultList } from "./faults.ts";
 * const faults = new FaultList();
 * faults.add({ match: "/x", kind: "hang" });
 * assert.equal(faults.take({ method: "GET", path: "/x", query: new URLSearchParams() })?.kind, "hang");
 * assert.equal(faults.take({ method: "GET", path: "/x", query: new URLSearchParams() }), undefined);
 * ```
 */
export class FaultList {
  #active: ActiveFault[] = [];

  /**
   * Injects a fault.
   *
   * @param fault The fault.
   * @returns Its handle.
   * @throws {PlexError} `invalid_argument` for a fault that cannot be injected ({@linkcode checkFault}).
   */
  add(fault: Fault): FaultHandle {
    checkFault(fault);
    const times = fault.times ?? 1;
    const active: ActiveFault = { fault, test: compileMatch(fault.match), hits: 0, remaining: times };
    this.#active.push(active);
    return {
      get hits() {
        return active.hits;
      },
      get remaining() {
        return active.remaining;
      },
      remove: () => {
        active.remaining = 0;
        this.#active = this.#active.filter((a) => a !== active);
      },
    };
  }

  /**
   * Takes the first fault matching a request, counting it.
   *
   * @param request The request.
   * @returns The fault, or `undefined`.
   */
  take(request: FaultRequest): Fault | undefined {
    const active = this.#active.find((a) => a.remaining > 0 && a.test(request));
    if (!active) return undefined;
    active.hits++;
    active.remaining--;
    if (active.remaining <= 0) this.#active = this.#active.filter((a) => a !== active);
    return active.fault;
  }

  /** Removes every fault. */
  clear(): void {
    for (const active of this.#active) active.remaining = 0;
    this.#active = [];
  }
}

/**
 * The `Retry-After` header value for a fault's `retryAfter`.
 *
 * @param value Seconds, an HTTP date or a verbatim value.
 * @returns The header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterHeader } from "./faults.ts";
 * assert.equal(retryAfterHeader(2), "2");
 * assert.equal(retryAfterHeader(new Date(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
 * ```
 */
export function retryAfterHeader(value: number | string | Date): string {
  if (value instanceof Date) return value.toUTCString();
  return String(value);
}

/**
 * The HTML error page a proxy in front of plex.tv answers with.
 *
 * @param status The status.
 * @returns The HTML.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlErrorPage } from "./faults.ts";
 * assert.ok(htmlErrorPage(502).includes("502"));
 * ```
 */
export function htmlErrorPage(status: number): string {
  return `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
