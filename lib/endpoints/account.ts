/**
 * The plex.tv account (`GET {url}/api/v2/user`): the request, the typed
 * account, and the parser of its JSON form (the XML form: `account_xml.ts`,
 * apart so that the JSON path does not carry the XML parser).
 *
 * @module
 */
import { checkOk } from "../http/error_body.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexRequest,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
  sendJson,
} from "../http/send.ts";
import type { Token } from "../token.ts";
import {
  array,
  boolean,
  integer,
  nullable,
  object,
  optional,
  parse,
  parseOwned,
  string,
  unknownValue,
} from "../parse/validate.ts";
import { list, nullableSecret, requiredSecret, timestamp } from "../parse/fields.ts";

/**
 * The account's Plex Pass subscription.
 *
 * @example
 * ```ts
 * import type { Subscription } from "./account.ts";
 * function hasPlexPass(s: Subscription): boolean { return s.active && s.status === "Active"; }
 * ```
 */
export interface Subscription {
  /** Whether the subscription is active. */
  active: boolean;
  /** When it started; `null` for accounts that never subscribed. */
  subscribedAt: Date | null;
  /** `Active`, `Inactive`, ... */
  status: string;
  /** The payment service, e.g. `braintree`. */
  paymentService: string | null;
  /** The plan, e.g. `lifetime`. */
  plan: string | null;
  /** Feature flags of the account (empty when plex.tv sends none). */
  features: string[];
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * The account's playback profile.
 *
 * @example
 * ```ts
 * import type { Profile } from "./account.ts";
 * function audio(p: Profile): string { return p.defaultAudioLanguage ?? "original"; }
 * ```
 */
export interface Profile {
  /** Pick the audio track automatically. */
  autoSelectAudio?: boolean;
  /** Preferred audio language. */
  defaultAudioLanguage: string | null;
  /** Preferred subtitle language. */
  defaultSubtitleLanguage: string | null;
  /** Subtitle mode (0 manual, 1 shown with foreign audio, 2 always). */
  autoSelectSubtitle?: number;
  /** Prefer accessibility (SDH) subtitles: 0 or 1. */
  defaultSubtitleAccessibility?: number;
  /** Prefer forced subtitles: 0 or 1. */
  defaultSubtitleForced?: number;
  /** Watched indicator mode. */
  watchedIndicator?: number;
  /** Who sees the account's reviews. */
  mediaReviewsVisibility?: number;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A service endpoint plex.tv hands to the account's apps (metadata, EPG, ...).
 * Its `token` and `secret` are {@linkcode Token}s: printing never shows them.
 *
 * @example
 * ```ts
 * import type { AccountService } from "./account.ts";
 * function online(s: AccountService): boolean { return s.status === "online"; }
 * ```
 */
export interface AccountService {
  /** The service name, e.g. `metadata`. */
  identifier: string;
  /** Its base URL. */
  endpoint: string;
  /** The token for the service, when it has one (a secret). */
  token: Token | null;
  /** The service secret, when it has one. */
  secret: Token | null;
  /** `online`, ... */
  status: string;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A plex.tv account as `GET /api/v2/user` returns it (the seed's `User`).
 * Unix-second fields are `Date`s; `authToken` is a {@linkcode Token}, so
 * printing or serialising the account never shows it. Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { Account } from "./account.ts";
 * function greet(account: Account): string { return `Hello ${account.friendlyName || account.username}`; }
 * ```
 */
export interface Account {
  /** The numeric account id. */
  id: number;
  /** The account UUID (used by home-user switching). */
  uuid: string;
  /** The username. */
  username: string;
  /** The display title. */
  title: string;
  /** The email address (`null` for managed users). */
  email: string | null;
  /** The friendly name; may be empty. */
  friendlyName: string;
  /** The locale, when set. */
  locale: string | null;
  /** Whether the email is confirmed. */
  confirmed: boolean;
  /** When the account was created. */
  joinedAt: Date;
  /** Whether the account signs in by email only. */
  emailOnlyAuth: boolean;
  /** Whether the account has a password. */
  hasPassword: boolean;
  /** Whether the account is PIN-protected. */
  protected: boolean;
  /** Avatar URL. */
  thumb: string;
  /** The account's token (a secret: printing shows it redacted). */
  authToken: Token;
  /** `active`, `unsubscribed`, ... */
  mailingListStatus: string;
  /** Whether the account is on the mailing list. */
  mailingListActive: boolean;
  /** Scrobble types, comma-separated; may be empty. */
  scrobbleTypes: string;
  /** Two-letter country code. */
  country: string;
  /** The Plex Pass subscription. */
  subscription: Subscription;
  /** Human description of the subscription. */
  subscriptionDescription: string | null;
  /** Whether this is a restricted (managed) user. */
  restricted: boolean;
  /** Whether the account is anonymous; `null` when plex.tv does not say. */
  anonymous: boolean | null;
  /** Whether the account belongs to a Plex Home. */
  home: boolean;
  /** Whether this is the guest user. */
  guest: boolean;
  /** Number of users in the home. */
  homeSize: number;
  /** Whether the account administers its home. */
  homeAdmin: boolean;
  /** The maximum home size. */
  maxHomeSize: number;
  /** When a remembered session expires. */
  rememberExpiresAt: Date;
  /** The playback profile. */
  profile: Profile;
  /** Entitlements (plain ids, or objects as plex.tv sends them). */
  entitlements: unknown[];
  /** Roles, e.g. `plexpass` (XML form only). */
  roles?: string[];
  /** Subscriptions (empty when plex.tv sends none: the field is optional in plex-api-spec). */
  subscriptions: unknown[];
  /** Service endpoints with their tokens. */
  services: AccountService[];
  /** Ads consent; `null` when not given. */
  adsConsent: boolean | null;
  /** When ads consent was given. */
  adsConsentSetAt: Date | null;
  /** When to remind about ads consent. */
  adsConsentReminderAt: Date | null;
  /** Whether experimental features are on. */
  experimentalFeatures: boolean;
  /** Whether two-factor authentication is on. */
  twoFactorEnabled: boolean;
  /** Whether 2FA backup codes were created. */
  backupCodesCreated: boolean;
  /** The attribution partner, when any. */
  attributionPartner: string | null;
  /** Any other field. */
  [field: string]: unknown;
}

const subscriptionValidator = object<Subscription>({
  active: boolean,
  subscribedAt: nullable(timestamp),
  status: string,
  paymentService: nullable(string),
  plan: nullable(string),
  features: list(string),
});

const profileValidator = object<Profile>({
  autoSelectAudio: optional(boolean),
  defaultAudioLanguage: nullable(string),
  defaultSubtitleLanguage: nullable(string),
  autoSelectSubtitle: optional(integer),
  defaultSubtitleAccessibility: optional(integer),
  defaultSubtitleForced: optional(integer),
  watchedIndicator: optional(integer),
  mediaReviewsVisibility: optional(integer),
});

const serviceValidator = object<AccountService>({
  identifier: string,
  endpoint: string,
  token: nullableSecret,
  secret: nullableSecret,
  status: string,
});

const orEmpty = (value: unknown, path: string): string =>
  value === undefined || value === null ? "" : string(value, path);

const accountValidator = object<Account>({
  id: integer,
  uuid: string,
  username: string,
  title: string,
  email: nullable(string),
  friendlyName: orEmpty,
  locale: nullable(string),
  confirmed: boolean,
  joinedAt: timestamp,
  emailOnlyAuth: boolean,
  hasPassword: boolean,
  protected: boolean,
  thumb: string,
  authToken: requiredSecret,
  mailingListStatus: string,
  mailingListActive: boolean,
  scrobbleTypes: orEmpty,
  country: string,
  subscription: subscriptionValidator,
  subscriptionDescription: nullable(string),
  restricted: boolean,
  anonymous: nullable(boolean),
  home: boolean,
  guest: boolean,
  homeSize: integer,
  homeAdmin: boolean,
  maxHomeSize: integer,
  rememberExpiresAt: timestamp,
  profile: profileValidator,
  entitlements: array(unknownValue),
  roles: optional(array(string)),
  subscriptions: list(unknownValue),
  services: array(serviceValidator),
  adsConsent: nullable(boolean),
  adsConsentSetAt: nullable(timestamp),
  adsConsentReminderAt: nullable(timestamp),
  experimentalFeatures: boolean,
  twoFactorEnabled: boolean,
  backupCodesCreated: boolean,
  attributionPartner: nullable(string),
});

/**
 * Validates a parsed account document (`/api/v2/user`, or the account inside a
 * sign-in response).
 *
 * @param doc The parsed JSON.
 * @returns The typed account.
 * @throws {PlexError} `invalid_response` naming the first wrong field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAccount } from "./account.ts";
 * assert.throws(() => parseAccount({ id: "62735028", uuid: "b9h6f3c8k1" }), {
 *   code: "invalid_response",
 *   message: /should be a string, got undefined|should be an integer, got string/,
 * });
 * ```
 */
export function parseAccount(doc: unknown): Account {
  return parse(accountValidator, doc);
}

/**
 * Sends `GET {url}/api/v2/user`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processUserResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processUserResponse, userRequest } from "./account.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const account = processUserResponse(await userRequest(config, token));
 * assert.equal(account.username, "plexuser");
 * assert.throws(() => processUserResponse({ status: 401, headers: new Headers(), url: "", body: "" }), {
 *   code: "unauthorized",
 * });
 * await emulator.close();
 * ```
 */
export function userRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, accountRequest(token), options);
}

const accountRequest = (token: Token | string): PlexRequest => ({
  method: "GET",
  host: "url",
  path: "/api/v2/user",
  token,
});

/** What {@linkcode processUserResponse} returns, from a response whose status was checked. */
function readUserResponse(response: PlexResponse): Account {
  // The document was just parsed from the body: it is validated in place.
  return parseOwned(accountValidator, readJson(response));
}

/**
 * Checks a `/api/v2/user` response and returns the account.
 *
 * @param response The response, or a recorded one.
 * @returns The typed account.
 * @throws {PlexError} `unauthorized`, `too_many_requests`, `server_error`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processUserResponse } from "./account.ts";
 * assert.throws(
 *   () =>
 *     processUserResponse({ status: 401, headers: new Headers(), url: "https://plex.tv/api/v2/user",
 *     body: '{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}' }),
 *   { code: "unauthorized" },
 * );
 * ```
 */
export function processUserResponse(response: PlexResponse): Account {
  return readUserResponse(checkOk(response));
}

/**
 * Sends {@linkcode userRequest} and reads the answer as {@linkcode processUserResponse} does, with
 * the error reader loaded when a response first fails (`Client.user()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The account.
 * @throws {PlexError} what {@linkcode processUserResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { user } from "./account.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * assert.equal((await user(config, token)).username, "plexuser");
 * await assert.rejects(user(config, "not-a-token"), { code: "unauthorized" });
 * await emulator.close();
 * ```
 */
export async function user(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<Account> {
  return readUserResponse(await ensureOk(await sendJson(context, accountRequest(token), options)));
}
