/**
 * Users the account shares its servers with (friends and home users), from
 * the legacy `GET {url}/api/users` XML: `<MediaContainer><User ...><Server .../></User>`.
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";
import { array, integer, object, optional, string } from "../parse/validate.ts";
import { flag, required } from "../parse/attribute_values.ts";
import { timestamp } from "../parse/fields.ts";
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";
import { parseXml } from "../parse/xml.ts";

/**
 * A server shared with a user.
 *
 * @example
 * ```ts
 * import type { SharedServer } from "./shared_user.ts";
 * function everything(s: SharedServer): boolean { return s.allLibraries; }
 * ```
 */
export interface SharedServer {
  /** The share's id. */
  id: number;
  /** The server's id on plex.tv. */
  serverId?: string;
  /** The server's machine identifier. */
  machineIdentifier: string;
  /** The server's name. */
  name: string;
  /** When the user last used it. */
  lastSeenAt?: Date;
  /** Number of shared libraries. */
  numLibraries?: number;
  /** Whether all libraries are shared. */
  allLibraries: boolean;
  /** Whether the account owns the server. */
  owned: boolean;
  /** Whether the invitation is still pending. */
  pending: boolean;
  /** Any other attribute. */
  [field: string]: unknown;
}

/**
 * A user the account shares with. Empty attributes are `undefined`; flags are booleans.
 *
 * @example
 * ```ts
 * import type { SharedUser } from "./shared_user.ts";
 * function canSync(u: SharedUser): boolean { return u.allowSync; }
 * ```
 */
export interface SharedUser {
  /** The user's account id. */
  id: number;
  /** The display title. */
  title: string;
  /** The username. */
  username?: string;
  /** The email. */
  email?: string;
  /** Avatar URL. */
  thumb?: string;
  /** Whether the user is PIN-protected. */
  protected: boolean;
  /** Whether the user is in the account's home. */
  home: boolean;
  /** Whether this is a restricted (managed) user. */
  restricted: boolean;
  /** May sync. */
  allowSync: boolean;
  /** May upload from a camera. */
  allowCameraUpload: boolean;
  /** May use channels. */
  allowChannels: boolean;
  /** May use tuners (live TV). */
  allowTuners: boolean;
  /** May manage subtitles. */
  allowSubtitleAdmin: boolean;
  /** The servers shared with the user. */
  servers: SharedServer[];
  /** Any other attribute (`filterMovies`, ...), as written. */
  [field: string]: unknown;
}

const sharedServerValidator = object<SharedServer>({
  id: required(integer),
  serverId: optional(string),
  machineIdentifier: required(string),
  name: required(string),
  lastSeenAt: optional(timestamp),
  numLibraries: optional(integer),
  allLibraries: flag,
  owned: flag,
  pending: flag,
});

const sharedUserValidator = object<SharedUser>({
  id: required(integer),
  title: required(string),
  username: optional(string),
  email: optional(string),
  thumb: optional(string),
  protected: flag,
  home: flag,
  restricted: flag,
  allowSync: flag,
  allowCameraUpload: flag,
  allowChannels: flag,
  allowTuners: flag,
  allowSubtitleAdmin: flag,
  servers: array(sharedServerValidator),
});

/**
 * Parses an `/api/users` body.
 *
 * @param text The XML body.
 * @returns The users, in document order.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing required attribute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSharedUsers } from "./shared_user.ts";
 * const [friend] = parseSharedUsers(`<MediaContainer><User id="1000" title="Friend" allowSync="1">
 *   <Server id="7" machineIdentifier="m1" name="plex" numLibraries="4" owned="1"/></User></MediaContainer>`);
 * assert.ok(friend?.allowSync && friend.servers[0]?.numLibraries === 4);
 * ```
 */
export function parseSharedUsers(text: string): SharedUser[] {
  const root = expectRoot(parseXml(text), "MediaContainer");
  return (root.children.User ?? []).map((user, i) =>
    sharedUserValidator(
      { ...attributesOf(user), servers: (user.children.Server ?? []).map(attributesOf) },
      `MediaContainer.User[${i}]`,
    )
  );
}

/**
 * Sends `GET {url}/api/users` (XML).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processSharedUsersResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processSharedUsersResponse, sharedUsersRequest } from "./shared_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const users = processSharedUsersResponse(await sharedUsersRequest(config, token));
 * assert.deepEqual(users.map((user) => user.username), ["moviebuddy", "farcousin"]);
 * await emulator.close();
 * ```
 */
export function sharedUsersRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/api/users", token, accept: "xml" }, options);
}

/** What {@linkcode processSharedUsersResponse} returns, from a response whose status was checked. */
function readSharedUsersResponse(response: PlexResponse): SharedUser[] {
  return parseSharedUsers(response.body);
}

/**
 * Checks an `/api/users` response and returns the users.
 *
 * @param response The response, or a recorded one.
 * @returns The users.
 * @throws {PlexError} `unauthorized`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processSharedUsersResponse } from "./shared_user.ts";
 * const users = processSharedUsersResponse({ status: 200, headers: new Headers(), url: "", body: "<MediaContainer/>" });
 * assert.equal(users.length, 0);
 * ```
 */
export function processSharedUsersResponse(response: PlexResponse): SharedUser[] {
  return readSharedUsersResponse(checkOk(response));
}

/**
 * Sends {@linkcode sharedUsersRequest} and reads the answer as {@linkcode processSharedUsersResponse} does, with
 * the error reader loaded when a response first fails (`Client.sharedUsers()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The users.
 * @throws {PlexError} what {@linkcode processSharedUsersResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { sharedUsers } from "./shared_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * assert.deepEqual((await sharedUsers(config, token)).map((user) => user.username), ["moviebuddy", "farcousin"]);
 * await emulator.close();
 * ```
 */
export async function sharedUsers(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<SharedUser[]> {
  return readSharedUsersResponse(await ensureOk(await sharedUsersRequest(context, token, options)));
}
