import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pin } from "../../mod.ts";
import { createPinRequest } from "../../protocol.ts";
import { processPinResponse } from "../../protocol.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, raw, rejectsWith, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

/** The time between consecutive requests matching `path`, in ms. */
function gaps(path: string): number[] {
  const times = emulator.requests.filter((r) => r.method === "GET" && r.path.startsWith(path)).map((r) =>
    r.at
  );
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe("pinRequest", () => {
  it("gives a 4-character PIN and the /link URL", async () => {
    const { pin, url } = await configFor(emulator).pinRequest();
    assert.match(pin.code, /^[A-Z0-9]{4}$/);
    assert.equal(url, `${emulator.url}/link/?pin=${pin.code}`);
    assert.ok(pin.expiresAt.getTime() - pin.createdAt.getTime() === 900_000);
    assert.equal(pin.authToken, null);
  });

  it("gives a strong PIN and an auth app URL with every parameter URL-encoded, and forwardUrl", async () => {
    const config = configFor(emulator, "client/id+with?odd&chars=1").withDevice({
      product: "My App & Co",
      version: "1.0",
      deviceName: "Living room #2",
    });
    const forwardUrl = "http://localhost:5173/done?x=1&y=2";
    const { pin, url } = await config.pinRequest({ strong: true, forwardUrl });
    assert.equal(pin.code.length, 25);
    assert.ok(url.startsWith(`${emulator.url}/auth#?`));
    assert.ok(!url.includes(" ") && !url.includes("[") && !url.includes("#2"), url);
    const params = new URLSearchParams(url.slice(url.indexOf("#?") + 2));
    assert.equal(params.get("clientID"), "client/id+with?odd&chars=1");
    assert.equal(params.get("code"), pin.code);
    assert.equal(params.get("context[device][product]"), "My App & Co");
    assert.equal(params.get("context[device][deviceName]"), "Living room #2");
    assert.equal(params.get("forwardUrl"), forwardUrl);
    const page = await emulator.fetch(url.slice(0, url.indexOf("#")));
    assert.match(await page.text(), /id="approve"/);
  });

  it("parses a recorded response with the request/process pair", async () => {
    const pin: Pin = processPinResponse(await createPinRequest(configFor(emulator), { strong: true }));
    assert.equal(pin.expiresIn, 1800);
    assert.equal(typeof pin.location, "object");
  });
});

describe("validatePin", () => {
  it("has no token before approval and the token after", async () => {
    const config = configFor(emulator);
    const { pin } = await config.pinRequest();
    assert.equal((await config.validatePin(pin.id)).token, undefined);
    emulator.approvePin(pin.code);
    const { token } = await config.validatePin(pin.id);
    assert.ok(token?.isLegacy());
  });

  it("reports pin_expired for an unknown PIN (404/1020)", async () => {
    const err = await rejectsWith(configFor(emulator).validatePin(424242), "pin_expired");
    assert.equal(err.status, 404);
    assert.equal(err.plexCode, 1020);
  });
});

describe("registerWithPin", () => {
  it("polls until the user approves at /link, and returns a working token", async () => {
    const config = configFor(emulator);
    let shown: { code: string; url: string } | undefined;
    const token = await config.registerWithPin((pin, url) => {
      shown = { code: pin.code, url };
      setTimeout(() => {
        emulator.fetch(`${emulator.url}/__emulator/pins/approve`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: `code=${pin.code}`,
        });
      }, 120);
    }, { pollInterval: 50 });
    assert.ok(shown?.url.endsWith(`/link/?pin=${shown.code}`));
    assert.equal((await raw(emulator, "/api/v2/user", { token: token.value })).status, 200);
    assert.ok(emulator.count("GET /api/v2/pins/*") >= 2);
    assert.equal(emulator.count("POST /api/v2/pins"), 1);
  });

  it("stops with pin_expired when the PIN expires unapproved", async () => {
    const shortLived = await startEmulator({ pinLifetimeSeconds: 1 });
    try {
      const started = Date.now();
      await rejectsWith(
        configFor(shortLived).registerWithPin(() => {}, { pollInterval: 200 }),
        "pin_expired",
      );
      assert.ok(Date.now() - started < 2_500, "stops at expiresAt");
    } finally {
      await shortLived.close();
    }
  });

  it("stops with pin_expired on 404/1020 while polling", async () => {
    emulator.inject({
      match: "GET /api/v2/pins/*",
      kind: "status",
      status: 404,
      plexCode: 1020,
      message: "Code not found or expired",
    });
    await rejectsWith(configFor(emulator).registerWithPin(() => {}, { pollInterval: 50 }), "pin_expired");
    assert.equal(emulator.count("GET /api/v2/pins/*"), 1);
  });

  it("rejects with aborted promptly when the signal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await rejectsWith(
      configFor(emulator).registerWithPin(() => {}, { pollInterval: 1_000, signal: controller.signal }),
      "aborted",
    );
    assert.ok(Date.now() - started < 400);
  });

  it("rejects with aborted during a request that never answers", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "hang" });
    const started = Date.now();
    await rejectsWith(
      configFor(emulator).registerWithPin(() => {}, { pollInterval: 50, signal: AbortSignal.timeout(300) }),
      "aborted",
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it("backs off when plex.tv answers 429, then succeeds", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, times: 3 });
    const config = configFor(emulator);
    const token = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 40 });
    assert.ok(token.isLegacy());
    assert.equal(emulator.count("GET /api/v2/pins/*"), 4);
    const [first, second, third] = gaps("/api/v2/pins/");
    assert.ok(first! >= 70 && second! >= 150 && third! >= 300, `intervals doubled: ${gaps("/api/v2/pins/")}`);
  });

  it("backs off on Plex code 1003 too", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, plexCode: 1003, times: 1 });
    const token = await configFor(emulator).registerWithPin((pin) => emulator.approvePin(pin.id), {
      pollInterval: 40,
    });
    assert.ok(token.isLegacy());
  });

  it("never swallows a real error: a 500 after the request helper's retries is thrown", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 500, times: Infinity });
    const err = await rejectsWith(
      configFor(emulator, undefined, 2).registerWithPin(() => {}, { pollInterval: 50 }),
      "server_error",
    );
    assert.equal(err.status, 500);
    assert.equal(emulator.count("GET /api/v2/pins/*"), 3, "one attempt and two retries");
  });

  it("throws invalid_response for a malformed poll answer", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "malformed", body: "truncated_json" });
    await rejectsWith(
      configFor(emulator).registerWithPin(() => {}, { pollInterval: 50 }),
      "invalid_response",
    );
  });

  it("works with a strong PIN approved in the auth app by another user, forwardUrl kept", async () => {
    const config = configFor(emulator);
    let url = "";
    const token = await config.registerWithPin((pin, u) => {
      url = u;
      emulator.approvePin(pin.code, "partner");
    }, { strong: true, pollInterval: 50, forwardUrl: "http://localhost/back" });
    assert.equal(
      new URLSearchParams(url.slice(url.indexOf("#?") + 2)).get("forwardUrl"),
      "http://localhost/back",
    );
    const me = await (await raw(emulator, "/api/v2/user", { token: token.value })).json() as {
      username: string;
    };
    assert.equal(me.username, "partner");
  });

  it("replaces the previous token of the same client", async () => {
    const config = configFor(emulator);
    const first = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 30 });
    const second = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 30 });
    assert.notEqual(first.value, second.value);
    assert.equal((await raw(emulator, "/api/v2/user", { token: first.value })).status, 401);
    assert.equal((await raw(emulator, "/api/v2/user", { token: second.value })).status, 200);
  });
});

describe("PIN polling under network faults", () => {
  it("follows a same-origin redirect and refuses one to another origin", async () => {
    const config = configFor(emulator);
    const { pin } = await config.pinRequest();
    emulator.approvePin(pin.code);
    emulator.inject({
      match: "GET /api/v2/pins/*",
      kind: "redirect",
      location: `/api/v2/pins/${pin.id}?again=1`,
    });
    assert.ok((await config.validatePin(pin.id)).token?.isLegacy());
    assert.equal(emulator.count("GET /api/v2/pins/*"), 2);
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "redirect", location: "http://127.0.0.1:9/pins" });
    await rejectsWith(config.validatePin(pin.id), "redirect_refused");
  });

  it("caps huge bodies, streamed or declared, with response_too_large", async () => {
    const config = configFor(emulator).withHttp({ maxResponseBytes: 1 << 20 });
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "huge" });
    const started = Date.now();
    await rejectsWith(config.validatePin(pin.id), "response_too_large");
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "huge", declareLength: true });
    await rejectsWith(config.validatePin(pin.id), "response_too_large");
    assert.ok(Date.now() - started < 3_000, "stops reading at the cap instead of taking all 50 MiB");
  });

  it("times out a slow answer with timeout, promptly", async () => {
    const config = configFor(emulator).withHttp({ timeoutMs: 100 });
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "delay", ms: 1_000 });
    const started = Date.now();
    await rejectsWith(config.validatePin(pin.id), "timeout");
    assert.ok(Date.now() - started < 600);
    assert.equal((await config.validatePin(pin.id)).pin.id, pin.id, "the next poll works");
  });

  it("retries a reset connection on an idempotent poll", async () => {
    const config = configFor(emulator, undefined, 2);
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "reset", times: 2 });
    assert.equal((await config.validatePin(pin.id)).pin.id, pin.id);
    assert.equal(emulator.count("GET /api/v2/pins/*"), 3);
  });

  it("waits for Retry-After given as an HTTP date", async () => {
    const config = configFor(emulator, undefined, 1);
    const { pin } = await config.pinRequest();
    emulator.inject({
      match: "GET /api/v2/pins/*",
      kind: "status",
      status: 429,
      retryAfter: new Date(Date.now() + 1_500),
    });
    const started = Date.now();
    await config.validatePin(pin.id);
    assert.ok(Date.now() - started >= 400, "waited for the date");
  });
});
