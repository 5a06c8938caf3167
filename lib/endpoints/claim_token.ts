/**
 * A claim token for a new Plex Media Server (`GET {url}/api/claim/token.json`):
 * pass it to the server (e.g. `PLEX_CLAIM`) to add it to the account. It
 * lasts a few minutes.
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
import { object, parse, string } from "../parse/validate.ts";

/**
 * Sends `GET {url}/api/claim/token.json`.
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The raw response; pass it to {@linkcode processClaimTokenResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { claimTokenRequest, processClaimTokenResponse } from "./claim_token.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * const claim = processClaimTokenResponse(await claimTokenRequest(config, token));
 * assert.match(claim, /^claim-/); // PLEX_CLAIM for a new server
 * await emulator.close();
 * ```
 */
export function claimTokenRequest(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return send(context, { method: "GET", host: "url", path: "/api/claim/token.json", token }, options);
}

/** What {@linkcode processClaimTokenResponse} returns, from a response whose status was checked. */
function readClaimTokenResponse(response: PlexResponse): string {
  const claim = parse(object<{ token: string }>({ token: string }), readJson(response)).token;
  if (!/^claim-[\x21-\x7e]+$/.test(claim)) {
    throw new PlexError("invalid_response", "token should be a claim token starting with claim-");
  }
  return claim;
}

/**
 * Checks a claim-token response (`{"token":"claim-..."}`) and returns the claim token.
 *
 * @param response The response, or a recorded one.
 * @returns The claim token, e.g. `claim-xxxxxxxxxxxxxxxxxxxx`.
 * @throws {PlexError} `unauthorized`, `invalid_response` (no token, or one not starting with `claim-`), ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processClaimTokenResponse } from "./claim_token.ts";
 * const claim = processClaimTokenResponse({ status: 200, headers: new Headers(), url: "", body: '{"token":"claim-abc123"}' });
 * assert.equal(claim, "claim-abc123");
 * ```
 */
export function processClaimTokenResponse(response: PlexResponse): string {
  return readClaimTokenResponse(checkOk(response));
}

/**
 * Sends {@linkcode claimTokenRequest} and reads the answer as {@linkcode processClaimTokenResponse} does, with
 * the error reader loaded when a response first fails (`Client.claimToken()` calls this).
 *
 * @param context The configuration.
 * @param token The account's token.
 * @param options Call options.
 * @returns The claim token (`claim-…`).
 * @throws {PlexError} what {@linkcode processClaimTokenResponse} throws, and the request's errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { claimToken } from "./claim_token.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const token = emulator.issueLegacyToken({ clientId: "doc-example" }); // as a sign-in would
 *
 * assert.match(await claimToken(config, token), /^claim-/); // PLEX_CLAIM for a new server
 * await emulator.close();
 * ```
 */
export async function claimToken(
  context: RequestContext,
  token: Token | string,
  options: CallOptions = {},
): Promise<string> {
  return readClaimTokenResponse(await ensureOk(await claimTokenRequest(context, token, options)));
}
