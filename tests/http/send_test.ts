// The request helper against a misbehaving plex.tv: rate limits (429, code
// 1003, Retry-After), 5xx, resets, silence, huge bodies, foreign redirects,
// the retry budget, and no connection left open — on raw loopback servers.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { after, describe, it } from "node:test";
import { type Config, defaultConfig } from "../../lib/config.ts";
import { isPlexError, type PlexError } from "../../lib/errors.ts";
import { checkOk } from "../../lib/http/error_body.ts";
import { sharedState } from "../../lib/http/shared_state.ts";
import { type CallOptions, type HttpSettings, type PlexResponse, send } from "../../lib/http/send.ts";
import type { Logger } from "../../lib/logger.ts";
import { RetryBudget } from "../../lib/http/retry_budget.ts";
import { freePort, type RawExchange, type RawServer, startRawServer } from "../_helpers/raw_http_server.ts";
import { rejection } from "../_helpers/emulator.ts";
import { fakeClock } from "../_helpers/clock.ts";

const TOKEN = "faultsTestToken12345";
const MiB = 1024 * 1024;
const servers: RawServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(handler: (exchange: RawExchange) => unknown): Promise<RawServer> {
  const server = await startRawServer(handler);
  servers.push(server);
  return server;
}

/** A config for `url` with fast retries and its own budget, unless `http` says otherwise. */
function configFor(url: string, http: HttpSettings = {}): Config {
  return defaultConfig().withClientId("faults-test-client").withUrls(url).withHttp({
    retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 50, rateLimitDelayMs: 100, ...http.retry },
    retryBudget: new RetryBudget({ capacity: 100 }),
    timeoutMs: 5_000,
    ...Object.fromEntries(Object.entries(http).filter(([k]) => k !== "retry")),
  });
}

function get(config: Config, path = "/api/v2/user", options?: CallOptions): Promise<PlexResponse> {
  return send(config, { method: "GET", host: "url", path, token: TOKEN }, options);
}

/** A logger that keeps every line. */
function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, ...data: unknown[]) =>
    void lines.push([message, ...data.map(String)].join(" "));
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

describe("rate limits", () => {
  it("waits out a burst of 429s with Retry-After, then answers too_many_requests with retryAfter", async () => {
    const server = await serve((x) => x.reply(429, "", { "Retry-After": "1" }));
    const clock = fakeClock();
    const config = configFor(server.url, { retry: { retries: 2 }, clock });
    const err = await rejection(get(config).then(checkOk));
    assert.equal(err.code, "too_many_requests");
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 1);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(clock.sleeps, [1_000, 1_000], "waited Retry-After: 1 before each retry");
  });

  it("follows a Retry-After HTTP date, then succeeds", async () => {
    let calls = 0;
    const now = Date.parse("2026-03-01T12:00:00Z");
    const server = await serve((x) => {
      if (calls++ === 0) x.reply(429, "", { "Retry-After": new Date(now + 2_000).toUTCString() });
      else x.reply(200, '{"ok":true}');
    });
    const clock = fakeClock({ start: now });
    const res = checkOk(await get(configFor(server.url, { clock })));
    assert.equal(res.body, '{"ok":true}');
    assert.deepEqual(clock.sleeps, [2_000], "waited until the date, on the configured clock");
  });

  it("backs off by default on 429 without Retry-After, and the last error has no retryAfter", async () => {
    const server = await serve((x) =>
      x.reply(429, '{"errors":[{"code":1003,"message":"Too many requests"}]}')
    );
    const clock = fakeClock({ random: 0.5 });
    const config = configFor(server.url, {
      retry: { retries: 3, rateLimitDelayMs: 150, baseDelayMs: 20, maxDelayMs: 40 },
      clock,
    });
    const err = await rejection(get(config).then(checkOk));
    assert.equal(err.code, "too_many_requests");
    assert.equal(err.retryAfter, undefined);
    assert.equal(server.requests.length, 4);
    // The rate-limit floor plus the jittered backoff: 150 + min(40, 20 · 2^n) · 0.5.
    assert.deepEqual(clock.sleeps, [160, 170, 170]);
  });

  it("treats Plex code 1003 in a non-429 error body (JSON or XML) as a rate limit", async () => {
    let calls = 0;
    const server = await serve((x) => {
      calls++;
      if (calls === 1) x.reply(400, '{"errors":[{"code":1003,"message":"Too many requests","status":400}]}');
      else if (calls === 2) {
        x.reply(400, '<errors><error code="1003" message="Slow down" status="400"/></errors>', {
          "Content-Type": "application/xml",
        });
      } else x.reply(200, '{"nonce":"n"}');
    });
    const clock = fakeClock({ random: 0 });
    const res = checkOk(await get(configFor(server.url, { clock })));
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(clock.sleeps, [100, 100], "1003 waited the rate-limit floor, in JSON and in XML");
    const plain = await serve((x) => x.reply(400, '{"errors":[{"code":1001,"message":"nope"}]}'));
    await rejection(get(configFor(plain.url)).then(checkOk));
    assert.equal(plain.requests.length, 1, "an ordinary 400 is not retried");
  });

  it("does not wait for a Retry-After beyond maxRetryAfterMs", async () => {
    const server = await serve((x) => x.reply(429, "", { "Retry-After": "120" }));
    const clock = fakeClock();
    const err = await rejection(
      get(configFor(server.url, { retry: { maxRetryAfterMs: 60_000 }, clock })).then(checkOk),
    );
    assert.deepEqual(clock.sleeps, [], "answered at once");
    assert.equal(server.requests.length, 1);
    assert.equal(err.code, "too_many_requests");
    assert.equal(err.retryAfter, 120);
  });

  it("retries at once on Retry-After: 0, and falls back to backoff on negative or garbage values", async () => {
    // 0 is no wait; anything else unreadable is a 429 without Retry-After: 100 + 20 · 0.5.
    for (const [value, wait] of [["0", 0], ["-3", 110], ["soon", 110], ["1.5", 110]] as const) {
      let calls = 0;
      const server = await serve((x) => {
        if (calls++ === 0) x.reply(429, "", { "Retry-After": value });
        else x.reply(200, "{}");
      });
      const clock = fakeClock({ random: 0.5 });
      checkOk(await get(configFor(server.url, { clock })));
      assert.deepEqual(clock.sleeps, [wait], `Retry-After: ${value}`);
    }
  });

  it("stops waiting for a retry when the caller's signal fires mid-sleep", async () => {
    const server = await serve((x) => x.reply(429, "", { "Retry-After": "30" }));
    const controller = new AbortController();
    const clock = fakeClock({ hold: true, onSleep: () => controller.abort() });
    const err = await rejection(
      get(configFor(server.url, { clock }), "/api/v2/user", { signal: controller.signal }),
    );
    assert.equal(err.code, "aborted");
    assert.deepEqual(clock.sleeps, [30_000], "the abort ended the 30 s wait");
    assert.equal(server.requests.length, 1);
  });
});

describe("server errors and idempotency", () => {
  it("retries 5xx then succeeds", async () => {
    const statuses = [503, 502, 200];
    const server = await serve((x) => x.reply(statuses.shift() ?? 200, '{"ok":1}'));
    const res = checkOk(await get(configFor(server.url)));
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 3);
  });

  it("does not retry 501", async () => {
    const server = await serve((x) => x.reply(501));
    const err = await rejection(get(configFor(server.url)).then(checkOk));
    assert.equal(err.code, "server_error");
    assert.equal(server.requests.length, 1);
  });

  it("does not retry a sign-in (POST) after a 500", async () => {
    const server = await serve((x) => x.reply(500, '{"error":"boom"}'));
    const err = await rejection(configFor(server.url).registerWithCredentials("user", "pass-word-1"));
    assert.equal(err.code, "server_error");
    assert.equal(server.requests.length, 1);
  });

  it("does not retry a sign-in (POST) after a connection reset", async () => {
    const server = await serve((x) => void x.socket.destroy());
    const err = await rejection(configFor(server.url).registerWithCredentials("user", "pass-word-1"));
    assert.equal(err.code, "network_error");
    assert.equal(server.requests.length, 1);
  });

  it("retries a POST whose connection was refused (nothing reached the server)", async () => {
    const port = await freePort();
    let attempts = 0;
    let server: RawServer | undefined;
    const countingFetch: typeof fetch = async (input, init) => {
      attempts++;
      try {
        return await fetch(input, init);
      } finally {
        if (!server) {
          server = await serve((x) =>
            x.reply(201, JSON.stringify({ id: 1, username: "u", authToken: TOKEN }))
          );
          // The server must come up on the refused port: restart it there.
          await server.close();
          server = await startRawServer(
            (x) => x.reply(201, JSON.stringify({ id: 1, username: "u", authToken: TOKEN })),
            port,
          );
          servers.push(server);
        }
      }
    };
    const config = configFor(`http://127.0.0.1:${port}`, { fetch: countingFetch });
    const token = await config.registerWithCredentials("user", "pass-word-1");
    assert.equal(token.value, TOKEN);
    assert.equal(attempts, 2);
    assert.equal(server!.requests.length, 1);
  });

  it("gives up on a refused connection after the configured retries", async () => {
    const port = await freePort();
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const err = await rejection(get(configFor(`http://127.0.0.1:${port}`, { fetch: countingFetch })));
    assert.equal(err.code, "network_error");
    assert.equal(attempts, 4);
  });
});

describe("network failures", () => {
  it("retries a GET whose body was cut off by a reset, and reports network_error when it keeps happening", async () => {
    let calls = 0;
    const flaky = await serve((x) => {
      if (calls++ === 0) {
        x.head(200, { "Content-Length": "1000", "Content-Type": "application/json" });
        x.socket.write("x".repeat(100), () => x.socket.destroy());
      } else x.reply(200, '{"ok":true}');
    });
    assert.equal(checkOk(await get(configFor(flaky.url))).body, '{"ok":true}');
    assert.equal(flaky.requests.length, 2);

    const broken = await serve((x) => {
      x.head(200, { "Content-Length": "1000" });
      x.socket.write("x".repeat(100), () => x.socket.destroy());
    });
    const err = await rejection(get(configFor(broken.url)));
    assert.equal(err.code, "network_error");
    assert.equal(broken.requests.length, 4);
  });

  it("times out on a server that never answers, after the configured timeout (real time, wide bounds)", async () => {
    const server = await serve(() => {});
    const started = performance.now();
    const err = await rejection(get(configFor(server.url, { timeoutMs: 300, retry: { retries: 0 } })));
    const elapsed = performance.now() - started;
    assert.equal(err.code, "timeout");
    // One of the few tests of real time: the timer is real; the bound is loose on a busy machine.
    assert.ok(elapsed >= 250 && elapsed < 5_000, `timed out after ${elapsed} ms`);
    assert.equal(server.requests.length, 1);
  });

  it("retries a timed-out GET (each attempt gets the timeout) but never a timed-out POST", async () => {
    let calls = 0;
    const slowOnce = await serve((x) => {
      if (calls++ > 0) x.reply(200, '{"ok":true}');
    });
    assert.equal(checkOk(await get(configFor(slowOnce.url, { timeoutMs: 200 }))).body, '{"ok":true}');
    assert.equal(slowOnce.requests.length, 2);

    const silent = await serve(() => {});
    const clock = fakeClock({ random: 0.5 });
    const err = await rejection(get(configFor(silent.url, { timeoutMs: 150, retry: { retries: 2 }, clock })));
    assert.equal(err.code, "timeout");
    assert.equal(silent.requests.length, 3, "each attempt timed out on its own");
    assert.deepEqual(clock.sleeps, [10, 20], "and the retries backed off between them");

    const signin = await serve(() => {});
    const postErr = await rejection(
      configFor(signin.url, { timeoutMs: 150 }).registerWithCredentials("user", "pass-word-1"),
    );
    assert.equal(postErr.code, "timeout");
    assert.equal(signin.requests.length, 1, "a sign-in that may have reached plex.tv is not repeated");
  });

  it("answers aborted when the caller's signal fires before the timeout", async () => {
    const server = await serve(() => {});
    const clock = fakeClock();
    const err = await rejection(
      get(configFor(server.url, { timeoutMs: 5_000, clock }), "/api/v2/user", {
        signal: AbortSignal.timeout(100),
      }),
    );
    assert.equal(err.code, "aborted", "the signal ended the call, not the 5 s timeout");
    assert.equal(server.requests.length, 1);
    assert.deepEqual(clock.sleeps, [], "an aborted call is not retried");
  });

  it("times out on a body that stalls halfway, and closes that connection", async () => {
    const server = await serve((x) => {
      x.head(200, { "Content-Length": "100000" });
      x.socket.write("x".repeat(1_000));
    });
    const err = await rejection(get(configFor(server.url, { timeoutMs: 300, retry: { retries: 1 } })));
    assert.equal(err.code, "timeout");
    assert.equal(server.requests.length, 2);
    assert.equal(await server.settle(), 0);
  });

  it("refuses http:// base URLs except loopback, and request paths that leave the host", async () => {
    assert.throws(
      () => defaultConfig().withUrls("http://plex.example"),
      (e) => isPlexError(e, "insecure_url"),
    );
    const server = await serve((x) => x.reply(200, "{}"));
    const err = await rejection(get(configFor(server.url), "@evil.example/x"));
    assert.equal(err.code, "invalid_argument");
    assert.equal(server.requests.length, 0);
  });
});

describe("response size cap", () => {
  it("rejects a 50 MiB body declared in Content-Length at once, without reading it", async () => {
    let accepted = 0;
    const server = await serve(async (x) => {
      x.head(200, { "Content-Length": String(50 * MiB) });
      accepted = await x.stream(50 * MiB);
    });
    const err = await rejection(get(configFor(server.url)));
    assert.equal(err.code, "response_too_large");
    assert.equal(server.requests.length, 1, "too large is not retried");
    assert.equal(await server.settle(), 0);
    assert.ok(accepted < 25 * MiB, `the server could send ${accepted} bytes before the client hung up`);
  });

  it("stops reading a 50 MiB body without Content-Length at the cap", async () => {
    let accepted = 0;
    const server = await serve(async (x) => {
      x.head(200, { "Content-Type": "application/json" });
      accepted = await x.stream(50 * MiB);
      x.socket.end();
    });
    const err = await rejection(get(configFor(server.url)));
    assert.equal(err.code, "response_too_large");
    assert.equal(await server.settle(), 0);
    assert.ok(accepted < 25 * MiB, `the server could send ${accepted} bytes before the client hung up`);
  });

  it("counts the decoded bytes of a compressed body: a gzip bomb stops at the cap", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB, "a"));
    const server = await serve((x) => {
      x.head(200, {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Content-Length": String(bomb.length),
      });
      x.socket.end(bomb);
    });
    const err = await rejection(get(configFor(server.url, { maxResponseBytes: MiB })));
    assert.equal(err.code, "response_too_large");
    assert.ok(bomb.length < MiB, "the compressed body itself is under the cap");
  });

  it("counts a chunked body whose Content-Length lies: Transfer-Encoding decides where it ends", async () => {
    const chunk = "x".repeat(64 * 1024);
    const server = await serve((x) => {
      x.head(200, {
        "Content-Type": "application/json",
        "Content-Length": "2",
        "Transfer-Encoding": "chunked",
      });
      for (let i = 0; i < 32; i++) x.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      x.socket.end("0\r\n\r\n");
    });
    const err = await rejection(get(configFor(server.url, { maxResponseBytes: MiB })));
    assert.equal(err.code, "response_too_large", "2 MiB of chunks against a 1 MiB cap");
  });

  it("honours a smaller maxResponseBytes", async () => {
    const server = await serve((x) => x.reply(200, JSON.stringify({ pad: "x".repeat(2_000) })));
    const err = await rejection(get(configFor(server.url, { maxResponseBytes: 1_000 })));
    assert.equal(err.code, "response_too_large");
  });
});

describe("redirects", () => {
  it("refuses a redirect to another port, which never sees the request or the token", async () => {
    const other = await serve((x) => x.reply(200, "{}"));
    const server = await serve((x) => x.reply(302, "", { Location: `${other.url}/api/v2/user` }));
    const err = await rejection(get(configFor(server.url)));
    assert.equal(err.code, "redirect_refused");
    assert.ok(!err.message.includes(TOKEN));
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.headers["x-plex-token"], TOKEN);
    assert.equal(other.requests.length, 0);
  });

  it("follows a redirect within the configured origin, with the token", async () => {
    const server = await serve((x) => {
      if (x.request.path === "/old") x.reply(307, "", { Location: "/new" });
      else x.reply(200, '{"moved":true}');
    });
    const res = checkOk(await get(configFor(server.url), "/old"));
    assert.equal(res.body, '{"moved":true}');
    assert.deepEqual(server.requests.map((r) => [r.path, r.headers["x-plex-token"]]), [
      ["/old", TOKEN],
      ["/new", TOKEN],
    ]);
  });
});

describe("redirects that cannot be followed", () => {
  it("refuses an invalid Location or endless same-origin redirects with redirect_refused", async () => {
    const invalid = await serve((x) => x.reply(302, "", { Location: "http://[::1" }));
    assert.equal((await rejection(get(configFor(invalid.url)))).code, "redirect_refused");
    const loop = await serve((x) => x.reply(307, "", { Location: "/again" }));
    const err = await rejection(get(configFor(loop.url)));
    assert.equal(err.code, "redirect_refused");
    assert.match(err.message, /more than 5 times/);
    assert.equal(loop.requests.length, 6);
  });

  it("refuses a Location with a user name or password, or one that is not http(s), on the same origin too", async () => {
    const server = await serve((x) => {
      const port = x.socket.localPort;
      if (x.request.path === "/creds") {
        x.reply(302, "", { Location: `http://user:pw@127.0.0.1:${port}/final` });
      } else if (x.request.path === "/script") x.reply(302, "", { Location: "javascript:alert(1)" });
      else x.reply(200, "{}");
    });
    for (const path of ["/creds", "/script"]) {
      const err = await rejection(get(configFor(server.url), path));
      assert.equal(err.code, "redirect_refused", path);
      assert.match(err.message, /hidden or invalid location/);
    }
    assert.deepEqual(server.requests.map((r) => r.path), ["/creds", "/script"], "nothing was followed");
  });

  it("answers a 300 or 304 with a Location as it is: only 301, 302, 303, 307 and 308 redirect", async () => {
    const server = await serve((x) => {
      if (x.request.path === "/final") x.reply(200, "{}");
      else x.reply(Number(x.request.path.slice(1)), "", { Location: "/final" });
    });
    assert.equal((await get(configFor(server.url), "/300")).status, 300);
    assert.equal((await get(configFor(server.url), "/304")).status, 304);
    assert.deepEqual(server.requests.map((r) => r.path), ["/300", "/304"]);
  });
});

describe("the caller's signal", () => {
  it("keeps no listener on a long-lived signal after the calls end", async () => {
    const server = await serve((x) => x.reply(200, "{}"));
    const service = new AbortController();
    const config = configFor(server.url);
    for (let i = 0; i < 20; i++) checkOk(await get(config, "/api/v2/user", { signal: service.signal }));
    await rejection(get(configFor(`http://127.0.0.1:${await freePort()}`), "/x", { signal: service.signal }));
    assert.equal(getEventListeners(service.signal, "abort").length, 0);
  });
});

describe("retry budget", () => {
  it("stops a storm: 20 concurrent failing calls cost at most the budget in retries", async () => {
    const server = await serve((x) => x.reply(503));
    const logger = captureLogger();
    const config = configFor(server.url, {
      retryBudget: new RetryBudget({ capacity: 5, refillPerSecond: 0 }),
      logger,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => get(config).then(checkOk).catch((e) => e)),
    );
    assert.ok(results.every((r) => isPlexError(r, "server_error")));
    assert.equal(server.requests.length, 20 + 5, "20 first attempts, 5 retries");
    assert.ok(logger.lines.some((l) => l.includes("retry budget is spent")));
  });

  it("bounds even an unbounded retry count", async () => {
    const server = await serve((x) => x.reply(500));
    const config = configFor(server.url, {
      retry: { retries: Infinity, baseDelayMs: 1, maxDelayMs: 2 },
      retryBudget: new RetryBudget({ capacity: 10, refillPerSecond: 0 }),
    });
    await rejection(get(config).then(checkOk));
    assert.equal(server.requests.length, 11);
  });

  it("is shared by the configs derived from one another", async () => {
    const server = await serve((x) => x.reply(503));
    const base = configFor(server.url, { retryBudget: new RetryBudget({ capacity: 3, refillPerSecond: 0 }) });
    const derived = base.withClientId("another-client").withHttp({ timeoutMs: 1_000 });
    assert.equal(derived.http.retryBudget, base.http.retryBudget);
    await rejection(get(base).then(checkOk));
    await rejection(get(derived).then(checkOk));
    assert.equal(server.requests.length, 2 + 3);
  });

  it("a Config given none makes one at its first retry (20 retries), which its copies share", async () => {
    const server = await serve((x) => x.reply(503));
    const base = defaultConfig().withClientId("faults-test-client").withUrls(server.url)
      .withHttp({ retry: { retries: 100, baseDelayMs: 1, maxDelayMs: 2 } });
    assert.equal(sharedState(base.http)?.retryBudget, undefined, "nothing is made before a retry");
    await rejection(get(base).then(checkOk));
    assert.ok(sharedState(base.http)?.retryBudget instanceof RetryBudget);
    assert.equal(server.requests.length, 1 + 20, "the first attempt and the budget's 20 retries");
    // One more retry a second comes back: the copy's call finds the budget (nearly) spent.
    await rejection(get(base.withClientId("another-client").withHttp({ timeoutMs: 1_000 })).then(checkOk));
    const retried = server.requests.length - 21 - 1;
    assert.ok(retried >= 0 && retried <= 2, `the copy retried ${retried} times, not 20`);
  });

  it("rejects a nonsensical retry policy or timeout with invalid_argument: in a Config, and in a context of its own", async () => {
    const server = await serve((x) => x.reply(200, "{}"));
    for (
      const http of [{ retry: { retries: -1 } }, { retry: { baseDelayMs: NaN } }, {
        timeoutMs: 0,
      }] as HttpSettings[]
    ) {
      assert.throws(() => configFor(server.url, http), { code: "invalid_argument" });
      // A RequestContext that is no Config is checked when it sends.
      const context = {
        ...configFor(server.url),
        checks: undefined,
        http: { ...configFor(server.url).http, ...http },
      };
      const err = await rejection(send(context, { method: "GET", host: "url", path: "/api/v2/user" }));
      assert.equal(err.code, "invalid_argument");
    }
    assert.equal(server.requests.length, 0);
  });
});

describe("connections", () => {
  it("the socket count detects a response whose body is neither read nor cancelled", async () => {
    const server = await serve(async (x) => {
      x.head(200, { "Content-Length": String(8 * MiB) });
      await x.stream(8 * MiB);
      x.socket.end();
    });
    const res = await fetch(server.url);
    assert.equal(await server.settle(300), 1, "a leaked body keeps its socket open");
    await res.body?.cancel();
    assert.equal(await server.settle(), 0);
  });

  it("leaves no socket open after any outcome", async () => {
    const big = 4 * MiB;
    let phase = "";
    let calls = 0;
    const server = await serve(async (x) => {
      calls++;
      const path = x.request.path;
      if (path === "/redirect-away") {
        x.head(302, { Location: "http://127.0.0.1:1/elsewhere", "Content-Length": String(big) });
        await x.stream(big);
      } else if (path === "/redirect-here") {
        x.head(302, { Location: "/ok", "Content-Length": String(big) });
        await x.stream(big);
      } else if (path === "/ok") {
        x.head(200, { "Content-Length": String(big) });
        await x.stream(big);
      } else if (path === "/rate-limited" && calls % 2 === 1) {
        x.head(429, { "Retry-After": "0", "Content-Length": String(big) });
        await x.stream(big);
      } else if (path === "/rate-limited") {
        x.reply(200, "{}");
      } else if (path === "/too-large") {
        x.head(200, {});
        await x.stream(20 * MiB);
      } else if (path === "/stall") {
        x.head(200, { "Content-Length": String(big) });
        await x.stream(MiB);
        return; // the rest never comes: only the client can close this connection
      }
      x.socket.end();
    });
    const config = configFor(server.url, { retry: { retries: 1 } });
    const outcomes: Record<string, string> = {};
    for (const path of ["/redirect-away", "/redirect-here", "/ok", "/rate-limited", "/too-large", "/stall"]) {
      phase = path;
      calls = path === "/rate-limited" ? 0 : calls;
      const timeoutMs = path === "/stall" ? 400 : 5_000;
      outcomes[path] = await get(config, path, { timeoutMs }).then(
        (r) => `status ${r.status}`,
        (e: PlexError) => e.code,
      );
      assert.equal(await server.settle(), 0, `a socket stayed open after ${phase} (${outcomes[path]})`);
    }
    const controller = new AbortController();
    const aborted = get(config, "/stall", { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    outcomes["/stall (aborted)"] = await aborted.then(() => "ok", (e: PlexError) => e.code);
    assert.equal(await server.settle(), 0, "a socket stayed open after an abort mid-body");
    assert.deepEqual(outcomes, {
      "/redirect-away": "redirect_refused",
      "/redirect-here": "status 200",
      "/ok": "status 200",
      "/rate-limited": "status 200",
      "/too-large": "response_too_large",
      "/stall": "timeout",
      "/stall (aborted)": "aborted",
    });
  });
});
