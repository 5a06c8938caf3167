/**
 * Sign in to plex.tv from a web page, with the PIN flow the Plex auth app
 * (`app.plex.tv/auth`) drives: in a popup ({@linkcode signInWithPopup}), or by
 * sending the whole page there and back through `forwardUrl`
 * ({@linkcode startForwardedSignIn} / {@linkcode finishForwardedSignIn}).
 * {@linkcode browserClientId} keeps one client identifier per browser.
 *
 * Web only: it uses `window`, `sessionStorage` and `localStorage`. It is a
 * separate entry point (`@plexkit/plextv/browser`), not part of `mod.ts`.
 *
 * @example A sign-in button
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, signInWithPopup } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * button.onclick = async () => {
 *   const popup = window.open("", "plex-auth", "width=600,height=700"); // before any await
 *   const token = await signInWithPopup({ config, popup });
 * };
 * ```
 *
 * @module
 */
import { newClientId } from "../client_id.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { type JwtContext, signDeviceJwt } from "../flows/jwt.ts";
import { type Pin, type PinContext, pinRequest, registerWithPin, validatePin } from "../flows/pin.ts";
import { sleep } from "../clock.ts";
import type { DeviceKey } from "../keys.ts";
import type { Token } from "../token.ts";
import { number, object, optional, parse, string } from "../parse/validate.ts";

/**
 * What the browser sign-ins need from a configuration; a `Config` satisfies it.
 *
 * @example
 * ```ts
 * import type { BrowserSignInContext } from "./mod.ts";
 * import { defaultConfig } from "../config.ts";
 * const context: BrowserSignInContext = defaultConfig().withClientId("my-client-id");
 * ```
 */
export type BrowserSignInContext = PinContext & JwtContext;

/**
 * The part of the Web Storage API the helpers use: `localStorage`,
 * `sessionStorage`, or anything with the same three methods.
 *
 * @example An in-memory storage
 * ```ts
 * import type { BrowserStorage } from "./mod.ts";
 * const items = new Map<string, string>();
 * const storage: BrowserStorage = {
 *   getItem: (key) => items.get(key) ?? null,
 *   setItem: (key, value) => void items.set(key, value),
 *   removeItem: (key) => void items.delete(key),
 * };
 * ```
 */
export interface BrowserStorage {
  /** The value under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Keeps `value` under `key`. */
  setItem(key: string, value: string): void;
  /** Forgets `key`. */
  removeItem(key: string): void;
}

/**
 * The part of a popup `Window` the popup sign-in uses; the `Window` that
 * `window.open()` returns satisfies it.
 *
 * @example
 * ```ts ignore
 * const popup: SignInPopup | null = window.open("", "plex-auth", "width=600,height=700");
 * ```
 */
export interface SignInPopup {
  /** Whether the window was closed. */
  readonly closed: boolean;
  /** Closes the window. */
  close(): void;
  /** Its location: setting `href` navigates it. */
  location: { href: string };
  /** Its document, readable while it is still the blank page of `window.open("")`. */
  readonly document?: { title: string; body: { textContent: string | null } | null };
}

interface _PageLocation {
  readonly href: string;
  assign(url: string): void;
}

/** How often the popup is checked for being closed, in milliseconds. */
const POPUP_CHECK_MS = 200;
/** The `localStorage` key of {@linkcode browserClientId}. */
const CLIENT_ID_KEY = "plextv:client-id";
/** The `sessionStorage` key of the pending forwarded sign-in. */
const PENDING_KEY = "plextv:pending-sign-in";

/**
 * Options of {@linkcode signInWithPopup}.
 *
 * @example
 * ```ts ignore
 * const options: PopupSignInOptions = { config, popup: window.open("", "plex-auth"), signal: AbortSignal.timeout(600_000) };
 * ```
 */
export interface PopupSignInOptions {
  /** The configuration (a `Config` with a client id). */
  config: BrowserSignInContext;
  /**
   * The popup, opened by the caller with `window.open("", name, features)`
   * synchronously in the click handler (before any `await`), so popup blockers
   * allow it. `null` (what `window.open` returns when blocked) rejects with `popup_blocked`.
   */
  popup: SignInPopup | null;
  /** Cancels the sign-in (the popup is closed). */
  signal?: AbortSignal;
  /** Milliseconds between PIN checks. Default 1 000. */
  pollInterval?: number;
  /**
   * A device key to register with the PIN: the token is then a Plex JWT, and
   * the key (kept by the caller) refreshes it later. Without it, a legacy token.
   */
  key?: DeviceKey;
}

/**
 * Signs in through the Plex auth app in a popup: requests a strong PIN,
 * navigates the popup to the auth app, polls the PIN until the user approves
 * it, closes the popup and resolves the token.
 *
 * Open the popup yourself, synchronously in the click handler, so the browser
 * does not block it. If the popup closes (the user closed it, or the auth app
 * closed itself) the PIN is checked once more before rejecting.
 *
 * @param options The configuration, the popup, a signal, the poll interval and an optional device key.
 * @returns The token: legacy, or a Plex JWT when `key` is given.
 * @throws {PlexError} `popup_blocked` when `popup` is `null`, `popup_closed` when the
 *   popup closes before approval, `pin_expired` when the PIN expires (the popup is
 *   closed), `aborted` when `signal` fires (the popup is closed), and any request error.
 *
 * @example A sign-in button
 * ```ts ignore
 * import { defaultConfig, isPlexError } from "@plexkit/plextv";
 * import { browserClientId, signInWithPopup } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * document.querySelector("#sign-in")!.addEventListener("click", async () => {
 *   const popup = window.open("", "plex-auth", "width=600,height=700"); // before any await
 *   try {
 *     const token = await signInWithPopup({ config, popup });
 *     sessionStorage.setItem("plex-token", token.value);
 *   } catch (err) {
 *     if (isPlexError(err, "popup_closed")) return; // the user changed their mind
 *     throw err;
 *   }
 * });
 * ```
 *
 * @example A Plex JWT instead of a legacy token
 * ```ts ignore
 * import { generateDeviceKey } from "@plexkit/plextv";
 * import { signInWithPopup } from "@plexkit/plextv/browser";
 *
 * const popup = window.open("", "plex-auth", "width=600,height=700"); // before any await
 * const key = await generateDeviceKey(); // keep it (IndexedDB) to refresh the JWT with config.jwtToken()
 * const jwt = await signInWithPopup({ config, popup, key });
 * ```
 */
export async function signInWithPopup(options: PopupSignInOptions): Promise<Token> {
  const { config, popup, signal, key } = options;
  if (!popup) {
    throw new PlexError("popup_blocked", "The browser blocked the sign-in popup", {
      hint: "Call window.open() in the click handler before any await, or use startForwardedSignIn()",
    });
  }
  const closed = new AbortController();
  const watch = () => {
    if (popup.closed) closed.abort();
  };
  watch();
  const watcher = setInterval(watch, POPUP_CHECK_MS);
  let pin: Pin | undefined;
  const onPin = (requested: Pin, url: string) => {
    pin = requested;
    popup.location.href = url;
  };
  _showWaiting(popup);
  try {
    return await registerWithPin(config, onPin, {
      strong: true,
      jwk: key?.publicJwk,
      deviceJwt: key ? () => signDeviceJwt(config, key.privateKey, key.keyId) : undefined,
      pollInterval: options.pollInterval,
      signal: signal ? AbortSignal.any([signal, closed.signal]) : closed.signal,
    });
  } catch (err) {
    if (!closed.signal.aborted || signal?.aborted || !isPlexError(err, "aborted")) throw err;
    const approved = pin && await _checkOnce(config, pin.id, key).catch(() => undefined);
    if (approved) return approved;
    throw new PlexError("popup_closed", "The sign-in popup was closed before the PIN was approved", {
      hint: "Sign in again and approve the request in the popup",
    });
  } finally {
    clearInterval(watcher);
    if (!popup.closed) popup.close();
  }
}

/**
 * Options of {@linkcode startForwardedSignIn}.
 *
 * @example
 * ```ts ignore
 * const options: ForwardedSignInStartOptions = { config, forwardUrl: location.href };
 * ```
 */
export interface ForwardedSignInStartOptions {
  /** The configuration (a `Config` with a client id). */
  config: BrowserSignInContext;
  /** Where the auth app sends the browser after approval. Default: the current page (`location.href`). */
  forwardUrl?: string;
  /** Cancels the PIN request. */
  signal?: AbortSignal;
  /** A device key to register with the PIN, for a Plex JWT; pass the same key to {@linkcode finishForwardedSignIn}. */
  key?: DeviceKey;
  /** Where the pending sign-in is kept. Default `sessionStorage`. */
  storage?: BrowserStorage;
  /** The storage key. Default `plextv:pending-sign-in`. */
  storageKey?: string;
  /** Goes to the auth app URL. Default `location.assign(url)`. */
  navigate?: (url: string) => void;
}

/**
 * Starts a sign-in that leaves the page: requests a strong PIN with a
 * `forwardUrl`, keeps the PIN id and code in `sessionStorage`, and navigates
 * the page to the Plex auth app. After the user approves, the auth app sends
 * the browser back to `forwardUrl`, where {@linkcode finishForwardedSignIn}
 * completes it. Use it where popups are unwelcome (mobile, installed web apps).
 *
 * @param options The configuration, the forward URL, a signal, an optional device key, storage and navigation.
 * @returns Once the navigation has started.
 * @throws {PlexError} `invalid_argument` for a forward URL that is not an absolute http(s) URL,
 *   `store_unavailable`/`store_error` when the storage cannot be used, and any request error.
 *
 * @example A "sign in with Plex" link that leaves the page
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, startForwardedSignIn } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * document.querySelector("#sign-in")!.addEventListener("click", () => {
 *   void startForwardedSignIn({ config, forwardUrl: location.href });
 * });
 * ```
 */
export async function startForwardedSignIn(options: ForwardedSignInStartOptions): Promise<void> {
  const { config, key, signal } = options;
  const location = _pageLocation();
  const forwardUrl = options.forwardUrl ?? location?.href;
  if (!forwardUrl || !_isWebUrl(forwardUrl)) {
    throw new PlexError("invalid_argument", "The forward URL must be an absolute http or https URL");
  }
  const navigate = options.navigate ?? (location ? (target: string) => location.assign(target) : undefined);
  if (!navigate) throw new PlexError("invalid_argument", "There is no page to navigate here: pass navigate");
  const storage = options.storage ?? _webStorage("sessionStorage");
  const { pin, url } = await pinRequest(config, { strong: true, forwardUrl, jwk: key?.publicJwk, signal });
  const pending: _PendingSignIn = {
    id: pin.id,
    code: pin.code,
    clientId: config.clientId,
    expiresAt: pin.expiresAt.toISOString(),
    keyId: key?.keyId,
  };
  _setItem(storage, options.storageKey ?? PENDING_KEY, JSON.stringify(pending));
  navigate(url);
}

/**
 * Options of {@linkcode finishForwardedSignIn}.
 *
 * @example
 * ```ts ignore
 * const options: ForwardedSignInFinishOptions = { config, waitMs: 10_000 };
 * ```
 */
export interface ForwardedSignInFinishOptions {
  /** The configuration: the same client id as when the sign-in started. */
  config: BrowserSignInContext;
  /** Cancels the checks (the pending sign-in is kept). */
  signal?: AbortSignal;
  /** The device key given to {@linkcode startForwardedSignIn}, if any. */
  key?: DeviceKey;
  /** Where the pending sign-in was kept. Default `sessionStorage`. */
  storage?: BrowserStorage;
  /** The storage key. Default `plextv:pending-sign-in`. */
  storageKey?: string;
  /** How long to keep checking a PIN that is not approved yet. Default 5 000 ms. */
  waitMs?: number;
  /** Milliseconds between checks. Default 1 000. */
  pollInterval?: number;
}

/**
 * Completes a sign-in started by {@linkcode startForwardedSignIn}, after the
 * auth app sent the browser back: reads the pending PIN, checks it (for up to
 * `waitMs` while it is not approved yet), clears it and resolves the token.
 * Call it on every page load: it resolves `undefined` when no sign-in is pending.
 *
 * The pending PIN is cleared once the outcome is final (a token, an expired or
 * unapproved PIN, another client id, unreadable data); it is kept after a
 * network error, a timeout, rate limiting, a server error or an abort, so a
 * later call can still finish.
 *
 * @param options The configuration, a signal, the device key, storage, wait and poll interval.
 * @returns The token, or `undefined` when no sign-in is pending.
 * @throws {PlexError} `pin_expired` when the PIN expired, `pin_not_approved` when the user
 *   came back without approving it, `invalid_client_id` when the sign-in was started with
 *   another client id, `store_corrupt` when the pending data is unreadable, `invalid_argument`
 *   when the sign-in registered a device key and `key` is not that key, and any request error.
 *
 * @example On page load
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId, finishForwardedSignIn } from "@plexkit/plextv/browser";
 *
 * const config = defaultConfig().withClientId(browserClientId()).withDevice({ product: "My Dashboard" });
 * const token = await finishForwardedSignIn({ config });
 * if (token) sessionStorage.setItem("plex-token", token.value);
 * ```
 */
export async function finishForwardedSignIn(
  options: ForwardedSignInFinishOptions,
): Promise<Token | undefined> {
  const { config, key } = options;
  const storage = options.storage ?? _webStorage("sessionStorage");
  const storageKey = options.storageKey ?? PENDING_KEY;
  const raw = _getItem(storage, storageKey);
  if (raw === null) return undefined;
  let pending: _PendingSignIn;
  try {
    pending = _parsePending(raw);
  } catch (cause) {
    _removeItem(storage, storageKey);
    throw new PlexError("store_corrupt", "The pending sign-in in browser storage is unreadable", {
      cause,
      hint: "Sign in again",
    });
  }
  if (pending.keyId !== undefined && key?.keyId !== pending.keyId) {
    throw new PlexError(
      "invalid_argument",
      "This sign-in registered a device key: pass the same key to finish it",
    );
  }
  try {
    const token = await _awaitApproval(config, pending, options);
    _removeItem(storage, storageKey);
    return token;
  } catch (err) {
    if (!isPlexError(err, "network_error", "timeout", "aborted", "too_many_requests", "server_error")) {
      _removeItem(storage, storageKey);
    }
    throw err;
  }
}

/**
 * The client identifier of this browser: read from `localStorage`, or created
 * once with `newClientId()` and kept there. A stable id keeps plex.tv from
 * listing a new device at every sign-in.
 *
 * @param storageKey The `localStorage` key. Default `plextv:client-id`.
 * @param storage Where to keep it. Default `localStorage`.
 * @returns The client identifier.
 * @throws {PlexError} `store_unavailable` when there is no usable storage, `store_error` when it cannot be written.
 *
 * @example In a page
 * ```ts ignore
 * import { defaultConfig } from "@plexkit/plextv";
 * import { browserClientId } from "@plexkit/plextv/browser";
 * const config = defaultConfig().withClientId(browserClientId());
 * ```
 *
 * @example With another storage
 * ```ts
 * import assert from "node:assert/strict";
 * import { browserClientId } from "./mod.ts";
 * const items = new Map<string, string>();
 * const storage = {
 *   getItem: (key: string) => items.get(key) ?? null,
 *   setItem: (key: string, value: string) => void items.set(key, value),
 *   removeItem: (key: string) => void items.delete(key),
 * };
 * const id = browserClientId("my-app:client-id", storage);
 * assert.equal(browserClientId("my-app:client-id", storage), id);
 * ```
 */
export function browserClientId(storageKey: string = CLIENT_ID_KEY, storage?: BrowserStorage): string {
  const store = storage ?? _webStorage("localStorage");
  const existing = _getItem(store, storageKey);
  if (existing !== null && /^[\x21-\x7e]{1,255}$/.test(existing)) return existing;
  const id = newClientId();
  _setItem(store, storageKey, id);
  return id;
}

interface _PendingSignIn {
  id: number;
  code: string;
  clientId: string;
  expiresAt: string;
  keyId?: string;
}

const _pendingValidator = object<_PendingSignIn>({
  id: number,
  code: string,
  clientId: string,
  expiresAt: string,
  keyId: optional(string),
});

function _parsePending(raw: string): _PendingSignIn {
  const pending = parse(_pendingValidator, JSON.parse(raw));
  if (!Number.isSafeInteger(pending.id) || Number.isNaN(Date.parse(pending.expiresAt))) {
    throw new PlexError("invalid_response", "The pending sign-in has an invalid PIN id or expiry");
  }
  return pending;
}

async function _awaitApproval(
  config: BrowserSignInContext,
  pending: _PendingSignIn,
  options: ForwardedSignInFinishOptions,
): Promise<Token> {
  if (pending.clientId !== config.clientId) {
    throw new PlexError(
      "invalid_client_id",
      "The pending sign-in was started with another client identifier",
      {
        hint: "Keep one client id per browser (browserClientId()) and sign in again",
      },
    );
  }
  const expiresAt = Date.parse(pending.expiresAt);
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 5_000);
  const interval = Math.max(50, options.pollInterval ?? 1_000);
  for (;;) {
    if (Date.now() >= expiresAt) {
      throw new PlexError("pin_expired", "The PIN expired before the sign-in finished", {
        hint: "Sign in again",
      });
    }
    const token = await _checkOnce(config, pending.id, options.key, options.signal);
    if (token) return token;
    if (Date.now() + interval > deadline) {
      throw new PlexError("pin_not_approved", "The sign-in request was not approved", {
        hint: "Sign in again and approve the request in the Plex auth app",
      });
    }
    await sleep(interval, options.signal);
  }
}

async function _checkOnce(
  config: BrowserSignInContext,
  id: number,
  key: DeviceKey | undefined,
  signal?: AbortSignal,
): Promise<Token | undefined> {
  const deviceJwt = key ? await signDeviceJwt(config, key.privateKey, key.keyId) : undefined;
  return (await validatePin(config, id, { deviceJwt, signal })).token;
}

function _showWaiting(popup: SignInPopup): void {
  try {
    const document = popup.document;
    if (!document?.body) return;
    document.title = "Plex";
    document.body.textContent = "Connecting to Plex…";
  } catch {
    // Not our document (already navigated elsewhere): nothing to show.
  }
}

function _pageLocation(): _PageLocation | undefined {
  try {
    return (globalThis as { location?: _PageLocation }).location;
  } catch {
    return undefined; // Deno without --location throws on access
  }
}

function _isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function _webStorage(name: "localStorage" | "sessionStorage"): BrowserStorage {
  let storage: BrowserStorage | undefined;
  try {
    storage = (globalThis as unknown as Record<string, BrowserStorage | undefined>)[name];
  } catch (cause) {
    throw new PlexError("store_unavailable", `${name} is not accessible on this page`, {
      cause,
      hint: "Allow site data for this page, or pass a storage",
    });
  }
  if (!storage) {
    throw new PlexError("store_unavailable", `${name} is not available in this runtime`, {
      hint: "Pass a storage with getItem, setItem and removeItem",
    });
  }
  return storage;
}

function _getItem(storage: BrowserStorage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch (cause) {
    throw new PlexError("store_unavailable", "Browser storage cannot be read", { cause });
  }
}

function _setItem(storage: BrowserStorage, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch (cause) {
    throw new PlexError("store_error", "Browser storage cannot be written (full or disabled)", { cause });
  }
}

function _removeItem(storage: BrowserStorage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // A pending sign-in that cannot be removed is checked again, and fails again, next time.
  }
}
