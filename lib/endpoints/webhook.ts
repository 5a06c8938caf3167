/**
 * The account's webhooks: the URLs plex.tv calls on playback and library
 * events (a Plex Pass feature). plex.tv keeps the whole list:
 * `GET {url}/api/v2/user/webhooks` reads it and `POST` with a form field
 * `urls[]` per URL (or an empty `urls` to clear it) replaces it, as
 * python-plexapi's `setWebhooks` does. Both answer XML whose root holds one
 * `<webhook url="..."/>` per URL; the JSON form is not documented, so plextv
 * asks for XML.
 *
 * Adding and removing are a read followed by a write of the whole list;
 * another writer in between is overwritten. URLs are compared as URLs
 * (`https://Example.com` is `https://example.com/`).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";
import { string } from "../parse/validate.ts";
import { required } from "../parse/attribute_values.ts";
import { attributesOf } from "../parse/xml_fields.ts";
import { parseXml } from "../parse/xml.ts";

const PATH = "/api/v2/user/webhooks";
const MAX_URL_LENGTH = 2048;

/**
 * Checks a webhook URL: `http:` or `https:` with a host, at most 2048
 * characters, no spaces or control characters. The error does not repeat the
 * URL, which may hold a secret.
 *
 * @param url The URL plex.tv should call.
 * @returns The URL in its normal form (`new URL(url).href`).
 * @throws {PlexError} `invalid_argument` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { webhookUrl } from "./webhook.ts";
 * assert.equal(webhookUrl("https://Hooks.example.com"), "https://hooks.example.com/");
 * assert.throws(() => webhookUrl("ftp://hooks.example.com/"), { code: "invalid_argument" });
 * ```
 */
export function webhookUrl(url: string): string {
  let parsed: URL | undefined;
  // deno-lint-ignore no-control-regex
  if (typeof url === "string" && url.length <= MAX_URL_LENGTH && !/[\s\x00-\x1f\x7f]/.test(url)) {
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.hostname) {
    throw new PlexError(
      "invalid_argument",
      `A webhook URL is an http: or https: URL with a host, at most ${MAX_URL_LENGTH} characters, without spaces`,
    );
  }
  return parsed.href;
}

function normal(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/**
 * The list with `url` added at the end, or `undefined` when it is already
 * there (compared as URLs): adding an existing webhook changes nothing.
 *
 * @param urls The current webhooks.
 * @param url The webhook to add, from {@linkcode webhookUrl}.
 * @returns The new list, or `undefined` when nothing changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withWebhook } from "./webhook.ts";
 * assert.deepEqual(withWebhook(["https://a.example/"], "https://b.example/"), ["https://a.example/", "https://b.example/"]);
 * assert.equal(withWebhook(["https://a.example"], "https://a.example/"), undefined);
 * ```
 */
export function withWebhook(urls: readonly string[], url: string): string[] | undefined {
  const wanted = normal(url);
  return urls.some((u) => normal(u) === wanted) ? undefined : [...urls, url];
}

/**
 * Checks a webhook URL to remove: a string (any listed URL, as plex.tv stored it).
 *
 * @param url The URL.
 * @returns It.
 * @throws {PlexError} `invalid_argument` when it is not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removableUrl } from "./webhook.ts";
 * assert.throws(() => removableUrl(42 as unknown as string), { code: "invalid_argument" });
 * ```
 */
export function removableUrl(url: string): string {
  if (typeof url !== "string") throw new PlexError("invalid_argument", "A webhook URL is a string");
  return url;
}

/**
 * The list without `url` (compared as URLs). Removing a webhook the account
 * does not have is an error, so a mistyped URL does not pass for a removal.
 *
 * @param urls The current webhooks.
 * @param url The webhook to remove.
 * @returns The new list.
 * @throws {PlexError} `not_found` when `url` is not in the list; `invalid_argument` when it is not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutWebhook } from "./webhook.ts";
 * assert.deepEqual(withoutWebhook(["https://a.example/", "https://b.example/"], "https://a.example"), ["https://b.example/"]);
 * assert.throws(() => withoutWebhook([], "https://a.example/"), { code: "not_found" });
 * ```
 */
export function withoutWebhook(urls: readonly string[], url: string): string[] {
  const unwanted = normal(removableUrl(url));
  const rest = urls.filter((u) => normal(u) !== unwanted);
  if (rest.length === urls.length) {
    throw new PlexError("not_found", `The account has no such webhook (it has ${urls.length})`, {
      hint: "List them with webhooks(); the URL must match one of them",
    });
  }
  return rest;
}

/**
 * Parses a webhooks body: the `url` of every `<webhook>` under the root.
 *
 * @param text The XML body.
 * @returns The URLs, in document order.
 * @throws {PlexError} `invalid_response` for malformed XML or a `<webhook>` without a `url`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWebhooks } from "./webhook.ts";
 * assert.deepEqual(parseWebhooks('<MediaContainer size="1"><webhook url="https://hooks.example/plex"/></MediaContainer>'), [
 *   "https://hooks.example/plex",
 * ]);
 * ```
 */
export function parseWebhooks(text: string): string[] {
  const root = parseXml(text);
  return (root.children.webhook ?? []).map((hook, i) =>
    required(string)(attributesOf(hook).url, `${root.name}.webhook[${i}].url`)
  );
}

/**
 * Sends `GET {url}/api/v2/user/webhooks` (XML).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processWebhooksResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processWebhooksResponse, webhooksRequest } from "./webhook.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const urls = processWebhooksResponse(await webhooksRequest(config, token));
 * assert.deepEqual(urls, []); // none yet
 * await emulator.close();
 * ```
 */
export function webhooksRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: PATH, token, accept: "xml" }, options);
}

/** What {@linkcode processWebhooksResponse} returns, from a response whose status was checked. */
function readWebhooksResponse(response: PlexResponse): string[] {
  return parseWebhooks(response.body);
}

/**
 * Checks a webhooks response and returns the URLs.
 *
 * @param response The response, or a recorded one.
 * @returns The webhook URLs.
 * @throws {PlexError} `unauthorized`, `bad_request` (e.g. an account without Plex Pass), `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processWebhooksResponse } from "./webhook.ts";
 * const urls = processWebhooksResponse({ status: 200, headers: new Headers(), url: "", body: '<MediaContainer size="0"/>' });
 * assert.deepEqual(urls, []);
 * ```
 */
export function processWebhooksResponse(response: PlexResponse): string[] {
  return readWebhooksResponse(checkOk(response));
}

/**
 * Sends {@linkcode webhooksRequest} and reads the answer as {@linkcode processWebhooksResponse} does, with
 * the error reader loaded when a response first fails (`Client.webhooks()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The webhook URLs.
 * @throws {PlexError} what {@linkcode processWebhooksResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { changeWebhooks, webhooks, withWebhook } from "./webhook.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * assert.deepEqual(await webhooks(config, token), []);
 * await changeWebhooks(config, token, (urls) => withWebhook(urls, "https://hooks.example/plex"));
 * assert.deepEqual(await webhooks(config, token), ["https://hooks.example/plex"]);
 * await emulator.close();
 * ```
 */
export async function webhooks(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<string[]> {
  return readWebhooksResponse(await ensureOk(await webhooksRequest(context, token, options)));
}

/**
 * Sends `POST {url}/api/v2/user/webhooks`, replacing the whole list: a form
 * field `urls[]` per URL, or an empty `urls` for none. Sending the same list
 * twice gives the same result, so it is retried like a read.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param urls Every webhook the account should have, in order.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processSetWebhooksResponse}.
 * @throws {PlexError} `invalid_argument` when an entry is not a string without spaces or
 *   control characters (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { processSetWebhooksResponse, processWebhooksResponse, setWebhooksRequest, webhooksRequest } from "./webhook.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * processSetWebhooksResponse(await setWebhooksRequest(config, token, ["https://hooks.example/plex"]));
 * assert.deepEqual(processWebhooksResponse(await webhooksRequest(config, token)), ["https://hooks.example/plex"]);
 * await emulator.close();
 * ```
 */
export async function setWebhooksRequest(
  context: RequestContext,
  token: Token | string,
  urls: readonly string[],
  options: CallOptions = {},
): Promise<PlexResponse> {
  // deno-lint-ignore no-control-regex
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === "string" && /^[^\s\x00-\x1f\x7f]+$/.test(u))) {
    throw new PlexError(
      "invalid_argument",
      "Webhooks are a list of URLs without spaces or control characters",
    );
  }
  const form = urls.length > 0 ? { "urls[]": urls } : { urls: "" };
  return await send(
    context,
    { method: "POST", host: "url", path: PATH, token, form, accept: "xml", idempotent: true },
    options,
  );
}

/** What {@linkcode processSetWebhooksResponse} returns, from a response whose status was checked. */
function readSetWebhooksResponse(response: PlexResponse): string[] | undefined {
  return response.body.trim() === "" ? undefined : parseWebhooks(response.body);
}

/**
 * Checks the answer to a webhooks update and returns the list plex.tv now
 * keeps, or `undefined` when it answered without a body (the list is then
 * the one that was sent).
 *
 * @param response The response, or a recorded one.
 * @returns The webhook URLs plex.tv reports, or `undefined`.
 * @throws {PlexError} `unauthorized`, `bad_request`, `invalid_response`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processSetWebhooksResponse } from "./webhook.ts";
 * assert.equal(processSetWebhooksResponse({ status: 204, headers: new Headers(), url: "", body: "" }), undefined);
 * ```
 */
export function processSetWebhooksResponse(response: PlexResponse): string[] | undefined {
  return readSetWebhooksResponse(checkOk(response));
}

/**
 * Reads the webhooks, applies `change` to the list, and writes the result
 * when there is one: what adding and removing share.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param change The new list from the current one, or `undefined` for no change (nothing is written).
 * @param options Call options.
 * @returns The webhooks afterwards.
 * @throws {PlexError} what {@linkcode processWebhooksResponse}, `change` and
 *   {@linkcode processSetWebhooksResponse} throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { changeWebhooks, withWebhook } from "./webhook.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const add = (urls: string[]) => withWebhook(urls, "https://hooks.example/plex");
 * assert.deepEqual(await changeWebhooks(config, token, add), ["https://hooks.example/plex"]);
 * assert.deepEqual(await changeWebhooks(config, token, add), ["https://hooks.example/plex"]); // nothing written
 * assert.equal(emulator.count("POST /api/v2/user/webhooks"), 1);
 * await emulator.close();
 * ```
 */
export async function changeWebhooks(
  context: RequestContext,
  token: Token | string,
  change: (urls: string[]) => string[] | undefined,
  options: CallOptions = {},
): Promise<string[]> {
  const current = readWebhooksResponse(await ensureOk(await webhooksRequest(context, token, options)));
  const next = change(current);
  if (!next) return current;
  return readSetWebhooksResponse(await ensureOk(await setWebhooksRequest(context, token, next, options))) ??
    next;
}
