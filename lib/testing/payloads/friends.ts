/**
 * Friend and sharing bodies: `GET /api/v2/friends` (plex-api-spec's Friend,
 * `sharedServers` empty as the spec's issue 29 reports for v2), the v1 XML
 * `GET /api/users` (the real capture `users_v1.xml`: `<User>` with
 * `<Server>`), and `GET /api/servers/{machineIdentifier}/shared_servers`
 * (`<SharedServer userID accessToken>` with `<Section>`, as python-plexapi
 * reads it).
 *
 * @module
 */
import type { FriendRecord } from "../state/friends.ts";
import { XML_PROLOG } from "../respond.ts";
import { xmlAttributes } from "../xml_text.ts";
import { SERVER_MACHINE_ID } from "./resources.ts";

/** The library sections of the built-in server. */
export const SERVER_SECTIONS: readonly { key: number; title: string; type: string }[] = [
  { key: 1, title: "Movies", type: "movie" },
  { key: 2, title: "TV Shows", type: "show" },
  { key: 3, title: "Music", type: "artist" },
];

const MYPLEX = `friendlyName="myPlex" identifier="com.plexapp.plugins.myplex"`;

function thumb(uuid: string): string {
  return `https://plex.tv/users/${uuid}/avatar?c=1700000000`;
}

/**
 * A friend as `GET /api/v2/friends` lists it.
 *
 * @param friend The friend.
 * @returns The Friend object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Friends } from "../state/friends.ts";
 * import { friendJson } from "./friends.ts";
 * const doc = friendJson(new Friends().add(1, { username: "alice" }));
 * assert.ok(doc.status === "accepted" && Array.isArray(doc.sharedServers));
 * ```
 */
export function friendJson(friend: FriendRecord): Record<string, unknown> {
  return {
    email: friend.email,
    friendlyName: friend.friendlyName,
    home: false,
    id: friend.id,
    restricted: friend.restricted,
    sharedServers: [],
    sharedSources: [],
    status: "accepted",
    thumb: thumb(friend.uuid),
    title: friend.friendlyName ?? friend.username,
    username: friend.username,
    uuid: friend.uuid,
  };
}

/**
 * The v1 XML list of users the account shares with (`GET /api/users`).
 *
 * @param friends The friends.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Friends } from "../state/friends.ts";
 * import { sharedUsersXml } from "./friends.ts";
 * const friends = new Friends();
 * friends.add(1, { username: "alice" });
 * assert.match(sharedUsersXml(friends.of(1)), /<User id="\d+" title="alice"[^>]*>\n    <Server /);
 * ```
 */
export function sharedUsersXml(friends: FriendRecord[]): string {
  const users = friends.map((friend) =>
    `  <User${
      xmlAttributes({
        id: friend.id,
        title: friend.friendlyName ?? friend.username,
        username: friend.username,
        email: friend.email,
        recommendationsPlaylistId: "",
        thumb: thumb(friend.uuid),
        protected: false,
        home: false,
        allowTuners: false,
        allowSync: true,
        allowCameraUpload: false,
        allowChannels: false,
        allowSubtitleAdmin: false,
        filterAll: "",
        filterMovies: "",
        filterMusic: "",
        filterPhotos: "",
        filterTelevision: "",
        restricted: friend.restricted,
      })
    }>\n    <Server${
      xmlAttributes({
        id: friend.id + 1_000_000,
        serverId: 600000001,
        machineIdentifier: SERVER_MACHINE_ID,
        name: "Emulated Server",
        lastSeenAt: 1_700_000_000,
        numLibraries: friend.sectionKeys.length,
        allLibraries: friend.sectionKeys.length === SERVER_SECTIONS.length,
        owned: true,
        pending: false,
      })
    }/>\n  </User>\n`
  ).join("");
  return `${XML_PROLOG}<MediaContainer ${MYPLEX} machineIdentifier="${SERVER_MACHINE_ID}" totalSize="${friends.length}" size="${friends.length}">\n${users}</MediaContainer>\n`;
}

/**
 * Who has which libraries of a server (`GET /api/servers/{machineIdentifier}/shared_servers`).
 *
 * @param friends The friends the server is shared with.
 * @param machineIdentifier The server.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Friends } from "../state/friends.ts";
 * import { sharedServersXml } from "./friends.ts";
 * const friends = new Friends();
 * friends.add(1, { username: "alice", sectionKeys: [1] });
 * assert.match(sharedServersXml(friends.of(1), "m"), /<Section id="\d+" key="1" title="Movies" type="movie" shared="1"\/>/);
 * ```
 */
export function sharedServersXml(friends: FriendRecord[], machineIdentifier: string): string {
  const servers = friends.map((friend) => {
    const sections = SERVER_SECTIONS.map((section) =>
      `    <Section${
        xmlAttributes({
          id: friend.id * 10 + section.key,
          key: section.key,
          title: section.title,
          type: section.type,
          shared: friend.sectionKeys.includes(section.key),
        })
      }/>\n`
    ).join("");
    return `  <SharedServer${
      xmlAttributes({
        id: friend.id + 1_000_000,
        username: friend.username,
        email: friend.email,
        userID: friend.id,
        accessToken: friend.serverToken,
        name: "Emulated Server",
        acceptedAt: friend.acceptedAt,
        invitedAt: friend.acceptedAt - 3_600,
        allowSync: true,
        allowCameraUpload: false,
        allowChannels: false,
        allowTuners: false,
        allowSubtitleAdmin: false,
        owned: false,
        allLibraries: friend.sectionKeys.length === SERVER_SECTIONS.length,
        filterAll: "",
        filterMovies: "",
        filterMusic: "",
        filterPhotos: "",
        filterTelevision: "",
      })
    }>\n${sections}  </SharedServer>\n`;
  }).join("");
  return `${XML_PROLOG}<MediaContainer ${MYPLEX} machineIdentifier="${machineIdentifier}" size="${friends.length}">\n${servers}</MediaContainer>\n`;
}
