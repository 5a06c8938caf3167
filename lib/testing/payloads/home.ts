/**
 * Plex Home bodies: `GET /api/v2/home` (plex-api-spec `home.yaml`: numbers
 * and strings, never null) and `GET /api/v2/home/users` (the fields of a
 * 2020 capture of Plex Web), and the v1 XML list `GET /api/home/users`
 * python-plexapi reads.
 *
 * @module
 */
import type { EmulatorUser } from "../state/accounts.ts";
import type { HomeRecord } from "../state/home.ts";
import { XML_PROLOG } from "../respond.ts";
import { xmlAttributes } from "../xml_text.ts";

/**
 * The home object of `GET /api/v2/home` (and the top of `/api/v2/home/users`).
 *
 * @param home The home.
 * @returns The object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { homeOf } from "../state/home.ts";
 * import { homeJson } from "./home.ts";
 * const accounts = new Accounts();
 * assert.equal(typeof homeJson(homeOf(accounts, accounts.users.default)).guestUserUUID, "string");
 * ```
 */
export function homeJson(home: HomeRecord): Record<string, unknown> {
  return {
    id: home.id,
    name: home.name,
    guestUserID: home.guestUserID,
    guestUserUUID: home.guestUserUUID,
    guestEnabled: home.guestEnabled,
    subscription: home.subscription,
  };
}

/**
 * A home user as `GET /api/v2/home/users` lists it.
 *
 * @param user The member.
 * @returns The JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { homeUserJson } from "./home.ts";
 * assert.equal(homeUserJson(new Accounts().users.protectedHomeMember).protected, true);
 * ```
 */
export function homeUserJson(user: EmulatorUser): Record<string, unknown> {
  return {
    id: user.id,
    uuid: user.uuid,
    title: user.friendlyName,
    username: user.password === undefined ? null : user.username,
    email: user.password === undefined ? null : user.email,
    friendlyName: user.friendlyName,
    thumb: `https://plex.tv/users/${user.uuid}/avatar?c=1700000000`,
    hasPassword: user.password !== undefined,
    restricted: user.restricted,
    updatedAt: 1_700_000_000,
    restrictionProfile: user.restricted ? "little_kid" : null,
    admin: user.homeAdmin,
    guest: false,
    protected: user.pin !== undefined,
  };
}

/**
 * The v1 XML home list (`GET /api/home/users`).
 *
 * @param home The home.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { homeOf } from "../state/home.ts";
 * import { homeUsersXml } from "./home.ts";
 * const accounts = new Accounts();
 * assert.match(homeUsersXml(homeOf(accounts, accounts.users.default)), /<User id="\d+"/);
 * ```
 */
export function homeUsersXml(home: HomeRecord): string {
  const users = home.members.map((user) =>
    `  <User${
      xmlAttributes({
        id: user.id,
        uuid: user.uuid,
        admin: user.homeAdmin,
        guest: false,
        restricted: user.restricted,
        protected: user.pin !== undefined,
        title: user.friendlyName,
        username: user.password === undefined ? "" : user.username,
        email: user.password === undefined ? "" : user.email,
        thumb: `https://plex.tv/users/${user.uuid}/avatar?c=1700000000`,
      })
    }/>\n`
  ).join("");
  return `${XML_PROLOG}<MediaContainer friendlyName="myPlex" identifier="com.plexapp.plugins.myplex" machineIdentifier="${home.id}" size="${home.members.length}">\n${users}</MediaContainer>\n`;
}
