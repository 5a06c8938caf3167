// Connection choice for a Plex Media Server: ranking, and connect() against
// loopback servers (one slow, one refusing, one answering).
import { fixture } from "../_helpers/fixtures.ts";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { defaultConfig } from "../../lib/config.ts";
import { connect, rankConnections } from "../../lib/servers/connect.ts";
import { PlexError } from "../../lib/errors.ts";
import { Token } from "../../lib/token.ts";
import { parseResources, type Resource, type ResourceConnection } from "../../lib/endpoints/resource.ts";

const ACCOUNT_TOKEN = "account-token-never-sent";
const ACCESS_TOKEN = "server-access-token-42";

function conn(uri: string, local: boolean, relay = false): ResourceConnection {
  const url = new URL(uri);
  return {
    protocol: url.protocol.slice(0, -1),
    address: url.hostname,
    port: Number(url.port),
    uri,
    local,
    relay,
    IPv6: false,
  };
}

function resource(connections: ResourceConnection[], extra: Record<string, unknown> = {}): Resource {
  const [parsed] = parseResources([{
    name: "Test Server",
    product: "Plex Media Server",
    clientIdentifier: "machine-1",
    createdAt: "2020-01-12T15:30:18Z",
    lastSeenAt: "2024-09-05T03:15:45Z",
    provides: "server",
    ownerId: null,
    accessToken: ACCESS_TOKEN,
    owned: true,
    connections,
    ...extra,
  }]);
  return parsed!;
}

describe("rankConnections", () => {
  it("puts local before remote before relay, https before http, keeping plex.tv's order otherwise", () => {
    const ranked = rankConnections(resource([
      conn("https://relay.example:8443", false, true),
      conn("http://remote-a.example:32400", false),
      conn("https://remote-b.example:32400", false),
      conn("http://lan-a.example:32400", true),
      conn("https://lan-b.example:32400", true),
      conn("http://relay-http.example:80", true, true),
      conn("https://lan-c.example:32400", true),
      conn("http://remote-c.example:32400", false),
    ]));
    assert.deepEqual(ranked.map((c) => c.uri), [
      "https://lan-b.example:32400",
      "https://lan-c.example:32400",
      "http://lan-a.example:32400",
      "https://remote-b.example:32400",
      "http://remote-a.example:32400",
      "http://remote-c.example:32400",
      "https://relay.example:8443",
      "http://relay-http.example:80",
    ]);
  });

  it("ranks the recorded resources: the relay connection always last", async () => {
    const resources = parseResources(JSON.parse(await fixture("resources.json")));
    for (const r of resources) {
      const ranked = rankConnections(r);
      assert.equal(ranked.length, new Set(r.connections.map((c) => c.uri)).size);
      const firstRelay = ranked.findIndex((c) => c.relay);
      if (firstRelay >= 0) assert.ok(ranked.slice(firstRelay).every((c) => c.relay), r.name);
      const firstRemote = ranked.findIndex((c) => !c.local);
      if (firstRemote >= 0) assert.ok(ranked.slice(firstRemote).every((c) => !c.local || c.relay), r.name);
    }
    const [streamMaster] = resources;
    assert.equal(rankConnections(streamMaster!)[0]?.address, "192.168.1.150");
  });

  it("leaves out http when the server requires https, and lists a URI once", () => {
    const ranked = rankConnections(resource([
      conn("http://lan.example:32400", true),
      conn("https://lan.example:32400", true),
      conn("https://lan.example:32400", true),
    ], { httpsRequired: true }));
    assert.deepEqual(ranked.map((c) => c.uri), ["https://lan.example:32400"]);
  });

  it("does not change the resource", () => {
    const r = resource([conn("http://b.example:1", false), conn("https://a.example:1", true)]);
    const before = r.connections.map((c) => c.uri);
    rankConnections(r);
    assert.deepEqual(r.connections.map((c) => c.uri), before);
  });
});

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

async function listen(
  handler: (seen: Seen, res: ServerResponse) => void,
): Promise<{ server: Server; uri: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const entry = { path: req.url ?? "", headers: req.headers };
    seen.push(entry);
    handler(entry, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("connect", () => {
  let slow: Awaited<ReturnType<typeof listen>>;
  let answering: Awaited<ReturnType<typeof listen>>;
  let unauthorized: Awaited<ReturnType<typeof listen>>;
  let failing: Awaited<ReturnType<typeof listen>>;
  let refusingUri: string;
  let slowAborted: Promise<void>;
  const slowTimers: ReturnType<typeof setTimeout>[] = [];

  before(async () => {
    let markAborted: () => void = () => {};
    slowAborted = new Promise((resolve) => (markAborted = resolve));
    slow = await listen((_seen, res) => {
      // answers after 10 s, unless the client gives up first
      slowTimers.push(setTimeout(() => res.writableEnded || res.end("late"), 10_000));
      res.on("close", () => {
        if (!res.writableEnded) markAborted();
      });
    });
    answering = await listen((seen, res) => {
      const ok = seen.headers["x-plex-token"] === ACCESS_TOKEN;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(ok ? '{"MediaContainer":{"machineIdentifier":"machine-1"}}' : "");
    });
    unauthorized = await listen((_seen, res) => {
      res.writeHead(401);
      res.end("<html><body>Unauthorized</body></html>");
    });
    failing = await listen((_seen, res) => {
      res.writeHead(503);
      res.end("busy");
    });
    const closed = await listen(() => {});
    refusingUri = closed.uri;
    await close(closed.server);
  });

  after(async () => {
    for (const timer of slowTimers) clearTimeout(timer);
    await Promise.all([slow, answering, unauthorized, failing].map((s) => close(s.server)));
  });

  it("returns the connection that answers, quickly, with the resource's access token", async () => {
    const config = defaultConfig().withClientId("connect-test-client").withDevice({
      product: "plextv tests",
    });
    const client = config.client({ token: () => Promise.resolve(new Token(ACCOUNT_TOKEN)) });
    // the slow and the refusing connection rank first (local); the answering one is remote
    const server = resource([conn(slow.uri, true), conn(refusingUri, true), conn(answering.uri, false)]);
    const started = Date.now();
    // The slow connection never answers: a wide bound well under its probe timeout shows that the
    // answering one was taken without waiting for it.
    const found = await client.connect(server, { timeoutMs: 30_000 });
    const elapsed = Date.now() - started;
    assert.equal(found.uri, answering.uri);
    assert.equal(found.connection.uri, answering.uri);
    assert.equal(found.resource, server);
    assert.equal(found.accessToken.value, ACCESS_TOKEN);
    assert.ok(elapsed < 8_000, `connect took ${elapsed} ms`);
    const [request] = answering.seen.slice(-1);
    assert.equal(request?.path, "/identity");
    assert.equal(request?.headers["x-plex-token"], ACCESS_TOKEN);
    assert.equal(request?.headers["x-plex-client-identifier"], "connect-test-client");
    assert.equal(request?.headers["x-plex-product"], "plextv tests");
    for (const s of [slow, answering]) {
      for (const r of s.seen) assert.notEqual(r.headers["x-plex-token"], ACCOUNT_TOKEN);
    }
    // the slow probe is aborted as soon as one answered
    assert.equal(slow.seen.length, 1);
    await Promise.race([
      slowAborted,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("the slow probe was not aborted")), 3_000)
      ),
    ]);
    assert.ok(!String(found.accessToken).includes(ACCESS_TOKEN));
  });

  it("fails with server_unreachable and every failure when none answers in time", async () => {
    const server = resource([conn(slow.uri, true), conn(refusingUri, true), conn(failing.uri, false)]);
    // The slow server answers 200 after 10 s: server_unreachable shows that the 300 ms probe timeout ended it.
    const err = await connect(server, { timeoutMs: 300 }).catch((e: unknown) => e);
    assert.ok(err instanceof PlexError);
    assert.equal(err.code, "server_unreachable");
    assert.equal(err.details.length, 3);
    assert.deepEqual(
      err.details.map((d) => d.connection).sort(),
      [failing.uri, refusingUri, slow.uri].sort(),
    );
    assert.ok(err.details.some((d) => d.status === 503 && d.message.includes(failing.uri)));
    assert.ok(err.details.some((d) => d.message.includes(refusingUri) && d.status === undefined));
    assert.ok(err.details.some((d) => d.message.includes(slow.uri) && /timed out/.test(d.message)));
    assert.ok(!err.message.includes(ACCESS_TOKEN));
  });

  it("refuses options it cannot use before any probe: a path off the server never carries the token away", async () => {
    const server = resource([conn(answering.uri, true)]);
    const before = answering.seen.length;
    const attacker = answering.uri.replace("http://", "");
    const bad = [
      { path: `@${attacker}/identity` },
      { path: "identity" },
      { path: "//evil.example/identity" },
      { path: "/identity#x" },
      { timeoutMs: -1 },
      { timeoutMs: Number.NaN },
      { waitForBetterMs: Number.NaN },
      { waitForBetterMs: -5 },
      { timeout: 2_000 }, // a misspelt option would drop the timeout
    ];
    for (const options of bad) {
      await assert.rejects(connect(server, options), (err: unknown) => {
        assert.ok(err instanceof PlexError && err.code === "invalid_argument", JSON.stringify(options));
        return true;
      });
    }
    assert.equal(answering.seen.length, before, "no probe was sent");
    assert.equal((await connect(server, { path: "/identity", timeoutMs: 2_000 })).uri, answering.uri);
  });

  it("says unauthorized when the server refuses the access token", async () => {
    const server = resource([conn(unauthorized.uri, true), conn(refusingUri, false)]);
    await assert.rejects(connect(server, { timeoutMs: 2_000 }), (err: unknown) => {
      assert.ok(err instanceof PlexError);
      assert.equal(err.code, "unauthorized");
      assert.equal(err.status, 401);
      return true;
    });
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    const server = resource([conn(slow.uri, true)]);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(connect(server, { timeoutMs: 5_000, signal: controller.signal }), {
      code: "aborted",
    });
    await assert.rejects(connect(server, { signal: AbortSignal.abort() }), { code: "aborted" });
  });

  it("refuses what is not a resource with a typed error", async () => {
    for (const notResource of [null, undefined, "server", { name: "x" }]) {
      await assert.rejects(connect(notResource as never), {
        code: "invalid_argument",
        message: /takes a resource/,
      });
    }
  });

  it("refuses a resource without an access token or without connections", async () => {
    const noToken = resource([conn(answering.uri, true)], { accessToken: null });
    await assert.rejects(connect(noToken), { code: "invalid_argument" });
    await assert.rejects(connect(resource([])), { code: "server_unreachable" });
    const httpOnly = resource([conn(answering.uri, true)], { httpsRequired: true });
    await assert.rejects(connect(httpOnly), { code: "server_unreachable" });
  });
});

describe("connect chooses the best connection, not the fastest", () => {
  /** A fetch that never touches the network: each URI answers `status` after `ms`, or hangs until aborted. */
  function scripted(plan: Record<string, { ms: number; status: number } | "hang">) {
    const asked: string[] = [];
    const fetchFn = ((input: URL | RequestInfo, init?: RequestInit) => {
      const url = new URL(String(input));
      asked.push(url.origin);
      const step = plan[url.origin];
      return new Promise<Response>((resolve, reject) => {
        const fail = () => reject(new DOMException("aborted", "AbortError"));
        init?.signal?.addEventListener("abort", fail, { once: true });
        if (!step) return reject(new TypeError("connect ECONNREFUSED"));
        if (step === "hang") return;
        setTimeout(() => resolve(new Response("{}", { status: step.status })), step.ms);
      });
    }) as typeof fetch;
    return { fetchFn, asked };
  }

  it("prefers a local connection that answers over a relay that answered first", async () => {
    const { fetchFn } = scripted({
      "https://relay.test:8443": { ms: 5, status: 200 },
      "https://lan.test:32400": { ms: 80, status: 200 },
    });
    const server = resource([
      conn("https://relay.test:8443", false, true),
      conn("https://lan.test:32400", true),
    ]);
    const found = await connect(server, { fetch: fetchFn });
    assert.equal(found.uri, "https://lan.test:32400");
  });

  it("uses the one that answered when a better one is still silent after waitForBetterMs", async () => {
    const { fetchFn } = scripted({
      "https://relay.test:8443": { ms: 5, status: 200 },
      "https://lan.test:32400": "hang",
    });
    const server = resource([
      conn("https://relay.test:8443", false, true),
      conn("https://lan.test:32400", true),
    ]);
    const started = Date.now();
    const found = await connect(server, { fetch: fetchFn, waitForBetterMs: 100, timeoutMs: 5_000 });
    assert.equal(found.uri, "https://relay.test:8443");
    assert.ok(Date.now() - started < 2_000);
  });

  it("sends the access token over http only when no https connection answers", async () => {
    const secure = scripted({
      "http://lan.test:32400": { ms: 1, status: 200 },
      "https://remote.test:32443": { ms: 30, status: 200 },
    });
    const both = resource([conn("http://lan.test:32400", true), conn("https://remote.test:32443", false)]);
    assert.equal((await connect(both, { fetch: secure.fetchFn })).uri, "https://remote.test:32443");
    assert.deepEqual(secure.asked, ["https://remote.test:32443"]);

    const fallback = scripted({
      "http://lan.test:32400": { ms: 1, status: 200 },
      "https://remote.test:32443": { ms: 1, status: 503 },
    });
    assert.equal((await connect(both, { fetch: fallback.fetchFn })).uri, "http://lan.test:32400");
    assert.deepEqual(fallback.asked, ["https://remote.test:32443", "http://lan.test:32400"]);
  });
});
