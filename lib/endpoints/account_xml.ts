/**
 * The plex.tv account in its XML form (`/api/v2/user` without
 * `Accept: application/json`), read into the same typed account and checked
 * by the same validator as the JSON form. Apart from `account.ts` so that
 * `user()` (JSON) does not load the XML parser.
 *
 * @module
 */
import { attributesOf, expectRoot } from "../parse/xml_fields.ts";
import { parseXml, type XmlElement } from "../parse/xml.ts";
import { type Account, parseAccount } from "./account.ts";

/**
 * Reads an account from its XML form (`/api/v2/user` without
 * `Accept: application/json`, `<user ...><subscription><features>...`).
 *
 * @param text The XML body.
 * @returns The typed account.
 * @throws {PlexError} `invalid_response` for malformed XML or a missing attribute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAccountXml } from "./account_xml.ts";
 * assert.throws(() => parseAccountXml('<user id="12345" uuid="1234567890"/>'), { code: "invalid_response" });
 * ```
 */
export function parseAccountXml(text: string): Account {
  const user = expectRoot(parseXml(text), "user");
  const ids = (parent: XmlElement | undefined, list: string, item: string): string[] =>
    (parent?.children[list]?.[0]?.children[item] ?? []).map((e) => e.attributes.id ?? "");
  const subscription = user.children.subscription?.[0];
  const doc: Record<string, unknown> = {
    ...attributesOf(user),
    subscription: subscription &&
      { ...attributesOf(subscription), features: ids(subscription, "features", "feature") },
    profile: user.children.profile?.[0] && attributesOf(user.children.profile[0]),
    entitlements: ids(user, "entitlements", "entitlement"),
    roles: ids(user, "roles", "role"),
    subscriptions: (user.children.subscriptions?.[0]?.children.subscription ?? []).map(attributesOf),
    services: (user.children.services?.[0]?.children.service ?? []).map(attributesOf),
  };
  return parseAccount(doc);
}
