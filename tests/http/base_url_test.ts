// A base URL is a scheme, host, port and path: the request paths are appended to it. A query or
// fragment would swallow them (a sign-in posted to the host's root), and a user name or password would
// be sent on; both are refused when the Config is made, as the protocol layer's plain contexts are at
// their first request, and the refusal never shows the query or the password.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig, isPlexError } from "../../mod.ts";
import { send } from "../../lib/http/send.ts";
import { rejection } from "../_helpers/emulator.ts";

const NOT_BASE_URLS = [
  "http://127.0.0.1:9/?x=1",
  "http://127.0.0.1:9/#hiddenPart",
  "http://127.0.0.1:9#",
  "http://127.0.0.1:9?",
  "https://plex.tv/?X-Plex-Token=queryToken0123456789",
  "https://user:hunter2@plex.tv",
  "https://user@plex.tv",
];

describe("base URLs", () => {
  it("refuses a query, fragment, user name or password in every host, without showing them", () => {
    const config = defaultConfig().withClientId("base-url-test");
    for (const url of NOT_BASE_URLS) {
      for (
        const make of [
          () => config.withUrls(url),
          () => config.withUrls("https://plex.tv", url),
          () => config.withDiscoverUrl(url),
          () => config.withAuthAppUrl(url),
        ]
      ) {
        assert.throws(make, (err: unknown) => {
          assert.ok(isPlexError(err, "invalid_argument"), `${url}: ${err}`);
          assert.match(err.message, /must be an absolute URL without credentials, query or fragment/);
          assert.doesNotMatch(err.message, /queryToken|hunter2|hiddenPart|x=1|user@/);
          return true;
        });
      }
    }
  });

  it("calls what is not an absolute URL an invalid_argument, and keeps insecure_url for the scheme", () => {
    const config = defaultConfig();
    for (const url of ["", "not a url", "plex.tv", "/api", 42 as unknown as string]) {
      assert.throws(() => config.withUrls(url), {
        code: "invalid_argument",
        message: /must be an absolute URL/,
      });
    }
    for (const url of ["http://plex.tv", "ftp://127.0.0.1", "javascript:alert(1)"]) {
      assert.throws(() => config.withUrls(url), { code: "insecure_url" }, url);
    }
  });

  it("allows http for loopback hosts only, as the URL parser writes them", () => {
    const config = defaultConfig();
    // The parser writes IPv4 hosts as four decimals: 127.1 and 0x7f.0.0.1 are 127.0.0.1.
    for (
      const url of [
        "http://127.0.0.1",
        "http://127.255.255.254:32400",
        "http://127.1",
        "http://0x7f.0.0.1",
        "http://localhost:9",
        "http://LOCALHOST",
        "http://[::1]:9",
      ]
    ) {
      assert.doesNotThrow(() => config.withUrls(url), url);
    }
    for (
      const url of [
        "http://128.0.0.1",
        "http://10.127.0.1",
        "http://127.0.0.1.example.com",
        "http://127.example.com",
        "http://localhost.example.com",
        "http://[::2]",
        "http://[::ffff:127.0.0.1]",
      ]
    ) {
      assert.throws(() => config.withUrls(url), { code: "insecure_url" }, url);
    }
  });

  it("keeps a path, a port and a trailing slash", () => {
    const config = defaultConfig().withUrls(
      "http://127.0.0.1:9/proxy/plex/",
      "https://clients.example:8443/v2",
    );
    assert.equal(config.url, "http://127.0.0.1:9/proxy/plex");
    assert.equal(config.v2Url, "https://clients.example:8443/v2");
  });

  it("refuses them in a plain context too, before any request", async () => {
    let requests = 0;
    const fetch = (() => {
      requests++;
      return Promise.resolve(new Response("{}"));
    }) as typeof globalThis.fetch;
    const base = defaultConfig().withClientId("base-url-test").withFetch(fetch);
    for (const url of NOT_BASE_URLS) {
      const err = await rejection(
        send({ ...base, url, checks: undefined }, { method: "GET", host: "url", path: "/api/v2/user" }),
      );
      assert.equal(err.code, "invalid_argument", url);
    }
    assert.equal(requests, 0);
  });
});
