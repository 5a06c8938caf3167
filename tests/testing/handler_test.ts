// The emulator as a fetch handler: it takes what a fetch takes (strings,
// URLs, Requests, relative paths), honours abort signals, stamps every answer
// with a Date from its injectable, skewable clock, validates its options, and
// keeps working the same behind the loopback server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig, PlexError } from "../../mod.ts";
import { createEmulator, type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, useEmulator, withEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("fetch", () => {
  it("takes a string, a URL, a Request and a path relative to its URL", async () => {
    const inputs: (string | URL | Request)[] = [
      `${emulator.url}/api/v2/auth/keys`,
      new URL("/api/v2/auth/keys", emulator.url),
      new Request(`${emulator.url}/api/v2/auth/keys`),
      "/api/v2/auth/keys",
    ];
    for (const input of inputs) assert.equal((await emulator.fetch(input)).status, 200, String(input));
    assert.equal(emulator.count("GET /api/v2/auth/keys"), 4);
  });

  it("reads request bodies from a Request as from init", async () => {
    const request = new Request(`${emulator.url}/api/v2/users/signin`, {
      method: "POST",
      headers: { "X-Plex-Client-Identifier": "body-test", Accept: "application/json" },
      body: new URLSearchParams({ login: "plexuser", password: "plexpass" }),
    });
    assert.equal((await emulator.fetch(request)).status, 201);
  });

  it("rejects at once with an aborted signal, and after close", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(emulator.fetch("/api/v2/auth/keys", { signal: controller.signal }), /stop/);
    const closed = await createEmulator();
    await closed.close();
    await assert.rejects(closed.fetch("/api/v2/auth/keys"), TypeError);
  });

  it("is what Config.withFetch takes: a whole sign-in with no port", async () => {
    const token = await configFor(emulator).registerWithCredentials("plexuser", "plexpass");
    assert.ok(token.isLegacy());
    assert.equal(new URL(emulator.url).port, "0", "nothing listens");
  });
});

describe("the clock", () => {
  it("stamps every answer with a Date header from the emulator's clock, skew included", async () => {
    const fixed = Date.parse("2030-05-06T07:08:09Z");
    await withEmulator({ now: () => fixed, clockOffsetMs: -3_600_000 }, async (skewed) => {
      for (const path of ["/api/v2/auth/keys", "/nowhere", "/api/v2/user"]) {
        const res = await skewed.fetch(path);
        assert.equal(res.headers.get("date"), "Mon, 06 May 2030 06:08:09 GMT", path);
      }
      assert.equal(skewed.now().toISOString(), "2030-05-06T06:08:09.000Z");
      const pin = await (await skewed.fetch("/api/v2/pins", {
        method: "POST",
        headers: { "X-Plex-Client-Identifier": "clock", Accept: "application/json" },
      })).json() as { createdAt: string };
      assert.equal(pin.createdAt, "2030-05-06T06:08:09Z");
    });
  });

  it("lets a client two hours ahead of plex.tv sign in and be judged on plex.tv's time", async () => {
    await withEmulator({ clockOffsetMs: 2 * 3_600_000 }, async (ahead) => {
      const res = await ahead.fetch("/api/v2/auth/keys");
      const skew = Date.parse(res.headers.get("date")!) - Date.now();
      assert.ok(Math.abs(skew - 2 * 3_600_000) < 5_000, `the Date header is two hours ahead (${skew} ms)`);
      const config = defaultConfig().withClientId("skewed").withUrls(ahead.url).withFetch(ahead.fetch);
      assert.ok((await config.registerWithCredentials("plexuser", "plexpass")).isLegacy());
    });
  });
});

describe("options", () => {
  it("refuse unusable values with invalid_argument", async () => {
    const bad = [
      { requestLogSize: -1 },
      { requestLogSize: 1.5 },
      { clockOffsetMs: Number.NaN },
      { now: "yesterday" as unknown as () => number },
      { pinLifetimeSeconds: 0 },
      { nonceRateLimit: Number.POSITIVE_INFINITY },
      { autoApprovePins: -5 },
      { url: "ftp://127.0.0.1" },
      { corsOrigins: ["not a url"] },
      { hosts: ["bad host/"] },
    ];
    for (const options of bad) {
      await assert.rejects(
        createEmulator(options),
        (err) => err instanceof PlexError && err.code === "invalid_argument",
      );
    }
  });
});

describe("the loopback server", () => {
  it("keeps startEmulator's API: a listening url, the same helpers, and an in-process fetch", async () => {
    const served = await startEmulator({ nonceRateLimit: 100 });
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(served.url).port, "0");
      const config = defaultConfig().withClientId("served").withUrls(served.url);
      assert.ok((await config.registerWithCredentials("plexuser", "plexpass")).isLegacy());
      assert.equal((await fetch(`${served.url}/api/v2/auth/keys`)).headers.get("date") !== null, true);
      assert.equal((await served.fetch("/api/v2/auth/keys")).status, 200);
      assert.equal(served.count("/api/v2/**"), 3);
    } finally {
      await served.close();
    }
    await assert.rejects(fetch(`${served.url}/api/v2/auth/keys`), "closed");
  });
});
