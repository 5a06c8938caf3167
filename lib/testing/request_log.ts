/**
 * The emulator's log of requests (secrets redacted), so tests can count
 * requests per endpoint. It is a ring: it keeps the last N records and counts
 * the ones it dropped, so a long-running emulator does not grow without bound.
 *
 * @module
 */
import { compileMatch } from "./faults.ts";

/**
 * One request the emulator received.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { pin } = await config.pinRequest();
 * await config.validatePin(pin.id);
 * const polls = emulator.requests.filter((r) => r.path.startsWith("/api/v2/pins/"));
 * assert.deepEqual(polls.map((r) => [r.method, r.status, r.clientId]), [["GET", 200, "doc-example"]]);
 * await emulator.close();
 * ```
 */
export interface RequestRecord {
  /** The HTTP method. */
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The query parameters; secret ones (`X-Plex-Token`, `deviceJWT`, `pin`, ...) show `***`. */
  readonly query: Readonly<Record<string, string>>;
  /** The request headers, names in lower case; secret ones (`X-Plex-Token`, `Authorization`, `Cookie`) show `***`. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body's fields (a form, or the members of a JSON object; objects as JSON
   * text); secret ones (`password`, `verificationCode`, `jwt`, ...) show `***`.
   * Empty when there is no body.
   */
  form: Readonly<Record<string, string>>;
  /** `X-Plex-Client-Identifier` (header or query), or empty. */
  readonly clientId: string;
  /** Whether an `X-Plex-Token` was sent (its value is never logged). */
  readonly withToken: boolean;
  /** The answer's status; `0` when none was given (a reset or hang fault, or still pending). */
  status: number;
  /** The fault applied, if any (its `kind`). */
  fault?: string;
  /** When it arrived, ms since the epoch on the emulator's clock. */
  readonly at: number;
}

const SECRET_QUERY = /^(x-plex-token|token|authtoken|auth_token|devicejwt|jwt|password|pin|code)$/i;
const SECRET_HEADER = /^(x-plex-token|authorization|cookie|proxy-authorization)$/i;
const SECRET_FIELD = /(^|\[)(password|verificationcode|jwt|token|authtoken|pin|code)(\]|$)/i;

/**
 * The query of a URL with secret parameters redacted.
 *
 * @param query The query parameters.
 * @returns Name → value, secrets as `***`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactedQuery } from "./request_log.ts";
 * assert.equal(redactedQuery(new URLSearchParams("X-Plex-Token=abc&a=1"))["X-Plex-Token"], "***");
 * ```
 */
export function redactedQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of query) out[name] = SECRET_QUERY.test(name) ? "***" : value;
  return out;
}

/**
 * The headers of a request with secret ones redacted.
 *
 * @param headers The headers.
 * @returns Lower-case name → value, secrets as `***`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactedHeaders } from "./request_log.ts";
 * assert.deepEqual(redactedHeaders(new Headers({ "X-Plex-Token": "t", Accept: "*\/*" })), { accept: "*\/*", "x-plex-token": "***" });
 * ```
 */
export function redactedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => out[name] = SECRET_HEADER.test(name) ? "***" : value);
  return out;
}

/**
 * The fields of a request body (a form or a JSON object) with secret ones redacted.
 *
 * @param contentType The body's media type, lower case.
 * @param body The body text.
 * @returns Field → value (objects as JSON), secrets as `***`; empty for other bodies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactedForm } from "./request_log.ts";
 * assert.deepEqual(redactedForm("application/x-www-form-urlencoded", "login=a&password=b"), { login: "a", password: "***" });
 * ```
 */
export function redactedForm(contentType: string, body: string): Record<string, string> {
  let fields: [string, unknown][] = [];
  if (contentType === "application/json") {
    try {
      const value: unknown = JSON.parse(body);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        fields = Object.entries(value);
      }
    } catch {
      // not JSON: no fields
    }
  } else if (contentType === "application/x-www-form-urlencoded" || (contentType === "" && body !== "")) {
    fields = [...new URLSearchParams(body)];
  }
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    out[name] = SECRET_FIELD.test(name) ? "***" : name in out ? `${out[name]},${text}` : text;
  }
  return out;
}

/**
 * Counts the records matching a path pattern, RegExp or predicate.
 *
 * @param records The log.
 * @param match `"/api/v2/pins/*"`, `"GET /api/v2/user"`, a RegExp on the path, or a predicate.
 * @returns The count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countRequests } from "./request_log.ts";
 * const log = [{ method: "GET", path: "/api/v2/user", query: {}, headers: {}, form: {}, clientId: "c", withToken: true, status: 200, at: 0 }];
 * assert.equal(countRequests(log, "GET /api/v2/user"), 1);
 * ```
 */
export function countRequests(
  records: readonly RequestRecord[],
  match: string | RegExp | ((record: RequestRecord) => boolean),
): number {
  if (typeof match === "function") return records.filter(match).length;
  const test = compileMatch(match);
  return records.filter((r) => test({ method: r.method, path: r.path, query: new URLSearchParams(r.query) }))
    .length;
}

/**
 * The last `capacity` records, oldest first, with a count of those dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RequestLog } from "./request_log.ts";
 * const log = new RequestLog(2);
 * for (const path of ["/a", "/b", "/c"]) {
 *   log.add({ method: "GET", path, query: {}, headers: {}, form: {}, clientId: "", withToken: false, status: 200, at: 0 });
 * }
 * assert.deepEqual(log.records().map((r) => r.path), ["/b", "/c"]);
 * assert.equal(log.dropped, 1);
 * ```
 */
export class RequestLog {
  readonly #capacity: number;
  #ring: RequestRecord[] = [];
  #start = 0;
  #dropped = 0;

  /**
   * Creates an empty log.
   *
   * @param capacity How many records to keep (at least 0).
   */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many records were dropped since the last {@linkcode RequestLog.clear}. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Adds a record, dropping the oldest when full.
   *
   * @param record The record.
   */
  add(record: RequestRecord): void {
    if (this.#capacity === 0) {
      this.#dropped++;
      return;
    }
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(record);
      return;
    }
    this.#ring[this.#start] = record;
    this.#start = (this.#start + 1) % this.#capacity;
    this.#dropped++;
  }

  /**
   * The records kept, oldest first.
   *
   * @returns A copy of the records.
   */
  records(): RequestRecord[] {
    return [...this.#ring.slice(this.#start), ...this.#ring.slice(0, this.#start)];
  }

  /** Empties the log and the dropped count. */
  clear(): void {
    this.#ring = [];
    this.#start = 0;
    this.#dropped = 0;
  }
}
