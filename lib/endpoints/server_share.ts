/**
 * Who has which libraries of one of the account's servers: the legacy
 * `GET {url}/api/servers/{machineIdentifier}/shared_servers` XML,
 * `<MediaContainer><SharedServer id userID username accessToken ...><Section key title shared/></SharedServer>`.
 * No capture of plex.tv's answer is public: the shape is the one
 * python-plexapi (`MyPlexUser.get_token`: `userID`, `accessToken`) and other
 * clients' tests read. Each `SharedServer` is one friend's share; its
 * `accessToken` is that friend's token for the server, kept as a
 * {@linkcode Token} so it is never printed.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";
import { array, integer, object, optional, string } from "../parse/validate.ts";
import { flag, required } from "../parse/attribute_values.ts";
import { secret, timestamp } from "../parse/fields.ts";
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";
import { parseXml } from "../parse/xml.ts";

/**
 * A library section of the server, and whether the share includes it.
 *
 * @example
 * ```ts
 * import type { ShareSection } from "./server_share.ts";
 * function sharedTitles(sections: ShareSection[]): string[] { return sections.filter((s) => s.shared).map((s) => s.title); }
 * ```
 */
export interface ShareSection {
  /** The section's id on plex.tv. */
  id?: number;
  /** The section's key on the server (`/library/sections/{key}`). */
  key: string;
  /** The section's title. */
  title: string;
  /** `movie`, `show`, `artist`, `photo`, ... */
  type?: string;
  /** Whether the share includes it. */
  shared: boolean;
  /** Any other attribute. */
  [field: string]: unknown;
}

/**
 * One user's share of the server. Empty attributes are `undefined`; flags are booleans.
 *
 * @example
 * ```ts
 * import type { ServerShare } from "./server_share.ts";
 * function libraries(s: ServerShare): string { return s.allLibraries ? "all" : String(s.sections.filter((x) => x.shared).length); }
 * ```
 */
export interface ServerShare {
  /** The share's id. */
  id: number;
  /** The user's account id (the `id` of the friend in `client.friends()`). */
  userID: number;
  /** The user's username. */
  username?: string;
  /** The user's email. */
  email?: string;
  /** The server's name. */
  name?: string;
  /** The user's token for this server (redacted when printed). */
  accessToken?: Token;
  /** When the user accepted the share. */
  acceptedAt?: Date;
  /** When the share was offered. */
  invitedAt?: Date;
  /** Whether every library is shared, present and future. */
  allLibraries: boolean;
  /** Whether the user owns the server. */
  owned: boolean;
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
  /** The server's library sections, shared or not. */
  sections: ShareSection[];
  /** Any other attribute (`filterMovies`, ...), as written. */
  [field: string]: unknown;
}

const sectionValidator = object<ShareSection>({
  id: optional(integer),
  key: required(string),
  title: required(string),
  type: optional(string),
  shared: flag,
});

const shareValidator = object<ServerShare>({
  id: required(integer),
  userID: required(integer),
  username: optional(string),
  email: optional(string),
  name: optional(string),
  accessToken: secret,
  acceptedAt: optional(timestamp),
  invitedAt: optional(timestamp),
  allLibraries: flag,
  owned: flag,
  allowSync: flag,
  allowCameraUpload: flag,
  allowChannels: flag,
  allowTuners: flag,
  allowSubtitleAdmin: flag,
  sections: array(sectionValidator),
});

/**
 * Parses a `shared_servers` body.
 *
 * @param text The XML body.
 * @returns The shares, in document order.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing or wrong attribute, named by its path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSharedServers } from "./server_share.ts";
 * const [share] = parseSharedServers(`<MediaContainer size="1">
 *   <SharedServer id="7" userID="42" username="ana" accessToken="abcdefghij0123456789" allLibraries="0">
 *     <Section id="3" key="1" title="Movies" type="movie" shared="1"/></SharedServer></MediaContainer>`);
 * assert.ok(share?.userID === 42 && share.sections[0]?.shared && !JSON.stringify(share).includes("abcdefghij"));
 * ```
 */
export function parseSharedServers(text: string): ServerShare[] {
  const root = expectRoot(parseXml(text), "MediaContainer");
  return (root.children.SharedServer ?? []).map((share, i) =>
    shareValidator(
      { ...attributesOf(share), sections: (share.children.Section ?? []).map(attributesOf) },
      `MediaContainer.SharedServer[${i}]`,
    )
  );
}

/**
 * Checks a server's machine identifier before it goes into a path: letters,
 * digits, `.`, `_` and `-`, at most 128 characters.
 *
 * @param machineIdentifier The server's machine identifier (a resource's `clientIdentifier`).
 * @returns The identifier.
 * @throws {PlexError} `invalid_argument` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineId } from "./server_share.ts";
 * assert.equal(machineId("c0ffee00c0ffee00"), "c0ffee00c0ffee00");
 * assert.throws(() => machineId("../users"), { code: "invalid_argument" });
 * ```
 */
export function machineId(machineIdentifier: string): string {
  if (
    typeof machineIdentifier !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(machineIdentifier)
  ) {
    throw new PlexError(
      "invalid_argument",
      "A machine identifier is letters, digits, '.', '_' and '-' (see a server resource's clientIdentifier)",
    );
  }
  return machineIdentifier;
}

/**
 * Sends `GET {url}/api/servers/{machineIdentifier}/shared_servers` (XML).
 *
 * @param context The configuration.
 * @param token The server owner's token.
 * @param machineIdentifier The server's machine identifier.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processSharedServersResponse}.
 * @throws {PlexError} `invalid_argument` for a malformed identifier (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processSharedServersResponse, sharedServersRequest } from "./server_share.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const server = "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"; // the emulated server's clientIdentifier
 * const shares = processSharedServersResponse(await sharedServersRequest(config, token, server));
 * assert.deepEqual(shares.map((share) => share.username), ["moviebuddy", "farcousin"]);
 * await emulator.close();
 * ```
 */
export async function sharedServersRequest(
  context: RequestContext,
  token: Token | string,
  machineIdentifier: string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  const path = `/api/servers/${machineId(machineIdentifier)}/shared_servers`;
  return await send(context, { method: "GET", host: "url", path, token, accept: "xml" }, options);
}

/** What {@linkcode processSharedServersResponse} returns, from a response whose status was checked. */
function readSharedServersResponse(response: PlexResponse): ServerShare[] {
  return parseSharedServers(response.body);
}

/**
 * Checks a `shared_servers` response and returns the shares.
 *
 * @param response The response, or a recorded one.
 * @returns The shares.
 * @throws {PlexError} `not_found` (a server the account does not know), `unauthorized`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processSharedServersResponse } from "./server_share.ts";
 * const shares = processSharedServersResponse({ status: 200, headers: new Headers(), url: "", body: '<MediaContainer size="0"/>' });
 * assert.equal(shares.length, 0);
 * ```
 */
export function processSharedServersResponse(response: PlexResponse): ServerShare[] {
  return readSharedServersResponse(checkOk(response));
}

/**
 * Sends {@linkcode sharedServersRequest} and reads the answer as {@linkcode processSharedServersResponse} does, with
 * the error reader loaded when a response first fails (`Client.sharedServers()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param machineIdentifier The server's machine identifier.
 * @param options Call options.
 * @returns The shares.
 * @throws {PlexError} what {@linkcode processSharedServersResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { sharedServers } from "./server_share.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const server = "5f0e3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"; // the emulated server's clientIdentifier
 * assert.deepEqual((await sharedServers(config, token, server)).map((share) => share.username), [
 *   "moviebuddy",
 *   "farcousin",
 * ]);
 * await assert.rejects(sharedServers(config, token, "0123abcd"), { code: "not_found" }); // not the account's
 * await emulator.close();
 * ```
 */
export async function sharedServers(
  context: RequestContext,
  token: Token | string,
  machineIdentifier: string,
  options: CallOptions = {},
): Promise<ServerShare[]> {
  return readSharedServersResponse(
    await ensureOk(await sharedServersRequest(context, token, machineIdentifier, options)),
  );
}
