import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generateDeviceKey, type Pin } from "../../mod.ts";
import { createPinRequest } from "../../protocol.ts";
import { pinUrl, processPinResponse, validatePinRequest } from "../../protocol.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor, raw, rejectsWith, useEmulator } from "../_helpers/emulator.ts";
import { fakeClock } from "../_helpers/clock.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("validatePinRequest", () => {
  it("refuses an id that is not a positive integer, before anything is sent", () => {
    const before = emulator.requests.length;
    for (const id of [0, -1, 1.5, NaN, "5"]) {
      assert.throws(() => validatePinRequest(configFor(emulator), id as never), {
        code: "invalid_argument",
        message: "A PIN id is a positive integer",
      }, String(id));
    }
    assert.equal(emulator.requests.length, before);
  });
});

describe("pinRequest", () => {
  it("gives a 4-character PIN and the /link URL", async () => {
    const { pin, url } = await configFor(emulator).pinRequest();
    assert.match(pin.code, /^[A-Z0-9]{4}$/);
    assert.equal(url, `${emulator.url}/link/?pin=${pin.code}`);
    assert.ok(pin.expiresAt.getTime() - pin.createdAt.getTime() === 900_000);
    assert.equal(pin.authToken, null);
  });

  it("refuses a strong that is not true or false, before anything is sent", async () => {
    const before = emulator.requests.length;
    for (const strong of ["false", 0, null]) {
      await assert.rejects(configFor(emulator).pinRequest({ strong: strong as never }), {
        name: "PlexError",
        code: "invalid_argument",
        message: "strong must be true or false",
      });
    }
    assert.equal(emulator.requests.length, before);
  });

  it("refuses a forwardUrl that is not an absolute http(s) URL, before anything is sent", async () => {
    const before = emulator.requests.length;
    for (
      const forwardUrl of [5, "", "javascript:alert(1)", "/relative", "not a url", "ftp://app.example/", null]
    ) {
      await assert.rejects(
        configFor(emulator).pinRequest({ strong: true, forwardUrl: forwardUrl as never }),
        {
          name: "PlexError",
          code: "invalid_argument",
          message: "forwardUrl must be an absolute http or https URL",
        },
      );
    }
    assert.equal(emulator.requests.length, before);
  });

  it("refuses a forwardUrl for a short PIN, which plex.tv/link cannot forward, before anything is sent", async () => {
    const before = emulator.requests.length;
    const config = configFor(emulator);
    const refusal = {
      name: "PlexError",
      code: "invalid_argument",
      message:
        "forwardUrl needs strong: true: a short PIN is entered at plex.tv/link, which forwards nowhere",
    };
    await assert.rejects(config.pinRequest({ forwardUrl: "https://app.example/back" }), refusal);
    await assert.rejects(
      config.pinRequest({ strong: false, forwardUrl: "https://app.example/back" }),
      refusal,
    );
    await assert.rejects(
      config.registerWithPin(() => {}, { forwardUrl: "https://app.example/back" }),
      refusal,
    );
    assert.throws(() => pinUrl(config, { code: "7RQZ" }, false, "https://app.example/back"), refusal);
    await assert.rejects(config.pinRequest({ strong: 0 as never, forwardUrl: "https://app.example/back" }), {
      code: "invalid_argument",
      message: "strong must be true or false",
    });
    assert.equal(emulator.requests.length, before);
  });

  it("applies a forwardUrl to a PIN with a JWK, which is strong", async () => {
    const key = await generateDeviceKey();
    const { url } = await configFor(emulator).pinRequest({
      jwk: key.publicJwk,
      forwardUrl: "https://app.example/",
    });
    assert.equal(
      new URLSearchParams(url.slice(url.indexOf("#?") + 2)).get("forwardUrl"),
      "https://app.example/",
    );
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

  it("reads the PIN's authToken as a token, empty as none, and refuses one that is not a token by its name", () => {
    const recorded = JSON.parse(
      readFileSync(new URL("../fixtures/plex.tv/pin_create.json", import.meta.url), "utf8"),
    );
    const read = (authToken: unknown) =>
      processPinResponse({
        status: 201,
        headers: new Headers(),
        url: "",
        body: JSON.stringify({ ...recorded, authToken }),
      });
    assert.equal(read("abcdefghij0123456789").authToken?.value, "abcdefghij0123456789");
    assert.equal(read("").authToken, null);
    assert.equal(read(null).authToken, null);
    for (
      const [authToken, problem] of [["two words", "should be printable ASCII without spaces"], [
        5,
        "should be a string, got number",
      ]]
    ) {
      assert.throws(() => read(authToken), { code: "invalid_response", message: `authToken ${problem}` });
    }
  });

  it("reads the recorded PIN's dates as UTC, and refuses a date whose zone is not given", () => {
    const recorded = readFileSync(new URL("../fixtures/plex.tv/pin_create.json", import.meta.url), "utf8");
    const response = (body: string) => ({ status: 201, headers: new Headers(), url: "", body });
    const pin = processPinResponse(response(recorded));
    assert.equal(pin.expiresAt.toISOString(), "2025-03-07T16:52:05.000Z");
    assert.equal(pin.expiresAt.getTime() - pin.createdAt.getTime(), 15 * 60_000);
    for (const expiresAt of ["2025-03-07T16:52:05", "Mar 7 2025 16:52:05", "soon"]) {
      const body = JSON.stringify({ ...JSON.parse(recorded), expiresAt });
      assert.throws(() => processPinResponse(response(body)), {
        code: "invalid_response",
        message: "expiresAt should be a timestamp, got string",
      });
    }
  });
});

describe("PIN answers", () => {
  const recorded = () =>
    JSON.parse(readFileSync(new URL("../fixtures/plex.tv/pin_create.json", import.meta.url), "utf8"));
  const answer = (fields: Record<string, unknown>) =>
    JSON.stringify({ ...recorded(), authToken: null, ...fields });
  const refusals: [Record<string, unknown>, string][] = [
    [{ id: 1.5 }, "id should be a positive integer"],
    [{ id: -3 }, "id should be a positive integer"],
    [{ id: 0 }, "id should be a positive integer"],
    [{ id: "12" }, "id should be a positive integer, got string"],
    [{ code: "" }, "code should be printable ASCII without spaces, not empty"],
    [{ code: "7R QZ" }, "code should be printable ASCII without spaces, not empty"],
    [{ expiresIn: -5 }, "expiresIn should be a whole number of seconds, 0 or more"],
    [{ expiresIn: 1.5 }, "expiresIn should be a whole number of seconds, 0 or more"],
    [{ expiresIn: "900" }, "expiresIn should be a number of seconds, got string"],
  ];

  it("reads every recorded PIN", () => {
    for (const name of ["pin_create.json", "pin_spec_example.json"]) {
      const body = readFileSync(new URL(`../fixtures/plex.tv/${name}`, import.meta.url), "utf8");
      const pin = processPinResponse({ status: 201, headers: new Headers(), url: "", body });
      assert.ok(pin.id > 0 && pin.code.length === 4 && pin.expiresIn > 0, name);
    }
    assert.equal(
      processPinResponse({ status: 200, headers: new Headers(), url: "", body: answer({ expiresIn: 0 }) })
        .expiresIn,
      0,
    );
  });

  it("refuses an id, code or expiresIn that no PIN has, naming the field", () => {
    for (const [fields, message] of refusals) {
      assert.throws(
        () => processPinResponse({ status: 201, headers: new Headers(), url: "", body: answer(fields) }),
        { name: "PlexError", code: "invalid_response", message },
        message,
      );
    }
  });

  it("refuses such a PIN from plex.tv before anything is shown or polled", async () => {
    for (const [fields, message] of refusals) {
      emulator.inject({ match: "POST /api/v2/pins", kind: "status", status: 201, body: answer(fields) });
      const shown: string[] = [];
      await assert.rejects(
        configFor(emulator).registerWithPin((_pin, url) => void shown.push(url), {
          pollInterval: 50,
          signal: AbortSignal.timeout(5_000),
        }),
        { code: "invalid_response", message },
      );
      assert.deepEqual(shown, [], message);
    }
    assert.equal(emulator.count("GET /api/v2/pins/*"), 0);
  });

  it("refuses such a PIN in a poll answer", async () => {
    const config = configFor(emulator);
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 200, body: answer({ id: -1 }) });
    await assert.rejects(config.validatePin(pin.id), {
      code: "invalid_response",
      message: "id should be a positive integer",
    });
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
    // One clock for both sides: plex.tv's PIN runs out when the polls' sleeps say so, not when the real
    // second it was made in ends (which could be a few milliseconds later).
    const clock = fakeClock({ start: 1_700_000_000_000 });
    const shortLived = await startEmulator({ pinLifetimeSeconds: 1, now: () => clock.now() });
    try {
      await rejectsWith(
        configFor(shortLived).withHttp({ clock }).registerWithPin(() => {}, { pollInterval: 200 }),
        "pin_expired",
      );
      assert.deepEqual(clock.sleeps, [200, 200, 200, 200, 200], "polled until expiresIn (1 s) ran out");
      assert.equal(shortLived.count("GET /api/v2/pins/*"), 5);
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
    const clock = fakeClock({ hold: true, onSleep: () => controller.abort() });
    emulator.resetRequests();
    await rejectsWith(
      configFor(emulator).withHttp({ clock }).registerWithPin(() => {}, {
        pollInterval: 1_000,
        signal: controller.signal,
      }),
      "aborted",
    );
    assert.deepEqual(clock.sleeps, [1_000], "the abort ended the wait for the first poll");
    assert.equal(emulator.count("GET /api/v2/pins/*"), 0);
  });

  it("rejects with aborted during a request that never answers", async () => {
    const hang = emulator.inject({ match: "GET /api/v2/pins/*", kind: "hang" });
    const clock = fakeClock();
    await rejectsWith(
      configFor(emulator).withHttp({ clock }).registerWithPin(() => {}, {
        pollInterval: 50,
        signal: AbortSignal.timeout(300),
      }),
      "aborted",
    );
    assert.deepEqual(clock.sleeps, [50]);
    assert.equal(hang.hits, 1, "the signal ended the poll that never got an answer");
  });

  it("backs off when plex.tv answers 429, then succeeds", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, times: 3 });
    const clock = fakeClock();
    const config = configFor(emulator).withHttp({ clock });
    emulator.resetRequests();
    const token = await config.registerWithPin((pin) => emulator.approvePin(pin.code), { pollInterval: 40 });
    assert.ok(token.isLegacy());
    assert.equal(emulator.count("GET /api/v2/pins/*"), 4);
    // 40 ms is raised to the 50 ms floor, then the interval doubles after each 429.
    assert.deepEqual(clock.sleeps, [50, 100, 200, 400]);
  });

  it("backs off on Plex code 1003 too", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 429, plexCode: 1003, times: 1 });
    const token = await configFor(emulator).registerWithPin((pin) => emulator.approvePin(pin.id), {
      pollInterval: 40,
    });
    assert.ok(token.isLegacy());
  });

  it("goes on polling while plex.tv fails or cannot be reached, says so, and signs in once it answers", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 500, times: 2 });
    const clock = fakeClock();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    emulator.resetRequests();
    const token = await configFor(emulator).withHttp({ clock, logger }).registerWithPin(
      (pin) => emulator.approvePin(pin.code),
      { pollInterval: 50 },
    );
    assert.ok(token.isLegacy());
    assert.equal(emulator.count("GET /api/v2/pins/*"), 3);
    assert.deepEqual(clock.sleeps, [50, 100, 200], "half as often after each failure");
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /Checking the PIN failed \(.*500.*\); trying again in 0 s/);
  });

  it("goes back to its interval once a poll answers again", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 500, times: 2 });
    let code = "";
    // Approved just before the fifth poll: the third and fourth answer "not yet".
    const clock = fakeClock({ onSleep: () => clock.sleeps.length === 5 && emulator.approvePin(code) });
    const token = await configFor(emulator).withHttp({ clock }).registerWithPin((pin) => {
      code = pin.code;
    }, { pollInterval: 50 });
    assert.ok(token.isLegacy());
    assert.deepEqual(clock.sleeps, [50, 100, 200, 50, 50], "the third poll answered: every 50 ms again");
  });

  it("throws the last failure when the PIN runs out while plex.tv is out of reach, never swallowing it", async () => {
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "status", status: 500, times: Infinity });
    const clock = fakeClock();
    const err = await rejectsWith(
      configFor(emulator, undefined, 2).withHttp({ clock }).registerWithPin(() => {}, {
        pollInterval: 1_000,
      }),
      "server_error",
    );
    assert.equal(err.status, 500);
    const polls = clock.sleeps.filter((ms) => ms >= 1_000);
    assert.ok(polls.every((ms) => ms <= 30_000), "at most every 30 s");
    assert.ok(polls.includes(30_000), "backed off to 30 s");
    assert.equal(emulator.count("GET /api/v2/pins/*") % 3, 0, "each poll: one attempt and two retries");
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
    const streamed = emulator.inject({ match: "GET /api/v2/pins/*", kind: "huge" });
    await rejectsWith(config.validatePin(pin.id), "response_too_large");
    const declared = emulator.inject({ match: "GET /api/v2/pins/*", kind: "huge", declareLength: true });
    await rejectsWith(config.validatePin(pin.id), "response_too_large");
    assert.deepEqual([streamed.hits, declared.hits], [1, 1], "each read stopped at the cap, not retried");
  });

  it("times out a slow answer with timeout, promptly", async () => {
    const config = configFor(emulator).withHttp({ timeoutMs: 100 });
    const { pin } = await config.pinRequest();
    emulator.inject({ match: "GET /api/v2/pins/*", kind: "delay", ms: 1_000 });
    // timeout, not the answer: the 100 ms timer ended the attempt before the 1 s delay.
    await rejectsWith(config.validatePin(pin.id), "timeout");
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
    const now = Date.parse("2026-03-01T12:00:00Z");
    const clock = fakeClock({ start: now });
    const config = configFor(emulator, undefined, 1).withHttp({ clock });
    const { pin } = await config.pinRequest();
    emulator.inject({
      match: "GET /api/v2/pins/*",
      kind: "status",
      status: 429,
      retryAfter: new Date(now + 2_000),
    });
    await config.validatePin(pin.id);
    assert.deepEqual(clock.sleeps, [2_000], "waited until the date, on the configured clock");
  });
});

describe("the PIN and key calls refuse an option they do not have, before anything is sent", () => {
  it("pinRequest, validatePin, registerWithPin, registerWithPinJwt, plexPublicKeys and the key calls", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    emulator.resetRequests();
    const cases: [() => Promise<unknown>, string][] = [
      // A misspelt `strong` would have asked for a short PIN.
      [() => config.pinRequest({ Strong: true } as never), "pinRequest has no option Strong"],
      [
        () => config.pinRequest({ forwardURL: "https://app.example" } as never),
        "pinRequest has no option forwardURL",
      ],
      [() => config.validatePin(1, { deviceJWT: "x" } as never), "validatePin has no option deviceJWT"],
      [
        () => config.registerWithPin(() => {}, { pollInteral: 1 } as never),
        "registerWithPin has no option pollInteral",
      ],
      [
        () => config.registerWithPinJwt(() => {}, { strong: true } as never),
        "registerWithPinJwt has no option strong",
      ],
      [() => config.plexPublicKeys({ bogus: 1 } as never), "plexPublicKeys has no option bogus"],
      [
        () => config.generateAndUploadPublicKey("t", { bogus: 1 } as never),
        "generateAndUploadPublicKey has no option bogus",
      ],
      [
        () => config.uploadPublicKey(key.publicJwk, "t", { bogus: 1 } as never),
        "uploadPublicKey has no option bogus",
      ],
      [
        () => config.jwtToken(key.privateKey, key.keyId, { bogus: 1 } as never),
        "jwtToken has no option bogus",
      ],
    ];
    for (const [call, message] of cases) {
      const err = await rejectsWith(call(), "invalid_argument");
      assert.equal(err.message, message);
    }
    assert.deepEqual(emulator.requests, [], "nothing was sent");
    // Their own options are still taken.
    const { pin } = await config.pinRequest({
      strong: true,
      forwardUrl: "https://app.example/done",
      timeoutMs: 5_000,
    });
    assert.ok(pin.code.length > 8, "a strong PIN");
    assert.equal((await config.validatePin(pin.id, { signal: AbortSignal.timeout(5_000) })).token, undefined);
  });
});
