// The request helper and the flows under the emulator's fault injection:
// 429 bursts with and without Retry-After (and code 1003), 5xx then success,
// resets mid-body, silence, 50 MiB bodies, a redirect to another port, POSTs
// never repeated, the retry budget, and PIN polling that waits out Retry-After.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Config, defaultConfig } from "../../lib/config.ts";
import { newClientId } from "../../lib/client_id.ts";
import { isPlexError } from "../../lib/errors.ts";
import { nonceRequest, processNonceResponse } from "../../lib/flows/jwt.ts";
import { checkOk } from "../../lib/http/error_body.ts";
import { type HttpSettings, send } from "../../lib/http/send.ts";
import { generateDeviceKey } from "../../lib/keys.ts";
import { RetryBudget } from "../../lib/http/retry_budget.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { type RawServer, startRawServer } from "../_helpers/raw_http_server.ts";
import { rejection } from "../_helpers/emulator.ts";
import { fakeClock } from "../_helpers/clock.ts";

let emulator: Emulator;
let other: RawServer;

before(async () => {
  emulator = await startEmulator();
  other = await startRawServer((x) => x.reply(200, "{}"));
});
after(async () => {
  await emulator.close();
  await other.close();
});

function configFor(http: HttpSettings = {}): Config {
  return defaultConfig().withClientId(newClientId()).withUrls(emulator.url).withAuthAppUrl(
    `${emulator.url}/auth`,
  )
    .withHttp({
      timeoutMs: 5_000,
      ...http,
      retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 40, rateLimitDelayMs: 100, ...http.retry },
      retryBudget: http.retryBudget ?? new RetryBudget({ capacity: 100 }),
    });
}

describe("rate limits from the emulator", () => {
  it("a burst of 429/1003 with Retry-After: waited out, then too_many_requests with retryAfter", async () => {
    emulator.resetRequests();
    const fault = emulator.inject({
      match: "GET /api/v2/auth/nonce",
      kind: "status",
      status: 429,
      plexCode: 1003,
      retryAfter: 1,
      times: Infinity,
    });
    const clock = fakeClock();
    const config = configFor({ retry: { retries: 2 }, clock });
    const key = await generateDeviceKey();
    const err = await rejection(config.jwtToken(key.privateKey, key.keyId));
    fault.remove();
    assert.equal(err.code, "too_many_requests");
    assert.equal(err.retryAfter, 1);
    assert.equal(fault.hits, 3);
    assert.deepEqual(clock.sleeps, [1_000, 1_000], "waited Retry-After: 1 before each retry");
  });

  it("429s without Retry-After: the default backoff, then success", async () => {
    emulator.resetRequests();
    emulator.inject({ match: "GET /api/v2/auth/nonce", kind: "status", status: 429, times: 2 });
    const clock = fakeClock({ random: 0.5 });
    const nonce = processNonceResponse(await nonceRequest(configFor({ clock })));
    assert.match(nonce, /^[0-9a-f-]{36}$/);
    assert.equal(emulator.count("GET /api/v2/auth/nonce"), 3);
    // The rate-limit floor plus the jittered backoff: 100 + min(40, 10 · 2^n) · 0.5.
    assert.deepEqual(clock.sleeps, [105, 110]);
  });

  it("PIN polling waits out a Retry-After the request helper would not wait for", async () => {
    emulator.resetRequests();
    const clock = fakeClock();
    const config = configFor({ retry: { maxRetryAfterMs: 100 }, clock });
    const token = await config.registerWithPin((pin) => {
      emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, retryAfter: 1 });
      emulator.approvePin(pin.code);
    }, { pollInterval: 50 });
    assert.ok(token.isLegacy());
    assert.equal(emulator.count("GET /api/v2/pins/*"), 2);
    // The first poll after 50 ms; the helper does not wait 1 s (over maxRetryAfterMs), the poller does.
    assert.deepEqual(clock.sleeps, [50, 1_000]);
  });
});

describe("server and network failures from the emulator", () => {
  it("5xx then success", async () => {
    const config = configFor();
    const { pin } = await config.pinRequest();
    const fault = emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 503, times: 2 });
    assert.equal((await config.validatePin(pin.id)).pin.id, pin.id);
    assert.equal(fault.hits, 2);
  });

  it("a connection reset mid-body: network_error, retried for a GET", async () => {
    const config = configFor();
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "reset" });
    assert.equal((await config.validatePin(pin.id)).pin.id, pin.id);
    const always = emulator.inject({ match: "GET /api/v2/pins/*", kind: "reset", times: Infinity });
    const err = await rejection(config.validatePin(pin.id));
    always.remove();
    assert.equal(err.code, "network_error");
    assert.equal(always.hits, 4);
  });

  it("a server that never answers: timeout, or aborted by an earlier signal", async () => {
    const config = configFor({ timeoutMs: 300, retry: { retries: 0 } });
    const { pin } = await config.pinRequest();
    const hang = emulator.inject({ match: "GET /api/v2/pins/*", kind: "hang", times: 2 });
    assert.equal((await rejection(config.validatePin(pin.id))).code, "timeout");
    const clock = fakeClock();
    const slow = configFor({ timeoutMs: 5_000, clock });
    const err = await rejection(slow.validatePin(pin.id, { signal: AbortSignal.timeout(100) }));
    assert.equal(err.code, "aborted", "the signal ended the call, not the 5 s timeout");
    assert.deepEqual(clock.sleeps, [], "an aborted call is not retried");
    assert.equal(hang.hits, 2);
  });

  it("a 50 MiB body, chunked or declared: response_too_large, quickly", async () => {
    const config = configFor();
    const { pin } = await config.pinRequest();
    for (const declareLength of [false, true]) {
      const huge = emulator.inject({ match: "GET /api/v2/pins/*", kind: "huge", declareLength });
      assert.equal((await rejection(config.validatePin(pin.id))).code, "response_too_large");
      assert.equal(huge.hits, 1, "too large is not retried");
    }
  });

  it("a redirect to another port with the token: redirect_refused, and the other port sees nothing", async () => {
    const token = emulator.issueLegacyToken({ clientId: "redirect-test" });
    emulator.inject({ match: "GET /api/v2/user", kind: "redirect", location: `${other.url}/api/v2/user` });
    const config = configFor().withClientId("redirect-test");
    const err = await rejection(send(config, { method: "GET", host: "url", path: "/api/v2/user", token }));
    assert.equal(err.code, "redirect_refused");
    assert.equal(other.requests.length, 0);
  });

  it("a sign-in (POST) is not repeated after a 500 or a reset", async () => {
    const { username, password } = emulator.users.default;
    for (const fault of [{ kind: "status", status: 500 }, { kind: "reset" }] as const) {
      emulator.resetRequests();
      emulator.inject({ match: "POST /api/v2/users/signin", ...fault });
      const err = await rejection(configFor().registerWithCredentials(username, password!));
      assert.ok(isPlexError(err, "server_error", "network_error"), err.code);
      assert.equal(emulator.count("POST /api/v2/users/signin"), 1);
    }
  });

  it("the retry budget stops a storm of failures across concurrent calls", async () => {
    emulator.resetRequests();
    const storm = emulator.inject({
      match: "GET /api/v2/auth/nonce",
      kind: "status",
      status: 503,
      times: Infinity,
    });
    const config = configFor({ retryBudget: new RetryBudget({ capacity: 5, refillPerSecond: 0 }) });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => nonceRequest(config).then(checkOk).catch((e: unknown) => e)),
    );
    storm.remove();
    assert.ok(results.every((r) => isPlexError(r, "server_error")));
    assert.equal(emulator.count("GET /api/v2/auth/nonce"), 25);
  });
});
