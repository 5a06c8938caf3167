// Fault injection in both modes: the in-process fetch (status, Retry-After,
// delay, hang until aborted, malformed and truncated bodies, a reset body,
// huge bodies, redirects) and the loopback server, where a reset really
// drops the connection.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseXml } from "../../lib/parse/xml.ts";
import { createEmulator, type Emulator } from "../../lib/testing/mod.ts";
import { plexErrorOf, raw, signIn, useEmulator } from "../_helpers/emulator.ts";

let emulator: Emulator;
useEmulator({}, (started) => emulator = started);

describe("faults through the in-process fetch", () => {
  it("refuse a match that is no string, RegExp or function, in inject and count", async () => {
    const emulator = await createEmulator();
    try {
      for (const match of [5, null, {}]) {
        assert.throws(() => emulator.count(match as never), { code: "invalid_argument" }, String(match));
        assert.throws(
          () => emulator.inject({ match: match as never, kind: "reset" }),
          { code: "invalid_argument" },
          String(match),
        );
      }
    } finally {
      await emulator.close();
    }
  });

  it("answer 429 with Retry-After in seconds or as an HTTP date, the given number of times", async () => {
    const date = new Date(Date.now() + 5_000);
    const seconds = emulator.inject({
      match: "GET /api/v2/auth/keys",
      times: 2,
      kind: "status",
      status: 429,
      retryAfter: 3,
    });
    const first = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(first.status, 429);
    assert.equal(first.headers.get("retry-after"), "3");
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 429);
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 200);
    assert.ok(seconds.hits === 2 && seconds.remaining === 0);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "status", status: 429, retryAfter: date });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).headers.get("retry-after"), date.toUTCString());
    emulator.inject({ match: "/api/v2/auth/keys", kind: "status", status: 429 });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).headers.get("retry-after"), null);
    assert.equal(emulator.count((r) => r.fault === "status"), 4);
  });

  it("answer 5xx and Plex code 1003, in the request's format", async () => {
    emulator.inject({ match: "/api/v2/**", kind: "status", status: 503 });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 503);
    emulator.inject({
      match: /nonce/,
      kind: "status",
      status: 429,
      plexCode: 1003,
      message: "Too many requests",
    });
    assert.deepEqual(await plexErrorOf(await raw(emulator, "/api/v2/auth/nonce")), {
      code: 1003,
      message: "Too many requests",
      status: 429,
    });
  });

  it("slow answers down with a delay, which the request's signal cuts short", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "delay", ms: 50 });
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 200);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "delay", ms: 60_000 });
    await assert.rejects(raw(emulator, "/api/v2/auth/keys", { signal: AbortSignal.timeout(50) }), {
      name: "TimeoutError",
    });
  });

  it("serve malformed bodies: an HTML error page, truncated JSON, XML without attributes", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "malformed", body: "html" });
    const html = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(html.status, 502);
    assert.match(await html.text(), /<html>/);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "malformed", body: "truncated_json" });
    const truncated = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(truncated.status, 200);
    await assert.rejects(truncated.json());
    const token = await signIn(emulator);
    emulator.inject({ match: "/devices.xml", kind: "malformed", body: "xml_missing_attributes" });
    const xml = parseXml(await (await raw(emulator, "/devices.xml", { token, accept: null })).text());
    assert.deepEqual(xml.children.Device![0]!.attributes, {});
  });

  it("cut the body off like a reset, and hang until the request is aborted", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "reset", afterBytes: 5 });
    const reset = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(reset.status, 200);
    await assert.rejects(reset.text(), TypeError);
    assert.equal(emulator.requests.at(-1)?.status, 0, "no complete answer was given");
    emulator.inject({ match: "/api/v2/auth/keys", kind: "hang" });
    await assert.rejects(raw(emulator, "/api/v2/auth/keys", { signal: AbortSignal.timeout(50) }));
    assert.equal(emulator.requests.at(-1)?.fault, "hang");
  });

  it("stream a huge body, chunked or with its length declared, without holding it", async () => {
    emulator.inject({ match: "/api/v2/auth/keys", kind: "huge", bytes: 3 * 1024 * 1024 });
    assert.equal(
      (await (await raw(emulator, "/api/v2/auth/keys")).arrayBuffer()).byteLength,
      3 * 1024 * 1024,
    );
    emulator.inject({ match: "/api/v2/auth/keys", kind: "huge", declareLength: true });
    const declared = await raw(emulator, "/api/v2/auth/keys");
    assert.equal(declared.headers.get("content-length"), String(50 * 1024 * 1024));
    await declared.body?.cancel();
  });

  it("redirect: manual returns the 3xx as is, follow stays on the emulator, a foreign target fails", async () => {
    emulator.inject({
      match: "/api/v2/auth/keys",
      kind: "redirect",
      location: "http://127.0.0.1:9/elsewhere",
    });
    const away = await raw(emulator, "/api/v2/auth/keys", { redirect: "manual" });
    assert.equal(away.status, 302);
    assert.equal(away.headers.get("location"), "http://127.0.0.1:9/elsewhere");
    emulator.inject({
      match: "/api/v2/auth/keys",
      kind: "redirect",
      location: "http://127.0.0.1:9/elsewhere",
    });
    await assert.rejects(raw(emulator, "/api/v2/auth/keys"), TypeError);
    const local = emulator.inject({
      match: "/api/v2/auth/keys",
      kind: "redirect",
      location: "/api/v2/auth/keys",
      status: 307,
    });
    const followed = await raw(emulator, "/api/v2/auth/keys");
    assert.ok(followed.status === 200 && followed.redirected && local.hits === 1);
    assert.equal(followed.url, `${emulator.url}/api/v2/auth/keys`);
    emulator.inject({ match: "/api/v2/auth/keys", kind: "redirect", location: "/x" });
    await assert.rejects(raw(emulator, "/api/v2/auth/keys", { redirect: "error" }), TypeError);
    const never = emulator.inject({
      match: "/api/v2/auth/keys",
      times: Infinity,
      kind: "status",
      status: 500,
    });
    never.remove();
    assert.equal((await raw(emulator, "/api/v2/auth/keys")).status, 200);
  });

  it("refuses a fault that applies to no request", () => {
    assert.throws(() => emulator.inject({ match: "/x", times: 0, kind: "hang" }), {
      code: "invalid_argument",
      message: "The fault field times must be a whole number of at least 1, or Infinity",
    });
  });
});

describe("faults through the loopback server", () => {
  let served: Emulator;
  useEmulator({}, (started) => served = started, { server: true });

  it("resets the connection mid-body and hangs until the client gives up", async () => {
    served.inject({ match: "/api/v2/auth/keys", kind: "reset" });
    await assert.rejects(async () => await (await fetch(`${served.url}/api/v2/auth/keys`)).text());
    served.inject({ match: "/api/v2/auth/keys", kind: "hang" });
    await assert.rejects(fetch(`${served.url}/api/v2/auth/keys`, { signal: AbortSignal.timeout(100) }));
    assert.equal(served.requests.at(-1)?.status, 0);
  });

  it("streams a huge body and relays redirects as they are", async () => {
    served.inject({ match: "/api/v2/auth/keys", kind: "huge", bytes: 2 * 1024 * 1024 });
    assert.equal(
      (await (await fetch(`${served.url}/api/v2/auth/keys`)).arrayBuffer()).byteLength,
      2 * 1024 * 1024,
    );
    served.inject({ match: "/api/v2/auth/keys", kind: "redirect", location: "/x", status: 307 });
    const redirect = await fetch(`${served.url}/api/v2/auth/keys`, { redirect: "manual" });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get("location"), "/x");
    await redirect.body?.cancel();
  });
});
