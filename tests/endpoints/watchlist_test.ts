// The watchlist from the discover host (GET {discoverUrl}/library/sections/
// watchlist/{filter}): pages, typed items, and the third base URL under the
// same rules as the other two (https or loopback; the token goes to the
// configured hosts only, also across redirects).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "../../lib/config.ts";
import { PlexError } from "../../lib/errors.ts";
import { send } from "../../lib/http/send.ts";
import type { PlexResponse, RequestContext } from "../../lib/http/types.ts";
import { parseWatchlist, processWatchlistResponse, watchlistRequest } from "../../lib/endpoints/watchlist.ts";
import { fixture } from "../_helpers/fixtures.ts";
import {
  clientOf,
  recordingConfig,
  recordingFetch,
  reply,
  TOKEN,
  watchlistJson,
} from "../_helpers/account_api.ts";

const recorded = (status: number, body: string): PlexResponse => ({
  status,
  headers: new Headers(),
  body,
  url: "https://discover.provider.plex.tv/library/sections/watchlist/all",
});

/** A discover host holding `total` items, answering pages as asked. */
function discover(total: number) {
  return recordingFetch((r) => {
    const start = Number(r.url.searchParams.get("X-Plex-Container-Start"));
    const size = Number(r.url.searchParams.get("X-Plex-Container-Size"));
    return reply(200, watchlistJson(start, Math.max(0, Math.min(size, total - start)), total));
  });
}

describe("watchlist (GET {discoverUrl}/library/sections/watchlist/all)", () => {
  it("types the items of a page and keeps the other fields", () => {
    const page = processWatchlistResponse(recorded(200, watchlistJson(0, 2, 2)));
    assert.equal(page.offset, 0);
    assert.equal(page.totalSize, 2);
    assert.equal(page.identifier, "tv.plex.provider.discover");
    const [first] = page.items;
    assert.equal(first?.ratingKey, "5d77680000");
    assert.equal(first?.type, "movie");
    assert.equal(first?.title, "Movie 0");
    assert.equal(first?.year, 1990);
    assert.equal(first?.originallyAvailableAt, "1995-12-15");
    assert.deepEqual(first?.addedAt, new Date(1700000000 * 1000));
    assert.equal(first?.rating, 8.3);
    assert.deepEqual((first?.Image as unknown[]).length, 1);
    assert.deepEqual(parseWatchlist({ MediaContainer: { size: 0, totalSize: 0 } }).items, []);
  });

  it("reports a wrong type with its path; errors and malformed bodies are typed", async () => {
    const doc = JSON.parse(watchlistJson(0, 3, 3));
    doc.MediaContainer.Metadata[2].title = 12;
    assert.throws(() => parseWatchlist(doc), {
      code: "invalid_response",
      message: "MediaContainer.Metadata[2].title should be a string, got number",
    });
    assert.throws(() => parseWatchlist({ Metadata: [] }), {
      message: "MediaContainer should be an object, got undefined",
    });
    assert.throws(() => processWatchlistResponse(recorded(200, watchlistJson(0, 3, 3).slice(0, 90))), {
      code: "invalid_response",
    });
    const e1001 = await fixture("error_1001.json");
    assert.throws(() => processWatchlistResponse(recorded(401, e1001)), { code: "unauthorized" });
    assert.throws(() => processWatchlistResponse(recorded(404, "")), { code: "not_found" });
  });

  it("reads every page from the discover host, with the token and the filter and sort asked for", async () => {
    const { fetch, requests } = discover(250);
    const items = await clientOf(recordingConfig(fetch)).watchlist({
      filter: "released",
      sort: "titleSort:asc",
    });
    assert.equal(items.length, 250);
    assert.deepEqual(items.map((i) => i.title).slice(98, 102), [
      "Movie 98",
      "Movie 99",
      "Movie 100",
      "Movie 101",
    ]);
    assert.deepEqual(
      requests.map((r) => r.url.href),
      [0, 100, 200].map((start) =>
        `https://discover.provider.plex.tv/library/sections/watchlist/released?sort=titleSort%3Aasc&X-Plex-Container-Start=${start}&X-Plex-Container-Size=100`
      ),
    );
    assert.ok(requests.every((r) => r.headers.get("X-Plex-Token") === TOKEN && r.method === "GET"));
    assert.ok(requests.every((r) => r.headers.get("Accept") === "application/json"));
  });

  it("stops on an empty page and on a page without totalSize", async () => {
    const empty = discover(0);
    assert.deepEqual(await clientOf(recordingConfig(empty.fetch)).watchlist(), []);
    assert.equal(empty.requests.length, 1);
    const { Metadata } = JSON.parse(watchlistJson(0, 3, 3)).MediaContainer;
    const { fetch, requests } = recordingFetch(() =>
      reply(200, JSON.stringify({ MediaContainer: { Metadata } }))
    );
    assert.equal((await clientOf(recordingConfig(fetch)).watchlist()).length, 3);
    assert.equal(requests.length, 1);
  });

  it("a host that answers the first page again is an error, not an endless read", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200, watchlistJson(0, 100, 1000)));
    await assert.rejects(clientOf(recordingConfig(fetch)).watchlist(), {
      code: "invalid_response",
      message: "The watchlist page at 100 came back as the page at 0",
    });
    assert.equal(requests.length, 2);
  });

  it("refuses an unknown filter, a malformed sort or page before sending anything", async () => {
    const { fetch, requests } = discover(1);
    const client = clientOf(recordingConfig(fetch));
    await assert.rejects(client.watchlist({ filter: "../../user" as "all" }), { code: "invalid_argument" });
    await assert.rejects(client.watchlist({ sort: "title&X-Plex-Token=1" }), { code: "invalid_argument" });
    await assert.rejects(watchlistRequest(recordingConfig(fetch), TOKEN, { start: -1 }), {
      code: "invalid_argument",
    });
    await assert.rejects(watchlistRequest(recordingConfig(fetch), TOKEN, { size: 0 }), {
      code: "invalid_argument",
    });
    assert.equal(requests.length, 0);
  });
});

describe("the discover host (Config.discoverUrl)", () => {
  it("is https://discover.provider.plex.tv by default, and takes https or loopback http", () => {
    assert.equal(defaultConfig().discoverUrl, "https://discover.provider.plex.tv");
    const local = defaultConfig().withDiscoverUrl("http://127.0.0.1:9/");
    assert.equal(local.discoverUrl, "http://127.0.0.1:9");
    assert.equal(
      local.withUrls("http://localhost:8").discoverUrl,
      "http://127.0.0.1:9",
      "withUrls leaves it",
    );
    assert.equal(local.withClientId("x").discoverUrl, "http://127.0.0.1:9", "every copy keeps it");
    for (const bad of ["http://discover.example", "ftp://127.0.0.1/", "file:///etc/passwd"]) {
      assert.throws(() => defaultConfig().withDiscoverUrl(bad), { code: "insecure_url" }, bad);
    }
    assert.throws(() => defaultConfig().withDiscoverUrl("not a url"), { code: "invalid_argument" });
  });

  it("a redirect from the discover host to another origin is refused, and the token never goes there", async () => {
    const { fetch, requests } = recordingFetch((r) =>
      r.url.hostname === "discover.provider.plex.tv"
        ? new Response(null, { status: 302, headers: { Location: "https://collector.example/steal" } })
        : reply(200, watchlistJson(0, 0, 0))
    );
    const err = await clientOf(recordingConfig(fetch)).watchlist().catch((e) => e);
    assert.ok(err instanceof PlexError && err.code === "redirect_refused", String(err));
    assert.deepEqual(requests.map((r) => r.url.hostname), ["discover.provider.plex.tv"]);
  });

  it("a redirect from the discover host to another configured host is followed", async () => {
    const { fetch, requests } = recordingFetch((r) =>
      r.url.hostname === "discover.provider.plex.tv"
        ? new Response(null, {
          status: 307,
          headers: { Location: "https://plex.tv/library/sections/watchlist/all" },
        })
        : reply(200, watchlistJson(0, 1, 1))
    );
    assert.equal((await clientOf(recordingConfig(fetch)).watchlist()).length, 1);
    assert.deepEqual(requests.map((r) => r.url.hostname), ["discover.provider.plex.tv", "plex.tv"]);
    assert.ok(requests.every((r) => r.headers.get("X-Plex-Token") === TOKEN));
  });

  it("the other hosts may redirect to the discover host, which is one of the configured hosts", async () => {
    const config = recordingConfig(
      recordingFetch((r) =>
        r.url.hostname === "plex.tv"
          ? new Response(null, { status: 302, headers: { Location: "https://discover.provider.plex.tv/ok" } })
          : reply(200, "{}")
      ).fetch,
    );
    const response = await send(config, { method: "GET", host: "url", path: "/moved", token: TOKEN });
    assert.equal(response.url, "https://discover.provider.plex.tv/ok");
  });

  it("a context without a discover URL cannot reach it; a bad one is refused before sending", async () => {
    const { fetch, requests } = recordingFetch(() => reply(200, watchlistJson(0, 0, 0)));
    const bare: RequestContext = {
      url: "https://plex.tv",
      v2Url: "https://clients.plex.tv",
      clientId: "bare",
      device: {},
      http: { fetch },
    };
    await assert.rejects(watchlistRequest(bare, TOKEN), {
      code: "invalid_argument",
      message: "No base URL is configured for the host discoverUrl",
    });
    await assert.rejects(watchlistRequest({ ...bare, discoverUrl: "http://discover.example" }, TOKEN), {
      code: "insecure_url",
    });
    // a bad discover URL stops every request of that context, not only the watchlist
    await assert.rejects(
      send({ ...bare, discoverUrl: "http://discover.example" }, {
        method: "GET",
        host: "url",
        path: "/x",
        token: TOKEN,
      }),
      { code: "insecure_url" },
    );
    assert.equal(requests.length, 0);
    const page = await watchlistRequest({ ...bare, discoverUrl: "https://discover.example" }, TOKEN);
    assert.equal(page.status, 200);
    assert.equal(requests[0]?.url.origin, "https://discover.example");
  });
});
