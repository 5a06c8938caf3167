import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateDeviceKey } from "../../mod.ts";
import { decodeJwt } from "../_helpers/jwt.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, raw, rejectsWith, useEmulator } from "../_helpers/emulator.ts";
import { fakeClock } from "../_helpers/clock.ts";

let emulator: Emulator;
useEmulator({ nonceRateLimit: 1000 }, (started) => emulator = started);

describe("registerWithPinJwt", () => {
  it("gets a Plex JWT and registers the device key without any legacy token", async () => {
    // The PIN is approved when the second poll arrives: two polls, whatever the machine's load.
    let code = "";
    let pollsSeen = 0;
    const config = configFor(emulator).withDevice({ product: "PIN JWT Test" }).withFetch((input, init) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path.startsWith("/api/v2/pins/") && ++pollsSeen === 2) emulator.approvePin(code);
      return emulator.fetch(input, init);
    });
    let url = "";
    const { token, key } = await config.registerWithPinJwt((pin, u) => {
      url = u;
      assert.equal(pin.code.length, 25);
      code = pin.code;
    }, { pollInterval: 40 });
    assert.ok(token.isJwt());
    assert.equal(token.claims?.thumbprint, key.keyId);
    assert.deepEqual(token.claims?.aud, ["plex.tv", config.clientId]);
    assert.equal(emulator.registeredKey(config.clientId), key.keyId);
    assert.equal(
      new URLSearchParams(url.slice(url.indexOf("#?") + 2)).get("context[device][product]"),
      "PIN JWT Test",
    );
    assert.equal(emulator.count("POST /api/v2/users/signin"), 0);
    assert.equal(emulator.count("POST /api/v2/auth/jwk"), 0);
    const polls = emulator.requests.filter((r) => r.path.startsWith("/api/v2/pins/"));
    assert.ok(
      polls.length === 2 && polls.every((r) => r.query.deviceJWT === "***"),
      "every poll signs a device JWT",
    );
    const refreshed = await config.jwtToken(key.privateKey, key.keyId);
    assert.equal(refreshed.claims?.thumbprint, key.keyId);
    const me = await raw(emulator, "/api/v2/user", { clientId: config.clientId, token: token.value });
    assert.equal(me.status, 200);
  });

  it("signs each poll's device JWT with iat and exp = iat + 300 and the client as issuer", async () => {
    const sentJwts: string[] = [];
    const config = configFor(emulator).withFetch((input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const jwt = url.searchParams.get("deviceJWT");
      if (jwt) sentJwts.push(jwt);
      return emulator.fetch(input, init);
    });
    const { key } = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.id), {
      pollInterval: 30,
    });
    assert.ok(sentJwts.length >= 1);
    for (const jwt of sentJwts) {
      const { header, payload } = decodeJwt(jwt);
      assert.equal(header.kid, key.keyId);
      assert.equal(payload.iss, config.clientId);
      assert.equal(payload.aud, "plex.tv");
      assert.equal(payload.exp, (payload.iat as number) + 300);
    }
  });

  it("uses a given key, and the approving user's account", async () => {
    const key = await generateDeviceKey();
    const config = configFor(emulator);
    const result = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.code, "partner"), {
      key,
      pollInterval: 30,
    });
    assert.equal(result.key, key);
    assert.equal(result.token.claims?.user?.username, "partner");
  });

  it("fails with thumbprint_taken when the key belongs to another client, instead of polling on", async () => {
    const owner = configFor(emulator);
    const { key } = await owner.registerWithPinJwt((pin) => emulator.approvePin(pin.id), {
      pollInterval: 30,
    });
    const clock = fakeClock();
    emulator.resetRequests();
    await rejectsWith(
      configFor(emulator).withHttp({ clock }).registerWithPinJwt((pin) => emulator.approvePin(pin.id), {
        key,
        pollInterval: 30,
      }),
      "thumbprint_taken",
    );
    assert.deepEqual(clock.sleeps, [50], "one poll, and no polling on after the answer");
    assert.equal(emulator.count("GET /api/v2/pins/*"), 1);
  });

  it("stops with pin_expired when nobody approves", async () => {
    const shortLived = await startEmulator({ pinLifetimeSeconds: 1 });
    try {
      const err = await rejectsWith(
        configFor(shortLived).registerWithPinJwt(() => {}, { pollInterval: 200 }),
        "pin_expired",
      );
      assert.ok(err.hint);
      assert.equal(shortLived.count("POST /api/v2/pins"), 1);
    } finally {
      await shortLived.close();
    }
  });

  it("rejects with aborted when the signal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    await rejectsWith(
      configFor(emulator).registerWithPinJwt(() => {}, { pollInterval: 500, signal: controller.signal }),
      "aborted",
    );
  });

  it("later fails with jwk_missing when the key is forgotten", async () => {
    const config = configFor(emulator);
    const { key } = await config.registerWithPinJwt((pin) => emulator.approvePin(pin.id), {
      pollInterval: 30,
    });
    emulator.forgetKey(config.clientId);
    await rejectsWith(config.jwtToken(key.privateKey, key.keyId), "jwk_missing");
  });
});
