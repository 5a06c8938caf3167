/**
 * The account's watchlist, from the discover host
 * (`GET {discoverUrl}/library/sections/watchlist/{filter}`, JSON
 * `{"MediaContainer":{"offset","totalSize","size","Metadata":[...]}}`).
 * plex.tv moved it from metadata.provider.plex.tv to
 * discover.provider.plex.tv in 2025 (plex-api-spec, python-plexapi). Pages
 * are asked for with `X-Plex-Container-Start` and `X-Plex-Container-Size`.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOk } from "../http/error_body.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import type { Token } from "../token.ts";
import { integer, number, object, optional, parse, string } from "../parse/validate.ts";
import { required } from "../parse/attribute_values.ts";
import { list, timestamp } from "../parse/fields.ts";

/**
 * A movie or show on the watchlist. Fields beyond these (`Image`, `rating`,
 * `studio`, ...) are kept as the discover host writes them.
 *
 * @example
 * ```ts
 * import type { WatchlistItem } from "./watchlist.ts";
 * function label(item: WatchlistItem): string { return item.year ? `${item.title} (${item.year})` : item.title; }
 * ```
 */
export interface WatchlistItem {
  /** The item's key on the discover host. */
  ratingKey: string;
  /** `movie` or `show`. */
  type: string;
  /** The title. */
  title: string;
  /** The Plex GUID, e.g. `plex://movie/5d7768...`. */
  guid?: string;
  /** The metadata path on the discover host. */
  key?: string;
  /** The release year. */
  year?: number;
  /** The release date as written, `YYYY-MM-DD`. */
  originallyAvailableAt?: string;
  /** When it was added to the discover catalogue (unix seconds). */
  addedAt?: Date;
  /** The poster URL. */
  thumb?: string;
  /** The background art URL. */
  art?: string;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * One page of the watchlist.
 *
 * @example
 * ```ts
 * import type { WatchlistPage } from "./watchlist.ts";
 * function more(page: WatchlistPage): boolean { return (page.offset ?? 0) + page.items.length < (page.totalSize ?? 0); }
 * ```
 */
export interface WatchlistPage {
  /** The items of this page. */
  items: WatchlistItem[];
  /** Where the page starts in the whole list, when the host says. */
  offset?: number;
  /** How many items the whole list has, when the host says. */
  totalSize?: number;
  /** Any other field of the `MediaContainer` (`librarySectionID`, `identifier`, ...). */
  [field: string]: unknown;
}

/**
 * Which part of the watchlist, and in which order.
 *
 * @example
 * ```ts
 * import type { WatchlistOptions } from "./watchlist.ts";
 * const options: WatchlistOptions = { filter: "released", sort: "watchlistedAt:desc" };
 * ```
 */
export interface WatchlistOptions extends CallOptions {
  /** `all` (the default), `available` (streamable) or `released`. */
  filter?: "all" | "available" | "released";
  /** `field:asc|desc`, e.g. `watchlistedAt:desc`, `titleSort:asc`, `originallyAvailableAt:desc`, `rating:desc`. */
  sort?: string;
}

/** The page size plextv asks for (python-plexapi's default container size). */
export const WATCHLIST_PAGE_SIZE = 100;

const itemValidator = object<WatchlistItem>({
  ratingKey: required(string),
  type: required(string),
  title: required(string),
  guid: optional(string),
  key: optional(string),
  year: optional(integer),
  originallyAvailableAt: optional(string),
  addedAt: optional(timestamp),
  thumb: optional(string),
  art: optional(string),
});

/** The most pages one watchlist read asks for (100 000 items): a host that never ends is an error. */
const MAX_PAGES = 1000;

interface Container {
  offset?: number;
  totalSize?: number;
  size?: number;
  Metadata: WatchlistItem[];
  [field: string]: unknown;
}

const pageValidator = object<{ MediaContainer: Container }>({
  MediaContainer: object<Container>({
    offset: optional(integer),
    totalSize: optional(integer),
    size: optional(number),
    Metadata: list(itemValidator),
  }),
});

/**
 * Parses one watchlist page (`{"MediaContainer":{...,"Metadata":[...]}}`; an
 * empty watchlist has no `Metadata`).
 *
 * @param value The parsed JSON body.
 * @returns The page.
 * @throws {PlexError} `invalid_response` naming the wrong field, e.g. `MediaContainer.Metadata[2].title`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWatchlist } from "./watchlist.ts";
 * const page = parseWatchlist({ MediaContainer: { offset: 0, totalSize: 1, size: 1,
 *   Metadata: [{ ratingKey: "5d77", type: "movie", title: "Heat", year: 1995 }] } });
 * assert.ok(page.items[0]?.year === 1995 && page.totalSize === 1);
 * ```
 */
export function parseWatchlist(value: unknown): WatchlistPage {
  const { Metadata, ...container } = parse(pageValidator, value).MediaContainer;
  return { ...container, items: Metadata };
}

/**
 * Sends `GET {discoverUrl}/library/sections/watchlist/{filter}` for one page.
 *
 * @param context The configuration (with a `discoverUrl`).
 * @param token The account's token.
 * @param options `filter`, `sort`, call options, and the page: `start` (default 0) and `size`
 *   (default {@linkcode WATCHLIST_PAGE_SIZE}).
 * @returns The raw response; pass it to {@linkcode processWatchlistResponse}.
 * @throws {PlexError} `invalid_argument` for an unknown filter, a malformed sort or page, or a
 *   context without a discover URL (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processWatchlistResponse, watchlistRequest } from "./watchlist.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const discover = config.withDiscoverUrl(emulator.url); // the emulator also plays the discover host
 * const page = processWatchlistResponse(await watchlistRequest(discover, token, { start: 0 }));
 * assert.ok(page.items.some((item) => item.title === "The Emulated Movie"));
 * await emulator.close();
 * ```
 */
export async function watchlistRequest(
  context: RequestContext,
  token: Token | string,
  options: WatchlistOptions & { start?: number; size?: number } = {},
): Promise<PlexResponse> {
  const { filter = "all", sort, start = 0, size = WATCHLIST_PAGE_SIZE } = options;
  checkWatchlistOptions(options);
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(size) || size < 1) {
    throw new PlexError(
      "invalid_argument",
      "A watchlist page has a start of 0 or more and a size of 1 or more",
    );
  }
  return await send(context, {
    method: "GET",
    host: "discoverUrl",
    path: `/library/sections/watchlist/${filter}`,
    query: { sort, "X-Plex-Container-Start": start, "X-Plex-Container-Size": size },
    token,
  }, options);
}

/**
 * The watchlist's filters: everything, what can be streamed, what is out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WATCHLIST_FILTERS } from "./watchlist.ts";
 * assert.deepEqual(WATCHLIST_FILTERS, ["all", "available", "released"]);
 * ```
 */
export const WATCHLIST_FILTERS: readonly string[] = ["all", "available", "released"];

/**
 * Checks the watchlist options before anything is sent.
 *
 * @param options The options.
 * @throws {PlexError} `invalid_argument` for an unknown filter or a sort not shaped `field` or `field:asc|desc`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkWatchlistOptions } from "./watchlist.ts";
 * checkWatchlistOptions({ filter: "released", sort: "titleSort:asc" });
 * assert.throws(() => checkWatchlistOptions({ sort: "title;drop" }), { code: "invalid_argument" });
 * ```
 */
export function checkWatchlistOptions(options: WatchlistOptions): void {
  const { filter = "all", sort } = options;
  if (!WATCHLIST_FILTERS.includes(filter)) {
    throw new PlexError("invalid_argument", "A watchlist filter is all, available or released");
  }
  if (sort !== undefined && (typeof sort !== "string" || !/^[A-Za-z]+(:(asc|desc))?$/.test(sort))) {
    throw new PlexError("invalid_argument", "A watchlist sort is field or field:asc or field:desc");
  }
}

/** What {@linkcode processWatchlistResponse} returns, from a response whose status was checked. */
function readWatchlistResponse(response: PlexResponse): WatchlistPage {
  return parseWatchlist(readJson(response));
}

/**
 * Checks a watchlist response and returns the page.
 *
 * @param response The response, or a recorded one.
 * @returns The page.
 * @throws {PlexError} `unauthorized`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processWatchlistResponse } from "./watchlist.ts";
 * const page = processWatchlistResponse({ status: 200, headers: new Headers(), url: "",
 *   body: '{"MediaContainer":{"offset":0,"totalSize":0,"size":0}}' });
 * assert.deepEqual(page.items, []);
 * ```
 */
export function processWatchlistResponse(response: PlexResponse): WatchlistPage {
  return readWatchlistResponse(checkOk(response));
}

/**
 * Reads the whole watchlist, a page of {@linkcode WATCHLIST_PAGE_SIZE} at a
 * time, until the host's `totalSize` is reached or a page comes back empty.
 *
 * @param context The configuration (with a `discoverUrl`).
 * @param token The account's token.
 * @param options `filter`, `sort` and call options.
 * @returns Every item, in the host's order.
 * @throws {PlexError} `invalid_response` when the host answers another page than the one asked
 *   for, or has not ended after 1 000 pages; the errors of {@linkcode processWatchlistResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { readWatchlist } from "./watchlist.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const discover = config.withDiscoverUrl(emulator.url); // the emulator also plays the discover host
 * const items = await readWatchlist(discover, token, { sort: "titleSort:asc" });
 * assert.deepEqual(items.map((item) => item.title), ["The Emulated Movie", "The Emulated Show"]);
 * await emulator.close();
 * ```
 */
export async function readWatchlist(
  context: RequestContext,
  token: Token | string,
  options: WatchlistOptions = {},
): Promise<WatchlistItem[]> {
  const items: WatchlistItem[] = [];
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const start = items.length;
    const page = readWatchlistResponse(
      await ensureOk(await watchlistRequest(context, token, { ...options, start })),
    );
    if (page.offset !== undefined && page.offset !== start) {
      throw new PlexError(
        "invalid_response",
        `The watchlist page at ${start} came back as the page at ${page.offset}`,
      );
    }
    items.push(...page.items);
    if (page.items.length === 0 || page.totalSize === undefined || items.length >= page.totalSize) {
      return items;
    }
  }
  throw new PlexError("invalid_response", `The watchlist did not end after ${MAX_PAGES} pages`);
}
