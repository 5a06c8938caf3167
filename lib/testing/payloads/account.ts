/**
 * The account bodies: `GET /api/v2/user` and `POST /api/v2/users/signin`
 * (JSON, shaped like the real capture `signin.json` and plex-api-spec's
 * UserPlexAccount), their XML form (like python-plexapi's `ACCOUNT_XML`),
 * and the legacy `POST /users/sign_in.json` envelope `{"user": {...}}` and
 * `/users/sign_in.xml`.
 *
 * @module
 */
import type { EmulatorUser } from "../state/accounts.ts";
import { XML_PROLOG } from "../respond.ts";
import { escapeXml, xmlAttributes } from "../xml_text.ts";

const FEATURES = [
  "home",
  "two-factor-authentication",
  "lets_encrypt",
  "livetv",
  "collections",
  "federated-auth",
  "companions_sonos",
];

/** What an account body needs besides the account. */
export interface AccountContext {
  /** The token to put in `authToken`. */
  token: string;
  /** Members of the account's home. */
  homeSize: number;
  /** The emulator's time, unix seconds. */
  nowSeconds: number;
}

/**
 * The account JSON of `/api/v2/user` and of a sign-in (which adds `pastSubscriptions` and `trials`).
 *
 * @param user The account.
 * @param context Token, home size and time.
 * @param signin The sign-in shape.
 * @returns The account object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { accountJson } from "./account.ts";
 * const account = accountJson(new Accounts().users.default, { token: "t", homeSize: 3, nowSeconds: 0 }, true);
 * assert.ok(account.username === "plexuser" && Array.isArray(account.trials));
 * ```
 */
export function accountJson(
  user: EmulatorUser,
  context: AccountContext,
  signin: boolean,
): Record<string, unknown> {
  return {
    id: user.id,
    uuid: user.uuid,
    username: user.username,
    title: user.username,
    email: user.email,
    friendlyName: user.friendlyName,
    locale: null,
    confirmed: true,
    joinedAt: user.joinedAt,
    emailOnlyAuth: false,
    hasPassword: user.password !== undefined,
    protected: user.pin !== undefined,
    thumb: `https://plex.tv/users/${user.uuid}/avatar?c=1700000000`,
    authToken: context.token,
    mailingListStatus: "unsubscribed",
    mailingListActive: false,
    scrobbleTypes: "",
    country: "NL",
    subscription: {
      active: true,
      subscribedAt: "2021-04-01T10:00:00Z",
      status: "Active",
      paymentService: "braintree",
      plan: "yearly",
      features: FEATURES,
    },
    subscriptionDescription: "Plex Pass yearly",
    restricted: user.restricted,
    anonymous: false,
    home: user.homeId !== undefined,
    guest: false,
    homeSize: context.homeSize,
    homeAdmin: user.homeAdmin,
    maxHomeSize: 15,
    rememberExpiresAt: context.nowSeconds + 30 * 86_400,
    profile: {
      autoSelectAudio: true,
      defaultAudioLanguage: "en",
      defaultSubtitleLanguage: "en",
      autoSelectSubtitle: 1,
      defaultSubtitleAccessibility: 0,
      defaultSubtitleForced: 0,
      watchedIndicator: 1,
      mediaReviewsVisibility: 0,
    },
    entitlements: ["all"],
    roles: ["plexpass"],
    subscriptions: [{
      id: 90_000 + (user.id % 1_000),
      mode: "yearly",
      renewsAt: 1_893_456_000,
      endsAt: null,
      billing: { paymentMethodId: null, internalPaymentMethod: {} },
      canceled: false,
      gracePeriod: false,
      onHold: false,
      canReactivate: false,
      canUpgrade: false,
      canDowngrade: false,
      canConvert: false,
      type: "plexpass",
      transfer: null,
      state: "active",
    }],
    ...(signin ? { pastSubscriptions: [], trials: [] } : {}),
    services: [
      {
        identifier: "metadata",
        endpoint: "https://metadata.example.invalid",
        token: null,
        secret: null,
        status: "online",
      },
    ],
    adsConsent: null,
    adsConsentSetAt: null,
    adsConsentReminderAt: null,
    experimentalFeatures: false,
    twoFactorEnabled: user.verificationCode !== undefined,
    backupCodesCreated: false,
    attributionPartner: null,
  };
}

/**
 * The envelope of the legacy `POST /users/sign_in.json`: `{"user": {...}}`
 * with the fields of an old capture (`authentication_token`, `joined_at`,
 * `subscription`, `roles`, `entitlements`, ...) and those @ctrl/plex reads
 * (`authToken`, `uuid`, `homeSize`, `certificateVersion`, ...).
 *
 * @param user The account.
 * @param context Token, home size and time.
 * @returns The envelope.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { legacySignInJson } from "./account.ts";
 * const { user } = legacySignInJson(new Accounts().users.default, { token: "t", homeSize: 1, nowSeconds: 0 });
 * assert.ok(user.authToken === "t" && user.authentication_token === "t");
 * ```
 */
export function legacySignInJson(
  user: EmulatorUser,
  context: AccountContext,
): { user: Record<string, unknown> } {
  const account = accountJson(user, context, false);
  return {
    user: {
      id: user.id,
      uuid: user.uuid,
      email: user.email,
      joined_at: new Date(user.joinedAt * 1000).toISOString().replace(".000Z", "Z"),
      username: user.username,
      title: user.username,
      thumb: account.thumb,
      hasPassword: account.hasPassword,
      authToken: context.token,
      authentication_token: context.token,
      subscription: { active: true, status: "Active", plan: "yearly", features: FEATURES },
      roles: { roles: ["plexpass"] },
      entitlements: ["all"],
      confirmedAt: new Date(user.joinedAt * 1000 + 3_600_000).toISOString().replace(".000Z", "Z"),
      forumId: null,
      restricted: user.restricted,
      home: account.home,
      guest: false,
      homeSize: context.homeSize,
      homeAdmin: user.homeAdmin,
      maxHomeSize: 15,
      certificateVersion: 2,
      locale: null,
      mailingListStatus: "unsubscribed",
      mailingListActive: false,
      queueEmail: `queue+${user.uuid}@save.plex.tv`,
      scrobbleTypes: "",
      rememberExpiresAt: account.rememberExpiresAt,
    },
  };
}

/**
 * The account XML of `/api/v2/user` (plex.tv's default when `Accept` is not
 * JSON) and of the legacy `/users/sign_in.xml` (which adds
 * `authenticationToken` and the old child elements).
 *
 * @param user The account.
 * @param context Token, home size and time.
 * @param legacy The `/users/sign_in.xml` shape.
 * @returns The XML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Accounts } from "../state/accounts.ts";
 * import { accountXml } from "./account.ts";
 * const xml = accountXml(new Accounts().users.default, { token: "t", homeSize: 3, nowSeconds: 0 }, false);
 * assert.ok(xml.includes('username="plexuser"'));
 * ```
 */
export function accountXml(user: EmulatorUser, context: AccountContext, legacy: boolean): string {
  const json = accountJson(user, context, false);
  const scalar: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    if (value === null || typeof value !== "object") scalar[name] = value;
  }
  if (legacy) scalar.authenticationToken = context.token;
  const features = FEATURES.map((id) => `      <feature id="${escapeXml(id)}"/>\n`).join("");
  const old = legacy
    ? `  <username>${escapeXml(user.username)}</username>\n  <email>${escapeXml(user.email)}</email>\n` +
      `  <joined-at type="datetime">${
        new Date(user.joinedAt * 1000).toISOString().replace(".000Z", "Z")
      }</joined-at>\n` +
      `  <authentication-token>${escapeXml(context.token)}</authentication-token>\n`
    : "";
  return `${XML_PROLOG}<user${xmlAttributes(scalar)}>
  <subscription active="1" subscribedAt="2021-04-01 10:00:00 UTC" status="Active" paymentService="braintree" plan="yearly">
    <features>
${features}    </features>
  </subscription>
  <profile autoSelectAudio="1" defaultAudioLanguage="en" defaultSubtitleLanguage="en" autoSelectSubtitle="1" defaultSubtitleAccessibility="0" defaultSubtitleForced="0"/>
  <entitlements>
    <entitlement id="all"/>
  </entitlements>
  <roles>
    <role id="plexpass"/>
  </roles>
  <subscriptions>
  </subscriptions>
  <services>
  </services>
${old}</user>
`;
}

/**
 * Replaces the `authToken` of a payload file's JSON account with the real token.
 *
 * @param text The payload JSON.
 * @param token The token.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withJsonToken } from "./account.ts";
 * assert.equal(withJsonToken('{"authToken":"x"}', "y"), '{"authToken":"y"}');
 * ```
 */
export function withJsonToken(text: string, token: string): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  doc.authToken = token;
  return JSON.stringify(doc);
}

/**
 * Replaces the `authToken`/`authenticationToken` attributes of a payload file's XML account.
 *
 * @param text The payload XML.
 * @param token The token.
 * @returns The XML text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withXmlToken } from "./account.ts";
 * assert.equal(withXmlToken('<user authToken="x"/>', "y"), '<user authToken="y"/>');
 * ```
 */
export function withXmlToken(text: string, token: string): string {
  return text.replace(/\b(authToken|authenticationToken)="[^"]*"/g, `$1="${escapeXml(token)}"`);
}
