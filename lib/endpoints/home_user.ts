/**
 * Plex Home (`GET {url}/api/v2/home/users`) and switching to a home user
 * (`POST {url}/api/v2/home/users/{uuid}/switch`), which returns that user's token.
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
import { flag, required } from "../parse/attribute_values.ts";
import { requiredSecret, timestamp } from "../parse/fields.ts";

/**
 * A user of the account's Plex Home.
 *
 * @example
 * ```ts
 * import type { HomeUser } from "./home_user.ts";
 * function needsPin(u: HomeUser): boolean { return u.protected; }
 * ```
 */
export interface HomeUser {
  /** The user's account id. */
  id: number;
  /** The user's UUID (what switching takes). */
  uuid: string;
  /** The display title. */
  title: string;
  /** The username; `null` for managed users. */
  username: string | null;
  /** The email; `null` for managed users. */
  email: string | null;
  /** The friendly name. */
  friendlyName: string | null;
  /** Avatar URL. */
  thumb?: string;
  /** Whether the user has a password. */
  hasPassword: boolean;
  /** Whether this is a restricted (managed) user. */
  restricted: boolean;
  /** When the user was last updated. */
  updatedAt?: Date;
  /** The restriction profile of a managed user, e.g. `little_kid`. */
  restrictionProfile: string | null;
  /** Whether the user administers the home. */
  admin: boolean;
  /** Whether this is the guest user. */
  guest: boolean;
  /** Whether switching to the user needs its PIN. */
  protected: boolean;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * The account's Plex Home with its users.
 *
 * @example
 * ```ts
 * import type { Home } from "./home_user.ts";
 * function admins(home: Home): string[] { return home.users.filter((u) => u.admin).map((u) => u.title); }
 * ```
 */
export interface Home {
  /** The home id. */
  id?: number;
  /** The home's name. */
  name?: string;
  /** The guest user's id. */
  guestUserID?: number;
  /** The guest user's UUID. */
  guestUserUUID?: string;
  /** Whether the guest user is enabled. */
  guestEnabled: boolean;
  /** Whether the home has a Plex Pass. */
  subscription: boolean;
  /** The users. */
  users: HomeUser[];
  /** Any other field. */
  [field: string]: unknown;
}

const homeUserValidator = object<HomeUser>({
  id: required(integer),
  uuid: required(string),
  title: required(string),
  username: nullable(string),
  email: nullable(string),
  friendlyName: nullable(string),
  thumb: optional(string),
  hasPassword: flag,
  restricted: flag,
  updatedAt: optional(timestamp),
  restrictionProfile: nullable(string),
  admin: flag,
  guest: flag,
  protected: flag,
});

const homeValidator = object<Home>({
  id: optional(integer),
  name: optional(string),
  guestUserID: optional(integer),
  guestUserUUID: optional(string),
  guestEnabled: flag,
  subscription: flag,
  users: array(homeUserValidator),
});

/**
 * Validates a parsed `/api/v2/home/users` document: `{id, name, ..., users: [...]}`
 * (a bare array of users is accepted too).
 *
 * @param doc The parsed JSON.
 * @returns The home and its users.
 * @throws {PlexError} `invalid_response` naming the first wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHome } from "./home_user.ts";
 * const home = parseHome({ id: 1, name: "Home", users: [{ id: 2, uuid: "u2", title: "Kid", restricted: true, protected: 1 }] });
 * assert.ok(home.users[0]?.protected === true && home.users[0].admin === false);
 * ```
 */
export function parseHome(doc: unknown): Home {
  return parse(homeValidator, Array.isArray(doc) ? { users: doc } : doc);
}

/**
 * Sends `GET {url}/api/v2/home/users`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processHomeUsersResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { homeUsersRequest, processHomeUsersResponse } from "./home_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const home = processHomeUsersResponse(await homeUsersRequest(config, token));
 * assert.deepEqual(home.users.map((user) => user.title), ["Plex User", "Kid", "Partner"]);
 * await emulator.close();
 * ```
 */
export function homeUsersRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/api/v2/home/users", token }, options);
}

/** What {@linkcode processHomeUsersResponse} returns, from a response whose status was checked. */
function readHomeUsersResponse(response: PlexResponse): Home {
  return parseHome(readJson(response));
}

/**
 * Checks a `/api/v2/home/users` response and returns the home.
 *
 * @param response The response, or a recorded one.
 * @returns The home and its users.
 * @throws {PlexError} `unauthorized`, `too_many_requests`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processHomeUsersResponse } from "./home_user.ts";
 * const home = processHomeUsersResponse({ status: 200, headers: new Headers(), url: "", body: '{"users":[]}' });
 * assert.equal(home.users.length, 0);
 * ```
 */
export function processHomeUsersResponse(response: PlexResponse): Home {
  return readHomeUsersResponse(checkOk(response));
}

/**
 * Sends {@linkcode homeUsersRequest} and reads the answer as {@linkcode processHomeUsersResponse} does, with
 * the error reader loaded when a response first fails (`Client.home()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The home and its users.
 * @throws {PlexError} what {@linkcode processHomeUsersResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { home } from "./home_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const { name, users } = await home(config, token);
 * assert.equal(name, "Plex User's Home");
 * assert.deepEqual(users.map((user) => user.title), ["Plex User", "Kid", "Partner"]);
 * await emulator.close();
 * ```
 */
export async function home(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<Home> {
  return readHomeUsersResponse(await ensureOk(await homeUsersRequest(context, token, options)));
}

/**
 * Options of a home-user switch.
 *
 * @example
 * ```ts
 * import type { SwitchHomeUserOptions } from "./home_user.ts";
 * const options: SwitchHomeUserOptions = { pin: "1234" };
 * ```
 */
export interface SwitchHomeUserOptions extends CallOptions {
  /** The user's PIN, when the user is protected (sent in the body, never in the URL). */
  pin?: string;
}

/**
 * Checks a switch: the home user (or its UUID) and, when given, the PIN, a string of digits.
 *
 * @param user The home user, or its UUID.
 * @param options The switch's options.
 * @returns The UUID and the PIN.
 * @throws {PlexError} `invalid_argument` for a missing user or a PIN that is not a string of digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { switchTarget } from "./home_user.ts";
 * assert.deepEqual(switchTarget("u-1", { pin: "1234" }), { uuid: "u-1", pin: "1234" });
 * assert.throws(() => switchTarget("u-1", { pin: 1234 as unknown as string }), { code: "invalid_argument" });
 * ```
 */
export function switchTarget(
  user: HomeUser | string,
  options: SwitchHomeUserOptions = {},
): { uuid: string; pin?: string } {
  const uuid = typeof user === "string" ? user : user?.uuid;
  if (typeof uuid !== "string" || uuid === "") {
    throw new PlexError("invalid_argument", "A home user or its UUID is required");
  }
  const { pin } = options;
  if (pin !== undefined && !(typeof pin === "string" && /^\d{1,16}$/.test(pin))) {
    throw new PlexError("invalid_argument", "A home user's PIN is a string of digits");
  }
  return pin === undefined ? { uuid } : { uuid, pin };
}

/**
 * Sends `POST {url}/api/v2/home/users/{uuid}/switch` (with the `pin` as a form field when given).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param user The home user or its UUID.
 * @param options The PIN and call options.
 * @returns The raw response; pass it to {@linkcode processSwitchHomeUserResponse}.
 * @throws {PlexError} `invalid_argument` for an empty UUID.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import {
 *   homeUsersRequest,
 *   processHomeUsersResponse,
 *   processSwitchHomeUserResponse,
 *   switchHomeUserRequest,
 * } from "./home_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const { users } = processHomeUsersResponse(await homeUsersRequest(config, token));
 * const partner = users.find((user) => user.protected)!; // or its UUID
 * const wrong = await switchHomeUserRequest(config, token, partner, { pin: "0000" });
 * assert.throws(() => processSwitchHomeUserResponse(wrong), { code: "pin_required" });
 * const right = await switchHomeUserRequest(config, token, partner, { pin: "4321" });
 * const partnerToken = processSwitchHomeUserResponse(right);
 * assert.ok(partnerToken.isLegacy());
 * await emulator.close();
 * ```
 */
export function switchHomeUserRequest(
  context: RequestContext,
  token: Token | string,
  user: HomeUser | string,
  options: SwitchHomeUserOptions = {},
): Promise<PlexResponse> {
  const { uuid, pin } = switchTarget(user, options);
  return send(context, {
    method: "POST",
    host: "url",
    path: `/api/v2/home/users/${encodeURIComponent(uuid)}/switch`,
    form: { pin },
    token,
  }, options);
}

/** What {@linkcode processSwitchHomeUserResponse} returns, from a response whose status was checked. */
function readSwitchHomeUserResponse(response: PlexResponse): Token {
  return parse(object<{ authToken: Token }>({ authToken: requiredSecret }), readJson(response)).authToken;
}

/**
 * Checks a switch response (the home user's account with its `authToken`)
 * and returns that user's token.
 *
 * @param response The response, or a recorded one.
 * @returns The home user's token.
 * @throws {PlexError} `pin_required` (1041: the user is protected and no or a wrong PIN was sent),
 *   `unauthorized`, `not_found`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processSwitchHomeUserResponse } from "./home_user.ts";
 * assert.throws(
 *   () =>
 *     processSwitchHomeUserResponse({ status: 403, headers: new Headers(), url: "",
 *     body: '{"errors":[{"code":1041,"message":"A valid PIN is required to perform this action","status":403}]}' }),
 *   { code: "pin_required" },
 * );
 * ```
 */
export function processSwitchHomeUserResponse(response: PlexResponse): Token {
  return readSwitchHomeUserResponse(checkOk(response));
}

/**
 * Sends {@linkcode switchHomeUserRequest} and reads the answer as {@linkcode processSwitchHomeUserResponse} does, with
 * the error reader loaded when a response first fails (`Client.switchHomeUser()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param user The home user or its uuid.
 * @param options Call options.
 * @returns The home user's token.
 * @throws {PlexError} what {@linkcode processSwitchHomeUserResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { home, switchHomeUser } from "./home_user.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const kid = (await home(config, token)).users.find((user) => user.restricted)!;
 * assert.ok((await switchHomeUser(config, token, kid)).isLegacy()); // no PIN: a kid's token
 * const partner = (await home(config, token)).users.find((user) => user.protected)!;
 * await assert.rejects(switchHomeUser(config, token, partner), { code: "pin_required" });
 * await emulator.close();
 * ```
 */
export async function switchHomeUser(
  context: RequestContext,
  token: Token | string,
  user: HomeUser | string,
  options: SwitchHomeUserOptions = {},
): Promise<Token> {
  return readSwitchHomeUserResponse(
    await ensureOk(await switchHomeUserRequest(context, token, user, options)),
  );
}
