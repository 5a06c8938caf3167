// The emulator is not an open door on a developer's machine: requests naming
// a foreign host are refused (DNS rebinding), browsers from foreign origins
// get no CORS answer and their requests are refused, the request log is a
// bounded ring, and secrets never reach it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Emulator } from "../../lib/testing/mod.ts";
import { raw, signIn, useEmulator, withEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("hosts", () => {
  it("answers only for its own host: loopback names with its port, or names the options list", async () => {
    const port = new URL(emulator.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      assert.equal((await emulator.fetch(`http://${host}/api/v2/auth/keys`)).status, 200, host);
    }
    for (const host of ["attacker.example", `attacker.example:${port}`, "127.0.0.1:9999", "plex.tv"]) {
      const res = await emulator.fetch(`http://${host}/api/v2/auth/keys`);
      assert.equal(res.status, 421, host);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    }
    await withEmulator({ hosts: ["plex.tv", "clients.plex.tv", "emulator.test:8443"] }, async (named) => {
      assert.equal((await named.fetch("https://plex.tv/api/v2/auth/keys")).status, 200);
      assert.equal((await named.fetch("https://clients.plex.tv/api/v2/auth/keys")).status, 200);
      assert.equal((await named.fetch("https://emulator.test:8443/api/v2/auth/keys")).status, 200);
      assert.equal((await named.fetch("https://emulator.test/api/v2/auth/keys")).status, 421);
    });
  });

  it("refuses a foreign Host at the loopback server too (DNS rebinding)", async () => {
    const { startEmulator } = await import("../../lib/testing/mod.ts");
    const served = await startEmulator();
    try {
      const { request } = await import("node:http");
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${served.url}/api/v2/auth/keys`, {
          headers: { Host: "rebound.attacker.example" },
        }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 421);
    } finally {
      await served.close();
    }
  });
});

describe("CORS", () => {
  it("answers preflights from loopback origins, allowing the X-Plex-* headers real clients send", async () => {
    const res = await raw(emulator, "/api/v2/pins", {
      method: "OPTIONS",
      clientId: null,
      accept: null,
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers":
          "x-plex-client-identifier, x-plex-product, x-plex-drm, x-plex-text-format",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:5173");
    const allowed = res.headers.get("access-control-allow-headers") ?? "";
    for (
      const header of [
        "X-Plex-Client-Identifier",
        "X-Plex-Token",
        "X-Plex-Features",
        "X-Plex-Language",
        "x-plex-drm",
        "x-plex-text-format",
      ]
    ) {
      assert.match(allowed, new RegExp(header), header);
    }
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /PUT.*DELETE/);
    const get = await raw(emulator, "/api/v2/auth/keys", { headers: { Origin: "http://127.0.0.1:3000" } });
    assert.equal(get.headers.get("access-control-allow-origin"), "http://127.0.0.1:3000");
    assert.match(get.headers.get("access-control-expose-headers") ?? "", /Date/);
  });

  it("refuses requests and preflights from other origins, unless the options list them", async () => {
    for (const method of ["OPTIONS", "POST"]) {
      const res = await raw(emulator, "/__emulator/pins/approve", {
        method,
        clientId: null,
        headers: { Origin: "https://attacker.example" },
        form: { code: "ABCD" },
      });
      assert.equal(res.status, 403, method);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    }
    await withEmulator({ corsOrigins: ["https://app.example"] }, async (listed) => {
      const res = await raw(listed, "/api/v2/auth/keys", { headers: { Origin: "https://app.example" } });
      assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
      assert.equal(
        (await raw(listed, "/api/v2/auth/keys", { headers: { Origin: "https://other.example" } })).status,
        403,
      );
    });
  });
});

describe("the request log", () => {
  it("keeps the last requestLogSize records and counts the dropped ones", async () => {
    await withEmulator({ requestLogSize: 3 }, async (small) => {
      for (let i = 0; i < 5; i++) await raw(small, `/api/v2/pins/${i}`);
      assert.deepEqual(small.requests.map((r) => r.path), [
        "/api/v2/pins/2",
        "/api/v2/pins/3",
        "/api/v2/pins/4",
      ]);
      assert.equal(small.droppedRequests, 2 as number);
      assert.equal(small.count("GET /api/v2/pins/*"), 3);
      small.resetRequests();
      assert.ok(small.requests.length === 0 && small.droppedRequests === 0);
    });
  });

  it("never holds a secret: token, password, Basic credentials and device JWTs are redacted", async () => {
    const token = await signIn(emulator);
    await raw(emulator, "/users/sign_in.json", {
      method: "POST",
      headers: { Authorization: `Basic ${btoa("plexuser:plexpass")}` },
    });
    await raw(emulator, `/api/v2/user?X-Plex-Token=${token}`, { token });
    const text = JSON.stringify(emulator.requests);
    for (const secret of [token, "plexpass", btoa("plexuser:plexpass")]) {
      assert.ok(!text.includes(secret), secret);
    }
    const signin = emulator.requests.find((r) => r.path === "/api/v2/users/signin")!;
    assert.deepEqual(signin.form, { login: "plexuser", password: "***" });
    assert.equal(
      emulator.requests.find((r) => r.path === "/users/sign_in.json")!.headers.authorization,
      "***",
    );
  });

  it("refuses request bodies over 1 MiB with 413", async () => {
    const res = await raw(emulator, "/api/v2/users/signin", {
      method: "POST",
      body: "x".repeat((1 << 20) + 1),
    });
    assert.equal(res.status, 413);
  });
});
