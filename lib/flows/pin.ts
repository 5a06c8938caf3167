/**
 * The PIN flow: request a PIN, let the user approve it at plex.tv/link or in
 * the Plex auth app, and poll until a token arrives, the PIN expires or the
 * caller gives up. Polling backs off when plex.tv says "slow down" (429).
 *
 * @module
 */
import { systemClock } from "../clock.ts";
import { deviceContextParams } from "../device.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { checkCallOptions } from "../http/deadline.ts";
import { checkOk } from "../http/error_body.ts";
import { optionalFlag } from "../http/options.ts";
import {
  type CallOptions,
  ensureOk,
  type PlexResponse,
  readJson,
  type RequestContext,
  send,
} from "../http/send.ts";
import type { PublicJwk } from "../keys.ts";
import type { Token } from "../token.ts";
import { boolean, fail, object, optional, parse, string, unknownValue, wrong } from "../parse/validate.ts";
import { nullableSecret, timestamp } from "../parse/fields.ts";

/**
 * A PIN as plex.tv returns it from `POST` and `GET /api/v2/pins`.
 * Unknown fields are kept.
 *
 * @example
 * ```ts
 * import type { Pin } from "./pin.ts";
 * // expiresAt is on plex.tv's clock; expiresIn, counted from the answer, holds on a machine whose clock is off.
 * function expiresOnThisClock(pin: Pin, receivedAt: number): number { return receivedAt + pin.expiresIn * 1000; }
 * ```
 */
export interface Pin {
  /** The PIN id, for polling. */
  id: number;
  /** The code the user enters (4 characters) or that goes in the auth app URL (strong). */
  code: string;
  /** The product that asked. */
  product?: string;
  /** Whether the PIN is trusted. */
  trusted?: boolean;
  /** A QR code image URL for the code. */
  qr?: string;
  /** The client identifier that asked. */
  clientIdentifier?: string;
  /** Where plex.tv thinks the request came from. */
  location?: Record<string, unknown>;
  /** Seconds until expiry, when the response was made. */
  expiresIn: number;
  /** When the PIN was created. */
  createdAt: Date;
  /** When the PIN expires, on plex.tv's clock (a machine whose clock is off counts from `expiresIn`). */
  expiresAt: Date;
  /** The token, once the user approved; `null` before. Printing it shows no secret. */
  authToken: Token | null;
  /** Whether approving created a new account. */
  newRegistration?: unknown;
  /** Any other field. */
  [field: string]: unknown;
}

/** A PIN id: a positive integer, which validatePinRequest can poll. */
function pinId(value: unknown, path: string): number {
  if (typeof value !== "number") return fail(path, "a positive integer", value);
  return Number.isSafeInteger(value) && value > 0 ? value : wrong(path, "should be a positive integer");
}

/** A PIN code: printable ASCII without spaces, never empty (an empty code can never be approved). */
function pinCode(value: unknown, path: string): string {
  const code = string(value, path);
  return /^[\x21-\x7e]+$/.test(code)
    ? code
    : wrong(path, "should be printable ASCII without spaces, not empty");
}

/** Seconds until a PIN expires: a whole number, 0 or more. */
function seconds(value: unknown, path: string): number {
  if (typeof value !== "number") return fail(path, "a number of seconds", value);
  return Number.isSafeInteger(value) && value >= 0
    ? value
    : wrong(path, "should be a whole number of seconds, 0 or more");
}

const pinValidator = object<Pin>({
  id: pinId,
  code: pinCode,
  product: optional(string),
  trusted: optional(boolean),
  qr: optional(string),
  clientIdentifier: optional(string),
  location: optional(object<Record<string, unknown>>({})),
  expiresIn: seconds,
  createdAt: timestamp,
  expiresAt: timestamp,
  authToken: nullableSecret,
  newRegistration: unknownValue,
});

/**
 * Options of a PIN request.
 *
 * @example
 * ```ts
 * import type { PinRequestOptions } from "./pin.ts";
 * const options: PinRequestOptions = { strong: true, forwardUrl: "https://app.example/signed-in" };
 * ```
 */
export interface PinRequestOptions extends CallOptions {
  /** A long code for the Plex auth app instead of a 4-character code for plex.tv/link. */
  strong?: boolean;
  /** A public key to register with the PIN (the JWT flow without a legacy token); implies `strong`. */
  jwk?: PublicJwk;
  /**
   * Where the auth app sends the browser after approval: an absolute http or https URL. Strong PINs
   * only (`strong: true` or a `jwk`): a short PIN is entered at plex.tv/link, which forwards nowhere.
   */
  forwardUrl?: string;
}

/**
 * A requested PIN with the URL the user must open.
 *
 * @example
 * ```ts
 * import type { PinRequestResult } from "./pin.ts";
 * function show(result: PinRequestResult): string { return `Open ${result.url} (code ${result.pin.code})`; }
 * ```
 */
export interface PinRequestResult {
  /** The PIN. */
  pin: Pin;
  /** `https://plex.tv/link/?pin=CODE` for a short PIN, the auth app URL for a strong one. */
  url: string;
}

/**
 * What a PIN-polling sign-in needs besides the configuration: the auth app URL.
 *
 * @example
 * ```ts
 * import type { PinContext } from "./pin.ts";
 * const context: PinContext = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {}, authAppUrl: "https://app.plex.tv/auth" };
 * ```
 */
export interface PinContext extends RequestContext {
  /** The Plex auth app, `https://app.plex.tv/auth` by default. */
  readonly authAppUrl: string;
}

/**
 * Sends the PIN request (`POST {v2}/api/v2/pins`).
 *
 * @param context The configuration.
 * @param options Strong, JWK and call options.
 * @returns The raw response; pass it to {@linkcode processPinResponse}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { createPinRequest, processPinResponse } from "./pin.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const pin = processPinResponse(await createPinRequest(config, { strong: true }));
 * assert.equal(pin.code.length, 25); // strong: for the auth app, not plex.tv/link
 * assert.equal(pin.authToken, null); // not approved yet
 * await emulator.close();
 * ```
 */
export function createPinRequest(
  context: RequestContext,
  options: PinRequestOptions = {},
): Promise<PlexResponse> {
  if (options.jwk) {
    return send(context, {
      method: "POST",
      host: "v2Url",
      path: "/api/v2/pins",
      json: { jwk: options.jwk, strong: true },
    }, options);
  }
  return send(context, {
    method: "POST",
    host: "v2Url",
    path: "/api/v2/pins",
    query: { strong: optionalFlag(options.strong, "strong", false) ? "true" : undefined },
  }, options);
}

/** What {@linkcode processPinResponse} returns, from a response whose status was checked. */
function readPinResponse(response: PlexResponse): Pin {
  return parse(pinValidator, readJson(response));
}

/**
 * Checks a PIN response (create: 201, poll: 200).
 *
 * @param response The response, or a recorded one.
 * @returns The PIN.
 * @throws {PlexError} `pin_expired` (404/1020), `invalid_response` naming the field for a PIN
 *   whose `id` is not a positive integer, whose `code` is empty, whose `expiresIn` is not a whole
 *   number of seconds (0 or more), or any other field of the wrong type, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processPinResponse } from "./pin.ts";
 * const pin = processPinResponse({ status: 201, headers: new Headers(), url: "", body: JSON.stringify({
 *   id: 1, code: "7RQZ", expiresIn: 900, createdAt: "2024-07-16T17:03:05Z",
 *   expiresAt: "2024-07-16T17:18:05Z", authToken: null }) });
 * assert.equal(pin.expiresAt.getUTCMinutes(), 18);
 * ```
 */
export function processPinResponse(response: PlexResponse): Pin {
  return readPinResponse(checkOk(response));
}

/**
 * Checks a forward URL, the page the Plex auth app sends the browser to after approval: an
 * absolute http or https URL (`javascript:`, relative and empty URLs are refused).
 *
 * @param forwardUrl The forward URL as given, or `undefined` for none.
 * @returns The forward URL, or `undefined`.
 * @throws {PlexError} `invalid_argument` for anything but `undefined` or an absolute http(s) URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkForwardUrl } from "./pin.ts";
 * assert.equal(checkForwardUrl("https://app.example/back"), "https://app.example/back");
 * assert.equal(checkForwardUrl(undefined), undefined);
 * assert.throws(() => checkForwardUrl("javascript:alert(1)"), {
 *   code: "invalid_argument",
 *   message: "forwardUrl must be an absolute http or https URL",
 * });
 * ```
 */
export function checkForwardUrl(forwardUrl: unknown): string | undefined {
  if (forwardUrl === undefined) return undefined;
  let protocol = "";
  try {
    if (typeof forwardUrl === "string") protocol = new URL(forwardUrl).protocol;
  } catch {
    // Not a URL: refused below.
  }
  if (protocol === "https:" || protocol === "http:") return forwardUrl as string;
  throw new PlexError("invalid_argument", "forwardUrl must be an absolute http or https URL");
}

/** The checked forward URL of a PIN, refused for a short PIN: plex.tv/link forwards nowhere. */
function pinForwardUrl(forwardUrl: unknown, strong: boolean): string | undefined {
  const checked = checkForwardUrl(forwardUrl);
  if (checked !== undefined && !strong) {
    throw new PlexError(
      "invalid_argument",
      "forwardUrl needs strong: true: a short PIN is entered at plex.tv/link, which forwards nowhere",
    );
  }
  return checked;
}

/**
 * The URL to send the user to for a PIN.
 *
 * @param context The configuration (client id, device, hosts, auth app).
 * @param pin The PIN.
 * @param strong Whether it is a strong PIN (auth app) or a short one (plex.tv/link).
 * @param forwardUrl Where the auth app returns to: an absolute http(s) URL, strong only.
 * @returns The URL, its parameters URL-encoded.
 * @throws {PlexError} `invalid_argument` for a forward URL that is not an absolute http(s) URL, or
 *   one given for a short PIN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinUrl } from "./pin.ts";
 * const context = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id 1", device: { product: "My App" }, http: {}, authAppUrl: "https://app.plex.tv/auth" };
 * assert.equal(pinUrl(context, { code: "7RQZ" }, false), "https://plex.tv/link/?pin=7RQZ");
 * assert.ok(pinUrl(context, { code: "abc" }, true).startsWith("https://app.plex.tv/auth#?clientID=id+1&code=abc&context%5Bdevice%5D%5Bproduct%5D=My+App"));
 * ```
 */
export function pinUrl(
  context: PinContext,
  pin: Pick<Pin, "code">,
  strong: boolean,
  forwardUrl?: string,
): string {
  const forward = pinForwardUrl(forwardUrl, strong);
  if (!strong) return `${context.url.replace(/\/+$/, "")}/link/?pin=${encodeURIComponent(pin.code)}`;
  const params = new URLSearchParams({ clientID: context.clientId, code: pin.code });
  for (const [name, value] of Object.entries(deviceContextParams(context.device))) params.set(name, value);
  if (forward !== undefined) params.set("forwardUrl", forward);
  return `${context.authAppUrl}#?${params.toString()}`;
}

/** The options of {@linkcode pinRequest} beyond the common call options. */
const PIN_REQUEST_OPTIONS: readonly string[] = ["strong", "jwk", "forwardUrl"];

/**
 * Requests a PIN and builds the URL the user must open (the seed's `PINRequest`,
 * with strong PINs and JWK registration).
 *
 * @param context The configuration.
 * @param options Strong, JWK, forward URL and call options.
 * @returns The PIN and its URL.
 * @throws {PlexError} `invalid_argument`, before anything is sent, for a `strong` that is not a
 *   boolean, a `forwardUrl` that is not an absolute http(s) URL, or a `forwardUrl` without
 *   `strong: true` (or a `jwk`); `invalid_response` for a PIN plex.tv should not have answered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { pinRequest } from "./pin.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { pin, url } = await pinRequest(config);
 * assert.equal(url, `${emulator.url}/link/?pin=${pin.code}`); // show it to the user
 * await emulator.close();
 * ```
 */
export async function pinRequest(
  context: PinContext,
  options: PinRequestOptions = {},
): Promise<PinRequestResult> {
  // A misspelt `strong` would ask for a short PIN instead.
  checkCallOptions(options, PIN_REQUEST_OPTIONS, "pinRequest");
  const { jwk } = options;
  if (jwk !== undefined && (typeof jwk !== "object" || jwk === null || typeof jwk.x !== "string")) {
    throw new PlexError("invalid_argument", "jwk must be the device's public JWK (kty OKP, crv Ed25519, x)");
  }
  const strong = optionalFlag(options.strong, "strong", false) || Boolean(options.jwk);
  const forwardUrl = pinForwardUrl(options.forwardUrl, strong);
  const pin = readPinResponse(await ensureOk(await createPinRequest(context, options)));
  return { pin, url: pinUrl(context, pin, strong, forwardUrl) };
}

/**
 * Options of a PIN check.
 *
 * @example
 * ```ts
 * import type { ValidatePinOptions } from "./pin.ts";
 * const options: ValidatePinOptions = { deviceJwt: "eyJ..." };
 * ```
 */
export interface ValidatePinOptions extends CallOptions {
  /** A signed device JWT, for a PIN created with a JWK: plex.tv then answers a Plex JWT. */
  deviceJwt?: string;
}

/**
 * A PIN check's outcome.
 *
 * @example
 * ```ts
 * import type { ValidatePinResult } from "./pin.ts";
 * function approved(result: ValidatePinResult): boolean { return result.token !== undefined; }
 * ```
 */
export interface ValidatePinResult {
  /** The token, once the user approved. */
  token?: Token;
  /** The PIN as plex.tv reported it. */
  pin: Pin;
}

/**
 * Sends one PIN check (`GET {v2}/api/v2/pins/{id}`).
 *
 * @param context The configuration.
 * @param id The PIN id.
 * @param options Device JWT and call options.
 * @returns The raw response; pass it to {@linkcode processValidatePinResponse}.
 * @throws {PlexError} `invalid_argument` for an id that is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { pinRequest, processValidatePinResponse, validatePinRequest } from "./pin.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { pin } = await pinRequest(config);
 * emulator.approvePin(pin.code);
 * const { token } = processValidatePinResponse(await validatePinRequest(config, pin.id));
 * assert.ok(token?.isLegacy());
 * await emulator.close();
 * ```
 */
export function validatePinRequest(
  context: RequestContext,
  id: number,
  options: ValidatePinOptions = {},
): Promise<PlexResponse> {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new PlexError("invalid_argument", "A PIN id is a positive integer");
  }
  return send(context, {
    method: "GET",
    host: "v2Url",
    path: `/api/v2/pins/${id}`,
    query: { deviceJWT: options.deviceJwt },
  }, options);
}

/**
 * Checks a PIN check's response: the PIN, and its token once approved.
 *
 * @param response The response from {@linkcode validatePinRequest}, or a recorded one.
 * @returns The token when approved, and the PIN.
 * @throws {PlexError} `pin_expired` when the PIN is unknown or expired (404).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processValidatePinResponse } from "./pin.ts";
 * assert.throws(
 *   () => processValidatePinResponse({ status: 404, headers: new Headers(), url: "", body: '{"errors":[{"code":1020,"message":"Code not found or expired"}]}' }),
 *   { code: "pin_expired" },
 * );
 * ```
 */
export function processValidatePinResponse(response: PlexResponse): ValidatePinResult {
  try {
    checkOk(response);
  } catch (err) {
    throw pinFailure(err);
  }
  return validated(readPinResponse(response));
}

/** The error of a failed PIN check: plex.tv answers 404 for a PIN it no longer knows. */
function pinFailure(err: unknown): unknown {
  if (!isPlexError(err, "not_found")) return err;
  return new PlexError("pin_expired", "The PIN is unknown or expired", {
    status: err.status,
    details: [...err.details],
  });
}

function validated(pin: Pin): ValidatePinResult {
  return { pin, token: pin.authToken ?? undefined };
}

/**
 * Checks once whether the user approved the PIN (`GET {v2}/api/v2/pins/{id}`).
 *
 * @param context The configuration.
 * @param id The PIN id.
 * @param options Device JWT and call options.
 * @returns The token when approved, and the PIN.
 * @throws {PlexError} `pin_expired` when the PIN is unknown or expired.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { pinRequest, validatePin } from "./pin.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const { pin } = await pinRequest(config);
 * assert.equal((await validatePin(config, pin.id)).token, undefined); // not approved yet
 * emulator.approvePin(pin.code);
 * assert.ok((await validatePin(config, pin.id)).token?.isLegacy());
 * await emulator.close();
 * ```
 */
export async function validatePin(
  context: RequestContext,
  id: number,
  options: ValidatePinOptions = {},
): Promise<ValidatePinResult> {
  checkCallOptions(options, ["deviceJwt"], "validatePin");
  if (options.deviceJwt !== undefined && typeof options.deviceJwt !== "string") {
    throw new PlexError("invalid_argument", "deviceJwt must be a signed device JWT (a string)");
  }
  const response = await validatePinRequest(context, id, options);
  try {
    await ensureOk(response);
  } catch (err) {
    throw pinFailure(err);
  }
  return validated(readPinResponse(response));
}

/**
 * Called with the PIN and its URL: show them to the user.
 *
 * @example
 * ```ts
 * import type { OnPin } from "./pin.ts";
 * const onPin: OnPin = (pin, url) => console.error(`Open ${url} and enter ${pin.code}`);
 * ```
 */
export type OnPin = (pin: Pin, url: string) => void | Promise<void>;

/**
 * Options of a PIN sign-in.
 *
 * @example
 * ```ts
 * import type { PinSignInOptions } from "./pin.ts";
 * const options: PinSignInOptions = { pollInterval: 2_000, strong: true };
 * ```
 */
export interface PinSignInOptions extends PinRequestOptions {
  /** Milliseconds between checks. Default 1 000; doubled (up to 30 s) when plex.tv rate limits. */
  pollInterval?: number;
  /** Signs a device JWT for each check (the JWT flow without a legacy token). */
  deviceJwt?: () => Promise<string>;
}

/**
 * Checks a PIN poll interval: `undefined` (the default) or a finite number of
 * milliseconds above 0.
 *
 * @param pollInterval The interval.
 * @throws {PlexError} `invalid_argument` for any other value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPollInterval } from "./pin.ts";
 * checkPollInterval(1_000);
 * assert.throws(() => checkPollInterval(0), { code: "invalid_argument" });
 * ```
 */
export function checkPollInterval(pollInterval: unknown): void {
  if (pollInterval !== undefined && !(Number.isFinite(pollInterval) && (pollInterval as number) > 0)) {
    throw new PlexError("invalid_argument", "pollInterval must be a finite number of milliseconds above 0");
  }
}

/**
 * Requests a PIN, hands it to `onPin`, and polls until the user approves it
 * (the seed's `RegisterWithPIN`). Rate limited, it polls half as often, and
 * waits out plex.tv's `Retry-After` before the next poll. When plex.tv cannot
 * be reached or fails (`network_error`, `timeout`, `server_error`, once the
 * request helper's retries are spent), it goes on polling, half as often each
 * time (at most every 30 s), and says so to the configuration's logger: a
 * network drop while the person approves does not lose the PIN. Stops at
 * `expiresAt` and on 404/1020 (`pin_expired`), on abort (`aborted`); any other
 * error is thrown, not swallowed.
 *
 * @param context The configuration.
 * @param onPin Shows the PIN and URL to the user.
 * @param options Poll interval, strong, signal.
 * @returns The token.
 * @throws {PlexError} `pin_expired`, or the last poll's failure when plex.tv was out of reach as the PIN
 *   ran out; `aborted`; and any other error of a poll.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultConfig } from "@plexkit/plextv";
 * import { createEmulator } from "@plexkit/plextv/testing";
 * import { registerWithPin } from "./pin.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 *
 * const signal = AbortSignal.timeout(600_000); // give up after 10 minutes
 * const token = await registerWithPin(config, (pin) => emulator.approvePin(pin.code), { pollInterval: 50, signal });
 * assert.ok(token.isLegacy());
 * await assert.rejects(registerWithPin(config, () => {}, { signal: AbortSignal.abort() }), { code: "aborted" });
 * await emulator.close();
 * ```
 */
export async function registerWithPin(
  context: PinContext,
  onPin: OnPin,
  options: PinSignInOptions = {},
): Promise<Token> {
  checkCallOptions(options, [...PIN_REQUEST_OPTIONS, "pollInterval", "deviceJwt"], "registerWithPin");
  checkPollInterval(options.pollInterval);
  // Before the PIN is asked for: a PIN nobody is shown would be polled for nothing.
  if (typeof onPin !== "function") {
    throw new PlexError(
      "invalid_argument",
      "registerWithPin takes a function that shows the PIN to the user",
    );
  }
  if (options.deviceJwt !== undefined && typeof options.deviceJwt !== "function") {
    throw new PlexError("invalid_argument", "deviceJwt must be a function that signs a device JWT");
  }
  const clock = context.http.clock ?? systemClock;
  // Device JWTs are signed on plex.tv's time: the PIN's own response is the clock's first sample.
  if (options.deviceJwt) (await import("../http/plex_clock_start.ts")).startPlexClock(context.http);
  const { signal, fetch, timeoutMs, strong, jwk, forwardUrl } = options;
  const call = { signal, fetch, timeoutMs };
  const { pin, url } = await pinRequest(context, { ...call, strong, jwk, forwardUrl });
  // The deadline is counted on this machine's clock from expiresIn, so a skewed clock cannot end polling early.
  const deadline = clock.now() + pin.expiresIn * 1000;
  await onPin(pin, url);
  const base = Math.max(50, options.pollInterval ?? 1_000);
  let interval = base;
  let pause = interval;
  // The last poll's failure while plex.tv could not be reached: reported if the PIN runs out meanwhile.
  let unreachable: PlexError | undefined;
  for (;;) {
    const left = deadline - clock.now();
    if (left <= 0) {
      throw unreachable ?? new PlexError("pin_expired", "The PIN expired before it was approved");
    }
    await clock.sleep(Math.min(pause, left), options.signal);
    pause = interval;
    try {
      const deviceJwt = options.deviceJwt ? await options.deviceJwt() : undefined;
      const { token } = await validatePin(context, pin.id, { ...call, deviceJwt });
      if (token) return token;
      if (unreachable) interval = pause = base;
      unreachable = undefined;
    } catch (err) {
      if (!isPlexError(err, ...POLL_AGAIN_ON)) throw err;
      interval = Math.min(30_000, interval * 2);
      // Retry-After (too long for the request helper to wait) delays the next poll only.
      pause = Math.max(interval, (err.retryAfter ?? 0) * 1000);
      if (err.code === "too_many_requests") continue;
      // The person may be approving the PIN right now: a network drop does not lose it while it lasts.
      unreachable = err;
      context.http.logger?.warn(
        `Checking the PIN failed (${err.message}); trying again in ${Math.round(pause / 1000)} s`,
      );
    }
  }
}

/**
 * The failures after which polling goes on: a rate limit, and plex.tv out of reach or failing once the
 * request helper's own retries are spent (the PIN stays valid on plex.tv until it expires).
 */
const POLL_AGAIN_ON = ["too_many_requests", "network_error", "timeout", "server_error"] as const;
