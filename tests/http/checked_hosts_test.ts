// A Config keeps what the request helper checked of it (hosts, device headers, request URLs). What
// it keeps never stands for other values: a context spread from a Config with another host, or a
// device whose values can change, is checked again.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "../../lib/config.ts";
import { send } from "../../lib/http/send.ts";
import type { RequestContext } from "../../lib/http/types.ts";
import { rejection } from "../_helpers/emulator.ts";

/** A fetch that records each URL and header set and answers 200 `{}`. */
function recorder() {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    seen.push({ url, headers: init.headers as Record<string, string> });
    return Promise.resolve(new Response("{}", { headers: { "content-length": "2" } }));
  }) as typeof globalThis.fetch;
  return { seen, fetch };
}

const get = (context: RequestContext, path = "/api/v2/user") =>
  send(context, { method: "GET", host: "url", path, token: "checkedHostsToken123" });

describe("what a Config keeps of its checks", () => {
  it("checks a context spread from a Config with another host again", async () => {
    const { seen, fetch } = recorder();
    const config = defaultConfig().withClientId("checks-test").withUrls("http://127.0.0.1:9").withHttp({
      fetch,
    });
    await get(config);
    await get({ ...config, url: "http://127.0.0.2:9" });
    assert.deepEqual(seen.map((s) => s.url), [
      "http://127.0.0.1:9/api/v2/user",
      "http://127.0.0.2:9/api/v2/user",
    ]);
    const err = await rejection(get({ ...config, url: "http://example.com" }));
    assert.equal(err.code, "insecure_url");
    await get(config);
    assert.equal(seen.at(-1)?.url, "http://127.0.0.1:9/api/v2/user", "the Config's own host again");
  });

  it("keeps a path's URL per host, and builds queries every time", async () => {
    const { seen, fetch } = recorder();
    const config = defaultConfig().withClientId("checks-test").withUrls("http://127.0.0.1:9/").withHttp({
      fetch,
    });
    await get(config, "/a");
    await get(config, "/a");
    await send(config, { method: "GET", host: "url", path: "/a", query: { n: 1 } });
    await send(config, { method: "GET", host: "url", path: "/a", query: { n: 2 } });
    assert.deepEqual(seen.map((s) => s.url), [
      "http://127.0.0.1:9/a",
      "http://127.0.0.1:9/a",
      "http://127.0.0.1:9/a?n=1",
      "http://127.0.0.1:9/a?n=2",
    ]);
  });

  it("reads a device that can change on every request, and refuses a bad value every time", async () => {
    const { seen, fetch } = recorder();
    const config = defaultConfig().withClientId("checks-test").withUrls("http://127.0.0.1:9").withHttp({
      fetch,
    });
    const device = { product: "first" };
    const context: RequestContext = { ...config, device };
    await get(context);
    device.product = "second";
    await get(context);
    assert.deepEqual(seen.map((s) => s.headers["X-Plex-Product"]), ["first", "second"]);
    device.product = "bad\nvalue";
    for (let i = 0; i < 2; i++) assert.equal((await rejection(get(context))).code, "invalid_argument");
    const frozenBad = config.withDevice({ product: "bad\r\nvalue" });
    for (let i = 0; i < 2; i++) assert.equal((await rejection(get(frozenBad))).code, "invalid_argument");
    let reads = 0;
    const withGetter = config.withDevice({
      get deviceName() {
        return `host-${++reads}`;
      },
    });
    await get(withGetter);
    await get(withGetter);
    assert.deepEqual(seen.slice(-2).map((s) => s.headers["X-Plex-Device-Name"]), ["host-1", "host-2"]);
  });

  it("checks the client id of a context whose client id changed", async () => {
    const { seen, fetch } = recorder();
    const config = defaultConfig().withClientId("checks-test").withUrls("http://127.0.0.1:9").withHttp({
      fetch,
    });
    await get({ ...config, clientId: "other-id" });
    assert.equal(seen[0]?.headers["X-Plex-Client-Identifier"], "other-id");
    assert.equal((await rejection(get({ ...config, clientId: "bad\nid" }))).code, "invalid_argument");
  });
});
