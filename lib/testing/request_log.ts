/**
 * The emulator's log of requests (secrets redacted), so tests can count
 * requests per endpoint.
 *
 * @module
 */
import { compileMatch } from "./faults.ts";

/**
 * One request the emulator received.
 *
 * @example
 * ```ts ignore
 * const polls = emulator.requests.filter((r) => r.path.startsWith("/api/v2/pins/"));
 * ```
 */
export interface RequestRecord {
  /** The HTTP method. */
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The query parameters; secret ones (`X-Plex-Token`, `deviceJWT`, `pin`, ...) show `***`. */
  readonly query: Readonly<Record<string, string>>;
  /** `X-Plex-Client-Identifier`, or empty. */
  readonly clientId: string;
  /** Whether an `X-Plex-Token` was sent (its value is never logged). */
  readonly withToken: boolean;
  /** The answer's status; `0` when none was given (a reset or hang fault, or still pending). */
  status: number;
  /** The fault applied, if any (its `kind`). */
  fault?: string;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

const SECRET_QUERY = /^(x-plex-token|token|authtoken|auth_token|devicejwt|jwt|password|pin)$/i;

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
 * const log = [{ method: "GET", path: "/api/v2/user", query: {}, clientId: "c", withToken: true, status: 200, at: 0 }];
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
