/**
 * Pending sharing invitations, from the legacy XML endpoints
 * `GET {url}/api/invites/requested` (sent by the account) and
 * `GET {url}/api/invites/requests` (received):
 * `<MediaContainer><Invite ...><Server name numLibraries/></Invite>`.
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
import { optionalFlag } from "../http/options.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";
import { array, integer, object, optional, string } from "../parse/validate.ts";
import { parseXml } from "../parse/xml.ts";
import { flag, required } from "../parse/attribute_values.ts";
import { timestamp } from "../parse/fields.ts";
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";

/**
 * A server offered in an invitation.
 *
 * @example
 * ```ts
 * import type { InviteServer } from "./invite.ts";
 * const server: InviteServer = { name: "testserver", numLibraries: 2 };
 * ```
 */
export interface InviteServer {
  /** The server's name. */
  name: string;
  /** Number of shared libraries. */
  numLibraries?: number;
  /** Any other attribute. */
  [field: string]: unknown;
}

/**
 * A pending invitation.
 *
 * @example
 * ```ts
 * import type { Invite } from "./invite.ts";
 * function who(i: Invite): string { return i.friendlyName ?? i.username ?? i.email ?? String(i.id); }
 * ```
 */
export interface Invite {
  /** The invitation id. */
  id: number;
  /** When it was sent. */
  createdAt?: Date;
  /** Whether it is a friend invitation. */
  friend: boolean;
  /** Whether it invites to the home. */
  home: boolean;
  /** Whether it shares a server. */
  server: boolean;
  /** The other user's username. */
  username?: string;
  /** The other user's email. */
  email?: string;
  /** The other user's avatar URL. */
  thumb?: string;
  /** The other user's friendly name. */
  friendlyName?: string;
  /** The servers offered. */
  servers: InviteServer[];
  /** Any other attribute. */
  [field: string]: unknown;
}

const inviteValidator = object<Invite>({
  id: required(integer),
  createdAt: optional(timestamp),
  friend: flag,
  home: flag,
  server: flag,
  username: optional(string),
  email: optional(string),
  thumb: optional(string),
  friendlyName: optional(string),
  servers: array(object<InviteServer>({ name: required(string), numLibraries: optional(integer) })),
});

/**
 * Parses an invitations body.
 *
 * @param text The XML body.
 * @returns The invitations.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing required attribute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInvites } from "./invite.ts";
 * const [invite] = parseInvites(`<MediaContainer size="1"><Invite id="12345" createdAt="1635126033" friend="1"
 *   username="testuser"><Server name="testserver" numLibraries="2"/></Invite></MediaContainer>`);
 * assert.ok(invite?.friend && invite.servers[0]?.numLibraries === 2);
 * ```
 */
export function parseInvites(text: string): Invite[] {
  const root = expectRoot(parseXml(text), "MediaContainer");
  return (root.children.Invite ?? []).map((invite, i) =>
    inviteValidator(
      { ...attributesOf(invite), servers: (invite.children.Server ?? []).map(attributesOf) },
      `MediaContainer.Invite[${i}]`,
    )
  );
}

/**
 * Options of {@linkcode invitesRequest}.
 *
 * @example
 * ```ts
 * import type { InvitesOptions } from "./invite.ts";
 * const incoming: InvitesOptions = { received: true };
 * ```
 */
export interface InvitesOptions extends CallOptions {
  /** The invitations sent to the account (`/api/invites/requests`) instead of those it sent. */
  received?: boolean;
}

/**
 * Sends `GET {url}/api/invites/requested` (invitations the account sent) or,
 * with `received`, `GET {url}/api/invites/requests`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options `received` and call options.
 * @returns The raw response; pass it to {@linkcode processInvitesResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { invitesRequest, processInvitesResponse } from "./invite.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const sent = processInvitesResponse(await invitesRequest(config, token));
 * assert.deepEqual(sent, []); // nobody invited yet
 * await emulator.close();
 * ```
 */
export function invitesRequest(
  context: RequestContext,
  token: Token | string,
  options: InvitesOptions = {},
): Promise<PlexResponse> {
  const path = optionalFlag(options.received, "received", false)
    ? "/api/invites/requests"
    : "/api/invites/requested";
  return send(context, { method: "GET", host: "url", path, token, accept: "xml" }, options);
}

/** What {@linkcode processInvitesResponse} returns, from a response whose status was checked. */
function readInvitesResponse(response: PlexResponse): Invite[] {
  return parseInvites(response.body);
}

/**
 * Checks an invitations response and returns the invitations.
 *
 * @param response The response, or a recorded one.
 * @returns The invitations.
 * @throws {PlexError} `unauthorized`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processInvitesResponse } from "./invite.ts";
 * assert.equal(processInvitesResponse({ status: 200, headers: new Headers(), url: "", body: "<MediaContainer/>" }).length, 0);
 * ```
 */
export function processInvitesResponse(response: PlexResponse): Invite[] {
  return readInvitesResponse(checkOk(response));
}

/**
 * Sends {@linkcode invitesRequest} and reads the answer as {@linkcode processInvitesResponse} does, with
 * the error reader loaded when a response first fails (`Client.invites()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The invites.
 * @throws {PlexError} what {@linkcode processInvitesResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { invites } from "./invite.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * assert.deepEqual(await invites(config, token), []); // none sent
 * await assert.rejects(invites(config, "not-a-token"), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export async function invites(
  context: RequestContext,
  token: Token | string,
  options: InvitesOptions = {},
): Promise<Invite[]> {
  return readInvitesResponse(await ensureOk(await invitesRequest(context, token, options)));
}
