/**
 * Bodies of the discover host and the smaller account endpoints: the
 * watchlist (`GET /library/sections/watchlist/{filter}`, a JSON
 * MediaContainer with `Metadata[]`, plex-api-spec `get-watch-list.yaml`),
 * companions (`GET /api/v2/companions`, spec `companions.yaml`) and webhooks
 * (XML `<webhook url>`, as python-plexapi reads them).
 *
 * @module
 */
import { XML_PROLOG } from "../respond.ts";
import { xmlAttributes } from "../xml_text.ts";

/** The items on every account's watchlist: a movie and a show. */
const WATCHLIST: readonly Record<string, unknown>[] = [
  {
    ratingKey: "5d776825880197001ec967c6",
    key: "/library/metadata/5d776825880197001ec967c6",
    guid: "plex://movie/5d776825880197001ec967c6",
    type: "movie",
    title: "The Emulated Movie",
    year: 2021,
    originallyAvailableAt: "2021-06-04",
    addedAt: 1_690_000_000,
    thumb: "https://metadata-static.plex.tv/emulated/movie.jpg",
    Guid: [{ id: "imdb://tt0000001" }, { id: "tmdb://1" }],
  },
  {
    ratingKey: "5d9c086c7d06d9001ffd25f6",
    key: "/library/metadata/5d9c086c7d06d9001ffd25f6",
    guid: "plex://show/5d9c086c7d06d9001ffd25f6",
    type: "show",
    title: "The Emulated Show",
    year: 2019,
    originallyAvailableAt: "2019-09-20",
    addedAt: 1_695_000_000,
    thumb: "https://metadata-static.plex.tv/emulated/show.jpg",
    Guid: [{ id: "imdb://tt0000002" }, { id: "tvdb://2" }],
  },
];

/**
 * The field each watchlist sort reads. python-plexapi's `MyPlexAccount.watchlist` documents the sort
 * as `field:dir` with `watchlistedAt` (when added), `titleSort`, `originallyAvailableAt` and `rating`;
 * the emulated items carry when they were added as `addedAt`. Another field leaves the order as it is.
 */
const SORT_FIELDS: Readonly<Record<string, string>> = {
  watchlistedAt: "addedAt",
  titleSort: "title",
  originallyAvailableAt: "originallyAvailableAt",
  rating: "rating",
};

/** The items in the order `sort` (`field`, `field:asc` or `field:desc`) asks for. */
function sorted(items: readonly Record<string, unknown>[], sort: string | null): Record<string, unknown>[] {
  const [name = "", direction = "asc"] = (sort ?? "").split(":");
  const field = SORT_FIELDS[name];
  if (!field) return [...items];
  const sign = direction === "desc" ? -1 : 1;
  const key = (item: Record<string, unknown>) => item[field] ?? "";
  return [...items].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return sign *
      (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
  });
}

/**
 * The watchlist MediaContainer, paged by `X-Plex-Container-Start`/`-Size`,
 * narrowed by `libtype`/`type` (`movie`, `show`) and ordered by `sort`.
 *
 * @param filter The path's filter: `all`, `available` or `released`.
 * @param query The request's query.
 * @returns The JSON document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchlistJson } from "./discover.ts";
 * const doc = watchlistJson("all", new URLSearchParams("X-Plex-Container-Size=1"));
 * assert.ok(doc.MediaContainer.size === 1 && doc.MediaContainer.totalSize === 2);
 * const latest = watchlistJson("all", new URLSearchParams("sort=watchlistedAt:desc"));
 * assert.equal((latest.MediaContainer.Metadata as { title: string }[])[0]?.title, "The Emulated Show");
 * ```
 */
export function watchlistJson(
  filter: string,
  query: URLSearchParams,
): { MediaContainer: Record<string, unknown> & { size: number; totalSize: number } } {
  const type = query.get("libtype") ?? query.get("type");
  const wanted = type === "movie" || type === "1"
    ? "movie"
    : type === "show" || type === "2"
    ? "show"
    : undefined;
  const all = sorted(
    WATCHLIST.filter((item) => wanted === undefined || item.type === wanted),
    query.get("sort"),
  );
  const start = Math.max(0, Number(query.get("X-Plex-Container-Start") ?? 0) || 0);
  const size = Number(query.get("X-Plex-Container-Size") ?? all.length);
  const page = all.slice(start, start + (Number.isFinite(size) && size >= 0 ? size : all.length));
  return {
    MediaContainer: {
      librarySectionID: "watchlist",
      librarySectionTitle: "Watchlist",
      offset: start,
      totalSize: all.length,
      identifier: "tv.plex.provider.discover",
      size: page.length,
      filter,
      Metadata: page.map((item) => ({ ...item })),
    },
  };
}

/**
 * The companions of an account (`GET /api/v2/companions`).
 *
 * @param token The account's token (companions identify with it).
 * @returns The JSON array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { companionsJson } from "./discover.ts";
 * assert.equal(companionsJson("t")[0]?.identifier, "tv.plex.sonos");
 * ```
 */
export function companionsJson(token: string): Record<string, string>[] {
  return [{
    identifier: "tv.plex.sonos",
    baseURL: "https://sonos.plex.tv",
    title: "Sonos",
    linkURL: "https://sonos.plex.tv/link",
    provides: "client,player",
    token,
  }];
}

/**
 * The webhooks of an account as XML (`<MediaContainer><webhook url/></MediaContainer>`).
 *
 * @param urls The URLs.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhooksXml } from "./discover.ts";
 * assert.match(webhooksXml(["https://example.com/h"]), /<webhook url="https:\/\/example.com\/h"\/>/);
 * ```
 */
export function webhooksXml(urls: string[]): string {
  const items = urls.map((url) => `  <webhook${xmlAttributes({ url })}/>\n`).join("");
  return `${XML_PROLOG}<MediaContainer size="${urls.length}">\n${items}</MediaContainer>\n`;
}
