/**
 * The account's friends (`GET {url}/api/v2/friends`, JSON) and removing one
 * (`DELETE {url}/api/v2/sharings/{id}`, the route python-plexapi's
 * `removeFriend` uses since 2024; no evidence exists for
 * `DELETE /api/v2/friends/{id}`).
 *
 * The fields follow plex-api-spec's `Friend` model. plex.tv leaves
 * `sharedServers` empty in this list (plex-api-spec issue 29): which
 * libraries a friend has comes from a server's shares
 * (`lib/endpoints/server_share.ts`).
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
import { array, integer, nullable, object, optional, parse, string } from "../parse/validate.ts";
import { flag } from "../parse/attribute_values.ts";
import { list } from "../parse/fields.ts";

/**
 * A friend of the account.
 *
 * @example
 * ```ts
 * import type { Friend } from "./friend.ts";
 * function label(f: Friend): string { return f.friendlyName ?? f.title; }
 * ```
 */
export interface Friend {
  /** The friend's account id: what {@linkcode removeFriendRequest} takes. */
  id: number;
  /** The friend's account UUID. */
  uuid: string;
  /** The display title (username or friendly name). */
  title: string;
  /** The username; missing for a managed user. */
  username?: string;
  /** The email. */
  email?: string;
  /** The full name, or `null`. */
  friendlyName: string | null;
  /** The avatar URL. */
  thumb?: string;
  /** Whether the friend is a member of the account's Plex Home. */
  home: boolean;
  /** Whether the friend is a managed (restricted) user. */
  restricted: boolean;
  /** The state of the friendship, e.g. `accepted`. */
  status?: string;
  /** Servers shared with the friend, as plex.tv writes them (empty in this list). */
  sharedServers: Record<string, unknown>[];
  /** Other shared sources, as plex.tv writes them. */
  sharedSources: Record<string, unknown>[];
  /** Any other field. */
  [field: string]: unknown;
}

const anyObject = object<Record<string, unknown>>({});

const friendValidator = object<Friend>({
  id: integer,
  uuid: string,
  title: string,
  username: optional(string),
  email: optional(string),
  friendlyName: nullable(string),
  thumb: optional(string),
  home: flag,
  restricted: flag,
  status: optional(string),
  sharedServers: list(anyObject),
  sharedSources: list(anyObject),
});

/**
 * Parses the JSON of `GET /api/v2/friends`.
 *
 * @param value The parsed JSON body.
 * @returns The friends.
 * @throws {PlexError} `invalid_response` naming the first wrong field, e.g. `[0].id`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFriends } from "./friend.ts";
 * const [friend] = parseFriends([{ id: 42, uuid: "7d19", title: "ana", friendlyName: null, home: false,
 *   restricted: false, status: "accepted", sharedServers: [], sharedSources: [] }]);
 * assert.ok(friend?.id === 42 && friend.friendlyName === null);
 * ```
 */
export function parseFriends(value: unknown): Friend[] {
  return parse(array(friendValidator), value);
}

/**
 * Sends `GET {url}/api/v2/friends`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processFriendsResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { friendsRequest, processFriendsResponse } from "./friend.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const friends = processFriendsResponse(await friendsRequest(config, token));
 * assert.deepEqual(friends.map((friend) => friend.username), ["moviebuddy", "farcousin"]);
 * await emulator.close();
 * ```
 */
export function friendsRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/api/v2/friends", token }, options);
}

/** What {@linkcode processFriendsResponse} returns, from a response whose status was checked. */
function readFriendsResponse(response: PlexResponse): Friend[] {
  return parseFriends(readJson(response));
}

/**
 * Checks a friends response and returns the friends.
 *
 * @param response The response, or a recorded one.
 * @returns The friends.
 * @throws {PlexError} `unauthorized`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processFriendsResponse } from "./friend.ts";
 * assert.deepEqual(processFriendsResponse({ status: 200, headers: new Headers(), url: "", body: "[]" }), []);
 * ```
 */
export function processFriendsResponse(response: PlexResponse): Friend[] {
  return readFriendsResponse(checkOk(response));
}

/**
 * Sends {@linkcode friendsRequest} and reads the answer as {@linkcode processFriendsResponse} does, with
 * the error reader loaded when a response first fails (`Client.friends()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The friends.
 * @throws {PlexError} what {@linkcode processFriendsResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { friends } from "./friend.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const list = await friends(config, token);
 * assert.deepEqual(list.map((friend) => [friend.title, friend.status]), [
 *   ["Movie Buddy", "accepted"],
 *   ["farcousin", "accepted"],
 * ]);
 * await emulator.close();
 * ```
 */
export async function friends(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<Friend[]> {
  return readFriendsResponse(await ensureOk(await friendsRequest(context, token, options)));
}

/**
 * The account id of a friend to remove, checked.
 *
 * @param friend The id, or a friend from {@linkcode processFriendsResponse}.
 * @returns The id.
 * @throws {PlexError} `invalid_argument` when it is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { friendId } from "./friend.ts";
 * assert.equal(friendId({ id: 42 }), 42);
 * assert.throws(() => friendId("42/../1"), { code: "invalid_argument" });
 * ```
 */
export function friendId(friend: number | string | { id: number }): number {
  const id = typeof friend === "object" && friend !== null ? friend.id : friend;
  const n = Number(id);
  if (!/^[1-9]\d*$/.test(String(id)) || !Number.isSafeInteger(n)) {
    throw new PlexError("invalid_argument", "A friend id is a positive integer");
  }
  return n;
}

/**
 * Sends `DELETE {url}/api/v2/sharings/{id}`, which ends the friendship and
 * the shares with that friend.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param friend The friend's account id, or the friend.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processRemoveFriendResponse}.
 * @throws {PlexError} `invalid_argument` when the id is not a positive integer (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import {
 *   friendsRequest,
 *   processFriendsResponse,
 *   processRemoveFriendResponse,
 *   removeFriendRequest,
 * } from "./friend.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const [friend] = processFriendsResponse(await friendsRequest(config, token));
 * processRemoveFriendResponse(await removeFriendRequest(config, token, friend!));
 * const response = await removeFriendRequest(config, token, friend!); // a second time
 * assert.throws(() => processRemoveFriendResponse(response), { code: "not_found" });
 * await emulator.close();
 * ```
 */
export async function removeFriendRequest(
  context: RequestContext,
  token: Token | string,
  friend: number | string | { id: number },
  options: CallOptions = {},
): Promise<PlexResponse> {
  const path = `/api/v2/sharings/${friendId(friend)}`;
  return await send(context, { method: "DELETE", host: "url", path, token }, options);
}

/**
 * Checks a friend removal response; its body is not read (plex.tv's success
 * status is not documented: any 2xx).
 *
 * @param response The response, or a recorded one.
 * @throws {PlexError} `not_found` for an unknown friend, `unauthorized`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processRemoveFriendResponse } from "./friend.ts";
 * processRemoveFriendResponse({ status: 200, headers: new Headers(), url: "", body: "" });
 * assert.throws(() => processRemoveFriendResponse({ status: 404, headers: new Headers(), url: "", body: "" }), {
 *   code: "not_found",
 * });
 * ```
 */
export function processRemoveFriendResponse(response: PlexResponse): void {
  checkOk(response);
}

/**
 * Sends {@linkcode removeFriendRequest} and reads the answer as {@linkcode processRemoveFriendResponse} does, with
 * the error reader loaded when a response first fails (`Client.removeFriend()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param friend The friend or its id.
 * @param options Call options.
 * @returns Nothing, once removed.
 * @throws {PlexError} what {@linkcode processRemoveFriendResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { friends, removeFriend } from "./friend.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const [buddy] = await friends(config, token);
 * await removeFriend(config, token, buddy!);
 * assert.deepEqual((await friends(config, token)).map((friend) => friend.username), ["farcousin"]);
 * await assert.rejects(removeFriend(config, token, buddy!), { code: "not_found" }); // no longer a friend
 * await emulator.close();
 * ```
 */
export async function removeFriend(
  context: RequestContext,
  token: Token | string,
  friend: number | string | { id: number },
  options: CallOptions = {},
): Promise<void> {
  await ensureOk(await removeFriendRequest(context, token, friend, options));
}
