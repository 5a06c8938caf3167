/**
 * Choosing how to reach a Plex Media Server: rank a resource's connections
 * ({@linkcode rankConnections}) and probe them in parallel, keeping the first
 * that answers ({@linkcode connect}). Probes carry the resource's
 * `accessToken` — the token the server accepts — never the account token.
 *
 * @module
 */
import { deviceHeaders } from "../device.ts";
import { PlexError, type PlexErrorDetail } from "../errors.ts";
import { timeoutMs } from "../http/deadline.ts";
import type { RequestContext } from "../http/send.ts";
import { probe } from "./probe.ts";
import { redactUrl } from "../redact/url.ts";
import type { Token } from "../token.ts";
import type { Resource, ResourceConnection } from "../endpoints/resource.ts";

/**
 * Orders a resource's connections from best to worst:
 *
 * 1. local (on the LAN), then remote, then relay (relay bandwidth is limited:
 *    a last resort) — a relay connection counts as relay even when marked local;
 * 2. within each group, https before http;
 * 3. otherwise the order plex.tv listed them (the sort is stable).
 *
 * When the resource has `httpsRequired`, http connections are left out (the
 * server would refuse them). Duplicate URIs are listed once.
 *
 * @param resource The resource (its `connections` and `httpsRequired`).
 * @returns The connections, best first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankConnections } from "./connect.ts";
 * const c = (uri: string, local: boolean, relay = false) =>
 *   ({ protocol: uri.split(":")[0]!, address: "a", port: 32400, uri, local, relay, IPv6: false });
 * const ranked = rankConnections({ httpsRequired: false, connections: [
 *   c("https://relay:8443", false, true), c("http://remote:32400", false), c("http://lan:32400", true),
 *   c("https://lan:32400", true),
 * ] });
 * assert.equal(ranked.map((x) => x.uri).join(), "https://lan:32400,http://lan:32400,http://remote:32400,https://relay:8443");
 * ```
 */
export function rankConnections(
  resource: { connections: readonly ResourceConnection[]; httpsRequired?: boolean },
): ResourceConnection[] {
  const seen = new Set<string>();
  const candidates = resource.connections.filter((connection) => {
    if (seen.has(connection.uri)) return false;
    seen.add(connection.uri);
    return !(resource.httpsRequired && _isHttp(connection));
  });
  const rank = (c: ResourceConnection): number => (c.relay ? 4 : c.local ? 0 : 2) + (_isHttp(c) ? 1 : 0);
  return candidates
    .map((connection, index) => ({ connection, index, rank: rank(connection) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.connection);
}

function _isHttp(connection: ResourceConnection): boolean {
  const protocol = connection.protocol || connection.uri.split(":")[0] || "";
  return protocol.toLowerCase() === "http";
}

/**
 * Options of {@linkcode connect}.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "./connect.ts";
 * const options: ConnectOptions = { timeoutMs: 3_000, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface ConnectOptions {
  /** How long each probe may take, in milliseconds (as every call's `timeoutMs`). Default 10 000. */
  timeoutMs?: number;
  /** Cancels connecting. */
  signal?: AbortSignal;
  /** The `fetch` to use (default: the context's, then `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The client's configuration: its client identifier and device headers go with each probe. */
  context?: Pick<RequestContext, "clientId" | "device" | "http">;
  /** The path probed on each connection. Default `/identity`. */
  path?: string;
  /**
   * Once a connection answered, how long better-ranked probes still running
   * may take to answer before the one that answered is used. Default 1 000 ms.
   */
  waitForBetterMs?: number;
}

/**
 * A working connection to a server.
 *
 * @example
 * ```ts
 * import type { ServerConnection } from "./connect.ts";
 * function baseUrl(c: ServerConnection): string { return c.uri; }
 * ```
 */
export interface ServerConnection {
  /** The base URI that answered, e.g. `https://192-168-1-2.abc.plex.direct:32400`. */
  uri: string;
  /** The connection it came from. */
  connection: ResourceConnection;
  /** The resource. */
  resource: Resource;
  /** The token to send to this server (the resource's access token; printing shows it redacted). */
  accessToken: Token;
}

/**
 * Finds the best working connection to a server: probes its connections in
 * parallel (`GET {uri}/identity` with the resource's `accessToken` as
 * `X-Plex-Token` and the client's headers) and returns the best-ranked one
 * ({@linkcode rankConnections}) that answers with a 2xx status — a faster
 * relay does not win over a local connection that answers within
 * `waitForBetterMs` of it. The https
 * connections are tried first; the http ones only when no https one answers,
 * so the access token goes over plain http only when nothing else works.
 * Pending probes are aborted once the answer is known.
 *
 * @param resource A resource from `resources()`.
 * @param options Per-probe timeout, signal, fetch and the client's context.
 * @returns The connection that answered, with the token to use.
 * @throws {PlexError} `invalid_argument` when `resource` is not a resource or has no access token, an option
 *   is not a usable value (a `path` that does not start with a single `/`, a `timeoutMs` not above 0, a
 *   `waitForBetterMs` below 0), or an option's name is not one of {@linkcode ConnectOptions} (a misspelling
 *   would drop its setting);
 *   `unauthorized` when every connection that answered refused the token;
 *   `server_unreachable` when no connection answered (each failure in `details`);
 *   `aborted` when `signal` fired.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "../config.ts";
 * import { Token } from "../token.ts";
 * import { createEmulator } from "../testing/mod.ts";
 * import { connect } from "./connect.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const client = config.client({ token: async () => new Token(emulator.issueLegacyToken({ clientId: "doc-example" })) });
 * const [server] = await client.servers();
 * const fetch = () => Promise.resolve(new Response()); // stands in for the server: every connection answers
 * const { uri, accessToken } = await connect(server!, { timeoutMs: 5_000, context: config, fetch });
 * assert.equal(uri, "https://127.0.0.1:32401"); // the best-ranked: local, https
 * assert.equal(accessToken.value, server!.accessToken!.value); // send it as X-Plex-Token to `${uri}/...`
 * await emulator.close();
 * ```
 */
export async function connect(resource: Resource, options: ConnectOptions = {}): Promise<ServerConnection> {
  if (resource === null || typeof resource !== "object" || !Array.isArray(resource.connections)) {
    throw new PlexError("invalid_argument", "connect() takes a resource from resources() or servers()");
  }
  const path = _checkedOptions(options);
  const accessToken = resource.accessToken;
  if (!accessToken) {
    throw new PlexError("invalid_argument", `The resource ${resource.name} has no access token`, {
      hint: "Use a resource from resources(): servers you can use come with their access token",
    });
  }
  const candidates = rankConnections(resource);
  if (candidates.length === 0) {
    throw new PlexError("server_unreachable", `The resource ${resource.name} lists no usable connection`);
  }
  if (options.signal?.aborted) {
    throw new PlexError("aborted", "Connecting was aborted", { cause: options.signal.reason });
  }
  const headers: Record<string, string> = {};
  if (options.context) {
    Object.assign(headers, deviceHeaders(options.context.device));
    if (options.context.clientId) headers["X-Plex-Client-Identifier"] = options.context.clientId;
  }
  const failures: PlexErrorDetail[] = [];
  const probeOne = async (
    connection: ResourceConnection,
    signal: AbortSignal,
  ): Promise<string | undefined> => {
    const uri = connection.uri.replace(/\/+$/, "");
    try {
      const result = await probe(uri + path, {
        token: accessToken,
        fetch: options.fetch ?? options.context?.http.fetch,
        timeoutMs: options.timeoutMs,
        signal,
        headers,
      });
      if (result.ok) return uri;
      failures.push({
        message: `${redactUrl(uri)} answered ${result.status}`,
        status: result.status,
        connection: redactUrl(uri),
      });
    } catch (err) {
      failures.push({
        message: `${redactUrl(uri)}: ${err instanceof Error ? err.message : String(err)}`,
        connection: redactUrl(uri),
      });
    }
    return undefined;
  };
  for (const group of [candidates.filter((c) => !_isHttp(c)), candidates.filter(_isHttp)]) {
    const found = await _bestAnswering(group, probeOne, options.waitForBetterMs ?? 1_000, options.signal);
    if (found) return { uri: found.uri, connection: found.connection, resource, accessToken };
    if (options.signal?.aborted) break;
  }
  throw _noneAnswered(resource, failures, options.signal);
}

/**
 * Checks the options before any probe: an option that is not a usable value is `invalid_argument`, not a
 * connection that failed. The path must be one on the server (`/` then not `/`): anything else could
 * turn the server's address into a user name and send its token to another host.
 *
 * @returns The path to probe.
 */
/** The options connect() knows: any other name is a misspelling that would drop a setting. */
const CONNECT_OPTIONS = ["path", "timeoutMs", "waitForBetterMs", "signal", "fetch", "context"];

function _checkedOptions(options: ConnectOptions): string {
  for (const name in options) {
    if (!CONNECT_OPTIONS.includes(name)) {
      throw new PlexError("invalid_argument", `connect() has no option ${name}`, {
        hint: `Its options: ${CONNECT_OPTIONS.slice(0, 5).join(", ")}`,
      });
    }
  }
  const { path = "/identity", timeoutMs: timeout, waitForBetterMs } = options;
  if (typeof path !== "string" || !/^\/(?![/\\])[^\s#]*$/.test(path)) {
    throw new PlexError(
      "invalid_argument",
      "The probe path must start with a single / and stay on the server",
    );
  }
  timeoutMs(timeout, "The timeout");
  if (
    waitForBetterMs !== undefined &&
    !(typeof waitForBetterMs === "number" && Number.isFinite(waitForBetterMs) && waitForBetterMs >= 0)
  ) {
    throw new PlexError(
      "invalid_argument",
      "waitForBetterMs must be a finite number of milliseconds, 0 or more",
    );
  }
  return path;
}

/**
 * Probes `ranked` in parallel and answers the best-ranked connection that
 * answered once every better-ranked probe has failed, or `waitForBetterMs`
 * after the first answer (whichever comes first); `undefined` when none
 * answered. Aborts the probes still running once the answer is known.
 */
async function _bestAnswering(
  ranked: ResourceConnection[],
  probeOne: (connection: ResourceConnection, signal: AbortSignal) => Promise<string | undefined>,
  waitForBetterMs: number,
  signal: AbortSignal | undefined,
): Promise<{ uri: string; connection: ResourceConnection } | undefined> {
  if (ranked.length === 0) return undefined;
  const race = new AbortController();
  const onAbort = () => race.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcomes: (string | undefined | null)[] = ranked.map(() => null);
    return await new Promise((resolve) => {
      const decide = (waitedEnough = false) => {
        const firstPending = outcomes.indexOf(null);
        const best = outcomes.findIndex((outcome) => typeof outcome === "string");
        if (best >= 0 && (firstPending < 0 || best < firstPending || waitedEnough)) {
          return resolve({ uri: outcomes[best]!, connection: ranked[best]! });
        }
        if (firstPending < 0) return resolve(undefined);
        if (best >= 0 && timer === undefined) timer = setTimeout(() => decide(true), waitForBetterMs);
      };
      ranked.forEach((connection, index) => {
        probeOne(connection, race.signal).then((uri) => {
          outcomes[index] = uri;
          decide();
        });
      });
    });
  } finally {
    clearTimeout(timer);
    race.abort();
    signal?.removeEventListener("abort", onAbort);
  }
}

function _noneAnswered(resource: Resource, failures: PlexErrorDetail[], signal?: AbortSignal): PlexError {
  if (signal?.aborted) return new PlexError("aborted", "Connecting was aborted", { cause: signal.reason });
  const refused = failures.filter((f) => f.status === 401 || f.status === 403);
  if (refused.length > 0 && refused.length === failures.filter((f) => f.status !== undefined).length) {
    return new PlexError("unauthorized", `The server ${resource.name} refused its access token`, {
      status: refused[0]!.status,
      details: failures,
      hint: "Fetch the resources again: the access token may have changed or the share was removed",
    });
  }
  return new PlexError(
    "server_unreachable",
    `None of the ${failures.length} connections of ${resource.name} answered`,
    {
      details: failures,
      hint:
        "Check that the server is online; a relay connection needs includeRelay, a remote one port forwarding",
    },
  );
}
