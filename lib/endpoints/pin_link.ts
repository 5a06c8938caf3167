/**
 * Approving a PIN that another device shows, as the signed-in account
 * (`PUT {url}/api/v2/pins/link`, form `code`): what a user does at
 * plex.tv/link, done by an app that is already signed in. The device that
 * showed the PIN gets its token on its next poll.
 *
 * The request says `X-Plex-Product: Plex SSO`, as python-plexapi's
 * `MyPlexAccount.link` does on this request (and plexupdate on its web
 * sign-in). Plex does not document why; no client is known to link a PIN
 * without it, so plextv sends it too, on this request only. The client
 * identifier and the other device headers stay the configuration's.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkOk } from "../http/error_body.ts";
import { type CallOptions, ensureOk, type PlexResponse, type RequestContext, send } from "../http/send.ts";
import type { Token } from "../token.ts";

/** The product plex.tv expects on a PIN link (python-plexapi's `MyPlexAccount.link`). */
const LINK_PRODUCT = "Plex SSO";

/**
 * Checks a PIN code before it is sent: 4 to 64 letters and digits (plex.tv
 * shows 4-character codes such as `7RQZ` at plex.tv/link; strong codes are 25
 * characters). The code is sent as given, not upper-cased.
 *
 * @param code The code the other device shows.
 * @returns The code.
 * @throws {PlexError} `invalid_argument` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinCode } from "./pin_link.ts";
 * assert.equal(pinCode("7RQZ"), "7RQZ");
 * assert.throws(() => pinCode("7RQ Z"), { code: "invalid_argument" });
 * ```
 */
export function pinCode(code: string): string {
  if (typeof code !== "string" || !/^[A-Za-z0-9]{4,64}$/.test(code)) {
    throw new PlexError(
      "invalid_argument",
      "A PIN code is 4 to 64 letters and digits, as the device shows it",
    );
  }
  return code;
}

/**
 * Sends `PUT {url}/api/v2/pins/link` with the form `code`, as the account
 * whose token is given, with `X-Plex-Product: Plex SSO`.
 *
 * @param context The configuration.
 * @param token The approving account's token.
 * @param code The PIN code the other device shows.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processLinkPinResponse}.
 * @throws {PlexError} `invalid_argument` for a malformed code (nothing is sent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { linkPinRequest, processLinkPinResponse } from "./pin_link.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const tv = config.withClientId("living-room-tv"); // another device, showing a PIN
 * const { pin } = await tv.pinRequest();
 * processLinkPinResponse(await linkPinRequest(config, token, pin.code));
 * assert.ok((await tv.validatePin(pin.id)).token?.isLegacy()); // the TV is signed in
 * const unknown = await linkPinRequest(config, token, "ZZZZ");
 * assert.throws(() => processLinkPinResponse(unknown), { code: "pin_expired" });
 * await emulator.close();
 * ```
 */
export async function linkPinRequest(
  context: RequestContext,
  token: Token | string,
  code: string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  const form = { code: pinCode(code) };
  const linking = { ...context, device: { ...context.device, product: LINK_PRODUCT } };
  return await send(linking, { method: "PUT", host: "url", path: "/api/v2/pins/link", token, form }, options);
}

/**
 * Checks a PIN link response. plex.tv's success status and body are not
 * documented: any 2xx is success and the body is not read.
 *
 * @param response The response, or a recorded one.
 * @throws {PlexError} `pin_expired` (plex.tv code 1020) for an unknown or expired code, `not_found`
 *   for a 404 without that code, `unauthorized` for the approving token, `bad_request`, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processLinkPinResponse } from "./pin_link.ts";
 * processLinkPinResponse({ status: 204, headers: new Headers(), url: "", body: "" });
 * assert.throws(
 *   () =>
 *     processLinkPinResponse({ status: 404, headers: new Headers(), url: "",
 *       body: '{"errors":[{"code":1020,"message":"Code not found or expired"}]}' }),
 *   { code: "pin_expired" },
 * );
 * ```
 */
export function processLinkPinResponse(response: PlexResponse): void {
  checkOk(response);
}

/**
 * Sends {@linkcode linkPinRequest} and reads the answer as {@linkcode processLinkPinResponse} does, with
 * the error reader loaded when a response first fails (`Client.linkPin()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param code The 4-character code the device shows.
 * @param options Call options.
 * @returns Nothing, once linked.
 * @throws {PlexError} what {@linkcode processLinkPinResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { linkPin } from "./pin_link.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const tv = config.withClientId("living-room-tv"); // another device, showing a PIN
 * const { pin } = await tv.pinRequest();
 * await linkPin(config, token, pin.code);
 * assert.ok((await tv.validatePin(pin.id)).token?.isLegacy()); // the TV is signed in
 * await assert.rejects(linkPin(config, token, "ZZZZ"), { code: "pin_expired" });
 * await emulator.close();
 * ```
 */
export async function linkPin(
  context: RequestContext,
  token: Token | string,
  code: string,
  options: CallOptions = {},
): Promise<void> {
  await ensureOk(await linkPinRequest(context, token, code, options));
}
