/**
 * Helpers for the account API tests (PIN link, friends, shares, webhooks,
 * geoip, watchlist): bodies shaped like plex.tv's, a fetch that records what
 * it is sent and answers from a handler, a client on top of it, and the
 * check for emulator routes that are still being written.
 *
 * The bodies are written here, not captured: no public capture of these
 * endpoints exists (see tests/fixtures/plex.tv/PROVENANCE.md). Their shapes
 * follow plex-api-spec's `Friend` and watchlist schemas, python-plexapi's
 * parsers (`<webhook url>`, `SharedServer userID accessToken`) and other
 * clients' tests of `shared_servers`.
 *
 * @module
 */
import type { Client } from "../../lib/client.ts";
import { type Config, defaultConfig } from "../../lib/config.ts";
import { Token } from "../../lib/token.ts";

/** The token the recorded-fetch client sends. */
export const TOKEN = "acctapi0123456789abc";

/** `GET /api/v2/friends`: two friends, one with an unknown field. */
export const FRIENDS_JSON = JSON.stringify([
  {
    email: "ana@example.com",
    friendlyName: "Ana Lima",
    home: false,
    id: 1001,
    restricted: false,
    sharedServers: [],
    sharedSources: [],
    status: "accepted",
    thumb: "https://plex.tv/users/a1b2c3d4e5f60718/avatar?c=1700000000",
    title: "ana",
    username: "ana",
    uuid: "a1b2c3d4e5f60718",
    friendSince: 1690000000,
  },
  {
    email: "kid@example.com",
    friendlyName: null,
    home: true,
    id: 1002,
    restricted: true,
    sharedServers: [],
    sharedSources: [],
    status: "accepted",
    thumb: "https://plex.tv/users/0f1e2d3c4b5a6978/avatar?c=1700000001",
    title: "Kid",
    username: "",
    uuid: "0f1e2d3c4b5a6978",
  },
]);

/** A friend's token for the server, inside {@link SHARED_SERVERS_XML}. */
export const SHARE_TOKEN = "sharetok0123456789ab";

/** `GET /api/servers/{machineIdentifier}/shared_servers`: a partial share and a full one. */
export const SHARED_SERVERS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<MediaContainer friendlyName="myPlex" identifier="com.plexapp.plugins.myplex" machineIdentifier="mid-1" size="2">
  <SharedServer id="5001" username="ana" email="ana@example.com" userID="1001" accessToken="${SHARE_TOKEN}" name="Den" acceptedAt="1700000000" invitedAt="1699000000" allowSync="1" allowCameraUpload="0" allowChannels="0" allLibraries="0" owned="0" filterMovies="">
    <Section id="71" key="1" title="Movies" type="movie" shared="1"/>
    <Section id="72" key="2" title="TV &amp; Specials" type="show" shared="0"/>
  </SharedServer>
  <SharedServer id="5002" username="" email="" userID="1002" accessToken="" name="Den" allLibraries="1" owned="0"/>
</MediaContainer>
`;

/** `GET /api/v2/user/webhooks`: two webhooks. */
export const WEBHOOKS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<MediaContainer size="2">
  <webhook url="https://hooks.example.com/plex"/>
  <webhook url="http://192.168.1.10:8123/api/webhook/plex-secret-id"/>
</MediaContainer>
`;

/** One watchlist page of `size` items starting at `offset`, of `total` in all. */
export function watchlistJson(offset: number, size: number, total: number): string {
  const items = Array.from({ length: size }, (_, i) => ({
    ratingKey: `5d7768${String(offset + i).padStart(4, "0")}`,
    key: `/library/metadata/5d7768${String(offset + i).padStart(4, "0")}`,
    guid: `plex://movie/5d7768${String(offset + i).padStart(4, "0")}`,
    type: "movie",
    title: `Movie ${offset + i}`,
    year: 1990 + ((offset + i) % 30),
    originallyAvailableAt: "1995-12-15",
    addedAt: 1700000000 + offset + i,
    thumb: "https://metadata-static.plex.tv/poster.jpg",
    rating: 8.3,
    Image: [{ alt: "poster", type: "coverPoster", url: "https://metadata-static.plex.tv/poster.jpg" }],
  }));
  return JSON.stringify({
    MediaContainer: {
      librarySectionID: "watchlist",
      librarySectionTitle: "Watchlist",
      offset,
      totalSize: total,
      identifier: "tv.plex.provider.discover",
      size,
      ...(size > 0 ? { Metadata: items } : {}),
    },
  });
}

/** What the recording fetch saw of one request. */
export interface Recorded {
  /** The method. */
  method: string;
  /** The URL with its query. */
  url: URL;
  /** The headers. */
  headers: Headers;
  /** The body text (`""` when none). */
  body: string;
  /** The request's signal. */
  signal?: AbortSignal;
}

/** A fetch that records every request and answers from `answer`. */
export function recordingFetch(
  answer: (request: Recorded) => Response | Promise<Response>,
): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fake = async (input: URL | RequestInfo, init: RequestInit = {}) => {
    const request: Recorded = {
      method: init.method ?? "GET",
      url: new URL(String(input instanceof Request ? input.url : input)),
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : "",
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    return await answer(request);
  };
  return { fetch: fake as typeof fetch, requests };
}

/** An answer that never comes: it fails only when the request's signal aborts, as fetch does. */
export function never(request: Recorded): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal?.addEventListener("abort", () => reject(request.signal?.reason), { once: true });
  });
}

/** A response with a body and a content type. */
export function reply(status: number, body = "", contentType = "application/json"): Response {
  return new Response(status === 204 ? null : body, { status, headers: { "Content-Type": contentType } });
}

/** A config on plex.tv's own hosts whose requests go to `fetchFn`, without retries. */
export function recordingConfig(fetchFn: typeof fetch): Config {
  return defaultConfig().withClientId("account-api-test").withDevice({ product: "acct tests", version: "1" })
    .withFetch(fetchFn).withHttp({ retry: { retries: 0 } });
}

/** A client of `config` with the fixed {@link TOKEN}. */
export function clientOf(config: Config): Client {
  return config.client({ token: () => Promise.resolve(new Token(TOKEN)) });
}
